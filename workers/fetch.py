"""Download one clip with yt-dlp, within the caps in settings, to a folder of its own.

Every request yt-dlp makes (page, manifest, key, media, fragment) and every redirect hop goes through the
crawler's address rule (`core.urlsafety.check_url`) before a connection is opened, and the address each
connection reached is checked again. Only yt-dlp's own downloaders run (HTTP, native HLS with AES-128 by
pycryptodomex, DASH segments): a download that would need ffmpeg or another program to fetch (SAMPLE-AES,
live streams, RTMP, an external downloader) is refused, since those programs open their own connections.
A file whose bytes are not a known media container (an HTML page, or a playlist that ffmpeg or PyAV would
follow) is refused as soon as it is downloaded. A download is cut when it passes the size cap (also when
the server sends no length) or runs longer than FETCH_TIMEOUT_S: a watchdog then shuts its sockets, so a
server that trickles bytes cannot hold it. Errors come out as FetchError with a short code, a one-line
reason and whether a retry may help.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import json
import logging
import os
import socket
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yt_dlp
from celery.exceptions import SoftTimeLimitExceeded
from yt_dlp.downloader import get_suitable_downloader
from yt_dlp.downloader.dash import DashSegmentsFD
from yt_dlp.downloader.external import ExternalFD
from yt_dlp.downloader.hls import HlsFD
from yt_dlp.downloader.http import HttpFD
from yt_dlp.networking import _urllib as ytdlp_urllib
from yt_dlp.networking._urllib import UrllibRH
from yt_dlp.utils import DownloadError, match_filter_func

from core.catalog import sha256_file
from core.config import Settings

log = logging.getLogger(__name__)

MEDIA_EXTENSIONS = {".mp4", ".webm", ".mkv", ".mov", ".m4v", ".flv", ".ts", ".3gp", ".avi"}
# protocols whose requests all go through yt-dlp's own HTTP handler (and so through the address rule)
SAFE_PROTOCOLS = {"http", "https", "m3u8_native", "http_dash_segments", "m3u8"}
TRANSIENT_MARKERS = ("timed out", "timeout", "429", "too many requests", "http error 5", "connection reset",
                     "connection refused", "temporary failure", "remote end closed", "incomplete read",
                     "connection aborted", "broken pipe", "name resolution")
GONE_MARKERS = ("http error 404", "http error 410", "video unavailable", "has been removed", "private video",
                "this video is not available", "no longer available")
# yt-dlp's downloaders that fetch through its request handler (ours); any other one runs a program
NATIVE_DOWNLOADERS = (HttpFD, HlsFD, DashSegmentsFD)
# yt-dlp options that would hand downloads to ffmpeg or another program, and the only values allowed
NATIVE_ONLY_OPTIONS = {"external_downloader": {"default": "native"}, "hls_prefer_native": True,
                       "compat_opts": None, "download_ranges": None}
SNIFF_BYTES = 512
HTML_SIGNATURES = (b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<script", b"{")
# the first bytes of the media containers kept; anything else (text playlists above all) is refused
MP4_BOXES = (b"ftyp", b"styp", b"moov", b"mdat", b"moof", b"sidx", b"free", b"skip", b"wide", b"pnot")
MEDIA_MAGIC = (b"\x1a\x45\xdf\xa3",  # Matroska / WebM (EBML)
               b"FLV", b"RIFF", b"OggS", b"ID3", b"fLaC", b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")
TS_PACKET = 188


class FetchError(Exception):
    """A download that did not succeed: `code` names the kind, `permanent` errors are not retried."""

    def __init__(self, reason: str, permanent: bool, code: str = "fetch_error"):
        super().__init__(one_line(reason))
        self.permanent = permanent
        self.code = code


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


def one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def classify(message: str) -> FetchError:
    """A yt-dlp error message as a FetchError: transient (retry) or permanent, with a code."""
    text = one_line(message.removeprefix("ERROR: "))
    lowered = text.lower()
    if any(marker in lowered for marker in GONE_MARKERS):
        return FetchError(text, permanent=True, code="gone")
    if "did not get any data blocks" in lowered:
        return FetchError(f"the server sent an empty file (0 bytes): {text}", permanent=True, code="empty")
    if "unsupported url" in lowered or "no video formats" in lowered or "no video could be found" in lowered:
        return FetchError(text, permanent=True, code="unsupported")
    if any(marker in lowered for marker in TRANSIENT_MARKERS):
        return FetchError(text, permanent=False, code="network")
    if "http error 4" in lowered:
        return FetchError(text, permanent=True, code="http_error")
    return FetchError(text, permanent=True, code="fetch_error")


class _Guard:
    """What one download may do: the address rule on each request and hop, a size cap and a deadline.

    yt-dlp wraps exceptions from its handlers and hooks into its own, so the first refusal is also kept
    here and reported as such, whatever yt-dlp made of it."""

    def __init__(self, settings: Settings, deadline_s: float):
        self.settings = settings
        self.max_bytes = settings.max_filesize_mb * 1024 * 1024
        self.deadline = time.monotonic() + deadline_s
        self.deadline_s = deadline_s
        self.refusal: FetchError | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._watchdog = threading.Timer(deadline_s, self.expire)
        self._watchdog.daemon = True

    def start(self) -> None:
        self._watchdog.start()

    def stop(self) -> None:
        self._watchdog.cancel()

    def track(self, sock: socket.socket | None) -> None:
        """A connection of this download, shut by the watchdog at the deadline."""
        if sock is not None:
            with self._lock:
                self._sockets = [s for s in self._sockets if s.fileno() != -1]
                self._sockets.append(sock)
            if self.expired():
                self.expire()

    def expired(self) -> bool:
        return time.monotonic() >= self.deadline

    def timeout_error(self) -> FetchError:
        return FetchError(f"download took longer than {self.deadline_s:.0f} s; stopped", permanent=True,
                          code="timeout")

    def expire(self) -> None:
        """The deadline: refuse what comes next and shut every open connection, so that a read blocked
        on a server sending a byte now and then returns at once."""
        self.refuse(self.timeout_error())
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def refuse(self, error: FetchError) -> FetchError:
        if self.refusal is None:
            self.refusal = error
        return error

    def check_url(self, url: str, hop: str = "") -> None:
        from core.urlsafety import UnsafeURLError, check_url

        try:
            check_url(url, self.settings)
        except UnsafeURLError as exc:
            raise self.refuse(FetchError(f"{hop}{exc}", permanent=True, code="unsafe_url")) from None

    def check_peer(self, host: str, peer: str, sock) -> None:  # noqa: ANN001
        """The address rule on the address a connection reached (closes the socket when refused)."""
        from core.urlsafety import address_refusal

        refusal = address_refusal(host, peer.split("%")[0], self.settings)
        if refusal:
            sock.close()
            raise self.refuse(FetchError(f"refused connection: {refusal}", permanent=True, code="unsafe_url"))

    def progress(self, status: dict) -> None:
        if status.get("status") == "finished" and status.get("filename"):
            not_media = sniff(Path(status["filename"]))
            if not_media is not None:  # before merging or fixing it up: ffmpeg would follow a playlist
                Path(status["filename"]).unlink(missing_ok=True)
                raise self.refuse(not_media)
        done = status.get("downloaded_bytes") or 0
        if done > self.max_bytes:
            raise self.refuse(FetchError(
                f"over the {self.settings.max_filesize_mb} MB size cap: more than {done} bytes sent",
                permanent=True, code="too_large"))
        if time.monotonic() > self.deadline:
            raise self.refuse(FetchError(
                f"download took longer than {self.deadline_s:.0f} s ({done} bytes received); stopped",
                permanent=True, code="timeout"))


def _open_checked(handler, base, guard: _Guard, req, **kwargs):  # noqa: ANN001, ANN202
    """yt-dlp's HTTPHandler.http(s)_open, with the address rule applied to the peer each connection
    actually reached: a name whose DNS answer changed after the URL check (DNS rebinding) is refused."""
    conn_class = handler._make_conn_class(base, req)

    def connection(*args, **kw):  # noqa: ANN002, ANN003, ANN202
        conn = ytdlp_urllib._create_http_connection(conn_class, handler._source_address, *args, **kw)
        connect = conn._create_connection

        def checked_connect(address, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
            sock = connect(address, *a, **k)
            guard.check_peer(str(address[0]), sock.getpeername()[0], sock)
            guard.track(sock)
            return sock

        open_connection = conn.connect

        def tracked_open():  # noqa: ANN202
            open_connection()
            guard.track(conn.sock)  # for https, the TLS socket that replaced the one connected above

        conn._create_connection = checked_connect
        conn.connect = tracked_open
        return conn

    return handler.do_open(connection, req, **kwargs)


class GuardedUrllibRH(UrllibRH):
    """yt-dlp's urllib handler with the address rule on the request and on every redirect hop."""

    guard: _Guard | None = None

    def _send(self, request):  # noqa: ANN001, ANN202
        if self.guard is not None:
            self.guard.check_url(request.url)
            if self.guard.expired():
                raise self.guard.refuse(self.guard.timeout_error())
        return super()._send(request)

    def _create_instance(self, proxies, cookiejar, legacy_ssl_support=None):  # noqa: ANN001, ANN202
        opener = super()._create_instance(proxies, cookiejar, legacy_ssl_support=legacy_ssl_support)
        guard = self.guard
        for handler in opener.handlers:
            if isinstance(handler, ytdlp_urllib.HTTPHandler) and guard is not None:
                handler.http_open = functools.partial(_open_checked, handler, http.client.HTTPConnection, guard)
                handler.https_open = functools.partial(_open_checked, handler, http.client.HTTPSConnection, guard,
                                                       context=handler._context)
            if isinstance(handler, urllib.request.HTTPRedirectHandler) and guard is not None:
                follow = handler.redirect_request

                @functools.wraps(follow)
                def checked(req, fp, code, msg, headers, newurl, _follow=follow):  # noqa: ANN001, ANN202
                    guard.check_url(newurl, hop=f"redirect from {req.full_url[:200]!r}: ")
                    return _follow(req, fp, code, msg, headers, newurl)

                handler.redirect_request = checked
        return opener


class GuardedYoutubeDL(yt_dlp.YoutubeDL):
    """YoutubeDL that sends every request through GuardedUrllibRH alone (no other HTTP stack)."""

    def __init__(self, params: dict, guard: _Guard):
        for name, allowed in NATIVE_ONLY_OPTIONS.items():
            value = params.get(name)
            if value is not None and value != allowed:
                raise ValueError(f"yt-dlp option {name}={value!r} would let a program other than "
                                 "yt-dlp fetch (around the address rule); refused")
        self._guard = guard
        super().__init__(params)

    def dl(self, name, info, subtitle=False, test=False):  # noqa: ANN001, ANN201
        """Only yt-dlp's own downloaders, whose every request goes through GuardedUrllibRH."""
        chosen = get_suitable_downloader(info, self.params, to_stdout=(name == "-"))
        if chosen not in NATIVE_DOWNLOADERS:
            raise self._guard.refuse(_program_refusal(info, chosen))
        return super().dl(name, info, subtitle=subtitle, test=test)

    @functools.cached_property
    def _request_director(self):  # noqa: ANN202
        director = self.build_request_director([GuardedUrllibRH])
        for handler in director.handlers.values():
            handler.guard = self._guard
        return director


def _program_refusal(info: dict, downloader: type) -> FetchError:
    what = "live stream" if info.get("is_live") else f"format {info.get('format_id')!r} ({info.get('protocol')})"
    return FetchError(f"{what} would be fetched by {downloader.get_basename()}, outside the address rule; "
                      "not fetched", permanent=True, code="unsupported")


def _refuse_programs(real_download):  # noqa: ANN001, ANN202
    """ExternalFD (ffmpeg, curl, aria2c...) fetches with its own connections: never for a guarded download,
    also when yt-dlp's HLS or DASH downloader hands over to it (SAMPLE-AES, unsupported features)."""

    @functools.wraps(real_download)
    def guarded(self, filename, info_dict):  # noqa: ANN001, ANN202
        if isinstance(self.ydl, GuardedYoutubeDL):
            raise self.ydl._guard.refuse(_program_refusal(info_dict, type(self)))
        return real_download(self, filename, info_dict)

    guarded._mamoru_guard = True
    return guarded


if not getattr(ExternalFD.real_download, "_mamoru_guard", False):
    ExternalFD.real_download = _refuse_programs(ExternalFD.real_download)


def ytdlp_options(settings: Settings, dest: Path) -> dict:
    height = settings.max_height
    return {
        "outtmpl": str(dest / "media.%(ext)s"),
        # the best format whose smaller side is at most max_height (1080p, portrait or landscape); when
        # there is none, the smallest above it. ("res" is yt-dlp's smallest dimension.)
        "format": "bv*+ba/b",
        "format_sort": [f"res:{height}"],
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
        "extractor_retries": 0,
        **{name: value for name, value in NATIVE_ONLY_OPTIONS.items() if value is not None},
        "restrictfilenames": True,
        "logger": _YtdlpLog(),
        "http_headers": {"User-Agent": settings.user_agent.format(contact_url=settings.contact_url)},
    }


def is_media(head: bytes) -> bool:
    """Whether the first bytes of a file are those of a media container Mamoru keeps."""
    if head[4:8] in MP4_BOXES or head.startswith(MEDIA_MAGIC):
        return True
    if head[:1] == b"\x47" and (len(head) <= TS_PACKET or head[TS_PACKET:TS_PACKET + 1] == b"\x47"):
        return True  # MPEG-TS (HLS segments joined): a sync byte every 188 bytes
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0  # AAC (ADTS) or MPEG audio


@functools.cache
def _site_extractors() -> tuple:
    """yt-dlp's extractors that know particular sites (all but the generic one)."""
    from yt_dlp.extractor import gen_extractor_classes

    return tuple(ie for ie in gen_extractor_classes() if ie.ie_key() != "Generic")


def has_extractor(url: str) -> bool:
    """True when one of yt-dlp's site extractors claims URL (a platform's page): it knows its video."""
    return any(ie.suitable(url) for ie in _site_extractors())


def handoff_url(settings: Settings, page_url: str, media_url: str | None = None, player_url: str | None = None
                ) -> str:
    """What to download for a clip: its page when a yt-dlp extractor knows the page, else the video file
    the crawler found there (the generic extractor could pick another video of the page, such as the
    player's), else the page. Every URL of the hand-off must pass the address rule first."""
    guard = _Guard(settings, 0)
    for url in (page_url, media_url, player_url):
        if url:
            guard.check_url(url)
    if media_url and not has_extractor(page_url):
        return media_url
    return page_url


def the_one_video(playlist: dict, entries: list[dict]) -> dict:
    """The page's video when it holds one; a page of several is refused: taking the first could fetch
    another clip's video as this one's evidence (the crawler names each video's file instead)."""
    count = playlist.get("playlist_count") or len(entries)
    if count > 1:
        raise FetchError(f"the page holds {count} videos and the crawler named none of them; not guessing "
                         "which is the clip's", permanent=True, code="unsupported")
    return entries[0]


def sniff(path: Path) -> FetchError | None:
    """A file that is not media (an HTML page, JSON or a playlist served as video/mp4), caught by its bytes."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if is_media(head):
        return None
    text = head.lstrip().lower()
    kind = ("an HTML page" if text.startswith(HTML_SIGNATURES[:-1]) else "a JSON document" if text[:1] == b"{"
            else "a playlist" if text.startswith(b"#extm3u") else "a file that is no known media container")
    return FetchError(f"not a video: the server sent {kind} ({path.stat().st_size} bytes) as media",
                      permanent=True, code="not_video")


@contextlib.contextmanager
def cookie_options(url: str, settings: Settings):  # noqa: ANN201
    """yt-dlp's options for the user's log-in on URL's platform (MAMORU_<PLATFORM>_COOKIES_FILE): a private
    copy of the file (yt-dlp writes its jar back on exit), deleted when the download ends; {} without."""
    from crawler.cookies import CookiesRefused, cookies_path, load_cookies
    from crawler.platforms import WEB, locate

    platform = locate(url, settings)[0]
    path = cookies_path(platform) if platform != WEB else None
    if path is None:
        yield {}
        return
    try:
        jar = load_cookies(path)
    except CookiesRefused as exc:
        raise FetchError(str(exc), permanent=True, code="cookies") from None
    handle, copy = tempfile.mkstemp(prefix="mamoru-cookies-", suffix=".txt")  # 0600
    os.close(handle)
    try:
        jar.save(copy, ignore_discard=True, ignore_expires=True)
        yield {"cookiefile": copy}
    finally:
        Path(copy).unlink(missing_ok=True)


def without_cookies(info: object) -> object:
    """yt-dlp's info with the cookies it attached to formats removed (it is kept as evidence)."""
    if isinstance(info, dict):
        return {k: without_cookies(v) for k, v in info.items()
                if k != "cookies" and not (isinstance(k, str) and k.lower() == "cookie")}
    if isinstance(info, list):
        return [without_cookies(v) for v in info]
    return info


def download(url: str, dest: Path, settings: Settings, timeout_s: float | None = None) -> FetchResult:
    """Download URL into DEST (created), returning the file, its sha256 and yt-dlp's info."""
    with cookie_options(url, settings) as extra:
        return _download(url, dest, settings, timeout_s, extra)


def _download(url: str, dest: Path, settings: Settings, timeout_s: float | None, extra: dict) -> FetchResult:
    from workers.celery import FETCH_TIMEOUT_S

    guard = _Guard(settings, FETCH_TIMEOUT_S if timeout_s is None else timeout_s)
    guard.check_url(url)
    dest.mkdir(parents=True, exist_ok=True)
    options = ytdlp_options(settings, dest)
    options["progress_hooks"] = [guard.progress]
    options.update(extra)
    options["socket_timeout"] = min(options["socket_timeout"], max(1.0, guard.deadline_s))
    guard.start()
    with GuardedYoutubeDL(options, guard) as ydl:
        try:
            info = ydl.extract_info(url, download=False)
            if info is None:
                raise FetchError(f"over a cap: longer than {settings.max_duration_s} s, or no format fits",
                                 permanent=True, code="too_long")
            if info.get("_type") == "playlist":
                entries = [e for e in info.get("entries") or [] if e]
                if not entries:
                    raise FetchError("no video found at this URL", permanent=True, code="unsupported")
                info = the_one_video(info, entries)
            for fmt in info.get("requested_formats") or [info]:
                protocol = fmt.get("protocol") or "https"
                if protocol not in SAFE_PROTOCOLS:
                    raise FetchError(f"format {fmt.get('format_id')} uses protocol {protocol!r}, which is not "
                                     "fetched (http(s) and HLS/DASH over http only)", permanent=True,
                                     code="unsupported")
                if fmt.get("url"):
                    guard.check_url(fmt["url"])
            ydl.process_info(info)
        except FetchError as exc:
            raise guard.refusal or exc from None
        except DownloadError as exc:
            raise guard.refusal or classify(str(exc)) from None
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # noqa: BLE001  yt-dlp lets some errors of its handlers through raw
            if guard.refusal is not None:
                raise guard.refusal from None
            raise classify(f"{type(exc).__name__}: {exc}") from None
        finally:
            guard.stop()
        if guard.refusal is not None:
            raise guard.refusal
        sanitized = without_cookies(ydl.sanitize_info(info))
    files = [p for p in dest.iterdir() if p.suffix.lower() in MEDIA_EXTENSIONS and p.is_file()]
    if not files:
        raise FetchError(f"nothing downloaded: over the {settings.max_filesize_mb} MB size cap or no media",
                         permanent=True, code="too_large")
    path = max(files, key=lambda p: p.stat().st_size)
    size = path.stat().st_size
    if size == 0:
        raise FetchError("downloaded file is empty (0 bytes)", permanent=True, code="empty")
    if size > guard.max_bytes:
        raise FetchError(f"file of {size} bytes is over the {settings.max_filesize_mb} MB size cap",
                         permanent=True, code="too_large")
    not_media = sniff(path)
    if not_media is not None:
        raise not_media
    info_path = dest / "info.json"
    info_path.write_text(json.dumps(sanitized, ensure_ascii=False, default=str, indent=1))
    return FetchResult(path=path, sha256=sha256_file(path), size=size, info_path=info_path, info=sanitized)
