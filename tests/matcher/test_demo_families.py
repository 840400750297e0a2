"""The demo's clip families are matched to the right reference, and unrelated clips are not."""

from __future__ import annotations

import pytest

import matcher
from bench import synth

from .conftest import REFERENCES, SMALL_H, SMALL_W, read

W, H = SMALL_W, SMALL_H


def family(kind: str, img):
    if kind == "full":
        return synth.letterbox(img, W, H)
    if kind == "crop70":
        return synth.letterbox(synth.centre_crop(img, 0.7), W, H)
    if kind == "pip":
        return synth.pip(img, read("grass.png"), 0.35, w=W, h=H)
    if kind == "mirror":
        return synth.letterbox(img[:, ::-1], W, H)
    if kind == "caption":
        return synth.caption(synth.letterbox(img, W, H))
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["full", "crop70", "pip", "mirror", "caption"])
@pytest.mark.parametrize("ref", REFERENCES)
def test_family_matches_its_reference(ref, kind, index, make_clip):
    stem = ref.rsplit(".", 1)[0]
    clip = make_clip(f"{stem}_{kind}", family(kind, read(ref)))
    res = matcher.scan_video(clip, index)
    assert [m.reference for m in res.matches] == [stem]
    m = res.matches[0]
    assert matcher.DEFAULT_THRESHOLD <= m.score <= 1.0
    assert m.spans and m.spans[0][0] == 0.0 and m.spans[-1][1] == pytest.approx(res.duration, abs=0.01)


@pytest.mark.parametrize("neg", ["camera.png", "hubble_deep_field.jpg", "motorcycle_left.png", "coins.png",
                                 "horse.png", "page.png", "gradient"])
def test_unrelated_clip_matches_nothing(neg, index, make_clip):
    frame = synth.gradient(W, H, seed=3) if neg == "gradient" else synth.letterbox(read(neg), W, H)
    clip = make_clip(f"neg_{neg}", frame)
    assert matcher.scan_video(clip, index).matches == []
