"""What the detector says of one post, in the shapes the tests compare."""

from __future__ import annotations

from matcher.text import MentionDetector


def ai_flag(detector: MentionDetector, **post) -> bool:
    return detector.detect(post).ai_generated


def chars(detector: MentionDetector, **post) -> list[str]:
    return sorted(m.character for m in detector.detect(post).characters)
