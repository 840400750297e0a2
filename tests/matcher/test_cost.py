"""Cost that follows content (issue 12 item 7): the expensive searches of a frame run where something
proposes a reference (a caption bar makes no montage, a rectangle nothing proposes gets no feature search),
and a scan's result does not depend on what the process ran before it."""

from __future__ import annotations

import cv2
import numpy as np

import matcher
from bench import synth
from matcher import constants as C
from matcher.detectors import features as F
from matcher.regions import montage_cells

from .conftest import SMALL_H, SMALL_W, read


def test_a_caption_bar_across_one_picture_makes_no_montage(monkeypatch):
    for y in (0.78, 0.12):
        frame = synth.caption(cv2.resize(read("coffee.png"), (SMALL_W, SMALL_H)), "wait for the end", y_share=y,
                              height_share=0.09)
        assert montage_cells(frame) == []
        with monkeypatch.context() as m:
            m.setattr(C, "MONTAGE_MIN_STRIP", 0.0)       # the bar's edges do run right across the frame
            assert len(montage_cells(frame)) >= 2


def _region_searches(monkeypatch, frame: np.ndarray, index) -> tuple[list, list]:
    """(boxes given a rectangle feature search, hits) of one analysed frame."""
    boxes = []
    search = F._search_region

    def counted(ctx, box, s, n, *rest):
        if n == C.REGION_FEATURES:
            boxes.append(box)
        return search(ctx, box, s, n, *rest)

    monkeypatch.setattr(F, "_search_region", counted)
    hits = matcher.scan.analyse_frame(frame, 0.0, index)
    return boxes, hits


def test_a_rectangle_nothing_proposes_gets_no_feature_search(index, monkeypatch):
    bg = cv2.resize(read("hubble_deep_field.jpg"), (SMALL_W, SMALL_H))
    unrelated = synth.pip(read("ihc.png"), bg, 0.4, (0.5, 0.3), w=SMALL_W, h=SMALL_H)
    boxes, hits = _region_searches(monkeypatch, unrelated, index)
    assert boxes == [] and hits == []
    with monkeypatch.context() as m:
        m.setattr(C, "REGION_MIN_VOTES", 0)              # the picture-in-picture is a rectangle proposal
        assert _region_searches(m, unrelated, index)[0]
    # a reference shown the same way is proposed, searched and found
    boxes, hits = _region_searches(monkeypatch, synth.pip(read("chelsea.png"), bg, 0.4, (0.5, 0.3), w=SMALL_W, h=SMALL_H),
                                   index)
    assert boxes and [index.names[h.reference] for h in hits] == ["chelsea"]


def test_a_scan_does_not_depend_on_the_random_state_before_it(index, make_clip):
    """RANSAC draws from OpenCV's generator: reseeded at each scan, what the process ran before (another
    clip, another test) changes neither the scan nor what it leaves behind."""
    clip = make_clip("cost_reseeded", synth.letterbox(read("coffee.png"), SMALL_W, SMALL_H, fill="blur"))
    runs = []
    for seed in (1, 2):
        cv2.setRNGSeed(seed)
        res = matcher.scan_video(clip, index)
        after = cv2.randu(np.zeros((1, 4), np.float32), 0.0, 1.0)
        runs.append(([(m.reference, m.score, m.evidence) for m in res.matches], after.tolist()))
    assert runs[0] == runs[1] and runs[0][0]


def test_a_large_index_keeps_its_approximate_search_tables_in_the_file(index, tmp_path, monkeypatch):
    """Sorting the LSH tables of 10,000 references cost every scan 0.4 s: a large index saves them, and a
    loaded index searches exactly as the one saved; a file saved under other vote constants is sorted again."""
    from bench.speed.__main__ import big_index

    big = big_index(index, 60)                    # 60 references: past LSH_ABOVE, the approximate search
    assert len(big._vote_desc) > C.LSH_ABOVE
    rng = np.random.default_rng(3)
    query = big.kp_desc[rng.integers(0, len(big.kp_desc), 700)] ^ np.packbits(rng.random((700, 256)) < 0.05, axis=1)
    want = big.match_frame(query)
    big.save(tmp_path / "big.npz")
    again = matcher.ReferenceIndex.load(tmp_path / "big.npz")
    assert isinstance(again._lsh_order, np.memmap)
    got = again.match_frame(query)
    assert len(want[0]) > 100 and all(np.array_equal(a, b) for a, b in zip(want, got))
    monkeypatch.setattr(C, "VOTE_PER_MODEL", C.VOTE_PER_MODEL - 1)
    other = matcher.ReferenceIndex.load(tmp_path / "big.npz")
    assert other._lsh_order is None
