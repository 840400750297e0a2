"""bench.accuracy's blind set (`cv_set`, the third pipeline): its plan and frames are the same on every run,
it shares no seed or shipped file with the other sets, its near-misses are siblings outside the index, and
`--blind` prints and keeps aggregate figures only. The default set (seed 1207602) shows material the first
(1207301, `--blind-seed 1207301`) did not, and the first is drawn and planned as it was. Nothing here scans a
clip of the set; the frames rendered are a few of a few clips at a small size."""

from __future__ import annotations

import json
from collections import Counter

import av
import numpy as np
import pytest

import bench.accuracy.__main__ as cli
from bench.accuracy import cv_set, cvart, ffmpeg_set


def _some(kinds=("positive", "near_miss", "distractor")) -> list[cv_set.Planned]:
    """One planned clip of each kind (a positive transition shows two references)."""
    clips = cv_set.plan()
    out = [next(p for p in clips if p.clip.family == "transition")]
    out += [next(p for p in clips if p.clip.kind == k) for k in kinds if k != "positive"]
    return out


def _frames(p: cv_set.Planned) -> np.ndarray:
    pics = {a.name: cv_set.draw(a) for a in p.arts}
    fn, W, H, n = cv_set.clip_frames(p, pics, size=(144, 256), n=4)
    return np.stack([fn(i) for i in range(0, n)])


def test_the_plan_is_the_same_on_every_run_and_has_the_sizes_asked():
    a, b = cv_set.plan(), cv_set.plan()
    assert cv_set.plan_digest(a) == cv_set.plan_digest(b)
    assert [(p.clip.name, p.clip.extra) for p in a] == [(p.clip.name, p.clip.extra) for p in b]
    assert 40 <= len(cv_set.REFS) <= 60 and 150 <= len(a) <= 200
    per = Counter(p.clip.family for p in a if p.clip.kind == "positive")
    assert len(per) == len(cv_set.FAMILIES) >= 12 and min(per.values()) >= 8
    assert len({p.clip.name for p in a}) == len(a)
    refs = {r.name for r in cv_set.REFS}
    assert len(refs) == len(cv_set.REFS)
    for p in a:
        assert set(p.clip.labels) <= refs and (p.clip.kind == "positive") == bool(p.clip.labels)
        assert {x.name for x in p.arts} & refs == set(p.clip.labels)   # every indexed picture shown is labelled
        assert 4 <= p.seconds <= 8 and p.size in ((720, 1280), (1080, 1920))
    assert any(p.reupload for p in a) and not all(p.reupload for p in a)


def test_a_clips_frames_are_the_same_on_every_run():
    for p in _some():
        first, again = _frames(p), _frames(p)
        assert first.shape == (4, 256, 144, 3) and first.std() > 5, p.clip.name
        assert np.array_equal(first, again), p.clip.name


def test_the_drawings_are_the_same_on_every_run_and_siblings_differ():
    for art in [cv_set.REFS[0], cv_set.NEAR_MISSES[0][0]]:
        assert np.array_equal(cv_set.draw(art), cv_set.draw(art))
    refs = {r.name: r for r in cv_set.REFS}
    for miss, likes in cv_set.NEAR_MISSES:
        assert miss.name not in refs and likes and all(refs[x].group == miss.group for x in likes)
        shown = cv_set.draw(miss).astype(np.int16)
        for like in likes:
            ref = cv_set.draw(refs[like]).astype(np.int16)
            assert ref.shape == shown.shape
            changed = (np.abs(ref - shown).max(axis=2) > 40).mean()
            assert 0.003 < changed < 0.6, (miss.name, like, changed)   # a sibling, not a copy, not another picture
    assert not {f.name for f in cv_set.FILLERS} & set(refs)


def test_an_encoded_clip_is_vertical_h264_and_a_reupload_keeps_its_size(tmp_path):
    p = _some(("positive",))[0]
    pics = {a.name: cv_set.draw(a) for a in p.arts}
    fn, W, H, n = cv_set.clip_frames(p, pics, size=(144, 256), n=6)
    out = tmp_path / "c.mp4"
    cv_set.encode(out, (fn(i) for i in range(n)), W, H)
    cv_set.reupload(out, np.random.default_rng(1), W, H)
    with av.open(str(out)) as c:
        s = c.streams.video[0]
        assert (s.codec_context.name, s.width, s.height, s.pix_fmt) == ("h264", 144, 256, "yuv420p")
        assert sum(1 for _ in c.decode(s)) == n


def test_the_blind_set_shares_no_seed_or_shipped_file_with_the_other_sets():
    from bench.accuracy import dataset

    assert cv_set.SEED not in {s.seed for s in ffmpeg_set.SETS.values()}
    others = set()
    for spec in ffmpeg_set.SETS.values():
        others |= {ffmpeg_set._source_path(r.make[1]) for r in spec.refs if r.kind == "photo"}
        others |= {ffmpeg_set._source_path(n) for n in spec.footage}
    synth = ({r.source for r in dataset.REFS} | set(dataset.DISTRACTOR_IMAGES)
             | {p for _, p in dataset.NEAR_MISS.values()})
    others = {str(p) for p in others} | {str(p) for p in synth}
    mine = cv_set.shipped_files()
    assert all(p.is_file() for p in mine)
    # lfw_subset.npy is dev3's too (the second ffmpeg holdout) for its 100 faces; the blind sets show the other half
    assert {str(p) for p in mine} & others <= {str(cvart.lfw_path())}
    sheets = [a for a in cv_set.REFS + [m for m, _ in cv_set.NEAR_MISSES] + cv_set.FILLERS if a.kind == "photo"]
    assert sheets and all(set(range(a.make[0], a.make[0] + 20)) <= set(cvart.LFW_NONFACE) for a in sheets)


def test_the_sharing_check_would_catch_a_shared_file(monkeypatch):
    monkeypatch.setattr(cv_set, "shipped_files", lambda: {ffmpeg_set._source_path(ffmpeg_set.SETS["main"].footage[0])})
    with pytest.raises(AssertionError):
        test_the_blind_set_shares_no_seed_or_shipped_file_with_the_other_sets()


CLIPS = [
    {"name": "cv_duet_00", "family": "duet", "labels": ["cv_bust3_o0e0"], "kind": "positive", "extra": {}},
    {"name": "cv_crop_01", "family": "crop", "labels": ["cv_item4"], "kind": "positive", "extra": {}},
    {"name": "cv_nearmiss_00", "family": "glitch", "labels": [], "kind": "near_miss",
     "extra": {"sibling_of": ["cv_bust3_o0e0"], "image": "cv_bust3_o2e0"}},
    {"name": "cv_distractor_00", "family": "distractor", "labels": [], "kind": "distractor", "extra": {}},
]
SCORES = {"cv_duet_00": {"cv_bust3_o0e0": 0.97, "cv_title2": 0.1}, "cv_crop_01": {"cv_item4": 0.2},
          "cv_nearmiss_00": {"cv_bust3_o0e0": 0.8}, "cv_distractor_00": {}}
SECRET = [c["name"] for c in CLIPS] + ["cv_bust3_o0e0", "cv_item4", "cv_bust3_o2e0", "cv_title2"]


@pytest.fixture
def fake_blind(monkeypatch):
    """The CLI with the blind set's build and scan replaced by a fabricated table (nothing generated or scanned)."""
    built = []

    def build_set(pipeline, quick, set_name, out, families=None, blind_seed=None):
        built.append((pipeline, set_name))
        return cli.set_folder(pipeline, set_name, quick), {
            "pipeline": "cv", "set": "blind", "seed": cv_set.SEED, "refs": [],
            "groups": {"cv_bust3_o0e0": "char3", "cv_item4": "itemcards"}, "clips": CLIPS}

    results = [{"name": n, "matcher": s, "error": "could not decode" if n == "cv_distractor_00" else None,
                "seconds": 1.0, "cpu": 1.0} for n, s in SCORES.items()]
    monkeypatch.setattr(cli, "build_set", build_set)
    monkeypatch.setattr(cli, "scan_set", lambda pipeline, folder, manifest, jobs, baselines: results)
    return built


@pytest.mark.parametrize("reveal", [False, True])
def test_blind_prints_and_keeps_aggregates_only(fake_blind, capsys, tmp_path, reveal):
    saved = tmp_path / "run.json"
    cli.main(["--blind", "--no-baselines", "--json", str(saved)] + (["--reveal"] if reveal else []))
    out = capsys.readouterr().out + saved.read_text()
    assert fake_blind == [("cv", "blind")]
    if reveal:
        assert all(name in out for name in SECRET[:3])
        return
    for name in SECRET:
        assert name not in out, name
    entry = json.loads(saved.read_text())["cv-blind"]
    assert entry["sealed"] and "results" not in entry and entry["seed"] == cv_set.SEED
    assert entry["metrics"]["matcher"]["family_counts"] == {"duet": "1/1", "crop": "0/1"}
    assert "recall per family: crop 0.00 (0/1), duet 1.00 (1/1)" in out


def test_blind_has_its_own_folder_and_refuses_families(tmp_path):
    folder = cli.set_folder("cv", "blind", False)
    assert str(cv_set.SEED) in folder.name and folder != cli.set_folder("cv", "blind", True)
    assert folder not in {cli.set_folder("ffmpeg", s, q) for s in ffmpeg_set.SETS for q in (True, False)}
    with pytest.raises(SystemExit):
        cli.main(["--blind", "--families", "duet"])
    (tmp_path / "manifest.json").write_text(json.dumps({"pipeline": "ffmpeg", "set": "main", "seed": 1}))
    with pytest.raises(SystemExit, match="another set"):
        cv_set.build(tmp_path, quick=True, log=lambda *_: None)


@pytest.mark.parametrize("kind", cv_set.FOOTAGE)
def test_every_footage_kind_renders(kind):
    """Distractors and second videos (the charts read their Matplotlib sample data files)."""
    f = cv_set.footage(kind, np.random.default_rng(0), 144, 256)
    a, b = f(0.0), f(1.0)
    assert a.shape == b.shape == (256, 144, 3) and a.dtype == np.uint8 and a.std() > 3


def test_the_quick_plan_keeps_every_family_and_kind():
    quick = cv_set.plan(quick=True)
    assert {p.clip.family for p in quick if p.clip.kind == "positive"} == set(cv_set.FAMILIES)
    assert {p.clip.kind for p in quick} == {"positive", "near_miss", "distractor"} and len(quick) < len(cv_set.plan())


def _pictures_digest(seed: int) -> str:
    import hashlib

    refs, near, fillers = cv_set.material(seed)
    h = hashlib.sha256()
    for a in refs + [nm for nm, _ in near] + fillers:
        h.update(a.name.encode())
        h.update(cv_set.draw(a).tobytes())
    return h.hexdigest()


def test_the_first_blind_set_is_drawn_and_planned_as_it_was():
    """`--blind-seed 1207301` builds the first blind set (scored three times) as it was at 3d4606c: its pictures and
    its plans (full and quick) are pinned, so its aggregates can be reproduced."""
    assert _pictures_digest(cv_set.FIRST_SEED) == "ca9313cbd63f637a828a7becaee718930900b8b172f4d3558c56bfd5832abc82"
    assert cv_set.plan_digest(cv_set.plan(seed=cv_set.FIRST_SEED)) == \
        "00d814bb78db969acc7bdd3329d8f3cb0f22c5e351b65a7afdb599f91a50345d"
    assert cv_set.plan_digest(cv_set.plan(quick=True, seed=cv_set.FIRST_SEED)) == \
        "909b87353e6c1b43df26da199cffe667359e94472cc9dc9e0adf0100d12f24cd"


def test_the_blind_sets_plan_is_pinned():
    """The default blind set's plan (full and quick), pinned by digest only: a change to it is a new blind set."""
    assert cv_set.plan_digest(cv_set.plan()) == "152426f4847a2b6b0ba6bd3e2a99f83d77581f95b3886b9a7a988edcdc9baac2"
    assert cv_set.plan_digest(cv_set.plan(quick=True)) == \
        "bd065c4a60258b91bbb82e0e08df94c61f5a9ba2b0f0631058641338e11a635c"
    with pytest.raises(ValueError):
        cv_set.material(1)


def _what(seed: int) -> dict[str, set]:
    """The characters, items, titles (words), palettes and lfw crops a blind set draws."""
    refs, near, fillers = cv_set.material(seed)
    arts = refs + [nm for nm, _ in near] + fillers
    return {"character": {a.make[0] for a in arts if a.kind == "bust"},
            "item": {cvart.ITEMS[a.make[0]][0] for a in arts if a.kind == "card"},
            "title": {cvart.TITLES[a.make[0]] for a in arts if a.kind == "logo"},
            "style": {a.make[1] if a.make[1] is not None else a.make[0] % cvart.FIRST_STYLES
                      for a in arts if a.kind == "logo"},
            "palette": {a.make[0] for a in arts if a.kind == "keyvisual"},
            "crops": {k for a in arts if a.kind == "photo" for k in range(a.make[0], a.make[0] + 20)}}


def test_the_second_blind_set_shows_material_the_first_did_not():
    first, second = _what(cv_set.FIRST_SEED), _what(cv_set.SEED)
    for part in first:
        assert second[part] and not first[part] & second[part], part
    assert min(second["character"]) >= cvart.CAST2


def test_the_second_casts_busts_wear_colours_of_their_own():
    """Characters 10 apart shared hair and clothes colours (HAIRS and OUTFITS cycle); the second cast's do not:
    every new bust differs from every bust of the first set in at least a fifth of its pixels."""
    def busts(seed):
        refs, near, fillers = cv_set.material(seed)
        return [cv_set.draw(a).astype(np.int16) for a in refs + [nm for nm, _ in near] + fillers if a.kind == "bust"]
    old = busts(cv_set.FIRST_SEED)
    for new in busts(cv_set.SEED)[::3]:
        assert min((np.abs(new - b).max(axis=2) > 40).mean() for b in old) > 0.2


def test_blind_seed_builds_the_first_set_in_its_own_folder(monkeypatch):
    calls = []
    monkeypatch.setattr(cli, "build_set", lambda pl, quick, set_name, out, families=None, blind_seed=None:
                        calls.append((pl, blind_seed, cli.set_folder(pl, set_name, quick, blind_seed).name))
                        or (None, {}))
    monkeypatch.setattr(cli, "run_pipeline", lambda *a, **k: {})
    cli.main(["--blind", "--blind-seed", "1207301", "--no-baselines"])
    cli.main(["--blind", "--no-baselines"])
    assert calls == [("cv", 1207301, "cv-blind-s1207301-full"), ("cv", None, f"cv-blind-s{cv_set.SEED}-full")]
    assert cli.BLIND_SEEDS == cv_set.SEEDS and cv_set.SEEDS[-1] == cv_set.SEED
    with pytest.raises(SystemExit):
        cli.main(["--holdout", "--blind-seed", "1207301"])
