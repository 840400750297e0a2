"""Two rules of the mentions detector that met the finding kinds' contract (tests/workers/test_ai_scope_store.py):
a character whose work's title is also a name (NARUTO) is a crossover's other character, not "another work named"
beside a namesake; and the post's own bracketed label 【AI】 still says how the clip was made when part of it
is said to be hand-drawn."""

from __future__ import annotations

import pytest

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース"], "characters": [
        {"id": "luffy", "names": ["モンキー・D・ルフィ", "Monkey D. Luffy", "ルフィ", "Luffy"]}]},
    {"id": "naruto", "titles": ["NARUTO"], "characters": [
        {"id": "naruto", "names": ["うずまきナルト", "ナルト", "Naruto"]}]},
    {"id": "pokemon", "titles": ["ポケモン", "Pokémon"], "characters": [
        {"id": "pikachu", "names": ["ピカチュウ", "Pikachu"]}]},
    {"id": "csm", "titles": ["チェンソーマン", "Chainsaw Man"], "characters": [
        {"id": "denji", "names": ["デンジ", "Denji"]}]},
]


def _detect(detector, title, hashtags=()):
    return detector.detect({"id": "t", "platform": "x", "title": title, "description": "",
                            "hashtags": list(hashtags), "uploader_name": ""})


@pytest.mark.parametrize("title", ["Luffy. Naruto too", "Luffy, Naruto too", "ルフィ。ナルトも"])
def test_a_title_that_is_a_name_makes_a_crossover(detector, title):
    assert [c.character for c in _detect(detector, title).characters] == ["luffy", "naruto"]


def test_another_work_named_by_its_title_still_makes_a_short_name_a_namesake(detector):
    # guard: Pokémon named by a title that is no character's name, Chainsaw Man not named
    assert [c.character for c in _detect(detector, "ポケモンジムリーダーのデンジ戦").characters] == []


def test_the_posts_own_label_outlasts_a_hand_drawn_part(detector):
    assert _detect(detector, "【AI】ルフィ描いてみた。ナルト手描き").ai_generated
    # guard: without the label, a hand-drawn post's generic AI word does not make it AI
    assert not _detect(detector, "AI haters stay mad, Luffy every frame hand-drawn").ai_generated
