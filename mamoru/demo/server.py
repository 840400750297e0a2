"""The demo platform: a small short-video site served on 127.0.0.1 (home, tags, search, video pages
with og:video and JSON-LD, an RSS feed with Media RSS, a video sitemap, robots.txt, MP4 files).
`POST /admin/takedown/<id>` takes a clip down as a platform does after a notice (its page and file then
answer 410 Gone); `POST /admin/restore/<id>` puts it back up (mamoru.demo.takedowns)."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit
from xml.sax.saxutils import escape as xml_escape

from mamoru.demo.catalog import CLIPS, DemoClip
from mamoru.demo.generate import SECONDS
from mamoru.demo.takedowns import Takedowns, UnknownClip

log = logging.getLogger(__name__)
EPOCH = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # Monday of ISO week 2026-W47


def posted_at(clip: DemoClip) -> datetime:
    return EPOCH + timedelta(hours=7 * CLIPS.index(clip))


def description(clip: DemoClip) -> str:
    return f"{clip.title} " + " ".join(f"#{t}" for t in clip.hashtags)


class DemoSite:
    """Renders the documents of the site; `base` is the address it is reached at."""

    def __init__(self, base: str, media_dir: Path, takedowns: Takedowns | None = None):
        self.base = base.rstrip("/")
        self.media_dir = media_dir
        self.takedowns = takedowns or Takedowns()

    def listed(self) -> list[DemoClip]:
        """The clips still up (a clip taken down leaves every listing)."""
        down = self.takedowns.ids()
        return [c for c in CLIPS if c.id not in down]

    def gone(self, clip: DemoClip) -> str:
        return self._layout("Video unavailable", f"<h1>Video unavailable</h1><p>This video ({escape(clip.id)}) "
                            "has been removed in response to a copyright notice.</p>")

    def page_url(self, clip: DemoClip) -> str:
        return f"{self.base}/v/{clip.id}"

    def media_url(self, clip: DemoClip) -> str:
        return f"{self.base}/media/{clip.id}.mp4"

    def thumb_url(self, clip: DemoClip) -> str:
        return f"{self.base}/media/{clip.id}.jpg"

    def _layout(self, title: str, body: str, head: str = "") -> str:
        return (f"<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
                f"<link rel=\"alternate\" type=\"application/rss+xml\" href=\"{self.base}/feed.rss\">{head}</head>"
                f"<body><header><a href=\"/\">DemoTube</a> · <a href=\"/search?q=sora\">search</a></header>"
                f"{body}</body></html>")

    def _list(self, clips: list[DemoClip]) -> str:
        items = "".join(f'<li><a href="/v/{c.id}">{escape(c.title)}</a> by @{escape(c.uploader)}</li>' for c in clips)
        return f"<ul class=\"clips\">{items}</ul>" if clips else "<p>No videos.</p>"

    def home(self) -> str:
        tags = sorted({t for c in CLIPS for t in c.hashtags})
        links = " ".join(f'<a href="/tag/{quote(t)}">#{escape(t)}</a>' for t in tags)
        return self._layout("DemoTube: short videos", f"<h1>Latest shorts</h1>{self._list(self.listed())}<p>{links}</p>")

    def tag(self, tag: str) -> str:
        clips = [c for c in self.listed() if tag in c.hashtags]
        return self._layout(f"#{tag}", f"<h1>#{escape(tag)}</h1>{self._list(clips)}")

    def search(self, query: str) -> str:
        q = query.lower()
        clips = [c for c in self.listed() if q in c.title.lower() or any(q in t.lower() for t in c.hashtags)]
        return self._layout(f"search: {query}", f"<h1>Results for {escape(query)}</h1>{self._list(clips)}")

    def video(self, clip: DemoClip) -> str:
        ld = {
            "@context": "https://schema.org", "@type": "VideoObject", "identifier": clip.id,
            "name": clip.title, "description": description(clip),
            "contentUrl": self.media_url(clip), "thumbnailUrl": self.thumb_url(clip),
            "uploadDate": posted_at(clip).isoformat(), "duration": f"PT{SECONDS}S", "width": 720, "height": 1280,
            "author": {"@type": "Person", "name": clip.uploader, "url": f"{self.base}/@{quote(clip.uploader)}"},
            "interactionStatistic": {"@type": "InteractionCounter",
                                     "interactionType": {"@type": "WatchAction"},
                                     "userInteractionCount": 1000 * (CLIPS.index(clip) + 1)},
            "keywords": ",".join(clip.hashtags),
        }
        ld_json = json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
        head = (f'<meta property="og:type" content="video.other">'
                f'<meta property="og:title" content="{escape(clip.title)}">'
                f'<meta property="og:url" content="{self.page_url(clip)}">'
                f'<meta property="og:image" content="{self.thumb_url(clip)}">'
                f'<meta property="og:video" content="{self.media_url(clip)}">'
                f'<meta property="og:video:type" content="video/mp4">'
                f'<meta property="og:video:width" content="720"><meta property="og:video:height" content="1280">'
                f'<link rel="canonical" href="{self.page_url(clip)}">'
                f'<script type="application/ld+json">{ld_json}</script>')
        tags = " ".join(f'<a href="/tag/{quote(t)}">#{escape(t)}</a>' for t in clip.hashtags)
        body = (f"<h1>{escape(clip.title)}</h1><video controls src=\"/media/{clip.id}.mp4\" width=\"360\"></video>"
                f"<p>by <a href=\"/@{quote(clip.uploader)}\">@{escape(clip.uploader)}</a></p><p>{tags}</p>")
        return self._layout(clip.title, body, head)

    def feed(self) -> str:
        items = []
        for c in self.listed():
            items.append(
                f"<item><title>{xml_escape(c.title)}</title><link>{self.page_url(c)}</link>"
                f"<description>{xml_escape(description(c))}</description>"
                f"<guid isPermaLink=\"true\">{self.page_url(c)}</guid>"
                f"<pubDate>{posted_at(c).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
                f"<dc:creator>{xml_escape(c.uploader)}</dc:creator>"
                + "".join(f"<category>{xml_escape(t)}</category>" for t in c.hashtags)
                + f"<media:content url=\"{self.media_url(c)}\" type=\"video/mp4\" medium=\"video\" "
                f"duration=\"{SECONDS}\" width=\"720\" height=\"1280\"/>"
                f"<media:thumbnail url=\"{self.thumb_url(c)}\"/></item>")
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>DemoTube latest</title>'
                f"<link>{self.base}/</link><description>Latest shorts on DemoTube</description>"
                + "".join(items) + "</channel></rss>")

    def sitemap(self) -> str:
        urls = "".join(
            f"<url><loc>{self.page_url(c)}</loc><video:video>"
            f"<video:thumbnail_loc>{self.thumb_url(c)}</video:thumbnail_loc>"
            f"<video:title>{xml_escape(c.title)}</video:title>"
            f"<video:description>{xml_escape(c.title)}</video:description>"
            f"<video:content_loc>{self.media_url(c)}</video:content_loc>"
            f"<video:duration>{SECONDS}</video:duration>"
            f"<video:publication_date>{posted_at(c).isoformat()}</video:publication_date>"
            f"<video:uploader>{xml_escape(c.uploader)}</video:uploader></video:video></url>"
            for c in self.listed())
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:video="http://www.google.com/schemas/sitemap-video/1.1">' + urls + "</urlset>")

    def robots(self) -> str:
        return f"User-agent: *\nAllow: /\nSitemap: {self.base}/sitemap.xml\n"


def _handler(site_for: callable) -> type[BaseHTTPRequestHandler]:
    clips = {c.id: c for c in CLIPS}

    class Handler(BaseHTTPRequestHandler):
        server_version = "DemoTube/1.0"

        def log_message(self, fmt: str, *args: object) -> None:
            log.debug("demo site: " + fmt, *args)

        def _send(self, body: bytes, ctype: str, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self) -> None:  # noqa: N802
            self.do_GET()

        def do_GET(self) -> None:  # noqa: N802
            site: DemoSite = site_for(self)
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            html = "text/html; charset=utf-8"
            if path == "/":
                return self._send(site.home().encode(), html)
            if path == "/robots.txt":
                return self._send(site.robots().encode(), "text/plain; charset=utf-8")
            if path == "/feed.rss":
                return self._send(site.feed().encode(), "application/rss+xml; charset=utf-8")
            if path == "/sitemap.xml":
                return self._send(site.sitemap().encode(), "application/xml; charset=utf-8")
            if path == "/search":
                return self._send(site.search(parse_qs(parts.query).get("q", [""])[0]).encode(), html)
            if path.startswith("/tag/"):
                return self._send(site.tag(path[len("/tag/"):]).encode(), html)
            if path.startswith("/v/") and path[3:] in clips:
                if path[3:] in site.takedowns:
                    return self._send(site.gone(clips[path[3:]]).encode(), html, HTTPStatus.GONE)
                return self._send(site.video(clips[path[3:]]).encode(), html)
            if path.startswith("/media/"):
                name = path[len("/media/"):]
                stem, _, ext = name.partition(".")
                file = site.media_dir / name
                if stem in clips and stem in site.takedowns:
                    return self._send(b"gone", "text/plain", HTTPStatus.GONE)
                if stem in clips and ext in ("mp4", "jpg") and file.is_file():
                    return self._send(file.read_bytes(), "video/mp4" if ext == "mp4" else "image/jpeg")
            self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)

        def do_POST(self) -> None:  # noqa: N802
            """The platform's side of a notice: take a clip down, or restore it."""
            site: DemoSite = site_for(self)
            action, _, clip_id = unquote(urlsplit(self.path).path).removeprefix("/admin/").partition("/")
            change = {"takedown": site.takedowns.take_down, "restore": site.takedowns.restore}.get(action)
            if change is None:
                return self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)
            try:
                changed = change(clip_id)
            except UnknownClip as exc:
                return self._send(str(exc).encode(), "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND)
            log.info("demo site: %s %s%s", action, clip_id, "" if changed else " (no change)")
            body = json.dumps({"clip": clip_id, "down": clip_id in site.takedowns, "changed": changed})
            self._send(body.encode(), "application/json")

    return Handler


class DemoServer:
    """The demo site on 127.0.0.1 in a background thread; `port=0` picks a free port."""

    def __init__(self, media_dir: Path, port: int = 0, host: str = "127.0.0.1", takedowns: Path | None = None):
        """TAKEDOWNS: the file of clips taken down (shared with `mamoru demo takedown`), else in memory."""
        self.media_dir = media_dir
        self.httpd = ThreadingHTTPServer((host, port), _handler(lambda _h: self.site))
        self.httpd.daemon_threads = True
        self.site = DemoSite(f"http://{host}:{self.httpd.server_address[1]}", media_dir, Takedowns(takedowns))
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return self.site.base

    def start(self) -> DemoServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="demo-site", daemon=True)
        self._thread.start()
        log.info("demo platform serving at %s", self.base_url)
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
