"""bench.accuracy: the figures' arithmetic, the holdout kept apart from the main set, and the ffmpeg
pipeline's filter graphs rendering real clips (short ones) with the ffmpeg program."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from bench.accuracy import artgen, ffmpeg_set
from bench.accuracy.metrics import average_precision, metrics, recall_at_precision


def test_ties_count_together_and_missed_positives_lower_ap():
    # three true pairs at 1.0 tied with one false pair; a fourth positive never scored
    pairs = [(1.0, True), (1.0, True), (1.0, True), (1.0, False), (0.4, False)]
    assert average_precision(pairs, positives=4) == pytest.approx(3 * 0.75 / 4)
    assert recall_at_precision(pairs, positives=4, precision=0.99) == 0.0
    assert recall_at_precision([(0.9, True), (0.8, False)], positives=1) == 1.0


def test_sibling_near_miss_at_threshold_is_counted():
    clips = [{"name": "a", "family": "full", "labels": ["card0_7H"], "kind": "positive", "extra": {}},
             {"name": "n", "family": "full", "labels": [], "kind": "near_miss",
              "extra": {"sibling_of": ["card0_7H"]}},
             {"name": "d", "family": "distractor", "labels": [], "kind": "distractor", "extra": {}}]
    preds = {"a": {"card0_7H": 1.0, "card0_AS": 0.7}, "n": {"card0_7H": 0.9}, "d": {"logo0": 0.2}}
    m = metrics(clips, preds, 0.6, {"card0_7H": "deck0", "card0_AS": "deck0"})
    assert m["near_miss_flagged"] == 1 and m["sibling_pairs_flagged"] == 2
    assert m["distractors_flagged"] == 0 and m["recall"] == 1.0 and m["precision"] == pytest.approx(1 / 3)
    assert m["recall_no_distractor"] == 1.0 and m["no_distractor_threshold"] == 0.2 and m["near_miss_max"] == 0.9


def test_holdout_shares_nothing_with_main():
    main, hold = ffmpeg_set.SETS["main"], ffmpeg_set.SETS["holdout"]

    def sources(s):
        return {r.make for r in s.refs} | {r.make for r, _ in s.near_misses}

    assert not sources(main) & sources(hold)
    assert not {r.make[3] for r in main.refs if r.kind == "card"} & {r.make[3] for r in hold.refs if r.kind == "card"}
    assert not set(main.footage) & set(hold.footage)
    assert not {r.make[1] for r in main.refs if r.kind == "photo"} & {r.make[1] for r in hold.refs if r.kind == "photo"}
    assert main.seed != hold.seed
    for s in (main, hold):   # a near-miss is never in its own set's index, and resembles one that is
        names = {r.name for r in s.refs}
        for nm, like in s.near_misses:
            assert nm.name not in names and set(like) <= names


def test_siblings_differ_but_share_their_layout():
    a, b = (np.asarray(artgen.playing_card(r, "H", 0), np.int16) for r in ("7", "8"))
    diff = np.abs(a - b).max(axis=2) > 40
    assert 0.005 < diff.mean() < 0.2          # other pips and rank, same frame and paper
    for s in ffmpeg_set.SETS.values():    # a frame near-miss is no copy of a reference frame
        for nm, _ in s.near_misses:
            if nm.kind == "sprite":
                img = np.asarray(ffmpeg_set.reference_image(nm), np.int16)
                frames = [np.asarray(ffmpeg_set.reference_image(r), np.int16) for r in s.refs if r.group == nm.group]
                for ref in frames:
                    assert 0.04 < (np.abs(img - ref).max(axis=2) > 40).mean() < 0.3


@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="the ffmpeg program is not installed")
@pytest.mark.parametrize("family,n_arts", [("greenscreen", 1), ("speedramp", 1), ("reupload", 1),
                                           ("perspective", 1), ("montage", 4), ("gifsticker", 1)])
def test_family_graph_renders_a_vertical_clip(tmp_path, family, n_arts):
    rng = np.random.default_rng(3)
    arts = []
    for j in range(n_arts):
        p = tmp_path / f"art{j}.png"
        (artgen.sprite_frame(j) if family in ffmpeg_set.OVERLAY_ONLY else artgen.film_still(0, j)).save(p)
        arts.append(p)
    graph, wants = ffmpeg_set.family_graph(family, rng, n_arts)
    extra = {"footage": tmp_path / "footage.png", "presenter": tmp_path / "presenter.png"}
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 400, 3), dtype=np.uint8)).save(extra["footage"])
    artgen.presenter().save(extra["presenter"])
    out = tmp_path / "clip.mp4"
    ffmpeg_set.run_ffmpeg(out, arts + [extra[w] for w in wants], graph, seconds=1.0)
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "stream=width,height", "-of", "csv=p=0", str(out)], capture_output=True, text=True)
    assert probe.stdout.strip() == "720,1280"


@pytest.mark.parametrize("set_name", sorted(ffmpeg_set.SETS))
def test_every_near_miss_differs_from_the_reference_it_resembles(set_name):
    """A near-miss drawn pixel for pixel like its indexed sibling would be a copy labelled as a miss (the main
    set's four-colour QH was: hearts are red in both palettes)."""
    spec = ffmpeg_set.SETS[set_name]
    refs = {r.name: r for r in spec.refs}
    for miss, likes in spec.near_misses:
        shown = np.asarray(ffmpeg_set.reference_image(miss).convert("RGB"), dtype=np.int16)
        for like in likes:
            ref = np.asarray(ffmpeg_set.reference_image(refs[like]).convert("RGB"), dtype=np.int16)
            if ref.shape == shown.shape:
                assert np.abs(ref - shown).max(axis=2).astype(bool).mean() > 0.002, (miss.name, like)


def test_overlay_families_leave_the_other_clips_as_they_were(tmp_path, monkeypatch):
    """The gifsticker clips come from a generator of their own, after every other clip: the clips (names and
    seeds) of the other families, the near-misses and the distractors are those of the set without them."""
    made = []
    monkeypatch.setattr(ffmpeg_set, "run_ffmpeg", lambda out, inputs, graph, seconds=4.0: made.append(out.name))
    monkeypatch.setattr(ffmpeg_set.shutil, "which", lambda _: "/usr/bin/ffmpeg")
    with_overlay = ffmpeg_set.build(tmp_path / "a", quick=True, log=lambda *_: None)
    monkeypatch.setattr(ffmpeg_set, "FAMILIES", [f for f in ffmpeg_set.FAMILIES if f not in ffmpeg_set.OVERLAY_ONLY])
    without = ffmpeg_set.build(tmp_path / "b", quick=True, log=lambda *_: None)
    key = lambda m: [(c["name"], c["extra"]["seed"]) for c in m["clips"] if c["family"] not in ffmpeg_set.OVERLAY_ONLY]  # noqa: E731
    assert key(with_overlay) == key(without)
    assert {c["family"] for c in with_overlay["clips"]} >= ffmpeg_set.OVERLAY_ONLY


def _plan_digest(monkeypatch, tmp_path, **kw) -> tuple[str, dict]:
    """sha256 of a set's references and clips (names, families, labels, seeds), built without ffmpeg."""
    import hashlib
    import json
    from pathlib import Path

    monkeypatch.setattr(ffmpeg_set, "run_ffmpeg", lambda out, inputs, graph, seconds=4.0: None)
    monkeypatch.setattr(ffmpeg_set.shutil, "which", lambda _: "/usr/bin/ffmpeg")
    m = ffmpeg_set.build(tmp_path, log=lambda *_: None, **kw)
    key = [[Path(r).name for r in m["refs"]],
           [(c["name"], c["family"], c["labels"], c["kind"], c["extra"]["seed"]) for c in m["clips"]]]
    return hashlib.sha256(json.dumps(key).encode()).hexdigest(), m


def test_main_set_is_unchanged_by_the_sprite_dev_set(tmp_path, monkeypatch):
    """The main set's references and clips (quick and full) are those of main at 9b71e32, pinned."""
    assert _plan_digest(monkeypatch, tmp_path / "q", quick=True)[0] == \
        "3aeb637c29b7a652cdbc94aebce8ee53312e36feb9bf91c01290e7df24ab247a"
    assert _plan_digest(monkeypatch, tmp_path / "f", quick=False)[0] == \
        "c72c0cad26432c734b0c1ca5c194dc38a782b05e06b42fe0e7fd524c823f4c45"


def test_sprite_dev_set_draws_characters_no_other_set_shows(tmp_path, monkeypatch):
    dev = ffmpeg_set.SETS[ffmpeg_set.SPRITE_DEV]
    chars = lambda s: {r.make[2] for r in s.refs + [nm for nm, _ in s.near_misses] if r.kind == "sprite"}  # noqa: E731
    assert not chars(dev) & (chars(ffmpeg_set.SETS["main"]) | chars(ffmpeg_set.SETS["holdout"]))
    assert {r.kind for r in dev.refs} == {"sprite"}
    names = {r.name: r for r in dev.refs}
    for nm, likes in dev.near_misses:        # each near-miss is frame k + 4 of an indexed frame k, same character
        assert nm.name not in names and all(names[x].group == nm.group for x in likes)
        assert any((names[x].make[1] + 4) % 8 == nm.make[1] for x in likes)
    _, m = _plan_digest(monkeypatch, tmp_path, quick=True, set_name=ffmpeg_set.SPRITE_DEV)
    positives = [c for c in m["clips"] if c["kind"] == "positive"]
    assert m["set"] == ffmpeg_set.SPRITE_DEV and all(lab in names for c in positives for lab in c["labels"])
    assert {c["family"] for c in positives} == set(ffmpeg_set.FAMILIES) - ffmpeg_set.LANDSCAPE_ONLY
    assert sum(c["kind"] == "near_miss" for c in m["clips"]) == len(dev.near_misses)
