"""X (twitter.com and x.com, one platform): status and profile pages. X serves posts only to its
JavaScript app; Mamoru reads what the served HTML holds: a rendered timeline's articles (status links,
<video> players, times, text) or a status page's meta tags. Search and hashtags need a login."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from scrapy import Request

from crawler.parsing import clean_multiline, first, hashtags_in, parse_datetime
from crawler.platforms import base_url, video_ref
from crawler.spiders.base import ClipSpider
from core.targets import X_JS_ONLY as JS_ONLY


class XSpider(ClipSpider):
    name = "x"
    platform = "x"

    def start_page(self, value: str):  # noqa: ANN201
        yield Request(value, callback=self.parse_page)

    def start_search(self, value: str):  # noqa: ANN201
        """With the user's cookies: the search page's latest posts with video, as far as its HTML goes."""
        query = urlencode({"q": f"{value} filter:videos", "f": "live", "src": "typed_query"})
        yield Request(f"{base_url(self.msettings, 'x')}/search?{query}", callback=self.parse_page)

    def start_hashtag(self, value: str):  # noqa: ANN201
        yield from self.start_search("#" + value.lstrip("#＃").strip())

    def start_account(self, value: str):  # noqa: ANN201
        yield self.profile_request(value, lambda user: f"/{quote(user, safe='_')}")

    def parse_page(self, response):  # noqa: ANN001, ANN201
        sel = response.selector
        found = 0
        for article in sel.xpath("//article"):
            if not article.xpath(".//video | .//*[@data-testid='videoPlayer' or @data-testid='videoComponent']"):
                continue
            ref = None
            for href in article.xpath(".//a[contains(@href, '/status/')]/@href").getall():
                ref = video_ref(self.link_url(response, href), self.msettings)
                if ref and ref[0] == "x":
                    break
            if not ref:
                continue
            text = clean_multiline(article.xpath("string(.//div[@data-testid='tweetText'])").get())
            name = article.xpath("string(.//div[@data-testid='User-Name']//span)").get()
            found += 1
            yield self.clip(response, "x", ref[1], user=ref[2], title=(text or "").split("\n")[0][:300] or None,
                            description=text, uploader_id=ref[2], uploader_name=name or None,
                            published_at=parse_datetime(article.xpath(".//time/@datetime").get()),
                            hashtags=hashtags_in(text), thumbnail_url=article.xpath(".//video/@poster").get())
        if found:
            return
        ref = video_ref(response.url, self.msettings)
        if ref is not None:  # a status page: the meta tags X serves to crawlers, when it does
            meta = lambda name: sel.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content').get()  # noqa: E731
            if meta("og:video") or meta("og:video:url") or meta("twitter:player") or sel.xpath("//video"):
                description = first(meta("og:description"), meta("twitter:description"))
                yield self.clip(response, "x", ref[1], user=ref[2], title=first(meta("og:title")),
                                description=description, uploader_id=ref[2], hashtags=hashtags_in(description),
                                thumbnail_url=first(meta("og:image"), sel.xpath("//video/@poster").get()))
                return
        self.note(JS_ONLY.format(detail=f"no post with a video in {response.url}"))
