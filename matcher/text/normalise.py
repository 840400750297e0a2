"""One canonical form for names and for the text searched: NFKC (full/half width), invisible characters
removed, Latin case and diacritics folded (Tanjirō -> tanjiro), camelCase split (#OnePieceLuffy), every
separator (spaces, middle dots, dots, dashes, '#', emoji...) one space, and letters spread out to dodge
filters (L.u.f.f.y) joined again. Kana and Han are kept as written: the expansion of names (names.py)
writes each name in every form, so the text is normalised once, fast, and the matched span can be traced
back to the text as it appeared (`normalise_mapped`)."""

from __future__ import annotations

import re
import unicodedata

SPACE = " "
FIELD_SEP = "\x1f"  # kept by normalise_fields between the fields of a post
# separators inside names as uploaders write them (anything not a letter or digit also becomes a space)
_KEEP_CATEGORIES = ("L", "N", "M")
# camelCase (#OnePieceLuffy), an acronym before a word (#LUFFYEdit, #AIArt), AI before a lower-case word
# (#AIgenerated: not "A Igenerated"), and an x between capitals (SPYxFAMILY, HUNTERxHUNTER: the × of a title)
_CAMEL = re.compile(r"(?<=[a-zA-Z])(?=[A-Za-z])(?:(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?:(?<!\bA)(?=[A-Z][a-z]{2})"
                    r"|(?<=\bAI)(?=[a-z]{2})|(?<=[A-Z]{2})(?=x[A-Z]{2})))")
_SPACES = re.compile(r" {2,}")
# four or more single Latin letters or digits with a separator between each: "l u f f y" -> "luffy"
_SPREAD = re.compile(r"(?<![0-9a-z])(?:[0-9a-z] ){3,}[0-9a-z](?![0-9a-z])"
                     r"|(?<![\u3041-\u30ffー])(?:[\u3041-\u30ffー] )+[\u3041-\u30ffー](?![\u3041-\u30ffー])")
# ... and several words spread so, with wider gaps typed between the words: "m a d e  w i t h  k l i n g" -> "made with
# kling" (read as typed, before symbols become spaces: "c l o u d ☁️ s k y" has no typed gap and stays one run)
_SPREAD_WORDS = re.compile(r"(?<![0-9A-Za-z] )(?<![0-9A-Za-z])(?:[0-9A-Za-z] )+[0-9A-Za-z]"
                           r"(?:(?: {2,}| ?[&+] ?)(?:[0-9A-Za-z] )+[0-9A-Za-z])+(?![0-9A-Za-z])")  # or & + between
# what every match of _SPREAD holds (four Latin letters or digits, or two kana, with one space between each): a cheap
# search first, as most posts have none (the lookbehinds opening _SPREAD make it test every position)
_SPREAD_HINT = re.compile(r"[0-9a-z] [0-9a-z] [0-9a-z] [0-9a-z]|[\u3041-\u30ffー] [\u3041-\u30ffー]")
_WORD_GAP = re.compile(r"( {2,}| ?[&+] ?)")
# a word split in short Latin syllables with underscores, dots or dashes to dodge filters: "Pi_ka_chu",
# "Na-ru-to", "ma.ki.ma" -> "Pikachu" (no spaces: "is a man" stays three words)
_SYLLABLES = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{1,3}(?:[_.\-][A-Za-z]{1,3})+(?![0-9A-Za-z])")
_SYLLABLE_SEP = re.compile(r"[_.\-]")
# "w/" for "with" ("made w/ s o r a"): written out before letters spread apart are joined, so that the w is no letter of
# the spread word ("w s o r a" would read "wsora")
_WITH = re.compile(r"(?<![0-9A-Za-z/])[Ww]/([Oo](?![0-9A-Za-z]))?(?![/0-9A-Za-z]*/)")  # w/o: without
# @ typed for a inside a word to dodge filters (T@njiro, demonsl@yer); not in an address (luffy@gmail.com), where a dot
# follows the word after it
_AT_FOR_A = re.compile(r"(?<=[A-Za-z])@(?=[A-Za-z@]*[A-Za-z](?![A-Za-z0-9.@]))")  # K@k@shi: more than one
_NEEDS_NFKC = re.compile(r"[^\u0000-\u007f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]")


class _FoldTable(dict):
    """str.translate's table, filled on first sight of each character: casefold, Latin diacritics dropped,
    invisible characters (format, control, variation selectors) deleted, separators to one space."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        cat = unicodedata.category(ch)
        if ch == FIELD_SEP:
            value = ch
        elif cat in ("Cf", "Cc", "Cs", "Co") or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
            value = None if ch not in "\t\n\r" else SPACE
        elif ch == "ー" or ch == "ｰ" or cat[0] in _KEEP_CATEGORIES and ch != "_":
            value = _fold_letter(ch)
        else:
            value = SPACE
        self[code] = value
        return value


def _fold_letter(ch: str) -> str:
    if ch in LOOKALIKES:
        return LOOKALIKES[ch]
    folded = ch.casefold()
    name = unicodedata.name(ch, "")
    if "LATIN" in name or unicodedata.category(ch) == "Mn":
        base = "".join(c for c in unicodedata.normalize("NFD", folded) if unicodedata.category(c) != "Mn")
        if unicodedata.category(ch) == "Mn" and ch not in ("\u3099", "\u309a"):
            return ""  # a stray combining mark (Zalgo, accents typed apart)
        if base and not base.isascii():  # ı, ᴍ, ɪ: the letter the Unicode name says it is a form of
            letter = _LATIN_FORM_OF.search(name)
            return letter.group(1).lower() if letter else base
        return base or folded
    return folded


# Latin letters that are forms of a plain letter by their Unicode name (LATIN SMALL LETTER DOTLESS I, LATIN
# LETTER SMALL CAPITAL M, LATIN SMALL LETTER I WITH STROKE), which NFKC keeps apart
_LATIN_FORM_OF = re.compile(r"(?:LETTER|CAPITAL|DOTLESS) ([A-Z])(?: WITH [A-Z ]+)?$")
# Cyrillic and Greek letters drawn as Latin ones (Unicode's confusables, UTS #39), typed into names to dodge
# filters (Ѕаsukе: Cyrillic Ѕ, а, е)
LOOKALIKES = dict(zip("аеорсухіјѕһԁԛԝкӀӏАВЕКМНОРСТХУІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαρνκιυ",
                      "aeopcyxijshdqwkllabekmhopctxyijsabezhikmnoptyxoapvkiu", strict=True))


# symbols and Han characters drawn as the letter or kana between which they stand, typed into names to dodge filters:
# $ and € between Latin letters (A$h K€tchum), and Han characters that look like katakana between katakana (アー二ャ
# with the kanji 二 for ニ, ロ with 口, カ with 力). Only between two of the letters they stand for: $5, 二人, 一ノ瀬 stay
_IN_WORD_LOOKALIKES = {"$": "s", "€": "e", "二": "ニ", "口": "ロ", "力": "カ", "工": "エ", "夕": "タ", "卜": "ト", "八": "ハ"}
_IN_WORD_LOOKALIKE = re.compile(r"[$€](?<=[A-Za-z].)(?=[A-Za-z])|[二口力工夕卜八](?<=[\u30a1-\u30fc].)(?=[\u30a1-\u30fc])")


def _in_word_lookalike(m: re.Match) -> str:
    return _IN_WORD_LOOKALIKES[m.group(0)]


_TABLE = _FoldTable()


def _prepare(text: str) -> str:
    if _NEEDS_NFKC.search(text):
        text = unicodedata.normalize("NFKC", text)
    if "$" in text or not text.isascii():
        text = _IN_WORD_LOOKALIKE.sub(_in_word_lookalike, text)
    if "/" in text:
        text = _WITH.sub(_with, text)
    if "@" in text:
        text = _AT_FOR_A.sub("a", text)
    if "  " in text or "&" in text or "+" in text:
        text = _SPREAD_WORDS.sub(_join_spread_words, text)
    if text.lower() != text:  # every camelCase split has a capital A-Z beside it
        text = _CAMEL.sub(SPACE, text)
    if "_" in text or "." in text or "-" in text:
        text = _SYLLABLES.sub(_join_syllables, text)
    return text


def _with(m: re.Match) -> str:
    return "without " if m.group(1) else "with "


def _join_syllables(m: re.Match) -> str:
    return _SYLLABLE_SEP.sub("", m.group(0))


def _join_spread_words(m: re.Match) -> str:
    """The spread words of M joined, each typed gap kept as one space or as its symbol (L o i d & Y o r: Loid&Yor)."""
    parts = _WORD_GAP.split(m.group(0))  # words at even places, gaps at odd ones
    return "".join(part.replace(SPACE, "") if i % 2 == 0 else (part.strip() or SPACE) for i, part in enumerate(parts))


def normalise(text: str) -> str:
    """The canonical form of TEXT (a name or a field of a post), padded with one space on each side."""
    text = _prepare(text or "").translate(_TABLE)
    if "  " in text:
        text = _SPACES.sub(SPACE, text)
    if _SPREAD_HINT.search(text):
        text = _SPREAD.sub(lambda m: m.group(0).replace(SPACE, ""), text)
    return f" {text.strip(SPACE)} "


def normalise_fields(texts: list[str]) -> str:
    """normalise() of several texts at once, FIELD_SEP between them (no match crosses it)."""
    return normalise(FIELD_SEP.join([t.replace(FIELD_SEP, SPACE) for t in texts]))


def normalise_mapped(text: str) -> tuple[str, list[int]]:
    """normalise(TEXT) and, for each of its characters plus one past the end, where it starts in TEXT
    (so a match [i, j) is TEXT[starts[i]:ends]); slower, used only for fields with a match."""
    text = text or ""
    prepared, starts = _mapped_prepare(text)
    out: list[str] = []
    src: list[int] = []
    for ch, pos in zip(prepared, starts, strict=True):
        piece = _TABLE[ord(ch)]
        if piece:
            out.append(piece)
            src.extend([pos] * len(piece))
    s, src = "".join(out), src
    # collapse space runs, then join spread letters, keeping the map
    s, src = _sub_mapped(_SPACES, lambda m: SPACE, s, src)
    s, src = _sub_mapped(_SPREAD, lambda m: m.group(0).replace(SPACE, ""), s, src)
    lead = len(s) - len(s.lstrip(SPACE))
    core = s.strip(SPACE)
    src = src[lead:lead + len(core)]
    end = len(text)
    return f" {core} ", [src[0] if src else end, *src, end]


def _mapped_prepare(text: str) -> tuple[str, list[int]]:
    """_prepare(TEXT) with the start in TEXT of each character (NFKC per grapheme when it is needed)."""
    if _NEEDS_NFKC.search(text):
        chars, starts = [], []
        i = 0
        while i < len(text):
            j = i + 1
            while j < len(text) and (unicodedata.combining(text[j]) or text[j] in "\uff9e\uff9f\u3099\u309a"):
                j += 1
            piece = unicodedata.normalize("NFKC", text[i:j])
            chars.extend(piece)
            starts.extend([i] * len(piece))
            i = j
        text2 = "".join(chars)
    else:
        text2, starts = text, list(range(len(text)))
    text2 = _IN_WORD_LOOKALIKE.sub(_in_word_lookalike, text2)  # one character for one: the starts hold
    if "/" in text2:
        text2, starts = _sub_mapped(_WITH, _with, text2, starts)
    if "@" in text2:
        text2, starts = _sub_mapped(_AT_FOR_A, lambda m: "a", text2, starts)
    if "  " in text2 or "&" in text2 or "+" in text2:
        text2, starts = _sub_mapped(_SPREAD_WORDS, _join_spread_words, text2, starts)
    out, src = _sub_mapped(_CAMEL, lambda m: SPACE, text2, starts)
    return _sub_mapped(_SYLLABLES, _join_syllables, out, src)


def _sub_mapped(pattern: re.Pattern, repl, s: str, src: list[int]) -> tuple[str, list[int]]:
    out: list[str] = []
    new_src: list[int] = []
    last = 0
    for m in pattern.finditer(s):
        out.append(s[last:m.start()])
        new_src.extend(src[last:m.start()])
        r = repl(m)
        anchor = src[m.start()] if m.start() < len(src) else (src[-1] + 1 if src else 0)
        out.append(r)
        kept = _kept(m.group(0), r)
        if kept is not None:  # letters spread or split: keep the letters' starts
            new_src.extend(src[m.start() + k] for k in kept)
        else:
            new_src.extend([anchor] * len(r))
        last = m.end()
    out.append(s[last:])
    new_src.extend(src[last:])
    return "".join(out), new_src


def _kept(group: str, result: str) -> list[int] | None:
    """Where in GROUP each character of RESULT was, when RESULT is GROUP with some characters deleted."""
    if len(result) >= len(group):
        return None
    kept, k = [], 0
    for i, ch in enumerate(group):
        if k < len(result) and ch == result[k]:
            kept.append(i)
            k += 1
    return kept if k == len(result) else None
