"""Bilibili: the video search API (keywords; a hashtag is searched as a keyword) and video pages
(`window.__INITIAL_STATE__`). Bilibili answers code -412 ("request was intercepted") to clients it
rate-limits: Mamoru backs off and reports it. Users' upload lists need signed (WBI) requests and are
not supported."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from scrapy import Request

from crawler.extract import json_after
from crawler.parsing import (
    absolute_url,
    hashtags_in,
    merge_tags,
    parse_count,
    parse_datetime,
    parse_duration,
    strip_tags,
)
from crawler.platforms import api_url, video_ref
from crawler.spiders.base import ClipSpider

RATE_LIMIT_CODES = {-412, -509, -799}
MAX_PAGES = 2


class BilibiliSpider(ClipSpider):
    name = "bilibili"
    platform = "bilibili"

    def _search(self, keyword: str, page: int):  # noqa: ANN202
        params = {"search_type": "video", "keyword": keyword, "page": page, "order": "pubdate",
                  "duration": 1}  # duration 1: under 10 minutes
        # the API refuses clients without a buvid3 cookie (as yt-dlp's bilisearch does, a fresh random one)
        return Request(f"{api_url(self.msettings, 'bilibili')}/x/web-interface/search/type?{urlencode(params)}",
                       callback=self.parse_search, headers={"Cookie": f"buvid3={uuid.uuid4()}infoc",
                                                            "Referer": "https://www.bilibili.com/"},
                       meta={"keyword": keyword, "page": page, "handle_httpstatus_list": [412]})

    def start_search(self, value: str):  # noqa: ANN201
        yield self._search(value, 1)

    def start_hashtag(self, value: str):  # noqa: ANN201
        yield self._search(value.lstrip("#＃"), 1)

    def start_page(self, value: str):  # noqa: ANN201
        yield Request(value, callback=self.parse_page)

    def parse_search(self, response):  # noqa: ANN001, ANN201
        try:
            data = response.json()
        except ValueError:
            data = {"code": -412} if response.status == 412 else {}
        code = data.get("code")
        if code in RATE_LIMIT_CODES or response.status == 412:
            retry = self.retry_rate_limited(response, f"Bilibili code {code}: {data.get('message', '')}".strip())
            if retry is not None:
                yield retry
            else:
                self.note(f"Bilibili kept refusing the search (code {code}, rate limited)")
            return
        if code != 0:
            self.note(f"Bilibili search answered code {code}: {data.get('message')}")
            self.crawler.stats.inc_value("mamoru/api_errors")
            return
        body = data.get("data") or {}
        for video in body.get("result") or []:
            if not isinstance(video, dict) or video.get("type", "video") != "video":
                continue
            vid = video.get("bvid") or (f"av{video['aid']}" if video.get("aid") else None)
            if not vid:
                continue
            description = strip_tags(video.get("description"))
            yield self.clip(response, "bilibili", vid, title=strip_tags(video.get("title")), description=description,
                            uploader_id=None if video.get("mid") is None else str(video["mid"]),
                            uploader_name=video.get("author"), published_at=parse_datetime(video.get("pubdate")),
                            duration=parse_duration(video.get("duration")),
                            hashtags=merge_tags(video.get("tag"), hashtags_in(description)),
                            view_count=parse_count(video.get("play")),
                            thumbnail_url=absolute_url(response.url, video.get("pic")))
        page = response.meta["page"]
        if page < min(body.get("numPages") or 1, self.crawler.settings.getint("MAMORU_BILIBILI_PAGES", MAX_PAGES)):
            yield self._search(response.meta["keyword"], page + 1)

    def parse_page(self, response):  # noqa: ANN001, ANN201
        state = json_after(response.text, "window.__INITIAL_STATE__") or {}
        video = state.get("videoData") or {}
        ref = video_ref(response.url, self.msettings)
        vid = video.get("bvid") or (ref[1] if ref else None)
        if not vid:
            yield from self.page_clips(response)
            return
        owner = video.get("owner") or {}
        title = video.get("title")
        description = video.get("desc")
        if not video:
            items = [i for i in self.page_clips(response)]
            if items:
                record = items[0]
                title, description = record.get("title"), record.get("description")
        yield self.clip(response, "bilibili", vid, title=title, description=description,
                        uploader_id=None if owner.get("mid") is None else str(owner["mid"]),
                        uploader_name=owner.get("name"), published_at=parse_datetime(video.get("pubdate")),
                        duration=parse_duration(video.get("duration")),
                        hashtags=merge_tags([t.get("tag_name") for t in state.get("tags") or [] if isinstance(t, dict)],
                                            hashtags_in(title, description)),
                        view_count=parse_count((video.get("stat") or {}).get("view")),
                        thumbnail_url=absolute_url(response.url, video.get("pic")))
