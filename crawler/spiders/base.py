"""The base spider: targets (kind + value), item building, notes to the user, follow caps."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.constants import DEFAULT_MAX_DURATION_S, EXPLICIT_META, MAX_FOLLOWED_LINKS
from crawler.extract import is_video_record, page_canonical, page_records, web_platform_id
from crawler.items import ClipItem
from crawler.parsing import clean_multiline, clean_text, merge_tags, strip_tracking
from crawler.platforms import WEB, base_url, canonical_url, locate, public_page_url, video_ref
from core.targets import KINDS, UnsupportedTarget
from core.targets import check_target as check_watch_target

logger = logging.getLogger(__name__)
__all__ = ["KINDS", "ClipSpider", "UnsupportedTarget"]  # KINDS and UnsupportedTarget: core.targets' rule


class ClipSpider(scrapy.Spider):
    """Shared logic. Subclasses set `platform` and implement `start_<kind>(value)` for the kinds they
    support, each returning requests; `parse_*` callbacks yield `ClipItem`s via `clip()`."""

    platform = WEB
    name = "base"

    def __init__(self, kind: str = "page", value: str = "", watchlist_id: int | None = None,
                 max_duration: float | None = DEFAULT_MAX_DURATION_S, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if kind not in KINDS:
            raise UnsupportedTarget(f"unknown watchlist kind {kind!r} (one of {', '.join(KINDS)})")
        self.kind = kind
        self.value = value
        self.watchlist_id = int(watchlist_id) if watchlist_id not in (None, "") else None
        self.max_duration = max_duration
        self.notes: list[str] = []
        self.followed = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):  # noqa: ANN001, ANN206
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.msettings = crawler.settings["MAMORU_SETTINGS"]
        return spider

    @classmethod
    def check_target(cls, kind: str, value: str) -> None:
        """Raise UnsupportedTarget before any crawl when the platform cannot serve kind (core's rule, the
        same the watchlist service applies at input; a kind that needs a log-in is served when the user's
        cookies file for the platform is set and usable)."""
        from crawler.cookies import CookiesRefused, cookies_path, load_cookies

        cookies = cookies_path(cls.platform)
        if cookies is not None:
            try:
                load_cookies(cookies)
            except CookiesRefused as exc:
                raise UnsupportedTarget(f"{cls.platform}: {exc}") from None
        check_watch_target(cls.platform, kind, value, logged_in=cookies is not None)

    async def start(self):  # noqa: ANN201
        self.check_target(self.kind, self.value)
        for request in getattr(self, f"start_{self.kind}")(self.value.strip()):
            if self.kind == "page":
                request.meta[EXPLICIT_META] = True
            yield request

    # --- helpers for subclasses ------------------------------------------------------------------
    def note(self, message: str) -> None:
        """Something the user must know (a platform limit, a stop): logged once and reported."""
        if message not in self.notes:
            self.notes.append(message)
            logger.warning("%s: %s", self.platform, message)
            self.crawler.stats.set_value("mamoru/notes", list(self.notes))

    def stop(self, reason: str, *, now: bool = True) -> None:
        """Stop the crawl with a reason the user sees (outcome "stopped" and a note); `now=False` from
        `start_*` (which then yields nothing)."""
        from scrapy.exceptions import CloseSpider

        self.note(reason)
        self.crawler.stats.set_value("mamoru/stopped", reason)
        if now:
            raise CloseSpider("mamoru_stopped")

    def retry_rate_limited(self, response: Response, reason: str):  # noqa: ANN201
        """A platform answered "rate limited" in its body: back off and return the retry request (or
        None after the last try)."""
        from crawler.middlewares import backoff

        return backoff(self.crawler, response.request, response, reason)

    def profile_request(self, value: str, path: Callable[[str], str], **meta: Any) -> scrapy.Request:
        """A watched account: its URL when given one, else the platform's profile page at `path(name)`
        (the name without `@` or slashes), parsed by the subclass's `parse_page`."""
        if "://" in value:
            return scrapy.Request(value, callback=self.parse_page)
        name = value.lstrip("@").strip().strip("/")
        return scrapy.Request(base_url(self.msettings, self.platform) + path(name), callback=self.parse_page,
                              meta=meta)

    def may_follow(self) -> bool:
        if self.followed >= MAX_FOLLOWED_LINKS:
            return False
        self.followed += 1
        return True

    def clip(self, source: Response | str, platform: str, platform_id: str, *, user: str | None = None,
             canonical: str | None = None, **fields: Any) -> ClipItem:
        """A ClipItem with cleaned fields and provenance; canonical URL on the public host."""
        source_url = source if isinstance(source, str) else source.url
        if canonical is None:
            canonical = canonical_url(platform, platform_id, user) if platform != WEB else None
        item = ClipItem(
            platform=platform,
            platform_id=str(platform_id),
            canonical_url=canonical,
            page_url=fields.get("page_url") or canonical,
            media_url=fields.get("media_url"),
            player_url=fields.get("player_url"),
            title=clean_text(fields.get("title")),
            description=clean_multiline(fields.get("description")),
            uploader_id=clean_text(fields.get("uploader_id")),
            uploader_name=clean_text(fields.get("uploader_name")),
            published_at=fields.get("published_at"),
            duration=fields.get("duration"),
            hashtags=merge_tags(fields.get("hashtags")),
            view_count=fields.get("view_count"),
            thumbnail_url=fields.get("thumbnail_url"),
            source_url=public_page_url(source_url, self.msettings),
            watchlist_id=self.watchlist_id,
            spider=self.name,
            candidate=bool(fields.get("candidate")),
        )
        if item["page_url"]:
            item["page_url"] = public_page_url(item["page_url"], self.msettings)
        return item

    def clip_from_link(self, source: Response | str, url: str, **fields: Any) -> ClipItem | None:
        """An item for a link to a known platform's video page (ids from the URL), else None."""
        ref = video_ref(url, self.msettings)
        if ref is None:
            return None
        platform, pid, user = ref
        return self.clip(source, platform, pid, user=user, **fields)

    def web_clip(self, source: Response | str, page_url: str, record: dict, position: int | None = None
                 ) -> ClipItem | None:
        """An item for a video on any site, or None when the record names nothing to fetch. Its id is
        the page's; a page holding several videos gives each the id of its media file (the same whether
        the page or a sitemap listed it), or the page's plus its position when it has no file."""
        known = self.clip_from_link(source, page_url, **_fields(record))
        if known is not None:
            return known
        if not is_video_record(record):
            return None
        canonical = strip_tracking(page_url)
        if position is None:
            pid = web_platform_id(canonical)
        elif record.get("content_url"):
            pid = web_platform_id(record["content_url"])
        else:
            pid = web_platform_id(canonical, suffix=f"#{position}")
        return self.clip(source, WEB, pid, canonical=canonical,
                         **{**_fields(record), "page_url": record.get("page_url") or canonical})

    def page_clips(self, response: Response) -> Iterator[ClipItem]:
        """Items for the videos of an HTML page (any site or a platform page with standard markup), one
        per video."""
        records = page_records(response.selector, response.url)
        page = page_canonical(response.selector, response.url)
        several = len(records) > 1
        for position, record in enumerate(records, 1):
            own_page = record.get("link") if record.get("link") not in (None, page) else None
            if own_page:  # a listing of videos that each have their own page
                item = self.web_clip(response, own_page, record)
            else:
                item = self.web_clip(response, page, record, position if several else None)
            if item is not None:
                yield item

    def follow_all_capped(self, response: Response, urls: Iterable[str], callback, **meta: Any):  # noqa: ANN001
        for url in urls:
            if not self.may_follow():
                self.note(f"stopped following links after {MAX_FOLLOWED_LINKS} pages")
                return
            yield response.follow(url, callback=callback, meta=meta)

    def link_url(self, response: Response, href: str) -> str:
        """href made absolute; a root-relative link on a platform page stays under that platform's base
        URL (which may carry a path when a test serves the platform from 127.0.0.1)."""
        href = href.strip()
        if href.startswith("/") and not href.startswith("//"):
            platform = self.platform_of(response.url)
            if platform != WEB:
                from crawler.platforms import base_url

                return base_url(self.msettings, platform) + href
        return response.urljoin(href)

    def platform_of(self, url: str) -> str:
        return locate(url, self.msettings)[0]


def _fields(record: dict) -> dict:
    """An extractor record's item fields: its media file is the item's media_url, its embed or player
    the player_url."""
    keys = ("title", "description", "uploader_id", "uploader_name", "published_at", "duration", "hashtags",
            "view_count", "thumbnail_url", "page_url")
    fields = {k: record.get(k) for k in keys if record.get(k) is not None}
    fields["media_url"] = record.get("content_url")
    fields["player_url"] = record.get("player_url") or record.get("embed_url")
    return fields
