"""Log-ins the user already has: a cookies file per platform (Netscape format, as yt-dlp and browsers'
exporters write it) named by `MAMORU_<PLATFORM>_COOKIES_FILE`. The spiders send its cookies to that
platform's hosts and yt-dlp gets a private copy; the values are never logged, stored or reported, and a
file other users can read is refused."""

from __future__ import annotations

import os
import stat
from http.cookiejar import LoadError, MozillaCookieJar
from pathlib import Path

from core.config import PLATFORMS
from core.targets import cookies_env


class CookiesRefused(ValueError):
    """The cookies file cannot be used (the message names the file, never a cookie)."""


def cookies_path(platform: str, env: dict | None = None) -> Path | None:
    """The platform's cookies file as configured, or None."""
    value = (os.environ if env is None else env).get(cookies_env(platform), "").strip()
    return Path(value).expanduser() if value and platform in PLATFORMS else None


def load_cookies(path: Path) -> MozillaCookieJar:
    """The file's cookies; CookiesRefused when it is missing, unreadable as Netscape cookies, or readable
    or writable by other users than its owner."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise CookiesRefused(f"cookies file {path}: {exc.strerror or exc}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CookiesRefused(f"cookies file {path} is open to other users (mode {stat.filemode(mode)}); "
                             f"run: chmod 600 {path}")
    jar = MozillaCookieJar(str(path))
    try:
        jar.load(ignore_discard=True, ignore_expires=True)
    except (LoadError, OSError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CookiesRefused(f"cookies file {path} is not a Netscape cookies file ({first[:80]})") from None
    return jar


def platform_cookies(platform: str, hosts: frozenset[str], env: dict | None = None) -> dict[str, str]:
    """name -> value of the platform's cookies whose domain is one of its hosts ({} without a file)."""
    path = cookies_path(platform, env)
    if path is None:
        return {}
    found = {}
    for cookie in load_cookies(path):
        domain = cookie.domain.lstrip(".").lower()
        if any(host == domain or host.endswith("." + domain) for host in hosts):
            found[cookie.name] = cookie.value or ""
    return found


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())
