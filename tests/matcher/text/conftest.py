"""The mentions detector over a test module's own catalogue (its WORKS)."""

from __future__ import annotations

import pytest

from matcher.text import MentionDetector


@pytest.fixture(scope="module")
def detector(request) -> MentionDetector:
    return MentionDetector(request.module.WORKS)
