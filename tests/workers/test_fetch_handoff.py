"""The crawler's hand-off to the fetcher, end to end on 127.0.0.1: a real crawl (child process) finds the
videos, yt-dlp downloads exactly the files the crawler named, each URL under the address rule."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mamoru.demo.catalog import CLIPS
from mamoru.demo.generate import write_clip
from workers.fetch import FetchError, download, handoff_url

REPO = Path(__file__).resolve().parents[2]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false", "-s", "RETRY_ENABLED=false"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Three different clips as files, and pages that name them."""
    root = tmp_path_factory.mktemp("site")
    (root / "media").mkdir()
    for clip in CLIPS[:3]:
        write_clip(clip, root / "media" / f"{clip.id}.mp4")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (root / "three.html").write_text(
        "<html><head><title>三本立て</title></head><body>"
        + "".join(f'<video src="/media/{c.id}.mp4"></video>' for c in CLIPS[:3]) + "</body></html>")
    # a player (the page's twitter:player) showing another clip than the feed's enclosure
    (root / "player.html").write_text(f'<html><body><video src="/media/{CLIPS[2].id}.mp4"></video></body></html>')
    (root / "post.html").write_text(f'<html><head><meta name="twitter:player" content="{base}/player.html">'
                                    "<title>post</title></head><body></body></html>")
    (root / "feed.rss").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title><item><title>the post</title>'
        f'<link>{base}/post.html</link><enclosure url="{base}/media/{CLIPS[0].id}.mp4" type="video/mp4" '
        'length="1"/></item></channel></rss>')
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield base, root
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def loopback(settings):
    return dataclasses.replace(settings, allowed_private_hosts=("127.0.0.1",))


def _discover(url: str, home: Path) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAMORU_")}
    env.update({"MAMORU_HOME": str(home), "MAMORU_ALLOWED_PRIVATE_HOSTS": "127.0.0.1"})
    proc = subprocess.run([sys.executable, "-m", "crawler.run", f"--discover={url}", *FAST], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return lines[:-1]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_page_with_three_videos_gives_three_clips_with_three_media(site, loopback, tmp_path):
    base, root = site
    items = _discover(f"{base}/three.html", tmp_path / "home")
    assert len(items) == 3 and len({i["platform_id"] for i in items}) == 3
    hashes = []
    for n, item in enumerate(items):
        url = handoff_url(loopback, item["canonical_url"], item["media_url"], item["player_url"])
        hashes.append(download(url, tmp_path / f"dl{n}", loopback).sha256)
    assert hashes == [_sha(root / "media" / f"{c.id}.mp4") for c in CLIPS[:3]]
    assert len(set(hashes)) == 3


def test_the_feeds_enclosure_not_the_pages_player(site, loopback, tmp_path):
    base, root = site
    [item] = _discover(f"{base}/feed.rss", tmp_path / "home")
    assert item["media_url"] == f"{base}/media/{CLIPS[0].id}.mp4" and item["player_url"] is None
    url = handoff_url(loopback, item["canonical_url"], item["media_url"], item["player_url"])
    assert download(url, tmp_path / "dl", loopback).sha256 == _sha(root / "media" / f"{CLIPS[0].id}.mp4")


def test_a_page_of_several_videos_is_not_guessed_from(site, loopback, tmp_path):
    base, _ = site
    with pytest.raises(FetchError, match="holds 3 videos") as err:
        download(f"{base}/three.html", tmp_path / "dl", loopback)
    assert err.value.permanent


@pytest.mark.parametrize("field", ["media_url", "player_url"])
def test_every_url_of_the_hand_off_obeys_the_address_rule(field, settings):
    urls = {"media_url": None, "player_url": None, field: "http://169.254.169.254/latest/meta-data/v.mp4"}
    with pytest.raises(FetchError) as err:
        handoff_url(settings, "https://example.org/post/1", **urls)
    assert err.value.code == "unsafe_url" and "169.254" in str(err.value)


def test_an_extractors_page_is_handed_over_as_is(settings):
    page = "https://www.tiktok.com/@someone/video/7000000000000000001"
    assert handoff_url(settings, page, "https://v16.tiktokcdn.com/x.mp4") == page


class _CookieGate(SimpleHTTPRequestHandler):
    """Serves files only to a request carrying the session cookie."""

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass

    def do_GET(self) -> None:  # noqa: N802
        if "sessionid=fetch-secret" not in (self.headers.get("Cookie") or ""):
            self.send_error(401)
            return
        super().do_GET()


def test_yt_dlp_gets_the_platforms_cookies_and_keeps_none(site, loopback, tmp_path, monkeypatch):
    import glob
    import tempfile

    _, root = site
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_CookieGate, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    settings = dataclasses.replace(loopback, platform_base_urls={**loopback.platform_base_urls, "instagram": base})
    url = f"{base}/media/{CLIPS[1].id}.mp4"
    try:
        with pytest.raises(FetchError, match="401"):
            download(url, tmp_path / "anon", settings)
        cookies = tmp_path / "ig.txt"
        cookies.write_text("# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsessionid\tfetch-secret\n")
        monkeypatch.setenv("MAMORU_INSTAGRAM_COOKIES_FILE", str(cookies))
        cookies.chmod(0o644)
        with pytest.raises(FetchError, match="open to other users") as err:
            download(url, tmp_path / "open", settings)
        assert err.value.code == "cookies"
        cookies.chmod(0o600)
        result = download(url, tmp_path / "dl", settings)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.sha256 == _sha(root / "media" / f"{CLIPS[1].id}.mp4")
    assert "fetch-secret" not in result.info_path.read_text()  # evidence without the log-in
    assert not glob.glob(f"{tempfile.gettempdir()}/mamoru-cookies-*")
    assert cookies.read_text().count("fetch-secret") == 1  # the user's file untouched


def test_three_clips_stored_by_a_watchlist_run_fetch_three_media(site, loopback, tmp_path):
    """The hand-off as the fetch task reads it: the clip rows' url, media_url and player_url."""
    from sqlalchemy import select

    from core.db import session_scope
    from core.models import Clip, RightsHolder, Watchlist

    base, root = site
    with session_scope(loopback) as session:
        holder = RightsHolder(name="Studio")
        session.add(holder)
        session.flush()
        watchlist = Watchlist(rights_holder_id=holder.id, platform="web", kind="page", value=f"{base}/three.html",
                              max_duration_s=None)
        session.add(watchlist)
        session.flush()
        wl_id = watchlist.id
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAMORU_")}
    env.update({"MAMORU_HOME": str(loopback.home), "MAMORU_ALLOWED_PRIVATE_HOSTS": "127.0.0.1"})
    proc = subprocess.run([sys.executable, "-m", "crawler.run", f"--watchlist={wl_id}", *FAST], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert json.loads(proc.stdout.splitlines()[-1])["new"] == 3, proc.stderr[-2000:]
    with session_scope(loopback) as session:
        rows = [(c.url, c.media_url, c.player_url) for c in session.scalars(select(Clip).order_by(Clip.id))]
    hashes = {download(handoff_url(loopback, *row), tmp_path / f"dl{n}", loopback).sha256
              for n, row in enumerate(rows)}
    assert hashes == {_sha(root / "media" / f"{c.id}.mp4") for c in CLIPS[:3]}
