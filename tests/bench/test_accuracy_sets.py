"""bench.accuracy: the figures' arithmetic, the ffmpeg sets kept apart (main, dev2, spritedev and the holdout
share no seed, drawing or picture), and the ffmpeg pipeline's filter graphs rendering real clips (short ones)
with the ffmpeg program. Nothing here scans a clip of the holdout."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

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


def _drawn(spec, kind: str, part: int) -> set:
    """Which deck, character, logo or film the set's references and near-misses of that kind draw."""
    return {r.make[part] for r in spec.refs + [nm for nm, _ in spec.near_misses] if r.kind == kind}


def _pictures(spec) -> set:
    """The shipped files the set's photo references and footage are read from."""
    return {ffmpeg_set._source_path(r.make[1]) for r in spec.refs if r.kind == "photo"} | \
        {ffmpeg_set._source_path(n) for n in spec.footage}


DRAWN = {"deck": ("card", 3), "character": ("sprite", 2), "logo": ("logo", 1), "film": ("still", 1)}


@pytest.mark.parametrize("a,b", [(a, b) for a in sorted(ffmpeg_set.SETS) for b in sorted(ffmpeg_set.SETS) if a < b])
def test_the_sets_share_no_seed_reference_near_miss_or_drawing(a, b):
    sa, sb = ffmpeg_set.SETS[a], ffmpeg_set.SETS[b]
    assert sa.seed != sb.seed
    for part, (kind, i) in DRAWN.items():
        assert not _drawn(sa, kind, i) & _drawn(sb, kind, i), (part, a, b)
    refs = lambda s: {r.make for r in s.refs} | {r.make for r, _ in s.near_misses}  # noqa: E731
    assert not refs(sa) & refs(sb)
    photos = lambda s: {ffmpeg_set._source_path(r.make[1]) for r in s.refs if r.kind == "photo"}  # noqa: E731
    assert not photos(sa) & _pictures(sb) and not photos(sb) & _pictures(sa)


@pytest.mark.parametrize("other", sorted(set(ffmpeg_set.SETS) - {ffmpeg_set.HOLDOUT}))
def test_the_holdout_shows_no_picture_another_set_shows(other):
    """Photos and footage too (the sprite development set reuses main's footage; the holdout reuses nothing)."""
    assert not _pictures(ffmpeg_set.SETS[ffmpeg_set.HOLDOUT]) & _pictures(ffmpeg_set.SETS[other])


def test_the_holdouts_photos_are_no_reference_of_the_synth_set():
    """The synth set (and the calibration fit built on its references) never showed the holdout's photos."""
    from bench.accuracy import dataset

    synth = {r.source for r in dataset.REFS} | set(dataset.DISTRACTOR_IMAGES) | {p for _, p in dataset.NEAR_MISS.values()}
    hold = ffmpeg_set.SETS[ffmpeg_set.HOLDOUT]
    assert not {ffmpeg_set._source_path(r.make[1]) for r in hold.refs if r.kind == "photo"} & synth


def test_the_disjointness_checks_catch_a_reused_picture_or_drawing(monkeypatch):
    hold = ffmpeg_set.SETS[ffmpeg_set.HOLDOUT]
    monkeypatch.setattr(hold, "footage", hold.footage + ["grass.png"])
    with pytest.raises(AssertionError):
        test_the_holdout_shows_no_picture_another_set_shows("main")
    monkeypatch.setattr(hold, "refs", hold.refs + ffmpeg_set._frames(1, [2]))
    with pytest.raises(AssertionError):
        test_the_sets_share_no_seed_reference_near_miss_or_drawing("dev2", ffmpeg_set.HOLDOUT)


def test_every_picture_is_a_shipped_file_and_renders():
    for spec in ffmpeg_set.SETS.values():
        names = [r.make[1] for r in spec.refs if r.kind == "photo"] + spec.footage
        for n in names:
            assert ffmpeg_set._source_path(n).is_file(), n
    for n in [r.make[1] for r in ffmpeg_set.SETS[ffmpeg_set.HOLDOUT].refs if r.kind == "photo"] + \
            ffmpeg_set.SETS[ffmpeg_set.HOLDOUT].footage:
        img = np.asarray(ffmpeg_set.load_picture(n))
        assert img.ndim == 3 and min(img.shape[:2]) >= 150 and img.std() > 10, n


def test_every_set_has_near_misses_of_each_kind_beside_its_references():
    for name, s in ffmpeg_set.SETS.items():   # a near-miss is never in its own set's index, and resembles one that is
        names = {r.name for r in s.refs}
        for nm, like in s.near_misses:
            assert nm.name not in names and set(like) <= names
        if name == ffmpeg_set.SIBLING_DEV:
            assert {nm.kind for nm, _ in s.near_misses} == {"bust", "itemcard", "title", "scene"}
        elif name != ffmpeg_set.SPRITE_DEV:
            kinds = {nm.kind for nm, _ in s.near_misses}
            assert kinds == {"card", "sprite", "still"}, name
            assert any(nm.make[4] for nm, _ in s.near_misses if nm.kind == "card"), name   # a four-colour print


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
    monkeypatch.setattr(ffmpeg_set.screen_photo, "render", lambda out, *a, **k: made.append(out.name))
    monkeypatch.setattr(ffmpeg_set.shutil, "which", lambda _: "/usr/bin/ffmpeg")
    monkeypatch.setattr(ffmpeg_set, "plate", lambda img, footage, rng: Image.new("RGB", (2, 2)))
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
    # the art plates are drawn after every name and seed is fixed; encoding them would be most of the cost
    monkeypatch.setattr(ffmpeg_set, "plate", lambda img, footage, rng: Image.new("RGB", (2, 2)))
    monkeypatch.setattr(ffmpeg_set.screen_photo, "render", lambda out, *a, **k: None)
    m = ffmpeg_set.build(tmp_path, log=lambda *_: None, **kw)
    # the families rendered frame by frame came after these pins, from a generator of their own: the pins say that
    # every other clip is as it was
    key = [[Path(r).name for r in m["refs"]],
           [(c["name"], c["family"], c["labels"], c["kind"], c["extra"]["seed"]) for c in m["clips"]
            if c["family"] not in ffmpeg_set.RENDERED]]
    return hashlib.sha256(json.dumps(key).encode()).hexdigest(), m


def test_main_set_is_unchanged_by_the_sprite_dev_set(tmp_path, monkeypatch):
    """The main set's references and clips (quick and full) are those of main at 9b71e32, pinned."""
    assert _plan_digest(monkeypatch, tmp_path / "q", quick=True)[0] == \
        "3aeb637c29b7a652cdbc94aebce8ee53312e36feb9bf91c01290e7df24ab247a"
    assert _plan_digest(monkeypatch, tmp_path / "f", quick=False)[0] == \
        "c72c0cad26432c734b0c1ca5c194dc38a782b05e06b42fe0e7fd524c823f4c45"


def test_dev2_is_the_first_holdout_as_it_was(tmp_path, monkeypatch):
    """dev2's references and clips (quick and full) are those the holdout had until 2026-12-07 (main at 7da128e),
    pinned: the scores read at the three stops stay comparable with dev2's."""
    assert _plan_digest(monkeypatch, tmp_path / "q", quick=True, set_name="dev2")[0] == \
        "f6610e638d11b66b36e9446a0a7c481dce3ab7f1ef44d3017d306f0272803b2b"
    assert _plan_digest(monkeypatch, tmp_path / "f", quick=False, set_name="dev2")[0] == \
        "e70d15a7108dc942b513c79b01908c4ce8bf241a777df7bee5274906d5b367fa"


def test_a_folder_of_another_set_is_refused(tmp_path, monkeypatch):
    """Clips already in the folder are kept: a folder holding another set's (or the old holdout's, whose
    manifest names no seed) is never built over and scored as the holdout."""
    import json

    monkeypatch.setattr(ffmpeg_set, "run_ffmpeg", lambda out, inputs, graph, seconds=4.0: None)
    monkeypatch.setattr(ffmpeg_set.shutil, "which", lambda _: "/usr/bin/ffmpeg")
    monkeypatch.setattr(ffmpeg_set, "plate", lambda img, footage, rng: Image.new("RGB", (2, 2)))
    m = ffmpeg_set.build(tmp_path / "main", quick=True, families=frozenset({"full"}), log=lambda *_: None)
    assert m["set"] == "main" and m["seed"] == ffmpeg_set.SETS["main"].seed
    with pytest.raises(SystemExit, match="another set"):
        ffmpeg_set.build(tmp_path / "main", quick=True, holdout=True, log=lambda *_: None)
    old = tmp_path / "old-holdout"
    old.mkdir()
    (old / "manifest.json").write_text(json.dumps({"pipeline": "ffmpeg", "set": "holdout", "clips": []}))
    with pytest.raises(SystemExit, match="another set"):
        ffmpeg_set.build(old, quick=True, holdout=True, log=lambda *_: None)
    legacy_main = tmp_path / "legacy-main"   # main's folders from before the seed was recorded stay usable
    legacy_main.mkdir()
    (legacy_main / "manifest.json").write_text(json.dumps({"pipeline": "ffmpeg", "set": "main", "clips": []}))
    ffmpeg_set.build(legacy_main, quick=True, families=frozenset({"full"}), log=lambda *_: None)


@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="the ffmpeg program is not installed")
def test_the_holdout_builds(tmp_path, monkeypatch):
    """Three of the holdout's clips rendered for real (a positive one, a near-miss, a distractor over footage;
    the others planned only). Nothing here scans them: the holdout is scored only by `--holdout`."""
    real, rendered = ffmpeg_set.run_ffmpeg, []

    def some(out, inputs, graph, seconds=4.0):
        kind = "near" if "nearmiss" in out.name else "dis" if "distractor" in out.name else "pos"
        if kind not in {k for k, _ in rendered} and (kind != "dis" or inputs):   # a distractor over footage
            real(out, inputs, graph, seconds=1.0)
            rendered.append((kind, out))

    monkeypatch.setattr(ffmpeg_set, "run_ffmpeg", some)
    m = ffmpeg_set.build(tmp_path, quick=True, holdout=True, families=frozenset({"sticker"}), log=lambda *_: None)
    assert m["set"] == ffmpeg_set.HOLDOUT and m["seed"] == ffmpeg_set.SETS[ffmpeg_set.HOLDOUT].seed
    assert sorted(k for k, _ in rendered) == ["dis", "near", "pos"]
    for _, clip in rendered:
        probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                                "stream=width,height", "-of", "csv=p=0", str(clip)], capture_output=True, text=True)
        assert probe.stdout.strip() == "720,1280", clip.name
    refs = {Path(p).stem for p in m["refs"]}
    assert refs == {r.name for r in ffmpeg_set.SETS[ffmpeg_set.HOLDOUT].refs}
    assert all(Path(p).is_file() for p in m["refs"])


def test_sprite_dev_set_draws_characters_no_other_set_shows(tmp_path, monkeypatch):
    dev = ffmpeg_set.SETS[ffmpeg_set.SPRITE_DEV]
    chars = lambda s: {r.make[2] for r in s.refs + [nm for nm, _ in s.near_misses] if r.kind == "sprite"}  # noqa: E731
    assert not chars(dev) & set().union(*(chars(s) for n, s in ffmpeg_set.SETS.items() if n != ffmpeg_set.SPRITE_DEV))
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


# artgen's drawing functions -> (the argument's position, its keyword, its default): which deck, character, logo or
# film a call draws
ARTGEN_DRAWS = {"playing_card": ("deck", 2, "deck_seed", 0), "sprite_frame": ("character", 2, "char_seed", 0),
                "logo": ("logo", 0, "seed", None), "film_still": ("film", 0, "film", None)}


# tests/matcher/conftest.py's helpers that draw walk cycles -> the positions of the characters they draw
HELPER_DRAWS = {"walk_cycle_index": [("character", 1), ("character", 3)], "sprite_on": [("character", 1)]}


def _drawn_by_tests(root: Path) -> dict[str, set]:
    """Which decks, characters, logos and films the test modules under ROOT draw with bench.accuracy.artgen (calls
    `artgen.X(...)`, their arguments as literals or module-level integer names such as `CHAR, OTHER = 8, 9`)."""
    import ast

    drawn: dict[str, set] = {part: set() for part, *_ in ARTGEN_DRAWS.values()}
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: dict[str, object] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
                pairs = (zip(target.elts, value.elts) if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
                         else [(target, value)])
                for t, v in pairs:
                    if isinstance(t, ast.Name) and isinstance(v, ast.Constant):
                        names[t.id] = v.value
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name) and node.func.id in HELPER_DRAWS:  # tests/matcher/conftest.py's helpers
                draws = [(part, pos, None, None) for part, pos in HELPER_DRAWS[node.func.id]]
            elif (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                  and node.func.value.id == "artgen" and node.func.attr in ARTGEN_DRAWS):
                draws = [ARTGEN_DRAWS[node.func.attr]]
            else:
                continue
            for part, pos, keyword, default in draws:
                arg = next((k.value for k in node.keywords if k.arg == keyword), None)
                arg = arg if arg is not None else node.args[pos] if len(node.args) > pos else None
                value = (default if arg is None else arg.value if isinstance(arg, ast.Constant)
                         else names.get(arg.id) if isinstance(arg, ast.Name) else None)
                if value is not None:
                    drawn[part].add(value)
    return drawn


def test_no_test_draws_what_the_holdout_shows():
    """The matcher's tests are read and tuned on: none may draw the holdout's deck, character, logos or films (the
    first holdout character, 8, was drawn by tests/matcher/test_cut_sprites.py, so it moved to 12 before any run)."""
    tests = Path(__file__).resolve().parent.parent
    by_tests = _drawn_by_tests(tests / "matcher")
    assert by_tests["character"] >= {0, 6, 7, 8, 9}  # the scan reads the tests' drawings (else this proves nothing)
    hold = ffmpeg_set.SETS[ffmpeg_set.HOLDOUT]
    for part, (kind, i) in DRAWN.items():
        assert not _drawn(hold, kind, i) & by_tests[part], part
