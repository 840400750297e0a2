"""The one item the crawler emits: a clip, as the platforms describe it."""

from __future__ import annotations

from datetime import datetime

import scrapy

from crawler.constants import ITEM_FIELDS, PROVENANCE_FIELDS
from crawler.parsing import iso_utc


class ClipItem(scrapy.Item):
    """A discovered short video. `canonical_url` (public host, no tracking) is what yt-dlp gets."""

    platform = scrapy.Field()
    platform_id = scrapy.Field()
    canonical_url = scrapy.Field()
    page_url = scrapy.Field()
    media_url = scrapy.Field()  # the video file found on the page / in the feed or sitemap, or None
    player_url = scrapy.Field()  # the page's player (twitter:player, embedUrl, player_loc), or None
    title = scrapy.Field()
    description = scrapy.Field()
    uploader_id = scrapy.Field()
    uploader_name = scrapy.Field()
    published_at = scrapy.Field()  # aware UTC datetime or None
    duration = scrapy.Field()  # seconds (float) or None when the document does not say
    hashtags = scrapy.Field()
    view_count = scrapy.Field()
    thumbnail_url = scrapy.Field()
    source_url = scrapy.Field()  # the document the clip was found in
    candidate = scrapy.Field()  # True: a post given explicitly whose page showed no video
    skip_reason = scrapy.Field()  # why the fetcher will not download it (robots.txt), or None
    skip_code = scrapy.Field()  # the reason's short code
    watchlist_id = scrapy.Field()
    spider = scrapy.Field()


def item_to_json(item: ClipItem | dict) -> dict:
    """The item's public fields as JSON-able values (`mamoru discover --json`)."""
    out = {}
    for name in ITEM_FIELDS:
        value = item.get(name)
        if isinstance(value, datetime):
            value = iso_utc(value)
        if name == "hashtags":
            value = list(value or [])
        if name == "candidate":
            value = bool(value)
        out[name] = value
    return out


__all__ = ["ClipItem", "item_to_json", "ITEM_FIELDS", "PROVENANCE_FIELDS"]
