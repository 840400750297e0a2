"""Twelfth round of the mentions detector, characters: a Latin name followed by a word for a seasoning (Vegeta is also
a Croatian seasoning) is a product's name, like a place's or a business's: it counts only with its work named. The
negatives fail on the matcher of 03b0e76 unless marked as guards."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import chars

WORKS = [
    {"id": "dragon-ball", "titles": ["Dragon Ball", "ドラゴンボール"], "characters": [
        {"id": "vegeta", "names": ["ベジータ", "Vegeta"]}]},
]


@pytest.mark.parametrize("post", [
    {"title": "Vegeta seasoning on roast potatoes"},
    {"title": "a spoon of Vegeta's bouillon in the soup"},
    {"title": "Vegeta condiment review", "hashtags": ["vegeta", "cooking"]},
])
def test_a_product(detector, post):
    assert chars(detector, **post) == []


@pytest.mark.parametrize("post", [
    {"title": "Vegeta seasoning his food in Dragon Ball Super"},  # guard: the work named
    {"title": "Vegeta cooks a ramen", "hashtags": ["dragonball"]},  # guard
])
def test_the_character(detector, post):
    assert chars(detector, **post) == ["vegeta"]
