"""Item pipelines: validate -> short filter -> dedupe -> upsert Clip (watchlist runs only).

Fetching is enqueued by the caller of `run_watchlist_crawl` from the ids it returns, so the crawler
needs no Celery.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime

from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy import Request
from scrapy.exceptions import DropItem
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crawler.constants import ROBOTS_CODE
from crawler.parsing import clean_multiline, clean_text, is_http_url, parse_count
from crawler.platforms import WEB
from core.db import session_scope
from core.limits import DESCRIPTION_MAX_CHARS, TITLE_MAX_CHARS, UPLOADER_MAX_CHARS, capped
from core.models import Clip, ClipStatus, utcnow

logger = logging.getLogger(__name__)


class ValidatePipeline:
    """Drop items that cannot be fetched; normalise the rest (types, http(s) URLs, plain titles)."""

    def process_item(self, item, spider=None):  # noqa: ANN001, ANN201
        a = ItemAdapter(item)
        for key in ("platform", "platform_id", "canonical_url"):
            if not a.get(key) or not str(a.get(key)).strip():
                raise DropItem(f"missing {key}")
        if not is_http_url(a["canonical_url"]):
            raise DropItem(f"canonical URL is not http(s): {a['canonical_url']!r}")
        a["platform_id"] = str(a["platform_id"]).strip()
        if len(a["platform_id"]) > 200:
            raise DropItem(f"platform id longer than 200 characters: {a['platform_id'][:40]}…")
        for key in ("page_url", "media_url", "player_url", "thumbnail_url", "source_url"):
            if a.get(key) and not is_http_url(a[key]):
                a[key] = None
        duration = a.get("duration")
        if duration is not None:
            try:
                duration = float(duration)
            except (TypeError, ValueError):
                duration = None
            a["duration"] = duration if duration is not None and math.isfinite(duration) and duration >= 0 else None
        if a.get("published_at") is not None and not isinstance(a["published_at"], datetime):
            a["published_at"] = None
        a["view_count"] = parse_count(a.get("view_count"))
        a["title"] = capped(clean_text(a.get("title")), TITLE_MAX_CHARS)
        a["uploader_name"] = capped(clean_text(a.get("uploader_name")), UPLOADER_MAX_CHARS)
        a["uploader_id"] = capped(clean_text(a.get("uploader_id")), UPLOADER_MAX_CHARS)
        a["description"] = capped(clean_multiline(a.get("description")), DESCRIPTION_MAX_CHARS)
        a["hashtags"] = [tag for tag in (capped(clean_text(t), TITLE_MAX_CHARS) for t in (a.get("hashtags") or [])) if tag]
        return item


class RobotsPipeline:
    """robots.txt end to end: a clip whose page or video file the crawler may not request (a sitemap or
    feed may list it all the same) is kept with the reason and never fetched. Scrapy's own robots.txt
    parsers are asked, so each host's file is read once per crawl; one that cannot be read allows all,
    as it does for the crawler's own requests."""

    def __init__(self, crawler) -> None:  # noqa: ANN001
        self.crawler = crawler
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        self.obey = crawler.settings.getbool("ROBOTSTXT_OBEY")

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler)

    def _robots(self):  # noqa: ANN202
        from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware

        for middleware in self.crawler.engine.downloader.middleware.middlewares:
            if isinstance(middleware, RobotsTxtMiddleware):
                return middleware
        return None

    async def process_item(self, item, spider=None):  # noqa: ANN001, ANN201
        a = ItemAdapter(item)
        robots = self._robots() if self.obey else None
        if robots is None:
            return item
        # the pages the crawler would request: a generic site's page, and any clip's video file
        urls = [a.get("canonical_url") if a["platform"] == WEB else None, a.get("media_url")]
        for url in dict.fromkeys(u for u in urls if u):
            parser = await robots.robot_parser(Request(url))
            if parser is not None and not parser.allowed(url, self.user_agent):
                a["skip_reason"] = f"robots.txt of {urlsplit(url).netloc} disallows {url[:200]}"
                a["skip_code"] = ROBOTS_CODE
                self.crawler.stats.inc_value("mamoru/robots_skipped")
                break
        return item


class ShortFilterPipeline:
    """Keep shorts: drop clips longer than the watchlist's maximum; clips of unknown duration are kept
    and counted as unknown (stat `mamoru/unknown_duration`)."""

    def __init__(self, crawler) -> None:  # noqa: ANN001
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler)

    def process_item(self, item, spider=None):  # noqa: ANN001, ANN201
        a = ItemAdapter(item)
        limit = getattr(spider or self.crawler.spider, "max_duration", None)
        if a.get("duration") is None:
            self.stats.inc_value("mamoru/unknown_duration")
            return item
        if limit and a["duration"] > limit:
            self.stats.inc_value("mamoru/too_long")
            raise DropItem(f"{a['platform']} {a['platform_id']}: {a['duration']:.0f} s is longer than {limit} s")
        return item


def dedupe_key(item) -> tuple[str, str]:  # noqa: ANN001
    a = ItemAdapter(item)
    return a["platform"], a["platform_id"]


class DedupePipeline:
    """One item per (platform, platform id) per crawl; host aliases (x.com/twitter.com) already share
    one platform and id. Across crawls and watchlists the database upsert dedupes."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def process_item(self, item, spider=None):  # noqa: ANN001, ANN201
        key = dedupe_key(item)
        if key in self.seen:
            raise DropItem(f"duplicate {key[0]} {key[1]}")
        self.seen.add(key)
        return item


_UPDATABLE = ("title", "description", "uploader_id", "uploader_name", "duration", "hashtags", "view_count",
              "thumbnail_url", "media_url", "player_url")


class ClipUpsertPipeline:
    """Insert new clips (status new) and refresh rediscovered ones (last seen, metadata); never two rows
    for one (platform, platform id). Records new/seen counts and the ids that need fetching."""

    def __init__(self, crawler) -> None:  # noqa: ANN001
        self.settings = crawler.settings["MAMORU_SETTINGS"]
        self.persist = crawler.settings.getbool("MAMORU_PERSIST")
        self.stats = crawler.stats
        self.fetch_ids: list[int] = []

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler)

    def process_item(self, item, spider=None):  # noqa: ANN001, ANN201
        if not self.persist:
            return item
        for attempt in range(2):
            try:
                self._upsert(ItemAdapter(item))
                break
            except IntegrityError:  # a concurrent crawl inserted it first: update instead
                if attempt:
                    raise
        return item

    def _upsert(self, a: ItemAdapter) -> None:
        now = utcnow()
        with session_scope(self.settings) as session:
            clip = session.scalar(select(Clip).where(Clip.platform == a["platform"],
                                                     Clip.platform_id == a["platform_id"]))
            if clip is None:
                clip = Clip(platform=a["platform"], platform_id=a["platform_id"], url=a["canonical_url"],
                            page_url=a.get("page_url"), posted_at=a.get("published_at"), discovered_at=now,
                            last_seen_at=now, status=ClipStatus.new.value, status_changed_at=now,
                            watchlist_id=a.get("watchlist_id"), spider=a.get("spider"),
                            source_url=a.get("source_url"), hashtags=[], candidate=bool(a.get("candidate")))
                for key in _UPDATABLE:
                    if a.get(key) is not None:
                        setattr(clip, key, a[key])
                session.add(clip)
                session.flush()
                self.stats.inc_value("mamoru/new")
            else:
                clip.last_seen_at = now
                clip.url = a["canonical_url"]
                if a.get("page_url"):
                    clip.page_url = a["page_url"]
                if a.get("published_at") is not None:
                    clip.posted_at = a["published_at"]
                for key in _UPDATABLE:
                    value = a.get(key)
                    if value is not None and value != []:
                        setattr(clip, key, value)
                if clip.candidate and not a.get("candidate"):  # the page now shows its video
                    clip.candidate = False
            _apply_skip(clip, a.get("skip_reason"), a.get("skip_code"), now)
            if clip.status == ClipStatus.new.value and clip.id not in self.fetch_ids:
                self.fetch_ids.append(clip.id)
                self.stats.set_value("mamoru/fetch_clip_ids", list(self.fetch_ids))


def _apply_skip(clip: Clip, reason: str | None, code: str | None, now) -> None:  # noqa: ANN001
    """A clip the crawler may not request is skipped with the reason; one it may again is new again."""
    if reason and clip.status == ClipStatus.new.value:
        clip.status, clip.reason, clip.reason_code, clip.status_changed_at = (
            ClipStatus.skipped.value, reason, code, now)
    elif not reason and clip.status == ClipStatus.skipped.value and clip.reason_code == ROBOTS_CODE:
        clip.status, clip.reason, clip.reason_code, clip.status_changed_at = ClipStatus.new.value, None, None, now
