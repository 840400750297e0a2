"""YouTube: Data API v3 search (key and daily unit budget from settings), channel Atom feeds (no key),
watch/shorts pages. Shorts are told apart by duration (videos.list contentDetails), YouTube's own rule
being "up to 3 minutes"."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from scrapy import Request

from crawler.constants import YOUTUBE_SEARCH_MAX_PAGES, YOUTUBE_UNITS
from crawler.extract import feed_records, json_after, xml_selector
from crawler.parsing import first, hashtags_in, parse_count, parse_datetime, parse_duration
from crawler.platforms import api_url, base_url
from crawler.quota import QuotaBudget
from crawler.spiders.base import ClipSpider

_CHANNEL_ID = re.compile(r"UC[0-9A-Za-z_-]{22}")


class YoutubeSpider(ClipSpider):
    name = "youtube"
    platform = "youtube"

    # --- targets ------------------------------------------------------------------------------------
    def start_search(self, value: str):  # noqa: ANN201
        if not self.msettings.youtube_api_key:
            self.stop("YouTube search needs a Data API key (MAMORU_YOUTUBE_API_KEY); without one, watch "
                      "channels (kind account) through their feeds", now=False)
            return
        request = self._search_request(value, None, 1)
        if request is not None:
            yield request

    def start_hashtag(self, value: str):  # noqa: ANN201
        yield from self.start_search("#" + value.lstrip("#＃"))

    def start_account(self, value: str):  # noqa: ANN201
        value = value.strip()
        match = _CHANNEL_ID.fullmatch(value) or _CHANNEL_ID.search(value if "/channel/" in value else "")
        if match:
            yield self._feed_request(match.group(0))
            return
        handle = value.rstrip("/").rsplit("/", 1)[-1] if "://" in value else value
        handle = handle if handle.startswith("@") else "@" + handle
        yield Request(f"{base_url(self.msettings, 'youtube')}/{handle}", callback=self.parse_channel_page)

    def start_feed(self, value: str):  # noqa: ANN201
        yield Request(value, callback=self.parse_feed)

    def start_page(self, value: str):  # noqa: ANN201
        if "/feeds/videos.xml" in value:
            yield Request(value, callback=self.parse_feed)
        elif re.search(r"/(@[^/?]+|channel/UC[^/?]+|c/[^/?]+|user/[^/?]+)/?(\?|$|/(videos|shorts))", value):
            yield Request(value, callback=self.parse_channel_page)
        else:
            yield Request(value, callback=self.parse_watch_page)

    # --- Data API -------------------------------------------------------------------------------------
    def _reserve(self, method: str) -> bool:
        budget = QuotaBudget(self.msettings, "youtube", self.msettings.youtube_daily_quota)
        if budget.reserve(YOUTUBE_UNITS[method]):
            self.crawler.stats.inc_value("mamoru/youtube_units", YOUTUBE_UNITS[method])
            return True
        return False

    def _api_request(self, path: str, params: dict, callback, **meta):  # noqa: ANN001, ANN202
        # the key travels in a header, so it never shows in logged URLs
        return Request(f"{api_url(self.msettings, 'youtube')}/{path}?{urlencode(params)}", callback=callback,
                       headers={"X-Goog-Api-Key": self.msettings.youtube_api_key, "Accept": "application/json"},
                       meta={"handle_httpstatus_list": [400, 403], **meta})

    def _quota_stop(self, method: str) -> None:
        budget = QuotaBudget(self.msettings, "youtube", self.msettings.youtube_daily_quota)
        self.stop(f"YouTube Data API daily budget reached: {budget.used()} of {budget.daily_budget} units used "
                  f"today (Pacific time); {method} costs {YOUTUBE_UNITS[method]}. Raise MAMORU_YOUTUBE_DAILY_QUOTA "
                  "or wait for tomorrow", now=False)

    def _search_request(self, term: str, page_token: str | None, page: int):  # noqa: ANN202
        if not self._reserve("search.list"):
            self._quota_stop("search.list")
            return None
        params = {"part": "snippet", "type": "video", "q": term, "maxResults": 50, "order": "date",
                  "videoDuration": "short", "safeSearch": "none"}
        if page_token:
            params["pageToken"] = page_token
        return self._api_request("search", params, self.parse_search, term=term, page=page)

    def _api_error(self, response) -> bool:  # noqa: ANN001
        """True when the answer is an API error (handled: stop, back off or note)."""
        if response.status < 400:
            return False
        try:
            error = json.loads(response.text).get("error", {})
        except ValueError:
            error = {}
        reasons = {e.get("reason") for e in error.get("errors", []) if isinstance(e, dict)}
        message = error.get("message") or f"HTTP {response.status}"
        if reasons & {"quotaExceeded", "dailyLimitExceeded"}:
            self.stop(f"YouTube Data API quota exhausted for today (Google says: {message})")
        if reasons & {"rateLimitExceeded", "userRateLimitExceeded"}:
            return self._retry(response, "YouTube rateLimitExceeded")
        self.note(f"YouTube Data API error {response.status}: {message}")
        self.crawler.stats.inc_value("mamoru/api_errors")
        return True

    def _retry(self, response, reason: str) -> bool:  # noqa: ANN001
        retry = self.retry_rate_limited(response, reason)
        if retry is not None:
            self._pending_retry = retry
        return True

    def parse_search(self, response):  # noqa: ANN001, ANN201
        self._pending_retry = None
        if self._api_error(response):
            if self._pending_retry is not None:
                yield self._pending_retry
            return
        data = response.json()
        ids = [item["id"]["videoId"] for item in data.get("items", [])
               if isinstance(item.get("id"), dict) and item["id"].get("videoId")]
        snippets = {item["id"]["videoId"]: item.get("snippet", {}) for item in data.get("items", [])
                    if isinstance(item.get("id"), dict) and item["id"].get("videoId")}
        if ids:
            if self._reserve("videos.list"):
                yield self._api_request("videos", {"part": "snippet,contentDetails,statistics", "id": ",".join(ids),
                                                   "maxResults": 50}, self.parse_videos, snippets=snippets)
            else:  # no units for durations: the search results alone, duration unknown
                self._quota_stop("videos.list")
                for vid, snippet in snippets.items():
                    yield self._video_item(response, vid, snippet, {}, {})
        token = data.get("nextPageToken")
        page = response.meta["page"]
        max_pages = self.crawler.settings.getint("MAMORU_YOUTUBE_SEARCH_PAGES", YOUTUBE_SEARCH_MAX_PAGES)
        if token and page < max_pages and not self.crawler.stats.get_value("mamoru/stopped"):
            request = self._search_request(response.meta["term"], token, page + 1)
            if request is not None:
                yield request

    def parse_videos(self, response):  # noqa: ANN001, ANN201
        self._pending_retry = None
        if self._api_error(response):
            if self._pending_retry is not None:
                yield self._pending_retry
            return
        for video in response.json().get("items", []):
            vid = video.get("id")
            if not isinstance(vid, str):
                continue
            yield self._video_item(response, vid, video.get("snippet", {}), video.get("contentDetails", {}),
                                   video.get("statistics", {}))

    def _video_item(self, response, vid: str, snippet: dict, details: dict, stats: dict):  # noqa: ANN001, ANN202
        thumbs = snippet.get("thumbnails") or {}
        thumb = first(*(thumbs.get(k, {}).get("url") for k in ("maxres", "standard", "high", "medium", "default")))
        description = snippet.get("description")
        return self.clip(response, "youtube", vid, title=snippet.get("title"), description=description,
                         uploader_id=snippet.get("channelId"), uploader_name=snippet.get("channelTitle"),
                         published_at=parse_datetime(snippet.get("publishedAt")),
                         duration=parse_duration(details.get("duration")),
                         hashtags=hashtags_in(snippet.get("title"), description),
                         view_count=parse_count(stats.get("viewCount")), thumbnail_url=thumb)

    # --- channels and feeds (no key) -----------------------------------------------------------------
    def _feed_request(self, channel_id: str):  # noqa: ANN202
        return Request(f"{base_url(self.msettings, 'youtube')}/feeds/videos.xml?channel_id={channel_id}",
                       callback=self.parse_feed)

    def parse_channel_page(self, response):  # noqa: ANN001, ANN201
        sel = response.selector
        channel = first(sel.xpath('//meta[@itemprop="identifier" or @itemprop="channelId"]/@content').get(),
                        *(m.group(0) for m in [_CHANNEL_ID.search(sel.xpath('//link[@rel="canonical"]/@href').get()
                                                                  or "")] if m))
        if not channel:
            match = re.search(r'"(?:externalId|channelId|browseId)"\s*:\s*"(UC[0-9A-Za-z_-]{22})"', response.text)
            channel = match.group(1) if match else None
        if not channel:
            self.note(f"no channel id found on {response.url}; give the channel id (UC...) instead")
            return
        yield self._feed_request(channel)

    def parse_feed(self, response):  # noqa: ANN001, ANN201
        records = feed_records(xml_selector(response.body), response.url)
        items = []
        for record in records:
            vid = record.get("video_id")
            if not vid:
                ref = self.clip_from_link(response, record.get("link") or "")
                if ref is None:
                    continue
                vid = ref["platform_id"]
            link = record.get("link") or ""
            items.append(self.clip(
                response, "youtube", vid, title=record.get("title"), description=record.get("description"),
                uploader_id=record.get("channel_id") or record.get("uploader_id"),
                uploader_name=record.get("uploader_name"), published_at=record.get("published_at"),
                hashtags=record.get("hashtags"), view_count=record.get("view_count"),
                thumbnail_url=record.get("thumbnail_url"),
                page_url=link if "/shorts/" in link else None))
        if items and self.msettings.youtube_api_key and self._reserve("videos.list"):
            # durations (and so Shorts) from videos.list: 1 unit for up to 50 ids
            snippets = {item["platform_id"]: {} for item in items[:50]}
            self._feed_items = {item["platform_id"]: item for item in items}
            yield self._api_request("videos", {"part": "contentDetails,statistics", "id": ",".join(snippets)},
                                    self.parse_feed_durations)
            return
        yield from items

    def parse_feed_durations(self, response):  # noqa: ANN001, ANN201
        items = dict(getattr(self, "_feed_items", {}))
        if response.status < 400:
            for video in response.json().get("items", []):
                item = items.get(video.get("id"))
                if item is not None:
                    item["duration"] = parse_duration((video.get("contentDetails") or {}).get("duration"))
                    item["view_count"] = parse_count((video.get("statistics") or {}).get("viewCount")) or item.get(
                        "view_count")
        yield from items.values()

    # --- watch and shorts pages -----------------------------------------------------------------------
    def parse_watch_page(self, response):  # noqa: ANN001, ANN201
        player = json_after(response.text, "ytInitialPlayerResponse")
        details = (player or {}).get("videoDetails") or {}
        micro = ((player or {}).get("microformat") or {}).get("playerMicroformatRenderer") or {}
        ref = self.clip_from_link(response, response.url)
        vid = details.get("videoId") or (ref["platform_id"] if ref else None)
        if not vid:
            yield from self.page_clips(response)
            return
        sel = response.selector
        meta = lambda name: sel.xpath(f'//meta[@itemprop="{name}" or @property="{name}" or @name="{name}"]/@content'
                                      ).get()  # noqa: E731
        thumbs = ((details.get("thumbnail") or {}).get("thumbnails") or [{}])
        description = first(details.get("shortDescription"), meta("description"), meta("og:description"))
        title = first(details.get("title"), meta("name"), meta("og:title"))
        yield self.clip(response, "youtube", vid, title=title, description=description,
                        uploader_id=first(details.get("channelId"), meta("channelId")),
                        uploader_name=first(details.get("author"), micro.get("ownerChannelName")),
                        published_at=parse_datetime(first(micro.get("publishDate"), micro.get("uploadDate"),
                                                          meta("datePublished"), meta("uploadDate"))),
                        duration=parse_duration(first(details.get("lengthSeconds"), micro.get("lengthSeconds"),
                                                      meta("duration"))),
                        hashtags=hashtags_in(title, description),
                        view_count=parse_count(first(details.get("viewCount"), meta("interactionCount"))),
                        thumbnail_url=first(thumbs[-1].get("url"), meta("og:image")),
                        page_url=response.url if "/shorts/" in response.url else None)
