"""Synthetic vertical short clips (what uploaders do to art), drawn with OpenCV, encoded with PyAV.

Used by the tests and the benchmarks; not needed to match anything."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import av
import cv2
import numpy as np

W, H = 720, 1280


def fit(img: np.ndarray, w: int, h: int) -> np.ndarray:
    """Scale img to fit inside w x h keeping aspect."""
    ih, iw = img.shape[:2]
    s = min(w / iw, h / ih)
    return cv2.resize(img, (max(1, round(iw * s)), max(1, round(ih * s))),
                      interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)


def paste(canvas: np.ndarray, img: np.ndarray, x: int, y: int, mask: np.ndarray | None = None) -> np.ndarray:
    h, w = img.shape[:2]
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(canvas.shape[1], x + w), min(canvas.shape[0], y + h)
    if x1 <= x0 or y1 <= y0:
        return canvas
    src = img[y0 - y:y1 - y, x0 - x:x1 - x]
    if mask is None:
        canvas[y0:y1, x0:x1] = src
    else:
        m = (mask[y0 - y:y1 - y, x0 - x:x1 - x].astype(np.float32) / 255.0)[..., None]
        canvas[y0:y1, x0:x1] = (src * m + canvas[y0:y1, x0:x1] * (1 - m)).astype(np.uint8)
    return canvas


def letterbox(img: np.ndarray, w: int = W, h: int = H, fill: str = "black") -> np.ndarray:
    f = fit(img, w, h)
    if fill == "blur":
        bg = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
        bg = cv2.GaussianBlur(bg, (0, 0), 25)
        bg = (bg * 0.7).astype(np.uint8)
    else:
        bg = np.zeros((h, w, 3), np.uint8)
    return paste(bg, f, (w - f.shape[1]) // 2, (h - f.shape[0]) // 2)


def centre_crop(img: np.ndarray, share: float) -> np.ndarray:
    h, w = img.shape[:2]
    cw, ch = round(w * share), round(h * share)
    return img[(h - ch) // 2:(h - ch) // 2 + ch, (w - cw) // 2:(w - cw) // 2 + cw]


def pip(img: np.ndarray, background: np.ndarray, share: float = 0.35, pos: tuple[float, float] = (0.6, 0.15),
        w: int = W, h: int = H, mask: np.ndarray | None = None) -> np.ndarray:
    bg = cv2.resize(background, (w, h), interpolation=cv2.INTER_AREA)
    tw = round(w * share)
    s = tw / img.shape[1]
    small = cv2.resize(img, (tw, max(1, round(img.shape[0] * s))), interpolation=cv2.INTER_AREA)
    sm = None if mask is None else cv2.resize(mask, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_NEAREST)
    x = round((w - small.shape[1]) * pos[0])
    y = round((h - small.shape[0]) * pos[1])
    return paste(bg, small, x, y, sm)


def caption(frame: np.ndarray, text: str = "WAIT FOR IT", y_share: float = 0.36, height_share: float = 0.12) -> np.ndarray:
    out = frame.copy()
    h, w = out.shape[:2]
    y = round(h * y_share)
    bh = round(h * height_share)
    cv2.rectangle(out, (0, y), (w, y + bh), (255, 255, 255), -1)
    scale = w / 400
    cv2.putText(out, text, (round(w * 0.05), y + round(bh * 0.7)), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0),
                max(2, round(scale * 2.5)), cv2.LINE_AA)
    return out


def gradient(w: int = W, h: int = H, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c0, c1 = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    a = np.linspace(0, 1, h)[:, None, None]
    return np.broadcast_to(c0 * (1 - a) + c1 * a, (h, w, 3)).astype(np.uint8).copy()


def write_clip(path: str | Path, frame_fn: Callable[[int], np.ndarray] | Sequence[np.ndarray], seconds: float = 4.0,
               fps: int = 12, w: int = W, h: int = H, crf: int = 23, codec: str = "libx264") -> Path:
    """Encode frames (a function of the frame number, or a list used in turn) as H.264 yuv420p MP4."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = max(1, round(seconds * fps))
    with av.open(str(path), "w") as out:
        s = out.add_stream(codec, rate=fps)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        if codec == "libx264":
            s.options = {"crf": str(crf), "preset": "veryfast"}
        for i in range(n):
            f = frame_fn(i) if callable(frame_fn) else frame_fn[i % len(frame_fn)]
            if f.shape[:2] != (h, w):
                f = cv2.resize(f, (w, h), interpolation=cv2.INTER_AREA)
            vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(f), format="bgr24")
            for p in s.encode(vf):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
    return path
