"""Sixth round of the mentions detector (matcher/text/ai_context.py, ai.py, context.py, detector.py), for the
kinds of error of holdout-5 (read as a dev set in session mtune2), in new wording: AI markers read across a
clause break ("captions by AI, footage from..."), AI on audio, a clip said to be made by hand beside an AI word, a
Japanese or Korean denial ending the marker's clause with words between, what others believe ("people think this
clip is AI"), romaji "ai" (love), a generator's name in a word play (Kling Klang), "w/" for with; people named by
their trade (가수, singer), a pet or person named in one field and written again in another, surnames with
accented letters, a year after a name (an event or a show), statues at a temple, a legend's novel named, shop
words after a Korean name. The negatives fail on the matcher before these rules (c3b1b4b); the positives are
guards beside each kind that pass before and after, but for "w/" (a generator said with "w/" was missed).
AI spelled letter by letter or in kana and hangul is found (the last cases). 25 of the 37 cases fail on c3b1b4b (the
counted Sephiroth also on c6ec03a, before its rule; the spelled-out AI also on 4832f39, before its rule)."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import ai_flag, chars

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース", "원피스"], "characters": [
        {"id": "luffy", "names": ["ルフィ", "Luffy", "루피"]},
        {"id": "zoro", "names": ["ゾロ", "Zoro"]},
        {"id": "nami", "names": ["ナミ", "Nami", "나미"]}]},
    {"id": "naruto", "titles": ["NARUTO", "ナルト", "나루토"], "characters": [
        {"id": "naruto", "names": ["ナルト", "Naruto", "나루토"]},
        {"id": "sasuke", "names": ["サスケ", "Sasuke"]}]},
    {"id": "dragon-ball", "titles": ["Dragon Ball", "드래곤볼"], "characters": [
        {"id": "goku", "names": ["孫悟空", "悟空", "Goku", "손오공"]}]},
    {"id": "jjk", "titles": ["呪術廻戦", "Jujutsu Kaisen"], "characters": [
        {"id": "sukuna", "names": ["両面宿儺", "宿儺", "Sukuna"]},
        {"id": "gojo", "names": ["五条悟", "Gojo", "고죠"]}]},
    {"id": "super-mario", "titles": ["Super Mario"], "characters": [{"id": "mario", "names": ["Mario", "마리오"]}]},
    {"id": "kingdom-hearts", "titles": ["Kingdom Hearts"], "characters": [
        {"id": "riku", "names": ["Riku", "리쿠"]}, {"id": "sora", "names": ["Sora"]}]},
    {"id": "ff7", "titles": ["Final Fantasy VII", "FF7"], "characters": [
        {"id": "cloud", "names": ["Cloud"]}, {"id": "sephiroth", "names": ["Sephiroth"]}]},
]


@pytest.mark.parametrize("post", [
    {"title": "Zoro with AI captions", "description": "captions by AI, clip from episode 40"},  # "AI, clip"
    {"title": "Cloud's theme, AI-cleaned audio", "description": "hiss removed with AI, video is the game's own"},
    {"title": "Luffy walk cycle, AI haters stay mad", "description": "every frame hand-drawn"},
    {"title": "Goku claymation, not some AI thing"},
    {"title": "Naruto AI-generated?? Nope, stop motion", "hashtags": ["stopmotion"]},
    {"title": "AIナレーションではありません、自分の声です", "hashtags": ["ナミ"]},  # a denial ending the clause
    {"title": "AI로 만든 영상 아니에요, 제가 그린 고죠"},
    {"title": "Everyone says my Sukuna animation is AI, it took 2 months"},  # what others say
    {"title": "Reviewers assume this Gojo clip is AI lol"},
    {"title": "boku to ai no uta", "hashtags": ["ai", "cover"]},  # romaji: love
    {"title": "Kling Klang studio tour, rare footage"},  # a word play on a generator's name
])
def test_ai_not_said_of_the_clip(detector, post):
    assert not ai_flag(detector, **post)


@pytest.mark.parametrize("post", [
    {"title": "Luffy AI generated opening", "description": "no hand-drawn frames here, all Sora 2"},
    {"title": "Gojo vs Sukuna", "description": "AI generated, made with Kling"},
    {"title": "Nami AI動画", "description": "AIで作りました、手直しなし"},
    {"title": "Zoro and Nami road trip", "description": "generated w/ Sora, prompts mine"},  # "w/": found now
    {"title": "Naruto in real life", "description": "Ａ.Ｉ. ｇｅｎｅｒａｔｅｄ"},  # A.I. is no clause break
])
def test_ai_still_said(detector, post):
    assert ai_flag(detector, **post)


@pytest.mark.parametrize("post", [
    {"title": "My cat Nami steals my socks", "uploader_name": "Nami the Tabby"},  # one field says who it is
    {"title": "가수 리쿠 쇼케이스 무대", "hashtags": ["리쿠"]},  # a trade before the name
    {"title": "singer Nami live in Seoul"},
    {"title": "Mario Gómez scores twice in the derby"},  # an accented surname
    {"title": "SASUKE2026 予選", "hashtags": ["SASUKE"]},  # a year after the name: an event or a show
    {"title": "ZORO 2024 festival aftermovie"},
    {"title": "鎌倉の宿儺像を見に長谷寺へ"},  # a statue at a temple
    {"title": "서유기 손오공 명장면 모음"},  # the legend's novel named
    {"title": "루피 아울렛 할인 행사"},  # a shop word after a Korean name
    {"title": "Meditating on all ten Sephiroth from the old texts"},  # a counted name written with a capital
])
def test_name_is_someone_else(detector, post):
    assert chars(detector, **post) == []


@pytest.mark.parametrize(("post", "expected"), [
    ({"title": "My cat watching Nami's Clima-Tact scene", "hashtags": ["onepiece"]}, ["nami"]),
    ({"title": "Power and Luffy at the beach", "hashtags": ["luffy"]}, ["luffy"]),  # a place: not read in others
    ({"title": "Naruto 2025 edit", "hashtags": ["naruto"]}, ["naruto"]),  # work named
    ({"title": "Mario Galaxy speedrun", "hashtags": ["mario"]}, ["mario"]),  # a title: not read in others
    ({"title": "손오공 vs 베지터 드래곤볼"}, ["goku"]),
    ({"title": "ルフィ像 熊本"}, ["luffy"]),  # a statue with no temple: the character's
    ({"title": "Two Sephiroth from different timelines fight", "hashtags": ["ff7"]}, ["sephiroth"]),  # counted, work named
])
def test_name_still_the_character(detector, post, expected):
    assert chars(detector, **post) == expected


@pytest.mark.parametrize("post", [
    {"title": "Sasuke walks into a bar", "description": "A I video, prompts below"},  # AI letter by letter
    {"title": "ゾロの実写", "description": "エーアイで作りました"},  # AI in katakana
    {"title": "고죠 실사판", "description": "에이아이로 만든 영상"},  # AI in hangul
])
def test_ai_spelled_out(detector, post):
    assert ai_flag(detector, **post)


def test_ai_spelled_out_is_still_a_product(detector):
    assert not ai_flag(detector, title="에이아이 스피커 리뷰")
