"""Errors the matcher raises: one line, with the reason."""

from __future__ import annotations


class MatcherError(Exception):
    """Anything the matcher cannot do; str() is one line that says why."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


class VideoError(MatcherError):
    """The video cannot be read: missing, empty, not a video, corrupt or truncated."""


class ReferenceImageError(MatcherError):
    """A reference image cannot be read."""


class IndexFileError(MatcherError):
    """An index file is missing, of another format or of another algorithm version."""
