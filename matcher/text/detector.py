"""The mentions detector: one Aho-Corasick automaton (pyahocorasick) over every expanded name, title and AI
marker, one pass over a post's fields, then the rules no automaton knows: word boundaries for Latin names
(fluffy is not Luffy), kana and hangul neighbours (ドルフィン is not ルフィ), names that are also common
words or shared by two characters (Link, Sora) counted only when their work is named too, AI phrases
cancelled by a negation they overlap (no AI, AI学習禁止).

    detector = MentionDetector(works)      # [{"id", "titles", "characters": [{"id", "names"}]}]
    result = detector.detect(post)         # post: {"id", "title", "description", "hashtags", "uploader_name"}
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
import unicodedata
from dataclasses import dataclass, field

import jaconv

from matcher.text import ai, ai_context
from matcher.text.context import (HanWords, corroborated, counted_noun, counted_unit, crossover, fan_goods, fandom_post,
                                  glued_hangul, honorific_after,
                                  katakana_compound, names_a_place, names_someone, starts_a_title, other_franchise, personal_post, surname_after,
                                  used_as_word)
from matcher.text.lexicon import homonym, japanese_readings, loose_romaji, one_word, word_homonym, word_readings
from matcher.text.names import expand_name, given_names, has_geminate, kana_with_title, short_titles, transposed
from matcher.text.normalise import FIELD_SEP, LOOKALIKES, normalise, normalise_fields, normalise_mapped
from matcher.text.scripts import (
    HAN,
    HANGUL,
    KANA,
    KATAKANA_CHAR,
    HIRAGANA_CHAR,
    LATIN_ALNUM,
    is_hangul,
    is_hiragana,
    is_katakana,
    is_latin_alnum,
    latin_only,
)

FIELDS = ("title", "description", "hashtags", "uploader_name")
HASHTAGS = FIELDS.index("hashtags")
SHORT_KANA_CHARS = 2  # a kana name this short needs non-kana on both sides (ツナミ is not ナミ)
HIRAGANA_PARTICLES = "のとがはをにもやへで"  # a hiragana name may stand between these inside hiragana text
FOREIGN_KANA = "ぁぃぅぇぉー"  # ... when spelled as only foreign names are (ふぇるん, ちょっぱー)
MIN_HIRAGANA_NAME_CHARS = 4  # ... or this long (ぜんいつ; かかし scarecrow and なると fish cake are words)
KATAKANA_SEPARATORS = "\u30a0\u30fb"  # ゠ and ・ stand between the words of a name (ロイド・フォージャー)
# Han characters fans write right after a name (ナミ推し, ゾロ誕, ルフィ達, サスケ君, ナミ様, ゾロ戦, ゾロ編, ナミ単)
FAN_KANJI_AFTER = "推誕達様君組派戦編単好愛曲役絵像顔化"
FAN_WORDS_AFTER = ("推し",)  # the fan's favourite: チョッパー推し (a chopper bike is nobody's 推し)
HYPHEN_WORD_CHARS = 4  # a syllable or two of romaji after a hyphen make one word with a name (denji-ha, naruto-maki)
HAN_GIVEN_NAME_CHARS, HAN_SURNAME_CHARS = 2, 2  # 猿飛|佐助: a Han given name after a surname in a Japanese post
SHORT_SHARED_CHARS = 3  # a kana, hangul or Han name this short may be another work's character's too (デンジ)
SHORT_LATIN_CHARS = 3  # a Latin name this short is ambiguous (L, Ash) unless run together in a hashtag
CHAR, WORK = "character", "work"
# a one-word Latin name this short is often a real person's given name too (Mario, Nami, Riku, Sora): followed
# by a surname-like word it counts only with its work named or fandom words in the post; a longer one
# (Zenitsu Agatsuma) is the character's
GIVEN_NAME_CHARS = 6
MIN_GLUED_CHARS = 4  # a shorter name run together with other letters is too likely part of a word
MAX_GLUE_CHARS = 40
# what uploaders run names together with in hashtags (#gojoedit, #luffyfanart, #narutoamv, #sukunaxgojo)
GLUE_WORDS = ("edit", "edits", "edt", "fan", "fans", "fanart", "art", "cosplay", "cos", "amv", "mmd", "ai", "x",
              "vs", "and", "lover", "lovers", "stan", "core", "tiktok", "shorts", "short", "fyp", "anime", "manga",
              "gear", "sama", "san", "kun", "chan", "sensei", "senpai", "daily", "clip", "clips", "moment",
              "moments", "scene", "scenes", "cute", "best", "my", "team", "figure", "plush", "icon", "icons",
              "wallpaper", "pfp", "meme", "memes", "funny", "dance", "the", "irl", "cosplayer", "fanfic", "ship",
              "aiart", "aivideo", "video", "videos", "animation", "sora", "veo", "kling", "community", "artist",
              "artists", "artwork", "generated", "gen", "creator", "creators", "world", "lab", "labs", "test",
              "tests", "official", "jp", "japan", "girl", "girls", "boy", "version", "ver", "movie", "film")


@functools.cache
def _common_words() -> frozenset[str]:
    """English words (GCIDE, from the english-words package): a name that is one is ambiguous."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["gcide"], lower=True, alpha=True))


def is_common(form: str) -> bool:
    """Whether a Latin form is one common word (Link, Ash, Power) or too short to be sure of (L, Ai); two
    words together (Princess Peach, Cloud Strife) are a name."""
    if not latin_only(form) or " " in form:
        return False
    return len(form) <= SHORT_LATIN_CHARS or form in _common_words()


def _common_title(form: str) -> bool:
    """Whether a work's title form is a common word or too short to be sure of; a short title with a digit
    or three letters the holder listed (FF7, KH3, JJK, DBZ) names the work."""
    if not latin_only(form) or " " in form:
        return False
    return len(form) <= 2 or form in _common_words()


def common_character(names: list[str]) -> bool:
    """Whether every one-word Latin name of a character is a common word (Link, Cloud, Power): then its
    one-word names in every script (リンク, 클라우드, パワー) are words too, and need the work named."""
    words = [n for n in (normalise(str(name)).strip() for name in names) if latin_only(n) and " " not in n]
    return bool(words) and all(is_common(w) for w in words)


@dataclass(frozen=True)
class Entry:
    kind: str  # "character", "work", or an ai kind
    index: int  # character or work index; -1 for AI markers
    form: str
    ambiguous: bool = False
    marker: str = ""
    homonym: bool = False  # also a word or someone else's name in its language: counts only corroborated


@dataclass
class Mention:
    character: str
    work: str
    alias: str
    field: str


@dataclass
class AIMarker:
    marker: str
    kind: str
    text: str
    field: str


@dataclass
class Detection:
    id: object
    works: list[str] = field(default_factory=list)
    characters: list[Mention] = field(default_factory=list)
    ai_generated: bool = False
    ai_markers: list[AIMarker] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"id": self.id, "works": list(self.works),
                "characters": [{"character": m.character, "work": m.work, "alias": m.alias, "field": m.field}
                               for m in self.characters],
                "ai": {"generated": self.ai_generated,
                       "markers": [{"marker": m.marker, "kind": m.kind, "text": m.text, "field": m.field}
                                   for m in self.ai_markers]}}


class CatalogueError(ValueError):
    """The catalogue given to the detector is malformed (the message says where)."""


class MentionDetector:
    def __init__(self, works: list[dict]):
        import ahocorasick

        self.work_ids: list[str] = []
        self.characters: list[tuple[str, int]] = []  # (character id, work index)
        forms: dict[str, list[Entry]] = {}
        char_forms: dict[str, dict[int, bool]] = {}  # form -> {character index: ambiguous}
        homonyms: set[str] = set()  # forms that are also a word or someone else's name (lexicon.homonym)
        word_forms: set[str] = set()  # ... of which a common noun or a place (lexicon.word_homonym: 虎杖, Gojo)
        loan_forms: set[str] = set()  # ... the kana and hangul of an English-word character (チョッパー, 클라우드)
        for wi, work in enumerate(works):
            self.work_ids.append(str(work["id"]))
            listed_titles = [str(t) for t in work.get("titles") or []]
            titles = [t for title in listed_titles + short_titles(listed_titles) for t in expand_name(title, swap=False)]
            for form in titles:
                forms.setdefault(form, []).append(Entry(WORK, wi, form, _common_title(form)))
            for character in work.get("characters") or []:
                ci = len(self.characters)
                self.characters.append((str(character["id"]), wi))
                names = [str(n) for n in character.get("names") or []]
                common = common_character(names)
                implied = given_names(names)  # 悟空 of 孫悟空: the holder did not list it alone (the Monkey King)
                own_han = frozenset(normalise(n).strip() for n in names if _han_only(normalise(n).strip()))
                own_readings = japanese_readings(names)
                words = word_readings(names)  # 虎杖 the knotweed: Itadori, いたどり are it too
                for name in names + implied:
                    # a kana name with a title after it (ピーチ姫) is no common word, whatever its one-word names are
                    one_word = " " not in normalise(name).strip() and not kana_with_title(name)
                    for form in expand_name(name):
                        # a Han form is a word only by the Chinese dictionary (HanWords below): 乔巴 and 林克
                        # are transliterations, not the words chopper and link
                        long_romaji = common and _long_vowel_romaji(name, form)
                        loan = common and one_word and _kana_or_hangul(form)  # チョッパー, 쵸파, クラウド
                        ambiguous = is_common(form) or (common and one_word and not _han_only(form)
                                                        and not long_romaji and not loan) or (
                            name in implied and _han_only(form))
                        known = char_forms.setdefault(form, {})
                        known[ci] = known.get(ci, True) and ambiguous
                        if loan and not ambiguous:
                            homonyms.add(form)  # チョッパー, 쵸파: counted when the post says it strongly (see
                            loan_forms.add(form)  # _uncorroborated), not by a word of fandom nor its own hashtag
                        elif long_romaji and not ambiguous:
                            homonyms.add(form)  # Choppaa, Pawaa: counted when corroborated, as homonyms are
                        elif homonym(form, own_readings, own_han, words):
                            homonyms.add(form)
                            if word_homonym(form, words):
                                word_forms.add(form)
        listed = {normalise(str(n)).strip() for work in works for c in work.get("characters") or []
                  for n in c.get("names") or []}
        self._add_typos(char_forms, forms, homonyms, word_forms, listed)
        title_forms = {f for f, entries in forms.items() if entries}
        han_names = {f for f in char_forms if _han_only(f)}
        self._han = HanWords(han_names) if han_names else None
        for form in self._han.common if self._han else ():
            char_forms[form] = dict.fromkeys(char_forms[form], True)  # 黄昏 (dusk) needs its work named
        for form, cis in char_forms.items():
            shared = len({self.characters[ci][1] for ci in cis}) > 1
            for ci, ambiguous in sorted(cis.items()):
                forms.setdefault(form, []).append(Entry(CHAR, ci, form, shared or ambiguous,
                                                        homonym=form in homonyms))
        self._longer_titles = {f for f in title_forms if f not in char_forms}
        # hiragana forms made from a katakana name (なると of ナルト), which the holder did not write so: run into a
        # word after them they are that word (なると金時, なるとわかめ)
        self._word_forms = frozenset(word_forms)
        self._loan_forms = frozenset(loan_forms)
        self._made_hiragana = frozenset(f for f in char_forms if f not in listed and all(
            is_hiragana(c) for c in f))
        # what a title writes before its character's name (超级 of 超级马力欧, スーパー of スーパーマリオ): before any form
        # of that name (超级马里奥兄弟) it makes a longer title, the work's
        by_character: dict[int, list[str]] = {}
        for form, cis in char_forms.items():
            for ci in cis:
                by_character.setdefault(ci, []).append(form)
        self._title_prefixes: dict[int, tuple[str, ...]] = {}
        for form, entries in forms.items():
            for entry in entries:
                if entry.kind != WORK:
                    continue
                for ci, (_, wi) in enumerate(self.characters):
                    if wi != entry.index:
                        continue
                    prefixes = {form[:at] for name in by_character.get(ci, ()) if (at := form.find(name)) > 0
                                and form[:at].strip()}
                    if prefixes:
                        self._title_prefixes[ci] = tuple(sorted(set(self._title_prefixes.get(ci, ())) | prefixes))
        # Korean names and titles a Korean name may run into in a hashtag (#나루토사스케)
        self._hangul_names = tuple(sorted(f for f in forms if f and all(is_hangul(c) for c in f)))
        self._hangul_set = frozenset(self._hangul_names)
        self._katakana_names = tuple(sorted(f for f in forms if f and is_katakana(f[0])))
        # one-word names that are English words (link, cloud, power, ash): in lower case after "the" or before
        # "of", "in bio"... they are the word
        self._word_names = frozenset(f for f in char_forms if latin_only(f) and " " not in f and is_common(f))
        # one-word names short enough to be a real person's given name too (Mario, Nami, Riku)
        self._one_word_latin = frozenset(f for f in char_forms if latin_only(f) and " " not in f)
        self._given_names = frozenset(f for f in char_forms if latin_only(f) and " " not in f
                                      and len(f) <= GIVEN_NAME_CHARS)
        # the surnames the holder lists after a given name (Anya Forger, Tifa Lockhart): another capitalised
        # surname after it is someone else (Anya Jenkins), even in a post with words of fandom
        self._listed_surnames: dict[str, set[str]] = {}
        # the words of each character's Latin full names, long vowels written single (rengoku, kyojuro): one beside
        # a homonym of the same character says it is the character's full name, however its long vowels are written
        # ("Rengoku Kyoujuro")
        self._name_words: dict[int, frozenset[str]] = {}
        for ci, (cid, wi) in enumerate(self.characters):
            character = next(c for c in works[wi].get("characters") or [] if str(c["id"]) == cid)
            self._name_words[ci] = frozenset(loose_romaji(w) for n in character.get("names") or []
                                             for w in normalise(str(n)).split()
                                             if latin_only(w) and len(normalise(str(n)).split()) > 1)
        for work in works:
            for character in work.get("characters") or []:
                for name in character.get("names") or []:
                    words = normalise(str(name)).split()
                    if len(words) == 2 and latin_only(words[0]) and latin_only(words[1]):
                        self._listed_surnames.setdefault(words[0], set()).add(words[1])
        # two-word names whose words are both common words (cloud strife, princess peach): lower case, they
        # may be a phrase ("the cloud strife at work"), and count only with the work named
        self._phrases = frozenset(f for f in char_forms if f.count(" ") == 1 and latin_only(f)
                                  and all(w in _common_words() for w in f.split()))
        for form, (kind, marker), camel_only in ai.marker_forms():  # ambiguous: counts only in camel case
            forms.setdefault(form, []).append(Entry(kind, -1, form, camel_only, marker=marker))
        self.automaton = ahocorasick.Automaton()
        for form, entries in forms.items():
            # (length, entries, whether word bounds are checked, whether an entry is a character's name)
            self.automaton.add_word(form, (len(form), tuple(entries), _needs_bounds(form),
                                           any(e.kind == CHAR for e in entries)))
        self.automaton.make_automaton()
        self.pattern_count = len(forms)
        # words a Latin name or AI marker may be run together with in a hashtag (#gojoedit, #luffyxzoro,
        # #onepieceluffy, #aiartcommunity, #sora2video)
        self._glue = frozenset(GLUE_WORDS) | {f.replace(" ", "") for f in forms
                                               if latin_only(f) and forms[f][0].kind in (CHAR, WORK)}

    @staticmethod
    def _add_typos(char_forms: dict[str, dict[int, bool]], forms: dict, homonyms: set[str], word_forms: set[str],
                   listed: set[str]):
        """CHAR_FORMS with the typos of the long one-word Latin names as the holder LISTED them (names.transposed:
        Zenistu; not of every long-vowel spelling, which would quadruple the patterns) added, as ambiguous and as much a
        homonym as the name; not a typo that is another name, a title or an English word."""
        typos: dict[str, dict[int, bool]] = {}
        for form, cis in char_forms.items():
            if form not in listed:
                continue
            for typo in transposed(form):
                if typo not in char_forms and typo not in forms and typo not in _common_words():
                    known = typos.setdefault(typo, {})
                    for ci, ambiguous in cis.items():
                        known[ci] = known.get(ci, True) and ambiguous
                    if form in homonyms:
                        homonyms.add(typo)
                    if form in word_forms:
                        word_forms.add(typo)
        char_forms.update(typos)

    def _glued(self, text: str, begin: int, end: int, form: str) -> bool:
        """Whether a Latin name run together with other letters (#gojoedit, #luffyxzoro) is glued only to
        catalogue names and usual hashtag words: the rest of the word splits into them (fluffy does not). A name
        run together with only itself is a reduplicated word (gokugoku, naminami: gulping, waves), no hashtag."""
        if len(form) < MIN_GLUED_CHARS or not latin_only(form) or len(form.replace(" ", "")) < MIN_GLUED_CHARS:
            return False
        start, stop = begin, end
        while start > 0 and text[start - 1] in LATIN_ALNUM:
            start -= 1
        while stop < len(text) and text[stop] in LATIN_ALNUM:
            stop += 1
        if not (text[start:begin] + text[end:stop]).replace(form, ""):
            return False
        return self._splits(text[start:begin]) and self._splits(text[end:stop])

    def _after_hangul_name(self, text: str, begin: int) -> bool:
        """Whether the hangul before a Korean name is a whole catalogue name or title (#나루토사스케)."""
        if not is_hangul(text[begin]) or not begin or not is_hangul(text[begin - 1]):
            return False
        start = begin
        while start > 0 and is_hangul(text[start - 1]):
            start -= 1
        return text[start:begin] in self._hangul_set

    def _splits(self, rest: str) -> bool:
        if not rest:
            return True
        ok = [True] + [False] * len(rest)
        for i in range(1, len(rest) + 1):
            for j in range(max(0, i - MAX_GLUE_CHARS), i):
                if ok[j] and (rest[j:i] in self._glue or rest[j:i].isdigit()):
                    ok[i] = True
                    break
        return ok[-1]

    def detect(self, post: dict) -> Detection:
        raw = _fields(post)
        text = normalise_fields([raw[f] for f in FIELDS])  # one pass; fields kept apart by FIELD_SEP
        seps = _separators(text)
        char_hits: list[tuple[int, int, int, Entry]] = []  # (field, start, end, entry) in TEXT
        work_hits: list[tuple[int, Entry, int]] = []  # (field, entry, start)
        title_spans: list[tuple[int, int]] = []  # titles that are no character's name (Super Mario)
        ai_hits: list[tuple[int, int, int, Entry]] = []
        words: set[str] = set()  # kana, hangul and Han names the post also writes run into a word after (ナルト巻き)
        others: set[str] = set()  # names the post says are someone or something else (my cat Nami, 가수 나미, SASUKE2025)
        elsewhere: set[int] = set()  # characters one writing of which names a place (Naruto-shi, Gojo-dori): see _one_sense
        for end, (length, entries, check, names) in self.automaton.iter(text):
            begin = end - length + 1
            if check and not _bounded(text, begin, end + 1, entries[0].form) and not self._glued(
                    text, begin, end + 1, entries[0].form) and not self._after_hangul_name(text, begin):
                continue
            fi = bisect.bisect_left(seps, begin)
            if names and end + 1 < len(text) and is_katakana(text[end + 1]) and _katakana_word(text, begin, end + 1):
                words.add(entries[0].form)  # アイ|ドル, ゾロゾロ: one dictionary word holds no name, work named or not
                entries = tuple(e for e in entries if e.kind not in (CHAR, WORK))
            elif names:  # a name: is it something else here (a place, a longer word)?
                in_context = self._in_context(text, begin, end + 1, entries)
                if in_context is not entries and (_word_goes_on(text, begin, end + 1, in_context)
                                                  or counted_unit(text, begin, end + 1)):
                    words.add(entries[0].form)
                elif in_context is not entries and names_someone(text, begin, end + 1):
                    others.add(entries[0].form)
                elif in_context is not entries and names_a_place(text, begin, end + 1) and not starts_a_title(
                        text, end + 1):
                    elsewhere.update(e.index for e in entries if e.kind == CHAR)
                entries = in_context
            for entry in entries:
                if entry.kind == CHAR:
                    char_hits.append((fi, begin, end + 1, entry))
                elif entry.kind == WORK:
                    work_hits.append((fi, entry, begin))
                    if entry.form in self._longer_titles:
                        title_spans.append((begin, end + 1))
                else:
                    ai_hits.append((fi, begin, end + 1, entry))
        if _LEET_HINT.search(text):
            char_hits += self._leet_hits(text, seps)
            ai_hits += self._leet_ai_hits(text, seps)
        if self._title_prefixes and char_hits:  # 超级马里奥兄弟: the title's word before another form of the name
            kept = []
            for h in char_hits:
                if h[3].index in self._title_prefixes and text.endswith(self._title_prefixes[h[3].index], 0, h[1]):
                    work_hits.append((h[0], Entry(WORK, self.characters[h[3].index][1], h[3].form), h[1]))
                else:
                    kept.append(h)
            char_hits = kept
        if title_spans:  # a name inside a title is the work's (Super Mario), not the character's
            char_hits = [h for h in char_hits if not any(a <= h[1] and h[2] <= b for a, b in title_spans)]
        if others:  # "My cat Nami" in the title: "Nami the Tabby" (the uploader) is the cat too
            char_hits = [(fi, b, e, dataclasses.replace(h, ambiguous=True) if h.form in others else h)
                         for fi, b, e, h in char_hits]
        if words:  # ゾロ目 / ナルト巻き / 잔망루피 written in the post: the name alone there is that word too
            char_hits = [(fi, b, e, dataclasses.replace(h, ambiguous=True) if h.form in words else h)
                         for fi, b, e, h in char_hits]
            work_hits = [(fi, dataclasses.replace(h, ambiguous=True) if h.form in words else h, at)
                         for fi, h, at in work_hits]
        if char_hits and ai_hits:  # "Sora 2", "sora ai", ソラ2: the name written as the generator's, not the character
            gens = [(b, e) for _, b, e, h in ai_hits if h.kind == ai.GENERATOR]
            if gens:
                char_hits = [h for h in char_hits if not any(b <= h[1] and h[2] < e for b, e in gens)]
        result = Detection(id=post.get("id"))
        if char_hits:
            char_hits = self._people_and_phrases(raw, text, char_hits, elsewhere)
            if elsewhere:  # #naruto beside Naruto-shi: the tag names the town, not the work either
                forms = {h.form for *_, h in char_hits if h.index in elsewhere}
                work_hits = [(fi, dataclasses.replace(h, ambiguous=True) if h.form in forms else h, at)
                             for fi, h, at in work_hits]
        if char_hits and KANA.search(text) and HAN.search(text):
            char_hits = self._japanese_words(text, char_hits, work_hits)
        if char_hits and any(h.ambiguous for *_, h in char_hits):
            gens = [(b, e) for _, b, e, h in ai_hits if h.kind == ai.GENERATOR]
            char_hits = _oshi(text, _spelled_apart(raw, text, char_hits, gens))
        if char_hits or work_hits:
            generated = bool(ai_hits) and any(h[3].kind != ai.NEGATION for h in ai_hits)
            self._decide_characters(result, raw, text, char_hits, work_hits, generated)
        if ai_hits:
            if char_hits:  # "AI" inside a longer name (AI HOSHINO) is the name
                names = [(h[1], h[2]) for h in char_hits]
                ai_hits = [h for h in ai_hits if h[3].marker != ai.BARE_AI
                           or not any(a <= h[1] and h[2] <= b and b - a > h[2] - h[1] for a, b in names)]
            _decide_ai(result, raw, text, post, ai_hits, seps)
        return result

    def _leet_hits(self, text: str, seps: list[int]) -> list[tuple[int, int, int, Entry]]:
        """Names written with digits for letters inside the word (G0ku, Z0r0, P1kachu): each such word read
        again with the digits as letters, a name found only when it is the whole word (veo3ai, 4k60fps are
        no name)."""
        hits = []
        for word in _LEET_WORD.finditer(text):
            decoded = f" {word.group(0).translate(_LEET)} "
            for end, (length, entries, _, names) in self.automaton.iter(decoded):
                if length != len(decoded) - 2 or not names:
                    continue
                begin, stop = word.start(), word.end()
                entries = self._in_context(text, begin, stop, entries)
                fi = bisect.bisect_left(seps, begin)
                hits += [(fi, begin, stop, e) for e in entries if e.kind == CHAR]
        return hits

    def _leet_ai_hits(self, text: str, seps: list[int]) -> list[tuple[int, int, int, Entry]]:
        """AI markers with digits for letters inside a word ("made with s0ra", "k1ing"; 1 read as i, then as l):
        the text read again with such words decoded (same length, so places hold), a marker found only when it
        covers the whole decoded word (veo3ai is no marker)."""
        words = [(w.start(), w.end()) for w in _LEET_WORD.finditer(text)]
        hits = []
        for table in (_LEET, _LEET_L):
            decoded = list(text)
            for a, b in words:
                decoded[a:b] = text[a:b].translate(table)
            for end, (length, entries, check, _) in self.automaton.iter("".join(decoded)):
                begin = end - length + 1
                if not any(begin <= a and b <= end + 1 for a, b in words):
                    continue
                if check and not _bounded(text, begin, end + 1, entries[0].form):
                    continue
                fi = bisect.bisect_left(seps, begin)
                hits += [(fi, begin, end + 1, e) for e in entries if e.kind not in (CHAR, WORK)]
        return hits

    def _in_context(self, text: str, begin: int, end: int, entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
        """ENTRIES of a name matched at [begin, end) as the words around it leave them: none when the name is
        part of a longer word (나미섬, 一路飞奔); ambiguous (counted only with the work named elsewhere) when
        it names a place or a business (Nami Island, Luffy's Bakery, Hotel Naruto)."""
        first = text[begin]
        if first not in LATIN_ALNUM and (  # a Latin name is neither hangul nor Han
                (is_hangul(first) and glued_hangul(text, begin, end, self._hangul_names)) or (
                self._han and HAN.match(first) and self._han.inside_word(text, begin, end))):
            return tuple(e for e in entries if e.kind not in (CHAR, WORK))
        if names_a_place(text, begin, end) or (entries[0].form in self._made_hiragana and (
                _hiragana_word_goes_on(text, end))) or (is_katakana(text[end - 1]) and (
                katakana_compound(text, end, self._katakana_names) or self._katakana_before(text, begin)
                or _kanji_word_after(text, begin, end))) or (
                HAN.match(first) and self._han_surname_before(text, begin, end)) or counted_unit(text, begin, end):
            return tuple(dataclasses.replace(e, ambiguous=True) if e.kind in (CHAR, WORK) else e
                         for e in entries)
        return entries

    def _katakana_before(self, text: str, begin: int) -> bool:
        """Whether a katakana name comes after other katakana that ends no catalogue name: the end of a longer
        word (アンドロイド, ポラロイド, ステロイド; not #ナルトサスケ)."""
        if not begin or not is_katakana(text[begin - 1]) or text[begin - 1] in KATAKANA_SEPARATORS:
            return False
        start = begin
        while start > 0 and is_katakana(text[start - 1]) and text[start - 1] not in KATAKANA_SEPARATORS:
            start -= 1
        return not text[start:begin].endswith(self._katakana_names)

    def _han_surname_before(self, text: str, begin: int, end: int) -> bool:
        """Whether a two-character Han name in a Japanese post comes right after two Han characters that open
        the run and are no catalogue name or title: a surname, and the whole a person's name (猿飛佐助)."""
        if end - begin != HAN_GIVEN_NAME_CHARS or begin < HAN_SURNAME_CHARS or (
                end < len(text) and HAN.match(text[end])):
            return False
        start = begin - HAN_SURNAME_CHARS
        if not all(HAN.match(c) for c in text[start:begin]) or (start and HAN.match(text[start - 1])):
            return False
        return bool(KANA.search(text)) and text[start:begin] not in self.automaton and (
            text[start:end] not in self.automaton)

    def _japanese_words(self, text: str, char_hits, work_hits):
        """CHAR_HITS with the kana or Han names the post also writes as an ordinary Japanese word in the other
        script made ambiguous (counted only with the work named): a kana name whose reading is that of a Han word
        of the post (カカシ beside 案山子, the scarecrow), a Han name whose reading the post writes in katakana
        outside any name (虎杖 beside イタドリ, the plant)."""
        named = {e.index for _, e, _ in work_hits if not e.ambiguous}
        out = []
        for fi, begin, end, entry in char_hits:
            if not entry.ambiguous and self.characters[entry.index][1] not in named and self._written_as_word(
                    text, entry.form):
                entry = dataclasses.replace(entry, ambiguous=True)
            out.append((fi, begin, end, entry))
        return out

    def _written_as_word(self, text: str, form: str) -> bool:
        if all(is_katakana(c) or is_hiragana(c) for c in form):
            reading = jaconv.kata2hira(form)
            return any(reading in _han_readings(run) for run in _HAN_RUN.findall(text))
        if all(HAN.match(c) for c in form):
            readings = _han_word_readings(form)  # 虎杖 (いたどり); not 虎杖悠仁, whose first word only is the plant
            return any(len(r) > 1 and (kana := jaconv.hira2kata(r)) in text and kana not in self.automaton
                       for r in readings)
        return False

    def _people_and_phrases(self, raw: dict, text: str, char_hits, elsewhere: set[int]):
        """CHAR_HITS read against people and ordinary words: an English-word name in lower case used as the
        word (link in bio, the power of friendship) is dropped; a short one-word name (a given name too: Nami,
        Riku, Sora) in a post about the uploader's family or friends (a wedding, a first day at kindergarten),
        said twice (nami-nami) or followed by a surname (Mario Draghi) in a post with no words of fandom, and a
        two-common-word name written in lower case (the cloud strife at work) are made ambiguous: they count
        only with their work named elsewhere. The characters one writing of which is read here as a site, someone
        else's full name or a counted noun are added to ELSEWHERE, and all their writings made ambiguous (_one_sense)."""
        personal, fandom = None, None  # both read only for a name that needs them
        out = []
        for fi, begin, end, entry in char_hits:
            if is_latin_alnum(text[begin]) and "." in raw[FIELDS[fi]] and _ADDRESS.search(raw[FIELDS[fi]]) and _web_address(raw[FIELDS[fi]], text[begin:end]):
                elsewhere.add(entry.index)
                continue  # zoro.to, naruto.gg/schedule: a site named so
            if entry.form in self._word_names and used_as_word(text, begin, end) and as_written(
                    raw[FIELDS[fi]], text[begin:end]).islower():
                continue  # "link in bio", "the power of friendship", "saves in the cloud"
            if entry.homonym and entry.form in self._one_word_latin and self._hyphen_word(raw[FIELDS[fi]], entry.form):
                elsewhere.add(entry.index)
                continue  # "denji-ha" (電磁波): the romaji of a longer word
            if entry.form in self._one_word_latin and counted_noun(text, begin, end):
                elsewhere.add(entry.index)
                if as_written(raw[FIELDS[fi]], text[begin:end]).islower():
                    continue  # "the ten sephiroth of the Tree of Life"
                entry = dataclasses.replace(entry, ambiguous=True)  # "All ten Sephiroth from the Zohar"
            if entry.ambiguous:
                pass
            elif not is_latin_alnum(entry.form[0]) and self._dotted_other(raw[FIELDS[fi]], text[begin:end]):
                if not any(h.index == entry.index and b <= begin and end <= e and e - b > end - begin
                           for _, b, e, h in char_hits):  # ロイド inside ロイド・フォージャー matched whole: the name
                    elsewhere.add(entry.index)
                entry = dataclasses.replace(entry, ambiguous=True)  # 克劳德·莫奈, フランク・ロイド・ライト: someone else
            elif entry.form in self._given_names and (
                    (personal := personal_post(text) if personal is None else personal)
                    or _reduplicated(text, begin, end)):
                entry = dataclasses.replace(entry, ambiguous=True)
            elif entry.form in self._phrases:
                if as_written(raw[FIELDS[fi]], text[begin:end]).islower():
                    entry = dataclasses.replace(entry, ambiguous=True)
            elif entry.form in self._listed_surnames and self._other_surname(raw[FIELDS[fi]], text[begin:end],
                                                                            self._listed_surnames[entry.form]):
                entry = dataclasses.replace(entry, ambiguous=True)  # Anya Jenkins: the holder lists Anya Forger
            elif entry.form in self._given_names and self._surname(raw[FIELDS[fi]], text[begin:end]):
                # words of fandom outside the uploader's name (a channel called "EuroNewsClips" is no clip of anime)
                fandom = fandom_post(text[:text.rfind(FIELD_SEP)]) if fandom is None else fandom
                if not fandom:
                    entry = dataclasses.replace(entry, ambiguous=True)
            out.append((fi, begin, end, entry))
        return _one_sense(out, elsewhere) if elsewhere else out

    def _hyphen_word(self, raw_field: str, form: str) -> bool:
        """Whether a romaji homonym is written in lower case run into a short lower-case romaji syllable by a hyphen
        (denji-ha, naruto-maki, nami-nori): Hepburn joins the parts of one word so; not an honorific (kakashi-sensei,
        denji-kun), a hashtag word or a catalogue name (luffy-x-zoro), nor an English word (nami-swan)."""
        if f"{form}-" not in raw_field:
            return False
        found = _hyphen_re(form).search(raw_field)
        if not found:
            return False
        part = found.group(1)
        return not honorific_after(f" {part} ", 0) and part not in self._glue and not (
            len(part) > 2 and part in _common_words())

    def _dotted_other(self, raw_field: str, form: str) -> bool:
        """Whether a Han or kana name is one word of a name-dot-joined run none of whose other words is a catalogue
        name or title: someone else's full name or a phrase (克劳德·莫奈, ザ・グレート・サスケ); a run of the holder's
        names (ルフィ・ゾロ) or the holder's full name (モンキー・D・ルフィ, matched whole) is no such run."""
        parts = _dotted_parts(raw_field, form)
        return bool(parts) and not any(normalise(part).strip() in self.automaton for part in parts)

    def _titled_by_a_character(self, char_hits, work_hits) -> set[int]:
        """The works named only where a title is also a character's name (NARUTO): a crossover's other
        character ("Luffy. Naruto too"), not another work beside a namesake."""
        starts = {(b, self.characters[e.index][1]) for _, b, _, e in char_hits if not e.ambiguous}
        by_work: dict[int, bool] = {}
        for _, e, at in work_hits:
            if not e.ambiguous:
                by_work[e.index] = by_work.get(e.index, True) and (at, e.index) in starts
        return {w for w, only in by_work.items() if only}

    def _namesakes(self, text: str, char_hits, named_works: set[int]):
        """CHAR_HITS with a short name (a namesake is likely: Denji, Ash, Riku) made ambiguous when the post
        names another work and not the name's own, no other character of its work is named, and no word joins
        two works' characters (vs, x, と, 和): Pokémon's gym leader デンジ in a Pokémon post is no Chainsaw Man."""
        sure = {}
        for *_, e in char_hits:
            if not e.ambiguous:
                sure.setdefault(self.characters[e.index][1], set()).add(e.index)
        out, joined = [], None
        for fi, begin, end, entry in char_hits:
            wi = self.characters[entry.index][1]
            if not entry.ambiguous and wi not in named_works and _short_name(entry.form) and (
                    sure.get(wi, set()) <= {entry.index}):
                joined = crossover(text) if joined is None else joined
                if not joined:
                    entry = dataclasses.replace(entry, ambiguous=True)
            out.append((fi, begin, end, entry))
        return out

    def _other_surname(self, field_text: str, form: str, listed: set[str]) -> bool:
        """Whether a given name the holder lists with a surname (Anya Forger) is followed by another capitalised
        word that is no catalogue or hashtag word, in a field not written in title case (a lower-case word
        follows): another person's surname, English word or not (Anya Jenkins, Tifa Morgan)."""
        found = _other_surname_re(form).search(field_text)
        return bool(found) and (word := found.group(1).casefold()) not in listed and word not in self._glue

    def _surname(self, field_text: str, form: str) -> str:
        """The capitalised word after a one-word Latin name that is no English word and no catalogue or hashtag
        word: a surname (Nami Tamaki, Mario Draghi); "" when there is none."""
        if " " not in field_text:
            return ""
        word = surname_after(field_text, as_written(field_text, form))
        return word if word and word not in self._glue and word not in _common_words() else ""

    def _uncorroborated(self, raw: dict, text: str, char_hits, named_works: set[int], generated: bool):
        """CHAR_HITS with the homonyms (lexicon.homonym: Naruto the fish cake and the town, kakashi the scarecrow,
        克劳德 Claude) made ambiguous when nothing in the post says they are the characters: not their work named,
        not another of their work's characters, not words of fandom, not an AI marker, not a hashtag, not the name
        disguised as uploaders disguise names to dodge filters (S U K U N A, ＳＡＳＵＫＥ: nobody spells a fish cake
        so)."""
        loans = {e.form for *_, e in char_hits if e.form in self._loan_forms}
        if loans and generated and ai_context.talk_about_ai(text):
            generated = False  # クラウド比較 beside 生成AIサービスの解説: talk about AI, the loanword its word
        if generated or any(not e.homonym and not e.ambiguous for *_, e in char_hits):
            return char_hits  # ... nor another character named for sure ("Luffy. Naruto too")
        # the kana and hangul of an English-word character (チョッパー, 클라우드) are loanwords of everyday speech (the
        # chopper bass, the cloud server): only the words of fan goods and art right after it say it is the character
        # (チョッパーのぬいぐるみ, 쵸파 인형), or cosplay in the post, or 推し right after it (チョッパー推し); not its own
        # hashtag nor "vs" or "season"
        goods = {h.index for _, _, e, h in char_hits if h.form in loans and (
            fan_goods(text, e) or text.startswith(FAN_WORDS_AFTER, e))} if loans else set()
        if self._tag_corroborates(raw, text, char_hits) or corroborated(text):
            if not loans:
                return char_hits
            return [(fi, b, e, dataclasses.replace(h, ambiguous=True) if h.form in loans and h.index not in goods else h)
                    for fi, b, e, h in char_hits]
        by_work: dict[int, set[int]] = {}
        for *_, e in char_hits:
            if not e.ambiguous:
                by_work.setdefault(self.characters[e.index][1], set()).add(e.index)
        out = []
        for fi, begin, end, entry in char_hits:
            wi = self.characters[entry.index][1]
            if entry.homonym and not entry.ambiguous and wi not in named_works and len(by_work[wi]) < 2 and (
                    entry.index not in goods) and not _english_subject(raw[FIELDS[fi]], text[begin:end]) and (
                    as_written(raw[FIELDS[fi]], text[begin:end]).casefold() == entry.form) and not (
                    entry.form in self._word_forms and honorific_after(text, end)) and not self._full_name(
                    text, begin, end, entry):
                entry = dataclasses.replace(entry, ambiguous=True)
            out.append((fi, begin, end, entry))
        return out

    def _tag_corroborates(self, raw: dict, text: str, char_hits) -> bool:
        """Whether a homonym written as a hashtag says it is the character: not when the post's title or description
        writes the same romaji form in lower case (kyou no nami wa takai #nami, tanbo no kakashi #kakashi): romaji
        writes words in lower case and names capitalised, and a namesake post tags its own word; nor when it writes the
        same form in hiragana (_hiragana_written); nor a kana, Han or hangul name run into more of its script in its tag
        (#宿儺かぼちゃ: the pumpkin's tag); nor a common noun's tag alone (_word_tag_alone)."""
        tags = {e.form for fi, _, end, e in char_hits if fi == HASHTAGS and e.homonym and not e.ambiguous and (
            latin_only(e.form) or end >= len(text) or not _run_on(text[end]))}  # #宿儺かぼちゃ: the word's tag
        if not tags:
            return False
        words = {e.form for fi, b, end, e in char_hits if fi < HASHTAGS and e.form in tags and latin_only(e.form)
                 and as_written(raw[FIELDS[fi]], text[b:end]).islower()}
        words |= _hiragana_written(text, tags) | self._word_tag_alone(char_hits, tags)
        return bool(tags - words)

    def _word_tag_alone(self, char_hits, tags: set[str]) -> set[str]:
        """The TAGS of common nouns or places (lexicon.word_homonym: #itadori the knotweed, #gojo the street) that the
        title and description do not write: a word's tag among other tags (#foraging #itadori #wildfood) is the
        word's; a fan who tags the character names it in the text too, or names its work or fandom words."""
        written = {e.form for fi, *_, e in char_hits if fi < HASHTAGS}
        return {form for form in tags if form in self._word_forms and form not in written}

    def _full_name(self, text: str, begin: int, end: int, entry: Entry) -> bool:
        """Whether the Latin name at [begin, end) has beside it another word of one of the character's Latin full
        names, long vowels written any way (Rengoku Kyoujuro, Itadori Yuuji): the character's full name."""
        words = self._name_words.get(entry.index)
        if not words or not latin_only(entry.form):
            return False
        after = _NEXT_WORD.match(text, end)
        before = _PREV_WORD.search(text, 0, begin)
        return any(m and loose_romaji(m.group(1)) in words - {loose_romaji(entry.form)} for m in (after, before))

    def _decide_characters(self, result: Detection, raw: dict, text: str, char_hits, work_hits,
                           generated: bool = False) -> None:
        named_works = {e.index for _, e, _ in work_hits if not e.ambiguous}
        if any(e.homonym and not e.ambiguous for *_, e in char_hits):
            # NARUTO names its work only as the name: a homonym left uncorroborated names no work either
            self_titled = self._titled_by_a_character(char_hits, work_hits) if named_works else set()
            char_hits = self._uncorroborated(raw, text, char_hits, named_works - self_titled, generated)
            if self_titled:
                named_works -= self_titled - self._titled_by_a_character(char_hits, work_hits)
        if any(not e.ambiguous and self.characters[e.index][1] not in named_works for *_, e in char_hits):
            if other_franchise(text):  # League of Legends' Nami, Pororo's Loopy: counts only with its work named
                char_hits = [(fi, b, e, dataclasses.replace(h, ambiguous=True)) for fi, b, e, h in char_hits]
            elif named_works - self._titled_by_a_character(char_hits, work_hits):
                char_hits = self._namesakes(text, char_hits, named_works)
        sure_works = named_works | {self.characters[e.index][1] for *_, e in char_hits if not e.ambiguous}
        seen: set[int] = set()
        for fi, begin, end, entry in char_hits:
            cid, wi = self.characters[entry.index]
            if entry.index in seen or (entry.ambiguous and wi not in sure_works):
                continue
            seen.add(entry.index)
            result.characters.append(Mention(cid, self.work_ids[wi], as_written(raw[FIELDS[fi]], text[begin:end]),
                                             FIELDS[fi]))
        found = named_works | {self.characters[e.index][1] for *_, e in char_hits if e.index in seen}
        found |= {e.index for _, e, _ in work_hits if e.ambiguous and e.index in found}
        order = sorted([(at, e.index) for _, e, at in work_hits] +
                       [(h[1], self.characters[h[3].index][1]) for h in char_hits if h[3].index in seen])
        result.works = [self.work_ids[wi] for wi in dict.fromkeys(wi for _, wi in order) if wi in found]


def _one_sense(char_hits, elsewhere: set[int]):
    """CHAR_HITS with every writing of the characters in ELSEWHERE made ambiguous (counted only with the work named):
    one writing of the name in the post is read as something else (a place: Naruto-shi, Gojo-dori; a site: Zoro.com;
    someone else's full name: ロイド・アーヴィング; a counted noun: "the ten Sephiroth"), and a post uses a name in one
    sense (#naruto beside Naruto-shi is the town, "ordered from Zoro" the site)."""
    return [(fi, b, e, dataclasses.replace(h, ambiguous=True) if h.index in elsewhere else h)
            for fi, b, e, h in char_hits]


@functools.lru_cache(maxsize=1024)
def _hyphen_re(form: str) -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z]){re.escape(form)}-([a-z]{{1,{HYPHEN_WORD_CHARS}}})(?![A-Za-z-])")


_NEXT_WORD = re.compile(r" ([a-z\u00e0-\u024f]+)")
_PREV_WORD = re.compile(r"([a-z\u00e0-\u024f]+) $")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


@functools.lru_cache(maxsize=4096)
def _han_readings(run: str) -> frozenset[str]:
    """The hiragana readings of the Han words of RUN (pykakasi's dictionary): 案山子 -> かかし."""
    return frozenset(token["hira"] for token in _kakasi().convert(run) if token["hira"] != token["orig"])


@functools.lru_cache(maxsize=4096)
def _han_word_readings(run: str) -> frozenset[str]:
    """The hiragana readings of RUN when pykakasi's dictionary reads it as one word (虎杖 -> いたどり; none for 虎杖悠仁,
    read as two words: a full name whose first word is a plant's name is no plant)."""
    return frozenset(t["hira"] for t in _kakasi().convert(run) if t["orig"] == run and t["hira"] != run)


@functools.cache
def _kakasi():
    import pykakasi

    return pykakasi.kakasi()


def _word_goes_on(text: str, begin: int, end: int, entries: tuple[Entry, ...]) -> bool:
    """Whether a kana, hangul or Han name that its context made no character (ENTRIES) runs into a word after it
    (ゾロ目, ナルト巻き, ナミ島; 나미섬, dropped): then the post writes that word, and the name alone elsewhere in it is
    likely its short form. Not katakana after it (マリオカート, ルイージマンション: often a title holding the
    character), nor a word before it (밀짚모자루피: an epithet), nor a Korean particle (우리 강아지 루피는)."""
    if is_latin_alnum(text[begin]) or end >= len(text):
        return False
    return bool(HAN.match(text[end])) or (is_hangul(text[end]) and not any(e.kind == CHAR for e in entries))


def _hiragana_written(text: str, tags: set[str]) -> set[str]:
    """The hiragana TAGS whose form the title or description of the post (canonical TEXT) writes, as a name or inside
    hiragana text (かかしを作ったよ #かかし, うちのねずこが #ねずこ): hiragana is to a katakana or Han name what lower case
    is to a capitalised one, the way the word is written; a namesake post tags its own word."""
    body = text[:text.rfind(FIELD_SEP, 0, text.rfind(FIELD_SEP))]  # title and description
    return {form for form in tags if all(map(is_hiragana, form)) and form in body}


def _run_on(ch: str) -> bool:
    """Whether CH continues a kana, Han or hangul word."""
    return bool(KANA.match(ch) or HAN.match(ch) or HANGUL.match(ch))


def _katakana_word(text: str, begin: int, end: int) -> bool:
    """Whether a katakana name at [begin, end) runs into more katakana that makes one dictionary word with it
    (リクエスト, ナミダ, ソラマチ, アイドル, ゾロゾロ; lexicon.one_word): no name is there, and the post writes that
    word, so the name alone elsewhere in it is likely its short form (リクありがとう of a request video)."""
    if end >= len(text) or not is_katakana(text[end]) or not is_katakana(text[begin]):
        return False
    stop = end
    while stop < len(text) and is_katakana(text[stop]):
        stop += 1
    return one_word(text[begin:stop])


# a Latin name spelled letter by letter with one separator repeated between them, not all in capitals (M.a.r.i.o,
# P-o-w-e-r, L u i g i; not P.O.W.E.R., an acronym)
_SPELLED_APART = re.compile(r"[A-Za-z](?P<sep>[-.*_·•~ ]+)[A-Za-z](?:(?P=sep)[A-Za-z]){2,}")


def _spelled_apart(raw: dict, text: str, char_hits, generators: list[tuple[int, int]]):
    """CHAR_HITS with the Latin names written letter by letter apart (M.a.r.i.o & L.u.i.g.i plumbing, P-o-w-e-r), in
    mixed letters (Pｏｗer) or in leet (Ch0pper) made unambiguous: uploaders spell a name so to dodge a filter; nobody
    spells a word, a place or a business so. Not inside a generator's name ("made w/ s o r a" spells the generator),
    nor when the title or description also writes the name plainly in lower case, the word ("F e r n care ... my
    fern": the spacing is the title's style)."""
    out, plain = [], None
    for fi, b, e, h in char_hits:
        if h.ambiguous and is_latin_alnum(text[b]) and e - b > 3 and not any(
                gb <= b and e <= ge for gb, ge in generators):
            written = as_written(raw[FIELDS[fi]], text[b:e])
            if not (written.isascii() and written.isalpha()) and (  # plain letters: none of the disguises below
                    _SPELLED_APART.fullmatch(written) and not written.isupper() or _mixed_letters(written) or (
                    _invisible_inside(written)) or _LEET_WRITTEN.search(written)) and not used_as_word(
                    text, b, e):  # "L<ZWNJ>i<ZWNJ>n<ZWNJ>k in bio"
                plain = _plain_lower(raw, text, char_hits) if plain is None else plain
                if h.form not in plain:
                    h = dataclasses.replace(h, ambiguous=False)
        out.append((fi, b, e, h))
    return out


_LEET_WRITTEN = re.compile(r"[A-Za-z][0-9@]+[A-Za-z]")  # Ch0pper, P0w3r, T@njiro as written


def _plain_lower(raw: dict, text: str, char_hits) -> set[str]:
    """The forms the title or description writes as one plain lower-case word (my fern), not spelled apart."""
    out = set()
    for fi, b, e, h in char_hits:
        if fi < HASHTAGS and latin_only(h.form):
            written = as_written(raw[FIELDS[fi]], text[b:e])
            if written.isalpha() and written.islower():
                out.add(h.form)
    return out


def _oshi(text: str, char_hits):
    """CHAR_HITS with a kana, Han or hangul name that needed its work named (a common-word character: チョッパー)
    made unambiguous when 推し follows it: a fan's word for the favourite character, not said of a word; only where
    one character has the name."""
    spans: dict[tuple[int, int], int] = {}
    for _, b, e, _h in char_hits:
        spans[(b, e)] = spans.get((b, e), 0) + 1
    return [(fi, b, e, dataclasses.replace(h, ambiguous=False) if h.ambiguous and not is_latin_alnum(text[b])
             and spans[(b, e)] == 1 and text.startswith(FAN_WORDS_AFTER, e) else h) for fi, b, e, h in char_hits]


def _mixed_letters(written: str) -> bool:
    """Whether a name as written mixes plain ASCII letters with other letters drawn as Latin ones (full-width, Cyrillic
    or Greek lookalikes: Pｏｗer, Ѕаѕuке): a disguise, as nobody types a word so; a name all in one style is a font."""
    return any("a" <= c <= "z" or "A" <= c <= "Z" for c in written) and any(
        "\uff21" <= c <= "\uff5a" or c in LOOKALIKES for c in written)  # not accents: Zoë is no disguise


# a capitalised name opening an English clause, then its possessive and a noun, a verb in -ing or -ed, or a verb in -s
# before its object ("Nami draws the map", "Riku's keyblade", "Denji eating bread"; not "Naruto whirlpools boat tour":
# a plural noun): not after another capitalised word (Paul Mario Rossi)
_SUBJECT = re.compile(r"(?:^\W?|[.!?,;:]\s|\s(?:and|but|when|while|so|then|as|if)\s)"
                      r"([A-Z][a-z]+)(?:'s [a-z]+| [a-z]{2,}(?:ing|ed)| [a-z]{2,}s (?:the|a|an|his|her|my|your|their|its|our"
                      r"|this|that|some|every|everyone|everything|him|them|me|us))(?![A-Za-z'])")


def _english_subject(raw_field: str, form: str) -> bool:
    """Whether the Latin name FORM (canonical) is written in RAW_FIELD as the capitalised subject of an English clause,
    its next word an English word: a character doing something in a fan's sentence, not a Japanese word (nami the wave,
    sora the sky), which an English sentence does not hold."""
    if not latin_only(form) or " " in form or not raw_field[:1].isascii():
        return False
    for m in _SUBJECT.finditer(raw_field):
        if m.group(1).casefold() == form:
            return True
    return False


def _kana_or_hangul(form: str) -> bool:
    return all(is_katakana(c) or is_hiragana(c) or is_hangul(c) or c == "ー" for c in form)


def _invisible_inside(written: str) -> bool:
    """Whether a name as written has invisible characters between its letters (P<ZWSP>o<ZWSP>w<ZWSP>e<ZWSP>r): typed in to
    dodge a filter, as nobody types a word so."""
    return any(unicodedata.category(c) == "Cf" for c in written[1:-1])


_DOUBLED_VOWEL = re.compile(r"([aiueo])\1")


def _long_vowel_romaji(name: str, form: str) -> bool:
    """Whether FORM is the romaji of the katakana NAME with its long vowel written double (チョッパー: choppaa, パワー:
    pawaa), or with its small tsu dropped (chopa, chopaa): a common-word character's name (Chopper, Power) spelled so is
    the Japanese name romanised, not the English word, which no one writes so; it is read as a homonym (counted when the
    post corroborates it), not as a word. "choppa" stays a word (slang)."""
    if not latin_only(form):
        return False
    return "ー" in name and bool(_DOUBLED_VOWEL.search(form)) or "ッ" in name and not has_geminate(form) and (
        not is_common(form))


def _short_name(form: str) -> bool:
    """Whether a name is short enough to be shared by characters of other works (Denji, Ash, デンジ, 나미)."""
    if latin_only(form):
        return " " not in form and len(form) <= GIVEN_NAME_CHARS
    return len(form) <= SHORT_SHARED_CHARS


def _hiragana_word_goes_on(text: str, end: int) -> bool:
    """Whether a hiragana name ending at END runs on into a word: a Han character that is no fan suffix, or
    hiragana that is no particle (なると金時, なるとわかめ; not なるとの, なると推し)."""
    if end >= len(text):
        return False
    after = text[end]
    return (bool(HAN.match(after)) and after not in FAN_KANJI_AFTER) or (
        is_hiragana(after) and after not in HIRAGANA_PARTICLES)


def _kanji_word_after(text: str, begin: int, end: int) -> bool:
    """Whether a short katakana name runs into one Han character that is no fan suffix and stops there: a word
    of its own (ゾロ目; not ナミ推し, ゾロ誕)."""
    return end - begin <= SHORT_KANA_CHARS and end < len(text) and bool(HAN.match(text[end])) and (
        text[end] not in FAN_KANJI_AFTER) and (
        end + 1 >= len(text) or not HAN.match(text[end + 1]))


# digits typed for letters inside a Latin word (G0ku, Z0r0): only between letters, so that sora2, veo3, ff7 and
# ssj3 keep their digits
_LEET_HINT = re.compile(r"[a-z][0-9]+[a-z]")
_LEET_WORD = re.compile(r"(?<![0-9a-z])[0-9a-z]*[a-z][0-9]+[a-z][0-9a-z]*(?![0-9a-z])")
_LEET = str.maketrans("013457", "oieast")
_LEET_L = str.maketrans("013457", "oleast")  # 1 for l (k1ing)


@functools.lru_cache(maxsize=4096)
def _other_surname_re(form: str) -> re.Pattern:
    """FORM as a word, a capitalised word, then a word in lower case: "Anya Jenkins best moments" (no title case)."""
    return re.compile(rf"(?<![A-Za-z])(?i:{re.escape(form)})[ \t]+([A-Z\u00c0-\u00d6\u00d8-\u00de][a-z\u00df-\u00f6"
                      rf"\u00f8-\u00ff]{{2,}})[ \t]+[a-z]")
_NAME_DOTS = "·・•‧･゠"  # between the words of a foreign name or phrase written in Han or kana
_NAME_DOT = re.compile(f"[{_NAME_DOTS}]")


def _dotted_parts(raw_field: str, form: str) -> list[str]:
    """The other parts of the name-dot-joined run of words that holds a Han or kana name as written: a foreign full
    name or phrase (克劳德·莫奈, ザ・グレート・サスケ, フランク・ロイド・ライト, アイ・アム・ア・ヒーロー); [] when none."""
    if not _NAME_DOT.search(raw_field):
        return []
    alias = as_written(raw_field, form)
    at = raw_field.find(alias)
    if at < 0:
        return []
    start, stop = at, at + len(alias)
    while start > 0 and (raw_field[start - 1] in _NAME_DOTS or _run_char(raw_field[start - 1])):
        start -= 1
    while stop < len(raw_field) and (raw_field[stop] in _NAME_DOTS or _run_char(raw_field[stop])):
        stop += 1
    parts, offset = [], start
    for part in _NAME_DOT.split(raw_field[start:stop]):
        if part and (offset + len(part) <= at or offset >= at + len(alias)):  # not the name's own letters (ゾ・ロ)
            parts.append(part)
        offset += len(part) + 1
    return parts


def _run_char(ch: str) -> bool:
    return ch.isalnum() or ch in "ー々"


# a name written in lower case as a web address: the name, a dot, a top-level domain of two to four lower-case letters,
# then the end, a path or a space (zoro.to, naruto.gg/...; "Luffy.exe" and "nami. to" are not)
_ADDRESS_AFTER = re.compile(r"\.[a-z]{2,4}(?:$|[/\s])")
_ADDRESS = re.compile(r"[a-z0-9]\.[a-z]{2,4}(?:$|[/\s])")  # any such address in a field: read on only then


# ... or capitalised before a domain only sites have (Zoro.com, the shop, as brands write their sites; "Luffy.exe" is not)
_SITE_AFTER = re.compile(r"\.(?:com|net|org|co|io|jp|shop|store)(?:$|[/\s.])")


def _web_address(raw_field: str, form: str) -> bool:
    alias = as_written(raw_field, form)
    at = raw_field.find(alias)
    if at < 0 or (at and raw_field[at - 1].isalnum()):
        return False
    return bool((_ADDRESS_AFTER if alias.islower() else _SITE_AFTER).match(raw_field, at + len(alias)))


def _separators(text: str) -> list[int]:
    """Where FIELD_SEP stands in TEXT (three times in a post: found, not scanned for character by character)."""
    seps, at = [], text.find(FIELD_SEP)
    while at >= 0:
        seps.append(at)
        at = text.find(FIELD_SEP, at + 1)
    return seps


def _fields(post: dict) -> dict[str, str]:
    tags = post.get("hashtags") or []
    if isinstance(tags, str):
        tags = tags.split()
    return {"title": str(post.get("title") or ""), "description": str(post.get("description") or ""),
            "hashtags": " ".join([f"#{str(t).lstrip('#＃')}" for t in tags]),
            "uploader_name": str(post.get("uploader_name") or "")}


def _bounded(text: str, begin: int, end: int, form: str) -> bool:
    """Whether the match [begin, end) stands as a word: Latin forms between non-Latin characters, short
    kana names between non-kana, longer ones not inside a kana word, hangul names not after hangul."""
    before, after = text[begin - 1] if begin else " ", text[end] if end < len(text) else " "
    first, last = form[0], form[-1]
    if first in LATIN_ALNUM and before in LATIN_ALNUM:
        return False
    if last in LATIN_ALNUM and after in LATIN_ALNUM:
        return False
    if first in LATIN_ALNUM:
        return True  # no kana nor hangul: nothing more to read
    if KATAKANA_CHAR.match(first) or HIRAGANA_CHAR.match(first):
        same = is_katakana if KATAKANA_CHAR.match(first) else is_hiragana
        if len(form) <= SHORT_KANA_CHARS:  # katakana after it: a compound, left to katakana_compound
            return not (same(before) or (same(after) and not is_katakana(after)))
        if same is is_hiragana and same(before):  # inside hiragana text: a word of it, unless it stands out
            return _between_particles(form, before, after)
        return not (same(before) and same(after))
    if HANGUL.match(first) and is_hangul(before):
        return False
    return True


def _between_particles(form: str, before: str, after: str) -> bool:
    """Whether a hiragana name after hiragana stands after a particle and before a particle or other script
    (るふぃとちょっぱーの, きょうのぜんいつは; not 手作りかかし) and is no native word: spelled as only foreign names
    are (ぇ, ー) or long (かかし the scarecrow and なると the fish cake are words)."""
    return before in HIRAGANA_PARTICLES and (after in HIRAGANA_PARTICLES or not is_hiragana(after)) and (
        len(form) >= MIN_HIRAGANA_NAME_CHARS or any(c in FOREIGN_KANA for c in form))


def _han_only(form: str) -> bool:
    return bool(HAN.search(form)) and not KANA.search(form) and not HANGUL.search(form) and not any(
        is_latin_alnum(c) for c in form)


def _needs_bounds(form: str) -> bool:
    first, last = form[0], form[-1]
    return (is_latin_alnum(first) or is_latin_alnum(last) or bool(KATAKANA_CHAR.match(first))
            or bool(HIRAGANA_CHAR.match(first)) or bool(HANGUL.match(first)))


def as_written(raw: str, wanted: str) -> str:
    """The text of RAW that normalises to WANTED (a match), as it appears: found case-folded when it can
    be, else through the slow character map of normalise_mapped."""
    folded = raw.casefold()
    if len(folded) == len(raw):
        at = folded.find(wanted)
        if at >= 0:
            return raw[at:at + len(wanted)]
    text, starts = normalise_mapped(raw)
    at = text.find(wanted)
    if at < 0:
        return wanted
    a, b = starts[at], starts[at + len(wanted) - 1] + 1
    while b < len(raw) and (unicodedata.combining(raw[b]) or raw[b] in "\uff9e\uff9f"):
        b += 1  # marks that belong to the last character (ｷﾞ, accents typed apart)
    return raw[a:b]


_LABEL_OPEN, _LABEL_CLOSE = "【[（(〔「『", "】]）)〕」』"


def _label(raw_field: str, at: int, stop: int) -> bool:
    """Whether the marker is written as the post's own label, alone in brackets (【AI】, [AI])."""
    return 0 < at and stop < len(raw_field) and raw_field[at - 1] in _LABEL_OPEN and raw_field[stop] in _LABEL_CLOSE


def _decide_ai(result: Detection, raw: dict, text: str, post: dict, hits, seps: list[int]) -> None:
    """The AI markers HITS that say a generator made the clip: not those a negation overlaps (no AI), nor
    a brand's name that is a phrase too and is not written as the brand writes it (mid journey), nor those
    the words around deny, criticise or ask about (ai_context), nor AI in the game's sense (the CPU AI)."""
    negations = [(fi, b, e) for fi, b, e, entry in hits if entry.kind == ai.NEGATION]
    seen = set()
    hand_made = love = other_ai = person = thumbs = None  # read once, when a marker needs them
    read_off: list[tuple[int, int, int, tuple]] = []  # markers the words around read as no claim (denied, asked, ...)
    kept: list[tuple[int, AIMarker]] = []
    corroborated = False  # a marker of a strong class survived (see _lone_bare_ai)
    # the longer markers first: a marker the words around read as no claim takes the shorter markers inside it with it
    # (AI生成じゃなくて: the bare AI inside the denied AI生成 is denied too)
    for fi, b, e, entry in sorted(hits, key=lambda h: h[1] - h[2]):
        if entry.kind == ai.NEGATION:
            continue
        if any(nf == fi and nb < e and b < ne for nf, nb, ne in negations):
            read_off.append((fi, b, e, (entry.kind, entry.marker)))  # for its tag too (このナミってAIですか？ #AI)
            continue
        if any(rf == fi and rb <= b and e <= re_ for rf, rb, re_, _ in read_off):
            read_off.append((fi, b, e, (entry.kind, entry.marker)))  # read as the marker around it (for its tag too)
            continue
        raw_field = raw[FIELDS[fi]]
        if entry.marker == ai.BARE_AI:
            if not _bare_ai_counts(raw_field, fi, post) or ai_context.person_called_ai(text, e) or (
                    text.endswith(" to ", 0, b) and not text.startswith(" ai ", e - 1)):
                continue  # 歌手AIさん; "please don't feed it to AI" (AI the recipient, not the maker)
            if other_ai is None:
                other_ai = ai_context.ai_spelled_otherwise(" ".join(raw[f] for f in FIELDS))
            if other_ai:
                continue  # "cattle AI technician" beside "artificial insemination"
            if person is None:
                person = ai_context.person_in_post(text)
            if person:
                read_off.append((fi, b, e, (entry.kind, entry.marker)))
                continue  # 歌手のAIさんの名曲カバー: the title's "AI 新曲" and the tag #AI are the singer too
        at, stop = _raw_span(raw_field, text, seps[fi - 1] + 1 if fi else 0, b, e)
        written = raw_field[at:stop]
        if entry.ambiguous and not ai.camel_written(written):
            continue  # "stopped mid journey", "minimax algorithm"
        if entry.kind == ai.GENERATOR and " " in written and written.islower() and text.startswith(" of ", e):
            continue  # "stable diffusion of ink in water": the words, in lower case before "of"
        if " " in written.strip() and ai_context.across_clauses(written):
            continue  # "subtitles by AI, clip from ep 1": no "AI clip"
        if thumbs is None:
            thumbs = bool(_THUMB_HINT.search(" ".join(raw[f] for f in FIELDS)))
        if thumbs and ai_context.thumbnail_only(raw_field, at, stop):
            read_off.append((fi, b, e, (entry.kind, entry.marker)))
            continue  # "only the thumb is Midjourney", サムネはAIで: the thumbnail made, not the clip
        if ai.BARE_AI in entry.form.split() and not ai.upper_ai(written):
            love = ai_context.romaji_love(text) if love is None else love
            if love:
                continue  # "kimi to ai no uta #ai": the word for love
        if entry.kind == ai.PHRASE:
            hand_made = ai_context.hand_made(text) if hand_made is None else hand_made
            if hand_made and not _label(raw_field, at, stop) and not ai_context.voice_after(text, e):
                read_off.append((fi, b, e, (entry.kind, entry.marker)))
                continue  # "AI haters stay mad, every frame hand-drawn"; not the post's own label 【AI】; not AIボイス
        if entry.kind == ai.GENERATOR and HAN.match(text[b]) and not _han_generator_supported(text, b, e, hits):
            continue  # 可灵活运用, 混元太极拳: a Chinese word; no other AI marker, no 用 before, no 生成 after
        if entry.kind == ai.GENERATOR:
            if _reduplicated(text, b, e) or ai_context.echoed(text, b, e) or ai_context.generator_denied(text, b) or (
                    entry.form.startswith(ai.VIA_STARTS) and ai_context.names_the_character(text, e)) or (
                    ai_context.generator_as_topic(text, b, e)) or ai_context.surname(raw_field, at, stop):
                read_off.append((fi, b, e, (entry.kind, entry.marker)))
                continue  # "pika pika", "not made with Sora", "using Sora's keyblade", "a talk about Sora 2"
        elif ai_context.denied(text, b, e, raw_field, at, stop) or (
                (entry.marker == ai.BARE_AI or entry.marker in ai.MEANS_ONLY) and _other_sense(text, b, e)) or (
                entry.marker == ai.BARE_AI and ai_context.defined(raw_field, at, stop)) or (
                entry.marker == ai.BARE_AI and text.count("ai") > 1 and _same_tool(text, b, e, raw_field, stop)) or (
                ai_context.about(text, b, e)) or (entry.marker.endswith(f" {ai.BARE_AI}") and ai_context.treated_after(
                    raw_field, stop)):
            read_off.append((fi, b, e, (entry.kind, entry.marker)))
            continue  # "without any AI", "AI art is theft", AIじゃなくて, "the CPU AI", "AI upscaled", AI로 업스케일;
            # 生成AIについて, "thoughts about AI art"; "subtitles made with AI translation"
        if ai_context.asked(raw_field, at, stop) or ai_context.answered_no(
                raw_field, stop, raw[FIELDS[fi + 1]] if fi + 1 < len(FIELDS) else "") or ai_context.another_clip(
                raw_field, at, stop):
            read_off.append((fi, b, e, (entry.kind, entry.marker)))
            continue  # "did you use AI for this?", これAIで作ったの？, "made by AI?? no, made by me"; "AI version next week"
        if ai_context.doubted(raw_field, at) or ai_context.telling_apart(text, e):
            read_off.append((fi, b, e, (entry.kind, entry.marker)))
            continue  # "can't tell if it's AI"; AI画像の見分け方: a guide on spotting AI pictures
        corroborated = corroborated or _strong_evidence(entry, FIELDS[fi], raw_field, at, stop)
        key = (entry.kind, entry.marker)
        if key in seen:
            continue
        seen.add(key)
        kept.append((b, AIMarker(entry.marker, entry.kind, written, FIELDS[fi])))
    if read_off and kept and all(m.field == "hashtags" for _, m in kept):
        told = {key for rf, _, _, key in read_off if FIELDS[rf] != "hashtags"}
        if all(_tag_key(m) in told for _, m in kept):
            kept = []  # "这个路飞是AI做的吗？ #AI", "Sora 2 invite codes #sora2": the tag repeats the text, read as no claim
    result.ai_markers = [m for _, m in sorted(kept, key=lambda k: k[0])]
    if result.ai_markers and not result.characters and ai_context.talk_about_ai(text):
        result.ai_markers = []  # news and talk about AI or a generator (copyright, a lawsuit): no clip made
    if result.ai_markers and not corroborated and _lone_bare_ai(result):
        result.ai_markers = []  # "AI搭載の炊飯器", "Air India AI 302": a bare AI in running text, alone, naming no character
    result.ai_generated = bool(result.ai_markers)


# The lone-bare-AI rule (helper branch mai12, bench/mentions/README.md "AI evidence by class"). Scored by the detector of
# the day on each dev set before any rule was written from it, a flag resting only on a bare "AI" written in running text
# (title, description, uploader name) was right 136 times in 191, and in a post naming no character 8 times in 27: every
# other sense of the word (the game's CPU, a tool on footage, a singer, an acronym, a sloth) arrives there first. Such a
# flag needs corroboration: a marker of another class, or the AI written as a hashtag or as the post's own label.
CORROBORATING_KINDS = (ai.GENERATOR, ai.PHRASE)  # ... a generator named as such, an AI phrase (AI生成, made with AI)
CORROBORATING_TAG_OPEN = "#＃"  # ... AI as a hashtag (#AI in any field, or a whole tag of the hashtags field)
# ... and a character named corroborates it too: the post says what the clip shows (AI Luffy dance)


def _strong_evidence(entry: Entry, field_name: str, raw_field: str, at: int, stop: int) -> bool:
    """Whether the surviving marker ENTRY (written at [at, stop) of RAW_FIELD, the post's FIELD_NAME) is evidence enough
    alone: any marker but a bare AI, or a bare AI written as a hashtag (#AI) or as the post's own label (【AI】)."""
    if entry.marker != ai.BARE_AI:
        return entry.kind in CORROBORATING_KINDS
    tagged = raw_field[at - 1:at + 1] if at else raw_field[:1]
    return field_name == "hashtags" or any(c in CORROBORATING_TAG_OPEN for c in tagged) or _label(raw_field, at, stop)


def _lone_bare_ai(result: Detection) -> bool:
    """Whether RESULT's AI flag rests on bare AIs in running text alone (no strong marker survived, see
    _strong_evidence) in a post that names no character: weak evidence, not enough alone."""
    return not result.characters


def _tag_key(marker: AIMarker) -> tuple[str, str]:
    """The marker a hashtag marker repeats: an AI phrase made of two tags (#ai #anime) says no more than its tag #ai."""
    if marker.marker.startswith(f"{ai.BARE_AI} ") and "#" in marker.text.lstrip("#＃").replace("＃", "#"):
        return ai.PHRASE, ai.BARE_AI
    return marker.kind, marker.marker


def _other_sense(text: str, begin: int, end: int) -> bool:
    """Whether the bare AI at [begin, end) is a tool's on existing footage where it stands, or the game's computer
    player where it stands or where another bare AI of the same post stands: one sense of the word per post ("AI lvl
    200cc" in a title whose description says "racing the CPU AI"). A tool used on footage is the same sense of the
    word, not carried over ("AI upscaled intro, AI voice" may still say a voice was made)."""
    if ai_context.game_sense(text, begin, end) or ai_context.other_use(text, begin, end) or ai_context.consulted(
            text, begin, end) or ai_context.trend_after(text, end) or ai_context.market_talk(text) or (
            ai_context.cjk_game_sense(text, begin) or ai_context.game_in_post(text)):
        return True  # ... or AI the industry: a noun of the trend after it (the AI wave), the stock market's tags
    return text.count("ai") > 1 and any(ai_context.game_sense(text, m.start(), m.end())
                                        for m in _BARE_AI.finditer(text) if m.start() != begin)


def _same_tool(text: str, begin: int, end: int, raw_field: str, stop: int) -> bool:
    """Whether the bare AI at [begin, end), ending its clause where it was written (up to STOP in RAW_FIELD), with no word
    of making next to it and naming no voice, is the tool on existing footage another bare AI of the post is, in any
    field ("AI upscaled the 1986 opening" / "Topaz Video AI, ..."); "AI upscaled intro" / "AI voice for Luffy" keeps its
    voice, "AI dubbed" / "the voices are AI" says AI made the voices, and "AI Luffy dance" / "AI upscaled to 4K" its
    Luffy (an AI before a word names what AI made)."""
    rest = raw_field[stop:].lstrip()
    if rest and not ai_context.clause_break(rest[0]):
        return False
    before = ai_context._words_before(text, begin, 2)
    if ai_context.voice_after(text, end) or any(w in ai_context.MAKING_WORDS for w in before + ai_context._words_after(
            text, end, 1)) or any(w.startswith(_VOICE_STEMS) for w in before):
        return False  # "made by AI", "AI generated", "the voices are AI": AI made a part of this clip
    return any(ai_context.other_use(text, m.start(), m.end()) for m in _BARE_AI.finditer(text) if m.start() != begin)


_BARE_AI = re.compile(r"(?<![0-9a-z])ai(?![0-9a-z])")
_VOICE_STEMS = ("voice", "vocal", "singing", "song", "narrat")  # before a bare AI: the voices are AI
_THUMB_HINT = re.compile(r"(?i)thumb|サムネ|封面|缩略图|縮圖|썸네일")  # a post naming its thumbnail: read its markers' clauses


# a Han generator's name is also a Chinese word or a word's start (可灵活, 混元一气): it counts with support in the
# post, another AI marker or one of these right before or after it (用可灵, 即梦生成, 可灵2.1)
HAN_GENERATOR_BEFORE = ("用", "使用", "通过", "透過", "で")
HAN_GENERATOR_AFTER = re.compile(r" ?(?:[0-9]|ai|生成|做|制作|製作|製|作成|で|视频|視頻|动画|動畫)")


def _han_generator_supported(text: str, begin: int, end: int, hits) -> bool:
    """Whether the Han generator name at [begin, end) has support: another AI marker (not a negation, not
    another Han generator) in the post, or a word of using before or of making after it."""
    if text.endswith(HAN_GENERATOR_BEFORE, 0, begin) or HAN_GENERATOR_AFTER.match(text, end):
        return True
    return any(entry.kind != ai.NEGATION and not (entry.kind == ai.GENERATOR and HAN.match(text[b]))
               for _, b, _, entry in hits)


def _raw_span(raw_field: str, text: str, field_start: int, begin: int, end: int) -> tuple[int, int]:
    """Where the match [begin, end) of TEXT (the canonical post, its field starting at FIELD_START) was
    written in RAW_FIELD: the same occurrence of the same canonical text, through normalise_mapped."""
    wanted = text[begin:end]
    nth = text.count(wanted, field_start, begin)
    folded = raw_field.casefold()
    if len(folded) == len(raw_field):  # fast: the same occurrence in the case-folded field, when it is there
        at = -1
        for _ in range(nth + 1):
            at = folded.find(wanted, at + 1)
            if at < 0:
                break
        else:
            return at, at + len(wanted)
    canon, starts = normalise_mapped(raw_field)
    at = -1
    for _ in range(nth + 1):
        at = canon.find(wanted, at + 1)
        if at < 0:
            return 0, 0
    stop = starts[at + len(wanted) - 1] + 1
    while stop < len(raw_field) and (unicodedata.combining(raw_field[stop]) or raw_field[stop] in "\uff9e\uff9f"):
        stop += 1
    return starts[at], stop


def _reduplicated(text: str, begin: int, end: int) -> bool:
    """Whether the one word at [begin, end) is said twice in a row (kling kling, pika pika), or the first word of a name
    of several words is said twice right before it ("pika pika effects")."""
    word = text[begin:end]
    if " " in word:
        word = word.split(" ", 1)[0]
        at = begin - len(word) - 1
        return at >= 0 and text.startswith(f"{word} ", at) and (at == 0 or not is_latin_alnum(text[at - 1]))
    at = begin - len(word) - 1
    before = at >= 0 and text.startswith(f"{word} ", at) and (at == 0 or not is_latin_alnum(text[at - 1]))
    after = text.startswith(f" {word}", end) and not is_latin_alnum(text[end + len(word) + 1: end + len(word) + 2] or " ")
    return before or after


def _bare_ai_counts(raw_field: str, fi: int, post: dict) -> bool:
    """A bare "ai" counts written "AI", or as a whole hashtag (#ai, #AI; in any field: "cooking #ai #onepiece")."""
    tags = post.get("hashtags") if isinstance(post.get("hashtags"), list) else []
    if FIELDS[fi] == "hashtags" and any(normalise(str(t)).strip() == ai.BARE_AI for t in tags):
        return True
    return ai.upper_ai(unicodedata.normalize("NFKC", raw_field)) or ai.hashtag_ai(raw_field)
