"""Instagram (work in progress)."""

from __future__ import annotations

from crawler.spiders.base import ClipSpider


class InstagramSpider(ClipSpider):
    name = "instagram"
    platform = "instagram"

    def start_page(self, value: str):  # noqa: ANN201
        from scrapy import Request

        yield Request(value, callback=self.parse_page)

    def parse_page(self, response):  # noqa: ANN001, ANN201
        yield from self.page_clips(response)
