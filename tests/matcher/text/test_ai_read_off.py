"""Eleventh round of the mentions detector, the AI flag: a marker inside a longer marker the words around read as no
claim goes with it (AI生成じゃなくて); a hashtag repeating a marker the text asks about or denies (这个路飞是AI做的吗？
#AI; "Sora 2 invite codes" #sora2); a generator named as the service (invite codes, waitlist); AI asked for advice
(AIに相談した); AI with a particle of means read for other uses (AI로 업스케일); an AI voice on hand-drawn pictures; and
AI tags spelled to dodge filters ("A I", "ai gen", "made w/ s o r a"). The cases fail on the matcher of bdb72cb (the
session's start) unless marked as guards."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import ai_flag

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース"], "characters": [
        {"id": "luffy", "names": ["ルフィ", "Luffy", "路飞", "루피"]},
        {"id": "nami", "names": ["ナミ", "Nami", "娜美", "나미"]}]},
    {"id": "demon-slayer", "titles": ["鬼滅の刃", "Demon Slayer", "귀멸의 칼날"], "characters": [
        {"id": "rengoku", "names": ["煉獄杏寿郎", "Rengoku", "렌고쿠"]}]},
]


@pytest.mark.parametrize("post", [
    {"title": "ルフィ、AI生成じゃなくて手作りの3Dです"},
    {"title": "这个娜美是AI做的吗？", "hashtags": ["娜美", "AI"]},
    {"title": "Veo 3 waitlist opened today", "hashtags": ["veo3"]},
    {"title": "Kling 2.1 access giveaway", "hashtags": ["kling"]},  # the version between (fails on 8d7a36c too)
    {"title": "这段娜美是AI生成的吗？", "hashtags": ["娜美", "AI"]},  # the bare AI inside the asked AI生成 (fails on 8d7a36c too)
    {"title": "Kling pricing explained"},  # guard (no claim before either)
    {"title": "ルフィのお弁当", "description": "AIに相談して決めた献立です"},
    {"title": "Luffy trivia quiz", "description": "I asked AI for questions"},
    {"title": "루피 명장면", "description": "원본을 AI로 업스케일했어요"},
    {"title": "ナミの手描きアニメ", "description": "AIじゃなくて全部手描き #AI"},  # guard
])
def test_no_claim(detector, post):
    assert ai_flag(detector, **post) is False


@pytest.mark.parametrize("post", [
    {"title": "ルフィが歌う", "description": "声:AIボイス 映像:手描き"},
    {"title": "Nami dance", "description": "A I"},
    {"title": "Nami dance", "description": "ai gen"},
    {"title": "Luffy run cycle", "description": "ai anim"},
    {"title": "L u f f y dance", "description": "made w/ s o r a"},
    {"title": "AI生成のルフィ"},  # guard
    {"title": "这个路飞是AI做的", "hashtags": ["路飞", "AI"]},  # guard: said, not asked
    {"title": "Sora 2で作った루피", "hashtags": ["sora2"]},  # guard
    {"title": "Luffy made with AI", "description": "hand-drawn background, AI voice"},
])
def test_claim(detector, post):
    assert ai_flag(detector, **post) is True


def test_without_is_no_with(detector):
    assert ai_flag(detector, title="Luffy fan art w/o AI") is False  # w/o is without (bdb72cb read "w o ai")
