"""`mamoru likeness`: which catalogue character a drawing looks like, with the model the settings name."""

from __future__ import annotations

import json
from pathlib import Path

import click

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"}


def _read(path: Path):  # noqa: ANN202
    import cv2
    import numpy as np
    from PIL import Image

    with Image.open(path) as img:
        return cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2BGR)


def _references(folder: Path) -> dict[str, list]:
    refs = {}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        images = sorted(p for p in sub.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if images:
            refs[sub.name] = [_read(p) for p in images]
    return refs


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--refs", "refs", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder with one subfolder of reference images per character (the folder name is the character).")
@click.option("--min-frames", type=click.IntRange(min=1), default=1, show_default=True,
              help="Frames of a video a character must be decided in.")
@click.option("--json", "as_json", is_flag=True, help="The calibration, then one JSON object a line per file.")
def likeness(files: tuple[Path, ...], refs: Path, min_frames: int, as_json: bool) -> None:
    """Decide which character of --refs each image or video in FILES looks like, with the ONNX model named
    by the likeness_* settings (off by default; see matcher/LIKENESS.md). Thresholds are calibrated on
    the references each run (the margin from likeness_margin when set)."""
    from core.config import get_settings
    from matcher.errors import MatcherError
    from matcher.likeness import (CharacterPrototypes, LikenessConfig, OnnxEmbedder, calibration_for,
                                  likeness_of_frames)
    from matcher.provenance import sampled_frames

    config = LikenessConfig.from_settings(get_settings())
    if config is None:
        raise click.ClickException("likeness is off: set likeness_model and likeness_sha256 (MAMORU_LIKENESS_MODEL, "
                                   "MAMORU_LIKENESS_SHA256; see matcher/LIKENESS.md)")
    try:
        embedder = OnnxEmbedder(config)
        protos = CharacterPrototypes.build(embedder, _references(refs))
        calib = calibration_for(config, protos)
    except MatcherError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps({"model": embedder.name, "characters": protos.names, "calibration": calib.to_dict()}))
    else:
        click.echo(f"{embedder.name}: {len(protos.names)} characters; margin {calib.margin}, min similarity "
                   f"{calib.min_similarity} (held-out precision {calib.precision}, recall {calib.recall})")
    for path in files:
        row = {"file": str(path), "characters": [], "error": None}
        if not path.is_file():
            row["error"] = f"{path}: no such file"
        try:
            if row["error"] is None:
                row["characters"] = [s.to_dict() for s in likeness_of_frames(embedder, protos, sampled_frames(path),
                                                                             calib, min_frames=min_frames)]
        except MatcherError as exc:
            row["error"] = str(exc)
        except Exception as exc:  # noqa: BLE001 - Pillow raises many types for junk images
            row["error"] = f"{path}: not a readable image or video ({type(exc).__name__})"
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            found = ", ".join(f"{c['character']} ({c['frames']} frames, similarity {c['similarity']:.2f}, "
                              f"margin {c['margin']:.2f})" for c in row["characters"]) or "no character decided"
            click.echo(f"{path}: {row['error'] or found}")
