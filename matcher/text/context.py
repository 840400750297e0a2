"""What the words around a matched name say it is, when it is not the character: a place or a business
("Luffy's Bakery", "Hotel Naruto", "Nami Island", "Sasuke Ramen Shop", ナミ島, カフェ・リク, 鸣人拉面馆), a person
or a pet of the uploader's ("my dog Luffy", "Riku and I", "Anya turns 5", 彼氏のリク, a post about a wedding or
a child's kindergarten), a surname after a given name (Nami Tamaki), an English-word name used as the word
(link in bio), a Korean name run into a longer word (나미섬, 사스케이크: what follows is no particle), a katakana
name run into a compound (マリオカート), a Han name that is part of a longer Chinese word (一路飞奔 is not 路飞)
or is itself a frequent word (黄昏 dusk, 炼狱 purgatory, 五条 five items).

All functions take the canonical text of a post (normalise.py) and a match [begin, end) in it."""

from __future__ import annotations

import functools
import re

from matcher.text.normalise import FIELD_SEP
from matcher.text.scripts import HAN, is_hangul, is_katakana, is_latin_alnum

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
    # a seasoning named so (Vegeta, a Croatian seasoning): a product, read like a business
    "seasoning", "seasonings", "condiment", "condiments", "bouillon",
    # businesses named "<Name> <Trade> <Shop>": the second and third words after the name count too (Sasuke
# Ramen Shop, Goku Martial Arts Academy)
    "shop", "shops", "counter", "repair", "repairs",
    "roasters", "roastery", "grooming", "auto", "motors", "garage", "salon", "barbers", "noodle", "noodles",
    "eatery", "canteen", "cafeteria", "takeaway", "catering", "bakehouse", "florist", "nursery", "laundry",
    "cleaners", "dojo", "daycare", "kindergarten", "hall", "theater", "theatre", "mall", "outlet", "pharmacy",
    "vet", "veterinary", "kennel", "kennels", "pet", "pets", "realty", "estate", "estates", "dentistry",
    "parlor", "parlour", "cellar", "atelier", "workshop", "emporium", "tattoo", "tailor", "tailors", "optician",
    # ... and the words that end a business's name (Sasuke Moving Company, Luffy Pro Cleaning Services)
    # (not "co": Luffy & Co.; not design, fitness, cleaning: "Luffy character design", "Zoro cleaning his swords")
    "company", "inc", "llc", "ltd", "corp", "corporation", "services", "plumbing", "landscaping", "consulting",
    "rentals", "movers",
    # eateries named in Italian, Spanish or French ("Luigi's Trattoria"), as English menus keep them
    "trattoria", "osteria", "ristorante", "taverna", "taqueria", "cantina", "brasserie", "boulangerie", "creperie",
    "gelateria", "enoteca", "caffe", "panaderia",
    # Japanese place words written in romaji after the name ("Naruto-shi", "Gojo-dori", "Naruto kaikyou"): a city, a
    # ward, a street, a strait, a station, a shrine
    "shi", "ku", "cho", "machi", "mura", "son", "gun", "ken", "dori", "doori", "douri", "kaikyo", "kaikyou", "eki",
    "jinja", "jingu", "jinguu", "dera", "taisha", "koen", "kouen", "bashi", "hashi", "minato", "ko", "kou", "jo",
    "jou", "shotengai", "shoutengai", "yokocho", "yokochou",
))
# a word that makes the name after it the name of a place or a business ("Hotel Naruto", "Cafe Tifa")
PLACE_BEFORE = frozenset(("hotel", "cafe", "restaurant", "bar", "pub", "bistro", "club", "inn", "ryokan",
                          "bakery", "pizzeria", "lake", "mount", "mt", "port", "fort", "cape", "isla", "casa",
                          "chez", "villa", "pension"))
# words that introduce a person or a pet of the uploader's by that name ("my name is Riku", "my dog Luffy")
PERSON_BEFORE = ("my name is", "name is", "named", "called", "my friend", "my son", "my daughter",
                 "my brother", "my sister", "my dog", "my cat", "our dog", "our cat", "my puppy", "my kitten",
                 "my boyfriend", "my girlfriend", "my husband", "my wife", "my baby", "my nephew", "my niece",
                 # a trade said before a person's name ("singer Nami", "striker Mario Gomez")
                 "singer", "actor", "actress", "rapper", "footballer", "striker", "goalkeeper", "pitcher",
                 "boxer", "wrestler", "comedian", "drummer", "guitarist", "anchor", "senator", "minister")
# the same in Japanese and Chinese, written right after or before the name (ナミ島, 娜美岛, ホテルナルト)
HAN_PLACE_AFTER = ("島", "岛", "駅", "站", "市", "町", "村", "港", "橋", "桥", "店", "街", "海峡", "温泉", "公園",
                   "公园", "酒店", "餐厅", "餐廳", "食堂", "商店", "書店", "酒場", "旅館", "病院", "神社", "屋",
                   "ホテル", "カフェ", "通り", "通", "浜", "濱", "海岸", "岬", "峠", "坂", "湖", "寺", "城跡", "寿司", "鮨", "巻き", "巻", "そば", "うどん", "ラーメン", "整骨院", "医院", "稲荷", "稻荷", "神宮", "大社")
# the last character of a Han word for a shop or a hall, within the few Han characters right after a name
# (鸣人拉面馆, ルフィ亭, ナミ美容室: ramen shop, -tei, beauty salon)
HAN_BUSINESS_CHARS = frozenset("店館馆亭室堂屋院坊楼樓社宮宫")  # 社, 宮: a shrine (佐助稲荷神社)
HAN_BUSINESS_WINDOW = 4
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
                     "편", "형", "상", "군", "쿤", "오빠", "언니", "누나", "센세", "선생", "모음", "장면", "명장면", "합성",
                     "먹방", "빵", "인형", "케이크", "코스프레", "선생님", "커플", "케미",
                     "러버")  # 러버: lover (티파러버, a fan's name)  # honorifics, episodes
# katakana a katakana name may run into: fan words (ルフィファン, ピカチュウグッズ); other katakana after it makes
# a compound (マリオカート, クラウドファンディング) where the name counts only with its work named
KATAKANA_AFTER_NAME = ("ファン", "グッズ", "コス", "コスプレ", "フィギュア", "イラスト", "ダンス", "エディット", "スタンプ",
                       "ケーキ", "クッキー", "チャン", "サン", "クン", "サマ", "セン", "ネタ", "ソング", "テーマ", "ボイス",
                       "モノマネ", "ギア", "ショート", "アニメ", "ゲーム", "メドレー", "カバー", "オンリー", "ペア")
# place and shop words after a Korean name and a space (나미 카페, 루피 치킨, 조로 미용실); run into the name they
# make a longer word, which glued_hangul drops
HANGUL_PLACE_AFTER = ("카페", "식당", "호텔", "섬", "역", "빵집", "베이커리", "미용실", "헤어", "네일", "학원", "병원",
                      "치과", "약국", "한의원", "치킨", "피자", "마트", "편의점", "공원", "시장", "거리", "해변", "펜션",
                      "모텔", "술집", "주점", "포차", "국밥", "분식", "김밥", "횟집", "반점", "꽃집", "세탁소", "부동산",
                      "태권도", "어린이집", "유치원", "교회", "정육점", "떡집", "카센터", "스튜디오", "사진관",
                      "아울렛", "백화점", "쇼핑몰", "몰", "매장", "할인", "세일", "상가", "마켓")
LONG_HANGUL_CHARS = 4  # a Korean name up to this long may be the start of another word (나미섬, 사스케이크)
COMMON_HAN_WORD_FREQ = 20  # a Han name that is a word this frequent (jieba's dictionary) is a word too


_LATIN_WORD = r"[0-9a-z\u00e0-\u024f]+"
_NEXT_WORDS = re.compile(rf" *({_LATIN_WORD})(?: +({_LATIN_WORD}))?(?: +({_LATIN_WORD}))?")
# ... and words that make a business only as the second word after a name ("Goku Ramen Bar", "Nami Seafood
# Kitchen"): right after it they are as often the character's own ("Tifa's bar", "Luffy's house")
TRADE_LAST = frozenset(("bar", "house", "kitchen", "studio", "studios", "club", "lounge", "room", "works"))
# words that end the reading for a place word: the name is somewhere, not the place's name ("Pikachu at the vet",
# "Denji at the beach", "Luffy in the garden")
PLACE_STOPS = frozenset(("at", "in", "on", "to", "into", "from", "near", "inside", "outside", "visits", "visiting",
                         "goes", "went", "vs", "and", "with"))
PLACE_WINDOW = 3  # words after a name (its possessive "s" not counted) read for a place or business word
_LOOK_BEHIND = 24  # characters before a name read for the words that introduce it


def starts_a_title(text: str, end: int) -> bool:
    """Whether the Latin name ending at END starts a longer title (Mario Kart, Luigi's Mansion): see TITLE_AFTER."""
    after = _NEXT_WORDS.match(text, end)
    words = [w for w in after.groups() if w] if after else []
    return bool(words) and (words[0] in TITLE_AFTER or words[:1] == ["s"] and words[1:2] and words[1] in TITLE_AFTER)


def names_a_place(text: str, begin: int, end: int) -> bool:
    """Whether the name at [begin, end) is the name of a place or a business (or starts a longer title: Mario
    Kart): a place word after it
    (possessive or not: "Nami Island", "Riku's cafe") or before it ("Hotel Naruto", ホテルナルト, ナミ島);
    or of a person or pet the words before introduce ("my name is Riku", "my dog Luffy")."""
    first, last = text[begin], text[end - 1]
    if is_latin_alnum(last):
        if _YEAR_AFTER.match(text, end):
            return True  # SASUKE2025, "Zoro 2024 festival": an event or a show named so
        after = _NEXT_WORDS.match(text, end)
        # the possessive: the apostrophe is a separator ("luffy s bakery"); then up to three words
        words = [w for w in after.groups() if w] if after else []
        if words[:1] == ["s"]:
            del words[0]
        for i, w in enumerate(words):
            if w in PLACE_STOPS:
                del words[i:]
                break
        if not PLACE_AFTER.isdisjoint(words[:PLACE_WINDOW]) or words[1:2] and words[1] in TRADE_LAST:
            return True
        if words[:1] and words[0] in TITLE_AFTER:
            return True  # a game or show named after the character (Mario Kart, Luigi's Mansion): the work's
        if after and after.group(1) in _PERSON_AFTER_FIRST and _PERSON_AFTER_RE.match(text, end) or _animal_after(
                text, end, after):
            return True
    elif text.startswith(HAN_PLACE_AFTER, end) or _han_business_after(text, end) or age_after(text, end):
        return True
    elif text.startswith("像", end) and _SACRED.search(text):
        return True  # 宿儺像 at a temple: a statue of a legend's figure, not a character's figure
    elif is_hangul(last) and text.startswith(HANGUL_PLACE_AFTER, end + 1) and text[end] == " ":
        return True  # 나미 카페, 루피 치킨
    before = text[max(0, begin - _LOOK_BEHIND):begin].rstrip(" ")
    if is_latin_alnum(first):
        word = before.rsplit(" ", 1)[-1]
        return word in PLACE_BEFORE or word in _ANIMALS or word in _PERSON_BEFORE_LAST and (
            f" {before}".endswith(_PERSON_ENDS) or bool(_PERSON_BEFORE_RE.search(before)))
    return before.endswith(KANA_PLACE_BEFORE) or _cjk_person_before(before) or _animal_before(before)


# a year right after a Latin name: the name of an event or a show (SASUKE2025, "Zoro 2024 festival"); a fan's "Naruto
# 2025 edit" counts with its work named
_YEAR_AFTER = re.compile(r" ?(?:19|20)\d\d(?![0-9])")
# a temple, a shrine or Buddhist images in the post: a name before 像 (statue) is a legend's figure there (宿儺像)
_SACRED = re.compile("寺|神社|神宮|仏|사찰|寺庙|寺廟")


# the age a name turned today, right after a name in Japanese, Chinese or Korean (ルフィ、今日で3歳; ルフィ 2歳になりました;
# 路飞今天3岁了; 루피 오늘 3살 됐어요): the uploader's pet or child, as "Anya turns 5" in English; a character's age
# said as trivia (ルフィは17歳) or a scene's (5歳の頃) is not a birthday
_CJK_AGE_AFTER = re.compile(
    r" ?(?:は|が|も)? ?(?:(?:(?:今日|本日|きょう)で?|今天|今日|오늘(?:로)?) ?\d{1,2} ?(?:歳|才|岁|歲|살)"
    r"|\d{1,2} ?(?:歳|才|岁|歲|살) ?(?:になりました|になった|になりま|の誕生日|了|生日|이 됐|이 되었|됐|생일))")


def age_after(text: str, end: int) -> bool:
    """Whether the CJK name ending at END is followed by the age it turned today (see _CJK_AGE_AFTER)."""
    return not is_latin_alnum(text[end - 1]) and bool(_CJK_AGE_AFTER.match(text, end))


def names_someone(text: str, begin: int, end: int) -> bool:
    """Whether the words around the name at [begin, end) say it is a person, a pet or an event of that name ("my
    cat Nami", "Riku and I", 가수 나미, SASUKE2025): then the post's other writings of it are that one too (the
    uploader "Nami the Tabby", #SASUKE). Places are not read here: "Denji at the beach" is still Denji."""
    first, last = text[begin], text[end - 1]
    before = text[max(0, begin - _LOOK_BEHIND):begin].rstrip(" ")
    if _animal_before(before) or age_after(text, end):
        return True
    if is_latin_alnum(last):
        if _YEAR_AFTER.match(text, end):
            return True
        after = _NEXT_WORDS.match(text, end)
        if after and after.group(1) in _PERSON_AFTER_FIRST and _PERSON_AFTER_RE.match(text, end) or _animal_after(
                text, end, after):
            return True
    if is_latin_alnum(first):
        word = before.rsplit(" ", 1)[-1]
        return word in _PERSON_BEFORE_LAST and (
            f" {before}".endswith(_PERSON_ENDS) or bool(_PERSON_BEFORE_RE.search(before)))
    return _cjk_person_before(before)


# pets and people of the uploader's with no "my name is": "my hamster Pikachu", "Gojo the shiba inu",
# "Riku and I went...", "me and Ash", "Anya turns 5", "Riku's first steps", "met Tifa and her boyfriend"
_PETS = ("dog", "dogs", "cat", "cats", "puppy", "pup", "kitten", "kitty", "hamster", "bunny", "rabbit", "parrot",
         "budgie", "bird", "fish", "goldfish", "turtle", "tortoise", "horse", "pony", "ferret", "hedgehog", "shiba",
         "shiba inu", "corgi", "husky", "pug", "poodle", "bulldog", "frenchie", "retriever", "golden", "labrador",
         "lab", "chihuahua", "dachshund", "beagle", "gecko", "snake", "cockatiel", "guinea pig", "chinchilla",
         "pet", "son", "daughter", "cow", "duck", "chicken", "hen", "rooster", "tabby", "calico", "ginger",
         "tomcat", "cockatoo", "sheep", "goat", "pig", "lizard")
_PET = "|".join(sorted((re.escape(p) for p in _PETS), key=len, reverse=True))
# the animals among them: a name right after one of these, whoever's ("our neighbour's cat Makima", "the bunny Sasuke",
# "my hamster ねずこ"), or in apposition after the name ("Goku, our rescue husky"), is a pet's
_ANIMALS = frozenset(_PETS) - {"pet", "son", "daughter", "golden", "ginger", "lab"}
_ANIMAL = "|".join(sorted((re.escape(p) for p in _ANIMALS), key=len, reverse=True))
_APPOSITION_REACH = 3  # words between "our"/"my" and the animal after a name ("Luffy, my new golden retriever puppy")
_ANIMAL_APPOSITION = re.compile(
    rf" (?:our|my|his|her|their) (?:[a-z]+ ){{0,{_APPOSITION_REACH}}}(?:{_ANIMAL})(?=[ \x1f]|$)")
# ... and in Japanese, Chinese and Korean, the animal written right before the name (保護した子猫 なると, 仓鼠小八)
CJK_ANIMALS_BEFORE = ("猫", "子猫", "仔猫", "犬", "子犬", "仔犬", "ハムスター", "うさぎ", "ウサギ", "インコ", "柴犬",
                      "猫咪", "小猫", "小狗", "狗狗", "仓鼠", "倉鼠", "兔子", "강아지", "고양이", "햄스터", "토끼")
_PERSON_BEFORE_RE = re.compile(
    rf"(?:^|[ \x1f])(?:(?:my|our|his|her|their) (?:new |little |baby |pet |sweet |old )?(?:{_PET})"
    r"|me and|me n|met|happy birthday to my|(?:my|our) (?:friend|bestie|buddy|roommate"
    r"|neighbou?r|coworker|colleague|classmate|teacher|grandson|granddaughter|nephew|niece|cousin|twins?))$")
_PERSON_AFTER_RE = re.compile(
    rf" (?:(?:and|n) (?:i|me)(?=[ \x1f]|$)|the (?:[a-z]+ )?(?:{_PET})(?=[ \x1f]|$)"
    r"|(?:s )?(?:turns \d|is \d+ (?:years|months)"
    r"|(?:first|1st) (?:steps|day|birthday|bday|tooth|words?|haircut|swim)|got (?:a promotion|married|engaged|a job)"
    r"|wedding|graduation|graduated|and (?:her|his|their) (?:boyfriend|girlfriend|husband|wife|fiance|fiancee|partner"
    r"|mom|dad|brother|sister|friends?|family|parents|kids|son|daughter))"
    r"|and [a-z]+ s (?:wedding|engagement))")
# the words the patterns above end (before a name) or start (after it) with: the patterns run only then
_PERSON_BEFORE_LAST = frozenset({p.split()[-1] for p in (*PERSON_BEFORE, *_PETS)} | {
    "and", "n", "met", "my", "friend", "bestie", "buddy", "roommate", "neighbor", "neighbour", "coworker",
    "colleague", "classmate", "teacher", "grandson", "granddaughter", "nephew", "niece", "cousin", "twin", "twins"})
_PERSON_AFTER_FIRST = frozenset(("and", "n", "the", "s", "turns", "is", "first", "1st", "got", "wedding",
                                 "graduation", "graduated"))
_APPOSITION_FIRST = frozenset(("our", "my", "his", "her", "their"))


def _animal_before(before: str) -> bool:
    """Whether an animal word comes right before a name, BEFORE being the text before it (right-stripped), in any
    script of the name: "the bunny Sasuke", "my hamster ねずこ", 保護した子猫 なると. "my cat dressed as Luffy"
    keeps: the word before is "as"."""
    return before[-1:].isascii() and before.rsplit(" ", 1)[-1] in _ANIMALS or before.endswith(CJK_ANIMALS_BEFORE)


def _animal_after(text: str, end: int, after) -> bool:
    """Whether an animal in apposition follows the Latin name ending at END ("Goku, our rescue husky"), AFTER
    being _NEXT_WORDS matched there."""
    return bool(after and after.group(1) in _APPOSITION_FIRST and _ANIMAL_APPOSITION.match(text, end))
# the same before a name in Japanese, Chinese and Korean (彼氏のリク, 我儿子, 우리 아들)
CJK_PERSON_BEFORE = ("彼氏の", "彼女の", "息子の", "娘の", "友達の", "友人の", "妹の", "弟の", "兄の", "姉の", "夫の",
                     "妻の", "旦那の", "嫁の", "甥の", "姪の", "孫の", "彼氏", "息子", "娘", "うちのハムスターの",
                     "我儿子", "我女儿", "我男朋友", "我女朋友", "我老公", "我老婆", "我朋友", "我弟弟", "我妹妹",
                     "我哥哥", "我姐姐", "我兒子", "我女兒", "我同事", "我同学", "我同學", "我室友", "同僚の", "우리 아들", "우리 딸", "남친", "여친", "내 친구",
                     "우리 남편", "우리 아내", "우리 집 강아지", "우리 집 고양이",
                     # a trade said before a person's name (가수 나미, 歌手の, 演员)
                     "가수", "배우", "선수", "아나운서", "기자", "모델", "개그맨", "개그우먼", "앵커", "감독",
                     "歌手の", "俳優の", "女優の", "選手", "歌手", "演员", "演員", "主播")
# whole-post signs that the names in it are the uploader's family or friends (a child's first day at
# kindergarten, a wedding): then a name counts only with its work named too
_PERSONAL_POST_RE = re.compile(
    r"(?:^|[ \x1f])(?:our little (?:girl|boy|one|princess|prince|man|lady|guy)|love you (?:sis|bro|babe|mom|dad)"
    r"|proud (?:mom|mum|dad|mama|papa|parents?|wife|husband)|proud of (?:my|our) (?:little |big |baby |younger |older )?(?:husband|wife|son|daughter|kids|boy|girl|sister|brother|sis|bro)"
    r"|kindergarten|preschool|daycare|first steps|wedding (?:day|highlights|video|film)|our wedding|newborn"
    r"|(?:my|our) (?:son|daughter|fiance|fiancee|toddler))(?=[ \x1f]|$)")


# a name given to someone or something in Chinese, Japanese or Korean: 名叫, 叫做, 取名, 名前は, 이름은, and a bare 叫
# ("is called") after 我家 / 家的 in the same clause (我家柯基叫路飞: whatever the pet, the uploader's own) -- the
# counterpart of "named" / "called" in PERSON_BEFORE; a bare 叫 alone is also "shout, ask" (娜美叫路飞吃饭)
_CJK_NAMED_RE = re.compile(r"(?:名叫|叫做|名字叫|名字是|取名(?:叫|为|為)?|起名(?:叫|为|為)?|名前は|이름은|이름이"
                           r"|(?:我家|家的|家里的|家裡的)[^ \x1f，,。.!！?？]{0,8}叫)$")


def _cjk_person_before(before: str) -> bool:
    """Whether the words right before a name (BEFORE, right-stripped) introduce a person or a pet of that name in
    Chinese, Japanese or Korean: 彼氏のリク, 가수 나미, 我家柯基叫路飞, 名前はナミ."""
    return before.endswith(CJK_PERSON_BEFORE) or bool(_CJK_NAMED_RE.search(before))


def _han_business_after(text: str, end: int) -> bool:
    """Whether the Han word right after a name is a shop or a hall (鸣人拉面馆, ナミ美容室)."""
    for ch in text[end:end + HAN_BUSINESS_WINDOW]:
        if not HAN.match(ch):
            return False
        if ch in HAN_BUSINESS_CHARS:
            return True
    return False


def personal_post(text: str) -> bool:
    """Whether the post is about the uploader's family or friends (see _PERSONAL_POST_RE)."""
    return bool(_PERSONAL_POST_RE.search(text))


_PERSON_ENDS = tuple(f" {p}" for p in PERSON_BEFORE)


def katakana_compound(text: str, end: int, names: tuple[str, ...] = ()) -> bool:
    """Whether a katakana name ending at END runs into more katakana that is no fan word and no catalogue
    name (マリオカート; not ルフィファン, #ナルトサスケ)."""
    if end >= len(text) or not is_katakana(text[end]):
        return False
    return not text.startswith(KATAKANA_AFTER_NAME, end) and not text.startswith(names, end)


def glued_hangul(text: str, begin: int, end: int, names: tuple[str, ...] = ()) -> bool:
    """Whether a Korean name of up to four syllables runs into a longer word: the hangul after it is no
    particle, usual hashtag word or catalogue name (NAMES), or such a word is itself followed by more hangul
    that is none (나미섬, 티파니, 리쿠르트, 사스케이크 = 사스케+이+크, 마키마라톤; not 나미는, 루피가, 루피짤,
    나루토랑, #나루토사스케)."""
    if end - begin > LONG_HANGUL_CHARS or end >= len(text) or not is_hangul(text[end]):
        return False
    at = end
    for _ in range(3):  # name + particle or word (+ one more): 루피짤모음
        word = _hangul_word_at(text, at, names)
        if not word:
            return True
        at += len(word)
        if at >= len(text) or not is_hangul(text[at]):
            return False
    return False


def _hangul_word_at(text: str, at: int, names: tuple[str, ...]) -> str:
    best = ""
    for word in HANGUL_AFTER_NAME + names:
        if len(word) > len(best) and text.startswith(word, at):
            best = word
    return best


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


# a capitalised word right after a one-word name that is no English word: a surname ("Nami Tamaki",
# "Mario Draghi", "Riku Hashimoto"), so the name may be a real person's; words of fandom anywhere in the
# post say it is the character after all ("Zoro Sanji fight", "Tanjiro Hinokami Kagura edit")
_SURNAME_AFTER = re.compile(r"[ \t]+([A-Z\u00c0-\u00d6\u00d8-\u00de][a-z\u00df-\u00f6\u00f8-\u00ff]{2,})(?![A-Za-z])")  # Götze
_FANDOM_RE = re.compile(
    r"(?:^|[ \x1f])(?:anime|animes|manga|edit|edits|amv|mmd|fanart|fan art|cosplay|cosplayer|episode|ep|eps|scene|scenes"
    r"|fight|fights|vs|arc|season|opening|ending|figure(?! skat)|figurine|plush|gacha|transformation|domain|jutsu|gear"
    r"|saiyan|ssj|sensei|chan|kun|sama|fandom|otaku|waifu|husbando|shonen|shounen|ova|chapter|canon|fanfic"
    r"|ship|x|cosplays|gameplay|boss|speedrun|lore|theory|reaction|react|clip|clips|cute|kawaii|fanmade|aesthetic"
    r"|pfp|icon|icons|wallpaper|ost|op|ed|power up|powerup|form|mode|final form|vtuber|game|games|gaming"
    # what fans do with a character: draw it, dance it, collect and sell its goods
    r"|dance|dances|dancing|sketch|sketches|sketchbook|doodle|doodles|drawing|drawings|merch|keychain|acrylic stand"
    r")(?=[ \x1f]|$)")


def surname_after(raw_field: str, alias: str) -> str:
    """The capitalised word right after ALIAS (as written) in RAW_FIELD, if any ('' otherwise)."""
    at = raw_field.find(alias)
    if at < 0:
        return ""
    found = _SURNAME_AFTER.match(raw_field, at + len(alias))
    return found.group(1).casefold() if found else ""


def fandom_post(text: str) -> bool:
    """Whether the post (canonical text) speaks of anime, games or fandom anywhere."""
    return bool(_FANDOM_RE.search(text))


# words of anime and fandom in Japanese, Chinese and Korean (no word boundaries in those scripts)
_CJK_FANDOM_RE = re.compile(
    "アニメ|漫画|マンガ|コスプレ|イラスト|ファンアート|描いてみた|踊ってみた|切り抜き|名シーン|作画|声優|原作|推し|二次創作|フィギュア"
    "|动漫|動漫|动画|動畫|番剧|同人|剪辑|二创|手办|名场面|코스프레|애니|만화|팬아트|명장면|피규어|덕질"
    # what fans do with a character: draw it, dance it, collect and sell its goods
    "|アクスタ|缶バッジ|グッズ|ぬいぐるみ|らくがき|落書き|お絵描き|ダンス|手绘|周边|谷子|댄스|굿즈|아크릴")


# words of fan goods and fan art in Japanese, Chinese and Korean (what fans make and buy of a character) right after a
# name, in its field: what says the katakana or hangul of an English-word character is the character (チョッパーの
# ぬいぐるみ, チョッパーの手描きイラスト, 쵸파 인형, 乔巴手办); or cosplay anywhere in the post (ソラのキーブレード #コスプレ)
FAN_GOODS_REACH = 8  # characters between the name and the word of goods (の, 手描き, 의)
_CJK_FAN_GOODS = re.compile(f"[^\x1f]{{0,{FAN_GOODS_REACH}}}?"
                            "(?:ぬいぐるみ|ぬい|フィギュア|アクスタ|缶バッジ|グッズ|イラスト(?!素材)|ファンアート|描いてみた|らくがき|落書き"
                            "|手办|手辦|周边|周邊|公仔|玩偶|同人|팬아트|피규어|인형|굿즈|아크릴)")
_COSPLAY = re.compile(r"コスプレ|코스프레|角色扮演|(?:^|[ \x1f])(?:cosplay|cosplayer|cos)(?=[ \x1f]|$)")


def fan_goods(text: str, end: int) -> bool:
    """Whether the name ending at END is followed by a word of fan goods or art in its field, or the post (canonical
    text) speaks of cosplay (_CJK_FAN_GOODS, _COSPLAY)."""
    return bool(_CJK_FAN_GOODS.match(text, end)) or bool(_COSPLAY.search(text))


# an honorific right after a name: a person (a word takes none: 煉獄さん, "rengoku san" are someone, not purgatory)
_HONORIFIC_AFTER = re.compile(r"(?: |-)?(?:san|sama|sensei|kun|chan|dono)(?![a-z0-9])|さん|さま|様|先生|くん|君|ちゃん|殿|氏"
                              r"| ?(?:님|씨)")


def honorific_after(text: str, end: int) -> bool:
    """Whether an honorific follows the name ending at END (canonical text): a person, in any script."""
    return bool(_HONORIFIC_AFTER.match(text, end))


def corroborated(text: str) -> bool:
    """Whether the post (canonical text) has words of anime or fandom in any script: what lets a name that is also
    a word or someone else's name (lexicon.homonym) count without its work named."""
    return bool(_FANDOM_RE.search(text)) or bool(_CJK_FANDOM_RE.search(text))


# the words around an English-word name that make it the word (the cloud, link in bio, power of friendship)
DETERMINERS = frozenset(("a", "an", "the", "this", "that", "these", "those", "your", "its", "their", "some",
                         "any", "no", "every", "each", "more", "less", "much", "such"))
PREPOSITIONS_AFTER = frozenset(("of", "from", "below", "above", "up", "down", "out", "into", "onto"))
_IN_WORDS = re.compile(r" in (?:the )?(?:my |our )?(?:bio|description|desc|comments?|profile|sky|air|story|stories)(?=[ \x1f]|$)")


def used_as_word(text: str, begin: int, end: int) -> bool:
    """Whether an English-word name at [begin, end) has a determiner before it or a preposition after it:
    the ordinary word ("the cloud", "link in bio", "power of love", "ash from the volcano")."""
    before = text[max(0, begin - 12):begin].rstrip(" ").rsplit(" ", 1)[-1]
    if before in DETERMINERS:
        return True
    after = _NEXT_WORDS.match(text, end)
    return bool(after) and (after.group(1) in PREPOSITIONS_AFTER or (
        after.group(1) == "in" and bool(_IN_WORDS.match(text, end))))


# other franchises and games whose characters share names with the catalogue's (League of Legends' Nami, Banana
# Fish's Ash, No Game No Life's Sora, Pororo's Loopy), and the words of a game's roles that only they use: in
# such a post a name counts only with its own work named
_OTHER_FRANCHISE_WORDS = frozenset(("valorant", "overwatch", "dota", "smite", "genshin", "honkai", "fortnite",
                                    "leagueoflegends", "wildrift", "bananafish", "pororo", "loopy", "runes", "jungler",
                                    "adc", "botlane"))
_OTHER_FRANCHISE_PHRASES = tuple(f" {p} " for p in (
    "league of legends", "wild rift", "dota 2", "mobile legends", "honor of kings", "arena of valor",
    "genshin impact", "apex legends", "banana fish", "no game no life", "mid lane", "top lane", "bot lane",
    "support build", "support main"))
_OTHER_FRANCHISE_CJK = ("西游记", "西遊記", "서유기", "英雄联盟", "英雄聯盟", "リーグ・オブ・レジェンド", "リーグオブレジェンド", "原神", "王者荣耀",
                        "ノーゲーム・ノーライフ", "ノゲノラ", "バナナフィッシュ", "뽀로로", "잔망루피", "리그 오브 레전드",
                        "리그오브레전드", "롤 서폿", "원신")


def other_franchise(text: str) -> bool:
    """Whether the post (canonical text) speaks of another franchise or game that shares names (see above)."""
    if any(word in text for word in _OTHER_FRANCHISE_CJK):
        return True
    padded = f" {text.replace(FIELD_SEP, ' ')} "
    return any(p in padded for p in _OTHER_FRANCHISE_PHRASES) or not _OTHER_FRANCHISE_WORDS.isdisjoint(padded.split())


# words that join two franchises' characters in one post (a crossover: "Luffy vs Goku", ルフィと悟空, 路飞和鸣人)
_CROSSOVER = re.compile(r"(?:^|[ \x1f])(?:vs|versus|x|and|n|with|meets|meet|crossover|collab|team up)(?=[ \x1f]|$)"
                        r"|[×&と和与與跟대랑]|コラボ|联动|聯動|콜라보")


def crossover(text: str) -> bool:
    """Whether the post (canonical text) joins characters of different works (vs, x, and, と, 和, 대...)."""
    return bool(_CROSSOVER.search(text))


# a lower-case name counted like a common noun ("the ten sephiroth of the Tree of Life", "seven lokis of"): the word
_COUNT_WORDS = frozenset(("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                          "many", "several", "all", "both", "few"))


# a Japanese counter of things right after a number (ナルト2枚, 3切れ, 1本): the name before is a thing counted
_COUNTED_AFTER = re.compile(r" ?(?:[0-9]+|[一二三四五六七八九十何数]+) ?(?:枚|切れ|きれ|個|本|杯|皿|袋|箱|パック|つ|コ)")  # ナルト三枚


def counted_unit(text: str, begin: int, end: int | None = None) -> bool:
    """Whether a kana or hangul name at BEGIN is run into the digits of a number before it: a unit counted (1루피 = 16원,
    the rupee; Japanese and Korean write counters against the number), not a character; or a katakana name ending at
    END is followed by a number and a counter of things (ナルト2枚入ってた: the fish cake's slices)."""
    if end is not None and is_katakana(text[end - 1]) and _COUNTED_AFTER.match(text, end):
        return True
    return 0 < begin and text[begin - 1].isdigit() and (is_hangul(text[begin]) or is_katakana(text[begin]))


def counted_noun(text: str, begin: int, end: int) -> bool:
    """Whether the name at [begin, end) has a number word (or a digit) right before it and "of" or
    another preposition right after ("the ten sephiroth of"), or a determiner before the number ("the ten
    Sephiroth", "these 10 Sephiroth"): a common noun."""
    before = text[max(0, begin - 20):begin].rstrip(" ").split(" ")
    if before[-1] not in _COUNT_WORDS and not before[-1].isdigit():
        return False
    if len(before) > 1 and before[-2] in _COUNTED_AFTER_DETERMINER:
        return True
    after = _NEXT_WORDS.match(text, end)
    return bool(after) and after.group(1) in PREPOSITIONS_AFTER


_COUNTED_AFTER_DETERMINER = frozenset(("the", "these", "those", "all"))


# words right after a name that make it the start of a longer title, a game or a show named after the character
# ("Mario Kart", "Mario Party", "Luigi's Mansion", "Mario Odyssey"): a name inside a longer title is the work's
# (read by names_a_place)
TITLE_AFTER = frozenset(("kart", "party", "tennis", "golf", "strikers", "maker", "mansion", "galaxy", "odyssey",
                         "sunshine", "olympic", "olympics", "rpg"))
