"""Thirteenth round of the mentions detector: the katakana and hangul of a character whose Latin names are all English
words (チョッパー, 쵸파 of Chopper; クラウド, 클라우드 of Cloud) are loanwords of everyday speech too (the chopper bass, a
vegetable chopper, the cloud server). Before, they counted only with the work named. Now they count when the post says
strongly that they are the character: an AI marker (when the post is not talk about AI: クラウド比較 beside 生成AIサービス
の解説), another character named for sure, a word of fan goods or fan art right after the name in its field (チョッパーの
ぬいぐるみ, 쵸파 인형, チョッパーの手描きイラスト), or cosplay in the post; not by a word of fandom nor by their own hashtag,
which lift the other homonyms. The posts that must count fail on 7ee6b4b; the negatives are guards (they held before)."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import chars

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース", "원피스"], "characters": [
        {"id": "chopper", "names": ["トニートニー・チョッパー", "Tony Tony Chopper", "チョッパー", "Chopper", "쵸파"]},
        {"id": "luffy", "names": ["ルフィ", "Luffy"]}]},
    {"id": "ff7", "titles": ["FINAL FANTASY VII"], "characters": [
        {"id": "cloud", "names": ["クラウド・ストライフ", "Cloud Strife", "クラウド", "Cloud", "클라우드"]}]},
    {"id": "zelda", "titles": ["The Legend of Zelda"], "characters": [
        {"id": "link", "names": ["リンク", "Link", "링크"]}]},
]


@pytest.mark.parametrize("post, expected", [
    ({"title": "チョッパーのぬいぐるみが届いた", "hashtags": ["#チョッパー"]}, ["chopper"]),
    ({"title": "쵸파 인형 만들기", "description": "펠트로 만들었어요"}, ["chopper"]),
    ({"title": "チョッパーが雪の中を走る", "description": "Veo 3で生成"}, ["chopper"]),
    ({"title": "쵸파 댄스", "description": "AI로 만든 영상", "hashtags": ["#AI영상"]}, ["chopper"]),
    ({"title": "クラウドのバスターソード作った", "hashtags": ["#コスプレ"]}, ["cloud"]),
])
def test_loanword_character_counts(detector, post, expected):
    assert chars(detector, **post) == expected


@pytest.mark.parametrize("post", [
    {"title": "チョッパー奏法の練習", "description": "スラップ", "hashtags": ["#チョッパー", "#ベース"]},
    {"title": "野菜チョッパーで時短料理", "hashtags": ["#チョッパー", "#時短"]},
    {"title": "クラウド会計ソフト比較", "description": "生成AIサービスの解説も", "hashtags": ["#クラウド", "#生成AI"]},
    {"title": "클라우드 백업 꿀팁", "hashtags": ["#클라우드", "#아이폰"]},
    {"title": "リンクはプロフから", "description": "新作イラストです", "hashtags": ["#イラスト"]},
    {"title": "クラウド vs オンプレ", "description": "season 2 of our podcast"},
])
def test_loanword_stays_a_word(detector, post):
    assert chars(detector, **post) == []
