"""Signed cookies that need no server-side state: the log-in form's CSRF token (double submit) and the
"this browser signed in to this account before" mark that spares its owner the per-e-mail throttle.

Both are HMAC-SHA256 over a value with the web secret, a random key made once per data home (0600).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

SECRET_FILE = "web-secret"
LOGIN_CSRF_COOKIE = "mamoru_login_csrf"
KNOWN_BROWSER_COOKIE = "mamoru_known"
LOGIN_CSRF_MAX_AGE_S = 2 * 3600
KNOWN_BROWSER_MAX_AGE_S = 90 * 24 * 3600


def load_secret(home: Path) -> bytes:
    """The home's web secret, made on first use (O_EXCL, so concurrent processes agree on one)."""
    path = home / SECRET_FILE
    home.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may be writing it right now
            data = path.read_bytes().strip()
            if data:
                return bytes.fromhex(data.decode())
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty: delete it and start again") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def _mac(secret: bytes, purpose: str, value: str) -> str:
    return hmac.new(secret, f"{purpose}\n{value}".encode(), hashlib.sha256).hexdigest()


def sign(secret: bytes, purpose: str, value: str) -> str:
    return f"{value}.{int(time.time())}.{_mac(secret, purpose, f'{value}.{int(time.time())}')}"


def verify(secret: bytes, purpose: str, token: str | None, max_age_s: int) -> str | None:
    """The value inside a token this secret signed for PURPOSE within MAX_AGE_S; None otherwise."""
    if not token or len(token) > 400 or token.count(".") < 2:
        return None
    body, mac = token.rsplit(".", 1)
    value, stamp = body.rsplit(".", 1)
    if not stamp.isdigit() or not hmac.compare_digest(_mac(secret, purpose, body), mac):
        return None
    return value if 0 <= time.time() - int(stamp) <= max_age_s else None


def new_login_csrf(secret: bytes) -> str:
    return sign(secret, "login-csrf", secrets.token_urlsafe(24))


def login_csrf_ok(secret: bytes, cookie: str | None, supplied: str | None) -> bool:
    """Double submit: the form's token equals the cookie's, and the cookie is ours and fresh."""
    return bool(cookie and supplied and hmac.compare_digest(cookie, supplied)
                and verify(secret, "login-csrf", cookie, LOGIN_CSRF_MAX_AGE_S))


def known_browser(secret: bytes, user_id: int) -> str:
    return sign(secret, "known-browser", str(user_id))


def is_known_browser(secret: bytes, token: str | None, user_id: int | None) -> bool:
    return user_id is not None and verify(secret, "known-browser", token, KNOWN_BROWSER_MAX_AGE_S) == str(user_id)
