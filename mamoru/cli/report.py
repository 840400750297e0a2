"""`mamoru report`: write a rights holder's weekly evidence report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from sqlalchemy import select

from core.config import get_settings
from core.db import session_scope, upgrade
from core.models import RightsHolder
from core.services.errors import ServiceError


def _previous_week() -> str:
    from reports.build import IsoWeek

    return str(IsoWeek.of(datetime.now(UTC) - timedelta(days=7)))


@click.command()
@click.option("--holder", "holders", multiple=True,
              help="Rights holder id or exact name (repeatable). Default: every holder.")
@click.option("--week", default=None, help="ISO week like 2026-W47. Default: the previous week.")
@click.option("--format", "formats", default="json,csv,html,pdf,notices", show_default=True,
              help="Comma-separated formats: json, csv, html, pdf, notices.")
def report(holders: tuple[str, ...], week: str | None, formats: str) -> None:
    """Write the weekly report files and record them (with sha256) in the database."""
    from reports import write_weekly_report
    from reports.build import IsoWeek

    settings = get_settings()
    upgrade(settings)
    week = week or _previous_week()
    try:
        IsoWeek.parse(week)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--week") from None
    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    with session_scope(settings) as session:
        if holders:
            ids = []
            for h in holders:
                row = session.get(RightsHolder, int(h)) if h.isdigit() else None
                row = row or session.scalar(select(RightsHolder).where(RightsHolder.name == h))
                if row is None:
                    raise click.BadParameter(f"no rights holder {h!r}", param_hint="--holder")
                ids.append((row.id, row.name))
        else:
            ids = [(r.id, r.name) for r in session.scalars(select(RightsHolder).order_by(RightsHolder.id))]
    if not ids:
        click.echo("no rights holders yet: add reference art with `mamoru refs add`")
        return
    for holder_id, name in ids:
        try:
            files = write_weekly_report(settings, holder_id, week, formats=wanted)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--format") from None
        except ServiceError as exc:  # another build of the same week is running
            raise click.ClickException(str(exc)) from None
        click.echo(f"{name} {week}, version {files[0]['version'] if files else '?'} (earlier versions stay):")
        for f in files:
            click.echo(f"  {f['format']:8} {f['bytes']:>9} B  sha256 {f['sha256'][:16]}…  {settings.home_path(f['path'])}")
