"""Field parsers: every format the platforms use parses, or becomes None, and never raises."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.parsing import (
    absolute_url,
    clean_text,
    hashtags_in,
    parse_count,
    parse_datetime,
    parse_duration,
    strip_tags,
    strip_tracking,
)
from crawler.platforms import canonical_url, locate, video_ref
from core.config import load_settings


@pytest.mark.parametrize("raw, seconds", [
    ("PT4S", 4.0), ("PT1M4.5S", 64.5), ("PT21M7S", 1267.0), ("PT1H", 3600.0), ("P0D", 0.0), ("P1DT1S", 86401.0),
    ("pt2m", 120.0), ("4:18", 258.0), ("1:02:03", 3723.0), ("23:39", 1419.0), ("00:07", 7.0), (64, 64.0),
    (12.5, 12.5), ("600", 600.0), ("4.5s", 4.5), ("PT0,5S", 0.5),
    (None, None), ("", None), ("abc", None), ("-5", None), (-1, None), ("nan", None), ("inf", None),
    ("PT", None), ("1:2:3:4", None), (True, None), ({}, None), ([], None),
])
def test_durations(raw, seconds):
    assert parse_duration(raw) == seconds


@pytest.mark.parametrize("raw, expected", [
    ("2026-11-20T09:30:00+09:00", datetime(2026, 11, 20, 0, 30, tzinfo=UTC)),
    ("2019-12-05T19:00:10.000Z", datetime(2019, 12, 5, 19, 0, 10, tzinfo=UTC)),
    ("Sun, 28 Mar 2021 12:57:46 +0900", datetime(2021, 3, 28, 3, 57, 46, tzinfo=UTC)),
    ("Fri, 20 Nov 2026 00:30:00 GMT", datetime(2026, 11, 20, 0, 30, tzinfo=UTC)),
    ("2007-11-05T19:20:30+0800", datetime(2007, 11, 5, 11, 20, 30, tzinfo=UTC)),
    ("2025-01-01", datetime(2025, 1, 1, tzinfo=UTC)),
    (1588407050, datetime(2020, 5, 2, 8, 10, 50, tzinfo=UTC)),
    ("1762961788", datetime(2025, 11, 12, 15, 36, 28, tzinfo=UTC)),
    (1588407050000, datetime(2020, 5, 2, 8, 10, 50, tzinfo=UTC)),
    ("2021年03月27日 00:00:00", datetime(2021, 3, 27, tzinfo=UTC)),
    (None, None), ("", None), ("yesterday", None), ("2021-13-45", None), (True, None), (1e30, None),
])
def test_dates(raw, expected):
    assert parse_datetime(raw) == expected


def test_counts_text_hashtags():
    assert [parse_count(v) for v in (123, "1,234", "1.2K", "3万", "", "x", -1, None)] == [
        123, 1234, 1200, 30000, None, None, None, None]
    assert strip_tags("梦然-《<em class=\"keyword\">少年</em>》官方版") == "梦然-《少年》官方版"
    assert strip_tags("a<br>b &amp; c") == "a\nb & c"
    assert clean_text("Tom &amp; Jerry\n  &lt;3") == "Tom & Jerry <3"
    assert clean_text("<script>alert('x')</script> <b>troll</b>") == "<script>alert('x')</script> <b>troll</b>"
    assert hashtags_in("踊ってみた #鬼滅の刃 #anime ＃ワンピース a#b https://x.com/#frag &#39;") == [
        "鬼滅の刃", "anime", "ワンピース"]


def test_urls_never_take_blob_data_javascript():
    base = "https://example.com/v/1"
    for bad in ("blob:https://example.com/1", "data:video/mp4;base64,AAAA", "javascript:void(0)", "", None, "mailto:a@b"):
        assert absolute_url(base, bad) is None
    assert absolute_url(base, "//cdn.example.com/a.mp4") == "https://cdn.example.com/a.mp4"
    assert strip_tracking("https://Example.com/v/-k9?utm_source=x&fbclid=1&id=7&si=abc#t=3") == "https://example.com/v/-k9?id=7"


def test_platform_urls_and_ids_starting_with_dash():
    s = load_settings({"MAMORU_TIKTOK_BASE_URL": "http://127.0.0.1:9/tt"})
    assert video_ref("https://youtu.be/-abc123def4?si=x", s) == ("youtube", "-abc123def4", None)
    assert video_ref("https://www.youtube.com/watch?v=-abc123def4&feature=share", s) == ("youtube", "-abc123def4", None)
    assert video_ref("https://m.youtube.com/shorts/-abc123def4", s) == ("youtube", "-abc123def4", None)
    assert canonical_url("youtube", "-abc123def4") == "https://www.youtube.com/watch?v=-abc123def4"
    assert video_ref("http://127.0.0.1:9/tt/@a.b/video/123", s) == ("tiktok", "123", "a.b")
    assert locate("http://127.0.0.1:9/tt/tag/x", s) == ("tiktok", "/tag/x")
    assert video_ref("https://www.instagram.com/reel/C-x_1/", s) == ("instagram", "C-x_1", None)
    assert video_ref("https://nico.ms/sm9", s) == ("niconico", "sm9", None)
    assert video_ref("https://www.bilibili.com/video/BV1De411p77r/?spm_id_from=1", s) == ("bilibili", "BV1De411p77r", None)
    assert video_ref("https://example.com/watch?v=-abc123def4", s) is None
