"""Server-side sessions of signed-in users: the cookie holds a random token; the data lives in files in
the data home. Anonymous visitors get none (the log-in form uses a signed cookie, see tokens.py).

Files (one per session, named by the token's sha256) survive restarts and work across uvicorn workers
without a new table. Each session carries its own CSRF token and the account's session version at
log-in: a password change, "log out everywhere" or disabling bumps the version and ends it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

COOKIE_NAME = "mamoru_session"
IDLE_SECONDS = 12 * 3600
PURGE_EVERY = 200  # new sessions between sweeps of expired session files
ABSOLUTE_SECONDS = 7 * 24 * 3600


@dataclass
class WebSession:
    token: str
    csrf: str
    user_id: int | None = None
    version: int = 0
    created: float = field(default_factory=time.time)
    seen: float = field(default_factory=time.time)
    flash: list = field(default_factory=list)


class FileSessionStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(self.folder, 0o700)
        except OSError:
            pass

    def _path(self, token: str) -> Path:
        return self.folder / (hashlib.sha256(token.encode()).hexdigest() + ".json")

    def new(self, user_id: int, version: int = 0) -> WebSession:
        self._made = getattr(self, "_made", 0) + 1
        if self._made % PURGE_EVERY == 1:
            self.purge()
        sess = WebSession(token=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32), user_id=user_id,
                          version=version)
        self.save(sess)
        return sess

    def purge(self) -> int:
        """Delete expired session files (idle or too old); returns how many."""
        now, removed = time.time(), 0
        for path in self.folder.glob("*.json"):
            try:
                data = json.loads(path.read_text())
                if not data.get("user_id") or now - data["seen"] > IDLE_SECONDS or now - data["created"] > ABSOLUTE_SECONDS:
                    path.unlink()
                    removed += 1
            except (OSError, ValueError, KeyError):
                path.unlink(missing_ok=True)
        return removed

    def load(self, token: str | None) -> WebSession | None:
        if not token or len(token) > 100:
            return None
        try:
            data = json.loads(self._path(token).read_text())
        except (OSError, ValueError):
            return None
        try:
            sess = WebSession(token=token, **{k: v for k, v in data.items() if k != "token"})
        except TypeError:  # a file from an older layout
            return None
        now = time.time()
        if not sess.user_id or now - sess.seen > IDLE_SECONDS or now - sess.created > ABSOLUTE_SECONDS:
            self.delete(token)
            return None
        return sess

    def save(self, sess: WebSession) -> None:
        sess.seen = time.time()
        data = {k: v for k, v in asdict(sess).items() if k != "token"}
        path = self._path(sess.token)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data))
        os.chmod(tmp, 0o600)
        tmp.replace(path)

    def touch(self, sess: WebSession) -> None:
        """Refresh the idle timer at most once a minute (saves a write per request)."""
        if time.time() - sess.seen > 60:
            self.save(sess)

    def delete(self, token: str) -> None:
        try:
            self._path(token).unlink()
        except OSError:
            pass


def csrf_ok(sess: WebSession | None, supplied: str | None) -> bool:
    return bool(sess and supplied and hmac.compare_digest(sess.csrf, supplied))
