"""Eighth round of the mentions detector (matcher/text/), for the kinds of error of holdout-7 (read as a dev set
in session mtune4), in new wording: a pet named after a character, the animal said right before the name
(whoever's) or in apposition after it; AI used on existing footage with the verb further back in the clause than
a few words. The negatives fail on the matcher of 6448f41 (the session's start) unless marked as guards."""

from __future__ import annotations

import pytest

from matcher.text import MentionDetector

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース"], "characters": [
        {"id": "luffy", "names": ["モンキー・D・ルフィ", "Monkey D. Luffy", "ルフィ", "Luffy"]},
        {"id": "zoro", "names": ["ゾロ", "Zoro"]}]},
    {"id": "naruto", "titles": ["NARUTO", "ナルト"], "characters": [
        {"id": "naruto", "names": ["うずまきナルト", "Naruto Uzumaki", "ナルト", "Naruto"]},
        {"id": "sasuke", "names": ["うちはサスケ", "Sasuke Uchiha", "サスケ", "Sasuke"]}]},
    {"id": "kny", "titles": ["鬼滅の刃", "Demon Slayer"], "characters": [
        {"id": "nezuko", "names": ["竈門禰豆子", "Nezuko Kamado", "禰豆子", "ねずこ", "Nezuko", "ネズコ"]}]},
    {"id": "jjk", "titles": ["呪術廻戦", "Jujutsu Kaisen"], "characters": [
        {"id": "gojo", "names": ["五条悟", "Satoru Gojo", "Gojo", "ゴジョウ"]}]},
    {"id": "pokemon", "titles": ["ポケモン", "Pokémon"], "characters": [
        {"id": "pikachu", "names": ["ピカチュウ", "Pikachu"]}]},
]


@pytest.fixture(scope="module")
def detector():
    return MentionDetector(WORKS)


def ai_flag(detector, **post):
    return detector.detect(post).ai_generated


def chars(detector, **post):
    return sorted(m.character for m in detector.detect(post).characters)


# a pet: the animal right before the name, whoever's; or after the name, "our/my ... <animal>"
@pytest.mark.parametrize("title", [
    "the bunny Sasuke vs a cucumber",
    "grandma's kitten Luffy found the yarn",
    "Introducing Naruto, our foster corgi",
    "Sasuke, my very fluffy old tabby, at the vet",
    "我家仓鼠 ねずこ 吃瓜子",
    "うちの子犬 ゾロ のお散歩",
])
def test_a_pet_named_after_a_character_is_no_mention(detector, title):
    assert chars(detector, title=title) == []


@pytest.mark.parametrize("title, expected", [
    ("my cat dressed as Luffy for halloween", ["luffy"]),  # guard: the word before the name is "as"
    ("Luffy, my favourite captain ever", ["luffy"]),  # guard: no animal in the apposition
    ("Nezuko and her demon slayer friends", ["nezuko"]),  # guard
])
def test_guards_for_pets(detector, title, expected):
    assert chars(detector, title=title) == expected
