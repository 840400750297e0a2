"""Thirteenth round of the mentions detector, characters: what the holdout-12 misses were made of, in new wording.
Evasions: a name with invisible characters between its letters (P<ZWSP>o<ZWSP>w<ZWSP>e<ZWSP>r) is disguised as a name
spelled apart is (not "L<ZWNJ>i<ZWNJ>n<ZWNJ>k in bio": the word, disguised against link filters); $ and € between Latin
letters (A$h K€tchum) and Han characters drawn as katakana between katakana (アー二ャ with the kanji 二) are the letters
they stand for; a katakana name with a small tsu romanised without it (チョッパー: Chopa) is the Japanese name romanised,
no English word. Namesakes: a katakana name followed by a number in Han numerals and a counter of things (ナルト三枚) is a
thing counted. A Han full name is not a plant because the post writes its first word's reading in katakana (イタドリくん
虎杖悠仁: the full name counts). The posts that must count fail on 7da128e unless marked as guards."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import chars

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース"], "characters": [
        {"id": "chopper", "names": ["トニートニー・チョッパー", "Tony Tony Chopper", "チョッパー", "Chopper"]}]},
    {"id": "naruto", "titles": ["NARUTO", "ナルト"], "characters": [
        {"id": "naruto", "names": ["うずまきナルト", "Naruto Uzumaki", "ナルト", "Naruto"]}]},
    {"id": "chainsaw-man", "titles": ["Chainsaw Man", "チェンソーマン"], "characters": [
        {"id": "power", "names": ["パワー", "Power"]}]},
    {"id": "pokemon", "titles": ["ポケモン", "Pokémon"], "characters": [
        {"id": "ash", "names": ["サトシ", "Ash Ketchum", "Ash"]}]},
    {"id": "zelda", "titles": ["The Legend of Zelda"], "characters": [
        {"id": "link", "names": ["リンク", "Link"]}]},
    {"id": "spy-family", "titles": ["SPY×FAMILY"], "characters": [
        {"id": "anya", "names": ["アーニャ・フォージャー", "アーニャ", "Anya Forger", "Anya"]},
        {"id": "loid", "names": ["ロイド・フォージャー", "ロイド", "Loid Forger", "Loid"]}]},
    {"id": "jujutsu-kaisen", "titles": ["呪術廻戦", "Jujutsu Kaisen"], "characters": [
        {"id": "itadori", "names": ["虎杖悠仁", "Yūji Itadori", "Itadori", "虎杖"]}]},
]


@pytest.mark.parametrize("post, expected", [
    ({"title": "P\u200bo\u200bw\u200be\u200br eats all the vegetables"}, ["power"]),
    ({"title": "C\u200ch\u200co\u200cp\u200cp\u200ce\u200cr sleeping"}, ["chopper"]),
    ({"title": "A$h K€tchum's last battle, recap"}, ["ash"]),
    ({"title": "ロ工ドのお昼寝", "description": "手描き"}, []),  # guard: 工 for イ is no lookalike of イ
    ({"title": "アー二ャの笑顔まとめ"}, ["anya"]),
    ({"title": "アーニャの口コミまとめ"}, ["anya"]),  # guard: 口 after hiragana stays the kanji
    ({"title": "Chopa ga odoru", "description": "AI douga (kling)", "hashtags": ["#AIdouga"]}, ["chopper"]),
    ({"title": "Chopa no ehon", "hashtags": ["#onepiece"]}, ["chopper"]),
    ({"title": "イタドリくん 虎杖悠仁 の作画"}, ["itadori"]),
    ({"title": "虎杖悠仁くん誕生日おめでとう"}, ["itadori"]),  # guard
])
def test_counts(detector, post, expected):
    assert chars(detector, **post) == expected


@pytest.mark.parametrize("post", [
    {"title": "L\u200ci\u200cn\u200ck in bio for the shop", "hashtags": ["#handmade"]},  # guard (fails on the way)
    {"title": "ラーメンにナルト三枚", "description": "中華そば", "hashtags": ["#ナルト"]},
    {"title": "おでんにナルト二切れ", "hashtags": ["#ナルト", "#おでん"]},
    {"title": "$5 deal on a chopper ride", "description": "Ash and dust everywhere"},  # guard
    {"title": "二人でランチ", "description": "イタドリの天ぷら、虎杖の若芽"},  # guard: the plant
    {"title": "choppa coming in hot", "description": "get to the choppa"},  # guard: the slang word
])
def test_does_not_count(detector, post):
    assert chars(detector, **post) == []
