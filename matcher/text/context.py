"""What the words around a matched name say it is, when it is not the character: a place or a business
("Luffy's Bakery", "Hotel Naruto", "Nami Island", ナミ島, カフェ・リク), a short Korean name run into a longer
word (나미섬, 티파니: the syllable after it is no particle), a Han name that is part of a longer Chinese word
(一路飞奔 is not 路飞) or is itself a frequent word (黄昏 dusk, 炼狱 purgatory, 五条 five items).

All functions take the canonical text of a post (normalise.py) and a match [begin, end) in it."""

from __future__ import annotations

import functools
import re

from matcher.text.scripts import HAN, is_hangul, is_latin_alnum

# a word that makes the name before it the name of a place or a business ("Nami Island", "Luffy's Bakery")
PLACE_AFTER = frozenset((
    "island", "islands", "isle", "station", "strait", "straits", "bridge", "city", "town", "village", "park",
    "beach", "street", "st", "avenue", "ave", "road", "rd", "boulevard", "mall", "market", "hotel", "inn",
    "resort", "motel", "hostel", "ryokan", "onsen", "cafe", "coffee", "bakery", "restaurant", "pizzeria",
    "pizza", "diner", "bistro", "pub", "grill", "gym", "salon", "spa", "store", "boutique", "clinic",
    "school", "academy", "airport", "harbor", "harbour", "bay", "lake", "river", "falls", "castle", "temple",
    "shrine", "tower", "plaza", "square", "center", "centre", "stadium", "arena", "museum", "farm", "garden",
    "gardens", "zoo", "aquarium", "district", "prefecture", "county", "province", "coast", "peninsula",
    "brewery", "winery", "deli", "dental", "pharmacy", "bookstore", "bookshop", "apartments", "mansion",
    "tavern", "barbershop", "barber", "lounge", "supermarket", "mart", "hospital", "church", "cinema", "library",
    "bank", "valley", "forest", "canyon", "lane", "alley", "highway", "pier", "wharf", "marina", "lodge", "campground",
    "steakhouse", "izakaya", "teahouse", "coffeehouse", "creamery", "patisserie",
))
# a word that makes the name after it the name of a place or a business ("Hotel Naruto", "Cafe Tifa")
PLACE_BEFORE = frozenset(("hotel", "cafe", "restaurant", "bar", "pub", "bistro", "club", "inn", "ryokan",
                          "bakery", "pizzeria", "lake", "mount", "mt", "port", "fort", "cape", "isla", "casa",
                          "chez", "villa", "pension"))
# words that introduce a person or a pet of the uploader's by that name ("my name is Riku", "my dog Luffy")
PERSON_BEFORE = ("my name is", "name is", "named", "called", "my friend", "my son", "my daughter",
                 "my brother", "my sister", "my dog", "my cat", "our dog", "our cat", "my puppy", "my kitten",
                 "my boyfriend", "my girlfriend", "my husband", "my wife", "my baby", "my nephew", "my niece")
# the same in Japanese and Chinese, written right after or before the name (ナミ島, 娜美岛, ホテルナルト)
HAN_PLACE_AFTER = ("島", "岛", "駅", "站", "市", "町", "村", "港", "橋", "桥", "店", "街", "海峡", "温泉", "公園",
                   "公园", "酒店", "餐厅", "餐廳", "食堂", "商店", "書店", "酒場", "旅館", "病院", "神社", "屋",
                   "ホテル", "カフェ", "通り")
# ... and the words before a name that make it a place, a business, a pet or a child of the uploader's
KANA_PLACE_BEFORE = ("ホテル", "カフェ", "レストラン", "旅館", "民宿", "ペンション", "酒店", "餐厅", "咖啡",
                     "うちの猫の", "うちの犬の", "うちの子の", "愛犬", "愛猫", "飼い猫の", "飼い犬の", "我家猫",
                     "我家狗", "我的猫", "我的狗", "우리 강아지", "우리 고양이")
# what may follow a Korean name: particles (나미는, 루피가, 조로를, 나미의, 루피랑...) and the words fans run
# names into in hashtags (루피짤, 나미팬); anything else makes a longer word (나미섬, 티파니, 리쿠르트)
HANGUL_AFTER_NAME = ("은", "는", "이", "가", "을", "를", "의", "와", "과", "랑", "이랑", "하고", "도", "만", "에",
                     "에게", "한테", "께", "님", "씨", "짱", "쨩", "로", "으로", "처럼", "보다", "까지", "부터",
                     "들", "같", "인", "임", "였", "이었", "이야", "이다", "였다", "밖에", "마저", "조차",
                     "짤", "팬", "덕", "굿즈", "그림", "영상", "편집", "코스", "피규어", "사랑", "최고", "닮",
                     "편", "형", "상", "군", "쿤", "오빠", "언니", "누나", "센세", "선생")  # honorifics, episodes
SHORT_HANGUL_CHARS = 2  # a Korean name this short is too often the start of another word
COMMON_HAN_WORD_FREQ = 20  # a Han name that is a word this frequent (jieba's dictionary) is a word too


_LATIN_WORD = r"[0-9a-z\u00e0-\u024f]+"
_NEXT_WORDS = re.compile(rf" *({_LATIN_WORD})(?: +({_LATIN_WORD}))?")
_LAST_WORD = re.compile(rf"({_LATIN_WORD}) *$")
_LOOK_BEHIND = 24  # characters before a name read for the words that introduce it


def names_a_place(text: str, begin: int, end: int) -> bool:
    """Whether the name at [begin, end) is the name of a place or a business: a place word after it
    (possessive or not: "Nami Island", "Riku's cafe") or before it ("Hotel Naruto", ホテルナルト, ナミ島);
    or of a person or pet the words before introduce ("my name is Riku", "my dog Luffy")."""
    first, last = text[begin], text[end - 1]
    if is_latin_alnum(last):
        after = _NEXT_WORDS.match(text, end)
        # the possessive: the apostrophe is a separator ("luffy s bakery")
        word = after and (after.group(2) if after.group(1) == "s" else after.group(1))
        if word in PLACE_AFTER:
            return True
    elif text.startswith(HAN_PLACE_AFTER, end):
        return True
    before = text[max(0, begin - _LOOK_BEHIND):begin].rstrip(" ")
    if is_latin_alnum(first):
        word = _LAST_WORD.search(before)
        return bool(word and word.group(1) in PLACE_BEFORE) or f" {before}".endswith(_PERSON_ENDS)
    return before.endswith(KANA_PLACE_BEFORE)


_PERSON_ENDS = tuple(f" {p}" for p in PERSON_BEFORE)


def glued_hangul(text: str, begin: int, end: int) -> bool:
    """Whether a short Korean name (two syllables) runs into a longer word: the hangul after it is no
    particle and no usual hashtag word (나미섬, 티파니, 리쿠르트; not 나미는, 루피가, 루피짤)."""
    if end - begin > SHORT_HANGUL_CHARS or end >= len(text) or not is_hangul(text[end]):
        return False
    return not text.startswith(HANGUL_AFTER_NAME, end)


class HanWords:
    """Chinese words around Han names, from jieba's dictionary with the catalogue's Han names added at the
    frequency that just keeps each one whole alone (so a frequent longer word still wins: 一路飞奔)."""

    def __init__(self, names: set[str]):
        import jieba

        base = _base_tokenizer()
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.FREQ, self.tokenizer.total = dict(base.FREQ), base.total
        self.tokenizer.initialized = True
        self.common = {n for n in names if _word_freq(base, n) >= COMMON_HAN_WORD_FREQ}
        for name in sorted(names - self.common):
            self.tokenizer.add_word(name, max(self.tokenizer.suggest_freq(name, False), 1))
        # word ends in a run of Han characters; small: a run holding two names is cut once per post
        self._ends = functools.lru_cache(maxsize=64)(self._word_ends)

    def inside_word(self, text: str, begin: int, end: int) -> bool:
        """Whether the Han name at [begin, end) is cut through by the words of the Han run around it."""
        start, stop = begin, end
        while start > 0 and HAN.match(text[start - 1]):
            start -= 1
        while stop < len(text) and HAN.match(text[stop]):
            stop += 1
        if start == begin and stop == end:
            return False
        ends = self._ends(text[start:stop])
        return begin - start not in ends or end - start not in ends

    def _word_ends(self, run: str) -> frozenset[int]:
        ends, at = {0}, 0
        for word in self.tokenizer.cut(run, HMM=False):
            at += len(word)
            ends.add(at)
        return frozenset(ends)


@functools.cache
def _base_tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _word_freq(tokenizer, name: str) -> int:
    from matcher.text.names import simplified

    return max(tokenizer.FREQ.get(name) or 0, tokenizer.FREQ.get(simplified(name)) or 0)
