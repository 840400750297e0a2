"""Spiders: one thin spider per platform over `ClipSpider`, and `WebSpider` for any site."""

from __future__ import annotations


def spider_classes() -> dict:
    """Platform name -> spider class."""
    from crawler.spiders.bilibili import BilibiliSpider
    from crawler.spiders.instagram import InstagramSpider
    from crawler.spiders.niconico import NiconicoSpider
    from crawler.spiders.tiktok import TiktokSpider
    from crawler.spiders.web import WebSpider
    from crawler.spiders.x import XSpider
    from crawler.spiders.youtube import YoutubeSpider

    return {cls.platform: cls for cls in (WebSpider, YoutubeSpider, TiktokSpider, InstagramSpider, XSpider,
                                          NiconicoSpider, BilibiliSpider)}
