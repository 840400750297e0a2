"""Query expansion: the search terms and hashtags that find a catalogue's characters on a platform, best
first and round-robin over characters (a quota that cuts the list still covers every character)."""

from __future__ import annotations

import unicodedata

from matcher.text.names import macron_forms
from matcher.text.normalise import normalise

AI_SEARCH_WORDS = ("AI", "sora")  # combined with a name when the caller asks for AI-made clips
_JAPANESE_AI = "AI"


def name_terms(name: str) -> tuple[list[str], list[str]]:
    """(search terms, hashtags) for one name: as written and without macrons (Tanjirō, Tanjiro); the
    hashtag with its words run together (#モンキーDルフィ, #MonkeyDLuffy)."""
    searches = []
    for spelled in sorted(macron_forms(name), key=lambda f: (f != name, f)):
        plain = "".join(c for c in unicodedata.normalize("NFKD", spelled) if not unicodedata.combining(c)) \
            if all(ord(c) < 0x250 for c in spelled) else spelled
        for term in (spelled, plain):
            term = " ".join(term.split())
            if term and term not in searches:
                searches.append(term)
    tags = []
    for term in searches:
        words = [w for w in normalise(term).strip().split(" ") if w]
        tag = "#" + "".join(_keep_case(term, w) for w in words)
        if len(tag) > 1 and tag.casefold() not in (t.casefold() for t in tags):
            tags.append(tag)
    return searches[:3], tags[:2]


def _keep_case(original: str, word: str) -> str:
    """WORD (case-folded) as ORIGINAL spells it, when it can be found there."""
    at = original.casefold().find(word)
    return original[at:at + len(word)] if at >= 0 else word


def query_terms(works: list[dict], ai: bool = False) -> list[tuple[str, str]]:
    """[(kind, value)]: "search" terms and "hashtag" values for every character's names (then the work
    titles), without repeats, round-robin over characters; AI: search terms combined with AI words."""
    per_subject: list[list[tuple[str, str]]] = []
    subjects = [c.get("names") or [] for w in works for c in w.get("characters") or []]
    subjects += [w.get("titles") or [] for w in works]  # characters first: a quota that cuts keeps them
    for names in subjects:
        items: list[tuple[str, str]] = []
        for name in names:
            searches, tags = name_terms(str(name))
            for term in searches:
                if ai:
                    items += [("search", f"{term} {w}") for w in _ai_words(term)]
                else:
                    items.append(("search", term))
            items += [("hashtag", t) for t in tags]
        per_subject.append(items)
    out: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    depth = max((len(items) for items in per_subject), default=0)
    for i in range(depth):
        for items in per_subject:
            if i < len(items):
                kind, value = items[i]
                key = (kind, normalise(value).strip().replace(" ", "") if kind == "hashtag" else value.casefold())
                if key not in seen:
                    seen.add(key)
                    out.append((kind, value))
    return out


def _ai_words(term: str) -> tuple[str, ...]:
    return AI_SEARCH_WORDS if all(ord(c) < 0x250 for c in term) else (_JAPANESE_AI,)
