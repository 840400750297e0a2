"""Bad inputs get one clear line; references in every format, transparency flattened."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import matcher
from matcher.references import load_image, load_reference

from .conftest import DATA, read
from bench import synth


def _one_line(e: BaseException) -> str:
    s = str(e)
    assert "\n" not in s and s
    return s


@pytest.fixture(scope="module")
def good_clip(make_clip):
    return make_clip("coffee_for_errors", synth.letterbox(read("coffee.png"), 360, 640), seconds=3.0)


def test_zero_length_file(tmp_path, index):
    p = tmp_path / "empty.mp4"
    p.write_bytes(b"")
    with pytest.raises(matcher.VideoError) as e:
        matcher.scan_video(p, index)
    assert "empty file" in _one_line(e.value)


def test_missing_file(tmp_path, index):
    with pytest.raises(matcher.VideoError) as e:
        matcher.scan_video(tmp_path / "nope.mp4", index)
    assert "no such file" in _one_line(e.value)


def test_not_a_video(tmp_path, index):
    p = tmp_path / "notes.mp4"
    p.write_text("hello, this is text\n" * 50)
    with pytest.raises(matcher.VideoError) as e:
        matcher.scan_video(p, index)
    assert "not a video" in _one_line(e.value)


def test_image_file_is_not_a_clip_but_still_reads_as_one_frame(tmp_path, index):
    p = tmp_path / "still.png"
    Image.open(DATA / "coffee.png").save(p)
    res = matcher.scan_video(p, index)
    assert res.frames == 1 and [m.reference for m in res.matches] == ["coffee"]


def test_truncated_file(tmp_path, index, good_clip):
    data = good_clip.read_bytes()
    for keep in (0.3, 0.6):
        p = tmp_path / f"trunc{keep}.mp4"
        p.write_bytes(data[: int(len(data) * keep)])
        with pytest.raises(matcher.VideoError) as e:
            matcher.scan_video(p, index)
        msg = _one_line(e.value)
        assert str(p) in msg


def test_corrupt_middle_still_scans_or_fails_with_one_line(tmp_path, index, good_clip):
    data = bytearray(good_clip.read_bytes())
    rng = np.random.default_rng(0)
    mid = len(data) // 2
    data[mid:mid + 2000] = rng.integers(0, 256, 2000, dtype=np.uint8).tobytes()
    p = tmp_path / "corrupt.mp4"
    p.write_bytes(bytes(data))
    try:
        res = matcher.scan_video(p, index)
    except matcher.VideoError as e:
        _one_line(e)
    else:
        assert res.frames >= 1


def test_audio_only(tmp_path, index):
    import av

    p = tmp_path / "audio.m4a"
    with av.open(str(p), "w") as out:
        s = out.add_stream("aac", rate=16000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate = 16000
        for i in range(20):
            frame.pts = i * 1024
            for pkt in s.encode(frame):
                out.mux(pkt)
        for pkt in s.encode():
            out.mux(pkt)
    with pytest.raises(matcher.VideoError) as e:
        matcher.scan_video(p, index)
    assert "no video stream" in _one_line(e.value)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_reference_formats(tmp_path, fmt):
    src = Image.open(DATA / "chelsea.png").convert("RGB")
    p = tmp_path / f"cat.{fmt.lower()}"
    src.save(p, fmt)
    ref = load_reference(p)
    assert ref.name == "cat" and ref.bgr.ndim == 3 and ref.bgr.shape[2] == 3


def test_transparency_is_flattened_and_trimmed(tmp_path):
    rgba = np.zeros((100, 80, 4), np.uint8)
    rgba[20:60, 10:50] = (200, 30, 30, 255)   # an opaque red square inside transparent margins
    p = tmp_path / "sprite.png"
    Image.fromarray(rgba, "RGBA").save(p)
    bgr, mask = load_image(p)
    assert tuple(bgr[0, 0]) == (255, 255, 255) and mask[0, 0] == 0   # transparent -> white
    assert tuple(bgr[30, 20]) == (30, 30, 200) and mask[30, 20] == 255
    ref = load_reference(p)
    assert ref.mask.min() == 255   # trimmed to the opaque box


def test_tiny_sprite_and_animated_gif_first_frame(tmp_path):
    frames = [Image.new("RGB", (16, 24), c) for c in ("red", "blue")]
    p = tmp_path / "anim.gif"
    frames[0].save(p, save_all=True, append_images=frames[1:], duration=100)
    bgr, _ = load_image(p)
    assert tuple(bgr[5, 5]) == (0, 0, 255)   # red, first frame (BGR)
    assert max(load_reference(p).bgr.shape[:2]) >= 96   # upscaled so features exist


def test_unreadable_reference_is_one_line(tmp_path):
    p = tmp_path / "broken.png"
    p.write_bytes(b"\x89PNG garbage")
    with pytest.raises(matcher.MatcherError) as e:
        matcher.ReferenceIndex.build([p])
    assert "not a readable image" in _one_line(e.value)


def test_rotation_metadata_is_honoured(tmp_path, index, make_clip):
    """A phone clip stored landscape with a 90 degree display rotation is analysed upright (as ffmpeg shows it)."""
    import shutil
    import subprocess

    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg CLI not installed")
    src = make_clip("rot_src", synth.letterbox(read("coffee.png"), 360, 640))
    rotated = tmp_path / "rotated.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(src), "-c", "copy", "-metadata:s:v:0", "rotate=90",
                    str(rotated)], check=True)
    from matcher.video import FrameReader

    first = next(iter(FrameReader(rotated)))
    assert first.bgr.shape[1] > first.bgr.shape[0]   # displayed landscape
    res = matcher.scan_video(rotated, index)
    assert [m.reference for m in res.matches] == ["coffee"]


def test_variable_frame_rate_landscape_clip_gets_spans_in_real_time(tmp_path, index):
    """Timestamps come from each frame's pts, not from a nominal rate: a landscape VFR clip (frames 0.1 s
    apart, then one held 3 s, as screen recorders write them) shows coffee only from 3.5 s on."""
    from fractions import Fraction

    import av
    import cv2

    w, h = 640, 360
    other = synth.letterbox(read("chelsea.png"), w, h)
    coffee = synth.letterbox(read("coffee.png"), w, h)
    times = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5] + [3.5, 3.6, 3.7, 3.8, 3.9, 4.0, 4.5, 5.0, 5.5, 6.0]
    path = tmp_path / "vfr.mkv"
    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        s.codec_context.time_base = Fraction(1, 1000)
        for t in times:
            vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(coffee if t >= 3.5 else other), format="bgr24")
            vf.pts, vf.time_base = round(t * 1000), Fraction(1, 1000)
            for p in s.encode(vf):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
    res = matcher.scan_video(path, index)
    assert 6.0 <= res.duration <= 6.2
    [m] = [m for m in res.matches if m.reference == "coffee"]
    assert m.spans and 3.0 <= m.spans[0][0] <= 3.6 and m.spans[-1][1] >= 5.9, m.spans
    assert 3.4 <= m.best_t <= 6.1
    assert "chelsea" in [m.reference for m in res.matches]
    assert cv2.imdecode(np.frombuffer(m.thumbnail_jpeg, np.uint8), cv2.IMREAD_COLOR) is not None
