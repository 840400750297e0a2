"""Generated footage for reference-video tests: a landscape 'episode' of several shots made from
scikit-image's sample pictures (BSD-licensed, shipped with the package: see skimage/data/README.txt), and
its 9:16 reupload as short-video accounts make them (a centre crop of part of the width, zoomed, mirrored,
letterboxed on a blurred fill), both encoded by the ffmpeg command line."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import skimage
from PIL import Image

DATA = Path(skimage.__file__).parent / "data"
SHOT_PICTURES = ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg", "motorcycle_left.png",
                 "hubble_deep_field.jpg", "ihc.png", "retina.jpg")


@dataclass(frozen=True)
class Shot:
    start: float
    end: float
    picture: str


def _picture(name: str, w: int, h: int, zoom: float) -> np.ndarray:
    """NAME cropped to w:h (16:9) around its centre, ZOOM >= 1 pushing in, as RGB w x h."""
    with Image.open(DATA / name) as im:
        img = np.asarray(im.convert("RGB"))
    ih, iw = img.shape[:2]
    cw = min(iw, ih * w / h) / zoom
    ch = cw * h / w
    x0, y0 = (iw - cw) / 2, (ih - ch) / 2
    crop = img[int(y0):int(y0 + ch), int(x0):int(x0 + cw)]
    return cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA)


def _ffmpeg(args: list[str], stdin: bytes | None = None) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], input=stdin, check=True)


def write_episode(path: Path, shot_s: float = 2.5, w: int = 640, h: int = 360, fps: int = 12,
                  pictures: tuple[str, ...] = SHOT_PICTURES, black_after: int = 3) -> list[Shot]:
    """A landscape H.264 episode: one shot a picture, each slowly pushing in (a new frame every frame), a
    half second of black after shot BLACK_AFTER (a fade no keyframe may come from). Returns the shots."""
    frames, shots, t = [], [], 0.0
    n = int(round(shot_s * fps))
    for i, name in enumerate(pictures):
        shots.append(Shot(round(t, 3), round(t + n / fps, 3), name))
        frames += [_picture(name, w, h, 1.0 + 0.08 * k / n) for k in range(n)]
        t += n / fps
        if i == black_after:
            frames += [np.zeros((h, w, 3), np.uint8)] * (fps // 2)
            t += (fps // 2) / fps
    raw = np.stack(frames).astype(np.uint8).tobytes()
    _ffmpeg(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(fps), "-i", "-",
             "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", str(path)], raw)
    return shots


def write_reupload(src: Path, path: Path, start: float, seconds: float, width_share: float = 0.45,
                   mirror: bool = True, w: int = 360, h: int = 640, cover: float = 0.0) -> Path:
    """SECONDS of SRC from START as a 9:16 reupload: the centre WIDTH_SHARE of the width, mirrored, scaled to
    the frame's width over a blurred, zoomed fill of the same footage; COVER > 0 lays an opaque caption bar
    over that share of the picture's height (its lower part)."""
    flip = ",hflip" if mirror else ""
    fg_h = min(h, w * 9 / 16 / width_share)  # the picture's height in the reupload (a 16:9 source)
    bar = (f",drawbox=x=0:y={(h - fg_h) / 2 + fg_h * (1 - cover):.0f}:w=iw:h={fg_h * cover:.0f}:"
           f"color=black@0.9:t=fill" if cover else "")
    graph = (f"[0:v]split[a][b];[a]scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},"
             f"boxblur=20:2[bg];[b]crop=iw*{width_share}:ih:(iw-iw*{width_share})/2:0{flip},"
             f"scale={w}:-2[fg];[bg][fg]overlay=(W-w)/2:(H-h)/2{bar},format=yuv420p[out]")
    _ffmpeg(["-ss", f"{start:.3f}", "-t", f"{seconds:.3f}", "-i", str(src), "-filter_complex", graph,
             "-map", "[out]", "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", str(path)])
    return path


def shot_at(shots: list[Shot], t: float) -> int:
    """The index of the shot playing at time T of the episode."""
    return max(i for i, s in enumerate(shots) if s.start <= t + 1e-6)
