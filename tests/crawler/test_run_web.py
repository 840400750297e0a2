"""The generic spider and `crawler.run` against a demo-shaped site on 127.0.0.1 (child processes)."""

from __future__ import annotations

from sqlalchemy import select

from crawler_testkit import FAST, crawl_env, run_module
from core.db import session_scope
from core.models import Clip, RightsHolder, Watchlist
from crawler_sites import demo_site


def _watchlist(settings, kind: str, value: str, max_duration: int | None = 180, platform: str = "web") -> int:
    with session_scope(settings) as session:
        holder = session.scalar(select(RightsHolder).where(RightsHolder.name == "Studio")) or RightsHolder(
            name="Studio")
        session.add(holder)
        session.flush()
        wl = Watchlist(rights_holder_id=holder.id, platform=platform, kind=kind, value=value,
                       max_duration_s=max_duration)
        session.add(wl)
        session.flush()
        return wl.id


def _run(settings, watchlist_id: int, *extra: str):
    return run_module([f"--watchlist={watchlist_id}", *FAST, *extra], crawl_env(settings.home))


def test_discover_feed_gives_clean_items(server, discover):
    demo_site(server)
    result = discover(f"{server.base}/feed.rss")
    assert result.returncode == 0, result.stderr
    by_id = {item["platform_id"]: item for item in result.items}
    assert set(by_id) == {"127.0.0.1/v/-k9Xq2", "127.0.0.1/v/op42"}
    clip = by_id["127.0.0.1/v/-k9Xq2"]
    assert clip["platform"] == "web"
    assert clip["canonical_url"] == f"{server.base}/v/-k9Xq2"  # tracking parameters gone
    assert clip["title"] == "炭治郎 & 禰豆子 dance #鬼滅の刃"  # unescaped, Japanese intact
    assert clip["hashtags"] == ["鬼滅の刃", "anime"]
    assert clip["published_at"] == "2026-11-20T00:30:00Z"
    assert clip["duration"] == 4.0
    assert clip["source_url"] == f"{server.base}/feed.rss"
    assert list(clip) == ["platform", "platform_id", "canonical_url", "page_url", "media_url", "player_url", "title",
                          "description", "uploader_id", "uploader_name", "published_at", "duration", "hashtags",
                          "view_count", "thumbnail_url", "source_url", "candidate", "skip_reason"]
    assert clip["media_url"] == f"{server.base}/media/-k9Xq2.mp4"  # the feed's enclosure, for the fetcher
    assert result.outcome["items"] == 2 and result.outcome["errors"] == 0 and result.outcome["stopped"] is None
    assert "/about" in server.paths()  # the entry without media was looked at, and yielded nothing


def test_discover_page_reads_jsonld(server, discover):
    demo_site(server)
    result = discover(f"{server.base}/v/-k9Xq2")
    assert result.returncode == 0, result.stderr
    [clip] = result.items
    assert clip["platform_id"] == "127.0.0.1/v/-k9Xq2"
    assert clip["uploader_name"] == "アニメ好き"
    assert clip["view_count"] == 1234
    assert clip["published_at"] == "2026-11-20T00:30:00Z"  # +09:00 turned into UTC


def test_discover_home_follows_links_and_sitemap(server, discover):
    demo_site(server)
    home = discover(f"{server.base}/")
    assert {i["platform_id"] for i in home.items} == {"127.0.0.1/v/-k9Xq2", "127.0.0.1/v/op42"}
    sitemap = discover(f"{server.base}/", kind="sitemap")  # a site root: sitemaps named in robots.txt
    assert {i["platform_id"] for i in sitemap.items} == {"127.0.0.1/v/-k9Xq2", "127.0.0.1/v/op42"}
    assert "/sitemap.xml" in server.paths()


def test_page_without_video_yields_nothing_and_no_error(server, discover):
    demo_site(server)
    result = discover(f"{server.base}/about")
    assert result.items == [] and result.outcome["errors"] == 0


def test_watchlist_run_upserts_and_never_duplicates(settings, server):
    demo_site(server)
    wl = _watchlist(settings, "feed", f"{server.base}/feed.rss")
    first = _run(settings, wl)
    assert first.returncode == 0, first.stderr
    assert first.outcome["new"] == 1 and first.outcome["too_long"] == 1  # op42 runs 210 s > 180 s
    assert len(first.outcome["fetch_clip_ids"]) == 1
    with session_scope(settings) as session:
        [clip] = session.scalars(select(Clip)).all()
        assert (clip.platform, clip.platform_id, clip.status) == ("web", "127.0.0.1/v/-k9Xq2", "new")
        assert clip.watchlist_id == wl and clip.spider == "web" and clip.hashtags == ["鬼滅の刃", "anime"]
        assert "#鬼滅の刃" in clip.description  # the mentions detector reads title, description and hashtags
        seen_before = clip.last_seen_at
        wl_row = session.get(Watchlist, wl)
        assert wl_row.last_run_at is not None and wl_row.last_outcome["new"] == 1
    second = _run(settings, wl)
    assert second.outcome["new"] == 0 and second.outcome["items"] == 1
    assert second.outcome["fetch_clip_ids"] == first.outcome["fetch_clip_ids"]  # still "new": still to fetch
    with session_scope(settings) as session:
        [clip] = session.scalars(select(Clip)).all()
        assert clip.last_seen_at > seen_before


def test_unknown_duration_is_kept(settings, server):
    server.add("/feed.rss", """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><title>no duration</title><link>{base}/v/x1</link>
      <enclosure url="{base}/media/x1.mp4" type="video/mp4" length="1"/></item></channel></rss>""",
               "application/rss+xml")
    wl = _watchlist(settings, "feed", f"{server.base}/feed.rss", max_duration=60)
    result = _run(settings, wl)
    assert result.outcome["new"] == 1 and result.outcome["unknown_duration"] == 1


def test_cli_module_prints_outcome_last(settings, server):
    demo_site(server)
    wl = _watchlist(settings, "page", f"{server.base}/v/-k9Xq2")
    result = _run(settings, wl)
    assert result.returncode == 0
    assert set(result.outcome) >= {"items", "new", "errors", "stopped", "fetch_clip_ids"}


def test_dedupe_across_watchlists_and_429_reported_on_the_run(settings, server):
    demo_site(server)
    feed = server.routes["/feed.rss"]
    server.add("/feed.rss", "slow down", "text/plain", status=429, headers={"Retry-After": "0"}, times=1, then=feed)
    by_feed = _watchlist(settings, "feed", f"{server.base}/feed.rss", max_duration=0)
    by_sitemap = _watchlist(settings, "sitemap", f"{server.base}/sitemap.xml", max_duration=0)
    first = _run(settings, by_feed)
    second = _run(settings, by_sitemap)
    assert first.outcome["new"] == 2 and second.outcome["new"] == 0 and second.outcome["items"] == 2
    with session_scope(settings) as session:
        clips = session.scalars(select(Clip)).all()
        assert len(clips) == 2 and {c.watchlist_id for c in clips} == {by_feed}  # found first by the feed
        assert session.get(Watchlist, by_feed).last_outcome["rate_limited"] == 1


def test_polite_settings():
    from crawler.settings import build_settings
    from core.config import Settings

    s = build_settings(Settings(contact_url="https://example.org/contact"))
    assert s.getbool("ROBOTSTXT_OBEY") and s.getbool("AUTOTHROTTLE_ENABLED")
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2 and s.getint("CLOSESPIDER_ERRORCOUNT") > 0
    assert 0 < s.getint("DOWNLOAD_MAXSIZE") <= 64 * 1024 * 1024
    assert s.get("USER_AGENT") == "Mamoru/0.1.0 (+https://example.org/contact)"
    assert list(s.getdict("DOWNLOADER_MIDDLEWARES"))[0] == "crawler.middlewares.URLSafetyMiddleware"
