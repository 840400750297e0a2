"""Niconico: the snapshot search API (keywords and exact tags, no key), RSS feeds (tag/keyword search
`?rss=2.0`, rankings, users' uploads) and watch pages."""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from urllib.parse import quote, urlencode

from parsel import Selector
from scrapy import Request

from crawler.extract import feed_records, xml_selector
from crawler.parsing import (
    first,
    hashtags_in,
    merge_tags,
    parse_count,
    parse_datetime,
    parse_duration,
    strip_tags,
)
from crawler.platforms import api_url, base_url, video_ref
from crawler.spiders.base import ClipSpider

JST = timezone(timedelta(hours=9))
FIELDS = "contentId,title,description,userId,channelId,viewCounter,lengthSeconds,thumbnailUrl,startTime,tags"
_RANK_PREFIX = re.compile(r"^第\d+位[:：]\s*")


class NiconicoSpider(ClipSpider):
    name = "niconico"
    platform = "niconico"

    def _api(self, term: str, targets: str):  # noqa: ANN202
        params = {"q": term, "targets": targets, "fields": FIELDS, "_sort": "-startTime", "_limit": 100,
                  "_context": "mamoru"}
        return Request(f"{api_url(self.msettings, 'niconico')}/video/contents/search?{urlencode(params)}",
                       callback=self.parse_api, meta={"handle_httpstatus_list": [400, 429, 500, 503]})

    def start_search(self, value: str):  # noqa: ANN201
        yield self._api(value, "title,description,tags")

    def start_hashtag(self, value: str):  # noqa: ANN201
        yield self._api(value.lstrip("#＃"), "tagsExact")

    def start_account(self, value: str):  # noqa: ANN201
        user = value.rstrip("/").rsplit("/", 1)[-1] if "://" in value else value.strip()
        yield Request(f"{base_url(self.msettings, 'niconico')}/user/{quote(user, safe='')}/video?rss=2.0",
                      callback=self.parse_feed)

    def start_feed(self, value: str):  # noqa: ANN201
        yield Request(value, callback=self.parse_feed)

    def start_page(self, value: str):  # noqa: ANN201
        if "rss=" in value:
            yield Request(value, callback=self.parse_feed)
        else:
            yield Request(value, callback=self.parse_page)

    def parse_api(self, response):  # noqa: ANN001, ANN201
        try:
            data = response.json()
        except ValueError:
            data = {}
        status = (data.get("meta") or {}).get("status", response.status)
        if status == 429 or response.status == 429:
            retry = self.retry_rate_limited(response, "niconico snapshot API 429")
            if retry is not None:
                yield retry
            return
        if status != 200:
            meta = data.get("meta") or {}
            self.note(f"niconico snapshot API answered {status}: {meta.get('errorCode', '')} "
                      f"{meta.get('errorMessage', '')}".strip())
            self.crawler.stats.inc_value("mamoru/api_errors")
            return
        for video in data.get("data") or []:
            vid = video.get("contentId")
            if not vid:
                continue
            tags = (video.get("tags") or "").split()
            description = strip_tags(video.get("description"))  # the API's descriptions are HTML
            uploader = video.get("userId") or video.get("channelId")
            yield self.clip(response, "niconico", vid, title=video.get("title"), description=description,
                            uploader_id=None if uploader is None else str(uploader),
                            published_at=parse_datetime(video.get("startTime")),
                            duration=parse_duration(video.get("lengthSeconds")),
                            hashtags=merge_tags(tags, hashtags_in(description)),
                            view_count=parse_count(video.get("viewCounter")),
                            thumbnail_url=video.get("thumbnailUrl"))

    def parse_feed(self, response):  # noqa: ANN001, ANN201
        for record in feed_records(xml_selector(response.body), response.url):
            ref = video_ref(record.get("link") or "", self.msettings)
            if ref is None or ref[0] != "niconico":
                continue
            yield self.clip(response, "niconico", ref[1], **feed_fields(record))

    def parse_page(self, response):  # noqa: ANN001, ANN201
        ref = video_ref(response.url, self.msettings)
        for item in self.page_clips(response):
            if ref is not None and item["platform"] == "web":
                continue
            yield item


def feed_fields(record: dict) -> dict:
    """A niconico RSS/Atom entry's fields: its HTML (description or Atom content) holds the length, the
    Japan-time date, views and thumbnail; ranking titles lose their "第N位：" prefix."""
    info = Selector(text=record.get("description_html") or "<p></p>")
    posted = info.xpath('string(//*[@class="nico-info-date"])').get()
    posted_at = parse_datetime(posted.replace("：", ":")) if posted else None
    if posted_at is not None:  # the feed writes Japan time without saying so
        posted_at = posted_at.replace(tzinfo=JST).astimezone(timezone.utc)
    title = _RANK_PREFIX.sub("", record.get("title") or "")
    description = strip_tags(info.xpath('string(//*[@class="nico-description"])').get())
    return {"title": title, "description": description, "published_at": first(posted_at, record.get("published_at")),
            "duration": parse_duration(info.xpath('string(//*[@class="nico-info-length"])').get()),
            "hashtags": merge_tags(record.get("hashtags"), hashtags_in(title, description)),
            "view_count": parse_count(info.xpath('string(//*[@class="nico-info-total-view"])').get()),
            "thumbnail_url": first(info.xpath('//*[@class="nico-thumbnail"]//img/@src').get(),
                                   record.get("thumbnail_url")),
            "uploader_name": record.get("uploader_name")}
