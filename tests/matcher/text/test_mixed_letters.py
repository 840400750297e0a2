"""Twelfth round of the mentions detector, characters: a Latin name whose letters mix plain ASCII with full-width or
lookalike letters (Pｏｗer, Cｈopper, Ѕаѕuке: Cyrillic Ѕ, а, ѕ, к, е beside a Latin u) is disguised to dodge a filter,
as a name spelled letter by letter apart is: nobody types a word, a place or a business so, and it counts without its
work named. A name written all in one style (ＰＯＷＥＲ, all full-width) is a font, not a disguise. The posts that must
count fail on 03b0e76 unless marked as guards."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import chars

WORKS = [
    {"id": "chainsaw-man", "titles": ["Chainsaw Man", "チェンソーマン"], "characters": [
        {"id": "power", "names": ["パワー", "Power"]}]},
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース"], "characters": [
        {"id": "chopper", "names": ["チョッパー", "Chopper"]}]},
]


@pytest.mark.parametrize("post, expected", [
    ({"title": "Pｏｗer is best girl"}, ["power"]),
    ({"title": "Cｈopper naps on the deck"}, ["chopper"]),
    ({"title": "Pоwer eats vegetables"}, ["power"]),  # a Cyrillic о
])
def test_mixed_letters_count(detector, post, expected):
    assert chars(detector, **post) == expected


@pytest.mark.parametrize("post", [
    {"title": "ＰＯＷＥＲ ＯＵＴＡＧＥ tonight"},  # guard: all full-width, a font
    {"title": "Power outage tonight"},  # guard
    {"title": "Chopper ride to the coast"},  # guard
])
def test_one_style_stays_a_word(detector, post):
    assert chars(detector, **post) == []
