"""Frame hits -> clip-level matches with evidence: score, time spans, best frame, region, shares."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from matcher import constants as C


@dataclass
class FrameHit:
    t: float
    reference: int
    score: float
    box: tuple[int, int, int, int]
    method: str
    reference_share: float
    quad: np.ndarray | None = None
    inliers: int = 0


@dataclass
class Match:
    reference: str
    score: float
    spans: list[tuple[float, float]]
    best_t: float
    best_box: tuple[int, int, int, int]
    method: str
    clip_share: float
    reference_share: float
    thumbnail_jpeg: bytes = b""
    frames_matched: int = 0
    inliers: int = 0

    def to_dict(self) -> dict:
        return {"reference": self.reference, "score": round(self.score, 4),
                "spans": [[round(a, 3), round(b, 3)] for a, b in self.spans],
                "best": {"t": round(self.best_t, 3), "box": list(self.best_box)}, "method": self.method}


@dataclass
class ScanResult:
    duration: float
    frames: int
    matches: list[Match] = field(default_factory=list)
    keyframes: list[tuple[float, str]] = field(default_factory=list)
    decoded: int = 0

    def to_dict(self, clip: str) -> dict:
        return {"clip": str(clip), "duration": round(self.duration, 3), "frames": self.frames,
                "matches": [m.to_dict() for m in self.matches], "error": None}


def thumbnail(bgr: np.ndarray, quad: np.ndarray | None, box: tuple[int, int, int, int]) -> bytes:
    """The frame with the matched region drawn, at most THUMB_HEIGHT tall, as JPEG."""
    img = bgr.copy()
    h, w = img.shape[:2]
    thick = max(2, round(max(h, w) / 240))
    if quad is not None:
        cv2.polylines(img, [np.round(quad).astype(np.int32).reshape(-1, 1, 2)], True, (0, 0, 255), thick, cv2.LINE_AA)
    else:
        x, y, bw, bh = box
        cv2.rectangle(img, (x, y), (x + bw, y + bh), (0, 0, 255), thick)
    if h > C.THUMB_HEIGHT:
        s = C.THUMB_HEIGHT / h
        img = cv2.resize(img, (max(1, round(w * s)), C.THUMB_HEIGHT), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 80])
    return buf.tobytes() if ok else b""


def spans_of(hit_times: list[float], sample_times: list[float], duration: float) -> list[tuple[float, float]]:
    """Each hit covers from its frame to the next analysed frame; adjacent covers merge."""
    nxt = {t: (sample_times[i + 1] if i + 1 < len(sample_times) else max(duration, t)) for i, t in enumerate(sample_times)}
    spans: list[list[float]] = []
    for t in sorted(hit_times):
        end = nxt.get(t, t)
        if spans and t <= spans[-1][1] + 1e-6:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([t, end])
    return [(round(a, 3), round(b, 3)) for a, b in spans]


def clip_score(scores: list[float]) -> float:
    """Best frame score, nudged up when more frames agree (a copy shown for seconds is surer)."""
    s = sorted(scores, reverse=True)
    best = s[0]
    support = sum(1 for x in s[1:] if x >= C.FRAME_HIT)
    return float(min(1.0, best + (1.0 - best) * min(0.3, 0.06 * support)))
