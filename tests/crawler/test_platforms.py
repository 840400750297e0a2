"""TikTok, Instagram, X, Niconico, Bilibili and generic pages on the recorded real documents, served
from 127.0.0.1 to the real spiders via MAMORU_<PLATFORM>_BASE_URL / _API_URL."""

from __future__ import annotations

import json

import pytest

from crawler_testkit import Route


@pytest.fixture
def env(server):
    b = server.base
    return {"MAMORU_TIKTOK_BASE_URL": f"{b}/tt", "MAMORU_INSTAGRAM_BASE_URL": f"{b}/ig", "MAMORU_X_BASE_URL": f"{b}/x",
            "MAMORU_NICONICO_BASE_URL": f"{b}/nico", "MAMORU_NICONICO_API_URL": f"{b}/nico-api",
            "MAMORU_BILIBILI_BASE_URL": f"{b}/bili", "MAMORU_BILIBILI_API_URL": f"{b}/bili-api"}


def test_tiktok_video_page(server, env, discover, platform_fixtures):
    server.add_file("/tt/@illojuan/video/7571863205253778710",
                    platform_fixtures / "tiktok" / "video_illojuan_7571863205253778710.html", "text/html; charset=utf-8")
    result = discover(f"{server.base}/tt/@illojuan/video/7571863205253778710?is_from_webapp=1", env=env)
    [item] = result.items
    assert item["platform"] == "tiktok" and item["platform_id"] == "7571863205253778710"
    assert item["canonical_url"] == "https://www.tiktok.com/@illojuan/video/7571863205253778710"
    assert item["uploader_id"] == "illojuan" and item["uploader_name"] == "IlloJuan"
    assert item["duration"] == 64.0 and item["view_count"] == 192100
    assert item["published_at"] == "2025-11-12T15:36:28Z"
    assert item["title"].startswith("La nueva locurilla de fin de año")
    assert item["hashtags"] == []  # the description mentions accounts, no hashtags


def test_tiktok_profile_without_links_says_why(server, env, discover):
    state = {"__DEFAULT_SCOPE__": {"webapp.user-detail": {"userInfo": {"user": {"uniqueId": "someone"}},
                                                          "statusCode": 0}}}
    server.add("/tt/@someone", '<html><script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">'
               + json.dumps(state) + "</script></html>")
    result = discover("someone", platform="tiktok", kind="account", env=env)
    assert result.items == [] and result.outcome["errors"] == 0
    assert any("JavaScript app" in note for note in result.outcome["notes"])


def test_tiktok_hashtag_japanese_and_links_in_page(server, env, discover):
    server.add("/tt/tag/%E9%AC%BC%E6%BB%85%E3%81%AE%E5%88%83",
               '<html><a href="/@fan/video/7000000000000000001">x</a><a href="https://www.tiktok.com/@b/video/7000000000000000002?lang=ja">y</a></html>')
    result = discover("#鬼滅の刃", platform="tiktok", kind="hashtag", env=env)
    assert [i["canonical_url"] for i in result.items] == ["https://www.tiktok.com/@fan/video/7000000000000000001",
                                                          "https://www.tiktok.com/@b/video/7000000000000000002"]


def test_tiktok_search_is_refused_with_a_reason(server, env, discover):
    result = discover("ワンピース", platform="tiktok", kind="search", env=env)
    assert result.items == [] and "JavaScript app" in result.outcome["stopped"] and server.paths() == []


def test_instagram_post_page(server, env, discover, platform_fixtures):
    server.add_file("/ig/p/CPQjO5RIIO9/", platform_fixtures / "instagram" / "post_video_CPQjO5RIIO9.html",
                    "text/html; charset=utf-8")
    result = discover(f"{server.base}/ig/p/CPQjO5RIIO9/?igsh=abc", env=env)
    [item] = result.items
    assert (item["platform"], item["platform_id"]) == ("instagram", "CPQjO5RIIO9")
    assert item["canonical_url"] == "https://www.instagram.com/p/CPQjO5RIIO9/"
    assert item["uploader_id"] == "287586402"


def test_instagram_hashtag_needs_login(discover, env):
    result = discover("ワンピース", platform="instagram", kind="hashtag", env=env)
    assert "logged-in" in result.outcome["stopped"]


def test_x_rendered_profile(server, env, discover, platform_fixtures):
    server.add_file("/x/javilop", platform_fixtures / "x" / "profile_video_javilop.html", "text/html; charset=utf-8")
    result = discover("@javilop", platform="x", kind="account", env=env)
    ids = [i["platform_id"] for i in result.items]
    assert ids == ["1891903285470388521", "1827080302172500161", "1954943693871632665"]  # the posts with video
    item = result.items[0]
    assert item["canonical_url"] == "https://x.com/javilop/status/1891903285470388521"
    assert item["published_at"] == "2025-02-18T17:31:07Z" and item["uploader_id"] == "javilop"
    assert item["thumbnail_url"].startswith("https://pbs.twimg.com/amplify_video_thumb/")


def test_x_and_twitter_hosts_collapse():
    from crawler.platforms import canonical_url, video_ref
    from core.config import load_settings

    s = load_settings({})
    a = video_ref("https://twitter.com/javilop/status/1891903285470388521?s=20", s)
    b = video_ref("https://mobile.x.com/javilop/status/1891903285470388521/video/1", s)
    assert a == b == ("x", "1891903285470388521", "javilop")
    assert canonical_url(*a) == "https://x.com/javilop/status/1891903285470388521"


def test_niconico_ranking_rss(server, env, discover, platform_fixtures):
    server.add_file("/nico/ranking/genre/all", platform_fixtures / "niconico" / "ranking_genre_all_24h_rss2.xml",
                    "application/rss+xml; charset=utf-8")
    result = discover(f"{server.base}/nico/ranking/genre/all?rss=2.0", env=env)
    assert len(result.items) == 100
    first = result.items[0]
    assert first["platform_id"] == "sm38491525" and first["title"] == "オグリキャップマン2"
    assert first["canonical_url"] == "https://www.nicovideo.jp/watch/sm38491525"  # ?ref=rss... dropped
    assert first["duration"] == 283.0 and first["view_count"] == 86881
    assert first["published_at"] == "2021-03-26T15:00:00Z"  # 2021年03月27日 00：00：00 JST
    assert first["thumbnail_url"] == "https://nicovideo.cdn.nimg.jp/thumbnails/38491525/38491525.23238823"
    assert {i["platform_id"][:2] for i in result.items} <= {"sm", "so", "nm"}


def test_niconico_snapshot_api_exact_tag(server, env, discover):
    answer = {"meta": {"status": 200, "totalCount": 1, "id": "x"}, "data": [
        {"contentId": "sm44000001", "title": "【MMD】鬼滅の刃 踊ってみた", "description": "説明<br>#鬼滅の刃",
         "userId": 12345, "viewCounter": 321, "lengthSeconds": 95, "thumbnailUrl": "https://nicovideo.cdn.nimg.jp/t/1",
         "startTime": "2025-01-02T03:04:05+09:00", "tags": "鬼滅の刃 MMD 竈門炭治郎"}]}
    seen = []

    def api(query):
        seen.append(query)
        return Route(json.dumps(answer, ensure_ascii=False).encode(), content_type="application/json")

    server.handlers["/nico-api/video/contents/search"] = api
    result = discover("#鬼滅の刃", platform="niconico", kind="hashtag", env=env)
    assert seen[0]["q"] == "鬼滅の刃" and seen[0]["targets"] == "tagsExact"
    [item] = result.items
    assert item["title"] == "【MMD】鬼滅の刃 踊ってみた" and item["hashtags"] == ["鬼滅の刃", "MMD", "竈門炭治郎"]
    assert item["published_at"] == "2025-01-01T18:04:05Z" and item["duration"] == 95.0 and item["uploader_id"] == "12345"


def test_bilibili_search_api(server, env, discover, platform_fixtures):
    seen = []
    body = (platform_fixtures / "bilibili" / "search_type_video_keyword_shaonian.json").read_bytes()

    def api(query):
        seen.append(query)
        return Route(body, content_type="application/json")

    server.handlers["/bili-api/x/web-interface/search/type"] = api
    result = discover("少年", platform="bilibili", kind="search", env=env, extra=["-s", "MAMORU_BILIBILI_PAGES=1"])
    assert seen[0]["keyword"] == "少年" and seen[0]["search_type"] == "video"
    assert len(result.items) == 20
    item = result.items[0]
    assert item["platform_id"] == "BV1De411p77r" and item["title"] == "梦然-《少年》官方版"  # <em> highlight gone
    assert item["canonical_url"] == "https://www.bilibili.com/video/BV1De411p77r"
    assert item["duration"] == 258.0 and item["view_count"] == 1037655 and item["uploader_id"] == "178932626"
    assert item["thumbnail_url"].startswith("https://i0.hdslb.com/")  # protocol-relative made absolute
    assert item["published_at"] == "2020-05-02T08:10:50Z" and "华语MV" in item["hashtags"]
    cookies = [h.get("Cookie", "") for p, h in server.requests if p.startswith("/bili-api")]
    assert cookies and all(c.startswith("buvid3=") for c in cookies)


def test_bilibili_rate_limited_code_backs_off_and_reports(server, env, discover):
    server.add("/bili-api/x/web-interface/search/type", json.dumps({"code": -412, "message": "请求被拦截"}),
               "application/json")
    result = discover("少年", platform="bilibili", kind="search", env=env, extra=["-s", "MAMORU_BACKOFF_TRIES=1"])
    assert result.items == [] and result.outcome["rate_limited"] == 2
    assert any("rate limited" in n for n in result.outcome["notes"])


def test_generic_pages_og_video_and_jsonld(server, discover, platform_fixtures):
    server.add_file("/giphy", platform_fixtures / "html" / "giphy_12XMGIWtrHBl5e.html", "text/html; charset=utf-8")
    server.add_file("/verge", platform_fixtures / "html" / "theverge_article_videoobject.html", "text/html; charset=utf-8")
    giphy = discover(f"{server.base}/giphy").items
    assert len(giphy) == 1 and giphy[0]["platform"] == "web" and giphy[0]["title"]
    assert giphy[0]["canonical_url"].startswith("https://giphy.com/")
    verge = discover(f"{server.base}/verge").items
    assert len(verge) >= 1 and all(i["title"] for i in verge)


def test_google_video_sitemap(server, discover, platform_fixtures):
    server.add_file("/video-sitemap.xml", platform_fixtures / "sitemap" / "google_video_sitemap.xml", "application/xml")
    result = discover(f"{server.base}/video-sitemap.xml", kind="sitemap")
    by_title = {i["title"]: i for i in result.items}
    steak = by_title["Grilling steaks for summer"]
    assert steak["duration"] == 600.0 and steak["view_count"] == 12345
    assert steak["published_at"] == "2007-11-05T11:20:30Z" and steak["uploader_name"] == "GrillyMcGrillerson"
    # two videos on one landing page: each keeps its own identity (its file), the page is its page_url
    assert by_title["Grilling steaks for winter"]["platform_id"] == "streamserver.example.com/video345.mp4"
    assert steak["page_url"] == "https://www.example.com/videos/some_video_landing_page.html"


def test_more_kinds_end_to_end(server, env, discover):
    """The remaining platform/kind pairs, on small documents of the platforms' shapes."""
    nico_rss = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>タグ ボカロ</title>
      <item><title>初音ミク オリジナル曲</title><link>https://www.nicovideo.jp/watch/sm40000001?ref=rss_tag_rss2</link>
      <pubDate>Sun, 28 Mar 2021 12:57:46 +0900</pubDate><description><![CDATA[<p class="nico-info"><strong
      class="nico-info-length">0:59</strong></p>]]></description></item></channel></rss>"""
    server.add("/nico/tag/%E3%83%9C%E3%82%AB%E3%83%AD", nico_rss, "application/rss+xml; charset=utf-8")
    result = discover(f"{server.base}/nico/tag/ボカロ?rss=2.0", env=env)  # raw Japanese in the URL
    [item] = result.items
    assert (item["platform_id"], item["title"], item["duration"]) == ("sm40000001", "初音ミク オリジナル曲", 59.0)
    server.add("/nico/user/123/video", nico_rss, "application/rss+xml; charset=utf-8")
    assert [i["platform_id"] for i in discover("123", platform="niconico", kind="account", env=env).items] == [
        "sm40000001"]

    state = {"videoData": {"bvid": "BV1xx411c7mD", "title": "鬼滅の刃 MAD", "desc": "说明 #鬼灭之刃",
                           "owner": {"mid": 42, "name": "UP主"}, "pubdate": 1700000000, "duration": 61,
                           "stat": {"view": 5}, "pic": "http://i0.hdslb.com/x.jpg"},
             "tags": [{"tag_name": "鬼灭之刃"}]}
    server.add("/bili/video/BV1xx411c7mD/", "<html><script>window.__INITIAL_STATE__="
               + json.dumps(state, ensure_ascii=False) + ";(function(){})();</script></html>")
    [item] = discover(f"{server.base}/bili/video/BV1xx411c7mD/?spm_id_from=333", env=env).items
    assert (item["platform_id"], item["duration"], item["uploader_name"], item["hashtags"]) == (
        "BV1xx411c7mD", 61.0, "UP主", ["鬼灭之刃"])
    assert item["canonical_url"] == "https://www.bilibili.com/video/BV1xx411c7mD"

    server.add("/ig/someone/", '<html><a href="/someone/reel/C-abc_1/">r</a><a href="/p/Cxyz/">p</a></html>')
    assert [i["platform_id"] for i in discover("@someone", platform="instagram", kind="account", env=env).items] == [
        "C-abc_1", "Cxyz"]

    server.add("/x/someone/status/1900000000000000001", "<html><head><title>X</title></head><body></body></html>")
    result = discover(f"{server.base}/x/someone/status/1900000000000000001", env=env)
    [item] = result.items  # given explicitly: a candidate, yt-dlp decides at fetch time
    assert item["candidate"] is True and "JavaScript app" in result.outcome["notes"][0]
    assert result.outcome["errors"] == 0

    watch = ('<html><head><link rel="canonical" href="https://www.nicovideo.jp/watch/sm9">'
             '<script type="application/ld+json">{"@type": "VideoObject", "name": "新・豪血寺一族 -煩悩解放 - レッツゴー！陰陽師",'
             ' "duration": "PT5M19S", "uploadDate": "2007-03-06T00:33:00+09:00", "thumbnailUrl": "https://nicovideo.cdn.nimg.jp/thumbnails/9/9"}'
             "</script></head></html>")
    server.add("/nico/watch/sm9", watch)
    [item] = discover(f"{server.base}/nico/watch/sm9", env=env).items
    assert (item["platform"], item["platform_id"], item["duration"]) == ("niconico", "sm9", 319.0)
    assert item["title"] == "新・豪血寺一族 -煩悩解放 - レッツゴー！陰陽師"
