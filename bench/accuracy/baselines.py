"""The two baselines the issue asks the matcher to beat, on the same clips.

- whole-frame imagehash pHash at 1 fps: score = 1 - (best Hamming distance) / 32, floored at 0;
  the usual rule "distance <= 10" is its default threshold (score >= 0.6875).
- OpenCV SIFT + RANSAC at 1 fps: score = min(1, inliers / 50); "15 inliers" is its default (0.3).
"""

from __future__ import annotations

import av
import cv2
import imagehash
import numpy as np
from PIL import Image

from matcher.references import load_image

PHASH_DEFAULT = 1 - 10 / 32
SIFT_DEFAULT = 15 / 50


def frames_1fps(path: str, long_side: int = 960) -> list[np.ndarray]:
    out = []
    next_t = 0.0
    with av.open(path) as c:
        s = c.streams.video[0]
        for f in c.decode(s):
            t = float(f.pts * s.time_base) if f.pts is not None else next_t
            if t + 1e-6 >= next_t:
                scale = min(1.0, long_side / max(f.width, f.height))
                out.append(f.to_ndarray(format="bgr24", width=round(f.width * scale) // 2 * 2,
                                        height=round(f.height * scale) // 2 * 2))
                next_t += 1.0
    return out


class PhashBaseline:
    def __init__(self, ref_paths: dict[str, str]):
        self.refs = {}
        for name, p in ref_paths.items():
            bgr, _ = load_image(p)
            self.refs[name] = imagehash.phash(Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)))

    def scan(self, frames: list[np.ndarray]) -> dict[str, float]:
        hs = [imagehash.phash(Image.fromarray(cv2.cvtColor(f, cv2.COLOR_BGR2RGB))) for f in frames]
        out = {}
        for name, rh in self.refs.items():
            d = min((h - rh for h in hs), default=64)
            s = max(0.0, 1 - d / 32)
            if s > 0:
                out[name] = s
        return out


class SiftBaseline:
    def __init__(self, ref_paths: dict[str, str]):
        self.sift = cv2.SIFT_create(nfeatures=1000)
        self.refs = {}
        for name, p in ref_paths.items():
            bgr, _ = load_image(p)
            s = 512 / max(bgr.shape[:2])
            if s < 1:
                bgr = cv2.resize(bgr, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
            kp, d = self.sift.detectAndCompute(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), None)
            self.refs[name] = (np.float32([k.pt for k in kp]), d)
        self.bf = cv2.BFMatcher(cv2.NORM_L2)

    def scan(self, frames: list[np.ndarray]) -> dict[str, float]:
        out: dict[str, float] = {}
        for f in frames:
            kp, d = self.sift.detectAndCompute(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY), None)
            if d is None or len(kp) < 4:
                continue
            fxy = np.float32([k.pt for k in kp])
            for name, (rxy, rd) in self.refs.items():
                if rd is None or len(rd) < 4:
                    continue
                good = [p[0] for p in self.bf.knnMatch(rd, d, k=2) if len(p) == 2 and p[0].distance < 0.75 * p[1].distance]
                if len(good) < 4:
                    continue
                src = rxy[[m.queryIdx for m in good]]
                dst = fxy[[m.trainIdx for m in good]]
                H, inl = cv2.findHomography(src, dst, cv2.RANSAC, 5.0)
                if H is None:
                    continue
                s = min(1.0, int(inl.sum()) / 50)
                if s > out.get(name, 0):
                    out[name] = s
        return out
