"""`mamoru scan`: find reference art in local video files, one JSON line (or table row) per clip."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".flv", ".ts", ".3gp", ".gif", ".mpg", ".mpeg"}


def _clips(paths: tuple[Path, ...]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in VIDEO_SUFFIXES))
        else:
            out.append(p)
    return out


def _cache_dir() -> Path:
    """Where indexes built from folders of references are kept: $MAMORU_CACHE_DIR, else the user's
    cache folder ($XDG_CACHE_HOME or ~/.cache) /mamoru/indexes."""
    import os

    if os.environ.get("MAMORU_CACHE_DIR"):
        return Path(os.environ["MAMORU_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mamoru" / "indexes"


def _load_index(refs: Path):
    import matcher

    if refs.is_dir():
        index = matcher.ReferenceIndex.build_cached([refs], _cache_dir(), skip_bad=True)
        for reason in index.skipped:
            click.echo(f"skipped reference: {reason}", err=True)
        return index
    if refs.suffix.lower() in {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"}:
        return matcher.ReferenceIndex.build([refs])
    return matcher.ReferenceIndex.load(refs)


def _keep_freed_memory() -> None:
    """Ask glibc to keep big freed blocks for reuse instead of handing them back to the system at once:
    a fresh process otherwise takes a page fault for every page of every frame buffer it allocates
    (about 80,000 for a 30 s 1080x1920 clip, a tenth of the scan); the memory is reused, not grown."""
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 64 << 20)      # M_MMAP_THRESHOLD: blocks under 64 MiB come from the heap
        libc.mallopt(-1, 256 << 20)     # M_TRIM_THRESHOLD: keep up to 256 MiB of freed heap
    except (OSError, AttributeError):   # not glibc: nothing to tune
        pass


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text or type(e).__name__


@click.command()
@click.argument("videos", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--refs", "refs", required=True, type=click.Path(exists=True, path_type=Path),
              help="A folder of reference images (its index is cached in $MAMORU_CACHE_DIR, default "
                   "~/.cache/mamoru/indexes, and rebuilt when an image changes), one image, or an index "
                   "file saved by the matcher.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line per clip.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Score threshold in [0, 1]; default: the calibrated one; 0 keeps every match.")
@click.option("--top", type=click.IntRange(min=0), default=None, help="Keep at most K matches per clip.")
def scan(videos: tuple[Path, ...], refs: Path, as_json: bool, threshold: float | None, top: int | None) -> None:
    """Scan VIDEO files (or folders of them) for the reference images in --refs."""
    _keep_freed_memory()
    import matcher

    try:
        index = _load_index(refs)
    except matcher.MatcherError as e:
        raise click.ClickException(_one_line(e)) from None
    clips = _clips(videos)
    if not clips:
        raise click.ClickException("no video files found in the given paths")

    def run(clip: Path) -> dict:
        try:
            return matcher.scan_video(clip, index, threshold=threshold, top=top).to_dict(str(clip))
        except matcher.MatcherError as e:
            msg = _one_line(e)
        except Exception as e:  # noqa: BLE001 - one bad clip must not stop the scan
            msg = f"{clip}: unexpected {type(e).__name__}: {_one_line(e)}"
        return {"clip": str(clip), "duration": 0.0, "frames": 0, "matches": [], "error": msg}

    failed = 0
    if as_json:
        for clip in clips:
            row = run(clip)
            failed += row["error"] is not None
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    else:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
        from rich.table import Table

        rows = []
        err = Console(stderr=True)
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=err, transient=True) as progress:
            task = progress.add_task("scanning", total=len(clips))
            for clip in clips:
                progress.update(task, description=f"scanning {clip.name}")
                rows.append(run(clip))
                progress.advance(task)
        table = Table(title=f"{len(clips)} clip(s) against {len(index.names)} reference(s)")
        for col in ("clip", "duration", "reference", "score", "seen (s)", "best t", "box", "method"):
            table.add_column(col)
        for row in rows:
            if row["error"]:
                failed += 1
                table.add_row(row["clip"], "", "[red]error[/red]", "", "", "", "", row["error"])
                continue
            if not row["matches"]:
                table.add_row(row["clip"], f"{row['duration']:.1f}", "[dim]no match[/dim]", "", "", "", "", "")
            for i, m in enumerate(row["matches"]):
                spans = ", ".join(f"{a:.1f}-{b:.1f}" for a, b in m["spans"])
                table.add_row(row["clip"] if i == 0 else "", f"{row['duration']:.1f}" if i == 0 else "",
                              m["reference"], f"{m['score']:.2f}", spans, f"{m['best']['t']:.1f}",
                              "x".join(map(str, m["best"]["box"])), m["method"])
        Console().print(table)
    if failed == len(clips):
        sys.exit(1)
