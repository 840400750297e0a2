"""Page capture as evidence: a page served on 127.0.0.1 is fetched through the guarded client, kept as a
WARC record in the blob store, read back with warcio, and its hashes match; the address rule holds."""

from __future__ import annotations

import dataclasses
import gzip
import io
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from core.blobstore import open_store
from core.db import session_scope
from core.models import Clip, PageCapture
from workers.capture import capture_page, capture_quietly
from workers.fetch import FetchError

PAGE = ("<!doctype html><html lang='ja'><head><meta charset='utf-8'><title>踊ってみた</title></head>"
        "<body><h1>踊ってみた</h1><p class='uploader'>@uploader1</p><p class='views'>12,345 回視聴</p>"
        "<p class='posted'>2026-12-01</p></body></html>").encode()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # noqa: ANN002
        pass

    def do_GET(self):  # noqa: N802
        if self.path == "/gone":
            self.send_error(404)
            return
        gzipped = "gzip" in (self.headers.get("Accept-Encoding") or "")
        body = gzip.compress(PAGE) if gzipped else PAGE
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("X-Platform-Views", "12345")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def clip_id(settings):
    with session_scope(settings) as s:
        clip = Clip(platform="web", platform_id="c1", url="http://127.0.0.1/v/1", title="踊ってみた")
        s.add(clip)
        s.flush()
        return clip.id


@pytest.fixture
def loopback(settings):
    return dataclasses.replace(settings, allowed_private_hosts=("127.0.0.1",))


def test_warc_capture_reads_back_with_matching_hashes(site, loopback, clip_id):
    url = f"{site}/v/1?ref=feed"
    capture_id = capture_page(loopback, clip_id, url)
    with session_scope(loopback) as s:
        capture = s.get(PageCapture, capture_id)
        assert capture.clip_id == clip_id and capture.status == 200 and capture.bytes == len(PAGE)
        assert capture.screenshot_key is None  # no browser unless enabled
        warc = open_store(loopback).get(capture.warc_key)
        assert hashlib.sha256(warc).hexdigest() == capture.warc_sha256
        assert capture.warc_key.startswith(f"captures/{clip_id}/")
        body_sha = capture.body_sha256
    records = list(ArchiveIterator(io.BytesIO(warc)))
    assert [r.rec_type for r in records] == ["warcinfo", "response"]
    with open_store(loopback).open(capture.warc_key) as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            assert record.rec_headers.get_header("WARC-Target-URI") == url
            assert record.http_headers.get_statuscode() == "200"
            assert record.http_headers.get_header("X-Platform-Views") == "12345"
            assert record.http_headers.get_header("Content-Encoding") is None  # the body is kept as read
            body = record.content_stream().read()
    assert body == PAGE and hashlib.sha256(body).hexdigest() == body_sha
    assert "12,345 回視聴".encode() in body


def test_an_error_page_is_kept_as_served(site, loopback, clip_id):
    capture_id = capture_page(loopback, clip_id, f"{site}/gone")
    with session_scope(loopback) as s:
        assert s.get(PageCapture, capture_id).status == 404


def test_the_address_rule_holds_and_a_failed_capture_never_fails_the_fetch(site, settings, clip_id):
    with pytest.raises(FetchError) as refused:
        capture_page(settings, clip_id, f"{site}/v/1")  # loopback is not allowlisted here
    assert refused.value.code == "unsafe_url"
    assert capture_quietly(settings, clip_id, f"{site}/v/1") is None
    assert capture_quietly(dataclasses.replace(settings, capture_pages=False), clip_id, f"{site}/v/1") is None
    with session_scope(settings) as s:
        assert s.scalars(select(PageCapture)).all() == []


@pytest.mark.browser
def test_screenshot_when_a_browser_is_enabled(site, loopback, clip_id):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    capture_id = capture_page(dataclasses.replace(loopback, capture_screenshots=True), clip_id, f"{site}/v/1")
    with session_scope(loopback) as s:
        capture = s.get(PageCapture, capture_id)
        png = open_store(loopback).get(capture.screenshot_key)
    assert png.startswith(b"\x89PNG") and hashlib.sha256(png).hexdigest() == capture.screenshot_sha256
