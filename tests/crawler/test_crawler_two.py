"""Crawler II on 127.0.0.1: what the crawler hands to the fetcher, robots.txt end to end, text as the
platform wrote it, explicitly given posts, and `mamoru discover`'s quiet output."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import select

from core.db import session_scope
from core.models import Clip, RightsHolder, Watchlist
from crawler_testkit import FAST, REPO, crawl_env, run_module

IDEOGRAPHIC_SPACE = "\u3000"


def test_every_video_of_a_page_is_an_item_with_its_media_url(server, discover):
    server.add("/three", "<html><head><title>3本</title></head><body><video src='/m/a.mp4'></video>"
               "<video><source src='/m/b.webm'></video><video src='blob:https://x/1'></video>"
               "<video src='/m/c.mp4'></video></body></html>")
    items = discover(f"{server.base}/three").items
    assert [i["media_url"] for i in items] == [f"{server.base}/m/a.mp4", f"{server.base}/m/b.webm",
                                               f"{server.base}/m/c.mp4"]
    assert [i["platform_id"] for i in items] == ["127.0.0.1/m/a.mp4", "127.0.0.1/m/b.webm", "127.0.0.1/m/c.mp4"]
    assert {i["page_url"] for i in items} == {f"{server.base}/three"} and items[0]["title"] == "3本"


def test_og_video_url_only_page_hands_over_its_file(server, discover):
    server.add("/p", '<html><head><meta property="og:video:url" content="/f/clip.mp4">'
               '<meta property="og:video:type" content="video/mp4"><meta property="og:title" content="t"></head></html>')
    [item] = discover(f"{server.base}/p").items
    assert item["media_url"] == f"{server.base}/f/clip.mp4" and item["platform_id"] == "127.0.0.1/p"


def test_sitemap_page_with_two_videos_gives_both(server, discover):
    server.add("/sitemap.xml", """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:video="http://www.google.com/schemas/sitemap-video/1.1"><url><loc>{base}/page</loc>
      <video:video><video:title>one</video:title><video:content_loc>{base}/m/1.mp4</video:content_loc></video:video>
      <video:video><video:title>two</video:title><video:content_loc>{base}/m/2.mp4</video:content_loc></video:video>
      </url></urlset>""", "application/xml")
    items = discover(f"{server.base}/sitemap.xml", kind="sitemap").items
    assert [(i["title"], i["media_url"]) for i in items] == [("one", f"{server.base}/m/1.mp4"),
                                                             ("two", f"{server.base}/m/2.mp4")]
    assert {i["canonical_url"] for i in items} == {f"{server.base}/page"}


def test_microdata_videoobject_without_a_url_is_no_clip(server, discover):
    server.add("/md", '<html><body><div itemscope itemtype="https://schema.org/VideoObject">'
               '<meta itemprop="name" content="no file"><meta itemprop="duration" content="PT10S"></div></body></html>')
    result = discover(f"{server.base}/md")
    assert result.items == [] and result.outcome["errors"] == 0


def _holder_watchlist(settings, kind: str, value: str) -> int:
    with session_scope(settings) as session:
        holder = RightsHolder(name="Studio")
        session.add(holder)
        session.flush()
        wl = Watchlist(rights_holder_id=holder.id, platform="web", kind=kind, value=value, max_duration_s=None)
        session.add(wl)
        session.flush()
        return wl.id


def test_robots_disallowed_pages_listed_by_a_sitemap_are_kept_skipped_never_fetched(settings, server):
    server.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    server.add("/sitemap.xml", """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:video="http://www.google.com/schemas/sitemap-video/1.1">
      <url><loc>{base}/private/v1</loc><video:video><video:title>secret</video:title>
      <video:content_loc>{base}/media/v1.mp4</video:content_loc></video:video></url>
      <url><loc>{base}/v2</loc><video:video><video:title>open</video:title>
      <video:content_loc>{base}/private/v2.mp4</video:content_loc></video:video></url>
      <url><loc>{base}/v3</loc><video:video><video:title>fine</video:title>
      <video:content_loc>{base}/media/v3.mp4</video:content_loc></video:video></url></urlset>""", "application/xml")
    wl = _holder_watchlist(settings, "sitemap", f"{server.base}/sitemap.xml")
    result = run_module([f"--watchlist={wl}", *FAST], crawl_env(settings.home))
    assert result.outcome["robots_skipped"] == 2 and len(result.outcome["fetch_clip_ids"]) == 1
    with session_scope(settings) as session:
        clips = {c.title: c for c in session.scalars(select(Clip))}
        assert clips["fine"].status == "new"
        for title, path in (("secret", "/private/v1"), ("open", "/private/v2.mp4")):
            assert clips[title].status == "skipped" and clips[title].reason_code == "robots"
            assert "robots.txt" in clips[title].reason and path in clips[title].reason
        assert clips["fine"].id in result.outcome["fetch_clip_ids"]
    assert not any(p.startswith("/private") for p in server.paths())


def test_text_as_written_and_feed_fields(server, discover, platform_fixtures):
    env = {"MAMORU_NICONICO_BASE_URL": f"{server.base}/nico"}
    server.add_file("/nico/ranking/genre/all", platform_fixtures / "niconico" / "ranking_genre_all_24h_rss2.xml",
                    "application/rss+xml; charset=utf-8")
    items = discover(f"{server.base}/nico/ranking/genre/all?rss=2.0", env=env).items
    assert sum(IDEOGRAPHIC_SPACE in (i["title"] or "") for i in items) == 21
    atom = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>u</title>
      <entry><title>長い動画</title><link rel="alternate" href="https://www.nicovideo.jp/watch/sm41000001"/>
      <content type="html"><![CDATA[<p class="nico-thumbnail"><img src="https://nicovideo.cdn.nimg.jp/t/1"></p>
      <p class="nico-info"><strong class="nico-info-length">12:34</strong></p>]]></content></entry></feed>"""
    server.add("/nico/user/1/video", atom, "application/atom+xml; charset=utf-8")
    [item] = discover(f"{server.base}/nico/user/1/video?rss=atom", env=env).items
    assert item["duration"] == 754.0
    mrss = """<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>c</title>
      <item><link>{base}/v/9</link><media:content url="{base}/m/9.mp4" type="video/mp4">
      <media:title>メディアの題\u3000名</media:title></media:content></item></channel></rss>"""
    server.add("/mrss", mrss, "application/rss+xml; charset=utf-8")
    [item] = discover(f"{server.base}/mrss").items
    assert item["title"] == "メディアの題\u3000名" and item["media_url"] == f"{server.base}/m/9.mp4"


def test_text_caps_and_bidi_controls_at_the_pipeline(server, discover):
    from core.limits import DESCRIPTION_MAX_CHARS, TITLE_MAX_CHARS, UPLOADER_MAX_CHARS

    long_title = "\u202eevil\u202c " + "長" * 1000
    server.add("/v/long", f"""<html><head><script type="application/ld+json">{{"@type": "VideoObject",
      "name": "{long_title}", "description": "{'d' * 9000}", "author": {{"name": "{'u' * 900}\u2066x\u2069"}},
      "contentUrl": "/m/long.mp4"}}</script></head></html>""")
    [item] = discover(f"{server.base}/v/long").items
    assert len(item["title"]) == TITLE_MAX_CHARS and item["title"].startswith("evil 長")
    assert len(item["description"]) == DESCRIPTION_MAX_CHARS and len(item["uploader_name"]) == UPLOADER_MAX_CHARS
    assert not any(c in item["title"] + item["uploader_name"] for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_an_explicit_status_url_is_a_candidate(server, discover):
    env = {"MAMORU_X_BASE_URL": f"{server.base}/x", "MAMORU_INSTAGRAM_BASE_URL": f"{server.base}/ig"}
    server.add("/x/someone/status/1900000000000000001",
               '<html><head><meta property="og:title" content="someone on X"></head><body></body></html>')
    [item] = discover(f"{server.base}/x/someone/status/1900000000000000001", env=env).items
    assert (item["platform"], item["platform_id"], item["candidate"]) == ("x", "1900000000000000001", True)
    assert item["canonical_url"] == "https://x.com/someone/status/1900000000000000001"
    server.add("/ig/p/Cabc123/", "<html><head><title>Instagram</title></head></html>")
    [item] = discover(f"{server.base}/ig/p/Cabc123/", env=env).items
    assert item["candidate"] is True and item["platform_id"] == "Cabc123"


def _mamoru(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mamoru.cli.main", *args], env={**env, "COLUMNS": "80"}, cwd=REPO,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_discover_prints_the_items_and_one_summary_line(server, tmp_path, platform_fixtures):
    server.add_file("/feed", platform_fixtures / "niconico" / "ranking_genre_all_24h_rss2.xml",
                    "application/rss+xml; charset=utf-8")
    env = crawl_env(tmp_path / "home")
    proc = _mamoru(env, "discover", f"{server.base}/feed", "-s", "DOWNLOAD_DELAY=0")
    assert proc.returncode == 0 and proc.stderr.splitlines() == ["100 clips, 0 errors"], proc.stderr[:2000]
    lines = proc.stdout.splitlines()
    assert len(lines) == 101 and max(len(line) for line in lines) <= 80
    proc = _mamoru(env, "discover", f"{server.base}/missing.rss", "-s", "DOWNLOAD_DELAY=0")
    assert proc.stderr.splitlines() == ["0 clips, 1 error (HTTP 404 at 127.0.0.1/missing.rss)"], proc.stderr[:2000]
    proc = _mamoru(env, "discover", "http://127.0.0.1:9/feed.rss", "--json", "-s", "DOWNLOAD_DELAY=0",
                   "-s", "RETRY_ENABLED=false")
    assert proc.stdout == "" and proc.stderr.splitlines() == ["0 clips, 1 error (connection refused at 127.0.0.1/feed.rss)"]
    proc = _mamoru(env, "-v", "discover", f"{server.base}/missing.rss", "-s", "DOWNLOAD_DELAY=0")
    assert "scrapy" in proc.stderr and len(proc.stderr.splitlines()) > 10  # -v: Scrapy's log
