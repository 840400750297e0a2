"""Scrapy settings: polite by default. `build_settings` adds Mamoru's Settings and per-run overrides."""

from __future__ import annotations

from typing import Any

from scrapy.settings import Settings as ScrapySettings

from core import __version__
from core.config import Settings

BOT_NAME = "mamoru"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024  # pages, feeds and API answers; media is the workers' business
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
CLOSESPIDER_ERRORCOUNT = 20
CLOSESPIDER_PAGECOUNT = 1000
CLOSESPIDER_TIMEOUT = 1800
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]  # 429 is BackoffMiddleware's
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy's control server listens on a port: nothing here uses it
TWISTED_DNS_RESOLVER = "crawler.resolver.PublicOnlyResolver"  # the address rule again, on the address connected to
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.8,*/*;q=0.7",
    "Accept-Language": "ja,en;q=0.8,zh;q=0.6",
}

DOWNLOADER_MIDDLEWARES = {
    # first of all: nothing leaves for a non-public address (robots.txt fetches and redirects included)
    "crawler.middlewares.URLSafetyMiddleware": 50,
    "crawler.middlewares.BackoffMiddleware": 560,
    "crawler.middlewares.PlatformCookiesMiddleware": 720,  # the user's log-in, per platform (cookies.py)
    "crawler.render.RenderMiddleware": 730,  # pages through Chromium when asked (render.py), off by default
    # after the retries: a failed request's reason kept for the summary, network errors without tracebacks
    "crawler.middlewares.ErrorReasonMiddleware": 540,
}
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.ExplicitPostMiddleware": 600,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ValidatePipeline": 100,
    "crawler.pipelines.RobotsPipeline": 350,
    "crawler.pipelines.ShortFilterPipeline": 200,
    "crawler.pipelines.DedupePipeline": 300,
    "crawler.pipelines.ClipUpsertPipeline": 400,
}
MAMORU_RENDER = False  # render page requests with Chromium (crawler.render)
MAMORU_PERSIST = False  # the upsert pipeline writes only in watchlist runs
MAMORU_BACKOFF_BASE = 5.0
MAMORU_BACKOFF_MAX = 120.0
MAMORU_BACKOFF_TRIES = 3


def user_agent(settings: Settings) -> str:
    """Names Mamoru and where to reach its operator."""
    ua = settings.user_agent.replace("{contact_url}", settings.contact_url)
    if "mamoru" not in ua.lower():
        ua = f"Mamoru/{__version__} (+{settings.contact_url}) {ua}"
    return ua.replace("Mamoru/0.1 ", f"Mamoru/{__version__} ", 1) if ua.startswith("Mamoru/0.1 ") else ua


def build_settings(settings: Settings, overrides: dict[str, Any] | None = None, *, persist: bool = False
                   ) -> ScrapySettings:
    scrapy_settings = ScrapySettings()
    scrapy_settings.setmodule("crawler.settings", priority="project")
    scrapy_settings.set("USER_AGENT", user_agent(settings), priority="project")
    scrapy_settings.set("MAMORU_SETTINGS", settings, priority="project")
    scrapy_settings.set("MAMORU_PERSIST", persist, priority="project")
    for key, value in (overrides or {}).items():
        scrapy_settings.set(key, value, priority="cmdline")
    return scrapy_settings
