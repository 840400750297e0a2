"""Run one crawl in this process: for a watchlist (database) or for `mamoru discover` (no database).

Scrapy runs on Twisted, whose reactor cannot restart: each function here runs one crawl per process.
Workers call `python -m crawler.run --watchlist ID` in a child process; its last stdout line is the
outcome as JSON (core.services.crawl_runs.CrawlOutcome, read back by `run_in_child`).
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from crawler.constants import DEFAULT_MAX_DURATION_S
from crawler.items import item_to_json
from crawler.platforms import WEB, locate
from crawler.render import RENDER_COST
from crawler.spiders.base import KINDS, UnsupportedTarget
from core.childproc import child_environ, python_module
from core.config import PLATFORMS, Settings
from core.services.crawl_runs import CrawlOutcome

logger = logging.getLogger(__name__)


def resolve_target(settings: Settings, platform: str | None, kind: str | None, value: str) -> tuple[str, str, str]:
    """(platform, kind, value) for a watchlist or a discover call; a bare URL picks its platform and
    kind (page, or feed/sitemap, which the web spider tells apart from the document)."""
    if platform is None:
        platform = locate(value, settings)[0] if "://" in value else WEB
    if platform not in (WEB, *PLATFORMS):
        raise UnsupportedTarget(f"unknown platform {platform!r} (one of web, {', '.join(PLATFORMS)})")
    kind = kind or "page"
    if kind not in KINDS:
        raise UnsupportedTarget(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    return platform, kind, value


def spider_class(platform: str):  # noqa: ANN201
    from crawler.spiders import spider_classes

    return spider_classes()[platform]


def run_crawl(settings: Settings, platform: str, kind: str, value: str, *, watchlist_id: int | None = None,
              max_duration: float | None = DEFAULT_MAX_DURATION_S, persist: bool = False,
              overrides: dict[str, Any] | None = None, render: bool = False,
              on_item: Callable[[dict], None] | None = None) -> CrawlOutcome:
    """Run one spider to completion in this process; return its outcome. `render` (or
    MAMORU_RENDER_PLATFORMS naming the platform) sends its pages through Chromium (crawler.render)."""
    from crawler.render import RenderUnavailable, render_settings, render_wanted

    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from crawler.settings import build_settings

    platform, kind, value = resolve_target(settings, platform, kind, value)
    cls = spider_class(platform)
    cls.check_target(kind, value)
    if render_wanted(platform, render):
        try:
            overrides = {**render_settings(), **(overrides or {})}
        except RenderUnavailable as exc:
            raise UnsupportedTarget(str(exc)) from None
    scrapy_settings = build_settings(settings, overrides, persist=persist)
    # Scrapy logs to stderr through its own root handler unless the caller (the CLI) set logging up
    scrapy_settings.set("LOG_INSTALL_ROOT_HANDLER", not logging.getLogger().handlers, priority="cmdline")
    process = CrawlerProcess(scrapy_settings)
    crawler = process.create_crawler(cls)
    seen: list[int] = [0]

    def _scraped(item, response=None, spider=None):  # noqa: ANN001, ANN202
        seen[0] += 1
        if on_item is not None:
            on_item(item)

    crawler.signals.connect(_scraped, signal=signals.item_scraped)
    process.crawl(crawler, kind=kind, value=value, watchlist_id=watchlist_id, max_duration=max_duration)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return outcome_from_stats(stats, seen[0])


def outcome_from_stats(stats: dict, items: int) -> CrawlOutcome:
    reason = stats.get("finish_reason")
    # Scrapy's retry middleware logs an ERROR when it gives up; that request is counted once, below
    logged = int(stats.get("log_count/ERROR", 0)) - int(stats.get("retry/max_reached", 0))
    errors = (max(0, logged) + int(stats.get("httperror/response_ignored_count", 0))
              + int(stats.get("mamoru/refused", 0)) + int(stats.get("mamoru/network_errors", 0)))
    return CrawlOutcome(
        items=items,
        new=int(stats.get("mamoru/new", 0)),
        errors=errors,
        stopped=stats.get("mamoru/stopped") or (None if reason in (None, "finished") else str(reason)),
        fetch_clip_ids=list(stats.get("mamoru/fetch_clip_ids", [])),
        rate_limited=int(stats.get("mamoru/rate_limited", 0)),
        refused=int(stats.get("mamoru/refused", 0)),
        too_long=int(stats.get("mamoru/too_long", 0)),
        unknown_duration=int(stats.get("mamoru/unknown_duration", 0)),
        robots_forbidden=int(stats.get("robotstxt/forbidden", 0)),
        robots_skipped=int(stats.get("mamoru/robots_skipped", 0)),
        error_reasons=list(stats.get("mamoru/error_reasons", [])),
        rendered=int(stats.get("mamoru/rendered", 0)),
        notes=list(stats.get("mamoru/notes", [])) + (
            [RENDER_COST.format(pages=stats["mamoru/rendered"])] if stats.get("mamoru/rendered") else []) + (
            [f"{stats['robotstxt/forbidden']} requests not made: forbidden by the site's robots.txt"]
            if stats.get("robotstxt/forbidden") else []),
    )


def run_watchlist_crawl(settings: Settings, watchlist_id: int,
                        overrides: dict[str, Any] | None = None) -> CrawlOutcome:
    """Crawl one watchlist in this process: upsert its clips, record the run on the watchlist, return the
    outcome. Call it in a fresh process (the Twisted reactor cannot restart)."""
    from core.db import session_scope
    from core.models import Watchlist
    from core.services.crawl_runs import record_run

    with session_scope(settings) as session:
        watchlist = session.get(Watchlist, watchlist_id)
        if watchlist is None:
            raise LookupError(f"no watchlist {watchlist_id}")
        platform, kind, value, max_duration, render = (watchlist.platform, watchlist.kind, watchlist.value,
                                                       watchlist.max_duration_s, watchlist.render)
    try:
        outcome = run_crawl(settings, platform, kind, value, watchlist_id=watchlist_id, max_duration=max_duration,
                            persist=True, overrides=overrides, render=render)
    except UnsupportedTarget as exc:
        outcome = CrawlOutcome.failed(str(exc))
    with session_scope(settings) as session:
        record_run(session, watchlist_id, outcome)
    return outcome


def run_in_child(watchlist_id: int, timeout_s: float | None = None) -> CrawlOutcome:
    """Crawl a watchlist in a fresh Python process (Twisted's reactor cannot restart) and read its outcome;
    a child that dies, or outlives TIMEOUT_S, gives a failed outcome saying so."""
    try:
        proc = subprocess.run(python_module("crawler.run", "--watchlist", str(watchlist_id)), env=child_environ(),
                              capture_output=True, text=True, encoding="utf-8", timeout=timeout_s)
        stdout, stderr, code = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        stdout, stderr, code = "", f"timed out after {timeout_s} s {exc.stderr or ''}", "timeout"
    return CrawlOutcome.from_output(stdout, stderr, code)


def run_discover(settings: Settings, value: str, *, platform: str | None = None, kind: str | None = None,
                 max_duration: float | None = None, overrides: dict[str, Any] | None = None,
                 render: bool = False,
                 on_item: Callable[[dict], None] | None = None) -> tuple[list[dict], CrawlOutcome]:
    """One crawl without the database: (items as JSON-able dicts, outcome). No duration filter unless
    max_duration is given, so an analyst sees everything Mamoru would find."""
    items: list[dict] = []

    def _collect(item) -> None:  # noqa: ANN001
        data = item_to_json(item)
        items.append(data)
        if on_item is not None:
            on_item(data)

    outcome = run_crawl(settings, platform, kind, value, max_duration=max_duration, overrides=overrides,
                        render=render, on_item=_collect)
    return items, outcome


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """`-s KEY=VALUE` pairs; values are JSON when they parse as JSON (numbers, booleans), else text."""
    out: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep:
            raise SystemExit(f"-s expects KEY=VALUE, got {pair!r}")
        try:
            out[key.strip()] = json.loads(raw)
        except ValueError:
            out[key.strip()] = raw
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run", description=__doc__.split("\n")[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--watchlist", type=int, help="crawl this watchlist id (database)")
    target.add_argument("--discover", metavar="VALUE", help="a URL, or a term/tag/account with --platform/--kind")
    parser.add_argument("--platform", choices=(WEB, *PLATFORMS))
    parser.add_argument("--kind", choices=KINDS)
    parser.add_argument("--max-duration", type=float, default=None)
    parser.add_argument("--render", action="store_true", help="render pages with Chromium (crawler.render)")
    parser.add_argument("-s", "--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="a Scrapy setting for this run")
    args = parser.parse_args(argv)
    from core.config import get_settings

    settings = get_settings()
    overrides = parse_overrides(args.overrides) or None
    if args.watchlist is not None:
        outcome = run_watchlist_crawl(settings, args.watchlist, overrides)
    else:
        try:
            _, outcome = run_discover(settings, args.discover, platform=args.platform, kind=args.kind,
                                      max_duration=args.max_duration, overrides=overrides, render=args.render,
                                      on_item=lambda d: print(json.dumps(d, ensure_ascii=False), flush=True))
        except UnsupportedTarget as exc:
            outcome = CrawlOutcome.failed(str(exc))
    sys.stdout.write(outcome.to_json() + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
