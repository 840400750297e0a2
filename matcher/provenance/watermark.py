"""Registered visible watermarks (a generator's logo that moves around the frame) found in a clip's frames.

A watermark is provenance, not infringing art: it says which generator made the clip. The logo moves, so
every sampled frame is searched whole, at a few scales (the logo's width as a share of the frame's), by
normalised cross-correlation (OpenCV `matchTemplate`, zero-mean); where the whole logo matches, each third
of it must match too (another generator's logo sharing a glyph does not). A template is the registered PNG
drawn over black: its alpha is the logo's shape, which is what survives over any background.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from matcher.errors import MatcherError

SEARCH_WIDTH = 480            # frames are searched at this width (a logo needs no more detail to be found)
SCALE_MIN, SCALE_MAX = 0.1, 0.5    # the logo's width as a share of the frame's width, searched between these (smaller
                                   # templates correlate with any texture: 0.6 by chance at 0.06)
SCALE_STEP = 2 ** (1 / 5)     # ... in steps of this factor, then
REFINE = (0.9, 1.0, 1.1)       # ... then around the best places by these,
REFINE_FINE = (0.95, 1.05)     # ... and around the best of those by these (a word logo's NCC falls fast off scale)
REFINE_TOP = 3                # coarse candidates (scale and place) refined at full size
MIN_TEMPLATE_SIDE = 8         # a logo smaller than this (search px) says nothing
FRAME_HIT = 0.7               # zero-mean NCC at which a frame shows the logo (chance: under 0.6; the logo under
                              # 45-80 % opacity: 0.69-0.97; another logo sharing a glyph: up to 0.75, so...)
PARTS = 3                     # the logo is cut into this many strips along its long side...
PART_HIT = 0.5                # ... and each must correlate this well where the whole was found (another logo
                              # sharing one glyph matches the whole at up to 0.75, its parts at 0.43 at most;
                              # the logo itself at 12 % of the frame width: 0.44-0.68, at 15-40 %: 0.55-0.96)
MIN_FRAMES = 2                # ... and the clip needs this many such frames (one lucky texture is no watermark)
MIN_FRAME_SHARE = 0.2         # ... and this share of its sampled frames
MOVE_PX = 0.05                # positions further apart than this share of the frame width are a move


class WatermarkError(MatcherError):
    """A watermark template cannot be read."""


@dataclass(frozen=True)
class WatermarkTemplate:
    """A registered logo: its name (what the hit reports) and its grey shape drawn over black."""

    name: str
    grey: np.ndarray   # float32, the logo over black
    holder: str | None = None

    @classmethod
    def from_bytes(cls, name: str, data: bytes, holder: str | None = None) -> "WatermarkTemplate":
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                rgba = np.asarray(img.convert("RGBA"), dtype=np.float32)
        except Exception as exc:  # noqa: BLE001 - Pillow raises many types for junk input
            raise WatermarkError(f"watermark {name!r}: not a readable image ({type(exc).__name__})") from None
        lum = rgba[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        grey = lum * (rgba[..., 3] / 255.0)
        ys, xs = np.nonzero(rgba[..., 3] > 0)
        if len(xs) == 0 or float(grey.std()) < 1.0:
            raise WatermarkError(f"watermark {name!r}: the image is blank (fully transparent or one flat tone)")
        grey = grey[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]  # trimmed to the logo
        return cls(name=name, grey=np.ascontiguousarray(grey), holder=holder)

    @classmethod
    def from_file(cls, path: str | Path, name: str | None = None, holder: str | None = None) -> "WatermarkTemplate":
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise WatermarkError(f"{path}: cannot read ({exc.strerror or type(exc).__name__})") from None
        return cls.from_bytes(name or path.stem, data, holder)


@dataclass
class WatermarkHit:
    """Where one registered watermark was seen in a clip (boxes in frame pixels of the analysed size)."""

    name: str
    score: float                   # best frame's NCC
    frames: int                    # sampled frames that show it
    frame_share: float             # ... as a share of the sampled frames
    moved: bool                    # seen at more than one place (the generators' logos wander)
    best_t: float
    best_box: list[int]            # x, y, w, h
    track: list[dict] = field(default_factory=list)  # [{"t", "box", "score"}] per frame that shows it
    holder: str | None = None
    frame_jpeg: bytes | None = field(default=None, repr=False)  # the best frame, for evidence

    def to_dict(self) -> dict:
        return {"name": self.name, "holder": self.holder, "score": self.score, "frames": self.frames,
                "frame_share": self.frame_share, "moved": self.moved, "best_t": self.best_t,
                "best_box": self.best_box, "track": self.track}


def _scales(template_w: int, frame_w: int) -> list[float]:
    """Resize factors of the template so its width spans SCALE_MIN..SCALE_MAX of the frame."""
    out, share = [], SCALE_MIN
    while share <= SCALE_MAX * 1.001:
        out.append(share * frame_w / template_w)
        share *= SCALE_STEP
    return out


def _match(grey: np.ndarray, template: WatermarkTemplate, f: float,
           roi: tuple[int, int, int, int] | None = None) -> tuple[float, list[int]]:
    """Best NCC of the template resized by F, over the frame or the ROI (x0, y0, x1, y1) of it."""
    fh, fw = grey.shape
    tw, th = int(round(template.grey.shape[1] * f)), int(round(template.grey.shape[0] * f))
    if min(tw, th) < MIN_TEMPLATE_SIDE or tw >= fw or th >= fh:
        return -1.0, [0, 0, 0, 0]
    x0, y0, x1, y1 = roi or (0, 0, fw, fh)
    x1, y1 = max(x1, x0 + tw), max(y1, y0 + th)
    x0, y0 = max(0, min(x0, fw - tw)), max(0, min(y0, fh - th))
    area = grey[y0:min(fh, y1), x0:min(fw, x1)]
    if area.shape[0] < th or area.shape[1] < tw:
        return -1.0, [0, 0, 0, 0]
    tpl = cv2.resize(template.grey, (tw, th), interpolation=cv2.INTER_AREA)
    if float(tpl.std()) < 1.0:
        return -1.0, [0, 0, 0, 0]
    _, score, _, (x, y) = cv2.minMaxLoc(cv2.matchTemplate(area, tpl, cv2.TM_CCOEFF_NORMED))
    return (float(score) if np.isfinite(score) else -1.0), [int(x) + x0, int(y) + y0, tw, th]


def _ncc(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / den) if den > 1e-6 else -1.0


def parts_score(grey: np.ndarray, template: WatermarkTemplate, box: list[int]) -> float:
    """The worst NCC of the template's PARTS strips (along its long side) against the frame at BOX; strips
    of the template without detail are left out."""
    x, y, w, h = box
    patch = grey[y:y + h, x:x + w]
    if patch.shape != (h, w) or min(w, h) < 2:
        return -1.0
    tpl = cv2.resize(template.grey, (w, h), interpolation=cv2.INTER_AREA)
    axis, length = (1, w) if w >= h else (0, h)
    scores = []
    for k in range(PARTS):
        a, b = k * length // PARTS, (k + 1) * length // PARTS
        t = tpl[:, a:b] if axis == 1 else tpl[a:b, :]
        if t.size < 4 or float(t.std()) < 1.0:
            continue
        scores.append(_ncc(t, patch[:, a:b] if axis == 1 else patch[a:b, :]))
    return min(scores) if scores else -1.0


def best_location(grey: np.ndarray, template: WatermarkTemplate) -> tuple[float, list[int]]:
    """(NCC, [x, y, w, h]) of the template's best place in a grey float32 frame, over every scale.

    The scales are searched on the frame at half size; the REFINE_TOP best (scale, place) are refined at
    full size around the place found (a third of the cost of searching every scale at full size)."""
    small = cv2.resize(grey, (grey.shape[1] // 2, grey.shape[0] // 2), interpolation=cv2.INTER_AREA)
    coarse = []
    for f in _scales(template.grey.shape[1], grey.shape[1]):
        if min(template.grey.shape) * f / 2 >= MIN_TEMPLATE_SIDE:
            score, box = _match(small, template, f / 2)
            box = [2 * v for v in box]
        else:  # too small at half size: this scale is searched at full size (it is cheap there)
            score, box = _match(grey, template, f)
        coarse.append((score, box, f))
    coarse.sort(key=lambda r: -r[0])
    best = (-1.0, [0, 0, 0, 0])
    for _score, box, f in coarse[:REFINE_TOP]:
        if _score < 0:
            continue
        x, y, w, h = box
        roi = (x - w // 4 - 4, y - h // 2 - 4, x + w + w // 4 + 4, y + h + h // 2 + 4)
        local = max(((*_match(grey, template, f * k, roi), f * k) for k in REFINE), key=lambda r: r[0])
        for k in REFINE_FINE:
            score, found = _match(grey, template, local[2] * k, roi)
            if score > local[0]:
                local = (score, found, local[2] * k)
        if local[0] > best[0]:
            best = local[:2]
    return best


def find_watermarks(frames, templates: list[WatermarkTemplate], min_frames: int = MIN_FRAMES) -> list[WatermarkHit]:
    """The registered watermarks seen in FRAMES (an iterable of (t, bgr) pairs), strongest first; a clip
    needs MIN_FRAMES frames showing one (1 for a still image)."""
    if not templates:
        return []
    per: dict[str, list[dict]] = {t.name: [] for t in templates}
    best_frame: dict[str, tuple[float, np.ndarray]] = {}
    sampled = 0
    scale_back = 1.0
    for t, bgr in frames:
        sampled += 1
        h, w = bgr.shape[:2]
        scale_back = w / SEARCH_WIDTH if w > SEARCH_WIDTH else 1.0
        small = bgr if scale_back == 1.0 else cv2.resize(bgr, (SEARCH_WIDTH, max(2, round(h / scale_back))),
                                                         interpolation=cv2.INTER_AREA)
        grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).astype(np.float32)
        for tpl in templates:
            score, box = best_location(grey, tpl)
            if score >= FRAME_HIT and parts_score(grey, tpl, box) >= PART_HIT:
                full = [int(round(v * scale_back)) for v in box]
                per[tpl.name].append({"t": round(float(t), 3), "box": full, "score": round(score, 4)})
                if score > best_frame.get(tpl.name, (-1.0, None))[0]:
                    best_frame[tpl.name] = (score, bgr)
    hits = []
    for tpl in templates:
        track = per[tpl.name]
        if not track or len(track) < min_frames or len(track) < MIN_FRAME_SHARE * sampled:
            continue
        top = max(track, key=lambda e: e["score"])
        frame = best_frame[tpl.name][1]
        hits.append(WatermarkHit(
            name=tpl.name, holder=tpl.holder, score=top["score"], frames=len(track),
            frame_share=round(len(track) / sampled, 4), moved=_moved(track, frame.shape[1]), best_t=top["t"],
            best_box=top["box"], track=track, frame_jpeg=_evidence_jpeg(frame, top["box"])))
    return sorted(hits, key=lambda h: -h.score)


def _moved(track: list[dict], frame_w: int) -> bool:
    xs = [e["box"][0] + e["box"][2] / 2 for e in track]
    ys = [e["box"][1] + e["box"][3] / 2 for e in track]
    return max(max(xs) - min(xs), max(ys) - min(ys)) > MOVE_PX * frame_w


def _evidence_jpeg(bgr: np.ndarray, box: list[int]) -> bytes:
    """The frame with the watermark boxed, as JPEG."""
    img = bgr.copy()
    x, y, w, h = box
    cv2.rectangle(img, (x, y), (x + w, y + h), (0, 200, 255), 2)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return buf.tobytes() if ok else b""
