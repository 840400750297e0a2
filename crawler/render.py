"""Pages that need a browser: rendering through scrapy-playwright on Debian's Chromium, off by default.

Turned on for one crawl (`mamoru discover --render`), per watchlist (`render` column) or per platform
(`MAMORU_RENDER_PLATFORMS=tiktok,x`). Its cost: Chromium starts once a crawl (about 1 s) and each rendered
page takes a browser tab (about 100-200 MB while it loads, and the page's own scripts' time, a few seconds
on heavy platform apps) instead of one plain HTTP request. Feeds, sitemaps, APIs and robots.txt are never
rendered. Every request the browser makes (scripts, XHR, media) passes the same address rule as the
crawler's own, or is aborted.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from urllib.parse import urlsplit

from scrapy import Request

from core.config import Settings

CHROMIUM = "/usr/bin/chromium"
RENDER_ENV = "MAMORU_RENDER_PLATFORMS"
RENDER_META = "playwright"  # scrapy-playwright renders requests carrying this meta key
_NOT_A_PAGE = re.compile(r"(\.(xml|rss|atom|json|gz|txt)$|/api/|/feeds?/)", re.I)
RENDER_COST = ("pages rendered with Chromium ({pages}): about 1 s to start the browser and a few seconds and "
               "100-200 MB a page")


class RenderUnavailable(RuntimeError):
    """Rendering was asked for and cannot run here (the message says what is missing)."""


def render_wanted(platform: str, watchlist_render: bool = False, env: dict | None = None) -> bool:
    """Render this crawl? Per watchlist, or per platform through MAMORU_RENDER_PLATFORMS."""
    listed = {p.strip().lower() for p in (os.environ if env is None else env).get(RENDER_ENV, "").split(",")}
    return bool(watchlist_render) or platform.lower() in listed


def render_settings() -> dict:
    """The Scrapy settings that send page requests through Chromium (RenderUnavailable without it)."""
    try:
        import scrapy_playwright  # noqa: F401
    except ImportError:
        raise RenderUnavailable("rendering needs scrapy-playwright: pip install 'mamoru[browser]'") from None
    executable = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if not executable:
        raise RenderUnavailable(f"rendering needs Chromium at {CHROMIUM} (Debian: apt install chromium)")
    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    return {
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": executable, "headless": True},
        "PLAYWRIGHT_ABORT_REQUEST": "crawler.render.abort_unsafe",
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 2,
        "MAMORU_RENDER": True,
    }


@functools.cache
def _settings() -> Settings:
    from core.config import get_settings

    return get_settings()


def abort_unsafe(request) -> bool:  # noqa: ANN001
    """Abort any request of the browser's that the address rule refuses (or that is not http(s))."""
    from core.urlsafety import is_safe_url

    url = request.url
    if url.startswith(("data:", "blob:")):
        return False
    return not is_safe_url(url, _settings())


class RenderMiddleware:
    """Marks a crawl's page requests for the browser (never feeds, sitemaps, APIs or robots.txt)."""

    def __init__(self, crawler) -> None:  # noqa: ANN001
        self.enabled = crawler.settings.getbool("MAMORU_RENDER")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler)

    def process_request(self, request: Request, spider=None):  # noqa: ANN001, ANN201
        if not self.enabled or request.meta.get("dont_obey_robotstxt") or RENDER_META in request.meta:
            return None
        path = urlsplit(request.url).path
        if _NOT_A_PAGE.search(path) or "rss=" in urlsplit(request.url).query or path == "/robots.txt":
            return None
        request.meta[RENDER_META] = True
        self.stats.inc_value("mamoru/rendered")
        return None
