"""bench.accuracy's sibling development set ("sibdev", drawn by `bench.accuracy.sibart`): its drawings are the
same on every run, siblings differ in the detail they are meant to (a garment's colour, a face, a card's name
and item, a title's words, a scene's layout) and share the rest, and the set's plan is pinned. Nothing here
scans a clip."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image

from bench.accuracy import __main__ as cli
from bench.accuracy import ffmpeg_set, sibart
from bench.accuracy.metrics import metrics

SIB = ffmpeg_set.SETS[ffmpeg_set.SIBLING_DEV]


def _a(img: Image.Image) -> np.ndarray:
    return np.asarray(img, dtype=np.int16)


def _changed(a: Image.Image, b: Image.Image) -> np.ndarray:
    """Where two drawings differ (any channel, alpha included)."""
    return np.abs(_a(a) - _a(b)).max(axis=2) > 0


def _outside(mask: np.ndarray, box: tuple[int, int, int, int], margin: int = 4) -> int:
    """How many set pixels of mask lie outside box grown by margin (the reduction's filter reaches a few pixels)."""
    x0, y0, x1, y1 = box
    keep = mask.copy()
    keep[max(0, y0 - margin):y1 + margin, max(0, x0 - margin):x1 + margin] = False
    return int(keep.sum())


DRAWINGS = [("bust", (1, 2, 3)), ("item_card", (5,)), ("title_logo", (4,)), ("scene", (2, 1))]


@pytest.mark.parametrize("fn,args", DRAWINGS)
def test_every_drawing_is_the_same_on_every_run(fn, args):
    first, again = getattr(sibart, fn)(*args), getattr(sibart, fn)(*args)
    assert first.tobytes() == again.tobytes() and first.size == again.size
    assert min(first.size) >= 500 and _a(first.convert("RGB")).std() > 20


def test_sizes_and_modes_are_those_of_references():
    assert sibart.bust(0).size == (640, 800) and sibart.bust(0).mode == "RGB"
    assert sibart.item_card(0).size == (600, 840) and sibart.item_card(0).mode == "RGB"
    logo = sibart.title_logo(0)
    assert logo.size == (1000, 500) and logo.mode == "RGBA"
    alpha = _a(logo)[..., 3]
    assert 0.15 < (alpha > 0).mean() < 0.8 and alpha[0, 0] == 0    # transparent around the title
    assert sibart.scene(0).size == (1280, 720)


@pytest.mark.parametrize("char", [0, 1, 2, 3])
def test_another_outfit_recolours_the_garment_and_nothing_else(char):
    regions = sibart.bust_regions(char)
    base = sibart.bust(char, 0, 0)
    for outfit in (1, 2, 3):
        diff = _changed(base, sibart.bust(char, outfit, 0))
        x0, y0, x1, y1 = regions["outfit"]
        assert diff[y0:y1, x0:x1].mean() > 0.2, outfit                 # the garment is a large part of the bust
        assert _outside(diff, regions["outfit"]) == 0, outfit
        assert 0.08 < diff.mean() < 0.45, outfit


@pytest.mark.parametrize("char", [0, 1, 2, 3])
def test_another_expression_redraws_the_face_and_nothing_else(char):
    regions = sibart.bust_regions(char)
    base = sibart.bust(char, 0, 0)
    for expr in range(1, len(sibart.EXPRESSIONS)):
        diff = _changed(base, sibart.bust(char, 0, expr))
        assert _outside(diff, regions["face"]) == 0, expr
        assert 0.003 < diff.mean() < 0.05, expr                          # a detail: eyes and mouth
    assert regions["face"][3] - regions["outfit"][1] < 0.05 * sibart.BUST_SIZE[1]    # the two regions hardly meet


def test_cards_of_one_layout_share_the_frame_and_differ_inside():
    a, b = sibart.item_card(0), sibart.item_card(4)
    diff = _changed(a, b)
    ring = np.ones(diff.shape, bool)
    ring[30:-30, 30:-30] = False
    assert not diff[ring].any()                                         # frame and corners identical
    assert diff[30:-30, 30:-30].mean() > 0.1                            # name, item, numbers, text
    plus = _changed(a, sibart.item_card(12))                            # the '+1' card: same art, other name and numbers
    window = (60, 160, 540, 490)
    assert plus[window[1]:window[3], window[0]:window[2]].mean() < 0.002
    assert plus[40:120, 40:560].mean() > 0.02 and plus[500:620].mean() > 0.01
    other_layout = _changed(a, sibart.item_card(0, layout=1))
    assert other_layout[ring].mean() > 0.5


def test_titles_of_one_style_share_the_emblem_and_ribbon_and_differ_in_words():
    a, b = sibart.title_logo(0), sibart.title_logo(3)
    diff = _changed(a, b)
    assert 0.05 < diff.mean() < 0.5
    tails = np.zeros(diff.shape, bool)          # the ribbon's tails, left and right of its words
    tails[380:460, 100:170] = tails[380:460, 830:900] = True
    assert not diff[tails].any() and (_a(a)[..., 3][tails] > 0).mean() > 0.5
    colours = lambda im: {tuple(int(v) for v in c) for c in  # noqa: E731
                          (_a(im)[..., :3][_a(im)[..., 3] == 255] // 32).reshape(-1, 3)}
    assert len(colours(a) & colours(b)) >= 0.7 * len(colours(a))


def _histogram(img: Image.Image) -> np.ndarray:
    q = (_a(img.convert("RGB")) // 32).reshape(-1, 3)
    h = np.bincount(q[:, 0] * 64 + q[:, 1] * 8 + q[:, 2], minlength=512).astype(float)
    return h / h.sum()


def test_scenes_of_one_palette_share_colours_and_differ_in_layout():
    a, b, other = sibart.scene(0, 0), sibart.scene(1, 0), sibart.scene(0, 1)
    assert _changed(a, b).mean() > 0.3
    same = np.minimum(_histogram(a), _histogram(b)).sum()
    across = np.minimum(_histogram(a), _histogram(other)).sum()
    assert same > 0.5 and same > across + 0.2


def test_the_families_seeds_meet_no_other_drawing():
    """sibart's seeds are sequences tagged per family; artgen's are single integers: no stream is shared."""
    assert len(set(sibart._TAG.values())) == len(sibart._TAG)
    assert not {t for t in sibart._TAG.values()} & {10_000, 20_000, 30_000, 40_000, 50_000, 60_000}


def test_the_sibling_set_holds_its_kinds_and_unindexed_siblings():
    refs = {r.name: r for r in SIB.refs}
    kinds = {r.kind for r in SIB.refs}
    assert kinds == {"bust", "itemcard", "title", "scene"}
    for kind, least in (("bust", 4), ("itemcard", 3), ("title", 3), ("scene", 2)):
        assert sum(r.kind == kind for r in SIB.refs) >= least, kind
    assert any(r.make[2] > 0 for r in SIB.refs if r.kind == "bust")            # a character in two outfits, both indexed
    unindexed = [nm for nm, _ in SIB.near_misses]
    assert len(unindexed) >= 14 and len({nm.name for nm in unindexed}) == len(unindexed)
    assert {nm.kind for nm in unindexed} == kinds
    for nm, likes in SIB.near_misses:
        assert nm.name not in refs and nm.make not in {r.make for r in SIB.refs}
        assert likes and all(refs[x].group == nm.group and refs[x].kind == nm.kind for x in likes)
    busts = [nm for nm in unindexed if nm.kind == "bust"]
    assert any(nm.make[2] > 0 and nm.make[3] == 0 for nm in busts)             # another outfit colour
    assert any(nm.make[3] > 0 for nm in busts)                                 # another expression
    assert SIB.shown_siblings
    for shown, against in SIB.shown_siblings:
        assert shown in refs and all(x in refs and refs[x].group == refs[shown].group and x != shown for x in against)


def test_the_other_sets_draw_none_of_the_sibling_kinds():
    for name, spec in ffmpeg_set.SETS.items():
        if name != ffmpeg_set.SIBLING_DEV:
            assert not {r.kind for r in spec.refs + [nm for nm, _ in spec.near_misses]} & set(ffmpeg_set.SIBART), name
            assert not spec.shown_siblings, name


def test_an_outfit_near_miss_differs_from_its_indexed_sibling_only_in_the_garment():
    refs = {r.name: r for r in SIB.refs}
    for nm, likes in SIB.near_misses:
        if nm.kind != "bust":
            continue
        shown = ffmpeg_set.reference_image(nm)
        for like in likes:
            ref = refs[like]
            diff = _changed(shown, ffmpeg_set.reference_image(ref))
            regions = sibart.bust_regions(nm.make[1])
            changed = {k for k, part in ((2, "outfit"), (3, "face")) if nm.make[k] != ref.make[k]}
            box_of = {2: regions["outfit"], 3: regions["face"]}
            if len(changed) == 1:
                assert _outside(diff, box_of[changed.pop()]) == 0, (nm.name, like)
            assert diff.any(), (nm.name, like)


def _plan(monkeypatch, tmp_path, **kw):
    from tests.bench.test_accuracy_sets import _plan_digest

    return _plan_digest(monkeypatch, tmp_path, set_name=ffmpeg_set.SIBLING_DEV, **kw)


def test_the_sibling_set_plan_is_pinned(tmp_path, monkeypatch):
    """The set's references and clips (names, families, labels, seeds), as first committed on 2026-12-07: other
    helpers measure on it; change it only with a commit that says so."""
    digest, m = _plan(monkeypatch, tmp_path / "f")
    kinds = {c["kind"] for c in m["clips"]}
    assert kinds == {"positive", "near_miss", "distractor"} and m["set"] == "sibdev" and m["seed"] == SIB.seed
    positives = [c for c in m["clips"] if c["kind"] == "positive"]
    assert {c["family"] for c in positives} == set(ffmpeg_set.FAMILIES)
    gif = [c for c in positives if c["family"] == "gifsticker"]
    assert gif
    assert all(lab.startswith("sib_title") for c in gif for lab in c["labels"])    # the only transparent kind
    land = [c for c in positives if c["family"] in ffmpeg_set.LANDSCAPE_ONLY]
    assert land and all(lab.startswith("sib_scene") for c in land for lab in c["labels"])
    shown = [c for c in positives if c["extra"].get("sibling_of")]
    assert len(shown) == len(SIB.shown_siblings)
    assert sum(c["kind"] == "near_miss" for c in m["clips"]) == len(SIB.near_misses)
    assert digest == PINNED
    quick, mq = _plan(monkeypatch, tmp_path / "q", quick=True)
    assert quick == PINNED_QUICK and sum(c["kind"] == "near_miss" for c in mq["clips"]) == len(SIB.near_misses)


PINNED = "e47e9b90460bb2a394beb4244138eac44bbe455d23e9f1716b4adfe573ed5143"
PINNED_QUICK = "3c4afdc898959246cf81fc80299bda7ee2cedc9e8d8a54dd60a4790f174ce022"


def test_the_shown_sibling_figure_counts_an_indexed_sibling_flagged():
    clips = [{"name": "s", "family": "full", "labels": ["a"], "kind": "positive", "extra": {"sibling_of": ["b"]}},
             {"name": "t", "family": "full", "labels": ["a"], "kind": "positive", "extra": {"sibling_of": ["b"]}},
             {"name": "p", "family": "full", "labels": ["a"], "kind": "positive", "extra": {}}]
    preds = {"s": {"a": 0.9, "b": 0.7}, "t": {"a": 0.9, "b": 0.2}, "p": {"a": 0.9, "b": 0.95}}
    m = metrics(clips, preds, 0.5, {"a": "g", "b": "g"})
    assert (m["shown_sibling_flagged"], m["shown_sibling_total"], m["shown_sibling_max"]) == (1, 2, 0.7)
    assert m["near_miss_total"] == 0 and m["recall"] == 1.0


def test_the_flag_builds_and_scores_the_set_readably(monkeypatch):
    """--sibling-dev runs the ffmpeg pipeline on sibdev, in its own folder, printing everything (not sealed)."""
    calls = []
    monkeypatch.setattr(cli, "build_set", lambda pl, quick, set_name, out, families=None:
                        calls.append((pl, set_name, cli.set_folder(pl, set_name, quick).name)) or (None, {}))
    monkeypatch.setattr(cli, "run_pipeline", lambda pl, folder, manifest, jobs, baselines, saved=None, sealed=False:
                        calls.append(("sealed", sealed)) or {})
    cli.main(["--sibling-dev", "--quick", "--no-baselines"])
    assert calls == [("ffmpeg", "sibdev", "ffmpeg-sibdev-quick"), ("sealed", False)]


def test_the_sibling_sets_pictures_are_pinned():
    """Every reference and near-miss picture of sibdev, as first committed on 2026-12-07 (sha256 of names, modes and
    pixels): a change to sibart, Pillow or the fonts that redraws them fails here, as imagehash pins its hashes."""
    h = hashlib.sha256()
    for r in SIB.refs + [nm for nm, _ in SIB.near_misses]:
        im = ffmpeg_set.reference_image(r)
        h.update(r.name.encode())
        h.update(im.mode.encode())
        h.update(im.tobytes())
    assert h.hexdigest() == "04aece3280f19420a05a61b88e27022d9dd1f3171fd1b4b511c985eb9d19b4c5"
