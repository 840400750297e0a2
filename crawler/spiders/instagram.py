"""Instagram: post and reel pages (meta tags and ids; a logged-out page carries little more), profile
pages as far as the served HTML goes. Instagram shows profiles' posts, hashtags and search only to
logged-in clients, so those are links-in-page at best and said so."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from scrapy import Request

from crawler.extract import page_records
from crawler.parsing import first, hashtags_in, parse_count, parse_datetime, parse_duration
from crawler.platforms import base_url, video_ref
from crawler.spiders.base import ClipSpider
from core.targets import INSTAGRAM_LOGIN as LOGIN

APP_ID = "936619743392459"  # the web app's id, sent as X-IG-App-ID by instagram.com itself (and yt-dlp)


class InstagramSpider(ClipSpider):
    name = "instagram"
    platform = "instagram"

    def start_hashtag(self, value: str):  # noqa: ANN201
        """With the user's cookies: the web app's tag API (its recent and top posts)."""
        tag = value.lstrip("#＃").strip()
        yield Request(f"{base_url(self.msettings, 'instagram')}/api/v1/tags/web_info/?{urlencode({'tag_name': tag})}",
                      callback=self.parse_tag, headers={"X-IG-App-ID": APP_ID, "Accept": "application/json"},
                      meta={"handle_httpstatus_list": [401, 403], "dont_redirect": True})

    def parse_tag(self, response):  # noqa: ANN001, ANN201
        try:
            data = response.json() if response.status == 200 else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            self.note(f"Instagram did not accept the log-in for its tag pages (HTTP {response.status}); the cookies "
                      "file may have expired")
            return
        for media in _media_of(data):
            caption = (media.get("caption") or {}).get("text") if isinstance(media.get("caption"), dict) else None
            user = media.get("user") or {}
            yield self.clip(response, "instagram", media["code"], title=(caption or "").split("\n")[0] or None,
                            description=caption, uploader_id=user.get("username"),
                            uploader_name=user.get("full_name"), published_at=parse_datetime(media.get("taken_at")),
                            duration=parse_duration(media.get("video_duration")),
                            hashtags=hashtags_in(caption), view_count=parse_count(first(media.get("play_count"),
                                                                                       media.get("view_count"))))

    def start_page(self, value: str):  # noqa: ANN201
        yield Request(value, callback=self.parse_page)

    def start_account(self, value: str):  # noqa: ANN201
        yield self.profile_request(value, lambda user: f"/{quote(user, safe='._')}/")

    def parse_page(self, response):  # noqa: ANN001, ANN201
        sel = response.selector
        meta = lambda name: sel.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content').get()  # noqa: E731
        canonical = response.urljoin(first(sel.xpath('//link[@rel="canonical"]/@href').get(), meta("og:url"),
                                           response.url))
        ref = video_ref(canonical, self.msettings) or video_ref(response.url, self.msettings)
        if ref is not None and ref[0] == "instagram":
            is_video = (meta("og:type") or "").startswith("video") or meta("og:video") or meta("og:video:type") or \
                "/reel" in canonical or "/tv/" in canonical
            if not is_video:
                return  # a photo post
            records = page_records(sel, response.url)
            record = records[0] if len(records) == 1 else {}
            title = first(record.get("title"), meta("og:title"))
            description = first(record.get("description"), meta("og:description"))
            yield self.clip(response, "instagram", ref[1], title=title, description=description,
                            uploader_id=first(meta("instapp:owner_user_id"), record.get("uploader_id")),
                            uploader_name=record.get("uploader_name"), published_at=record.get("published_at"),
                            duration=record.get("duration"), hashtags=hashtags_in(title, description),
                            view_count=record.get("view_count"),
                            thumbnail_url=first(record.get("thumbnail_url"), meta("og:image") or None))
            return
        seen = set()
        for href in sel.xpath("//a/@href").getall():
            link = video_ref(self.link_url(response, href), self.msettings)
            if link and link[0] == "instagram" and link[1] not in seen:
                seen.add(link[1])
                yield self.clip(response, "instagram", link[1])
        if not seen:
            self.note(LOGIN.format(what="a profile's posts") + f"; no post links in {response.url}")


def _media_of(data: object) -> list[dict]:
    """The video posts anywhere in a tag API answer (sections -> layout_content -> medias -> media)."""
    found: dict[str, dict] = {}
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if isinstance(node.get("code"), str) and (node.get("media_type") == 2 or node.get("video_versions")):
                found.setdefault(node["code"], node)
            stack.extend(reversed([v for v in node.values() if isinstance(v, (dict, list))]))
    return list(found.values())
