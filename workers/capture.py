"""Page capture as evidence: the clip's platform page as it was served, kept at fetch time.

The page is fetched through the fetcher's guarded client (workers.fetch: the address rule on every request,
redirect hop and connection, a deadline), written as a WARC response record with warcio (gzip), hashed,
put in the blob store under captures/<clip id>/ and recorded as a page_captures row
(core.services.captures). With `capture_screenshots` on (off by default: it costs a browser) Chromium,
driven by Playwright, also takes a screenshot; every request the browser makes passes the same address
rule or is aborted. A capture that fails is logged and never fails the fetch.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.blobstore import open_store
from core.config import Settings
from core.db import session_scope

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 5 * 1024 * 1024
CAPTURE_TIMEOUT_S = 30.0
CHROMIUM = Path("/usr/bin/chromium")
# headers describing a transfer encoding the client already undid: the record keeps the body as read
DROPPED_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass
class ServedPage:
    url: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes


def fetch_page(url: str, settings: Settings, timeout_s: float = CAPTURE_TIMEOUT_S) -> ServedPage:
    """GET the page through the guarded client; an HTTP error status is a page as served too."""
    import tempfile

    from yt_dlp.networking import Request
    from yt_dlp.networking.exceptions import HTTPError

    from workers.fetch import FetchError, GuardedYoutubeDL, _Guard, ytdlp_options

    guard = _Guard(settings, timeout_s)
    guard.check_url(url)
    with tempfile.TemporaryDirectory(prefix="mamoru-capture-") as tmp:
        options = ytdlp_options(settings, Path(tmp))
        options["socket_timeout"] = min(options["socket_timeout"], timeout_s)
        guard.start()
        try:
            with GuardedYoutubeDL(options, guard) as ydl:
                try:
                    response = ydl.urlopen(Request(url))
                except HTTPError as exc:
                    response = exc.response
                try:
                    body = response.read(MAX_PAGE_BYTES + 1)
                finally:
                    response.close()
        except FetchError:
            raise
        except Exception as exc:  # noqa: BLE001  yt-dlp wraps the guard's refusals in its own errors
            raise guard.refusal or FetchError(f"page capture: {type(exc).__name__}: {exc}", permanent=False,
                                              code="capture_error") from None
        finally:
            guard.stop()
    if len(body) > MAX_PAGE_BYTES:
        body = body[:MAX_PAGE_BYTES]  # the record says so (WARC-Truncated)
    return ServedPage(url=response.url or url, status=int(response.status), reason=str(response.reason or ""),
                      headers=[(k, v) for k, v in response.headers.items()], body=body)


def warc_bytes(page: ServedPage, captured_at: datetime) -> bytes:
    """A gzip WARC file with a warcinfo record and the page's response record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    info = writer.create_warcinfo_record("mamoru-capture.warc.gz", {
        "software": "Mamoru page capture (warcio)", "format": "WARC File Format 1.0",
        "description": "the clip's page as served to the guarded client; body as read (transfer "
                       "encodings undone)"})
    writer.write_record(info)
    headers = [(k, v) for k, v in page.headers if k.lower() not in DROPPED_HEADERS]
    headers.append(("Content-Length", str(len(page.body))))
    http_headers = StatusAndHeaders(f"{page.status} {page.reason}".strip(), headers, protocol="HTTP/1.1")
    warc_headers = {"WARC-Date": captured_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if len(page.body) >= MAX_PAGE_BYTES:
        warc_headers["WARC-Truncated"] = "length"
    record = writer.create_warc_record(page.url, "response", payload=io.BytesIO(page.body),
                                       http_headers=http_headers, warc_headers_dict=warc_headers)
    writer.write_record(record)
    return out.getvalue()


def screenshot(url: str, settings: Settings, timeout_s: float = CAPTURE_TIMEOUT_S) -> bytes | None:
    """A full-page PNG by Chromium (Playwright); every request the page makes passes the address rule."""
    from playwright.sync_api import sync_playwright

    from core.urlsafety import UnsafeURLError, check_url

    def guard(route) -> None:  # noqa: ANN001
        try:
            check_url(route.request.url, settings)
        except UnsafeURLError:
            route.abort()
            return
        route.continue_()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", guard)
            page.goto(url, timeout=timeout_s * 1000, wait_until="load")
            return page.screenshot(full_page=True)
        finally:
            browser.close()


def capture_page(settings: Settings, clip_id: int, url: str) -> int:
    """Capture URL for clip CLIP_ID: WARC (and screenshot when enabled) in the blob store, a page_captures
    row; returns the row's id."""
    from core.services.captures import record_capture

    captured_at = datetime.now(UTC)
    page = fetch_page(url, settings)
    warc = warc_bytes(page, captured_at)
    warc_sha = hashlib.sha256(warc).hexdigest()
    store = open_store(settings)
    stamp = captured_at.strftime("%Y%m%dT%H%M%SZ")
    warc_key = store.put(f"captures/{clip_id}/{stamp}-{warc_sha[:12]}.warc.gz", warc)
    shot_key = shot_sha = None
    if settings.capture_screenshots:
        try:
            png = screenshot(url, settings)
        except Exception as exc:  # noqa: BLE001  a missing browser costs the screenshot, not the capture
            log.warning("clip %s: no screenshot of %s: %s", clip_id, url[:200], exc)
            png = None
        if png:
            shot_sha = hashlib.sha256(png).hexdigest()
            shot_key = store.put(f"captures/{clip_id}/{stamp}-{shot_sha[:12]}.png", png)
    with session_scope(settings) as session:
        capture = record_capture(session, clip_id, url=page.url, status=page.status, warc_key=warc_key,
                                 warc_sha256=warc_sha, body_sha256=hashlib.sha256(page.body).hexdigest(),
                                 size=len(page.body), screenshot_key=shot_key, screenshot_sha256=shot_sha)
        capture_id = capture.id
    log.info("clip %s: page captured (%d bytes, HTTP %d, WARC sha256 %s)", clip_id, len(page.body), page.status,
             warc_sha[:16])
    return capture_id


def capture_quietly(settings: Settings, clip_id: int, url: str | None) -> int | None:
    """capture_page for the fetch task: off by setting, and a failure is a warning, never the fetch's."""
    if not settings.capture_pages or not url:
        return None
    try:
        return capture_page(settings, clip_id, url)
    except Exception as exc:  # noqa: BLE001
        log.warning("clip %s: page not captured: %s", clip_id, str(exc)[:300])
        return None
