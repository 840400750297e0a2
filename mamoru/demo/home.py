"""The demo's own data home: it marks the homes it creates, refuses one holding data it did not create,
and gives its log-ins a password generated once per home (kept 0600 in the home, printed once)."""

from __future__ import annotations

import os
import secrets

from sqlalchemy import func, inspect, select

from core.config import Settings
from core.db import get_engine, session_scope

MARKER_FILE = ".mamoru-demo"
PASSWORD_FILE = "demo-password"
DEMO_EMAIL_DOMAIN = "@mamoru.demo"


class ForeignHomeError(RuntimeError):
    """The home holds data the demo did not create; the demo will not touch it."""


def _has_foreign_rows(settings: Settings) -> bool:
    """Users other than the demo's in the database the settings name (a PostgreSQL one, say)."""
    from core.models import User

    engine = get_engine(settings)
    if "users" not in inspect(engine).get_table_names():
        return False
    with session_scope(settings) as session:
        return bool(session.scalar(select(func.count(User.id)).where(~User.email.endswith(DEMO_EMAIL_DOMAIN))))


def claim_home(settings: Settings) -> None:
    """Mark an empty (or missing) home as the demo's; refuse a home or database with others' data."""
    home = settings.home
    if (home / MARKER_FILE).is_file():
        return
    if home.exists() and any(home.iterdir()) or _has_foreign_rows(settings):
        raise ForeignHomeError(f"{home} (or its database) holds data the demo did not create; run the demo "
                               f"with MAMORU_HOME set to a new folder (the demo creates and resets its own users)")
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    (home / MARKER_FILE).write_text("this data home was created by `mamoru demo`\n")


def demo_password(settings: Settings) -> tuple[str, bool]:
    """(the home's demo password, whether it was made just now). Made once, stored 0600 in the home."""
    path = settings.home / PASSWORD_FILE
    if path.is_file():
        return path.read_text().strip(), False
    password = secrets.token_urlsafe(15)  # 20 characters, about 120 bits
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password + "\n")
    return password, True
