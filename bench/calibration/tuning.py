"""The tuning set the calibration is fitted on: the `bench.accuracy` generator's references and edit
families rendered with seeds that `python -m bench.accuracy` never uses (it renders seeds below 10,000;
this set uses TUNING_SEED and up), plus a generated deck of playing cards (siblings) with cards of the
deck that are not indexed as near-misses. The clips `bench.accuracy` scores are never read here: they
are the held-out part."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from bench.accuracy import dataset as D
from bench import synth as S

TUNING_SEED = 10_000
DECK = [("7", "S"), ("8", "S"), ("7", "C"), ("7", "H"), ("K", "D"), ("K", "H"), ("A", "S"), ("3", "D"), ("Q", "C")]
DECK_NEAR = [("9", "S"), ("7", "D"), ("K", "S"), ("3", "H")]


def build(out: Path, per_family: int = 8, log=print) -> dict:
    """Generate references and clips under `out` -> manifest (refs, clips with labels and kinds)."""
    refs_dir, clips_dir = out / "refs", out / "clips"
    refs_dir.mkdir(parents=True, exist_ok=True)
    clips_dir.mkdir(parents=True, exist_ok=True)
    arts, ref_files = {}, []
    for ref in D.REFS:
        rgba = D.make_reference_rgba(ref)
        p = refs_dir / f"{ref.name}{ref.suffix}"
        if not p.exists():
            D.save_reference(rgba, p)
        ref_files.append(str(p))
        arts[ref.name] = D.bgr_and_mask(rgba, ref.kind in ("pixel", "sprite"))
    for r, s in DECK:
        p = refs_dir / f"deck_{r}{s}.png"
        if not p.exists():
            cv2.imwrite(str(p), S.playing_card(r, s))
        ref_files.append(str(p))
    names = [r.name for r in D.REFS]
    rng = np.random.default_rng(TUNING_SEED)
    clips = []
    for fi, fam in enumerate(D.FAMILIES):
        for k in range(per_family):
            seed = TUNING_SEED + fi * 100 + k
            n = 2 + k % 2 if fam == "montage" else 1
            pick = list(dict.fromkeys(names[int(i)] for i in rng.integers(0, len(names), n)))
            clips.append({"name": f"{fam}_{k:02d}_{'+'.join(pick)}", "family": fam, "labels": pick, "kind": "positive",
                          "seed": seed})
    for k in range(16):
        clips.append({"name": f"distractor_{k:02d}", "family": "distractor", "labels": [], "kind": "distractor",
                      "seed": TUNING_SEED + 5000 + k})
    for k, nm in enumerate(D.NEAR_MISS):
        for j in range(2):
            clips.append({"name": f"nearmiss_{nm}_{j}", "family": "near_miss", "labels": [], "kind": "near_miss",
                          "seed": TUNING_SEED + 6000 + 10 * k + j, "image": nm})
    for layout in ("blurfill", "pip", "overlay"):
        for r, s in DECK:
            clips.append({"name": f"deck_{r}{s}_{layout}", "family": "siblings", "labels": [f"deck_{r}{s}"],
                          "kind": "positive", "card": [r, s], "layout": layout})
        for r, s in DECK_NEAR:
            clips.append({"name": f"decknear_{r}{s}_{layout}", "family": "sibling_near_miss", "labels": [],
                          "kind": "near_miss", "card": [r, s], "layout": layout})
    for c in clips:
        path = clips_dir / f"{c['name']}.mp4"
        c["path"] = str(path)
        if path.exists():
            continue
        if "card" in c:
            frames, opts = _card_frames(c), {}
        elif c["kind"] == "positive":
            frames, opts = D.render(c["family"], [arts[n] for n in c["labels"]], c["seed"])
        elif c["kind"] == "near_miss":
            nm = c["image"]
            art = D.bgr_and_mask(D.make_near_miss_rgba(nm, D.NEAR_MISS[nm][1]), nm.startswith(("icon", "pixel")))
            frames, opts = D.render(["full", "pip", "overlay", "blurfill", "colour"][c["seed"] % 5], [art], c["seed"])
        else:
            frames, opts = D._distractor(c["seed"], rng)
        S.write_clip(path, frames, seconds=D.SECONDS, fps=D.FPS, **opts)
    manifest = {"refs": ref_files, "clips": clips}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    log(f"tuning set: {len(ref_files)} references, {len(clips)} clips in {out}")
    return manifest


def _card_frames(c: dict) -> list[np.ndarray]:
    img = S.playing_card(*c["card"])
    seed = sum(map(ord, c["name"]))
    if c["layout"] == "blurfill":
        return [S.letterbox(img, fill="blur")]
    if c["layout"] == "pip":
        return [S.pip(img, S.gradient(seed=seed), 0.4 + 0.1 * (seed % 3) / 2, (0.2 + 0.3 * (seed % 2), 0.4))]
    f = S.letterbox(img, fill="blur")
    return [S.caption(f, "which card?", y_share=0.08, height_share=0.08)]
