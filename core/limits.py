"""Caps on crawled text, applied where it enters (the crawler's pipeline) and again where reports are built.

Text from platforms is hostile input: a 200,000-character title once stalled a weekly PDF, and bidi
controls make a title read backwards ("‮4pm.exe" shows as "exe.mp4"). Capped text ends with an ellipsis;
bidi embedding, override and isolate controls and the LRM/RLM marks are removed.
"""

from __future__ import annotations

import re

TITLE_MAX_CHARS = 300
UPLOADER_MAX_CHARS = 200  # uploader id and uploader name
DESCRIPTION_MAX_CHARS = 5_000
ELLIPSIS = "…"
# U+200E/U+200F (LRM, RLM), U+202A..U+202E (embeddings, overrides, PDF), U+2066..U+2069 (isolates)
BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")


def strip_bidi(text: str) -> str:
    """TEXT without bidi controls (the letters keep their own direction)."""
    return _BIDI_RE.sub("", text)


def capped(text: str | None, max_chars: int) -> str | None:
    """TEXT without bidi controls, cut to MAX_CHARS characters (the last one an ellipsis); None stays None."""
    if text is None:
        return None
    text = strip_bidi(str(text))
    return text if len(text) <= max_chars else text[: max_chars - 1] + ELLIPSIS
