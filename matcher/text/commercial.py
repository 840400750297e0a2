"""Hints that a post sells or earns: 販売, 通販, 有償, commissions, shop links, "link in bio", prices.

A policy signal (core.services.policy: fan work tolerated, commercial use not), never a finding alone.
Pure: regular expressions over the raw fields, so each hit's offsets point into the text as written
(the triage desk highlights them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FIELDS = ("title", "description", "hashtags", "uploader_name")
_B = r"(?<![A-Za-z])"  # a Latin word starts here
_E = r"(?![A-Za-z])"  # ... and ends here
PATTERNS: tuple[tuple[str, str], ...] = (
    ("sale_ja", r"販売|通販|頒布|有償|受注|商用|グッズ|在庫|予約受付|売ります|出品"),
    ("commission_ja", r"依頼受付|依頼募集|有料依頼|コミッション"),
    ("commission", _B + r"(?:commissions?|comms?\s+open|open\s+for\s+comms?)" + _E),
    ("sale", _B + r"(?:for\s+sale|on\s+sale|buy\s+now|shop\s+now|order\s+now|pre-?order|merch)" + _E),
    ("shop", _B + r"(?:shop|store|etsy|redbubble|booth\.pm|patreon|fanbox|ko-?fi|skeb|gumroad)" + _E),
    ("link_in_bio", _B + r"link\s+in\s+(?:bio|profile)" + _E + r"|プロフのリンク|リンクはプロフ"),
    ("price", r"[¥￥$€]\s?\d[\d,]*|\d[\d,]*\s?円" + r"|" + _B + r"\d+\s?(?:usd|jpy|dollars?)" + _E),
    ("sale_zh", r"出售|代购|淘宝|售卖"),
    ("sale_ko", r"판매|커미션|굿즈"),
)
_RE = re.compile("|".join(f"(?P<{name}_{i}>{pattern})" for i, (name, pattern) in enumerate(PATTERNS)),
                 re.IGNORECASE)


@dataclass(frozen=True)
class CommercialHint:
    marker: str  # which pattern (sale_ja, commission, shop, link_in_bio, price, ...)
    text: str  # as written
    field: str
    start: int  # offsets in the field's text
    end: int

    def to_dict(self) -> dict:
        return {"marker": self.marker, "text": self.text, "field": self.field, "start": self.start, "end": self.end}


def field_texts(post: dict) -> dict[str, str]:
    """The post's fields as text (hashtags joined as `#a #b`, the form the desk shows)."""
    tags = post.get("hashtags") or []
    hashtags = " ".join(f"#{str(t).lstrip('#')}" for t in tags) if isinstance(tags, (list, tuple)) else str(tags)
    return {"title": str(post.get("title") or ""), "description": str(post.get("description") or ""),
            "hashtags": hashtags, "uploader_name": str(post.get("uploader_name") or "")}


def commercial_hints(post: dict) -> list[CommercialHint]:
    """Every commercial hint in the post's fields, in field order then position."""
    out = []
    for name, text in field_texts(post).items():
        for match in _RE.finditer(text):
            marker = match.lastgroup.rsplit("_", 1)[0]
            out.append(CommercialHint(marker, match.group(0), name, match.start(), match.end()))
    return out
