"""`mamoru discover`: one crawl without the database, to see what Mamoru would find."""

from __future__ import annotations

import json
import logging
import sys

import click

from core.config import PLATFORMS, get_settings
from core.services.crawl_runs import CrawlOutcome


@click.command()
@click.argument("url", required=False)
@click.option("--platform", type=click.Choice(["web", *PLATFORMS]), help="Platform (default: from the URL).")
@click.option("--search", "term", metavar="TERM", help="Search the platform for TERM (Japanese welcome).")
@click.option("--hashtag", metavar="TAG", help="Clips with hashtag TAG ('#' optional).")
@click.option("--account", metavar="NAME", help="Clips of an account/channel/user.")
@click.option("--max-duration", type=float, default=None, metavar="S",
              help="Drop clips longer than S seconds (default: keep all).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line instead of a table.")
@click.option("--render", is_flag=True,
              help="Render pages with Chromium (pages that build their videos in JavaScript; slower, ~1 s + "
                   "a few s and 100-200 MB a page).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="KEY=VALUE", help="A Scrapy setting.")
def discover(url: str | None, platform: str | None, term: str | None, hashtag: str | None, account: str | None,
             max_duration: float | None, as_json: bool, render: bool, overrides: tuple[str, ...]) -> None:
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
    if logging.getLogger().level > logging.DEBUG:  # without -v: the items and one summary line, no log
        quiet_logging()

    def _print(item: dict) -> None:
        if as_json:
            click.echo(json.dumps(item, ensure_ascii=False))
            sys.stdout.flush()

    try:
        items, outcome = run_discover(settings, value, platform=platform, kind=kind, max_duration=max_duration,
                                      overrides=parse_overrides(list(overrides)) or None, render=render,
                                      on_item=_print)
    except UnsupportedTarget as exc:
        raise click.ClickException(str(exc)) from None
    if not as_json:
        _table(items)
    click.echo(summary_line(outcome), err=True)


def quiet_logging() -> None:
    """No log lines and no warnings on the terminal (the summary line says what went wrong); errors are
    still counted by Scrapy's own handler."""
    import warnings

    warnings.simplefilter("ignore")
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.CRITICAL + 1)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary_line(outcome: CrawlOutcome) -> str:
    """One line: counts, each error's reason in a short phrase, then the crawl's notes and stop reason."""
    errors, reasons = outcome.errors, outcome.error_reasons
    line = f"{_plural(outcome.items, 'clip')}, {_plural(errors, 'error')}"
    if errors and reasons:
        line += f" ({'; '.join(reasons[:5])}{'; …' if len(reasons) > 5 else ''})"
    for key, label in (("robots_skipped", "not to fetch (robots.txt)"), ("too_long", "too long"),
                       ("rate_limited", "rate-limited answers")):
        if getattr(outcome, key):
            line += f", {getattr(outcome, key)} {label}"
    stopped = outcome.stopped
    notes = [n for n in outcome.notes if n != stopped]
    if stopped:
        line += f"; stopped: {stopped}"
    if notes:
        line += "; note: " + " | ".join(notes)
    return line


def _table(items: list[dict]) -> None:
    """One line a row at any terminal width: long cells end in "…" (--json has every field whole)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=False)
    fixed = {"platform": 9, "id": 16, "uploader": 12, "duration": 8}
    title_width = max(12, console.width - sum(fixed.values()) - 2 * (len(fixed) + 1))
    table = Table(show_lines=False, box=None, pad_edge=False)
    for name in ("platform", "id", "title", "uploader", "duration"):
        table.add_column(name, no_wrap=True, overflow="ellipsis", width=fixed.get(name, title_width))
    for item in items:
        duration = item.get("duration")
        mark = "[candidate] " if item.get("candidate") else "[skipped] " if item.get("skip_reason") else ""
        table.add_row(item["platform"], item["platform_id"], mark + (item.get("title") or ""),
                      item.get("uploader_name") or item.get("uploader_id") or "",
                      "?" if duration is None else f"{duration:g}s")
    console.print(table, crop=True)
