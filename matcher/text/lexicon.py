"""What else a catalogue name is in its own language: the ambiguity model of each alias, read from dictionaries
kept in installed packages, not from lists of our own.

- a kana name, or a romaji name spelling one of the character's Japanese names, whose reading (three kana at most)
  is that of a Japanese dictionary word or given name (pykakasi's kanwa dictionary: ナルト/なると/Naruto 鳴門, カカシ
  案山子, ソラ 空, サスケ 佐助, マリオ 真理雄) is a homonym;
- a Han name that jieba's dictionary tags as a transliterated foreign person's name (克劳德 Claude, 路易吉 Luigi:
  tag nrt) is a homonym;
- a Han name that SudachiPy's core dictionary holds whole, as one entry of its own, tagged a common noun or a place
  name rather than a person's name (虎杖 the knotweed, 五条 the Kyoto street, 煉獄 purgatory, 宿儺 the legend's
  figure; not 佐助, 善逸: 人名) is a homonym. kanwa cannot judge Han names (it lists the characters' own spellings
  too); Sudachi's part of speech can, and it is read once per name when the detector is built, never per post.

A homonym is the character only with something in the post that says so (its work, another of its characters,
words of fandom, an AI marker, a hashtag: `context.corroborated`); a name that is no homonym (ルフィ, Tanjiro as
written, 竈門炭治郎) counts alone. The spellings the holder lists in Han for the character itself (炭治郎, 禰豆子)
do not make its reading a homonym.
"""

from __future__ import annotations

import functools
import pickle

import jaconv

from matcher.text.scripts import HAN, is_hiragana, latin_only

JIEBA_FOREIGN_NAME_TAGS = frozenset(("nrt",))  # jieba: a transliterated foreign person's name (克劳德, 路易吉)
# a reading this short is a word or a given name often (なると, かかし, そら, まりお); a longer one's namesakes in the
# dictionary are rare words or names (ぜんいつ 全一, たんじろう 丹次郎): the character's (Tanjirou, ぜんいつ) counts alone
MAX_HOMONYM_KANA = 3
# Sudachi's parts of speech (second and third levels) that make a whole Han name a word or a place, not a person
SUDACHI_WORD_POS = frozenset((("普通名詞", "一般"), ("固有名詞", "地名")))


@functools.cache
def _kanwa_readings() -> dict[str, frozenset[str]]:
    """Hiragana reading (MAX_HOMONYM_KANA at most) -> the Han words that read so, every entry of pykakasi's kanwa
    dictionary (the table pykakasi itself loaded for its conversions, read once)."""
    readings: dict[str, set[str]] = {}
    for entries in _kanwa_table().values():
        for word, spellings in entries.items():
            for kana, condition in spellings:
                # an okurigana-conditioned entry is a verb or adjective stem, not a word
                if condition is None and len(kana) <= MAX_HOMONYM_KANA:
                    readings.setdefault(kana, set()).add(word)
    return {kana: frozenset(words) for kana, words in readings.items()}


def _kanwa_table() -> dict:
    from pykakasi.kanji import Kanwa

    table = getattr(Kanwa(), "_jisyo_table", None)  # pykakasi 2.x keeps it there once loaded
    if table is None:
        from pykakasi.properties import Configurations

        with open(Configurations.dictpath(Configurations.jisyo_kanwa), "rb") as handle:
            table = pickle.load(handle)
    return table


@functools.cache
def _jieba_foreign_names() -> frozenset[str]:
    """The words jieba's main dictionary tags as transliterated foreign person's names."""
    with open(_jieba_dict(), encoding="utf-8") as f:
        return frozenset(parts[0] for parts in map(str.split, f) if len(parts) == 3
                         and parts[2] in JIEBA_FOREIGN_NAME_TAGS)


def _jieba_dict() -> str:
    import os

    import jieba

    return os.path.join(os.path.dirname(jieba.__file__), "dict.txt")


def _sudachi_word(form: str) -> bool:
    """Whether Sudachi's core dictionary holds the Han FORM whole as a common noun or a place name."""
    tokens = _sudachi().tokenize(form)
    if len(tokens) != 1 or tokens[0].is_oov() or tokens[0].surface() != form:
        return False
    pos = tokens[0].part_of_speech()
    return pos[0] == "名詞" and pos[1:3] in SUDACHI_WORD_POS


@functools.lru_cache(maxsize=4096)
def one_word(run: str) -> bool:
    """Whether Sudachi's core dictionary reads RUN (a katakana run holding a name and more: リクエスト, ナミダ, ソラマチ)
    as one word of its own, not as the name and another word (マリオ|カート, ルイージ|マンション: titles holding the
    character). Called only for a name run into more katakana, so rarely."""
    tokens = _sudachi().tokenize(run)
    return len(tokens) == 1 and not tokens[0].is_oov()


@functools.cache
def _sudachi():
    from sudachipy import Dictionary, SplitMode

    dictionary = Dictionary(dict="core")
    make = getattr(dictionary, "tokenizer", None) or dictionary.create  # tokenizer(): 0.7; create(): 0.6
    return make(SplitMode.C)


@functools.lru_cache(maxsize=65536)
def reading(form: str) -> str:
    """The hiragana reading of a one-word romaji or kana form ('' when it has none: luffy)."""
    if latin_only(form):
        if " " in form or not form.isalpha():
            return ""
        kana = jaconv.kata2hira(jaconv.alphabet2kana(form))
        return kana if all(is_hiragana(c) for c in kana) and "っ" != kana[-1] else ""
    kana = jaconv.kata2hira(form)
    return kana if all(is_hiragana(c) for c in kana) else ""


def japanese_readings(names: list[str]) -> frozenset[str]:
    """The hiragana readings of a character's kana and Han names (ナルト -> なると, 宿儺 -> すくな)."""
    return frozenset(kana for kana in map(_name_reading, names) if kana)


@functools.lru_cache(maxsize=65536)
def _name_reading(name: str) -> str:
    if latin_only(name):
        return ""
    kana = "".join(token["hira"] for token in _converter().convert(name))
    return kana if kana and all(is_hiragana(c) or c == "ー" for c in kana) else ""


@functools.cache
def _converter():
    from pykakasi import kakasi

    return kakasi()


def word_readings(names: list[str]) -> frozenset[str]:
    """The readings of a character's Han names that are words or places (Sudachi: 虎杖 -> いたどり, 五条 -> ごじょう),
    in hiragana and in loose Hepburn romaji (long vowels single: itadori, gojo): those spellings of the name are the
    word too (Itadori the knotweed, Gojo-dori the street)."""
    out = set()
    for name in names:
        if name and all(map(HAN.match, name)) and _sudachi_word(name):
            tokens = _converter().convert(name)
            out.add("".join(t["hira"] for t in tokens))
            out.add(loose_romaji("".join(t["hepburn"] for t in tokens)))
    return frozenset(out)


def loose_romaji(form: str) -> str:
    """Hepburn romaji with long vowels written single (gojou, gojoo, gojō -> gojo)."""
    form = form.casefold().translate(_MACRONS)
    for long, short in _LONG_VOWELS:
        form = form.replace(long, short)
    return form


_MACRONS = str.maketrans("āīūēôōâû", "aiueooau")
_LONG_VOWELS = (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ii", "i"), ("ee", "e"))


def homonym(form: str, own_readings: frozenset[str] = frozenset(), own_han: frozenset[str] = frozenset(),
            words: frozenset[str] = frozenset()) -> bool:
    """Whether a canonical name form is also a word or another person's name in its language: a kana form, or a
    romaji form that spells one of the character's Japanese names (OWN_READINGS: Naruto of ナルト, not Luigi of
    ルイージ), whose reading is that of a dictionary word other than the Han names the holder lists (OWN_HAN); or a
    Han form jieba's dictionary tags as a foreign person's name; or a word_homonym (WORDS)."""
    if not form:
        return False
    if word_homonym(form, words):
        return True
    kana = reading(form)
    if len(kana) > MAX_HOMONYM_KANA:
        return False
    if kana and (not latin_only(form) or kana in own_readings):
        return bool(_kanwa_readings().get(kana, frozenset()) - own_han)
    return form in _jieba_foreign_names()


def word_homonym(form: str, words: frozenset[str] = frozenset()) -> bool:
    """Whether a canonical name form is a common noun or a place, not a person's name: a Han form Sudachi's
    dictionary holds so (虎杖, 五条), or a kana or romaji form that reads as one of the character's Han names that
    are such words (WORDS, word_readings: Itadori, いたどり of 虎杖; Gojo of 五条). Such a word takes no honorific:
    "Rengoku-san" is a person, the character."""
    if all(map(HAN.match, form)):
        return _sudachi_word(form)
    if not words:
        return False
    return reading(form) in words or latin_only(form) and " " not in form and loose_romaji(form) in words
