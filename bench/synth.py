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
    final, path = path, path.with_name(f".{path.stem}.part{path.suffix}")
    with av.open(str(path), "w") as out:
        s = out.add_stream(codec, rate=fps)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        if codec == "libx264":
            # one encoder thread: x264's output depends on its thread count, which it takes from the CPUs the
            # process may use, so the same frames gave other bytes under taskset or on another machine (the
            # "threads" option alone is overridden by PyAV's own thread_count, 0 = auto)
            s.options = {"crf": str(crf), "preset": "veryfast", "threads": "1"}
            s.codec_context.thread_count = 1
        for i in range(n):
            f = frame_fn(i) if callable(frame_fn) else frame_fn[i % len(frame_fn)]
            if f.shape[:2] != (h, w):
                f = cv2.resize(f, (w, h), interpolation=cv2.INTER_AREA)
            vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(f), format="bgr24")
            for p in s.encode(vf):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
    path.replace(final)   # whole files only: an interrupted run leaves no half clip behind
    return final


def rotate(img: np.ndarray, degrees: float, fill=(0, 0, 0)) -> np.ndarray:
    h, w = img.shape[:2]
    M = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, M, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def perspective(img: np.ndarray, amount: float = 0.12, seed: int = 0, fill=(0, 0, 0)) -> np.ndarray:
    h, w = img.shape[:2]
    rng = np.random.default_rng(seed)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = rng.uniform(0, amount, (4, 2)) * [w, h]
    dst = np.float32([[jitter[0, 0], jitter[0, 1]], [w - jitter[1, 0], jitter[1, 1]],
                      [w - jitter[2, 0], h - jitter[2, 1]], [jitter[3, 0], h - jitter[3, 1]]])
    M = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(img, M, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def emoji(frame: np.ndarray, cx: int, cy: int, r: int) -> np.ndarray:
    cv2.circle(frame, (cx, cy), r, (0, 215, 255), -1, cv2.LINE_AA)
    cv2.circle(frame, (cx - r // 3, cy - r // 4), max(2, r // 7), (40, 40, 40), -1, cv2.LINE_AA)
    cv2.circle(frame, (cx + r // 3, cy - r // 4), max(2, r // 7), (40, 40, 40), -1, cv2.LINE_AA)
    cv2.ellipse(frame, (cx, cy + r // 6), (r // 2, r // 3), 0, 10, 170, (40, 40, 40), max(2, r // 10), cv2.LINE_AA)
    return frame


def meme_text(frame: np.ndarray, text: str, y: int) -> np.ndarray:
    h, w = frame.shape[:2]
    scale = w / 330
    (tw, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, scale, 3)
    x = max(4, (w - tw) // 2)
    cv2.putText(frame, text, (x, y), cv2.FONT_HERSHEY_DUPLEX, scale, (0, 0, 0), max(6, round(scale * 6)), cv2.LINE_AA)
    cv2.putText(frame, text, (x, y), cv2.FONT_HERSHEY_DUPLEX, scale, (255, 255, 255), max(2, round(scale * 2)), cv2.LINE_AA)
    return frame


def phone_screenshot(img: np.ndarray, w: int = W, h: int = H, seed: int = 0, mask: np.ndarray | None = None) -> np.ndarray:
    """A social app screenshot: status bar, header, the picture in a post, buttons and text lines."""
    rng = np.random.default_rng(seed)
    dark = bool(rng.integers(0, 2))
    bg, fg = ((18, 18, 18), (230, 230, 230)) if dark else ((255, 255, 255), (30, 30, 30))
    out = np.full((h, w, 3), bg, np.uint8)
    s = w / 720
    cv2.putText(out, "9:41", (round(30 * s), round(45 * s)), cv2.FONT_HERSHEY_SIMPLEX, 1.1 * s, fg, 2, cv2.LINE_AA)
    cv2.rectangle(out, (w - round(110 * s), round(22 * s)), (w - round(40 * s), round(48 * s)), fg, 2)
    cv2.circle(out, (round(70 * s), round(130 * s)), round(36 * s), (int(rng.integers(0, 255)), 120, 200), -1)
    cv2.putText(out, "user_%d" % rng.integers(100, 999), (round(125 * s), round(140 * s)), cv2.FONT_HERSHEY_SIMPLEX,
                1.0 * s, fg, 2, cv2.LINE_AA)
    top = round(190 * s)
    pw = round(w * rng.uniform(0.85, 1.0))
    pic = fit(img, pw, round(h * 0.55))
    pm = None if mask is None else cv2.resize(mask, (pic.shape[1], pic.shape[0]), interpolation=cv2.INTER_NEAREST)
    paste(out, pic, (w - pic.shape[1]) // 2, top, pm)
    y = top + pic.shape[0] + round(30 * s)
    for i in range(3):
        cv2.circle(out, (round((50 + 80 * i) * s), y + round(20 * s)), round(20 * s), fg, 2)
    y += round(80 * s)
    while y < h - round(40 * s):
        cv2.rectangle(out, (round(30 * s), y), (round(30 * s + rng.uniform(0.4, 0.9) * (w - 60 * s)), y + round(16 * s)),
                      (120, 120, 120), -1)
        y += round(40 * s)
    return out


def web_screenshot(img: np.ndarray, w: int = W, h: int = H, seed: int = 0, mask: np.ndarray | None = None) -> np.ndarray:
    """A desktop page photographed into a vertical clip: browser bar, text blocks, the picture on the side."""
    rng = np.random.default_rng(seed)
    page_w, page_h = 1280, 900
    page = np.full((page_h, page_w, 3), 248, np.uint8)
    cv2.rectangle(page, (0, 0), (page_w, 60), (225, 225, 225), -1)
    cv2.rectangle(page, (140, 14), (page_w - 40, 46), (255, 255, 255), -1)
    cv2.putText(page, "https://example.org/fan-art", (155, 40), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (60, 60, 60), 1, cv2.LINE_AA)
    pic = fit(img, 560, 640)
    pm = None if mask is None else cv2.resize(mask, (pic.shape[1], pic.shape[0]), interpolation=cv2.INTER_NEAREST)
    paste(page, pic, 660, 110, pm)
    y = 120
    while y < page_h - 30:
        cv2.rectangle(page, (40, y), (40 + int(rng.uniform(300, 580)), y + 14), (150, 150, 150), -1)
        y += 34
    return letterbox(page, w, h)


def degrade(img: np.ndarray, kind: str, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "blur":
        return cv2.GaussianBlur(img, (0, 0), 2.5)
    if kind == "noise":
        return np.clip(img.astype(np.float32) + rng.normal(0, 18, img.shape), 0, 255).astype(np.uint8)
    if kind == "pixelate":
        h, w = img.shape[:2]
        small = cv2.resize(img, (max(1, w // 10), max(1, h // 10)), interpolation=cv2.INTER_AREA)
        return cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)
    raise ValueError(kind)


def recolour(img: np.ndarray, kind: str) -> np.ndarray:
    if kind == "grey":
        return cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    if kind == "hue":
        hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
        hsv[..., 0] = (hsv[..., 0].astype(np.int16) + 50) % 180
        return cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)
    if kind == "warm":
        out = img.astype(np.float32) * [0.75, 0.95, 1.2] + 15
        return np.clip(out, 0, 255).astype(np.uint8)
    if kind == "contrast":
        return np.clip((img.astype(np.float32) - 128) * 1.5 + 140, 0, 255).astype(np.uint8)
    raise ValueError(kind)


# --- sibling sets: the cards of one deck, the frames of one sprite ------------------------------------
SUIT_COLOURS = {"S": (20, 20, 20), "C": (20, 20, 20), "H": (30, 30, 200), "D": (30, 30, 200)}   # BGR


def _suit_mark(img: np.ndarray, suit: str, cx: int, cy: int, r: int, colour) -> None:
    """A suit sign drawn with OpenCV primitives (no font): spade, club, heart, diamond."""
    if suit == "D":
        cv2.fillPoly(img, [np.int32([(cx, cy - r), (cx + r * 3 // 4, cy), (cx, cy + r), (cx - r * 3 // 4, cy)])], colour, cv2.LINE_AA)
        return
    if suit == "C":
        for dx, dy in ((0, -r // 2), (-r // 2, r // 6), (r // 2, r // 6)):
            cv2.circle(img, (cx + dx, cy + dy), r * 9 // 20, colour, -1, cv2.LINE_AA)
    else:   # heart (point down) and spade (point up)
        s = 1 if suit == "H" else -1
        for dx in (-r // 2 + 1, r // 2 - 1):
            cv2.circle(img, (cx + dx, cy - s * r // 4), r // 2, colour, -1, cv2.LINE_AA)
        cv2.fillPoly(img, [np.int32([(cx - r, cy - s * r // 8), (cx + r, cy - s * r // 8), (cx, cy + s * r)])], colour, cv2.LINE_AA)
    if suit in ("S", "C"):
        cv2.fillPoly(img, [np.int32([(cx, cy + r // 4), (cx + r // 3, cy + r + 2), (cx - r // 3, cy + r + 2)])], colour, cv2.LINE_AA)


_PIPS = {  # rank -> pip centres as shares of the card's pip area (columns 0/0.5/1, rows 0..1)
    "A": [(0.5, 0.5)], "2": [(0.5, 0), (0.5, 1)], "3": [(0.5, 0), (0.5, 0.5), (0.5, 1)],
    "4": [(0, 0), (1, 0), (0, 1), (1, 1)], "5": [(0, 0), (1, 0), (0.5, 0.5), (0, 1), (1, 1)],
    "6": [(0, 0), (1, 0), (0, 0.5), (1, 0.5), (0, 1), (1, 1)],
    "7": [(0, 0), (1, 0), (0.5, 0.25), (0, 0.5), (1, 0.5), (0, 1), (1, 1)],
    "8": [(0, 0), (1, 0), (0.5, 0.25), (0, 0.5), (1, 0.5), (0.5, 0.75), (0, 1), (1, 1)],
    "9": [(0, 0), (1, 0), (0, 1 / 3), (1, 1 / 3), (0.5, 0.5), (0, 2 / 3), (1, 2 / 3), (0, 1), (1, 1)],
    "10": [(0, 0), (1, 0), (0.5, 1 / 6), (0, 1 / 3), (1, 1 / 3), (0, 2 / 3), (1, 2 / 3), (0.5, 5 / 6), (0, 1), (1, 1)],
}


def playing_card(rank: str, suit: str, colour=None) -> np.ndarray:
    """A playing card (BGR, 250x350) of one deck: the same back-pattern border, frame and layout for every
    card; rank in the corners, suit signs, pips (or a K/Q/J panel) in the middle. `colour` overrides the
    suit's ink (a deck printed in other colours)."""
    w, h = 250, 350
    ink = colour or SUIT_COLOURS[suit]
    c = np.full((h, w, 3), 245, np.uint8)
    rng = np.random.default_rng(12)   # the deck's border pattern: the same on every card
    for _ in range(70):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        if 14 < x < w - 14 and 14 < y < h - 14:
            continue
        cv2.circle(c, (x, y), int(rng.integers(2, 5)), (150, 60, 40), -1, cv2.LINE_AA)
    cv2.rectangle(c, (14, 14), (w - 15, h - 15), (150, 60, 40), 2, cv2.LINE_AA)
    cv2.rectangle(c, (20, 20), (w - 21, h - 21), (120, 120, 120), 1, cv2.LINE_AA)
    for flip in (False, True):
        sub = np.full((70, 44, 3), 245, np.uint8)
        cv2.putText(sub, rank, (3 if len(rank) == 1 else 0, 30), cv2.FONT_HERSHEY_DUPLEX, 1.0 if len(rank) == 1 else 0.8,
                    ink, 2, cv2.LINE_AA)
        _suit_mark(sub, suit, 20, 50, 11, ink)
        if flip:
            sub = sub[::-1, ::-1]
            c[h - 95:h - 25, w - 69:w - 25] = sub
        else:
            c[25:95, 25:69] = sub
    x0, x1, y0, y1 = 80, 170, 70, 280
    if rank in _PIPS:
        r = 44 if rank == "A" else 17
        for px, py in _PIPS[rank]:
            _suit_mark(c, suit, int(x0 + px * (x1 - x0)), int(y0 + py * (y1 - y0)), r, ink)
    else:   # a court card: a framed panel with the rank large and two suit signs
        cv2.rectangle(c, (x0 - 10, y0 - 10), (x1 + 10, y1 + 10), ink, 2, cv2.LINE_AA)
        cv2.putText(c, rank, (x0 + 12, y0 + 130), cv2.FONT_HERSHEY_TRIPLEX, 3.0, ink, 5, cv2.LINE_AA)
        _suit_mark(c, suit, x0 + 20, y0 + 15, 14, ink)
        _suit_mark(c, suit, x1 - 20, y1 - 20, 14, ink)
    return c


def sprite_frame(pose: int, palette: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """One frame of a small walking character (BGR, mask) at pixel-art scale (48x64): poses move the arms
    and legs, palettes swap the clothes' colours (a palette swap is a sibling that differs only in colour)."""
    w, h = 48, 64
    img = np.zeros((h, w, 3), np.uint8)
    mask = np.zeros((h, w), np.uint8)
    shirt = [(40, 40, 200), (200, 80, 30), (40, 160, 40)][palette % 3]
    trousers = [(120, 60, 20), (30, 30, 30), (90, 40, 120)][palette % 3]
    skin, hair = (150, 190, 240), (30, 50, 90)
    swing = [-8, 0, 8, 0][pose % 4]

    def part(draw):
        for target, value in ((img, None), (mask, 255)):
            draw(target, value)

    part(lambda t, v: cv2.circle(t, (24, 12), 8, v if v is not None else skin, -1))
    part(lambda t, v: cv2.rectangle(t, (16, 3), (32, 8), v if v is not None else hair, -1))
    part(lambda t, v: cv2.rectangle(t, (16, 21), (32, 40), v if v is not None else shirt, -1))
    part(lambda t, v: cv2.line(t, (17, 23), (10 - swing // 2, 38), v if v is not None else shirt, 4))
    part(lambda t, v: cv2.line(t, (31, 23), (38 + swing // 2, 38), v if v is not None else shirt, 4))
    part(lambda t, v: cv2.line(t, (20, 40), (20 - swing, 60), v if v is not None else trousers, 5))
    part(lambda t, v: cv2.line(t, (28, 40), (28 + swing, 60), v if v is not None else trousers, 5))
    img[mask == 0] = 0
    return img, mask
