"""The canonical form: widths, invisible characters, case, diacritics, separators, spread letters; and the
map back to the text as it appeared."""

from __future__ import annotations

import pytest

from matcher.text.detector import as_written
from matcher.text.normalise import normalise, normalise_mapped

CASES = [
    ("Monkey D. Luffy", " monkey d luffy "),
    ("#OnePieceLuffy", " one piece luffy "),
    ("#MonkeyDLuffy", " monkey d luffy "),
    ("ＬＵＦＦＹ", " luffy "),
    ("ﾙﾌｨ ｷﾞｱ5", " ルフィ ギア5 "),
    ("Tanjirō", " tanjiro "),
    ("L.u.f.f.y", " luffy "),
    ("P I K A C H U", " pikachu "),
    ("ル\u200bフ\u200bィ", " ルフィ "),
    ("炭\u200c治\u200d郎", " 炭治郎 "),
    ("ゾ・ロ", " ゾロ "),
    ("S\u0336u\u0336k\u0336u\u0336n\u0336a\u0336", " sukuna "),
    ("𝐋𝐮𝐟𝐟𝐲", " luffy "),
    ("モンキー・D・ルフィ", " モンキー d ルフィ "),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_canonical_form(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(("text", "_"), CASES)
def test_slow_map_gives_the_same_text(text, _):
    mapped, starts = normalise_mapped(text)
    assert mapped == normalise(text)
    assert len(starts) == len(mapped)


@pytest.mark.parametrize(("raw", "wanted", "appeared"), [
    ("Lu\u200bffy vs Kaido", "luffy", "Lu\u200bffy"),
    ("watch L.u.f.f.y now", "luffy", "L.u.f.f.y"),
    ("ＬＵＦＦＹ ＧＥＡＲ５", "luffy", "ＬＵＦＦＹ"),
    ("ﾙﾌｨ ｷﾞｱ5", "ルフィ", "ﾙﾌｨ"),
    ("I love LUFFY", "luffy", "LUFFY"),
])
def test_alias_as_it_appeared(raw, wanted, appeared):
    assert as_written(raw, wanted) == appeared


@pytest.mark.parametrize(("text", "expected"), [
    ("Pi_ka_chu dance", " pikachu dance "),
    ("Na-ru-to vs Sa-su-ke", " naruto vs sasuke "),
    ("ma.ki.ma", " makima "),
    ("go_jo sa_to_ru", " gojo satoru "),
    ("is a man", " is a man "),  # spaces do not join syllables
    ("one-piece no.1", " one piece no 1 "),  # longer words and digits stay apart
])
def test_syllables_split_by_underscores_dots_or_dashes_are_joined(text, expected):
    assert normalise(text) == expected
    mapped, starts = normalise_mapped(text)
    assert mapped == expected and len(starts) == len(mapped)


def test_joined_syllables_map_back_to_the_text_as_written():
    assert as_written("watch Pi_ka_chu now", "pikachu") == "Pi_ka_chu"
