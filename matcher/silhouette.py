"""Silhouette search: sprites (references with transparency) found by the shape of their edges.

A flat sprite or line icon gives local features little to hold on to (a ring has no corners, and
its few keypoints were computed on whatever the reference was flattened onto), and a hash of the
region it sits in mostly hashes the background. What survives any background is where the
sprite's edges run and which way: so both the reference (composited on mid grey, so that its outline
shows whatever its colour, and again on its own rim's colour, for a background as dark as its outline, where
only the edges inside it show) and the frame region become fields of gradient orientation (doubled
angle, weighted by strength: blind to contrast polarity, so dark-on-light and light-on-dark agree),
and the reference's field is slid over the region (normalised correlation inside the sprite's
dilated mask) at a few scales. Background texture inside the mask lowers the score; it does not
raise it, since its orientations do not follow the outline.

A coarse pass over every sprite model on every hashed region (content region, rectangle proposals)
and a finer pass for the few that come close keep the cost to a few milliseconds a frame. A sprite laid
over footage with no rectangle round it, smaller than those regions, is proposed by its own shape
(`sprite_proposals`: every sprite model slid over the whole frame's field at small scales), and its
region searched like the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from matcher import constants as C
from matcher.regions import inside


def orientation_field(img: np.ndarray) -> np.ndarray:
    """(H, W, 2) float32: gradient as (gx^2 - gy^2, 2 gx gy) / |g|: doubled angle, length |g|. A colour image
    (H, W, 3) gives its colour structure tensor's (the channels' doubled-angle terms summed: `colour_field`)."""
    g = cv2.GaussianBlur(img.astype(np.float32), (0, 0), C.SIL_SMOOTH)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    if g.ndim == 3:
        return colour_field(gx, gy)
    mag = np.sqrt(gx * gx + gy * gy) + 1e-3
    return np.dstack([(gx * gx - gy * gy) / mag, 2 * gx * gy / mag]).astype(np.float32)


def colour_field(gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    """The doubled-angle field of a colour image from its channels' gradients (H, W, 3 each): their structure
    tensors summed (Di Zenzo), so an edge between two colours of one grey (magenta art on dark-brown footage, a
    saturated logo on grey gravel) runs where it runs in colour, while grey edges give what the grey field gives
    (x sqrt 3: no matter to a normalised correlation)."""
    a = (gx * gx - gy * gy).sum(axis=2)
    b = (2 * gx * gy).sum(axis=2)
    mag = np.sqrt((gx * gx + gy * gy).sum(axis=2)) + 1e-3
    return np.dstack([a / mag, b / mag]).astype(np.float32)


@dataclass
class SilhouetteHit:
    model: int
    ncc: float
    box: tuple[int, int, int, int]   # on the frame (analysis pixels); may reach past the region (a crop)
    region: tuple[int, int, int, int] | None = None   # the region it was found in
    shown: float = 1.0                # share of the sprite's mask inside the region (a sprite cut by its edge)
    laid_over: float = 0.0            # share of the sprite's opaque pixels under something laid over it (`laid_over`)
    laid: np.ndarray | None = None    # ... where (bool, over the box at SIL_CHECK_SIDE), when the score was judged without it


class _Templates:
    """Per index: each sprite model's thumbnail, mask and aspect; fields cached per template size."""

    def __init__(self, idx) -> None:
        self.idx = idx
        self.models: list[int] = []
        self.src: dict[int, tuple[np.ndarray, np.ndarray, float]] = {}
        self.cache: dict[tuple[int, int, int, tuple[str, ...]], tuple[np.ndarray, np.ndarray]] = {}
        self.rims: dict[int, np.ndarray | None] = {}
        n_ref = len(idx.names)
        masks = np.asarray(idx.thumb_masks)
        for r in range(n_ref):
            m = masks[r]
            if m.min() >= 128 or (m >= 128).mean() < C.SIL_MIN_OPAQUE:
                continue
            rw, rh = (int(v) for v in idx.sizes[r])
            for mirrored in (0, 1):
                th, tm = idx.thumb(2 * r + mirrored)
                self.models.append(2 * r + mirrored)
                self.src[2 * r + mirrored] = (th.astype(np.float32), tm.astype(np.float32) / 255.0, rw / rh)
            if len(self.models) >= 2 * C.SIL_MAX_SPRITES:
                break

    def source(self, model: int) -> tuple[np.ndarray, np.ndarray, float]:
        """Thumbnail, mask (0..1) and aspect of any model (opaque references too, for verification)."""
        if model not in self.src:
            th, tm = self.idx.thumb(model)
            rw, rh = (int(v) for v in self.idx.sizes[model >> 1])
            self.src[model] = (th.astype(np.float32), tm.astype(np.float32) / 255.0, rw / rh)
        return self.src[model]

    def get(self, model: int, tw: int, th_: int, backgrounds: tuple[str, ...] = ("grey",)) -> tuple[np.ndarray, np.ndarray]:
        """The model's field and correlation mask at one template size, the sprite laid on a background (see
        SIL_BACKGROUNDS); with several, the mean of their fields (one correlation weighs them all)."""
        key = (model, tw, th_, backgrounds)
        hit = self.cache.get(key)
        if hit is None:
            th, tm, _ = self.source(model)
            m = cv2.resize(tm, (tw, th_), interpolation=cv2.INTER_AREA)
            laid = {"grey": lambda: cv2.resize(th, (tw, th_), interpolation=cv2.INTER_AREA) * m + 128.0 * (1.0 - m),
                    "rim": lambda: cv2.resize(self.rim(model), (tw, th_), interpolation=cv2.INTER_AREA)}
            field = np.mean([orientation_field(laid[bg]()) for bg in backgrounds], axis=0).astype(np.float32)
            mk = cv2.dilate((m > 0.2).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(np.float32)
            hit = (field, np.ascontiguousarray(np.dstack([mk, mk])))
            if len(self.cache) > 20000:
                self.cache.clear()
            self.cache[key] = hit
        return hit

    def backgrounds(self, model: int) -> tuple[str, ...]:
        """What the model is laid on: every one of SIL_BACKGROUNDS for a sprite, none but grey for an opaque
        reference (verified by shape), which has no edge against a background."""
        return C.SIL_BACKGROUNDS if self.rim(model) is not None else ("grey",)

    def rim(self, model: int) -> np.ndarray | None:
        """The model's thumbnail with every transparent pixel given the grey of the nearest opaque one: the
        sprite on a background of its own rim's colour (a black outline on a black screen), where its edge
        against the background has no gradient and only the edges inside it count. None for an opaque one."""
        if model not in self.rims:
            th, tm, _ = self.source(model)
            opaque = tm > 0.5
            if not opaque.any() or opaque.all():
                self.rims[model] = None
            else:
                _, lab = cv2.distanceTransformWithLabels((~opaque).astype(np.uint8), cv2.DIST_L2, 5,
                                                         labelType=cv2.DIST_LABEL_PIXEL)
                lut = np.zeros(int(lab.max()) + 1, np.float32)
                lut[lab[opaque]] = th[opaque]
                self.rims[model] = np.where(opaque, th, lut[lab]).astype(np.float32)
        return self.rims[model]


def has_sprites(idx) -> bool:
    """Does the index hold any sprite model (a silhouette to search for)?"""
    return bool(_templates(idx).models)


def _templates(idx) -> _Templates:
    t = getattr(idx, "_silhouette_templates", None)
    if t is None:
        t = _Templates(idx)
        idx._silhouette_templates = t
    return t


def _size(aspect: float, long_side: float) -> tuple[int, int]:
    if aspect >= 1:
        return round(long_side), round(long_side / aspect)
    return round(long_side * aspect), round(long_side)


def _correlations(field: np.ndarray, tpl: _Templates, model: int, scales, long_side: int,
                  templates: tuple[tuple[str, ...], ...] = (("grey",),)):
    """(scale, template size, correlation map) of one model at each of SCALES that fits the field, over TEMPLATES
    (the backgrounds each one lays the model on, `_Templates.get`); places the mask leaves undefined are not finite."""
    ih, iw = field.shape[:2]
    aspect = tpl.source(model)[2]
    for k in scales:
        tw, th = _size(aspect, k * long_side)
        if tw > iw or th > ih or min(tw, th) < C.SIL_MIN_TEMPLATE:
            continue
        for bgs in templates:
            f, mk = tpl.get(model, tw, th, bgs)
            yield k, (tw, th), cv2.matchTemplate(field, f, cv2.TM_CCORR_NORMED, mask=mk)


def _scan_box(field: np.ndarray, tpl: _Templates, model: int, scales, long_side: int,
              templates: tuple[tuple[str, ...], ...] = (("grey",),)) -> tuple[float, float, tuple[int, int], tuple[int, int]]:
    """Best (ncc, scale, top-left, template size) of one model over scales on one region field, over TEMPLATES
    (the backgrounds each one lays the model on, `_Templates.get`)."""
    best = (-1.0, 0.0, (0, 0), (0, 0))
    for k, size, res in _correlations(field, tpl, model, scales, long_side, templates):
        res[~np.isfinite(res)] = -1.0
        _, mx, _, loc = cv2.minMaxLoc(res)
        if mx > best[0]:
            best = (float(mx), float(k), loc, size)
    return best


def search(grey_frame: np.ndarray, boxes: list[tuple[int, int, int, int]], idx, cut: bool = False) -> dict[int, SilhouetteHit]:
    """The best silhouette match of every sprite model over the given regions, where it comes close. CUT: the
    regions are bands of picture whose edges may cut a sprite shown large (a crop): searched with more padding,
    at the larger scales SIL_CUT_SCALES. GREY_FRAME may be the frame in colour (BGR): its fields are then its colour
    structure tensor's (`colour_field`)."""
    tpl = _templates(idx)
    out: dict[int, SilhouetteHit] = {}
    if not tpl.models:
        return out
    for (x, y, w, h) in boxes:
        if min(w, h) < C.MIN_BOX_SIDE:
            continue
        fields = _fields(grey_frame, (x, y, w, h), C.SIL_CUT_PAD if cut else C.SIL_PAD)
        for model in tpl.models:
            hit = _match_in(fields, tpl, model, (x, y, w, h), C.SIL_CUT_SCALES if cut else C.SIL_SCALES)
            if hit is not None and (model not in out or hit.ncc > out[model].ncc):
                out[model] = hit
    return out


@dataclass
class Proposal:
    """A region where a sprite may sit that no rectangle outlines (`proposals`)."""
    box: tuple[int, int, int, int]        # the region to search (the sprite's place grown by SIL_PROPOSE_GROW)
    sprite: tuple[int, int, int, int]     # the place of its best proposer's template on the frame
    models: list[int]                     # the sprite models (unmirrored) whose best place it is, best first


def sprite_proposals(grey_frame: np.ndarray, idx, exclude: list[tuple[int, int, int, int]] = ()) -> list[tuple[int, int, int, int]]:
    """The boxes of `proposals`."""
    return [p.box for p in proposals(grey_frame, idx, exclude)]


def proposals(grey_frame: np.ndarray, idx, exclude: list[tuple[int, int, int, int]] = ()) -> list[Proposal]:
    """Regions where a sprite may sit that no rectangle outlines: a transparent sprite laid over footage
    (an animated sticker) is smaller than any region searched and has no border of its own. Every sprite
    model's field slides over the whole frame's at a few small scales; where one comes close, the box
    around it (grown, so the region search's scales fit it) becomes a region. Boxes mostly inside a
    region already searched (exclude) are left out: the region search saw them. GREY_FRAME may be in colour, as in
    `search`. Each region says which models proposed it (those whose box it is, or one mostly inside it or around it)."""
    tpl = _templates(idx)
    if not tpl.models:
        return []
    fh, fw = grey_frame.shape[:2]
    L = C.SIL_PROPOSE_SIDE
    s = L / max(fw, fh)
    img = cv2.resize(grey_frame, (max(8, round(fw * s)), max(8, round(fh * s))), interpolation=cv2.INTER_AREA)
    field = orientation_field(img)
    found: list[tuple[float, tuple[int, int, int, int], tuple[int, int, int, int], int]] = []
    for model in tpl.models[::2]:      # a mirrored sprite's outline is close enough to propose its region
        peak, ncc, loc, (tw, th) = _standout(field, tpl, model, C.SIL_PROPOSE_SCALES, L)
        if ncc < C.SIL_PROPOSE_MIN and (peak < C.SIL_PROPOSE_PEAK or ncc < C.SIL_PROPOSE_FLOOR):
            continue
        g = C.SIL_PROPOSE_GROW
        x0, y0 = (loc[0] - g * tw) / s, (loc[1] - g * th) / s
        x1, y1 = (loc[0] + (1 + g) * tw) / s, (loc[1] + (1 + g) * th) / s
        x0, y0 = int(max(0, x0)), int(max(0, y0))
        x1, y1 = int(min(fw, np.ceil(x1))), int(min(fh, np.ceil(y1)))
        sprite = (int(loc[0] / s), int(loc[1] / s), max(1, round(tw / s)), max(1, round(th / s)))
        found.append((peak, (x0, y0, x1 - x0, y1 - y0), sprite, model))
    out: list[Proposal] = []
    for _, b, sprite, model in sorted(found, key=lambda f: -f[0]):
        same = [p for p in out if inside(b, p.box) >= C.SIL_PROPOSE_SAME or inside(p.box, b) >= C.SIL_PROPOSE_SAME]
        if same:
            same[0].models.append(model)
            continue
        if len(out) >= C.SIL_PROPOSALS:
            continue
        if all(inside(b, o) < C.SIL_PROPOSE_SAME or max(o[2], o[3]) > C.SIL_PROPOSE_COVERED * max(b[2], b[3]) for o in exclude):
            out.append(Proposal(b, sprite, [model]))
    return out


def _standout(field: np.ndarray, tpl: _Templates, model: int, scales, long_side: int) -> tuple[float, float, tuple[int, int], tuple[int, int]]:
    """(how far it stands out, ncc, top-left, template size) of one model's best place on a frame's field over SCALES,
    the place that stands out most from the model's correlation everywhere else on the frame (its peak's distance from
    the mean, in standard deviations, at its scale). A small flat template (a logo's badge) correlates 0.4-0.5 with any
    busy footage, while a sticker's outline over it stands out 5-10 deviations even where busy or dark footage under
    it keeps its correlation under 0.42: proposals are ranked by it, not by correlation (branch small4)."""
    best = (-np.inf, -1.0, (0, 0), (0, 0))
    for _, size, res in _correlations(field, tpl, model, scales, long_side):
        ok = np.isfinite(res)
        vals = res[ok]
        res[~ok] = -1.0
        _, mx, _, loc = cv2.minMaxLoc(res)
        peak = float((mx - vals.mean()) / (vals.std() + 1e-6)) if vals.size > 1 else 0.0
        if peak > best[0]:
            best = (peak, float(mx), loc, size)
    return best


class _Fields(dict):
    """A region's orientation fields at the coarse and the fine side, each made when first asked for."""

    def __init__(self, grey_frame: np.ndarray, box: tuple[int, int, int, int], pad: float = C.SIL_PAD) -> None:
        super().__init__()
        self.grey_frame, self.box, self.pad = grey_frame, box, pad

    def __missing__(self, L: int):
        x, y, w, h = self.box
        s = L / max(w, h)
        img = cv2.resize(self.grey_frame[y:y + h, x:x + w], (max(8, round(w * s)), max(8, round(h * s))),
                         interpolation=cv2.INTER_AREA)
        # no gradient around the region: a sprite cropped by the region's edge still fits, and
        # pays for its hidden part in the normalisation
        pad = round(self.pad * L)
        field = cv2.copyMakeBorder(orientation_field(img), pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
        self[L] = (field, s, pad)
        return self[L]


def _fields(grey_frame: np.ndarray, box: tuple[int, int, int, int], pad: float = C.SIL_PAD) -> _Fields:
    return _Fields(grey_frame, box, pad)


def _inside(loc: tuple[int, int], size: tuple[int, int], shape, pad: int) -> float:
    """Share of a template placed at LOC on a padded region field that lies inside the region."""
    return inside((*loc, *size), (pad, pad, shape[1] - 2 * pad, shape[0] - 2 * pad))


def _match_in(fields: dict, tpl: _Templates, model: int, box: tuple[int, int, int, int],
              scales: tuple[float, ...] = C.SIL_SCALES) -> SilhouetteHit | None:
    x, y, w, h = box
    bgs = tpl.backgrounds(model)
    # coarse: the first background; where it does not come close, one template on all of them at once
    ncc, k, _, _ = _scan_box(fields[C.SIL_COARSE_SIDE][0], tpl, model, scales, C.SIL_COARSE_SIDE, (bgs[:1],))
    if ncc < C.SIL_COARSE_MIN and len(bgs) > 1:
        ncc, k, _, _ = _scan_box(fields[C.SIL_COARSE_SIDE][0], tpl, model, scales, C.SIL_COARSE_SIDE, (bgs,))
    if ncc < C.SIL_COARSE_MIN:
        return None
    ff, s, pad = fields[C.SIL_FINE_SIDE]
    ncc, k, loc, (tw, th) = _scan_box(ff, tpl, model, [k * f for f in C.SIL_FINE_STEPS], C.SIL_FINE_SIDE, (bgs[:1],))
    used = bgs[:1]
    if ncc < C.SIL_FALLBACK_BELOW:
        # the first background does not fit well (a black outline on a black screen): the others at the scale
        # found, kept where they fit better with the sprite mostly inside the region (not in its padding)
        for bg in bgs[1:]:
            alt = _scan_box(ff, tpl, model, [k], C.SIL_FINE_SIDE, ((bg,),))
            if alt[0] > ncc and _inside(alt[2], alt[3], ff.shape, pad) >= C.SIL_MIN_VISIBLE:
                ncc, k, loc, (tw, th) = alt
                used = (bg,)
    if ncc <= 0:
        return None
    ncc, shown = _visible_ncc(ncc, tpl, model, (tw, th), used, loc, ff.shape, pad)
    hb = (int(x + (loc[0] - pad) / s), int(y + (loc[1] - pad) / s), max(1, int(tw / s)), max(1, int(th / s)))
    return SilhouetteHit(model, ncc, hb, box, shown)


def _visible_ncc(ncc: float, tpl: _Templates, model: int, size: tuple[int, int], bgs: tuple[str, ...],
                 loc: tuple[int, int], shape, pad: int) -> tuple[float, float]:
    """The correlation of a sprite cut by its region's edge (a crop, a band of picture inside blurred fill) over
    the part of it inside the region: the region's padding has no gradient, so the normalised correlation
    counted the hidden part's template energy against it. Rescaled by sqrt(template energy / energy inside)
    when at least SIL_MIN_VISIBLE of that energy is inside, never above 1; and credited by SIL_CUT_CREDIT of the
    gain only (what is not seen is no evidence: the hidden part may be where another frame of a walk cycle differs).
    -> (correlation, share of the sprite's mask inside)."""
    tw, th = size
    f, mk = tpl.get(model, tw, th, bgs)
    e = (f * mk) ** 2
    total = float(e.sum())
    x0, y0 = max(0, pad - loc[0]), max(0, pad - loc[1])
    x1, y1 = min(tw, shape[1] - pad - loc[0]), min(th, shape[0] - pad - loc[1])
    if total <= 0 or x1 <= x0 or y1 <= y0:
        return ncc, 1.0
    share = float(e[y0:y1, x0:x1].sum()) / total
    m = mk[..., 0]
    area = float(m[y0:y1, x0:x1].sum()) / max(1.0, float(m.sum()))
    if share >= 1.0 - 1e-6 or share < C.SIL_MIN_VISIBLE:
        return ncc, min(1.0, area)
    return ncc + C.SIL_CUT_CREDIT * (min(1.0, ncc / np.sqrt(share)) - ncc), area


def shown_factor(hit: SilhouetteHit) -> float:
    """A sprite cut by its region's edge is surer the more of it shows: SIL_CUT_FLOOR with nothing shown, rising
    linearly to 1 with all of it (what is hidden may be where another frame of its walk cycle differs)."""
    return C.SIL_CUT_FLOOR + (1.0 - C.SIL_CUT_FLOOR) * hit.shown


def verify_shape(grey_frame: np.ndarray, box: tuple[int, int, int, int], model: int, idx) -> float:
    """Shape and pixel evidence for one candidate (a hash match of any reference, opaque ones too)
    in one region -> frame score in [0, 1]. For flat art (pixel art, silhouettes, line drawings)
    whose cells carry too little detail for the cell-by-cell appearance check."""
    if min(box[2], box[3]) < C.MIN_BOX_SIDE:
        return 0.0
    hit = _match_in(_fields(grey_frame, box), _templates(idx), model, box)
    if hit is None:
        return 0.0
    return hit_score(grey_frame, hit, idx, opaque=idx.thumb(model)[1].min() == 255)


def laid_factor(visible: float) -> float:
    """A sprite partly under something laid over it is surer the more of it shows: SIL_LAID_FLOOR with nothing shown,
    rising linearly to 1 with all of it (a presenter over a walking sprite's legs hides where its frames differ most)."""
    return C.SIL_LAID_FLOOR + (1.0 - C.SIL_LAID_FLOOR) * visible


def hit_score(grey_frame: np.ndarray, hit: SilhouetteHit, idx, opaque: bool = False) -> float:
    """Frame score of a silhouette hit: its shape's correlation, times how far the pixels under it agree."""
    return scored(grey_frame, hit, idx, opaque)[0]


def scored(grey_frame: np.ndarray, hit: SilhouetteHit, idx, opaque: bool = False) -> tuple[float, float]:
    """(frame score, pixel agreement) of a silhouette hit: the shape's correlation (silhouette_score), times how far
    the pixels under it agree (pixel_score), times how much of the sprite shows (shown_factor); the pixels are not
    compared (0) where the shape does not come close. A sprite partly under something laid over it (a presenter keyed
    over it, a sticker, a caption box: `laid_over`) is judged, when that judges it better, as a sprite cut there: its
    correlation and pixels on the part that shows (its correlation credited as a crop's, SIL_CUT_CREDIT), its score
    lowered by how little that is (`laid_factor`; hit.laid_over says how much was hidden)."""
    s = silhouette_score(hit.ncc)
    if s <= 0:
        return 0.0, 0.0
    pix = pixel_agreement(grey_frame, hit, idx)
    score = s * pixel_score(pix, opaque=opaque) * shown_factor(hit)
    if not opaque and pix < C.SIL_PIXEL_FULL:
        over = laid_over(grey_frame, hit, idx)
        if over is not None:
            pix_v, visible, mask = over
            ncc = hit.ncc + C.SIL_CUT_CREDIT * (min(1.0, hit.ncc / np.sqrt(visible)) - hit.ncc)
            alt = silhouette_score(ncc) * pixel_score(pix_v) * shown_factor(hit) * laid_factor(visible)
            if alt > score:
                hit.laid_over, hit.laid = 1.0 - visible, mask
                return alt, pix_v
    return score, pix


def silhouette_score(ncc: float) -> float:
    """Correlation of orientation fields -> frame score in [0, 1] (0.5 at the calibrated point)."""
    return float(np.clip((ncc - C.SIL_LOW) / (C.SIL_FULL - C.SIL_LOW), 0.0, 1.0))


def pixel_agreement(grey_frame: np.ndarray, hit: SilhouetteHit, idx) -> float:
    """Do the frame's pixels under the sprite look like the sprite? Normalised correlation, over the
    sprite's opaque pixels and a thin ring around them, between the frame and the sprite pasted onto
    the frame itself (so the ring compares equal and the sprite's own pixels decide, against their
    surroundings whatever they are). A ring or a blob of texture that happens to follow the outline
    does not have the sprite's tones inside it."""
    under = _under(grey_frame, hit, idx)
    if under is None:
        return 0.0
    f, comp, m, seen = under
    band = (cv2.dilate((m > 0.5).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0) & seen
    return _ncc(f[band], comp[band])


def _under(grey_frame: np.ndarray, hit: SilhouetteHit, idx):
    """The frame under a silhouette hit and the sprite pasted onto it, at SIL_CHECK_SIDE: (frame, composite, the
    sprite's mask 0..1, which pixels the region shows), or None when too little of the box is inside the region."""
    x, y, w, h = hit.box
    fh, fw = grey_frame.shape
    if w < 4 or h < 4:
        return None
    rx, ry, rw, rh = hit.region or (0, 0, fw, fh)
    # the part of the sprite's box inside the region (a crop shows part of the sprite)
    vx0, vy0 = max(x, rx, 0), max(y, ry, 0)
    vx1, vy1 = min(x + w, rx + rw, fw), min(y + h, ry + rh, fh)
    if (vx1 - vx0) * (vy1 - vy0) < C.SIL_MIN_VISIBLE * w * h:
        return None
    th, tm = idx.thumb(hit.model)
    side = C.SIL_CHECK_SIDE
    s = side / max(w, h)
    size = (max(4, round(w * s)), max(4, round(h * s)))
    t = cv2.resize(th, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    m = cv2.resize(tm, size, interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    # the frame under the box, placed where it sits (nothing where the box leaves the region)
    f = np.zeros((size[1], size[0]), np.float32)
    seen = np.zeros((size[1], size[0]), bool)
    a0, b0 = round((vx0 - x) * s), round((vy0 - y) * s)
    a1, b1 = max(a0 + 1, min(size[0], round((vx1 - x) * s))), max(b0 + 1, min(size[1], round((vy1 - y) * s)))
    f[b0:b1, a0:a1] = cv2.resize(grey_frame[vy0:vy1, vx0:vx1], (a1 - a0, b1 - b0), interpolation=cv2.INTER_AREA)
    seen[b0:b1, a0:a1] = True
    return f, t * m + f * (1.0 - m), m, seen


def _ncc(a: np.ndarray, b: np.ndarray) -> float:
    if a.size < 16:
        return 0.0
    a = a - a.mean()
    b = b - b.mean()
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / den) if den > 1e-6 else 0.0


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least squares y ~ a x + b (a flat x: a = 0, b the mean of y)."""
    vx = float(x.var())
    if vx < 1e-6:
        return 0.0, float(y.mean())
    a = float(((x - x.mean()) * (y - y.mean())).mean()) / vx
    return a, float(y.mean()) - a * float(x.mean())


def _far(f: np.ndarray, comp: np.ndarray, ink: np.ndarray, spread: float) -> tuple[np.ndarray, np.ndarray]:
    """The sprite's pixels (INK) where the frame F (fitted to the sprite's grey levels) is far from the sprite COMP: off
    by SIL_LAID_DIFF x SPREAD once smoothed; and those still far when each pixel may match the sprite's within
    SIL_LAID_SHIFT px (the placement is never exact: a thin stroke placed a pixel off is not far there)."""
    d = C.SIL_LAID_SHIFT
    fp = cv2.copyMakeBorder(f.astype(np.float32), d, d, d, d, cv2.BORDER_REPLICATE)
    hh, ww = f.shape
    exact = np.abs(f - comp)
    loose = np.min([np.abs(fp[d + dy:d + dy + hh, d + dx:d + dx + ww] - comp)
                    for dy in range(-d, d + 1) for dx in range(-d, d + 1)], axis=0)
    k = np.maximum(cv2.GaussianBlur(ink.astype(np.float32), (0, 0), C.SIL_LAID_SMOOTH), 1e-3)
    out = []
    for res in (exact, loose):
        res = cv2.GaussianBlur(np.where(ink, res, 0.0).astype(np.float32), (0, 0), C.SIL_LAID_SMOOTH) / k
        out.append(ink & (res > C.SIL_LAID_DIFF * spread))
    return out[0], out[1]


def laid_over(grey_frame: np.ndarray, hit: SilhouetteHit, idx) -> tuple[float, float, np.ndarray] | None:
    """A sprite partly under something laid over it (a presenter keyed over it, a sticker, a caption box): the pixel
    agreement over the part that shows, that part's share of the sprite's opaque pixels shown, and where it is laid over
    (bool over the box at SIL_CHECK_SIDE); None where nothing is laid over it.

    Laid over: blobs of the sprite's pixels where the frame is not the sprite (off by SIL_LAID_DIFF of the sprite's
    spread once the frame's grey levels are fitted to the sprite's on the rest, `_far`), each of at least SIL_LAID_BLOB
    of them, reaching the sprite's outline (what covers it comes from outside it: a face's other expression lies inside
    the art) and holding SIL_LAID_FIRM of them still off where each may match within SIL_LAID_SHIFT px (a wordmark placed
    a pixel off is not laid over); SIL_LAID_MIN of them together (an occluder of the grey of the part it hides, dark
    hair over dark legs, splits its blob in two). At least SIL_LAID_SHOWN of the sprite must show; what is hidden is no
    evidence either way, and the score pays for it (`scored`)."""
    under = _under(grey_frame, hit, idx)
    if under is None:
        return None
    f, comp, m, seen = under
    ink = (m > 0.5) & seen
    n = int(ink.sum())
    if n < 16:
        return None
    t = comp[ink]
    spread = max(float(t.std()), C.SIL_LAID_MIN_STD)
    off = np.zeros_like(ink)
    for _ in range(2):
        # the frame's grey levels fitted to the sprite's (a gain and an offset: brightness, contrast, encoding) on what
        # is not laid over, then what is far from the sprite, smoothed (a stray pixel is noise, a blob is a layer)
        keep = ink & ~off
        if keep.sum() < 16:
            return None
        a, b = _fit(f[keep], comp[keep])
        off, firm = _far(a * f + b, comp, ink, spread)
    outline = ink & ~(cv2.erode(ink.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    cnt, lab, stats, _ = cv2.connectedComponentsWithStats(off.astype(np.uint8), connectivity=8)
    firm_area = np.bincount(lab[firm], minlength=cnt)
    blobs = [c for c in range(1, cnt) if stats[c, cv2.CC_STAT_AREA] >= C.SIL_LAID_BLOB * n and (outline & (lab == c)).any()
             and firm_area[c] >= C.SIL_LAID_FIRM * n]
    if sum(int(stats[c, cv2.CC_STAT_AREA]) for c in blobs) < C.SIL_LAID_MIN * n:
        return None
    over = cv2.dilate(np.isin(lab, blobs).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    visible = float((ink & ~over).sum()) / n
    if visible < C.SIL_LAID_SHOWN:
        return None
    band = (cv2.dilate((m > 0.5).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0) & seen & ~over
    return _ncc(f[band], comp[band]), visible, over


def pixel_score(agreement: float, opaque: bool = False) -> float:
    """Pixel agreement -> factor in [0, 1]: a shape whose inside does not look like the sprite is no match.
    An opaque reference is compared on all its pixels, and asked more (a card of the same deck shares
    most of them)."""
    low = C.SIL_PIXEL_LOW_OPAQUE if opaque else C.SIL_PIXEL_LOW
    return float(np.clip((agreement - low) / (C.SIL_PIXEL_FULL - low), 0.0, 1.0))
