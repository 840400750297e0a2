"""What each platform can watch: the one rule for watchlist targets, read by the watchlist service at input
and by the crawler's spiders before a crawl.

A kind missing from a platform's `kinds` is refused, with the platform's reason when it has one; `limits`
are notes for the user about a kind that works only in part.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from core.config import PLATFORMS
from core.services.errors import Invalid

WEB = "web"
WATCH_PLATFORMS = (WEB, *PLATFORMS)
KINDS = ("search", "hashtag", "account", "feed", "sitemap", "page")
URL_KINDS = ("feed", "sitemap", "page")  # the value is the URL crawled
MAX_VALUE_CHARS = 2000

# notes the spiders also give when a page turns out empty
INSTAGRAM_LOGIN = ("Instagram shows {what} only to logged-in clients; set MAMORU_INSTAGRAM_COOKIES_FILE to a cookies "
                   "file of your log-in")
TIKTOK_JS_ONLY = ("TikTok serves {what} only to its JavaScript app (signed API requests); Mamoru reads the video "
                   "links present in the page ({n} here). Watch individual video URLs (kind page) for more")
X_JS_ONLY = ("X serves posts only to its JavaScript app (and search to logged-in users); Mamoru reads the "
              "served HTML only: {detail}")


class UnsupportedTarget(Invalid, ValueError):
    """This platform cannot serve this kind of watchlist, or the value cannot be one (the message says why)."""


@dataclass(frozen=True)
class PlatformTargets:
    kinds: tuple[str, ...]
    unsupported: dict[str, str] = field(default_factory=dict)  # kind -> why the platform makes it impossible
    limits: dict[str, str] = field(default_factory=dict)  # kind -> what works only in part
    with_login: frozenset[str] = frozenset()  # unsupported kinds served when the user's cookies file is set


TARGETS: dict[str, PlatformTargets] = {
    WEB: PlatformTargets(("page", "feed", "sitemap"), unsupported={
        "search": "a generic site has no search Mamoru knows; watch its feed, sitemap or a listing page",
        "hashtag": "a generic site has no hashtags Mamoru knows; watch its tag page (kind page) or feed",
        "account": "a generic site has no accounts Mamoru knows; watch the account's page or feed"}),
    "youtube": PlatformTargets(("search", "hashtag", "account", "feed", "page"), limits={
        "search": "YouTube search uses the Data API: set MAMORU_YOUTUBE_API_KEY; each search page costs "
                  "100 of the daily units (MAMORU_YOUTUBE_DAILY_QUOTA)"}),
    "tiktok": PlatformTargets(("page", "account", "hashtag"), unsupported={
        "search": "TikTok search results are served only to its JavaScript app, and mostly to logged-in users; "
                  "watch hashtags, accounts or video URLs instead"}, limits={
        "account": TIKTOK_JS_ONLY.format(what="a profile's video list", n="often none"),
        "hashtag": TIKTOK_JS_ONLY.format(what="a hashtag's video list", n="often none")}),
    "instagram": PlatformTargets(("page", "account"), unsupported={
        "search": INSTAGRAM_LOGIN.format(what="search results") + "; watch post/reel URLs (kind page)",
        "hashtag": INSTAGRAM_LOGIN.format(what="hashtag pages") + "; watch post/reel URLs (kind page)"}, limits={
        "account": INSTAGRAM_LOGIN.format(what="a profile's posts") + ": only links present in the page are taken"},
        with_login=frozenset({"hashtag"})),
    "x": PlatformTargets(("page", "account"), unsupported={
        "search": "X search needs a logged-in account: set MAMORU_X_COOKIES_FILE to a cookies file of your log-in, "
                  "or watch accounts or status URLs",
        "hashtag": "X hashtag search needs a logged-in account: set MAMORU_X_COOKIES_FILE to a cookies file of "
                   "your log-in, or watch accounts or status URLs"}, limits={
        "account": X_JS_ONLY.format(detail="a profile page yields clips only when it arrives rendered")},
        with_login=frozenset({"search", "hashtag"})),
    "niconico": PlatformTargets(("search", "hashtag", "account", "feed", "page")),
    "bilibili": PlatformTargets(("search", "hashtag", "page"), unsupported={
        "account": "Bilibili lists a user's uploads only through signed (WBI) API requests, which Mamoru does "
                   "not make; watch search terms or video URLs"}),
}


def cookies_env(platform: str) -> str:
    """The environment variable naming the user's cookies file for PLATFORM (its log-in)."""
    return f"MAMORU_{platform.upper()}_COOKIES_FILE"


def login_configured(platform: str) -> bool:
    """Whether the user has set a cookies file for PLATFORM (the crawler checks it is usable)."""
    return platform in PLATFORMS and bool(os.environ.get(cookies_env(platform), "").strip())


def check_target(platform: str, kind: str, value: str, *, logged_in: bool | None = None) -> str:
    """The value, trimmed, when PLATFORM can watch KIND for it; UnsupportedTarget with one line if not.
    A kind served only with a log-in passes when LOGGED_IN (default: the platform's cookies file is set).
    (Whether a URL's address may be fetched is core.urlsafety's rule, checked by the caller with settings.)"""
    if platform not in TARGETS:
        raise UnsupportedTarget(f"unknown platform {platform!r} (one of {', '.join(WATCH_PLATFORMS)})")
    if kind not in KINDS:
        raise UnsupportedTarget(f"unknown watchlist kind {kind!r} (one of {', '.join(KINDS)})")
    targets = TARGETS[platform]
    logged_in = login_configured(platform) if logged_in is None else logged_in
    by_login = kind in targets.with_login and logged_in
    if kind in targets.unsupported and not by_login:
        raise UnsupportedTarget(f"{platform} {kind}: {targets.unsupported[kind]}")
    if kind not in targets.kinds and not by_login:
        raise UnsupportedTarget(f"{platform} has no {kind} watchlists")
    value = str(value or "").strip()
    if not value:
        raise UnsupportedTarget(f"{platform} {kind}: empty value")
    if len(value) > MAX_VALUE_CHARS:
        raise UnsupportedTarget(f"{platform} {kind}: value longer than {MAX_VALUE_CHARS} characters")
    if kind in URL_KINDS and urlsplit(value).scheme.lower() not in ("http", "https"):
        raise UnsupportedTarget(f"{platform} {kind}: the value must be an http(s) URL, not {value[:200]!r}")
    return value


def is_url(value: str) -> bool:
    """Whether a watchlist value is a URL to crawl (account values may be a name or a URL)."""
    return "://" in value


def limit_note(platform: str, kind: str) -> str | None:
    """What the user should know about this kind on this platform, if anything."""
    targets = TARGETS.get(platform)
    return targets.limits.get(kind) if targets else None
