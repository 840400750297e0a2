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
"""

from __future__ import annotations

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


def verdicts(per_character: dict[int, list[dict]], clip_signals: list[dict]) -> list[Verdict]:
    """One verdict per character with signals of its own (PER_CHARACTER: {character id: [signals]}), the
    clip-wide CLIP_SIGNALS counted for each; characters with no verdict are left out. Sorted by character."""
    out = []
    for character_id in sorted(per_character):
        own = [s for s in per_character[character_id] if s.get("type") in CHARACTER_SIGNALS]
        if not own:
            continue
        signals = own + [s for s in clip_signals if s.get("type") in CLIP_SIGNALS]
        kind = decide_kind({s["type"] for s in signals})
        if kind is not None:
            out.append(Verdict(character_id, kind, signals))
    return out
