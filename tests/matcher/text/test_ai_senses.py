"""Ninth round of the mentions detector, the AI flag: one sense of a bare AI per post (the game's computer player said
anywhere in the post makes every bare AI of it the game's), and a tool used on existing footage a few characters after
AIで / AI in Japanese and Chinese (AIでコマ補間, 用AI给画面补帧). The negatives fail on the matcher of 9b71e32 (the
session's start) unless marked as guards."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import ai_flag

WORKS = [
    {"id": "mario", "titles": ["Super Mario"], "characters": [
        {"id": "luigi", "names": ["ルイージ", "Luigi", "路易吉"]}]},
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース"], "characters": [
        {"id": "luffy", "names": ["ルフィ", "Luffy", "路飞"]}]},
]


@pytest.mark.parametrize("post", [
    {"title": "Luigi (AI lvl 9) in Smash, no items", "description": "beating the hardest CPU AI with Luigi"},
    {"title": "ルフィのギア5シーン AIでコマ補間してみた"},
    {"title": "路飞 名场面 用AI给画面补帧 60帧"},
])
def test_a_bare_ai_of_another_sense_or_use_is_no_marker(detector, post):
    assert ai_flag(detector, **post) is False


@pytest.mark.parametrize("post", [
    {"title": "AIで作ったルフィの高画質MV"},  # a word of making between: the clip was made (guard)
    {"title": "Luigi AI animation made with Kling", "description": "the CPU AI in the game is dumb though"},  # guard
    {"title": "Luffy AI voice cover", "description": "AI upscaled intro"},  # a use is no other sense (guard)
])
def test_a_bare_ai_that_made_the_clip_counts(detector, post):
    assert ai_flag(detector, **post) is True
