"""Names read in context (matcher/text/context.py): a name that names a place, a business, a person or a pet
of the uploader's; a short Korean name run into a longer word; a Han name inside a longer Chinese word or that
is a frequent word itself. Each case failed before the rule that handles it."""

from __future__ import annotations

import pytest

from matcher.text import MentionDetector

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース", "海贼王", "원피스"], "characters": [
        {"id": "luffy", "names": ["ルフィ", "Luffy", "路飞", "루피"]},
        {"id": "zoro", "names": ["ゾロ", "Zoro", "索隆", "조로"]},
        {"id": "nami", "names": ["ナミ", "Nami", "娜美", "나미"]}]},
    {"id": "naruto", "titles": ["NARUTO", "ナルト", "火影忍者"], "characters": [
        {"id": "naruto", "names": ["ナルト", "Naruto", "鸣人"]}]},
    {"id": "kingdom-hearts", "titles": ["Kingdom Hearts"], "characters": [
        {"id": "riku", "names": ["リク", "Riku", "리쿠"]}]},
    {"id": "final-fantasy", "titles": ["Final Fantasy", "FF7"], "characters": [
        {"id": "tifa", "names": ["ティファ", "Tifa", "티파"]}]},
    {"id": "spy-family", "titles": ["SPY×FAMILY"], "characters": [
        {"id": "loid", "names": ["ロイド", "Loid", "黄昏"]}]},
]


@pytest.fixture(scope="module")
def detector():
    return MentionDetector(WORKS)


def chars(detector, **post):
    return sorted(m.character for m in detector.detect(post).characters)


@pytest.mark.parametrize("post", [
    {"title": "Luffy's Bakery grand opening"},
    {"title": "Nami Island in autumn"},
    {"title": "Hotel Naruto review, ocean view room"},
    {"title": "Naruto Strait whirlpools from the bridge"},
    {"title": "Riku's cafe vlog"},
    {"title": "ナミ島の紅葉"},
    {"title": "カフェ・リクでランチ"},
    {"title": "ホテルナルトに泊まった"},
    {"title": "娜美岛一日游"},
])
def test_a_name_that_names_a_place_or_business(detector, post):
    assert chars(detector, **post) == []


@pytest.mark.parametrize("post", [
    {"title": "my name is Riku and I run a cafe"},
    {"title": "my dog Luffy learned a new trick"},
    {"title": "a kitten named Zoro"},
])
def test_a_name_given_to_a_person_or_pet(detector, post):
    assert chars(detector, **post) == []


@pytest.mark.parametrize(("post", "expected"), [
    ({"title": "Luffy's gear 5 transformation"}, ["luffy"]),
    ({"title": "One Piece cafe in Tokyo: Luffy's meat plate"}, ["luffy"]),
    ({"title": "Tifa's bar scene remake"}, ["tifa"]),
    ({"title": "Nami Island arc", "hashtags": ["onepiece"]}, ["nami"]),  # the work named: the character
    ({"title": "ナミの島", "hashtags": ["ワンピース"]}, ["nami"]),
])
def test_the_character_beside_such_words(detector, post, expected):
    assert chars(detector, **post) == expected


@pytest.mark.parametrize("title", ["나미섬 가을 여행", "나미야 잡화점의 기적", "나미비아 여행기", "리쿠르트 정장",
                                   "티파니 목걸이", "조로아스터교의 역사"])
def test_a_short_korean_name_run_into_a_longer_word(detector, title):
    assert chars(detector, title=title) == []


@pytest.mark.parametrize(("title", "expected"), [
    ("나미는 최고의 항해사", ["nami"]),
    ("루피가 조로를 구하는 장면", ["luffy", "zoro"]),
    ("나미의 날씨 막대", ["nami"]),
    ("루피 랑 조로", ["luffy", "zoro"]),
    ("#루피짤", ["luffy"]),
])
def test_korean_names_with_particles(detector, title, expected):
    assert chars(detector, title=title) == expected


def test_a_han_name_inside_a_longer_chinese_word(detector):
    assert chars(detector, title="下班一路飞奔回家") == []
    assert chars(detector, title="路飞和索隆的搞笑日常") == ["luffy", "zoro"]
    assert chars(detector, title="鸣人和路飞") == ["luffy", "naruto"]


def test_a_han_name_that_is_a_frequent_word_needs_its_work(detector):
    assert chars(detector, title="黄昏的海边散步") == []
    assert chars(detector, title="黄昏和约尔", hashtags=["SPY×FAMILY"]) == ["loid"]


@pytest.mark.parametrize("post", [
    {"title": "うちの猫のルフィです"},
    {"title": "우리 강아지 루피"},
    {"title": "ルフィ食堂の日替わりランチ"},
    {"title": "welcome to Zoro Tavern"},
])
def test_pets_and_businesses_in_other_scripts(detector, post):
    assert chars(detector, **post) == []
