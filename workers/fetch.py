"""Download one clip with yt-dlp, within the caps in settings, to a folder of its own."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import yt_dlp
from yt_dlp.utils import DownloadError, match_filter_func

from mamoru.config import Settings

log = logging.getLogger(__name__)

MEDIA_EXTENSIONS = {".mp4", ".webm", ".mkv", ".mov", ".m4v", ".flv", ".ts", ".3gp", ".avi"}
TRANSIENT_MARKERS = ("timed out", "timeout", "429", "too many requests", "http error 5", "connection reset",
                     "connection refused", "temporary failure", "remote end closed", "incomplete read")


class FetchError(Exception):
    """A download that did not succeed; `permanent` errors are not retried."""

    def __init__(self, reason: str, permanent: bool):
        super().__init__(reason)
        self.permanent = permanent


@dataclass(frozen=True)
class FetchResult:
    path: Path
    sha256: str
    size: int
    info_path: Path
    info: dict


class _YtdlpLog:
    """yt-dlp's logger interface, sent to ours (it would otherwise print to the console)."""

    def debug(self, msg: str) -> None:
        log.debug("yt-dlp: %s", msg)

    def info(self, msg: str) -> None:
        log.debug("yt-dlp: %s", msg)

    def warning(self, msg: str) -> None:
        log.debug("yt-dlp warning: %s", msg)

    def error(self, msg: str) -> None:
        log.debug("yt-dlp error: %s", msg)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def classify(message: str) -> FetchError:
    lowered = message.lower()
    transient = any(marker in lowered for marker in TRANSIENT_MARKERS)
    return FetchError(one_line(message.removeprefix("ERROR: ")), permanent=not transient)


def ytdlp_options(settings: Settings, dest: Path) -> dict:
    height = settings.max_height
    return {
        "outtmpl": str(dest / "media.%(ext)s"),
        "format": f"bv*[height<={height}]+ba/b[height<={height}]/wv*+ba/w",
        "max_filesize": settings.max_filesize_mb * 1024 * 1024,
        "match_filter": match_filter_func(f"duration <=? {settings.max_duration_s}"),
        "noplaylist": True,
        "playlist_items": "1",
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "socket_timeout": 30,
        "retries": 1,
        "fragment_retries": 1,
        "restrictfilenames": True,
        "logger": _YtdlpLog(),
        "http_headers": {"User-Agent": settings.user_agent.format(contact_url=settings.contact_url)},
    }


def download(url: str, dest: Path, settings: Settings) -> FetchResult:
    """Download URL into DEST (created), returning the file, its sha256 and yt-dlp's info."""
    from crawler.urlsafety import UnsafeURLError, check_url

    try:
        check_url(url, settings)
    except UnsafeURLError as exc:
        raise FetchError(str(exc), permanent=True) from None
    dest.mkdir(parents=True, exist_ok=True)
    with yt_dlp.YoutubeDL(ytdlp_options(settings, dest)) as ydl:
        try:
            info = ydl.extract_info(url, download=False)
            if info is None:
                raise FetchError("over a cap: duration exceeds the limit or no format fits", permanent=True)
            if info.get("_type") == "playlist":
                entries = [e for e in info.get("entries") or [] if e]
                if not entries:
                    raise FetchError("no video found at this URL", permanent=True)
                info = entries[0]
            for fmt in info.get("requested_formats") or [info]:
                if fmt.get("url"):
                    check_url(fmt["url"], settings)
            ydl.process_info(info)
        except UnsafeURLError as exc:
            raise FetchError(str(exc), permanent=True) from None
        except DownloadError as exc:
            raise classify(str(exc)) from None
        sanitized = ydl.sanitize_info(info)
    files = [p for p in dest.iterdir() if p.suffix.lower() in MEDIA_EXTENSIONS and p.is_file()]
    if not files:
        raise FetchError(f"nothing downloaded: over the {settings.max_filesize_mb} MB size cap or no media",
                         permanent=True)
    path = max(files, key=lambda p: p.stat().st_size)
    size = path.stat().st_size
    if size == 0:
        raise FetchError("downloaded file is empty (0 bytes)", permanent=True)
    if size > settings.max_filesize_mb * 1024 * 1024:
        raise FetchError(f"file of {size} bytes is over the {settings.max_filesize_mb} MB size cap", permanent=True)
    info_path = dest / "info.json"
    info_path.write_text(json.dumps(sanitized, ensure_ascii=False, default=str, indent=1))
    return FetchResult(path=path, sha256=sha256_of(path), size=size, info_path=info_path, info=sanitized)
