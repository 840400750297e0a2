"""Clips taken down on the demo platform (as a platform does after a copyright notice): their page and
file then answer 410 Gone and the listings leave them out. Kept in a small JSON file in the demo's home
when one is given (so `mamoru demo takedown` reaches a demo site running in another process), else in
memory."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from mamoru.demo.catalog import CLIPS

TAKEDOWNS_FILE = "demo-takedowns.json"


class UnknownClip(ValueError):
    """Not a clip of the demo platform (one line)."""


def check_clip(clip_id: str) -> str:
    known = [c.id for c in CLIPS]
    if clip_id not in known:
        raise UnknownClip(f"no demo clip {clip_id!r}; the demo platform's clips are {', '.join(known)}")
    return clip_id


class Takedowns:
    def __init__(self, path: Path | None = None):
        self.path = path
        self._ids: set[str] = set()
        self._lock = threading.Lock()

    def ids(self) -> frozenset[str]:
        if self.path is None:
            return frozenset(self._ids)
        try:
            return frozenset(json.loads(self.path.read_text()))
        except (FileNotFoundError, ValueError):
            return frozenset()

    def __contains__(self, clip_id: str) -> bool:
        return clip_id in self.ids()

    def _save(self, ids: set[str]) -> None:
        if self.path is None:
            self._ids = ids
            return
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(sorted(ids)))
        tmp.replace(self.path)

    def take_down(self, clip_id: str) -> bool:
        """Take the clip down; False when it was down already."""
        with self._lock:
            ids = set(self.ids())
            if check_clip(clip_id) in ids:
                return False
            self._save(ids | {clip_id})
            return True

    def restore(self, clip_id: str) -> bool:
        """Put the clip back up (a reinstatement); False when it was up."""
        with self._lock:
            ids = set(self.ids())
            if check_clip(clip_id) not in ids:
                return False
            self._save(ids - {clip_id})
            return True
