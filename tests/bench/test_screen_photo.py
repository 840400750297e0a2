"""The screenphoto family of the ffmpeg pipeline (bench.accuracy.screen_photo): what it draws, and that adding it
left every other clip of every set as it was (the holdout gets none)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image

from bench.accuracy import artgen, ffmpeg_set, screen_photo


def _frames(kind: str, seed: int = 0, seconds: float = 0.2):
    art = artgen.film_still(0, 1)
    room = Image.fromarray(np.random.default_rng(1).integers(0, 255, (240, 320, 3), dtype=np.uint8))
    return list(screen_photo.render_frames(art, room, np.random.default_rng(seed), kind, 180, 320, 15, seconds))


@pytest.mark.parametrize("kind", screen_photo.KINDS)
def test_every_kind_renders_vertical_frames(kind):
    frames = _frames(kind)
    assert len(frames) == 3 and all(f.shape == (320, 180, 3) and f.dtype == np.uint8 for f in frames)
    assert frames[0].std() > 10           # a picture, not a flat frame


def test_the_camera_moves_and_the_screen_is_not_the_whole_frame():
    frames = _frames("monitor", seed=2, seconds=1.0)
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 1.0   # the hand's shake, the rolling bands
    # the room is round the screen: the frame's outer ring is not the picture's black bars
    ring = np.concatenate([frames[0][:4].reshape(-1, 3), frames[0][-4:].reshape(-1, 3)])
    assert ring.std() > 3


def test_the_subpixel_grid_keeps_the_mean_light_and_splits_the_channels():
    page = Image.new("RGB", (4, 2), (255, 255, 255))
    tex = screen_photo.subpixel_texture(page, fill=0.7)
    assert tex.shape == (6, 12, 3)
    assert np.allclose(tex.mean(axis=(0, 1)), 1.0, atol=1e-5)
    assert (tex[:, 0::3, 1] == 0).all() and (tex[:, 0::3, 0] > 0).all()    # an R stripe emits no green


def test_the_tone_curve_is_monotone_and_clips():
    x = np.linspace(0, 4, 200)
    y = screen_photo.tone(x, exposure=1.2, black=0.05)
    assert (np.diff(y) >= -1e-9).all() and y[0] == 0 and y[-1] == pytest.approx(1.0)


def test_screen_clips_come_after_every_other_and_never_in_the_holdout(tmp_path, monkeypatch):
    monkeypatch.setattr(ffmpeg_set, "run_ffmpeg", lambda out, inputs, graph, seconds=4.0: None)
    monkeypatch.setattr(ffmpeg_set.shutil, "which", lambda _: "/usr/bin/ffmpeg")
    monkeypatch.setattr(ffmpeg_set, "plate", lambda img, footage, rng: Image.new("RGB", (2, 2)))
    made = []
    monkeypatch.setattr(screen_photo, "render", lambda out, art, room, rng, kind, *a: made.append(kind))
    m = ffmpeg_set.build(tmp_path / "main", quick=True, log=lambda *_: None)
    fams = [c["family"] for c in m["clips"]]
    first = fams.index("screenphoto")
    assert set(fams[first:]) == {"screenphoto"} and fams.count("screenphoto") == 3
    assert made == list(screen_photo.KINDS[:3])
    h = ffmpeg_set.build(tmp_path / "holdout", quick=True, holdout=True, log=lambda *_: None)
    assert "screenphoto" not in {c["family"] for c in h["clips"]}


@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="the ffmpeg program is not installed")
def test_a_screen_clip_encodes(tmp_path):
    out = tmp_path / "clip.mp4"
    art = artgen.sprite_frame(1).convert("RGB")
    room = Image.new("RGB", (64, 64), (120, 110, 90))
    screen_photo.render(out, art, room, np.random.default_rng(0), "phone", 180, 320, 15, 0.4)
    assert out.is_file() and out.stat().st_size > 1000
