"""The detector interface: every method of finding a reference on a frame is a Detector that reads one
FrameContext and yields candidate hits (FrameHit) with its evidence; verdict.fuse decides."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from matcher import constants as C
from matcher import silhouette
from matcher.hashing import grey
from matcher.index import ReferenceIndex
from matcher.regions import _iou, at_side, content_boxes, picture_band, picture_strips, rectangle_proposals, seams
from matcher.verdict import FrameHit


@dataclass
class FrameContext:
    """What every detector of one frame shares: the frame, its grey image, the regions worth looking at
    (the whole frame, content regions inside bars, rectangle proposals) and the hits found so far
    (a later detector may skip what an earlier one explains)."""
    bgr: np.ndarray
    t: float
    index: ReferenceIndex
    g: np.ndarray = None
    boxes: list = field(default_factory=list)
    n_content: int = 0                 # boxes[:n_content] are the frame and its content regions
    visible: tuple = None              # the content region inside solid bars
    _band: tuple = ...                 # the band of sharp picture between seams over blurred fill (regions.picture_band;
                                       # ... = not yet found: found on first use, see `band`)
    found: dict[str, list[FrameHit]] = field(default_factory=dict)   # detector name -> its hits
    shared: dict = field(default_factory=dict)                        # detector-to-detector hand-offs
    _rows: np.ndarray = None           # the frame's seam rows (regions.seams), found on first use
    _small: dict = field(default_factory=dict)   # long side -> the frame shrunk to it (`at_side`)

    def at_side(self, side: int) -> np.ndarray:
        """The frame shrunk to a long side of SIDE px (regions.at_side), made once for every search at that side."""
        if side not in self._small:
            self._small[side] = at_side(self.bgr, side)
            self._small[side].flags.writeable = False      # shared by every search: none may draw on it
        return self._small[side]

    @classmethod
    def of(cls, bgr: np.ndarray, t: float, index: ReferenceIndex, g: np.ndarray | None = None) -> "FrameContext":
        """G: the frame in grey when the caller has it (the scan does)."""
        g = grey(bgr) if g is None else g
        fh, fw = g.shape
        boxes = [(0, 0, fw, fh)]
        cboxes = content_boxes(g)
        for b in cboxes:
            if all(_iou(b, o) < 0.97 for o in boxes):
                boxes.append(b)
        n_content = len(boxes)
        boxes.extend(b for b in rectangle_proposals(bgr) if all(_iou(b, o) < 0.9 for o in boxes)
                     and g[b[1]:b[1] + b[3], b[0]:b[0] + b[2]].std() >= C.REGION_MIN_STD)
        return cls(bgr, t, index, g, boxes, n_content, cboxes[0])

    @property
    def seam_rows(self) -> np.ndarray:
        """Rows of a straight seam across the frame (regions.seams), found once for the band and the strips."""
        if self._rows is None:
            self._rows = seams(self.bgr, 0)
        return self._rows

    @property
    def band(self) -> tuple | None:
        """The band of sharp picture between seams over blurred fill (regions.picture_band), found on first use
        (most frames need none: no sprite in the index, no hit to check)."""
        if self._band is ...:
            self._band = picture_band(self.g, self.seam_rows, self.bgr)
        return self._band

    @property
    def strips(self) -> list:
        """The strips between the frame's seams (regions.picture_strips)."""
        return picture_strips(self.g, self.seam_rows)

    @property
    def shown(self) -> tuple:
        """What of the frame shows picture: the content region inside solid bars, cut to the picture band when one
        is found with fill on both sides (a crop over blurred fill: the fill shows no part of the reference). A band
        that reaches the frame's edge may be the sharp half of a split screen, not the picture: not cut to."""
        if self.band is None or not _between(self.band, self.g.shape):
            return self.visible
        vx, vy, vw, vh = self.visible
        bx, by, bw, bh = self.band
        x0, y0 = max(vx, bx), max(vy, by)
        x1, y1 = min(vx + vw, bx + bw), min(vy + vh, by + bh)
        return (x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else self.visible

    def sprite_proposals(self) -> list:
        """The regions where a transparent sprite may sit that no rectangle outlines (silhouette.proposals, on the
        frame's shape image), found once for the detectors that search them (the shapes' and the stickers' features)."""
        if "sprite_proposals" not in self.shared:
            img = self.bgr if C.SIL_COLOUR_FIELDS else self.g
            self.shared["sprite_proposals"] = silhouette.proposals(img, self.index, exclude=self.boxes)
        return self.shared["sprite_proposals"]

    @property
    def proposals(self) -> range:
        return range(self.n_content, len(self.boxes))


def _between(band: tuple, shape: tuple) -> bool:
    """Does a band (x, y, w, h) across the frame leave frame on both sides of it?"""
    x, y, w, h = band
    fh, fw = shape[:2]
    return 0 < y and y + h < fh if w == fw else 0 < x and x + w < fw


class Detector(Protocol):
    """One method of finding references on a frame. `name` keys its hits' evidence ("features",
    "hashes", "silhouettes", "rectified"); `detect` returns at most one hit per reference, each with
    hit.evidence[name] holding the figures it rests on (floats)."""
    name: str

    def detect(self, ctx: FrameContext) -> list[FrameHit]: ...
