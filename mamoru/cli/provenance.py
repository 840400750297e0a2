"""`mamoru provenance` (how media files say they were made) and `mamoru watermark` (registered templates)."""

from __future__ import annotations

import json
from pathlib import Path

import click


def _registered_templates() -> list:
    """The registered watermarks as matcher templates, when this home has a database (none: no templates)."""
    from core.config import get_settings

    settings = get_settings()
    if not settings.database_url and not (settings.home / "core.db").is_file():
        return []
    from core.services.watermarks import watermark_templates
    from matcher.provenance import WatermarkTemplate
    from mamoru.cli.services import service_session

    with service_session() as (session, settings):
        return [WatermarkTemplate.from_bytes(t.name, t.png, t.holder) for t in watermark_templates(session, settings)]


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--watermark", "watermarks", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A watermark PNG to look for (the logo over transparency; repeatable). Its name is the file stem.")
@click.option("--registered/--no-registered", default=True, show_default=True,
              help="Also look for the watermarks registered with `mamoru watermark add` (when a database exists).")
@click.option("--trust-anchors", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="PEM file of root certificates: a manifest signed under one of them is 'Trusted'.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line per file.")
def provenance(files: tuple[Path, ...], watermarks: tuple[Path, ...], registered: bool, trust_anchors: Path | None,
               as_json: bool) -> None:
    """Read how FILES (videos or images) say they were made: the C2PA manifest (claim generator, signer,
    AI-generation actions, validation state) and registered generator watermarks seen in the frames."""
    from matcher.errors import MatcherError
    from matcher.provenance import WatermarkTemplate, inspect_file

    try:
        templates = [WatermarkTemplate.from_file(p) for p in watermarks]
    except MatcherError as exc:
        raise click.ClickException(str(exc)) from None
    if registered:
        templates += [t for t in _registered_templates() if t.name not in {x.name for x in templates}]
    anchors = trust_anchors.read_text() if trust_anchors else None
    for path in files:
        result = inspect_file(path, templates, anchors)
        if as_json:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
            continue
        c = result.c2pa
        line = f"{path}: "
        if c.error and not c.present:
            line += f"C2PA unreadable ({c.error})"
        elif c.present:
            made = "AI-generated" if c.ai_generated else "no AI source type"
            line += f"C2PA {c.validation_state}, by {c.claim_generator}, signed by {c.signer} ({c.signer_org}), {made}"
        else:
            line += "no C2PA manifest"
        for w in result.watermarks:
            line += f"; watermark {w.name} in {w.frames} frames (score {w.score:.2f}{', moving' if w.moved else ''})"
        if result.error:
            line += f"; frames unreadable: {result.error}"
        click.echo(line)


@click.group()
def watermark() -> None:
    """Register generators' visible watermarks: found in a clip, they are provenance, not infringing art."""


@watermark.command("add")
@click.argument("name")
@click.argument("png", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--holder", default=None, help="The rights holder registering it (default: the admin's).")
def watermark_add(name: str, png: Path, holder: str | None) -> None:
    """Register PNG (the logo over transparency) as watermark NAME."""
    from core.services.errors import NotFoundError
    from core.services.holders import find_holder
    from core.services.watermarks import add_watermark
    from mamoru.cli.services import service_session
    from matcher.errors import MatcherError
    from matcher.provenance import WatermarkTemplate

    data = png.read_bytes()
    try:
        WatermarkTemplate.from_bytes(name, data)  # a blank logo is refused before anything is stored
    except MatcherError as exc:
        raise click.ClickException(str(exc)) from None
    with service_session() as (session, settings):
        holder_row = None
        if holder:
            holder_row = find_holder(session, holder)
            if holder_row is None:
                raise NotFoundError(f"no rights holder {holder!r} (see `mamoru refs list`)")
        row = add_watermark(session, settings, None, name=name, data=data, holder=holder_row)
        click.echo(f"watermark {row.id} {row.name} added: {row.width}x{row.height}, sha256 {row.sha256[:12]}…")


@watermark.command("list")
def watermark_list() -> None:
    """List the registered watermarks."""
    from core.services.watermarks import list_watermarks
    from mamoru.cli.services import service_session

    with service_session() as (session, _):
        rows = [(w.id, w.name, holder, w.width, w.height, w.path, w.retired_at)
                for w, holder in list_watermarks(session)]
    if not rows:
        click.echo("no watermarks yet: register one with `mamoru watermark add NAME PNG`")
    for wid, name, holder, width, height, path, retired in rows:
        click.echo(f"{wid}: {name} ({holder or 'admin'}) {width}x{height} {path}" + (" retired" if retired else ""))


@watermark.command("retire")
@click.argument("name")
@click.option("--restore", is_flag=True, help="Look for it again.")
def watermark_retire(name: str, restore: bool) -> None:
    """Stop looking for watermark NAME in new analyses (findings that cite it keep their evidence)."""
    from sqlalchemy import select

    from core.models import Watermark
    from core.services.errors import NotFoundError
    from core.services.watermarks import set_retired
    from mamoru.cli.services import service_session

    with service_session() as (session, _):
        row_id = session.scalar(select(Watermark.id).where(Watermark.name == name))
        if row_id is None:
            raise NotFoundError(f"no watermark named {name!r} (see `mamoru watermark list`)")
        set_retired(session, None, row_id, not restore)
    click.echo(f"watermark {name} {'restored' if restore else 'retired'}")
