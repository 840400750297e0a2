"""Which script a character or a name is written in (the rules of expansion and boundaries differ)."""

from __future__ import annotations

import re

KANA = re.compile(r"[\u3040-\u30ffー]")
KATAKANA_CHAR = re.compile(r"[\u30a0-\u30ffー]")
HIRAGANA_CHAR = re.compile(r"[\u3040-\u309f]")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def is_latin_alnum(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("0" <= ch <= "9") or ("\u00e0" <= ch <= "\u024f")


# the characters is_latin_alnum accepts, for the hot paths that test single characters by membership (no call)
LATIN_ALNUM = frozenset(c for c in map(chr, range(0x250)) if is_latin_alnum(c))


def is_katakana(ch: str) -> bool:
    return "\u30a0" <= ch <= "\u30ff"


def is_hiragana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f"


def is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def latin_only(text: str) -> bool:
    return bool(text.strip()) and all(is_latin_alnum(c) or c == " " for c in text.strip())
