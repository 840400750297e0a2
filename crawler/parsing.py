"""Tolerant parsers for what platforms put in their documents: durations, dates, counts, text, URLs.

Each returns None (or an empty value) for anything it cannot read: a crawl never crashes on a field.
"""

from __future__ import annotations

import html
import math
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from crawler.constants import BIDI_CONTROLS, TRACKING_PARAMS, TRACKING_PREFIXES, UNSAFE_MEDIA_SCHEMES

_ISO_DURATION = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?$", re.I)
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,3}):(\d{1,2}(?:\.\d+)?)$")
_TAGS = re.compile(r"<[^>]+>")
_ASCII_SPACE = " \t\n\r\f\v"
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")
# C0 controls other than tab and line feed, DEL, and the bidi embeddings, overrides and isolates
_INVISIBLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{BIDI_CONTROLS}]")
# A hashtag: '#' (or the full-width '＃') then letters, digits, marks and '_' in any script.
_HASHTAG = re.compile(r"(?:^|(?<=[^\w&/]))[#＃]([\w\u30fc\u3005\u309d\u309e\u30fd\u30fe・]+)", re.U)


def parse_duration(value: object) -> float | None:
    """Seconds from a number, "PT1M4.5S", "P0DT0H0M4S", "1:02:03", "02:03", "4", "4.5s" ; else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        seconds = None
        match = _ISO_DURATION.match(text)
        if match and any(match.groupdict().values()):
            parts = {k: float((v or "0").replace(",", ".")) for k, v in match.groupdict().items()}
            seconds = parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
        else:
            match = _CLOCK.match(text)
            if match:
                hours, minutes, secs = match.groups()
                seconds = int(hours or 0) * 3600 + int(minutes) * 60 + float(secs)
            else:
                try:
                    seconds = float(text.rstrip("sS").strip())
                except ValueError:
                    return None
    if seconds is None or math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
        return None
    return round(seconds, 3)


def parse_datetime(value: object) -> datetime | None:
    """An aware UTC datetime from ISO 8601, RFC 822, Unix seconds or milliseconds; naive means UTC."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"\d{9,13}", value.strip())):
        number = float(value)
        if number > 1e11:  # milliseconds
            number /= 1000
        try:
            parsed = datetime.fromtimestamp(number, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    else:
        text = str(value).strip()
        if not text:
            return None
        parsed = None
        iso = text.replace("Z", "+00:00").replace("z", "+00:00")
        iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)  # +0900 -> +09:00
        try:
            parsed = datetime.fromisoformat(iso)
        except ValueError:
            try:
                parsed = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                parsed = None
        if parsed is None:
            for fmt in ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y年%m月%d日 %H:%M:%S",
                        "%Y年%m月%d日 %H：%M：%S", "%d %b %Y", "%b %d, %Y"):
                try:
                    parsed = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if parsed is None:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def iso_utc(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a 'Z', as discover prints it."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_count(value: object) -> int | None:
    """A non-negative int from 123, "1,234", "1 234", "1.2K", "3万"; else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value >= 0 and not math.isnan(value) else None
    text = str(value).strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
    multipliers = {"k": 1e3, "m": 1e6, "b": 1e9, "万": 1e4, "億": 1e8, "亿": 1e8}
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmMbB万億亿]?)", text)
    if not match:
        return None
    number = float(match.group(1)) * multipliers.get(match.group(2).lower() if match.group(2) else "", 1)
    return int(number)


def _as_written(value: object) -> str:
    """Text with entities unescaped once (APIs such as YouTube's escape titles), line ends made "\n", and
    control characters and bidi overrides removed (they reorder what a reader sees); nothing else."""
    text = html.unescape(str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE.sub("", text)


def clean_text(value: object) -> str | None:
    """One-line text as the platform wrote it: trimmed, a line break (and the indentation around it)
    becomes one space; inner spacing (the ideographic space U+3000 included) is kept. Angle brackets are
    text here: a title "<b>x</b>" stays so (see `strip_tags`)."""
    if value is None:
        return None
    text = _LINE_BREAK.sub(" ", _as_written(value)).strip(_ASCII_SPACE)
    return text or None


def clean_multiline(value: object) -> str | None:
    """Like clean_text, but keeps line breaks (descriptions): trimmed, line ends normalised."""
    if value is None:
        return None
    text = _as_written(value).strip(_ASCII_SPACE)
    return text or None


def strip_tags(value: object) -> str | None:
    """Text of an HTML fragment (RSS descriptions, search-hit highlights like <em class="keyword">):
    <br> and </p> become line breaks, other tags go, entities are unescaped, HTML's own (ASCII) white
    space collapses as a browser collapses it; other spaces (U+3000) stay."""
    if value is None:
        return None
    text = re.sub(r"<br\s*/?>|</p\s*>", "\n", str(value), flags=re.I)
    text = _TAGS.sub("", text)
    text = _INVISIBLE.sub("", html.unescape(text))
    lines = [_HTML_SPACE.sub(" ", line).strip(_ASCII_SPACE) for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    return text or None


def hashtags_in(*texts: object) -> list[str]:
    """Hashtags written in the texts, without '#', first occurrence order, Japanese included."""
    seen: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for tag in _HASHTAG.findall(str(text)):
            seen.setdefault(tag, None)
    return list(seen)


def merge_tags(*lists: object) -> list[str]:
    """Union of tag lists (strings, or comma-separated strings), '#' stripped, order kept."""
    seen: dict[str, None] = {}
    for tags in lists:
        if not tags:
            continue
        if isinstance(tags, str):
            tags = tags.split(",")
        for tag in tags:  # type: ignore[union-attr]
            tag = str(tag).strip().lstrip("#＃").strip()
            if tag:
                seen.setdefault(tag, None)
    return list(seen)


def is_http_url(url: object) -> bool:
    return isinstance(url, str) and urlsplit(url.strip()).scheme.lower() in ("http", "https") and bool(
        urlsplit(url.strip()).netloc)


def absolute_url(base: str, url: object) -> str | None:
    """An absolute http(s) URL, or None for blob:/data:/javascript: and anything unusable."""
    if not isinstance(url, str):
        return None
    url = html.unescape(url.strip())
    if not url or url.lower().startswith(UNSAFE_MEDIA_SCHEMES):
        return None
    if url.startswith("//"):
        url = "https:" + url
    joined = urljoin(base, url)
    return joined if is_http_url(joined) else None


def strip_tracking(url: str) -> str:
    """The URL without tracking parameters or fragment; scheme and host lower-cased."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def first(*values: object) -> object:
    """The first value that is not None or empty."""
    for value in values:
        if value not in (None, "", [], {}):
            return value
    return None
