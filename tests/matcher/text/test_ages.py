"""Twelfth round of the mentions detector, characters: a Japanese, Chinese or Korean name followed by the age it
turned today (ルフィ、今日で3歳; 路飞今天3岁了; 루피 오늘 3살) is the uploader's pet or child, as "Anya turns 5" is in
English: it counts only with its work named. The negatives fail on the matcher of 03b0e76 unless marked as guards."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import chars

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース", "海贼王", "원피스"], "characters": [
        {"id": "luffy", "names": ["ルフィ", "Luffy", "路飞", "루피"]}]},
]


@pytest.mark.parametrize("post", [
    {"title": "うちのルフィ、今日で5歳"},
    {"title": "ルフィ 2歳になりました", "hashtags": ["ルフィ"]},
    {"title": "我家路飞今天3岁了"},
    {"title": "우리 루피 오늘 3살 됐어요"},
])
def test_an_age_today_is_someones(detector, post):
    assert chars(detector, **post) == []


@pytest.mark.parametrize("post", [
    {"title": "ルフィは17歳", "hashtags": ["ワンピース"]},  # guard: trivia
    {"title": "ルフィ、今日で3歳", "hashtags": ["ワンピース"]},  # guard: the work named
    {"title": "ルフィ 5歳の頃の回想シーン"},  # guard: an age the character was in a scene
])
def test_the_character(detector, post):
    assert chars(detector, **post) == ["luffy"]
