"""Eleventh round of the mentions detector, characters: a name spelled letter by letter apart (M.a.r.i.o, P-o-w-e-r)
is the name disguised, not a word, place or business; a common-word character's katakana name romanised with its
long vowel written double (Choppaa, Pawaa) is the Japanese name, not the English word, and counts when corroborated,
as homonyms do. The cases fail on the matcher of bdb72cb (the session's start) unless marked as guards."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import chars

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース"], "characters": [
        {"id": "chopper", "names": ["トニートニー・チョッパー", "Tony Tony Chopper", "チョッパー", "Chopper"]}]},
    {"id": "chainsaw-man", "titles": ["チェンソーマン", "Chainsaw Man"], "characters": [
        {"id": "power", "names": ["パワー", "Power"]}]},
    {"id": "mario", "titles": ["Super Mario", "スーパーマリオ"], "characters": [
        {"id": "mario", "names": ["マリオ", "Mario"]},
        {"id": "luigi", "names": ["ルイージ", "Luigi"]}]},
    {"id": "kingdom-hearts", "titles": ["Kingdom Hearts"], "characters": [
        {"id": "sora", "names": ["ソラ", "Sora"]}]},
]


@pytest.mark.parametrize(("post", "expected"), [
    ({"title": "P-o-w-e-r & her cat", "hashtags": ["cosplay"]}, ["power"]),
    ({"title": "L.u.i.g.i plumbing"}, ["luigi"]),
    ({"title": "Choppaa kawaii", "description": "seisei AI de tsukutta"}, ["chopper"]),
    ({"title": "Pawaa no cosplay", "hashtags": ["pawaa"]}, ["power"]),
    ({"title": "Chopper fan art", "hashtags": ["onepiece"]}, ["chopper"]),  # guard
])
def test_the_name_counts(detector, post, expected):
    assert chars(detector, **post) == expected


@pytest.mark.parametrize("post", [
    {"title": "P.O.W.E.R. program for seniors"},  # guard: an acronym
    {"title": "Power outage again"},  # guard
    {"title": "Luigi plumbing, Queens"},  # guard: a business
    {"title": "choppaa"},  # guard: a romanised name alone, with nothing to corroborate it, stays unsure
    {"title": "Pika dance", "description": "made w/ s o r a"},  # guard: the generator spelled apart, not the character
])
def test_no_character(detector, post):
    assert chars(detector, **post) == []
