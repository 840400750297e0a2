"""Clip-level evidence: time spans, shares, best frame, thumbnail; and near-misses stay unflagged."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

import matcher
from bench import synth
from matcher.verdict import spans_of

from .conftest import SMALL_H, SMALL_W, read


def test_spans_cover_each_hit_until_the_next_sample():
    samples = [0.0, 1.0, 2.0, 3.0, 4.0]
    assert spans_of([1.0, 2.0, 4.0], samples, 5.0) == [(1.0, 3.0), (4.0, 5.0)]
    assert spans_of([], samples, 5.0) == []


def test_reference_seen_mid_clip_gives_its_span_shares_and_thumbnail(index, make_clip):
    other = synth.letterbox(read("camera.png"), SMALL_W, SMALL_H)
    shown = synth.letterbox(read("chelsea.png"), SMALL_W, SMALL_H)
    clip = make_clip("chelsea_mid", lambda i: shown if 12 <= i < 24 else other, seconds=6.0, fps=6)
    res = matcher.scan_video(clip, index)
    assert [m.reference for m in res.matches] == ["chelsea"]
    m = res.matches[0]
    assert len(m.spans) == 1
    start, end = m.spans[0]
    assert 1.5 <= start <= 2.5 and 3.5 <= end <= 4.5
    assert 2.0 <= m.best_t <= 4.0
    assert 0.2 < m.clip_share < 0.5
    assert m.reference_share > 0.9
    x, y, w, h = m.best_box
    assert w > 0.8 * SMALL_W and 0 < y < SMALL_H // 2
    img = cv2.imdecode(np.frombuffer(m.thumbnail_jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert img is not None and img.shape[0] <= 480
    assert [t for t, _ in res.keyframes] == sorted(t for t, _ in res.keyframes)
    assert all(len(h) == 16 for _, h in res.keyframes)
    d = res.to_dict("x.mp4")
    assert d["matches"][0]["spans"] == [[start, end]]


def _card(art: np.ndarray, title: str) -> np.ndarray:
    """The same card template (frame, title bar, text box) around different art."""
    c = np.full((420, 300, 3), (40, 170, 220), np.uint8)
    cv2.rectangle(c, (10, 10), (289, 409), (30, 60, 90), 3)
    cv2.rectangle(c, (18, 18), (281, 52), (235, 235, 235), -1)
    cv2.putText(c, title, (26, 44), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (20, 20, 20), 2, cv2.LINE_AA)
    c[60:260, 20:280] = cv2.resize(art, (260, 200), interpolation=cv2.INTER_AREA)
    cv2.rectangle(c, (18, 270), (281, 401), (225, 240, 245), -1)
    for i, y in enumerate(range(292, 390, 24)):
        cv2.line(c, (30, y), (270 - 40 * (i % 2), y), (90, 90, 90), 2)
    return c


def test_another_card_of_the_same_deck_is_not_flagged(tmp_path, make_clip):
    ref = tmp_path / "card_coffee.png"
    Image.fromarray(cv2.cvtColor(_card(read("coffee.png"), "COFFEE"), cv2.COLOR_BGR2RGB)).save(ref)
    idx = matcher.ReferenceIndex.build([ref])
    same = make_clip("card_same", synth.letterbox(_card(read("coffee.png"), "COFFEE"), SMALL_W, SMALL_H))
    other = make_clip("card_other", synth.letterbox(_card(read("brick.png"), "BRICK"), SMALL_W, SMALL_H))
    assert [m.reference for m in matcher.scan_video(same, idx).matches] == ["card_coffee"]
    assert matcher.scan_video(other, idx).matches == []


def test_frame_cap_spreads_over_the_whole_clip(index, make_clip):
    shown = synth.letterbox(read("coffee.png"), SMALL_W, SMALL_H)
    other = synth.gradient(SMALL_W, SMALL_H, seed=1)
    clip = make_clip("coffee_late", lambda i: shown if i >= 30 else other, seconds=6.0, fps=6)
    res = matcher.scan_video(clip, index, max_frames=4)
    assert res.frames <= 5 and res.duration == 6.0
    assert [m.reference for m in res.matches] == ["coffee"]   # seen in the last seconds despite the cap
