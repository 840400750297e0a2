"""Expansion of a catalogue name into the forms uploaders write, all in the canonical form of
normalise.py: katakana and hiragana, Hepburn romaji (pykakasi) with and without long vowels
(tanjirou, tanjiro, tanjiroh), simplified and traditional Han (OpenCC), words spaced or run together
(hashtags: #モンキーDルフィ, #monkeydluffy), given and family name in both orders."""

from __future__ import annotations

import functools
import re

from matcher.text.normalise import normalise
from matcher.text.scripts import HAN, KANA, latin_only

MIN_HIRAGANA_CHARS = 3  # ソラ is a name, そら the sky: short kana names keep the script they were given in
MIN_HAN_CHARS = 2  # one Han character is a word in too many texts
MIN_LATIN_CHARS = 2
# a one-word Latin name this long is typed with two neighbouring letters swapped often enough (Zenistu for Zenitsu,
# Sephrioth), and its swapped forms are rarely another word; a shorter one's are (Luigi/Lugii are fine, but Nami/Nmai,
# Ash/Sah, Link/Lnik are too short to tell a typo from noise)
MIN_TYPO_CHARS = 7
_LONG_VOWELS = (("ou", "o"), ("ou", "oh"), ("uu", "u"), ("ii", "i"), ("aa", "a"), ("ee", "e"), ("oo", "o"))
_TYPED_SYMBOLS = (("×", " x "), ("✕", " x "), ("＆", " and "), ("&", " and "))  # HUNTER×HUNTER, Q&A
_MACRONS = {"ō": ("ou", "oh", "o"), "ū": ("uu", "u"), "ā": ("aa", "a"), "ī": ("ii", "i"), "ē": ("ee", "e"),
            "ô": ("ou", "o"), "û": ("uu", "u"), "â": ("aa", "a")}


@functools.cache
def _kakasi():
    import pykakasi

    return pykakasi.kakasi()


@functools.cache
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def romaji(text: str) -> list[str]:
    """Hepburn romaji words of a kana name, or of a kana name with one Han character after it, a title (ピーチ姫:
    piichi hime); [] for other names with Han: readings of Han names are guesses."""
    if not KANA.search(text) or HAN.search(text) and not kana_with_title(text):
        return []
    words = []
    for part in _kakasi().convert(text):
        words.extend(w for w in re.split(r"[^0-9A-Za-z]+", part["hepburn"]) if w)
    return [w.lower() for w in words]


_GEMINATE = re.compile(r"([bcdfghjkmprstz])\1|t(?=ch)")


def single_consonants(word: str) -> str:
    """A romaji word with its doubled consonants (the small tsu っ/ッ) written single: choppaa -> chopaa, matcha ->
    macha."""
    return _GEMINATE.sub(lambda m: m.group(1) or "", word)


def has_geminate(word: str) -> bool:
    """Whether a romaji word writes a doubled consonant (the small tsu: choppaa, matcha)."""
    return bool(_GEMINATE.search(word))


def kana_with_title(text: str) -> bool:
    """Whether TEXT is a kana name and one Han character after it (ピーチ姫, クッパ姫): a title, whose reading as a word
    is the dictionary's."""
    return len(text) > 2 and bool(HAN.fullmatch(text[-1])) and not HAN.search(text[:-1])


def long_vowel_forms(word: str) -> set[str]:
    """A romaji word with its long vowels written every usual way (ou/o/oh, uu/u, ...)."""
    forms = {word}
    for long, short in _LONG_VOWELS:
        forms |= {f.replace(long, short) for f in forms if long in f}
    return {f for f in forms if len(f) >= MIN_LATIN_CHARS} | {word}


def macron_forms(name: str) -> set[str]:
    """A Latin name with macrons spelled out (Tanjirō -> Tanjirou, Tanjiroh; Tanjiro comes by folding)."""
    forms = {name}
    for mark, spellings in _MACRONS.items():
        for f in list(forms):
            for variant in (mark.upper(), mark):
                if variant in f:
                    forms |= {f.replace(variant, s if variant.islower() else s.capitalize()) for s in spellings}
    return forms


def symbol_forms(name: str) -> set[str]:
    """NAME, and the same with the symbols uploaders type as letters typed so (SPY×FAMILY -> SPY x FAMILY,
    #spyxfamily)."""
    forms = {name}
    for symbol, typed in _TYPED_SYMBOLS:
        forms |= {f.replace(symbol, typed) for f in forms if symbol in f}
    return forms


def word_forms(words: list[str], *, swap: bool = True) -> set[str]:
    """Words spaced and run together (a hashtag), and two-word names in both orders (SWAP)."""
    forms = {" ".join(words), "".join(words)}
    if swap and len(words) == 2:
        forms |= {f"{words[1]} {words[0]}", f"{words[1]}{words[0]}"}
    return forms


def expand_name(name: str, *, swap: bool = True) -> set[str]:
    """Every canonical form (normalise.py, without the padding) under which NAME is searched (SWAP: also
    with its two words in the other order, for person names)."""
    variants: set[str] = set()
    for spelled in {m for typed in symbol_forms(name) for m in macron_forms(typed)}:
        base = normalise(spelled).strip()
        if not base:
            continue
        variants |= word_forms(base.split(" "), swap=swap)
        if latin_only(base):
            for words in _long_vowel_word_lists(base.split(" ")):
                variants |= word_forms(words, swap=swap)
    for form in list(variants):
        variants |= _script_forms(form)
    roma = romaji(name)
    if roma:
        for words in _long_vowel_word_lists(roma):
            variants |= word_forms(words, swap=swap)
        if "ッ" in name or "っ" in name:  # チョッパー: chopa, chopaa too (the small tsu dropped, as uploaders type it)
            for words in _long_vowel_word_lists([single_consonants(w) for w in roma]):
                variants |= word_forms(words, swap=swap)
    return {v for v in variants if _long_enough(v)}


def _long_vowel_word_lists(words: list[str]) -> list[list[str]]:
    if len(words) > 4:
        return [words]
    lists: list[list[str]] = [[]]
    for word in words:
        lists = [prefix + [form] for prefix in lists for form in sorted(long_vowel_forms(word))]
    return lists[:32]


def _script_forms(form: str) -> set[str]:
    import jaconv

    out = set()
    if KANA.search(form):
        out.add(jaconv.hira2kata(form))
        hira = jaconv.kata2hira(form)
        if len(hira.replace(" ", "")) >= MIN_HIRAGANA_CHARS:
            out.add(hira)
    if HAN.search(form):
        out |= {_opencc("s2t").convert(form), _opencc("t2s").convert(form), _opencc("jp2t").convert(form)}
    return out


def given_names(names: list[str]) -> list[str]:
    """Short forms the holder's own names imply: a Han full name whose last characters read (pykakasi) as a
    one-word Latin name the holder lists, which is also a word of a longer Latin name the holder lists
    (孫悟空 + "Son Goku" + "Goku" -> 悟空, and the reading with its long vowels: Gokuu, Son Gokuu)."""
    latin = [normalise(n).strip() for n in names if latin_only(normalise(n).strip())]
    singles = {_folded(w): w for w in latin if " " not in w}
    fulls = [w.split(" ") for w in latin if " " in w]
    listed = {normalise(n).strip() for n in names}
    out: list[str] = []
    for name in names:
        han = normalise(name).replace(" ", "")
        if len(han) <= MIN_HAN_CHARS or not all(HAN.match(c) for c in han):
            continue
        for cut in range(1, len(han) - MIN_HAN_CHARS + 1):
            reading = "".join(part["hepburn"] for part in _kakasi().convert(han[cut:])).lower()
            word = singles.get(_folded(reading))
            if not word or not reading.isalpha():
                continue
            for full in fulls:
                if word in full:
                    out += [han[cut:], reading, " ".join(reading if w == word else w for w in full)]
            break
    return [form for form in dict.fromkeys(out) if form not in listed]


_GENITIVE = re.compile(r"^(.{2,}?)(?:の|ノ|의 |의|的)")


def short_titles(titles: list[str]) -> list[str]:
    """Short titles the holder's own titles imply: when a Latin title ends "of S" and S is listed alone (The
    Legend of Zelda, Zelda), the genitive that opens a Japanese, Korean or Chinese title is S in that script
    (ゼルダの伝説 -> ゼルダ, 젤다의 전설 -> 젤다). No "of" title with its part listed alone, no short title: 推しの子 does
    not give 推し, nor 葬送のフリーレン 葬送."""
    latin = {normalise(t).strip() for t in titles}
    if not any(" of " in t and t.rsplit(" of ", 1)[1] in latin for t in latin if latin_only(t)):
        return []
    out = []
    for title in titles:
        found = _GENITIVE.match(normalise(title).strip())
        if found and not latin_only(found.group(1)) and found.group(1).strip() not in latin:
            out.append(found.group(1).strip())
    return out


def _folded(word: str) -> str:
    """A romaji word with its long vowels short (gokuu -> goku, tanjirou -> tanjiro)."""
    return min(long_vowel_forms(word), key=len)


def simplified(form: str) -> str:
    """FORM with its Han characters in simplified Chinese (OpenCC)."""
    return _opencc("t2s").convert(form)


def _long_enough(form: str) -> bool:
    compact = form.replace(" ", "")
    if latin_only(form):
        return len(compact) >= MIN_LATIN_CHARS
    if HAN.search(form) and not KANA.search(form):
        return len(compact) >= MIN_HAN_CHARS
    return len(compact) >= 1


def transposed(form: str) -> set[str]:
    """The one-word Latin FORM (MIN_TYPO_CHARS letters or more) with two neighbouring letters after the first swapped:
    the commonest typo (Zenistu, Tanjrio); the first letter stays, as typists rarely miss it."""
    if not latin_only(form) or " " in form or len(form) < MIN_TYPO_CHARS or not form.isalpha():
        return set()
    out = {form[:i] + form[i + 1] + form[i] + form[i + 2:] for i in range(1, len(form) - 1)}
    return out - {form}
