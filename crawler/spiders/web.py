"""Any site: a page, a feed (RSS/Atom/Media RSS), a sitemap (video sitemaps, indexes, .gz) or a
robots.txt / site root whose sitemaps are followed. The document type is read from the document."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip

from crawler.extract import (
    feed_records,
    page_feeds,
    page_links,
    robots_sitemaps,
    sitemap_records,
    xml_root,
    xml_selector,
)
from crawler.spiders.base import ClipSpider
from crawler.spiders.niconico import feed_fields as nico_feed_fields

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed sitemap


class WebSpider(ClipSpider):
    name = "web"
    platform = "web"

    def start_page(self, value: str):  # noqa: ANN201
        yield self._request(value, depth=0)

    start_feed = start_page

    def start_sitemap(self, value: str):  # noqa: ANN201
        parts = urlsplit(value)
        if parts.path in ("", "/"):  # a site: the sitemaps its robots.txt names, else /sitemap.xml
            yield self._request(urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", "")), depth=0)
        else:
            yield self._request(value, depth=0)

    def _request(self, url: str, depth: int):  # noqa: ANN202
        from scrapy import Request

        return Request(url, callback=self.parse_document, meta={"mamoru_depth": depth})

    # --- one callback for every document -------------------------------------------------------------
    def parse_document(self, response: Response):  # noqa: ANN201
        depth = response.meta.get("mamoru_depth", 0)
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
            except ValueError:
                self.note(f"could not decompress {response.url}")
                return
        head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        path = urlsplit(response.url).path.lower()
        if path.endswith("/robots.txt"):
            yield from self.parse_robots(response, body)
        elif head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<urlset", b"<sitemapindex",
                                                           b"<rdf")):
            yield from self.parse_xml(response, body, depth)
        elif isinstance(response, TextResponse):
            yield from self.parse_html(response, depth)

    def parse_robots(self, response: Response, body: bytes):  # noqa: ANN201
        sitemaps = robots_sitemaps(body.decode("utf-8", "replace"), response.url)
        if not sitemaps:
            parts = urlsplit(response.url)
            sitemaps = [urlunsplit((parts.scheme, parts.netloc, "/sitemap.xml", "", ""))]
        for url in sitemaps:
            yield self._request(url, depth=0)

    def parse_xml(self, response: Response, body: bytes, depth: int):  # noqa: ANN201
        sel = xml_selector(body)
        root = xml_root(sel)
        if root in ("urlset", "sitemapindex"):
            records, pages, children = sitemap_records(sel, response.url)
            for record in records:
                target = record.get("link") or record.get("content_url")
                item = self.web_clip(response, target, record, record.get("position")) if target else None
                if item is not None:
                    yield item
            for url in children:
                if self.may_follow():
                    yield self._request(url, depth=0)
            for url in pages:  # plain sitemap: the pages may hold videos
                item = self.clip_from_link(response, url)
                if item is not None:
                    yield item
                elif depth == 0 and self.may_follow():
                    yield self._request(url, depth=1)
            return
        for record in feed_records(sel, response.url):
            link = record.get("link")
            if record.get("video_id"):  # a YouTube channel feed
                yield self.clip(response, "youtube", record["video_id"], **_record_fields(record))
            elif link and self.platform_of(link) != "web" and self.clip_from_link(response, link):
                fields = nico_feed_fields(record) if self.platform_of(link) == "niconico" else _record_fields(record)
                yield self.clip_from_link(response, link, **fields)
            elif record.get("content_url"):
                item = self.web_clip(response, link or record["content_url"], record)
                if item is not None:
                    yield item
            elif link and depth == 0 and self.may_follow():  # the entry's page may hold the video
                yield self._request(link, depth=1)

    def parse_html(self, response: TextResponse, depth: int):  # noqa: ANN201
        found = False
        for item in self.page_clips(response):
            found = True
            yield item
        if found or depth > 0:
            return
        sel = response.selector
        for iframe in sel.xpath("//iframe/@src").getall():  # embedded platform players
            item = self.clip_from_link(response, response.urljoin(iframe))
            if item is not None:
                found = True
                yield item
        for url in page_links(sel, response.url) + [response.urljoin(h) for h in sel.xpath("//a/@href").getall()]:
            if self.platform_of(url) != "web":
                item = self.clip_from_link(response, url)
                if item is not None:
                    found = True
                    yield item
        if found:
            return
        # a listing page: follow its feeds and its links, one level deep
        for url in page_feeds(sel, response.url) + page_links(sel, response.url):
            if not self.may_follow():
                break
            yield self._request(url, depth=1)


def _record_fields(record: dict) -> dict:
    keys = ("title", "description", "uploader_id", "uploader_name", "published_at", "duration", "hashtags",
            "view_count", "thumbnail_url")
    return {k: record[k] for k in keys if record.get(k) is not None}
