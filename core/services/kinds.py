"""A finding's kind: one verdict per (clip, character) from all the signals gathered for it (pure).

Signals are plain dicts with a `type` (workers.signals gathers them):
- `reference_match`: the holder's reference art found in the clip (the matcher; per character)
- `mention`: the character named in the title, description, hashtags or uploader name (per character)
- `likeness`: the character recognised by the pluggable image-embedding signal (per character)
- `ai_marker`: text saying a generator made the clip (#sora2, 【AI】, "made with Veo"; per clip)
- `c2pa`: an intact C2PA manifest saying a trained model made the media (per clip)
- `watermark`: a registered generator watermark seen in the frames (per clip)
- `commercial`: text hinting at sale or money (販売, commission, shop, link in bio; per clip)

The verdicts, strongest first:
- `copy`: reference art found (whatever else is said);
- `ai_depiction`: the character named or recognised, and AI provenance (c2pa, watermark) or AI markers;
- `mention`: the character named, nothing more.
A character only recognised by likeness with no AI signal gets no verdict (a likeness alone is too weak to
put before an analyst); clip-wide signals alone (an AI tag with no character) make no finding.

Which characters an AI signal speaks of (`marker_scope`): file-level evidence (an intact C2PA claim, a
generator's watermark) is about the whole file, so about every character in it. A text marker is about the
post when it labels the post: it is in the hashtags or the uploader's name, it is written as a tag (#sora2) or
in brackets (【AI】, [AI]), or the sentence it is in names no character ("Made with Sora ✨" over #luffy). A
marker in a sentence that names characters is about those characters only: in "Luffy fan art I drew by hand.
Naruto made with Sora" Naruto is an ai_depiction and Luffy a mention. Such a marker carries `scope:
"sentence"` and the `character_ids` it speaks of; any other is `scope: "post"` (also every marker stored
before this rule).

A non-copy finding has no calibrated score (its `score` is 0); `non_copy_confidence` gives it a documented,
rule-based confidence from its signals instead (noisy-OR of the weights in CONFIDENCE_WEIGHTS), which the
desk sorts by and shows with its parts. It is labelled as such everywhere, never mixed with a copy's score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

COPY, AI_DEPICTION, MENTION = "copy", "ai_depiction", "mention"
KINDS = (COPY, AI_DEPICTION, MENTION)
CHARACTER_SIGNALS = ("reference_match", "mention", "likeness")
CLIP_SIGNALS = ("ai_marker", "c2pa", "watermark", "commercial")
AI_SIGNALS = frozenset({"ai_marker", "c2pa", "watermark"})
SIGNAL_TYPES = CHARACTER_SIGNALS + CLIP_SIGNALS


def decide_kind(types: set[str] | frozenset[str]) -> str | None:
    """The kind the signal TYPES of one (clip, character) make, or None (no finding)."""
    if "reference_match" in types:
        return COPY
    if types & {"mention", "likeness"} and types & AI_SIGNALS:
        return AI_DEPICTION
    if "mention" in types:
        return MENTION
    return None


def is_ai(signals: list[dict]) -> bool:
    return any(s.get("type") in AI_SIGNALS for s in signals)


def is_commercial(signals: list[dict]) -> bool:
    return any(s.get("type") == "commercial" for s in signals)


@dataclass
class Verdict:
    """The kind of one (clip, character) and the signals that made it (its own first, then the clip's)."""

    character_id: int
    kind: str
    signals: list[dict] = field(default_factory=list)

    @property
    def reference_ids(self) -> list[int]:
        return [s["reference_id"] for s in self.signals if s.get("type") == "reference_match"]


def applies_to(signal: dict, character_id: int) -> bool:
    """Whether a clip-wide SIGNAL speaks of CHARACTER_ID (a sentence-scoped AI marker: only of the
    characters its sentence names; everything else: of every character)."""
    return signal.get("scope") != "sentence" or character_id in (signal.get("character_ids") or ())


def verdicts(per_character: dict[int, list[dict]], clip_signals: list[dict]) -> list[Verdict]:
    """One verdict per character with signals of its own (PER_CHARACTER: {character id: [signals]}), the
    clip-wide CLIP_SIGNALS counted for each they speak of (`applies_to`); characters with no verdict are left
    out. Sorted by character."""
    out = []
    for character_id in sorted(per_character):
        own = [s for s in per_character[character_id] if s.get("type") in CHARACTER_SIGNALS]
        if not own:
            continue
        signals = own + [s for s in clip_signals if s.get("type") in CLIP_SIGNALS and applies_to(s, character_id)]
        kind = decide_kind({s["type"] for s in signals})
        if kind is not None:
            out.append(Verdict(character_id, kind, signals))
    return out


# --- which characters a text AI marker speaks of ----------------------------------------------------------

POST_FIELDS = ("hashtags", "uploader_name")  # fields that describe the post as a whole
_OPEN_BRACKETS, _CLOSE_BRACKETS = "【[(（「『〔［<〈《", "】])）」』〕］>〉》"
# a sentence ends at 。．！？!? (and runs of them), a line break, a vertical bar, or a full stop followed by a
# space that does not close an initial ("Monkey D. Luffy" stays one sentence)
_SENTENCE_END = re.compile(r"[。．！？!?｜|\n]+|(?<![\s.][A-Za-z])\.(?=\s|$)")


def sentence_bounds(text: str, at: int) -> tuple[int, int]:
    """The [start, end) of the sentence of TEXT that holds offset AT."""
    start, end = 0, len(text)
    for match in _SENTENCE_END.finditer(text):
        if match.end() <= at:
            start = match.end()
        elif match.start() >= at:
            end = match.start()
            break
    return start, end


def _tag_form(text: str, start: int, end: int) -> bool:
    """A marker written as a hashtag or in brackets: a label of the post, not a word of a sentence."""
    if text[start:start + 1] in ("#", "＃") or (start > 0 and text[start - 1] in ("#", "＃")):
        return True
    before = text[:start].rstrip()[-1:]
    after = text[end:].lstrip()[:1]
    return bool(before) and before in _OPEN_BRACKETS and bool(after) and after in _CLOSE_BRACKETS


def marker_scope(field_name: str, texts: dict[str, str], marker_at: list[tuple[int, int]],
                 names_at: dict[int, list[tuple[str, int, int]]]) -> list[int] | None:
    """The characters a text AI marker speaks of, or None when it speaks of the whole post (see the module's
    docstring). FIELD_NAME: the marker's field; TEXTS: {field: text}; MARKER_AT: the marker's [start, end)
    occurrences in its field; NAMES_AT: {character id: [(field, start, end) of its names]}. Pure."""
    text = texts.get(field_name, "")
    if field_name in POST_FIELDS or not marker_at:
        return None
    scoped: set[int] = set()
    for start, end in marker_at:
        if _tag_form(text, start, end):
            return None
        lo, hi = sentence_bounds(text, start)
        named = {cid for cid, places in names_at.items()
                 if any(f == field_name and lo <= s and e <= hi for f, s, e in places)}
        if not named:
            return None  # a sentence naming nobody labels the post
        scoped |= named
    return sorted(scoped)


# --- a non-copy finding's confidence ------------------------------------------------------------------------

CONFIDENCE_LABEL = "non-copy confidence (rule-based from the signals, not a calibrated probability)"
# each piece of evidence's weight: the chance, on its own, that the finding is what its kind says. Combined by
# noisy-OR (1 - prod(1 - w)), so every piece raises the confidence and none can reach 1 alone. Set by hand
# from what the signals mean (a title or hashtag names the subject of a clip, a description often names many
# things, an uploader's name the channel), not fitted: there is no labelled set of non-copy findings yet.
CONFIDENCE_WEIGHTS = {
    "named_in_title": 0.55,
    "named_in_hashtags": 0.55,
    "named_in_description": 0.35,
    "named_in_uploader_name": 0.2,
    "work_named": 0.4,  # the character's work is named in the post too
    "likeness": 0.5,  # recognised by the likeness signal (decided on its calibrated margin)
    "c2pa": 0.5,  # an intact C2PA manifest saying a trained model made the media (signed)
    "watermark": 0.4,  # a registered generator watermark seen in the frames
    "ai_marker_sentence": 0.35,  # an AI marker in the same sentence as the name
    "ai_marker_post": 0.25,  # an AI marker labelling the whole post
}


def _confidence_parts(kind: str, signals: list[dict]) -> list[dict]:
    parts: dict[str, dict] = {}

    def add(key: str, detail: str, weight: float | None = None) -> None:
        weight = CONFIDENCE_WEIGHTS[key] if weight is None else weight
        if key not in parts or parts[key]["weight"] < weight:
            parts[key] = {"evidence": key, "detail": detail, "weight": round(weight, 4)}

    for s in signals:
        t = s.get("type")
        if t == "mention":
            for place in [s.get("field"), *(s.get("also_in") or [])]:
                if f"named_in_{place}" in CONFIDENCE_WEIGHTS:
                    add(f"named_in_{place}", f"{s.get('alias')!s} in the {place}")
            if s.get("work_named"):
                add("work_named", f"work {s.get('work')!s} named too")
        elif t == "likeness":
            add("likeness", f"likeness {s.get('character')!s} (margin {s.get('margin')!s})")
        elif kind == AI_DEPICTION and t == "c2pa":
            add("c2pa", f"C2PA: {s.get('claim_generator') or 'a generator'}")
        elif kind == AI_DEPICTION and t == "watermark":
            add("watermark", f"watermark {s.get('name')!s}")
        elif kind == AI_DEPICTION and t == "ai_marker":
            key = "ai_marker_sentence" if s.get("scope") == "sentence" else "ai_marker_post"
            add(key, f"{s.get('alias')!s} in the {s.get('field')}")
    return sorted(parts.values(), key=lambda p: -p["weight"])


def non_copy_confidence(kind: str, signals: list[dict]) -> dict:
    """{"value", "label", "parts": [{"evidence", "detail", "weight"}]} for a non-copy finding of KIND from
    its SIGNALS: the noisy-OR of CONFIDENCE_WEIGHTS over the evidence present (each key counted once, at its
    strongest). For a copy the value is None: its score is the calibrated probability. Pure."""
    if kind == COPY:
        return {"value": None, "label": CONFIDENCE_LABEL, "parts": []}
    parts = _confidence_parts(kind, signals)
    miss = 1.0
    for part in parts:
        miss *= 1.0 - part["weight"]
    return {"value": round(1.0 - miss, 4), "label": CONFIDENCE_LABEL, "parts": parts}
