"""Siblings: near-duplicate references (the cards of one deck, the frames of one animation, stills of one
shot) found at index time, and the detail that tells them apart checked at scan time.

Index time: each reference keeps a small colour thumbnail; references whose hashes are close and whose
thumbnails agree on most pixels form a sibling group (references of other shapes, sprite frames trimmed to
their opaque box, compared aligned by content). Scan time: a hit on a reference of a group is warped back
into the reference's thumbnail frame (by the hit's geometry) and compared with every member on the pixels
where the members differ (rank and suit, pips, a pose, the colour). The hit keeps its score only when the
clip is clearly closer there to the reference than to any sibling AND shows the reference's own detail
(a card of the deck that is not indexed, a heart where the reference has a diamond, is no closer to any
sibling and still not the reference); what is laid over the picture (a caption, a sticker) lowers the
confidence without speaking for any member."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from matcher import constants as C
from matcher import screens, tone
from matcher.references import laid_over
from matcher.sibling_groups import (aligned, colour_thumb, find_groups, members, palette, same_palette,  # noqa: F401 (index.py: colour_thumb, find_groups, members, sharp_thumb)
                                    same_shape, sharp_thumb, smooth)


def _patch(bgr: np.ndarray, H: np.ndarray, ref_size: tuple[int, int], visible=None,
           out: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The frame under the hit, warped into the reference's thumbnail frame (SIB_SIDE square, or OUT), and which of
    its pixels the frame shows (a crop or a picture running off the frame shows part of the reference; VISIBLE,
    the content region (x, y, w, h) inside bars or blurred fill, where a crop of the picture ends)."""
    out = out or C.SIB_SIDE
    side = out * 2
    S = np.array([[ref_size[0] / side, 0, 0], [0, ref_size[1] / side, 0], [0, 0, 1]], np.float64)
    big = cv2.warpPerspective(bgr, H @ S, (side, side), flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                              borderMode=cv2.BORDER_REPLICATE)
    return cv2.resize(big, (out, out), interpolation=cv2.INTER_AREA), _seen(bgr.shape, H, ref_size, visible, out)


def _seen(shape, H: np.ndarray, ref_size: tuple[int, int], visible=None, out: int | None = None) -> np.ndarray:
    """Which pixels of the reference's thumbnail frame (SIB_SIDE square, or OUT) land on the frame (of SHAPE), inside
    VISIBLE when given."""
    out = out or C.SIB_SIDE
    side = out * 2
    S = np.array([[ref_size[0] / side, 0, 0], [0, ref_size[1] / side, 0], [0, 0, 1]], np.float64)
    shown = np.full(shape[:2], 255, np.uint8)
    if visible is not None:
        x, y, w, h = (int(v) for v in visible)
        shown[:] = 0
        shown[y:y + h, x:x + w] = 255
    inside = cv2.warpPerspective(shown, H @ S, (side, side),
                                 flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP, borderValue=0)
    return cv2.resize(inside, (out, out), interpolation=cv2.INTER_AREA) > 250


def _normalise(t: np.ndarray, on: np.ndarray | None = None) -> np.ndarray:
    """Per channel to zero mean and unit spread over the pixels ON (all by default; a sprite's own pixels,
    not the footage round it): brightness, contrast and tint edits cancel out."""
    x = smooth(t)
    px = x.reshape(-1, x.shape[2]) if on is None or not on.any() else x[on]
    m, s = px.mean(axis=0), px.std(axis=0)
    return (x - m) / np.maximum(s, C.SIB_MIN_STD)


def detail(bgr: np.ndarray, H: np.ndarray, mirrored: bool, ref: int, sibs: list[int], thumbs: dict[int, np.ndarray],
           ref_size: tuple[int, int], art: np.ndarray | None = None, visible=None,
           frames: tuple[int, ...] = (), covered=None, laid=None, opacity=None) -> dict[str, float]:
    """The clip's detail against the reference's group, on the part of the reference the frame shows, in colour
    and in grey (the better of the two counts: a hue-shifted copy keeps its shapes; a palette swap differs only
    in colour, where grey cannot tell). THUMBS: each member's thumbnail in the reference's frame (`aligned`);
    ART: the reference's opaque pixels in that frame (a sprite or a logo: what lies round it in a clip is not
    part of it), None for all. FRAMES: the siblings that are other frames of the reference's animation (one
    palette, `frames_of`), against which "excess" is weighed.

    Figures: "detail" in [-1, 1] (how much closer the clip is to the reference than to its closest sibling
    where the two differ: 1 clearly closer, 0 no closer, below 0 closer to the sibling); "error" (the clip's
    mean error to the reference there and on the reference's own ink); "mismatch" (the share of the group's
    discriminating pixels with ink, the reference's or the clip's, where the clip does not show the reference:
    a card of the deck that is not indexed has other shapes there, a heart where a diamond is, even where no
    indexed sibling differs); "hidden" (of the pixels that tell the reference from a sibling, the share under
    something laid over the picture, a caption or a sticker, for the sibling with most hidden: they speak for
    no member, and lower the confidence rather than pick a sibling); "excess" (for the frame of FRAMES where it is
    highest, the clip's error to the reference where the two differ over its error where they agree: a frame of
    the animation that is not indexed, its limbs where the reference's are but the other one shaded, is closer
    to the reference than to any indexed frame there, yet shows it no better than an edit would spoil it
    everywhere; a true copy's error is about as high where the frames differ as where they agree). COVERED: the
    region (x, y, w, h) round VISIBLE whose part outside VISIBLE is laid over (a box of footage over the rest of a
    picture found cut by its edge): the reference's detail there is hidden too. LAID: where the detector that found
    the hit saw something laid over the reference as placed (a mask over the reference's frame, as shown: mirrored
    when it is; `FrameHit.laid`): hidden too. OPACITY: for see-through art, each member's opacity in that frame
    (`_opacity`): a member is laid over what the clip shows where it is transparent (its thumbnail was flattened on
    FLATTEN_BACKGROUND), so that what shows through a title's gaps speaks for no member and against none."""
    p, seen = _patch(bgr, H, ref_size, visible)
    beyond = None if covered is None else _seen(bgr.shape, H, ref_size, covered) & ~seen
    if laid is not None:
        over = cv2.resize(laid.astype(np.uint8), (C.SIB_SIDE, C.SIB_SIDE), interpolation=cv2.INTER_NEAREST) > 0
        beyond = (over & seen) if beyond is None else beyond | (over & seen)
        seen = seen & ~over
    thumbs = {r: t[:, ::-1] if mirrored else t for r, t in thumbs.items()}
    for r, a in (opacity or {}).items():
        thumbs[r] = laid_over(thumbs[r], p, a[:, ::-1] if mirrored else a)
    if art is not None:
        seen_all = seen.mean()
        seen = seen & (art[:, ::-1] if mirrored else art)
        beyond = None if beyond is None else beyond & (art[:, ::-1] if mirrored else art)
        if seen_all < C.SIB_MIN_SEEN or seen.mean() < C.SIB_MIN_SEEN * art.mean():
            return {"detail": 0.0, "error": 1.0, "mismatch": 1.0, "hidden": 0.0, "excess": 0.0}
    elif seen.mean() < C.SIB_MIN_SEEN:
        return {"detail": 0.0, "error": 1.0, "mismatch": 1.0, "hidden": 0.0, "excess": 0.0}
    bars = screens.edge_bars(p, thumbs[ref], seen)
    if bars.any():
        # a bar laid over the picture's edge (a player's controls, a tab bar): its pixels are hidden, not seen
        seen = seen & ~bars
        beyond = bars if beyond is None else beyond | bars
    shift = _shift(ref_size)
    best = _explained(p, thumbs, ref, sibs, seen, shift, frames, beyond)
    sigmas = _blurs(p, thumbs[ref], _agree(thumbs, ref, sibs, seen))
    if sigmas:
        # fine texture in the clip that the reference does not have where every member agrees (a screen's moire, its
        # sub-pixels, a camera's noise), or the reference's fine detail (small print) lost to a camera's lens: the
        # clip and every member blurred alike, at each of SIGMAS, and the detail judged again at a scale both show (a
        # blur the same for every member speaks for none)
        sharp = best
        for sigma in sigmas:
            b = lambda t: cv2.GaussianBlur(t, (0, 0), sigma)  # noqa: E731
            fig = _explained(b(p), {r: b(t) for r, t in thumbs.items()}, ref, sibs, seen, shift, frames, beyond)
            # another frame of the animation (its limbs where the reference's are, shaded otherwise) blurred alike
            # with every member loses what tells it from the reference: its excess, as sharp, still counts
            fig["excess"] = max(fig["excess"], sharp["excess"])
            best = max(best, fig, key=factor)
    return best


def _fine(t: np.ndarray, on: np.ndarray) -> float:
    """The grey picture's fine texture on the pixels ON: its mean distance from itself blurred by SIB_SMOOTH, over
    its spread there."""
    g = cv2.cvtColor(t, cv2.COLOR_BGR2GRAY).astype(np.float32)
    hp = np.abs(g - cv2.GaussianBlur(g, (0, 0), C.SIB_SMOOTH))[on]
    return float(hp.mean()) / max(float(g[on].std()), C.SIB_MIN_STD)


def _fine_ratio(p: np.ndarray, ref: np.ndarray, agree: np.ndarray) -> float:
    """The clip's fine texture over the reference's where the members agree, as the median over SIB_GRAIN_TILE tiles
    (those with SIB_GRAIN_MIN_PIXELS such pixels) of each tile's ratio: a screen's moire or a lens's softness changes
    the whole picture, every tile alike, while a card that is not indexed (a pip more where every indexed member shows
    the card's white face) adds texture in a tile or two only, which a ratio over the whole patch mistook for moire.
    Too few tiles: the ratio over the whole patch."""
    def hp(t: np.ndarray) -> tuple[np.ndarray, float]:
        g = cv2.cvtColor(t, cv2.COLOR_BGR2GRAY).astype(np.float32)
        return np.abs(g - cv2.GaussianBlur(g, (0, 0), C.SIB_SMOOTH)), max(float(g[agree].std()), C.SIB_MIN_STD)

    (hc, sc), (hr, sr) = hp(p), hp(ref)
    T = C.SIB_GRAIN_TILE
    ratios = []
    for y in range(0, agree.shape[0] - T + 1, T):
        for x in range(0, agree.shape[1] - T + 1, T):
            a = agree[y:y + T, x:x + T]
            if a.sum() < C.SIB_GRAIN_MIN_PIXELS:
                continue
            c, r = hc[y:y + T, x:x + T][a].mean() / sc, hr[y:y + T, x:x + T][a].mean() / sr
            ratios.append(float(c) / max(float(r), C.SIB_GRAIN_FLOOR))
    if len(ratios) < C.SIB_GRAIN_MIN_TILES:
        return _fine(p, agree) / max(_fine(ref, agree), 1e-6)
    return float(np.median(ratios))


def _blurs(p: np.ndarray, ref: np.ndarray, agree: np.ndarray) -> tuple[float, ...]:
    """How much to blur the clip's patch P and every member alike before judging the detail again, from its fine
    texture where the members agree against the reference's (`_fine_ratio`): grainy (SIB_MOIRE_RATIO times the reference's or more: a
    screen's moire) SIB_MOIRE_SIGMAS, soft (SIB_SOFT_RATIO or less: small print lost to a lens) SIB_SOFT_SIGMAS, about
    as sharp (or too few such pixels to tell) none."""
    if agree.sum() < C.SHADE_MIN_PIXELS:
        return ()
    r = _fine_ratio(p, ref, agree)
    return C.SIB_MOIRE_SIGMAS if r >= C.SIB_MOIRE_RATIO else C.SIB_SOFT_SIGMAS if r <= C.SIB_SOFT_RATIO else ()


def _explained(p: np.ndarray, thumbs: dict, ref: int, sibs: list[int], seen: np.ndarray, shift: tuple[int, int],
               frames: tuple[int, ...], beyond: np.ndarray | None) -> dict[str, float]:
    """`_detail_of` the patch P as it is, through a camera's tone curve undone, and with a smooth light field over it
    undone too: the best of them (`factor`)."""
    best = _detail_of(p, thumbs, ref, sibs, seen, shift, frames, beyond)
    toned = _toned(p, thumbs, ref, sibs, seen)
    if toned is not None:
        # a camera's tone curve (a screen filmed: its gamma, the exposure, a shoulder, a black point) undone, learnt
        # where the members agree (matcher.tone): what is left is what the curve does not explain
        best = max(best, _detail_of(toned, thumbs, ref, sibs, seen, shift, frames, beyond), key=factor)
    shaded = _shaded(p if toned is None else toned, thumbs, ref, sibs, seen)
    if shaded is not None:
        # and a smooth light field over the picture (glare on a filmed screen's glass, an uneven backlight) undone,
        # learnt there too (matcher.tone.fit_shading)
        best = max(best, _detail_of(shaded, thumbs, ref, sibs, seen, shift, frames, beyond), key=factor)
    return best


def _detail_of(p: np.ndarray, thumbs: dict, ref: int, sibs: list[int], seen: np.ndarray, shift: tuple[int, int],
               frames: tuple[int, ...], beyond: np.ndarray | None) -> dict[str, float]:
    """`detail`'s figures of the patch P: in grey and in colour, the better of the two."""
    grey = lambda t: cv2.cvtColor(cv2.cvtColor(t, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)  # noqa: E731
    grey_clip = float(cv2.cvtColor(p, cv2.COLOR_BGR2HSV)[..., 1].mean()) < C.SIB_GREY_SAT
    results = [_detail_in(grey(p), {r: grey(t) for r, t in thumbs.items()}, ref, sibs, seen, shift, frames, beyond)]
    if not grey_clip:   # a clip turned grey: colour cannot speak
        results.append(_detail_in(p, thumbs, ref, sibs, seen, shift, frames, beyond))
        # grey cannot see a robe printed teal instead of green: where both are saturated, the hue must agree
        # (a saturation or contrast edit keeps it)
        hue = _hue_mismatch(p, thumbs, ref, sibs, seen)
        results = [{**r, "mismatch": max(r["mismatch"], hue)} for r in results]
    # a limb shaded where the reference's is lit keeps its grey level more than its colour: what either sees counts
    excess = max(r["excess"] for r in results)
    return max(({**r, "excess": excess} for r in results), key=factor)


def _toned(p: np.ndarray, thumbs: dict, ref: int, sibs: list[int], seen: np.ndarray) -> np.ndarray | None:
    """The patch through the monotone tone curve, one for every channel, that takes it to the reference where every
    member of the group agrees (tone.fit_curve), or None when none can be fitted."""
    soft = {r: smooth(t) for r, t in thumbs.items()}
    agree = seen.copy()
    for s in sibs:
        agree &= np.abs(soft[ref] - soft[s]).max(axis=2) <= C.SIB_PIXEL_TOL
    lut = tone.fit_curve(smooth(p), soft[ref], agree, seen)
    return None if lut is None else tone.apply_curve(p, lut)


def _agree(thumbs: dict, ref: int, sibs: list[int], seen: np.ndarray) -> np.ndarray:
    """The pixels SEEN where every member of the group agrees with the reference (within SIB_PIXEL_TOL)."""
    soft = {r: smooth(t) for r, t in thumbs.items()}
    agree = seen.copy()
    for s in sibs:
        agree &= np.abs(soft[ref] - soft[s]).max(axis=2) <= C.SIB_PIXEL_TOL
    return agree


def _shaded(p: np.ndarray, thumbs: dict, ref: int, sibs: list[int], seen: np.ndarray) -> np.ndarray | None:
    """The patch with the smooth light field that takes it to the reference where every member agrees undone
    (tone.fit_shading), or None when it cannot be fitted."""
    # fitted on smoothed levels (as the check compares them), applied to the patch's own pixels
    out = tone.fit_shading(smooth(p), smooth(thumbs[ref]), _agree(thumbs, ref, sibs, seen), apply=p)
    return None if out is None else np.round(out).astype(np.uint8)


def _hue_mismatch(p: np.ndarray, thumbs: dict, ref: int, sibs: list[int], seen: np.ndarray) -> float:
    """Share of the group's discriminating pixels, saturated in the clip and in the reference, whose hues
    differ by more than SIB_HUE_TOL degrees (0 when too few such pixels); or, when higher, the share of those
    clearly saturated in the reference (the core of a red pip) where the clip has lost the colour (a black club
    where the reference has a red heart: grey cannot tell them apart, and the hue of black means nothing).
    The caller asks only of a clip in colour."""
    soft = {r: smooth(t) for r, t in thumbs.items()}
    diff = np.logical_or.reduce([np.abs(soft[ref] - soft[s]).max(axis=2) > C.SIB_PIXEL_TOL for s in sibs])
    hp = cv2.cvtColor(np.clip(smooth(p), 0, 255).astype(np.uint8), cv2.COLOR_BGR2HSV).astype(np.int16)
    hr = cv2.cvtColor(np.clip(soft[ref], 0, 255).astype(np.uint8), cv2.COLOR_BGR2HSV).astype(np.int16)
    off = 0.0
    m = seen & diff & (hp[..., 1] >= C.SIB_HUE_SAT) & (hr[..., 1] >= C.SIB_HUE_SAT)
    if m.sum() >= C.SIB_MIN_DIFF * m.size:
        dh = np.abs(hp[..., 0] - hr[..., 0])
        dh = np.minimum(dh, 180 - dh) * 2          # OpenCV hue is degrees / 2
        off = float((dh[m] > C.SIB_HUE_TOL).mean())
    core = cv2.erode((diff & (hr[..., 1] >= C.SIB_LOST_SAT)).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    core &= seen
    if core.sum() >= C.SIB_MIN_DIFF * core.size:
        off = max(off, float((hp[..., 1][core] < C.SIB_LOST_SHARE * hr[..., 1][core]).mean()))
    return off


def _error(pn: np.ndarray, n: np.ndarray, shift: tuple[int, int] = (0, 0)) -> np.ndarray:
    """Per pixel, the clip's error to a member (max over channels), the best within SHIFT (x, y) thumbnail
    px: a narrow sprite squeezed into the square frame is stretched, and so is the hit's geometry error."""
    kx, ky = shift
    if kx <= 0 and ky <= 0:
        return np.abs(pn - n).max(axis=2)
    pad = cv2.copyMakeBorder(pn, ky, ky, kx, kx, cv2.BORDER_REPLICATE)
    h, w = n.shape[:2]
    return np.min([np.abs(pad[ky + dy:ky + dy + h, kx + dx:kx + dx + w] - n).max(axis=2)
                   for dy in range(-ky, ky + 1) for dx in range(-kx, kx + 1)], axis=0)


def _shift(ref_size: tuple[int, int]) -> tuple[int, int]:
    """Thumbnail px per SIB_SHIFT_PX reference px, each way (0 where the thumbnail shrinks the reference)."""
    return tuple(int(C.SIB_SHIFT_PX * C.SIB_SIDE / max(1, v)) for v in ref_size)


def _ink(n: np.ndarray) -> np.ndarray:
    """Pixels of a normalised thumbnail that stand out from their surround (strokes, pips, edges)."""
    return np.abs(n - cv2.GaussianBlur(n, (0, 0), C.SIB_INK_SCALE)).max(axis=2) > C.SIB_INK_NORM


def _laid_over(off: np.ndarray) -> np.ndarray:
    """Blobs of at least SIB_OCCLUDER_MIN of the thumbnail where the clip shows no member of the group (a
    caption, a sticker, footage over the picture), grown by SIB_OCCLUDER_GROW."""
    n, lab, stats, _ = cv2.connectedComponentsWithStats(off.astype(np.uint8), connectivity=8)
    big = [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= C.SIB_OCCLUDER_MIN * off.size]
    if not big:
        return np.zeros_like(off)
    m = np.isin(lab, big).astype(np.uint8)
    k = 2 * C.SIB_OCCLUDER_GROW + 1
    return cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0


def _detail_in(p: np.ndarray, thumbs: dict, ref: int, sibs: list[int], seen: np.ndarray,
               shift: tuple[int, int] = (0, 0), frames: tuple[int, ...] = (),
               beyond: np.ndarray | None = None) -> dict[str, float]:
    """`detail`'s figures in one colour space; BEYOND: the reference's pixels outside SEEN laid over (hidden)."""
    soft = {r: smooth(t) for r, t in thumbs.items()}
    on = seen if seen.mean() < C.SIB_NORM_ALL else None
    pn = _normalise(p, on)
    norm = {r: _normalise(t, on) for r, t in thumbs.items()}
    err = {r: _error(pn, norm[r], shift) for r in thumbs}
    diffs = {s: seen & (np.abs(soft[ref] - soft[s]).max(axis=2) > C.SIB_PIXEL_TOL) for s in sibs}
    group_diff = np.logical_or.reduce(list(diffs.values())) if diffs else np.zeros_like(seen)
    # something laid over the picture: large blobs where the clip shows no member of the group (a wrong pip's
    # lobes are small; a caption or a sticker is not)
    hidden_mask = _laid_over(seen & (np.minimum.reduce(list(err.values())) > C.SIB_AGREE_TOL))
    shown = seen & ~hidden_mask
    if hidden_mask.mean() >= C.SIB_RENORM_HIDDEN * seen.mean():
        # footage or a sticker over much of the picture skews the colour normalisation everywhere: normalise
        # again over what is left of the picture only
        pn = _normalise(p, shown)
        norm = {r: _normalise(t, shown) for r, t in thumbs.items()}
        err = {r: _error(pn, norm[r], shift) for r in thumbs}
    # the clip's error where the reference has detail of its own (ink, edges)
    ink = _ink(norm[ref])
    ref_ink = shown & ink
    e_ink = float(err[ref][ref_ink].mean()) if ref_ink.any() else 0.0
    # the discriminating pixels (grown a little: a heart's lobes reach past a diamond's points) with ink
    k = 2 * C.SIB_DISCRIM_GROW + 1
    discrim = cv2.dilate(group_diff.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0
    region = discrim & seen & (ink | _ink(pn))
    # of what tells the reference from each sibling, the share hidden: the worst sibling counts
    if beyond is not None and beyond.any():
        over = hidden_mask | beyond
        full = {s: (seen | beyond) & (np.abs(soft[ref] - soft[s]).max(axis=2) > C.SIB_PIXEL_TOL) for s in sibs}
        hidden = max((float((full[s] & over).sum() / max(1, full[s].sum())) for s in sibs), default=0.0)
    else:
        hidden = max((float((diffs[s] & hidden_mask).sum() / max(1, diffs[s].sum())) for s in sibs), default=0.0)
    judged = region & shown
    mismatch = float((err[ref][judged] > C.SIB_AGREE_TOL).mean()) if judged.sum() >= C.SIB_MIN_DIFF * seen.size else 0.0
    # zones judged alone in a clean copy only, and not for a reference with frames of its animation indexed (its limbs move: a sticker
    # over a leg is a zone off; `excess` weighs those)
    if judged.sum() >= C.SIB_MIN_DIFF * seen.size and e_ink <= C.SIB_ZONE_CLEAN and not frames:
        # a clean copy (a screen filmed, its moire and glare, leaves a card's small corner index off in every zone)
        mismatch = max(mismatch, _zone_mismatch(err[ref] > C.SIB_AGREE_TOL, judged, discrim & seen))
    worst, e_out, excess = 1.0, e_ink, 0.0
    for s in sibs:
        # pairwise: the pixels where this sibling differs from the reference, and which of the two the clip shows there
        diff = diffs[s] & shown
        if diffs[s].mean() < C.SIB_MIN_DIFF:   # identical to this sibling where shown: nothing tells them apart
            return {"detail": 0.0, "error": float(err[ref][seen].mean()), "mismatch": mismatch, "hidden": hidden,
                    "excess": 0.0}
        if diff.mean() < C.SIB_MIN_DIFF:      # what tells them apart is hidden: no verdict between the two
            continue                          # (the hidden share lowers the credit)
        e_r = float(err[ref][diff].mean())
        e_s = float(err[s][diff].mean())
        d = (e_s - e_r) / max(e_s + e_r, 1e-6)
        if d < worst:
            worst, e_out = d, max(e_r, e_ink)
        if s in frames:
            excess = max(excess, e_r - _agreeing_error(err[ref], diffs[s], shown))
    return {"detail": float(worst), "error": e_out, "mismatch": mismatch, "hidden": hidden, "excess": float(excess)}


def _zone_mismatch(off: np.ndarray, judged: np.ndarray, zones: np.ndarray) -> float:
    """The highest share of judged pixels where the clip does not show the reference (OFF) in one zone of ZONES (a
    connected part of the group's discriminating pixels: a card's name, its art, its stars, one number) holding
    SIB_ZONE_MIN_INK judged pixels at least, 0 when none does. A member's variant that is not indexed (a card's '+1'
    version: its art, most of what tells the deck's cards apart, kept; its name, stars and numbers not) shows the
    reference in every zone but one or two, which the share over all the discriminating pixels dilutes. A zone off in
    SIB_ZONE_COVERED of its judged pixels or more counts as covered, not as another member's: a variant redraws a name or
    a number where the reference's is, sharing some of its strokes, while a box of footage over a logo's thin bar, too
    thin a blob to be found laid over, leaves none of it."""
    n, lab = cv2.connectedComponents(zones.astype(np.uint8), connectivity=8)
    counts = np.bincount(lab[judged], minlength=n)
    offs = np.bincount(lab[judged & off], minlength=n)
    big = counts[1:] >= C.SIB_ZONE_MIN_INK
    share = offs[1:][big] / np.maximum(counts[1:][big], 1)
    share = share[share < C.SIB_ZONE_COVERED]
    return float(share.max()) if share.size else 0.0


def _agreeing_error(err: np.ndarray, diff: np.ndarray, shown: np.ndarray) -> float:
    """The clip's mean error to the reference where it agrees with one sibling (DIFF grown by SIB_DISCRIM_GROW
    left out) and the clip shows it: what this clip's edits and geometry leave of a true copy's error, against
    which the error where the two differ is weighed (`excess`)."""
    k = 2 * C.SIB_DISCRIM_GROW + 1
    same = shown & ~(cv2.dilate(diff.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0)
    return float(err[same].mean()) if same.sum() >= C.SIB_MIN_DIFF * same.size else 0.0


def factor(fig: dict[str, float]) -> float:
    """Score factor from the detail figures: the detail score (full credit from SIB_DETAIL_FULL, none at
    SIB_DETAIL_LOW), the clip's error to the reference on those pixels (full credit to SIB_ERROR_FULL, none
    from SIB_ERROR_LOW), the mismatch share (full credit to SIB_MISMATCH_FULL, none from SIB_MISMATCH_LOW) and
    the excess error (full credit to SIB_EXCESS_FULL, none from SIB_EXCESS_LOW): the clip must show THIS member,
    not merely be closer to it than to the others. SIB_FLOOR at none; the hidden share lowers the credit in
    proportion (detail nobody can see is no evidence either way)."""
    x = float(np.clip((fig["detail"] - C.SIB_DETAIL_LOW) / (C.SIB_DETAIL_FULL - C.SIB_DETAIL_LOW), 0.0, 1.0))
    y = float(np.clip((C.SIB_ERROR_LOW - fig["error"]) / (C.SIB_ERROR_LOW - C.SIB_ERROR_FULL), 0.0, 1.0))
    z = float(np.clip((C.SIB_MISMATCH_LOW - fig["mismatch"]) / (C.SIB_MISMATCH_LOW - C.SIB_MISMATCH_FULL), 0.0, 1.0))
    w = float(np.clip((C.SIB_EXCESS_LOW - fig.get("excess", 0.0)) / (C.SIB_EXCESS_LOW - C.SIB_EXCESS_FULL), 0.0, 1.0))
    credit = min(x, y, z, w) * (1.0 - C.SIB_HIDDEN_WEIGHT * fig["hidden"])
    return C.SIB_FLOOR + (1.0 - C.SIB_FLOOR) * credit


_ALIGNED: dict[tuple[str, int, int], np.ndarray] = {}


def group_thumbs(idx, ref: int, sibs: list[int]) -> dict[int, np.ndarray]:
    """The reference's thumbnail and each sibling's in the reference's frame (aligned by content; cached per
    index version and pair)."""
    out = {ref: idx.colour_thumbs[ref]}
    for s in sibs:
        key = (str(getattr(idx, "version", id(idx))), ref, s)
        if key not in _ALIGNED:
            if len(_ALIGNED) > C.SIB_ALIGN_CACHE:
                _ALIGNED.clear()
            _ALIGNED[key] = aligned(idx.colour_thumbs, idx.sizes, ref, s)[0]
        out[s] = _ALIGNED[key]
    return out


def _art(idx, ref: int, side: int | None = None) -> np.ndarray | None:
    """A transparent reference's opaque pixels in its thumbnail frame (SIB_SIDE square, or SIDE; eroded: the footage
    round a sprite bleeds into its edge pixels once smoothed), None for an opaque one."""
    if getattr(idx, "thumb_masks", None) is None or idx.thumb_masks[ref].min() >= 128:
        return None
    side = side or C.SIB_SIDE
    return cv2.erode(cv2.resize(np.asarray(idx.thumb_masks[ref]), (side, side), interpolation=cv2.INTER_AREA),
                     np.ones((2 * C.SIB_ART_ERODE + 1, 2 * C.SIB_ART_ERODE + 1), np.uint8)) >= 128


def _opacity(idx, ref: int, sibs: list[int]) -> dict[int, np.ndarray] | None:
    """For a transparent reference (as `_art` tells), the opacity (0-1, SIB_SIDE square) of the reference and of each
    sibling of its shape in the reference's thumbnail frame (one to one: `same_shape`); None for an opaque one. A
    sibling of another shape (aligned by content) is left as flattened."""
    if _art(idx, ref) is None:
        return None
    return {r: cv2.resize(np.asarray(idx.thumb_masks[r]), (C.SIB_SIDE, C.SIB_SIDE),
                          interpolation=cv2.INTER_LINEAR).astype(np.float32) / 255.0
            for r in [ref, *sibs] if r == ref or same_shape(idx.sizes, ref, r)}


_FRAMES: dict[tuple[str, int], tuple[int, ...]] = {}


def frames_of(idx, ref: int, sibs: list[int]) -> tuple[int, ...]:
    """The siblings of REF that are other frames of its animation: cut-out figures in its palette
    (`same_palette`; cached per index version)."""
    key = (str(getattr(idx, "version", id(idx))), ref)
    if key not in _FRAMES:
        if len(_FRAMES) > C.SIB_ALIGN_CACHE:
            _FRAMES.clear()
        masks = getattr(idx, "thumb_masks", None)
        pal = (lambda r: None) if masks is None else (lambda r: palette(idx.colour_thumbs[r], masks[r]))
        own = pal(ref)
        _FRAMES[key] = tuple(s for s in sibs if same_palette(own, pal(s))) if own is not None else ()
    return _FRAMES[key]


def _judge(bgr: np.ndarray, idx, ref: int, H: np.ndarray, mirrored: bool, visible,
           covered=None, laid=None) -> tuple[dict[str, float], float]:
    """The detail figures of a hit on REF placed by H (reference px -> frame) and its score factor."""
    sibs = idx.siblings_of(ref)
    rw, rh = (int(v) for v in idx.sizes[ref])
    fig = detail(bgr, H, mirrored, ref, sibs, group_thumbs(idx, ref, sibs), (rw, rh), _art(idx, ref), visible,
                 frames_of(idx, ref, sibs), covered, laid, _opacity(idx, ref, sibs))
    return fig, factor(fig)


def _named_sibling(bgr: np.ndarray, h, idx, H: np.ndarray, mirrored: bool, base: float, f: float, visible, covered=None):
    """The group's member whose detail the clip shows, judged on the geometry already found for h (the
    cards of one deck share corners and frame: the keypoint vote may verify a sibling of the card shown,
    never the card itself) -> a hit on that member, or None when no member's detail is clearly better shown
    than h's reference's, and shown at least SIB_NAME_MIN_FACTOR (the named member's score is earned by the
    other member's hit: a card of the deck that is not indexed, half like a member, must not inherit it).
    Members of h's reference's shape only (their pixels map one to one)."""
    if f >= C.SIB_NAME_BELOW or base < C.SIB_NAME_MIN_SCORE:
        return None
    best = None
    rw, rh = (float(v) for v in idx.sizes[h.reference])
    for s in idx.siblings_of(h.reference):
        if not same_shape(idx.sizes, h.reference, s):
            continue
        sw, sh = (float(v) for v in idx.sizes[s])
        Hs = H @ np.array([[rw / sw, 0, 0], [0, rh / sh, 0], [0, 0, 1]], np.float64)
        fig, fs = _judge(bgr, idx, s, Hs, mirrored, visible, covered, h.laid)
        if fs >= max(f + C.SIB_NAME_MARGIN, C.SIB_NAME_MIN_FACTOR) and (best is None or fs > best[1]):
            best = (s, fs, fig, Hs)
    if best is None:
        return None
    s, fs, fig, Hs = best
    ev = {**h.evidence, "siblings": {**{k: round(v, 4) for k, v in fig.items()}, "factor": round(fs, 4),
                                     "group": len(idx.siblings_of(s)) + 1, "named_from": int(h.reference)}}
    return replace(h, reference=s, score=base * fs, evidence=ev, model=2 * s + int(mirrored), H=Hs)


def placement(h, idx) -> tuple[np.ndarray, bool]:
    """Where a hit puts its reference in the frame: its homography (from the reference's pixels), or for a hit with a
    box only the box's scaling; and whether its view is mirrored (silhouette models of odd index are mirrored)."""
    H = h.H
    if H is None:
        rw, rh = (int(v) for v in idx.sizes[h.reference])
        x, y, w, hh = h.box
        H = np.array([[w / rw, 0, x], [0, hh / rh, y], [0, 0, 1]], np.float64)
    return H, h.model >= 0 and bool(h.model & 1)


def check_hits(bgr: np.ndarray, hits: list, idx, visible=None, covered=None) -> list:
    """Each hit on a reference with siblings: its detail checked, its score scaled by `factor`, and the
    figures under evidence["siblings"] (a hit without geometry is placed on its box). When a sibling's detail
    is clearly better shown on the same geometry, a hit on that sibling is added (`_named_sibling`), unless
    the frame already holds a stronger one. VISIBLE: the frame's content region (x, y, w, h) inside bars or
    blurred fill, None for the whole frame; COVERED: the region round it whose part outside it is laid over (`detail`)."""
    named = []
    for h in hits:
        sibs = idx.siblings_of(h.reference)
        if not sibs:
            continue
        H, mirrored = placement(h, idx)
        fig, f = _judge(bgr, idx, h.reference, H, mirrored, visible, covered, h.laid)
        base = h.score
        h.score *= f
        h.evidence["siblings"] = {**{k: round(v, 4) for k, v in fig.items()}, "factor": round(f, 4),
                                  "group": len(sibs) + 1}
        n = _named_sibling(bgr, h, idx, H, mirrored, base, f, visible, covered)
        if n is not None:
            named.append(n)
    by_ref = {h.reference: h for h in hits}
    for n in sorted(named, key=lambda n: -n.score):
        old = by_ref.get(n.reference)
        if old is None or n.score > old.score:
            by_ref[n.reference] = n
    return list(by_ref.values())
