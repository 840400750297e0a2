"""Thirteenth round of the mentions detector: a homonym (a name that is also a Japanese word or someone else's given
name: Nami the wave, Riku the land, Kakashi the scarecrow) written capitalised as the subject of an English clause,
then its possessive, a verb in -ing or -ed, or a verb in -s before its object ("Kakashi reading his book again",
"Denji's chainsaw roars", "Riku summons the keyblade"), is a character in a fan's sentence: an English sentence does
not hold the Japanese word. Before, such posts needed a word of fandom, a hashtag or their work (the recall the ninth
round's corroboration cost on plain fan sentences). Not a plural noun after a place's name ("Naruto whirlpools boat
tour"), not a name in lower case, not after another capitalised word. The posts that must count fail on d9bae79; the
negatives are guards. Known cost: a namesake person doing something in English ("Mario eating pasta at his trattoria")
now counts too."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import chars

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE"], "characters": [{"id": "nami", "names": ["ナミ", "Nami"]}]},
    {"id": "naruto", "titles": ["NARUTO"], "characters": [
        {"id": "naruto", "names": ["うずまきナルト", "ナルト", "Naruto"]},
        {"id": "kakashi", "names": ["はたけカカシ", "カカシ", "Kakashi"]}]},
    {"id": "kingdom-hearts", "titles": ["Kingdom Hearts"], "characters": [{"id": "riku", "names": ["リク", "Riku"]}]},
    {"id": "chainsaw-man", "titles": ["Chainsaw Man"], "characters": [{"id": "denji", "names": ["デンジ", "Denji"]}]},
]


@pytest.mark.parametrize("post, expected", [
    ({"title": "Kakashi reading his book again"}, ["kakashi"]),
    ({"title": "Denji's chainsaw roars"}, ["denji"]),
    ({"title": "Riku summons the keyblade"}, ["riku"]),
    ({"title": "so tired. Nami counting her berries"}, ["nami"]),
])
def test_fan_sentence_counts(detector, post, expected):
    assert chars(detector, **post) == expected


@pytest.mark.parametrize("post", [
    {"title": "Naruto whirlpools boat tour", "description": "Tokushima trip"},
    {"title": "nami crashing on the rocks", "description": "umi no oto"},
    {"title": "Paul Nami Rossi reading the news"},
    {"title": "Nami Island ferry schedule"},
])
def test_not_a_fan_sentence(detector, post):
    assert chars(detector, **post) == []
