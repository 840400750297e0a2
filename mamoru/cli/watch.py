"""`mamoru watch`: watchlists (what to look for, where, how often) and running them."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.childproc import child_environ, python_module
from core.config import PLATFORMS, get_settings
from core.db import session_scope, upgrade
from core.models import RightsHolder, Watchlist, WatchKind

KIND_CHOICES = [k.value for k in WatchKind]


@click.group()
def watch() -> None:
    """Watchlists: search terms, hashtags, accounts, feeds, sitemaps and pages to crawl on a schedule."""


@watch.command("add")
@click.option("--holder", required=True, help="Rights holder the watchlist serves (created if new).")
@click.option("--platform", required=True, type=click.Choice(["web", *PLATFORMS]))
@click.option("--kind", required=True, type=click.Choice(KIND_CHOICES))
@click.option("--every", "every_minutes", type=int, default=360, show_default=True, help="Minutes between runs.")
@click.option("--max-duration", type=int, default=180, show_default=True,
              help="Short filter: drop clips longer than this many seconds (0: no limit; unknown kept).")
@click.argument("value")
def watch_add(holder: str, platform: str, kind: str, every_minutes: int, max_duration: int, value: str) -> None:
    """Add a watchlist for VALUE (a term, '#tag', account, or URL; Japanese welcome)."""
    from crawler.run import spider_class
    from crawler.spiders.base import UnsupportedTarget

    try:
        spider_class(platform).check_target(kind, value)
    except UnsupportedTarget as exc:
        raise click.ClickException(str(exc)) from None
    settings = get_settings()
    upgrade(settings)
    with session_scope(settings) as session:
        holder_row = session.scalar(select(RightsHolder).where(RightsHolder.name == holder))
        if holder_row is None:
            holder_row = RightsHolder(name=holder)
            session.add(holder_row)
            session.flush()
        existing = session.scalar(select(Watchlist).where(
            Watchlist.rights_holder_id == holder_row.id, Watchlist.platform == platform, Watchlist.kind == kind,
            Watchlist.value == value))
        if existing is not None:
            raise click.ClickException(f"watchlist {existing.id} already watches {platform} {kind} {value!r}")
        row = Watchlist(rights_holder_id=holder_row.id, platform=platform, kind=kind, value=value,
                        schedule_minutes=every_minutes, max_duration_s=max_duration, enabled=True)  # 0: no limit
        session.add(row)
        session.flush()
        click.echo(f"watchlist {row.id}: {platform} {kind} {value!r} for {holder}, every {every_minutes} min")
    from crawler.spiders import spider_classes

    limits = getattr(spider_classes()[platform], "limits", {}).get(kind)
    if limits:
        click.echo(f"note: {limits}", err=True)


@watch.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
def watch_list(as_json: bool) -> None:
    """List watchlists with their last run."""
    settings = get_settings()
    upgrade(settings)
    with session_scope(settings) as session:
        rows = session.execute(select(Watchlist, RightsHolder.name).join(
            RightsHolder, RightsHolder.id == Watchlist.rights_holder_id).order_by(Watchlist.id)).all()
        data = [{"id": w.id, "holder": holder, "platform": w.platform, "kind": w.kind, "value": w.value,
                 "every_minutes": w.schedule_minutes, "max_duration": w.max_duration_s, "enabled": w.enabled,
                 "last_run_at": w.last_run_at.isoformat() if w.last_run_at else None,
                 "last_outcome": w.last_outcome} for w, holder in rows]
    if as_json:
        for row in data:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not data:
        click.echo("no watchlists yet: add one with `mamoru watch add`")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table()
    for name in ("id", "holder", "platform", "kind", "value", "every", "max s", "on", "last run", "outcome"):
        table.add_column(name, overflow="fold")
    for row in data:
        out = row["last_outcome"] or {}
        summary = "" if not out else (f"{out.get('items', 0)} items, {out.get('new', 0)} new, "
                                      f"{out.get('errors', 0)} errors"
                                      + (f", {out['rate_limited']} rate-limited" if out.get("rate_limited") else "")
                                      + (f", stopped: {out['stopped']}" if out.get("stopped") else ""))
        table.add_row(str(row["id"]), row["holder"], row["platform"], row["kind"], row["value"],
                      f"{row['every_minutes']} min", str(row["max_duration"] or "-"), "yes" if row["enabled"] else "no",
                      row["last_run_at"] or "never", summary)
    Console().print(table)


@contextmanager
def _one_watchlist(watchlist_id: int) -> Iterator[tuple[Session, Watchlist]]:
    """The watchlist row in a session that commits on exit; a clear error when there is none."""
    settings = get_settings()
    upgrade(settings)
    with session_scope(settings) as session:
        row = session.get(Watchlist, watchlist_id)
        if row is None:
            raise click.ClickException(f"no watchlist {watchlist_id}")
        yield session, row


def _set_enabled(watchlist_id: int, enabled: bool) -> None:
    with _one_watchlist(watchlist_id) as (_, row):
        row.enabled = enabled
    click.echo(f"watchlist {watchlist_id} {'resumed' if enabled else 'paused'}")


@watch.command("pause")
@click.argument("watchlist_id", type=int)
def watch_pause(watchlist_id: int) -> None:
    """Stop running a watchlist on its schedule (it stays, with its clips)."""
    _set_enabled(watchlist_id, False)


@watch.command("resume")
@click.argument("watchlist_id", type=int)
def watch_resume(watchlist_id: int) -> None:
    """Run a paused watchlist on its schedule again."""
    _set_enabled(watchlist_id, True)


@watch.command("remove")
@click.argument("watchlist_id", type=int)
def watch_remove(watchlist_id: int) -> None:
    """Delete a watchlist (its clips stay; they lose the link to it)."""
    with _one_watchlist(watchlist_id) as (session, row):
        session.delete(row)
    click.echo(f"watchlist {watchlist_id} removed")


@watch.command("run")
@click.argument("watchlist_id", type=int)
@click.option("--queue", is_flag=True, help="Hand the run to the Celery workers instead of running it here.")
def watch_run(watchlist_id: int, queue: bool) -> None:
    """Crawl a watchlist now (in a child process) and print the outcome. New clips wait, status new, for
    the workers' fetch; with --queue the workers crawl and fetch."""
    with _one_watchlist(watchlist_id):
        pass
    if queue:
        from workers.tasks import crawl_watchlist

        result = crawl_watchlist.delay(watchlist_id)
        click.echo(f"watchlist {watchlist_id} queued for crawling (task {result.id})")
        return
    proc = subprocess.run(python_module("crawler.run", f"--watchlist={watchlist_id}"), env=child_environ(),
                          stdout=subprocess.PIPE, text=True, encoding="utf-8")
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    try:
        outcome = json.loads(lines[-1])
    except (IndexError, ValueError):
        raise click.ClickException(f"the crawler exited {proc.returncode} without an outcome") from None
    for note in outcome.get("notes", []):
        click.echo(f"note: {note}", err=True)
    click.echo(json.dumps(outcome, ensure_ascii=False))
