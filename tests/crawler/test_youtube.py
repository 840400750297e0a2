"""YouTube on recorded real documents (Data API search.list/videos.list, a channel Atom feed), served
from 127.0.0.1 to the real spider through MAMORU_YOUTUBE_BASE_URL / MAMORU_YOUTUBE_API_URL."""

from __future__ import annotations

import copy
import json

import pytest

from crawler_testkit import Route


@pytest.fixture
def youtube(server, platform_fixtures):
    """The recorded API answers; videos.list answers any ids in the recorded item's shape, with
    durations 30 s, 60 s, ... so that some are Shorts and some are not."""
    yt = platform_fixtures / "youtube"
    pages = {None: (yt / "search_list_search_by_keywords_p1.json").read_bytes(),
             "CBkQAA": (yt / "search_list_search_by_keywords_p2.json").read_bytes()}
    template = json.loads((yt / "videos_list_contentDetails_D-lhorsDlUQ.json").read_text("utf-8"))
    server.searches = []

    def search(query):
        server.searches.append(query)
        return Route(pages.get(query.get("pageToken"), b'{"items": []}'), content_type="application/json")

    def videos(query):
        answer = copy.deepcopy(template)
        item = answer["items"][0]
        answer["items"] = []
        for n, vid in enumerate(query["id"].split(",")):
            entry = copy.deepcopy(item)
            entry["id"] = vid
            entry["contentDetails"]["duration"] = f"PT{30 * (n + 1) // 60}M{30 * (n + 1) % 60}S"
            answer["items"].append(entry)
        return Route(json.dumps(answer).encode(), content_type="application/json")

    server.handlers["/yt-api/search"] = search
    server.handlers["/yt-api/videos"] = videos
    server.add_file("/yt/feeds/videos.xml", yt / "feed_channel_UC9PBzalIcEQCsiIkq36PyUA.xml", "application/atom+xml")
    return {"MAMORU_YOUTUBE_BASE_URL": f"{server.base}/yt", "MAMORU_YOUTUBE_API_URL": f"{server.base}/yt-api",
            "MAMORU_YOUTUBE_API_KEY": "test-key-123"}


def test_search_pages_counts_units_and_tells_shorts_by_duration(server, youtube, discover, tmp_path):
    result = discover("鬼滅の刃", platform="youtube", kind="search", env=youtube, extra=["--max-duration=180"])
    assert result.returncode == 0, result.stderr
    assert [q["q"] for q in server.searches] == ["鬼滅の刃", "鬼滅の刃"]  # Japanese round-trips
    assert server.searches[1]["pageToken"] == "CBkQAA" and server.searches[0]["videoDuration"] == "short"
    assert all(h.get("X-Goog-Api-Key") == "test-key-123" for p, h in server.requests if p.startswith("/yt-api"))
    assert not any("test-key-123" in p for p in server.paths())  # the key is never in a URL (or a log line)
    assert "test-key-123" not in result.stderr
    items = {i["platform_id"]: i for i in result.items}
    assert "gQ_1zX-F_No" in items and items["gQ_1zX-F_No"]["duration"] == 30.0
    assert all(i["duration"] <= 180 for i in result.items)
    assert result.outcome["too_long"] > 0  # videos.list said longer than 3 min: not Shorts
    first = items["gQ_1zX-F_No"]
    assert first["canonical_url"] == "https://www.youtube.com/watch?v=gQ_1zX-F_No"
    assert first["uploader_id"] == "UC_x5XG1OV2P6uZZ5FSM9Ttw" and first["view_count"] == 7920
    quota = json.loads((tmp_path / "home" / "quota" / "youtube.json").read_text())
    assert list(quota.values()) == [2 * 100 + 2 * 1]


def test_search_stops_before_exceeding_the_daily_budget(server, youtube, discover):
    result = discover("ワンピース", platform="youtube", kind="search",
                      env={**youtube, "MAMORU_YOUTUBE_DAILY_QUOTA": "150"})
    assert len(server.searches) == 1  # the second page (100 more units) was never asked for
    assert "daily budget reached" in result.outcome["stopped"] and "101 of 150" in result.outcome["stopped"]
    assert len(result.items) == 25
    again = discover("ワンピース", platform="youtube", kind="search", env={**youtube, "MAMORU_YOUTUBE_DAILY_QUOTA": "150"})
    assert again.items == [] and len(server.searches) == 1 and "daily budget" in again.outcome["stopped"]


def test_search_without_key_says_so(server, youtube, discover):
    result = discover("#鬼滅の刃", platform="youtube", kind="hashtag", env={**youtube, "MAMORU_YOUTUBE_API_KEY": ""})
    assert result.items == [] and server.searches == []
    assert "MAMORU_YOUTUBE_API_KEY" in result.outcome["stopped"]


def test_hashtag_searches_for_the_tag(server, youtube, discover):
    discover("#鬼滅の刃", platform="youtube", kind="hashtag", env=youtube, extra=["-s", "MAMORU_YOUTUBE_SEARCH_PAGES=1"])
    assert [q["q"] for q in server.searches] == ["#鬼滅の刃"]


def test_channel_feed_without_key(server, youtube, discover):
    result = discover("UC9PBzalIcEQCsiIkq36PyUA", platform="youtube", kind="account",
                      env={**youtube, "MAMORU_YOUTUBE_API_KEY": ""})
    assert result.returncode == 0, result.stderr
    ids = [i["platform_id"] for i in result.items]
    assert len(ids) == 15 and "U-AfiD2NgYg" in ids
    item = result.items[0]
    assert item["canonical_url"] == "https://www.youtube.com/watch?v=W_S7iKZZdHw"
    assert item["uploader_id"] == "UC9PBzalIcEQCsiIkq36PyUA" and item["uploader_name"] == "Digital Foundry"
    assert item["published_at"] == "2025-01-01T16:07:24Z" and item["duration"] is None
    assert item["thumbnail_url"].startswith("https://i4.ytimg.com/vi/W_S7iKZZdHw/")
    assert item["source_url"] == "https://www.youtube.com/feeds/videos.xml?channel_id=UC9PBzalIcEQCsiIkq36PyUA"


def test_channel_feed_with_key_gets_durations(server, youtube, discover):
    result = discover("UC9PBzalIcEQCsiIkq36PyUA", platform="youtube", kind="account", env=youtube)
    assert len(result.items) == 15 and all(i["duration"] is not None for i in result.items)


def test_handle_page_leads_to_feed_and_watch_page(server, youtube, discover):
    server.add("/yt/@DigitalFoundry", '<html><head><link rel="canonical" '
               'href="https://www.youtube.com/channel/UC9PBzalIcEQCsiIkq36PyUA"></head></html>')
    result = discover("@DigitalFoundry", platform="youtube", kind="account", env={**youtube, "MAMORU_YOUTUBE_API_KEY": ""})
    assert len(result.items) == 15
    player = {"videoDetails": {"videoId": "-dash1234_x", "title": "ルフィ #ワンピース #shorts", "lengthSeconds": "42",
                               "channelId": "UCabcdefghijklmnopqrstuv", "author": "作者", "viewCount": "1000",
                               "shortDescription": "説明", "thumbnail": {"thumbnails": [{"url": "https://i.ytimg.com/x.jpg"}]}},
              "microformat": {"playerMicroformatRenderer": {"publishDate": "2025-05-01T01:02:03-07:00"}}}
    server.add("/yt/shorts/-dash1234_x", "<html><script>var ytInitialPlayerResponse = "
               + json.dumps(player, ensure_ascii=False) + ";var meta = 1;</script></html>")
    result = discover(f"{server.base}/yt/shorts/-dash1234_x", env=youtube)
    [item] = result.items
    assert item["platform_id"] == "-dash1234_x" and item["duration"] == 42.0
    assert item["canonical_url"] == "https://www.youtube.com/watch?v=-dash1234_x"
    assert item["page_url"] == "https://www.youtube.com/shorts/-dash1234_x"
    assert item["hashtags"] == ["ワンピース", "shorts"] and item["published_at"] == "2025-05-01T08:02:03Z"


def test_stops_after_n_errors(server, youtube, discover):
    """A broken answer is an error (counted, logged); CLOSESPIDER_ERRORCOUNT stops the crawl after N."""
    server.handlers["/yt-api/search"] = lambda query: Route(b"<html>maintenance</html>", content_type="text/html")
    result = discover("ワンピース", platform="youtube", kind="search", env=youtube,
                      extra=["-s", "CLOSESPIDER_ERRORCOUNT=1"])
    assert result.returncode == 0 and result.items == []
    assert result.outcome["stopped"] == "closespider_errorcount" and result.outcome["errors"] >= 1
