"""What the words around an AI marker say it is, when the post does not say a generator made the clip: a
denial ("drawn without any AI", "not using AI", AIじゃなくて, 生成AIは使っていません, 没有用AI, AI 안 쓰고), a
critique ("I hate AI art", "AI art is theft", 抵制AI绘画), a question ("did you use AI for this?",
これAIで作ったの？, 这是AI做的吗？, AI로 만든 거예요?), another sense of AI (the game's: "the CPU AI", "beating
the hardest AI"), or a generator's name that is a character's ("using Sora's keyblade", "tried Sora cosplay").

The fixed phrases of ai.NEGATIONS cancel the markers they overlap; these rules read the words near a marker,
so that the conjugations and word orders no list holds are read too. Functions take the canonical text of a
post (normalise.py) and a marker's match [begin, end) in it, or the field as it appeared (questions need the
question mark, which the canonical text drops)."""

from __future__ import annotations

import functools
import re

from matcher.text.normalise import normalise

# words that deny or reject what follows with at most NEGATION_REACH words between ("not using AI", "without any AI",
# "I hate AI art", "stop AI")
NEGATORS = frozenset(("no", "not", "non", "without", "never", "zero", "nor", "didn", "don", "doesn", "wasn",
                      "isn", "aren", "weren", "won"))
NEGATION_REACH = 5  # words before a generic AI marker read for a negator, across only the words below
# ... words that may stand between a negator and the marker ("not using any AI", "don't post anything AI",
# "refuse to post AI"); any other word ends the search ("never thought AI could...": the AI is said)
NEGATION_FILLERS = frozenset(("t", "s", "use", "used", "using", "any", "anything", "an", "a", "the", "with", "by",
                              "of", "to", "made", "make", "making", "generated", "post", "posting", "posted",
                              "upload", "uploading", "uploaded", "share", "sharing", "support", "supporting",
                              "involved", "was", "is", "were", "are", "be", "been", "at", "all", "even", "for",
                              "here", "our", "my", "your", "single", "bit", "tools", "tool", "more", "so", "called",
                              "generative", "gen", "some", "just", "another"))  # zero generative AI: its bare AI too
# ... and words of rejection ("I hate AI art", "boycott AI", "I refuse to post AI"; not "stop": "can't stop
# watching AI Luffy")
CRITICS = frozenset(("hate", "hating", "against", "ban", "boycott", "anti", "fuck", "screw", "refuse", "reject"))
# words after a generic AI marker that make it a critique ("AI art is theft", "AI ruined the fandom")
CRITIQUE_AFTER = frozenset(("theft", "stealing", "steals", "steal", "stole", "ruining", "ruins", "ruined",
                            "sucks", "soulless", "banned", "forbidden", "haters", "hater", "bros"))
CRITIQUE_WINDOW = 3  # words after a generic AI marker read for a critique
# the same before a marker in Chinese (没有用AI, 抵制AI绘画, 不是AI) and Korean (노 AI)
CJK_NEGATORS_BEFORE = ("没有用", "沒有用", "没用", "沒用", "不用", "没有", "沒有", "无", "無", "拒绝", "拒絕", "抵制",
                       "反对", "反對", "禁止", "不是", "并非", "並非", "非", "不要", "别用", "別用", "不使用", "노")
CJK_NEGATOR_REACH = 2  # characters (spaces aside) that may stand between such a word and the marker (没有用过AI)
# ... and after a marker in Japanese (AIじゃなくて, AIではない, AIは使っていません, AIなし, AI不使用; AIっぽい, AI疑惑,
# AIかと思った: it only looks so) and Korean (AI 안
# 쓰고, AI 아니에요, AI 사용 안 함, AI 없이, AI 미사용)
_AFTER_NEGATION = re.compile(
    r" ?(?:(?:は|を|も|で|に)?(?:一切|全く|まったく|全然|ぜんぜん|特に)?(?:では|じゃ|でも)?(?:な[いくし]|ありません|無し|ナシ|不使用|未使用|禁止|反対|使わ|使って(?:い)?な"
    r"|使って(?:い)?ません|使用して(?:い)?な|使用して(?:い)?ません|頼らず|ゼロ|っぽ|疑惑|かと思"
    r"|か(?:どうか)?(?:分から|わから|判別|見分け|不明))"  # 生成AIか分からない: doubt, not a claim
    r"|(?:는|를|은|도)? ?(?:안 |안썼|아니|아님|없이|없음|없는|없어|미사용|사용 ?안|사용하지 ?않|쓰지 ?않|금지|반대"
    r"|인지 ?(?:모르|아닌지)))")
# ... or the same "none" one word further, the word being what AI would have done (AI加工なし, "AI 필터 없음", "AI kakou
# nashi": no AI retouching, no AI filter)
_NONE_AFTER_WORD = re.compile(r" ?[^ \x1f。、，,.!?！？]{1,8} ?(?:なし|無し|ナシ|不使用|未使用|없음|없이|미사용"
                              r"|nashi|fushiyou|mishiyou)(?![a-z])")
_NOT_ART = re.compile(r" (?:art )?(?:is not|isn t|ain t) (?:real )?art(?=[ \x1f]|$)")  # AI art isn't art
# ... and in English, a clause ending "AI but it's not" ("AI generated, not real" and "AI Luffy but it's not that
# bad" are no denial of the AI)
_BUT_NOT = re.compile(r" but (?:(?:it|this|that|its) )?(?:(?:s|is|was) )?(?:not|isn t|wasn t|never)(?: ai)? ")
# another sense of "AI": the game's computer players ("the CPU AI", "enemy AI", "AI opponents")
GAME_BEFORE = frozenset(("cpu", "enemy", "enemies", "npc", "bot", "bots", "hardest", "toughest", "amiibo", "ally",
                         "companion", "teammate", "opponent", "computer"))
GAME_AFTER = frozenset(("opponent", "opponents", "difficulty", "teammate", "teammates", "controlled",
                        "partner", "partners", "players", "bots", "enemies", "pathfinding", "behaviour", "behavior"))
GAME_WINDOW = 2  # words before the bare AI read for a game word (level 9 cpu ai)
# a question: the clause of the marker ends with a question mark and, in English, opens with a question word
# or an auxiliary ("did you use AI for this?", "Was this made with Sora??"); a Japanese, Chinese or Korean
# clause ending with a question mark asks too (これAIで作ったの？)
QUESTION_OPENERS = frozenset(("is", "isn", "was", "wasn", "are", "were", "did", "didn", "does", "do", "who",
                              "anyone", "somebody", "someone", "can", "could", "would", "will", "should", "has",
                              "have", "might"))
# ... and question words that ask only with an auxiliary or a tool after them ("how do people make these?",
# "what AI is this?", "which app?"; not the hypotheticals of AI clips: "What if AI made One Piece?", "How AI
# sees Naruto?")
WH_WORDS = frozenset(("how", "what", "which", "why", "where"))
WH_THEN = frozenset(("do", "does", "did", "is", "are", "was", "were", "can", "could", "to", "ai", "app", "apps",
                     "tool", "tools", "software", "program", "generator", "model", "website", "site"))
# superlatives that make a question praise ("Is this the best AI anime?")
RHETORICAL = frozenset(("best", "worst", "greatest", "coolest", "craziest", "scariest", "funniest", "wildest",
                        "most", "realest", "cutest", "saddest"))
# "AI could never", "AI can't draw this", "AI will never": said of AI, not of the clip
_CANNOT = re.compile(r" (?:(?:could|can|will|would|should)(?: ever)? (?:never|not)|can t|cannot|couldn t|won t|wouldn t)"
                     r"(?=[ \x1f]|$)")
# an indirect question about the AI ("stop asking if it's AI", "wondering whether this was AI")
_INDIRECT_QUESTION = re.compile(r"(?:^| )(?:ask|asks|asked|asking|wonder|wonders|wondered|wondering|question|questions"
                                r"|questioning)(?: (?:me|us|him|her|them|people))? (?:if|whether)(?= |$)")
# a Japanese or Korean denial that ends the marker's clause, words between ("AIボイスではありません", "AI로 만든 거
# 아니에요", "AI 영상 절대 아닙니다")
_CJK_DENIAL_END = re.compile(r"(?:(?:では|じゃ)(?:ない|ありません|ないです|なかった)(?:よ|です|ね|よね)?|아닙니다|아니에요|아니예요"
                             r"|아니야|아니고|아닌데|아님|아냐|않았어요|않았습니다"
                             # an act with AI banned: the act made a noun (の, こと, 것) then 禁止 / 금지 end the clause
                             # (AIに描かせるのは禁止です, AI로 만드는 것은 금지); not 転載禁止 after AIで作った (the reposting)
                             r"|(?:の|こと)(?:は|を|も)? ?禁止(?:です|します|だ|だよ|で(?:お願い)?(?:します)?)?"
                             r"|것(?:은|을|도)? ?금지(?:입니다|예요|이에요|해요)?"
                             # ... or asked to stop (ルフィの声をAIで作るのはやめてください, AI로 만드는 거 그만해)
                             r"|(?:の|こと)(?:は|を|も)? ?(?:やめて|止めて|やめろ|やめよう|やめましょう)(?:ください|下さい|ほしい"
                             r"|欲しい|くれ|ね|よ)*|(?:것|거)(?:은|을|는|좀)? ?그만(?:해|하세요|해요|해주세요|둬)?) ?$")
# what others believe or say of the clip, in the marker's clause before it ("People think this Zoro clip is AI",
# "everyone says my animation is AI", "commenters assume"): reported, not said
_REPORTED = re.compile(r"(?:^| )(?:[a-z]+ers|people|everyone|everybody|they|some|many|commenters|comments|folks|viewers|someone"
                       r"|somebody|haters|ppl|y all|half)(?: [a-z]+)? (?:think|thinks|thought|say|says|said|assume|assumes"
                       r"|assumed|claim|claims|claimed|believe|believes|swear|swears|accuse|accused|call|called"
                       r"|saying|thinking|assuming|claiming|believing|swearing|accusing|calling)(?= |$)")
# quotation marks too: a question quoted from the post replied to ('Replying to @mika "is the Luffy one AI?"') is a
# clause of its own
_CLAUSE_BREAK = re.compile(r"[.!?。！？\n|｜【】\[\]()（）「」『』:：,，、;；/\"“”«»]")


def clause_break(ch: str) -> bool:
    """Whether the character CH (as written) ends a clause (see _CLAUSE_BREAK)."""
    return bool(_CLAUSE_BREAK.match(ch))


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3]")
_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")
# what may follow a generator's name that is also a character's, after "using", "tried"...: the character's
# ("using Sora's keyblade", "tried Sora cosplay")
CHARACTER_AFTER = frozenset(("s", "cosplay", "cosplays", "costume", "outfit", "outfits", "keyblade", "moveset",
                             "combo", "combos", "skin", "skins", "figure", "plush", "fanart", "build", "main",
                             "gameplay", "amiibo", "voice", "scene", "scenes"))


def _words_before(text: str, begin: int, count: int) -> list[str]:
    """The last COUNT words before BEGIN in the same field (canonical text: words are space separated)."""
    chunk = text[max(0, begin - 60):begin]
    chunk = chunk.rsplit("\x1f", 1)[-1]
    return chunk.split()[-count:]


def _words_after(text: str, end: int, count: int) -> list[str]:
    chunk = text[end:end + 60].split("\x1f", 1)[0]
    return chunk.split()[:count]


def denied(text: str, begin: int, end: int, raw_field: str, at: int, stop_at: int) -> bool:
    """Whether a generic AI marker at [begin, end) is denied or criticised: a negator before it in its
    clause (RAW_FIELD, where it was written at [AT, STOP_AT): "Not gonna lie, AI Luffy" is no denial) with
    only NEGATION_FILLERS between, a critique shortly after it, "but it's not" ending its clause, a
    Japanese, Chinese or Korean negation right before or after it or a Japanese or Korean denial ending its
    clause (AIボイスではありません), or what others believe before it in its clause ("people think this is AI")."""
    before = _clause_before(raw_field, at)
    for word in reversed(before.split()[-NEGATION_REACH:]):
        if word in NEGATORS or word in CRITICS:
            return True
        if word not in NEGATION_FILLERS:
            break
    if any(w in CRITIQUE_AFTER for w in _words_after(text, end, CRITIQUE_WINDOW)) or _NOT_ART.match(text, end):
        return True
    if _AFTER_NEGATION.match(text, end) or _CANNOT.match(text, end) or _NONE_AFTER_WORD.match(text, end):
        return True  # AIじゃなくて; "AI could never", "AI can't draw hands"
    after = _clause_after(raw_field, stop_at)
    if _BUT_NOT.fullmatch(after) or _CJK_DENIAL_END.search(after) or _REPORTED.search(before):
        return True  # "but it's not"; AIボイスではありません, AI로 만든 거 아니에요; "people think this clip is AI"
    before = before[-12:].replace(" ", "")
    return any(before[:len(before) - gap].endswith(CJK_NEGATORS_BEFORE)
               for gap in range(min(CJK_NEGATOR_REACH, len(before)) + 1))


CLAUSE_CACHE = 8  # clauses kept normalised (the markers of one post)
# the clauses around a marker are read by several rules in a row (denied, asked, answered_no): each normalised once.
# Small on purpose: it serves the markers of one post (a benchmark cycling its posts gains nothing from it)
_clause_text = functools.lru_cache(maxsize=CLAUSE_CACHE)(normalise)


def _clause_after(raw_field: str, stop_at: int) -> str:
    """The canonical text of the clause of RAW_FIELD after STOP_AT."""
    stop = _CLAUSE_BREAK.search(raw_field, stop_at)
    return _clause_text(raw_field[stop_at:stop.start() if stop else len(raw_field)])


def _clause_before(raw_field: str, at: int) -> str:
    """The canonical text of the clause of RAW_FIELD before AT."""
    start = 0
    for m in _CLAUSE_BREAK.finditer(raw_field, 0, at):
        start = m.end()
    return _clause_text(raw_field[start:at])


VIA_WORDS = frozenset(("made", "with", "using", "by", "in", "via", "created", "generated", "animated", "done"))


def generator_denied(text: str, begin: int) -> bool:
    """Whether the word right before a generator named as such denies it ("not made with Sora", "without
    Kling", "never Veo 3")."""
    words = _words_before(text, begin, NEGATION_REACH)
    while words and words[-1] in VIA_WORDS:  # "not made with | Kling"
        words.pop()
    return bool(words) and words[-1] in NEGATORS


# a generator as a topic: "a talk about Sora 2", "thoughts regarding Veo", 关于可灵, Sora 2について, 소라2에 대한 (talk, not a
# clip made with it)
TOPIC_BEFORE = frozenset(("about", "regarding", "concerning"))
_CJK_TOPIC_BEFORE = ("关于", "關於")
_TOPIC_AFTER = re.compile(r" ?[0-9.]* ?(?:について|に関する|に関して|についての|에 대한|에 대해|에대한|에대해)")


# words right after a generator's name that make it the service, not the maker of a clip ("Sora 2 invite codes", "Veo 3
# waitlist", "Kling pricing")
SERVICE_AFTER = frozenset(("invite", "invites", "invitation", "code", "codes", "waitlist", "access", "account",
                           "accounts", "subscription", "pricing", "price", "signup", "login", "招待", "邀请", "邀請", "초대"))


def generator_as_topic(text: str, begin: int, end: int) -> bool:
    """Whether a generator named at [begin, end) is what the words around it talk about ("a talk about Sora 2 and
    copyright", Sora 2について, 关于可灵), or the service rather than the maker ("Sora 2 invite codes giveaway",
    Sora 2招待コード), not what made the clip."""
    after = [w for w in text[end:end + 20].split("\x1f", 1)[0].split() if not w.isdigit()]  # Kling 2.1 access
    return about(text, begin, end) or bool(after) and (
        after[0] in SERVICE_AFTER or after[0].startswith(("招待", "邀请", "邀請", "초대")))


# a noun of the trend right after a bare AI: AI the industry or the fashion talked about ("a video essay on the AI wave",
# "the AI boom", "my thoughts on the AI hype"), not the maker of this clip
TREND_AFTER = frozenset(("wave", "boom", "hype", "bubble", "era", "race", "revolution", "industry", "takeover",
                         "craze", "companies", "startups", "stocks"))
# tags of the stock market beside #ai: AI the industry invested in ("📈 #ai #stocks #investing"), not a clip made
_MARKET = re.compile(r"(?:^|[ \x1f])(?:stocks|stockmarket|investing|investor|investors|investment|nasdaq|earnings"
                     r"|wallstreet|dividend|dividends|sp500|fintech|daytrading|株式投資|米国株|股票|美股|주식|미국주식)(?=[ \x1f]|$)")


# ... and in Japanese, Chinese and Korean: AI the issue, the era or the boom (AI問題, AI时代, AI 논란)
_CJK_TREND_AFTER = re.compile(r" ?(?:問題|问题|문제|時代|时代|시대|ブーム|热潮|熱潮|붐|論争|争议|爭議|논란|バブル|泡沫|버블)")


def trend_after(text: str, end: int) -> bool:
    """Whether the bare AI ending at END is followed by a noun of the trend (the AI wave, the AI boom, AI問題)."""
    return bool(_CJK_TREND_AFTER.match(text, end)) or any(text.startswith(f" {w}", end) and (len(text) == end + len(w) + 1 or text[end + len(w) + 1] in " \x1f")
               for w in TREND_AFTER)


def market_talk(text: str) -> bool:
    """Whether the post (canonical text) speaks of the stock market (stocks, investing, earnings, 股票, 주식)."""
    return bool(_MARKET.search(text))


# a hyphenated given name right before a capitalised word: someone's full name (Marc-Uwe Kling, Anne-Marie Kling,
# Jean-Luc Runway), the surname not a generator
_GIVEN_BEFORE = re.compile(r"(?:^|[^\w-])[A-Z][a-zß-öø-ÿ]+-[A-Z][a-zß-öø-ÿ]+ $")


def surname(raw_field: str, at: int, stop_at: int) -> bool:
    """Whether the word written at [AT, STOP_AT) of RAW_FIELD, capitalised, follows a hyphenated given name."""
    return raw_field[at:at + 1].isupper() and bool(_GIVEN_BEFORE.search(raw_field, max(0, at - 40), at))


# ... and in Japanese, Chinese and Korean, right after the AI (AI队友, AI対戦, AI 팀원, AI 난이도)
_CJK_GAME_AFTER = re.compile(r" ?(?:队友|隊友|对手|對手|敌人|敵人|难度|難度|難易度|対戦|味方|チームメイト|팀원|상대|난이도|봇)")
# the game's computer players named anywhere in the post (CPU lvl 7, 人机模式, コンピューター対戦, 컴퓨터 상대): one sense of
# the word per post, its every bare AI is theirs (CPUのAIが強すぎ, "The AI in Street Fighter 6 is cheating")
_GAME_IN_POST = re.compile(r"(?<![0-9a-z])(?:cpu|cpus|npc|npcs)(?![0-9a-z])|人机|人機|コンピューター?(?:対戦|戦)"
                           r"|컴퓨터 ?(?:상대|대전)|봇전")


def game_sense(text: str, begin: int, end: int) -> bool:
    """Whether the bare AI at [begin, end) is a game's computer player ("the CPU AI", "AI opponents", "Tifa
    vs the AI", AI队友)."""
    words = _words_before(text, begin, GAME_WINDOW)
    if any(w in GAME_BEFORE for w in words) or words in (["vs", "the"], ["versus", "the"], ["against", "the"],
                                                         ["beat", "the"], ["beating", "the"], ["beats", "the"]):
        return True
    after = _words_after(text, end, 1)
    return bool(after) and after[0] in GAME_AFTER or bool(_CJK_GAME_AFTER.match(text, end))


def game_in_post(text: str) -> bool:
    """Whether the post (canonical text) names the game's computer players (see _GAME_IN_POST)."""
    return bool(_GAME_IN_POST.search(text))


# AI defined or spelled out as a word ("AI = three-toed sloth", "AI stands for", "in Scrabble AI means a sloth"): the
# word spoken of, not the maker of a clip
_DEFINED_AFTER = re.compile(r" ?(?:[=＝]|stands for |means |is short for |is slang for )", re.IGNORECASE)


def defined(raw_field: str, at: int, stop_at: int) -> bool:
    """Whether the bare AI written at [AT, STOP_AT) of RAW_FIELD is defined right after (see _DEFINED_AFTER); not a sum
    ("Luffy + AI = 🔥": what AI made)."""
    return bool(_DEFINED_AFTER.match(raw_field, stop_at)) and not raw_field[:at].rstrip().endswith(("+", "＋", "×", "&"))


def asked(raw_field: str, at: int, stop_at: int) -> bool:
    """Whether the marker written at [AT, STOP_AT) of RAW_FIELD (the field as it appeared) stands in a
    question, or in an indirect one ("stop asking if it's AI", "people wonder whether this is AI")."""
    if _INDIRECT_QUESTION.search(_clause_before(raw_field, at)):
        return True
    stop = _CLAUSE_BREAK.search(raw_field, stop_at)
    if not stop or stop.group(0) not in "?？":
        return False
    start = 0
    for m in _CLAUSE_BREAK.finditer(raw_field, 0, at):
        start = m.end()
    clause = raw_field[start:stop.start()]
    if _CJK.search(clause):
        return True
    if any(w.casefold() in RHETORICAL for w in _WORD.findall(clause)):
        return False  # "Is this the craziest AI anime fight?": praise, not a question about the AI
    words = [w.casefold() for w in _WORD.findall(clause, 0, 40)[:2]]
    return bool(words) and (words[0] in QUESTION_OPENERS or (
        words[0] in WH_WORDS and len(words) > 1 and words[1] in WH_THEN))


# a question answered no right after its question marks ("made with AI? nope, screen cap", "AI?? no")
_ANSWERED_NO = re.compile(r"[?？!！]* *(?:no|nope|nah|not really|of course not|いいえ|違う|違います|ちがう|아니|아뇨|不是)"
                          r"(?![A-Za-z])", re.IGNORECASE)
# a person called AI: an honorific after it (歌手AIさん, AIちゃん, AI씨)
_HONORIFIC_AFTER = re.compile(r" ?(?:さん|ちゃん|さま|様|くん|氏|씨|님)")
# AI spelled out in the post as something else ("artificial insemination", "Amnesty International")
_OTHER_AI = re.compile(r"\b(?:[Aa]rtificial (?![Ii]ntelligen)[Ii][a-z]+|A[a-z]{2,} I[a-z]{3,})\b")  # Air India


def answered_no(raw_field: str, stop_at: int, next_field: str) -> bool:
    """Whether the clause of the marker ending at STOP_AT asks (question marks) and the next words, in this field or
    at the start of the next one (a title asking, the description answering), say no."""
    if "?" not in raw_field and "？" not in raw_field:
        return False
    stop = _CLAUSE_BREAK.search(raw_field, stop_at)  # the marker's clause, however many words, ends asking
    if not stop or stop.group(0) not in "?？":
        return False
    after = raw_field[stop.start():].lstrip("?？!！ \"“”»」』")  # the question quoted: 'Replying to "AI?"' / "nope"
    return bool(_ANSWERED_NO.match(after or next_field.strip()))


def person_called_ai(text: str, end: int) -> bool:
    """Whether the bare AI ending at END (canonical text) is a person's name: an honorific after it."""
    return bool(_HONORIFIC_AFTER.match(text, end))


# ... and the person the post is about: AI with an honorific not followed by a particle of an agent or a means (歌手の
# AIさんの名曲, AIさん、新曲おめでとう; not AIさんに作ってもらった, AIさんが描いた: AI as the maker, spoken of in jest)
_PERSON_AI = re.compile(r"(?<![0-9a-z])ai ?(?:さん|ちゃん|さま|様|氏|씨|님)(?! ?(?:に|が|で|에게|한테|가|이|로))")


def person_in_post(text: str) -> bool:
    """Whether the post (canonical text) speaks of a person called AI (see _PERSON_AI): then its every bare AI, its
    #AI tag too, is that person (the singer AI's new single)."""
    return "ai" in text and bool(_PERSON_AI.search(text))


# the thumbnail named in a marker's clause: AI or a generator that made the thumbnail only ("made this thumbnail with
# AI", "only the thumb is Midjourney", サムネはMidjourneyで作りました), not the clip
_THUMBNAIL = re.compile(r"(?:^| )(?:thumbnail|thumbnails|thumb|thumbs|thumbnail art)(?= |$)|サムネ|封面|缩略图|縮圖|썸네일")


def thumbnail_only(raw_field: str, at: int, stop_at: int) -> bool:
    """Whether the clause of RAW_FIELD holding the marker written at [AT, STOP_AT) names the thumbnail."""
    return bool(_THUMBNAIL.search(_clause_before(raw_field, at)) or _THUMBNAIL.search(_clause_after(raw_field, stop_at)))


def about(text: str, begin: int, end: int) -> bool:
    """Whether the marker at [begin, end) is what the words around it talk about: "about", "regarding" right before it
    (thoughts about AI art), 关于 before it, について / 에 대한 after it (生成AIについて思うこと)."""
    words = _words_before(text, begin, 1)
    return bool(words) and words[-1] in TOPIC_BEFORE or text[max(0, begin - 3):begin].rstrip(" ").endswith(
        _CJK_TOPIC_BEFORE) or bool(_TOPIC_AFTER.match(text, end))


TREATED_WINDOW = 2  # words after "made with AI" read, in its clause, for a treatment ("made with AI translation")


def treated_after(raw_field: str, stop_at: int) -> bool:
    """Whether the words right after an AI phrase ending in AI ("made with AI") and written up to STOP_AT, in its clause,
    are a treatment of existing footage: "subtitles made with AI translation", "cleaned with AI noise removal"."""
    return any(w.startswith(OTHER_USE_STEMS) for w in _clause_after(raw_field, stop_at).split()[:TREATED_WINDOW])


def ai_spelled_otherwise(raw_text: str) -> bool:
    """Whether the post (the fields as they appeared) spells out another AI (artificial insemination, Amnesty
    International): then its bare AI is that."""
    return bool(_OTHER_AI.search(raw_text))


def names_the_character(text: str, end: int) -> bool:
    """Whether a generator's name after "using", "tried"... is followed by the character's possessive or
    things of a character ("using Sora's keyblade", "tried Sora cosplay")."""
    after = _words_after(text, end, 1)
    return bool(after) and after[0] in CHARACTER_AFTER


# AI used on existing footage (upscaled, restored, interpolated, subtitled, translated) or built into a product
# (AI-powered, AI搭載): no generator made the clip. Stems read in the words right after a bare AI ("AI upscaled",
# "AI frame interpolation") or right before it with "with", "by"... between ("upscaled with AI")
OTHER_USE_STEMS = ("upscal", "enhanc", "remaster", "restor", "interpolat", "coloriz", "coloris", "colouriz",
                   "colouris", "denois",
                   "subtitl", "caption", "translat", "dubb", "sharpen", "stabiliz", "stabilis", "powered", "assistant",
                   "chip", "smartphone", "phone", "laptop", "camera", "chatbot", "speaker", "vacuum", "cooker",
                   "fridge", "refrigerator", "feature", "translator", "noise", "denoise", "deblur", "sharpen",
                   "clean", "remov", "narrat", "voiceover",
                   "separat", "isolat", "extract",
                   "detect", "checker")  # an AI detector or checker reads existing footage ("AI detector says 98% AI")  # "AI vocal separation", "vocals isolated with AI": existing audio  # "AI-cleaned audio", "audio cleaned up with AI"
OTHER_USE_WINDOW = 2  # words after a bare AI read for those stems (AI frame interpolation)
OTHER_USE_PURPOSE_WINDOW = 5  # ... or after "to" / "for" right after it (AI to add Spanish subtitles)
OTHER_USE_REACH = 4  # words before a bare AI read for them ("dubbed in Spanish with AI")
# ... and further back in its field, up to this many words, unless a word of making stands between: "upscaled to 4K
# using Topaz AI" is footage treated, "upscaled, then the voice made by Suno AI" a clip made
OTHER_USE_FIELD_REACH = 10
MAKING_WORDS = frozenset(("made", "make", "making", "generated", "generate", "generating", "created", "create",
                          "animated", "animate", "rendered", "render", "voiced", "sung", "drawn", "produced"))
# ... and the same right after or shortly before AI in Japanese, Chinese and Korean (AI字幕, AI翻訳, AI搭載, AI修复,
# 字幕はAIで, AI 자막, AI 업스케일)
CJK_OTHER_USE = ("字幕", "翻訳", "翻译", "翻譯", "高画質", "高畫質", "高画质", "アップスケール", "アプコン", "補間", "补帧",
                 "補幀", "修复", "修復", "超分", "画質", "画质", "カラー化", "上色", "搭載", "搭载", "機能", "功能", "家電",
                 "家电", "자막", "번역", "업스케일", "화질", "복원", "리마스터", "탑재", "기능", "가전",
                 # existing audio: the vocals taken out of a song (AIでボーカル抜き, 人声分离, 보컬 제거)
                 "ボーカル抜", "ボーカル除去", "ボーカル分離", "音源分離", "人声分离", "人聲分離", "伴奏提取", "보컬 제거",
                 "보컬제거", "보컬 분리", "음원 분리", "음원분리")
CJK_OTHER_USE_REACH = 4  # characters before the AI read for such a word (字幕はAIで)
# ... with a particle of means or object between (AIで高画質化, AIによる字幕, AI로 복원)
_CJK_OTHER_USE_RE = re.compile("|".join(CJK_OTHER_USE))
_CJK_OTHER_USE_LONGEST = max(map(len, CJK_OTHER_USE))
# ... or a few characters further in the same clause, with no word of making between (AIでフレーム補間しただけ; not
# AIで作った高画質MV)
CJK_OTHER_USE_AFTER_REACH = 6
_OTHER_USE_AFTER = re.compile(r" ?(?:で|を|に|による|によって|の|로|으로|를|을)? ?(?:(?!生成|作|描|動か|만들|제작)"
                              rf"[^\x1f 。、，,.!?！？]){{0,{CJK_OTHER_USE_AFTER_REACH}}}?"
                              "(?:" + "|".join(CJK_OTHER_USE) + ")")


def other_use(text: str, begin: int, end: int) -> bool:
    """Whether the bare AI at [begin, end) was used on existing footage or is built into a product: "AI
    upscaled from the broadcast", "enhanced with AI frame interpolation", 【AI字幕】, 字幕はAIで付けました,
    "AI-powered rice cooker", AI搭載の炊飯器."""
    after = _words_after(text, end, OTHER_USE_PURPOSE_WINDOW)
    if after[:1] in (["to"], ["for"]):  # "used AI to add Spanish subtitles", "AI for the upscale": its purpose
        after = [w for w in after if w not in MAKING_WORDS][:OTHER_USE_PURPOSE_WINDOW]
    else:
        after = after[:OTHER_USE_WINDOW]
    if _OTHER_USE_AFTER.match(text, end) or any(w.startswith(OTHER_USE_STEMS) for w in after):
        return True
    for w in reversed(_words_before(text, begin, OTHER_USE_FIELD_REACH)):
        if w in MAKING_WORDS:
            break
        if w.startswith(OTHER_USE_STEMS):
            return True
    before = text[max(0, begin - CJK_OTHER_USE_REACH - _CJK_OTHER_USE_LONGEST):begin].replace(" ", "")
    return any(m.end() >= len(before) - CJK_OTHER_USE_REACH for m in _CJK_OTHER_USE_RE.finditer(before))


# talk and news about AI or a generator (copyright, a lawsuit, a lawyer's lecture, a news report): in a post that
# names no character, its markers say nothing of how a clip was made
_TALK = re.compile(
    r"(?:^|[ \x1f])(?:copyright|copyrights|lawsuit|lawsuits|sued|lawyer|lawyers|attorney|legal|law|laws|regulation"
    r"|regulations|policy|policies|news|announced|announcement|announces|interview|podcast|debate|ethics|commentary"
    r"|webinar|seminar|lecture|conference|keynote|explained|explainer|review|reviews|pricing|price|prices"
    r"|comparison|compared)(?=[ \x1f]|$)"
    r"|著作権|弁護士|法律|規制|ニュース|勉強会|講演|セミナー|レビュー|料金|版权|版權|律师|律師|新闻|新聞|监管|監管|测评|評測"
    r"|저작권|변호사|법률|규제|뉴스|세미나|리뷰"
    r"|比較|比较|解説|解说|解說|비교|해설"  # comparison, explainer, as in English
    r"|インタビュー|ポッドキャスト|討論|采访|採訪|访谈|訪談|播客|讨论|인터뷰|팟캐스트|토론")  # interview, podcast, debate


def talk_about_ai(text: str) -> bool:
    """Whether the post (canonical text) is talk or news about AI (see _TALK)."""
    return bool(_TALK.search(text))


# a post that says its clip was made by hand (hand-drawn, claymation, stop motion, 手描き, 직접 그린): a generic AI
# word in it speaks of AI, not of how this clip was made (a generator named as such still counts)
_HAND_MADE = re.compile(
    r"(?:^|[ \x1f])(?:hand ?drawn|hand ?animated|drawn by hand|traced by hand|animated by hand|by hand|frame by frame"
    r"|drew (?:it|this|every|each|all)|i drew|claymation|stop ?motion|handdrawn|handanimated)(?=[ \x1f]|$)"
    r"|手描き|手書き|手作画|手绘|手繪|직접 그린|직접 그렸|손그림|손으로 그린")
# ... unless the hand-made is denied ("no hand-drawn frames here")
_NOT_HAND_MADE = re.compile(r"(?:^|[ \x1f])(?:no|not|zero|without) (?:hand ?drawn|hand ?animated|handdrawn)")


# what AI made when the picture is made by hand: the voice or the song ("AI voice", AIボイス, AI歌声, AI配音, AI 목소리):
# a part of the clip made by AI still says AI made it ("声:AIボイス 映像:手描き")
_VOICE_AFTER = re.compile(r" ?(?:voice|voices|vocal|vocals|cover|covers|dub|dubbed|singing|tts|ボイス|歌声|カバー|音声|声"
                          r"|配音|翻唱|歌声|목소리|보이스|커버|더빙|노래)")


def voice_after(text: str, end: int) -> bool:
    """Whether the AI marker ending at END names a voice or a song made by AI (see _VOICE_AFTER)."""
    return bool(_VOICE_AFTER.match(text, end))


# AI asked for advice, the chat assistant (AIに相談した, AIに聞いてみた, "asked AI", 问AI, AI에게 물어봤다): no clip made
_CONSULTED_AFTER = re.compile(r" ?(?:に|へ|에게|한테|께) ?(?:相談|聞|訊|きい|きく|聴い|質問|尋ね|たずね|決めて|選んで|물어|질문|상담)")
_CONSULTED_BEFORE = frozenset(("ask", "asked", "asking", "asks", "consulted", "consult"))
_CJK_CONSULTED_BEFORE = ("问", "問", "请教", "請教", "询问", "詢問")


def consulted(text: str, begin: int, end: int) -> bool:
    """Whether the bare AI at [begin, end) is asked for advice, the chat assistant (see _CONSULTED_AFTER)."""
    if _CONSULTED_AFTER.match(text, end):
        return True
    words = _words_before(text, begin, 1)
    return bool(words) and words[-1] in _CONSULTED_BEFORE or text[max(0, begin - 3):begin].rstrip(" ").endswith(
        _CJK_CONSULTED_BEFORE)


def hand_made(text: str) -> bool:
    """Whether the post (canonical text) says its clip was made by hand (see _HAND_MADE)."""
    return bool(_HAND_MADE.search(text)) and not _NOT_HAND_MADE.search(text)


# "ai" as the Japanese word for love in romaji, or Chinese pinyin ("kimi to ai no uta", "wo ai ni"): the lower-case
# "ai" markers of such a post are that word
_ROMAJI_LOVE = re.compile(r"(?:^|[ \x1f])(?:ai (?:no|wo|ga|shiteru|shite)|wo ai ni)(?=[ \x1f]|$)")


def romaji_love(text: str) -> bool:
    return bool(_ROMAJI_LOVE.search(text))


# the marks that end a clause: a marker of several words is not read across one ("by AI, clip from ep 1")
_MARKER_BREAK = re.compile(r"[,，、;；!?！？。|｜]|(?<=\w\w)\. ")  # not A.I. generated


def across_clauses(written: str) -> bool:
    """Whether a marker as written spans a clause break ("AI, video is the original")."""
    return bool(_MARKER_BREAK.search(written))


def _echo(a: str, b: str) -> bool:
    """Whether B is A with only its vowels changed (kling klang, pika poka): a word play, not a brand."""
    return a != b and len(a) == len(b) and all(x == y or (x in "aeiou" and y in "aeiou") for x, y in zip(a, b))


def echoed(text: str, begin: int, end: int) -> bool:
    """Whether the one word at [begin, end) has a word next to it that echoes it with other vowels (Kling
    Klang studio, Pika Poka dance)."""
    word = text[begin:end]
    if " " in word or not word.isalpha():
        return False
    before = text[max(0, begin - len(word) - 1):begin].split()
    after = text[end:end + len(word) + 1].split()
    return bool(before and _echo(word, before[-1])) or bool(after and _echo(word, after[0]))


# doubt in English before AI in its clause ("can't tell if it's AI", "not sure whether this is AI", "no idea if"): the
# English counterpart of か分からない; "you can't even tell it's AI" (no if or whether) is a brag and stands
_DOUBT = re.compile(r"(?:^| )(?:(?:can t|cannot|can not|couldn t) (?:really |even )?tell|not sure|unsure|no idea|dunno"
                    r"|(?:don t|do not|didn t) (?:even |really )?know|hard to (?:tell|say)) (?:if|whether)(?= |$)")


def doubted(raw_field: str, at: int) -> bool:
    """Whether the marker written at AT of RAW_FIELD follows an English doubt in its clause."""
    return bool(_DOUBT.search(_clause_before(raw_field, at)))


# the game's computer player written right before AI in Japanese, Chinese and Korean (CPUのAI, 게임 AI, 电脑AI), as
# GAME_BEFORE does in English ("the CPU AI")
CJK_GAME_BEFORE = ("cpuの", "cpu", "ゲームの", "敵の", "敵", "게임", "컴퓨터", "游戏", "遊戲", "电脑", "電腦", "人机", "人機")
CJK_GAME_REACH = 6  # characters before the AI (spaces dropped) read for such a word


def cjk_game_sense(text: str, begin: int) -> bool:
    """Whether the bare AI at BEGIN of the canonical TEXT comes right after a word of the game in Japanese, Chinese or
    Korean (CPUのAIがずるい, 게임 AI랑 대전): the game's computer player."""
    before = text[max(0, begin - CJK_GAME_REACH):begin].rsplit("\x1f", 1)[-1].replace(" ", "")
    return before.endswith(CJK_GAME_BEFORE)


# telling AI-made pictures apart, right after the marker (AI画像の見分け方, 生成AIかどうかを見抜く, AI 이미지 구별법, AI图片的鉴别):
# a guide on spotting them, not a clip made so
_TELLING_APART = re.compile(r" ?(?:画像|動画|映像|イラスト|이미지|영상|사진|그림|图片|圖片|图像|圖像|视频|視頻)?"
                            r" ?(?:の|を|か(?:どうか)?を?|的)? ?(?:見分け方|見分ける|見抜|判別|識別|鑑定|辨别|辨別|鉴别|鑑別|识别"
                            r"|구별|판별|구분법)")


def telling_apart(text: str, end: int) -> bool:
    """Whether the AI marker ending at END of the canonical TEXT is followed by a word of telling it apart."""
    return bool(_TELLING_APART.match(text, end))


# another clip than this one, in the marker's clause: one to come or one wished for ("AI version next week", "next
# video will be made with Sora 2", 次回はAIで, 下期用AI做, 다음 영상은 AI로, "someone please make this with Veo 3", 誰かAIで
# 作ってほしい); not 次回予告をAIで作ってみた (the preview, this clip), 今度はAIで作ってみた (this time)
_ANOTHER_CLIP = re.compile(
    r"(?:^| )(?:next (?:video|vid|vids|time|one|week|month|part|episode|ep|upload|short|clip)|coming soon|stay tuned"
    r"|someone (?:please |pls |plz |pls pls )?(?:make|do|animate|try|remake)|i wish|if someone|if anyone)(?= |$)"
    r"|次回は|次は|次回作|作って(?:ほしい|欲しい|ください|下さい|くれ)|誰か|予定"
    r"|下次|下期|下一期|下个视频|下個影片|敬请期待|敬請期待|求大佬|谁能|誰能|有没有人"
    r"|다음 ?(?:영상|편|에|엔|번)|예정|누가 ?(?:좀 )?만들|만들어 ?(?:주세요|줘)")


def another_clip(raw_field: str, at: int, stop_at: int) -> bool:
    """Whether the clause of RAW_FIELD holding the marker written at [AT, STOP_AT) speaks of another clip than this one:
    one to come or one wished for (see _ANOTHER_CLIP)."""
    return bool(_ANOTHER_CLIP.search(_clause_before(raw_field, at)) or _ANOTHER_CLIP.search(
        _clause_after(raw_field, stop_at)))
