"""Silhouettes: sprites (references with transparency) found by the shape of their edges on the frame's
regions, then checked pixel by pixel (see matcher.silhouette)."""

from __future__ import annotations

from matcher import constants as C
from matcher import silhouette
from matcher.detectors.base import FrameContext
from matcher.verdict import FrameHit


def hits_on(g, boxes, idx, t: float, tag: str = "", cut: bool = False, colour=None) -> list[tuple[FrameHit, object]]:
    """(hit, the silhouette match it came from) for each sprite found on `boxes` of the grey image g (CUT: bands of
    picture whose edges may cut a sprite, see silhouette.search; COLOUR: the frame in colour, whose edges the shapes
    are searched on, see `shape_image`)."""
    out = []
    for model, sh in silhouette.search(g if colour is None else colour, boxes, idx, cut).items():
        s, pix = silhouette.scored(g, sh, idx)
        if s <= 0:
            continue
        out.append((FrameHit(t, model >> 1, s, sh.box, "silhouette" + tag + ("-mirror" if model & 1 else ""), 1.0,
                             None, 0, evidence={"silhouettes": {"score": round(float(s), 4), "ncc": round(float(sh.ncc), 4),
                                                                "pixels": round(float(pix), 4), "shown": round(float(sh.shown), 4),
                                                                "laid_over": round(float(sh.laid_over), 4)}},
                             model=model, shows=sh.region if sh.shown < 1.0 else None, laid=sh.laid), sh))
    return out


def shape_image(ctx: FrameContext):
    """The picture a sprite's shape is searched on: the frame in colour (SIL_COLOUR_FIELDS), where art of the grey of
    the footage under it (a magenta logo on a dark-brown night shot, a saturated sticker on grey gravel) still has its
    outline, else the grey frame."""
    return ctx.bgr if C.SIL_COLOUR_FIELDS else ctx.g


class SilhouetteDetector:
    name = "silhouettes"

    def detect(self, ctx: FrameContext) -> list[FrameHit]:
        if not silhouette.has_sprites(ctx.index):
            return []          # nothing to search for (and no band or strips to find)
        boxes = list(ctx.boxes)
        shapes = shape_image(ctx)
        # a crop of a sprite laid in a band of sharp picture over blurred fill: the band is its region, searched
        # again at larger scales (its edges cut the sprite, shown larger than the band; the pixel check leaves the
        # fill out), even where a rectangle proposal outlines the band already
        bands = [ctx.band] if ctx.band is not None else []
        # unless the frame already shows a reference surely (its analysis is done): a box of footage laid across a
        # sprite's picture (a cover), whose strips between the frame's seams hold the picture's visible part,
        # searched as cut; and a transparent sprite over footage (no rectangle around it, smaller than any region),
        # proposed by its own shape
        if not any(h.score >= C.SIL_PROPOSE_SKIP for hits in ctx.found.values() for h in hits):
            bands += [b for b in ctx.strips if b != ctx.band]
            boxes += [p.box for p in ctx.sprite_proposals()]
        # a sprite and its mirror are two models of one reference: its better hit of the two (one per reference,
        # and the one whose orientation the sibling check then judges)
        best: dict[int, FrameHit] = {}
        for h, _ in (hits_on(ctx.g, boxes, ctx.index, ctx.t, colour=shapes)
                     + hits_on(ctx.g, bands, ctx.index, ctx.t, cut=True, colour=shapes)):
            if h.reference not in best or h.score > best[h.reference].score:
                best[h.reference] = h
        return list(best.values())
