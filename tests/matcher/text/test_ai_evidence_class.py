"""The lone-bare-AI rule (helper branch mai12): a flag resting only on a bare "AI" written in running text, in a post
naming no character, needs corroboration (another marker class, AI as a hashtag, or the post's own label 【AI】). The
uncorroborated cases fail on a0ea9e7 (they were flagged); the corroborated ones are guards (flagged before and after)."""

from __future__ import annotations

import pytest

from matcher.text.detector import MentionDetector
from tests.matcher.text.posts import ai_flag

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース"], "characters": [
        {"id": "luffy", "names": ["ルフィ", "Luffy", "路飞"]}]},
]


@pytest.fixture(scope="module")
def detector() -> MentionDetector:
    return MentionDetector(WORKS)


@pytest.mark.parametrize("post", [
    # a bare AI in running text, alone, naming no character: not enough (fail on a0ea9e7)
    {"title": "fake AI trailer for a space movie"},
    {"title": "AI seisei no neko ga odoru", "hashtags": ["#neko"]},
    {"title": "今日の献立", "description": "全部AIです"},
    # the rule's cost, said plainly: claims with no other evidence, naming no character of the catalogue (these two were
    # claims in test_ai_context_and_forms and test_other_senses, whose posts now name a character)
    {"title": "What if AI remade the Marineford arc?"},
    {"title": "Son Goku no kamehameha AI de saigen"},
])
def test_lone_bare_ai_in_text_is_not_enough(detector, post):
    assert not ai_flag(detector, **post)


@pytest.mark.parametrize("post", [
    {"title": "AI cat dance", "hashtags": ["#AI"]},  # AI as a hashtag
    {"title": "cat dance", "description": "made for fun #AI"},  # ... in any field
    {"title": "【AI】猫が踊ってみた"},  # the post's own label
    {"title": "AI cat dance", "description": "made with Sora 2"},  # a generator
    {"title": "AI cat dance", "description": "AI生成です"},  # an AI phrase
    {"title": "AI Luffy dance"},  # a character named
    {"title": "ルフィが踊る", "description": "全部AIです"},
    {"title": "What if AI remade Luffy at Marineford?"},
])
def test_corroborated_bare_ai_counts(detector, post):
    assert ai_flag(detector, **post)
