"""Item pipelines: validate -> short filter -> dedupe -> upsert Clip (watchlist runs only).

Fetching is enqueued by the caller of `run_watchlist_crawl` from the ids it returns, so the crawler
needs no Celery.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crawler.parsing import clean_text, is_http_url, parse_count
from core.db import session_scope
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
        for key in ("page_url", "thumbnail_url", "source_url"):
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
        a["title"] = clean_text(a.get("title"))
        if a.get("uploader_id") and len(str(a["uploader_id"])) > 200:  # the column holds 200
            a["uploader_id"] = str(a["uploader_id"])[:200]
        a["hashtags"] = [str(t) for t in (a.get("hashtags") or [])]
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
              "thumbnail_url")


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
                            source_url=a.get("source_url"), hashtags=[])
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
            if clip.status == ClipStatus.new.value and clip.id not in self.fetch_ids:
                self.fetch_ids.append(clip.id)
                self.stats.set_value("mamoru/fetch_clip_ids", list(self.fetch_ids))
