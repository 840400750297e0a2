"""Fourteenth round of the mentions detector, the AI flag, for the kinds holdout-14 showed (posts in new wording):
doubt in English before AI in its clause ("can't tell if it's AI", "not sure whether this is AI"); AI the game's
computer player in Japanese, Chinese and Korean (CPUのAI, 게임 AI, 电脑AI); telling AI pictures apart as the topic
(AI画像の見分け方, 生成AIかどうかを見抜く, AI 이미지 구별법: a guide, not a clip made so). The negatives fail on the matcher
of bc3351a (the session's start); the guards pass before and after."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import ai_flag

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース"], "characters": [
        {"id": "luffy", "names": ["ルフィ", "Luffy", "路飞", "루피"]}]},
    {"id": "mario", "titles": ["Super Mario", "マリオカート", "마리오카트"], "characters": [
        {"id": "mario", "names": ["マリオ", "Mario", "마리오"]}]},
]


@pytest.mark.parametrize("post", [
    {"title": "Luffy gear 5 clip going around", "description": "saw it on reddit, not sure whether it's AI"},
    {"title": "this Luffy edit looks insane", "description": "honestly can't tell if this is AI"},
    {"title": "マリオで150cc", "description": "CPUのAIが賢すぎる"},
    {"title": "마리오 레이스", "description": "게임 AI한테 졌다"},
    {"title": "马力欧赛车", "description": "电脑AI太强了"},
    {"title": "AI動画の見分け方3つ", "description": "生成AIかどうかを見抜くポイント", "hashtags": ["#生成AI", "#AI動画"]},
    {"title": "AI 이미지 구별법", "hashtags": ["#AI이미지"]},
])
def test_doubt_game_and_telling_apart_are_no_claim(detector, post):
    assert ai_flag(detector, **post) is False


@pytest.mark.parametrize("post", [
    {"title": "You can't even tell it's AI", "description": "Luffy made with Veo 3"},  # a brag, not doubt
    {"title": "AIで作ったマリオカート実況"},
    {"title": "ゲームのキャラをAIで動かしてみた", "description": "Kling使用"},
    {"title": "Luffy vs the AI in a street race", "description": "made with Sora 2"},
    {"title": "見分けがつかないレベルのAI動画", "description": "Sora 2で生成"},  # the claim stands
])
def test_claims_stand(detector, post):
    assert ai_flag(detector, **post) is True


# AI spelled with a hyphen or an underscore in capitals (A-I, A_I) is the bare AI, as "A I" and "A.I" are; words spread
# letter by letter with wider gaps between the words are read word by word ("m a d e  w i t h  k l i n g")
@pytest.mark.parametrize("post", [
    {"title": "Luffy dance challenge", "description": "100% A-I"},
    {"title": "L u f f y  g e a r  5", "description": "m a d e  w i t h  k l i n g"},
])
def test_spelled_claims_count(detector, post):
    assert ai_flag(detector, **post) is True


def test_spread_words_are_read_word_by_word():
    from matcher.text.normalise import normalise, normalise_mapped

    assert normalise("m a d e  w i t h  k l i n g") == " made with kling "
    assert normalise_mapped("m a d e  w i t h  k l i n g")[0] == " made with kling "
    assert normalise("l u f f y") == " luffy "  # one word spread, as before (guard)
    assert normalise("a b c  is  easy") == " a b c is easy "  # guard: no two spread words, nothing joined
    assert normalise("c l o u d ☁️ s k y") == " cloudsky "  # guard: no typed gap, one run as before
    assert normalise("P r i n c e s s  P e a c h") == " princess peach "
    assert normalise("L u f f y & Z o r o") == " luffy zoro "  # a typed & between spread words is a gap
    assert normalise_mapped("L u f f y & Z o r o")[0] == " luffy zoro "
