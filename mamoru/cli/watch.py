"""`mamoru watch`: watchlists (what to look for, where, how often) and running them."""

from __future__ import annotations

import json

import click

from core.models import WatchKind
from core.services.watchlists import DEFAULT_EVERY_MINUTES, DEFAULT_MAX_DURATION_S
from core.targets import WATCH_PLATFORMS
from mamoru.cli.services import service_session

KIND_CHOICES = [k.value for k in WatchKind]


@click.group()
def watch() -> None:
    """Watchlists: search terms, hashtags, accounts, feeds, sitemaps and pages to crawl on a schedule."""


@watch.command("add")
@click.option("--holder", required=True, help="Rights holder the watchlist serves (created if new).")
@click.option("--platform", "platforms", multiple=True, type=click.Choice(WATCH_PLATFORMS),
              help="Platform (repeat with --from-catalog; default there: every platform with search or hashtags).")
@click.option("--kind", type=click.Choice(KIND_CHOICES), help="What VALUE is (not with --from-catalog).")
@click.option("--from-catalog", is_flag=True,
              help="Search terms and hashtags for every expanded name of the holder's catalogue, within "
                   "each platform's quota, without duplicates.")
@click.option("--ai", is_flag=True, help="With --from-catalog: search terms combined with AI words.")
@click.option("--every", "every_minutes", type=int, default=DEFAULT_EVERY_MINUTES, show_default=True,
              help="Minutes between runs (5 to a week).")
@click.option("--max-duration", type=int, default=DEFAULT_MAX_DURATION_S, show_default=True,
              help="Short filter: drop clips longer than this many seconds (0: no limit; unknown kept).")
@click.argument("value", required=False)
def watch_add(holder: str, platforms: tuple[str, ...], kind: str | None, from_catalog: bool, ai: bool,
              every_minutes: int, max_duration: int, value: str | None) -> None:
    """Add a watchlist for VALUE (a term, '#tag', account, or URL; Japanese welcome), or with
    --from-catalog the watchlists that look for the holder's catalogue characters."""
    if from_catalog:
        if value or kind:
            raise click.UsageError("--from-catalog makes its own values: give no --kind or VALUE")
        _add_from_catalog(holder, list(platforms), ai, every_minutes)
        return
    if ai:
        raise click.UsageError("--ai goes with --from-catalog")
    if len(platforms) != 1 or not kind or not value:
        raise click.UsageError("give one --platform, --kind and VALUE (or --from-catalog)")
    platform = platforms[0]
    from core.services.holders import get_or_create_holder
    from core.services.watchlists import add_watchlist, limit_note

    with service_session() as (session, settings):
        holder_row = get_or_create_holder(session, None, holder)
        row = add_watchlist(session, settings, None, holder=holder_row, platform=platform, kind=kind, value=value,
                            every_minutes=every_minutes, max_duration_s=max_duration)
        click.echo(f"watchlist {row.id}: {platform} {kind} {row.value!r} for {holder_row.name}, "
                   f"every {every_minutes} min")
    note = limit_note(platform, kind)
    if note:
        click.echo(f"note: {note}", err=True)


def _add_from_catalog(holder: str, platforms: list[str], ai: bool, every_minutes: int) -> None:
    from core.services.catalogue import CATALOGUE_KINDS, add_catalogue_watchlists
    from core.services.holders import find_holder
    from core.targets import TARGETS
    from matcher.text.queries import query_terms

    platforms = platforms or [p for p in WATCH_PLATFORMS if set(TARGETS[p].kinds) & set(CATALOGUE_KINDS)]
    with service_session() as (session, settings):
        holder_row = find_holder(session, holder)
        if holder_row is None:
            raise click.ClickException(f"no rights holder named {holder!r}: import its catalogue first")
        out = add_catalogue_watchlists(session, settings, None, holder=holder_row, platforms=platforms,
                                       terms=query_terms, ai=ai, every_minutes=every_minutes)
        for row in out.created:
            click.echo(f"watchlist {row.id}: {row.platform} {row.kind} {row.value!r} for {holder_row.name}")
    click.echo(f"{len(out.created)} watchlists created, {len(out.existing)} already there, "
               f"{len(out.over_quota)} left out by the platforms' quotas")
    for platform in sorted({p for p, _, _ in out.over_quota}):
        click.echo(f"note: {platform}: quota reached, "
                   f"{sum(1 for p, _, _ in out.over_quota if p == platform)} terms not added", err=True)
    for why in out.unsupported:
        click.echo(f"note: {why}", err=True)


@watch.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
def watch_list(as_json: bool) -> None:
    """List watchlists with their last run."""
    from core.services.crawl_runs import last_outcome
    from core.services.watchlists import list_watchlists

    with service_session() as (session, _):
        rows = sorted(list_watchlists(session), key=lambda row: row[0].id)
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
        out = last_outcome(row["last_outcome"])
        summary = out.summary() if out else ""
        table.add_row(str(row["id"]), row["holder"], row["platform"], row["kind"], row["value"],
                      f"{row['every_minutes']} min", str(row["max_duration"] or "-"), "yes" if row["enabled"] else "no",
                      row["last_run_at"] or "never", summary)
    Console().print(table)


def _act(watchlist_id: int, action: str) -> None:
    from core.services.watchlists import remove_watchlist, set_enabled

    with service_session() as (session, _):
        if action == "removed":
            remove_watchlist(session, None, watchlist_id)
        else:
            set_enabled(session, None, watchlist_id, action == "resumed")
    click.echo(f"watchlist {watchlist_id} {action}")


@watch.command("pause")
@click.argument("watchlist_id", type=int)
def watch_pause(watchlist_id: int) -> None:
    """Stop running a watchlist on its schedule (it stays, with its clips)."""
    _act(watchlist_id, "paused")


@watch.command("resume")
@click.argument("watchlist_id", type=int)
def watch_resume(watchlist_id: int) -> None:
    """Run a paused watchlist on its schedule again."""
    _act(watchlist_id, "resumed")


@watch.command("remove")
@click.argument("watchlist_id", type=int)
def watch_remove(watchlist_id: int) -> None:
    """Delete a watchlist (its clips stay; they lose the link to it)."""
    _act(watchlist_id, "removed")


@watch.command("run")
@click.argument("watchlist_id", type=int)
@click.option("--queue", is_flag=True, help="Hand the run to the Celery workers instead of running it here.")
def watch_run(watchlist_id: int, queue: bool) -> None:
    """Crawl a watchlist now (in a child process) and print the outcome. New clips wait, status new, for
    the workers' fetch; with --queue the workers crawl and fetch."""
    from core.services.crawl_runs import queue_crawl
    from core.services.watchlists import get_watchlist

    with service_session() as (session, settings):
        if queue:
            task_id = queue_crawl(session, settings, None, watchlist_id)
            click.echo(f"watchlist {watchlist_id} queued for crawling (task {task_id})")
            return
        get_watchlist(session, watchlist_id)
    from crawler.run import run_in_child

    outcome = run_in_child(watchlist_id)
    for note in outcome.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(outcome.to_json())
