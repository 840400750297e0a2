"""Tenth round of the mentions detector, the AI flag, for the kinds holdout-9 showed: doubt about AI in Japanese and
Korean (生成AIか分からない, AI인지 모르겠다), "none" one word after AI (AI加工なし, "AI 필터 없음", "AI kakou nashi": no AI
retouching, no AI filter), and AI's purpose after "to" / "for" ("I used AI to add Spanish subtitles"), and a generator as the topic ("a talk about Sora 2", Sora 2について). The negatives
fail on the matcher of 8590943 (the session's start); the guards pass before and after."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import ai_flag

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース"], "characters": [
        {"id": "luffy", "names": ["ルフィ", "Luffy", "路飞", "루피"]}]},
    {"id": "chainsaw-man", "titles": ["チェンソーマン", "Chainsaw Man", "체인소맨"], "characters": [
        {"id": "makima", "names": ["マキマ", "Makima", "마키마"]}]},
]


@pytest.mark.parametrize("post", [
    {"title": "ルフィの新作映像が流れてきた", "description": "本物か生成AIか分からないので詳しい人教えて"},
    {"title": "루피 영상 진짜야?", "description": "AI인지 모르겠어요"},  # guard: passes on 8590943 too
    {"title": "마키마 눈빛 연기", "description": "코스플레이어 본인 촬영, AI 필터 없음"},
    {"title": "Makima-san cosplay satsuei", "description": "meiku dake, AI kakou nashi"},
    {"title": "マキマさんコスプレ", "description": "AI加工なしです"},
    {"title": "I used AI to add Spanish subtitles to my Luffy fan vlog"},
    {"title": "Luffy gear 5 scene, AI for the upscale only"},
    {"title": "Luffy fan art process", "description": "a talk about Sora 2 and copyright, with my own drawings"},
    {"title": "Sora 2についての解説 ルフィは手描きです"},
    {"title": "关于Sora 2的版权讨论 路飞同人图"},
])
def test_doubt_none_and_purpose_are_no_marker(detector, post):
    assert ai_flag(detector, **post) is False


@pytest.mark.parametrize("post", [
    {"title": "AIで作ったルフィのMV"},
    {"title": "AI 마키마 영상", "description": "Sora 2로 만들었어요"},
    {"title": "I used AI to animate Luffy's gear 5"},  # a purpose of making
    {"title": "Makima AI douga", "description": "Kling de tsukutta"},
    {"title": "AIなしでは作れなかったルフィ動画 #sora2"},  # the generator named: made with it
    {"title": "A clip about Luffy's dream, made with Sora 2"},  # "about" before the character, not the generator
    {"title": "Sora 2で作ったルフィ"},
])
def test_ai_that_made_the_clip_still_counts(detector, post):
    assert ai_flag(detector, **post) is True
