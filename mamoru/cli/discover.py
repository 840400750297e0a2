"""`mamoru discover`: one crawl without the database, to see what Mamoru would find."""

from __future__ import annotations

import json
import logging
import sys

import click

from core.config import PLATFORMS, get_settings


@click.command()
@click.argument("url", required=False)
@click.option("--platform", type=click.Choice(["web", *PLATFORMS]), help="Platform (default: from the URL).")
@click.option("--search", "term", metavar="TERM", help="Search the platform for TERM (Japanese welcome).")
@click.option("--hashtag", metavar="TAG", help="Clips with hashtag TAG ('#' optional).")
@click.option("--account", metavar="NAME", help="Clips of an account/channel/user.")
@click.option("--max-duration", type=float, default=None, metavar="S",
              help="Drop clips longer than S seconds (default: keep all).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line instead of a table.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="KEY=VALUE", help="A Scrapy setting.")
def discover(url: str | None, platform: str | None, term: str | None, hashtag: str | None, account: str | None,
             max_duration: float | None, as_json: bool, overrides: tuple[str, ...]) -> None:
    """Find clips at URL (any platform's page, feed or sitemap, or any site), or on a PLATFORM by
    --search, --hashtag or --account, and print them. Nothing is stored.

    \b
    mamoru discover https://example.com/feed.rss --json
    mamoru discover --platform niconico --hashtag ワンピース
    mamoru discover --platform youtube --search "鬼滅の刃 MMD"   (needs MAMORU_YOUTUBE_API_KEY)
    """
    from crawler.run import parse_overrides, run_discover
    from crawler.spiders.base import UnsupportedTarget

    chosen = [(k, v) for k, v in (("search", term), ("hashtag", hashtag), ("account", account)) if v]
    if len(chosen) + (1 if url else 0) != 1:
        raise click.UsageError("give a URL, or one of --search, --hashtag, --account (with --platform)")
    if chosen:
        if not platform:
            raise click.UsageError(f"--{chosen[0][0]} needs --platform")
        kind, value = chosen[0]
    else:
        kind, value = None, url
    settings = get_settings()
    if logging.getLogger().level > logging.DEBUG:  # Scrapy's per-request chatter only with -v
        logging.getLogger("scrapy").setLevel(logging.WARNING)

    def _print(item: dict) -> None:
        if as_json:
            click.echo(json.dumps(item, ensure_ascii=False))
            sys.stdout.flush()

    try:
        items, outcome = run_discover(settings, value, platform=platform, kind=kind, max_duration=max_duration,
                                      overrides=parse_overrides(list(overrides)) or None, on_item=_print)
    except UnsupportedTarget as exc:
        raise click.ClickException(str(exc)) from None
    if not as_json:
        _table(items)
    for note in outcome.notes:
        click.echo(f"note: {note}", err=True)
    summary = (f"{outcome.items} clips, {outcome.errors} errors"
               + (f", {outcome.rate_limited} rate-limited answers" if outcome.rate_limited else "")
               + (f", stopped: {outcome.stopped}" if outcome.stopped else ""))
    click.echo(summary, err=True)


def _table(items: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for name in ("platform", "id", "title", "uploader", "published", "duration", "views", "url"):
        table.add_column(name, overflow="fold")
    for item in items:
        duration = item.get("duration")
        table.add_row(item["platform"], item["platform_id"], item.get("title") or "",
                      item.get("uploader_name") or item.get("uploader_id") or "", item.get("published_at") or "",
                      "?" if duration is None else f"{duration:g}s",
                      "" if item.get("view_count") is None else str(item["view_count"]), item["canonical_url"])
    Console().print(table)
