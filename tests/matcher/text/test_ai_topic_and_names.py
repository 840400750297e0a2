"""Twelfth round of the mentions detector, the AI flag: a hashtag repeating a marker a negation or a question phrase
took in the text (ルフィの動画ってAIですか？ #AI); a phrase made of two hashtags (#ai #anime) read as its first tag when
the text reads that as no claim; AI followed by a noun of the trend (the AI wave, the AI boom) as the industry, not a
maker; a generator's name that is someone's surname after a hyphenated given name (Marc-Uwe Kling); the tag #ai among
market tags (#stocks #nvidia). The cases fail on the matcher of 03b0e76 (the session's start) unless marked as
guards."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import ai_flag

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース"], "characters": [
        {"id": "luffy", "names": ["ルフィ", "Luffy", "路飞", "루피"]},
        {"id": "nami", "names": ["ナミ", "Nami", "娜美", "나미"]}]},
]


@pytest.mark.parametrize("post", [
    {"title": "このナミってAIですか？", "hashtags": ["ナミ", "AI"]},
    {"title": "Is this Nami AI or real?", "hashtags": ["nami", "ai"]},
    {"title": "Will Veo 3 replace animators?", "description": "a talk on the AI boom, with Nami fan clips",
     "hashtags": ["veo3", "ai", "anime"]},
    {"title": "Nami and the AI hype: my thoughts", "hashtags": ["ai"]},
    {"title": "Anne-Marie Kling signiert ihr neues Buch"},
    {"title": "📉", "hashtags": ["ai", "stocks", "trading", "nasdaq"]},
    {"title": "Nami figure review", "description": "no AI", "hashtags": ["ai"]},
])
def test_no_claim(detector, post):
    assert ai_flag(detector, **post) is False


@pytest.mark.parametrize("post", [
    {"title": "Nami dances", "hashtags": ["ai", "anime"]},  # guard
    {"title": "Is this AI? yes, made with Kling", "hashtags": ["nami", "ai"]},  # guard
    {"title": "Nami ramen clip", "description": "made with Kling", "hashtags": ["kling", "ai"]},  # guard
    {"title": "Luffy vs Nami", "description": "AI animation of the wave scene", "hashtags": ["ai"]},
    {"title": "Nami in the rain", "hashtags": ["ai", "aianime", "stock"]},  # guard: stock footage is no market
])
def test_claim(detector, post):
    assert ai_flag(detector, **post) is True


@pytest.mark.parametrize("post", [
    {"title": "Nami reviews every bento", "description": "voice is mine, visuals are Veo"},
    {"title": "Nami at the beach", "description": "visuals: Pika, music: me"},
    {"title": "Luffy eats", "description": "visuals by Runway"},
])
def test_credited_visuals(detector, post):
    assert ai_flag(detector, **post) is True
