"""TikTok: video pages (the embedded `__UNIVERSAL_DATA_FOR_REHYDRATION__` / `SIGI_STATE` JSON), and
profile and hashtag pages as far as their served HTML goes: TikTok lists a profile's or a hashtag's
videos only to its JavaScript app through signed API calls, so Mamoru takes the video links present in
the page and says so when there are none."""

from __future__ import annotations

from urllib.parse import quote

from scrapy import Request

from crawler.extract import json_after, json_script
from crawler.parsing import first, hashtags_in, merge_tags, parse_count, parse_datetime, parse_duration
from crawler.platforms import base_url, video_ref
from crawler.spiders.base import ClipSpider
from core.targets import TIKTOK_JS_ONLY as JS_ONLY


class TiktokSpider(ClipSpider):
    name = "tiktok"
    platform = "tiktok"

    def start_page(self, value: str):  # noqa: ANN201
        yield Request(value, callback=self.parse_page)

    def start_account(self, value: str):  # noqa: ANN201
        yield self.profile_request(value, lambda user: f"/@{quote(user, safe='._-')}", listing="a profile's video list")

    def start_hashtag(self, value: str):  # noqa: ANN201
        tag = value.lstrip("#＃").strip()
        yield Request(f"{base_url(self.msettings, 'tiktok')}/tag/{quote(tag, safe='')}", callback=self.parse_page,
                      meta={"listing": "a hashtag's video list"})

    def parse_page(self, response):  # noqa: ANN001, ANN201
        sel = response.selector
        state = json_script(sel, "__UNIVERSAL_DATA_FOR_REHYDRATION__") or {}
        scope = state.get("__DEFAULT_SCOPE__") or {}
        structs = []
        detail = (scope.get("webapp.video-detail") or {}).get("itemInfo", {}).get("itemStruct")
        if isinstance(detail, dict):
            structs.append(detail)
        sigi = json_script(sel, "SIGI_STATE") or json_after(response.text, "window['SIGI_STATE']") or {}
        structs += [v for v in (sigi.get("ItemModule") or {}).values() if isinstance(v, dict)]
        seen = set()
        for struct in structs:
            item = self._item(response, struct)
            if item is not None and item["platform_id"] not in seen:
                seen.add(item["platform_id"])
                yield item
        own = video_ref(response.url, self.msettings)
        for href in [] if own else sel.xpath("//a/@href").getall():  # a listing's video links, as served
            ref = video_ref(self.link_url(response, href), self.msettings)
            if ref and ref[0] == "tiktok" and ref[1] not in seen:
                seen.add(ref[1])
                yield self.clip(response, "tiktok", ref[1], user=ref[2])
        detail_state = scope.get("webapp.video-detail") or {}
        if not seen and detail_state.get("statusCode") not in (None, 0):  # gone, private, region-locked
            self.note(f"TikTok says {detail_state.get('statusMsg') or detail_state.get('statusCode')} for {response.url}")
            return
        if not seen:
            ref = video_ref(response.url, self.msettings)
            if ref is not None:  # a video page without the state: what its meta tags say
                for item in self.page_clips(response):
                    yield item
                    seen.add(item["platform_id"])
        if not seen:
            status = (scope.get("webapp.video-detail") or {}).get("statusMsg") or (
                scope.get("webapp.user-detail") or {}).get("statusMsg")
            what = response.meta.get("listing") or "this page's videos"
            self.note(JS_ONLY.format(what=what, n="none") + (f" (TikTok says: {status})" if status else ""))

    def _item(self, response, struct: dict):  # noqa: ANN001, ANN202
        vid = str(struct.get("id") or "")
        if not vid.isdigit():
            return None
        author = struct.get("author")
        user = author.get("uniqueId") if isinstance(author, dict) else (author if isinstance(author, str) else None)
        nickname = author.get("nickname") if isinstance(author, dict) else struct.get("nickname")
        video = struct.get("video") or {}
        stats = struct.get("statsV2") or struct.get("stats") or {}
        desc = struct.get("desc") or ""
        tags = merge_tags([c.get("title") for c in struct.get("challenges") or [] if isinstance(c, dict)],
                          [t.get("hashtagName") for t in struct.get("textExtra") or [] if isinstance(t, dict)],
                          hashtags_in(desc))
        return self.clip(response, "tiktok", vid, user=user, title=desc.split("\n")[0][:300] or None,
                         description=desc or None, uploader_id=user, uploader_name=nickname,
                         published_at=parse_datetime(struct.get("createTime")),
                         duration=parse_duration(video.get("duration")) or None,
                         hashtags=tags, view_count=parse_count(stats.get("playCount")),
                         thumbnail_url=first(video.get("originCover"), video.get("cover"), video.get("dynamicCover")))
