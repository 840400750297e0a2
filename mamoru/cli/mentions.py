"""`mamoru mentions`: which catalogue characters and works posts name, and whether they say AI made them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command()
@click.option("--catalog", "catalog_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Catalogue file (YAML, as `mamoru catalog import` reads).")
@click.option("--holder", default=None, help="Use this holder's imported catalogue instead of a file.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per post (else a short line per post).")
def mentions(catalog_file: Path | None, holder: str | None, as_json: bool) -> None:
    """Read posts as JSON lines on standard input ({"id","platform","title","description","hashtags",
    "uploader_name"}) and print, per post, the works and characters named (alias as written, field) and
    the AI markers ({"id","works","characters":[{"character","work","alias","field"}],"ai":{"generated",
    "markers"}}). A bad line gets one error line on standard error; the others are still read."""
    from matcher.text import MentionDetector

    if bool(catalog_file) == bool(holder):
        raise click.UsageError("give one of --catalog FILE or --holder NAME")
    detector = MentionDetector(_works(catalog_file, holder))
    bad = 0
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            post = json.loads(line)
            if not isinstance(post, dict):
                raise ValueError("not a JSON object")
            if not isinstance(post.get("hashtags") or [], (list, str)):
                raise ValueError("hashtags must be a list of strings")
        except ValueError as exc:
            bad += 1
            click.echo(f"line {n}: skipped, {exc}", err=True)
            continue
        result = detector.detect(post).to_json()
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        else:
            names = ", ".join(f"{c['character']} ({c['alias']!r} in {c['field']})" for c in result["characters"])
            ai = " AI: " + ", ".join(m["text"] for m in result["ai"]["markers"]) if result["ai"]["generated"] else ""
            click.echo(f"{result['id']}: works {', '.join(result['works']) or '-'}; characters {names or '-'}{ai}")
    if bad:
        raise SystemExit(1)


def _works(catalog_file: Path | None, holder: str | None) -> list[dict]:
    from core.services.catalogue import holder_catalogue, parse_catalogue
    from core.services.errors import ServiceError

    if catalog_file is not None:
        try:
            return parse_catalogue(catalog_file.read_text(encoding="utf-8"), str(catalog_file))["works"]
        except (ServiceError, UnicodeDecodeError) as exc:
            raise click.ClickException(str(exc)) from None
    from core.services.holders import find_holder
    from mamoru.cli.services import service_session

    with service_session() as (session, _):
        row = find_holder(session, holder)
        if row is None:
            raise click.ClickException(f"no rights holder named {holder!r}")
        return holder_catalogue(session, row)
