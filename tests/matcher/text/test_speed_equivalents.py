"""The shortcuts the speed pass (helper branch mspeed) took must read exactly as the slower tests they stand for."""

import sys

from matcher.text.normalise import _SPREAD, _SPREAD_HINT, normalise
from matcher.text.scripts import LATIN_ALNUM, is_latin_alnum


def test_latin_alnum_is_what_is_latin_alnum_accepts():
    assert all((chr(c) in LATIN_ALNUM) == is_latin_alnum(chr(c)) for c in range(sys.maxunicode + 1))


def test_spread_hint_finds_every_spread_run():
    for text in (" l u f f y ", "x z o r o 2", " ル フ ィ ", "a b c", " ゾ ロ ", "d e n j i"):
        assert bool(_SPREAD.search(text)) <= bool(_SPREAD_HINT.search(text)), text
    assert _SPREAD_HINT.search(" ル フ ィ ") and not _SPREAD_HINT.search(" a b c ")


def test_normalise_with_the_shortcuts():
    assert normalise("L u f f y  and  #OnePieceLuffy") == " luffy and one piece luffy "
    assert normalise("ル フ ィ") == " ルフィ "
    assert normalise("plain lower text") == " plain lower text "
