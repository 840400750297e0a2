"""Mamoru's matcher: find reference character art inside short videos, with evidence.

A pure library (no database, no network). The whole use::

    idx = matcher.ReferenceIndex.build(paths); idx.save(p); idx = matcher.ReferenceIndex.load(p)
    res = matcher.scan_video(video, idx)          # res.matches: references found, best first
"""

from matcher.constants import ALGORITHM_VERSION, DEFAULT_THRESHOLD
from matcher.errors import IndexFileError, MatcherError, ReferenceImageError, VideoError
from matcher.hashing import dhash_hex, phash_hex
from matcher.index import HammingIndex, ReferenceIndex
from matcher.scan import scan_video
from matcher.verdict import Match, ScanResult

__all__ = [
    "ALGORITHM_VERSION", "DEFAULT_THRESHOLD", "HammingIndex", "IndexFileError", "Match", "MatcherError",
    "ReferenceImageError", "ReferenceIndex", "ScanResult", "VideoError", "dhash_hex", "phash_hex", "scan_video",
]
