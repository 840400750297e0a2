"""Expansion of catalogue names into every form uploaders write."""

from __future__ import annotations

from matcher.text.names import expand_name, long_vowel_forms, romaji
from matcher.text.queries import query_terms


def test_kana_name_gets_both_kana_and_romaji():
    forms = expand_name("ルフィ")
    assert {"ルフィ", "るふぃ", "rufi"} <= forms


def test_short_kana_name_keeps_its_script():
    # ソラ is Kingdom Hearts' hero, そら the sky: a two-kana name is not searched in hiragana
    assert "そら" not in expand_name("ソラ")
    assert "ソラ" in expand_name("ソラ")


def test_long_vowels_every_way():
    assert {"tanjiro", "tanjirou", "tanjiroh"} <= expand_name("Tanjirō")
    assert {"kyoujurou", "kyojuro"} <= long_vowel_forms("kyoujurou") | long_vowel_forms("kyojuro")
    assert "pikachu" in expand_name("ピカチュウ")


def test_separators_spaced_and_run_together():
    forms = expand_name("モンキー・D・ルフィ")
    assert {"モンキー d ルフィ", "モンキーdルフィ", "monkii d rufi"} <= forms
    assert {"monkey d luffy", "monkeydluffy"} <= expand_name("Monkey D. Luffy")


def test_two_word_names_in_both_orders_titles_not():
    assert {"kamado tanjiro", "tanjiro kamado"} <= expand_name("Kamado Tanjiro")
    assert "piece one" not in expand_name("ONE PIECE", swap=False)


def test_han_simplified_and_traditional():
    assert {"路飞", "路飛"} <= expand_name("路飞")


def test_romaji_skips_names_with_han():
    assert romaji("竈門炭治郎") == []  # readings of kanji names are guesses: the catalogue gives romaji


def test_query_terms_round_robin_without_repeats():
    works = [{"id": "w", "titles": ["ONE PIECE"], "characters": [
        {"id": "luffy", "names": ["ルフィ", "Luffy"]}, {"id": "t", "names": ["Tanjirō"]}]}]
    terms = query_terms(works)
    assert terms[:2] == [("search", "ルフィ"), ("search", "Tanjirō")]
    assert ("hashtag", "#ルフィ") in terms and ("search", "Tanjiro") in terms
    assert len(terms) == len(set(terms))
    assert all(v.endswith((" AI", " sora")) for k, v in query_terms(works, ai=True) if k == "search")
