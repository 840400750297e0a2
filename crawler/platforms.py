"""Which platform a URL belongs to, its video ids, and canonical URLs on the platform's public host.

A URL under a platform's configured base URL (`MAMORU_<PLATFORM>_BASE_URL`, so tests can serve a
platform from 127.0.0.1) or on one of its public hosts is that platform's. Canonical URLs always name
the public host, whatever address the document was fetched from; they are what yt-dlp gets.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

from core.config import DEFAULT_BASE_URLS, PLATFORMS, Settings

WEB = "web"
PUBLIC_HOSTS: dict[str, frozenset[str]] = {
    "youtube": frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be",
                          "youtube-nocookie.com", "www.youtube-nocookie.com"}),
    "tiktok": frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com", "vm.tiktok.com", "vt.tiktok.com"}),
    "instagram": frozenset({"instagram.com", "www.instagram.com", "m.instagram.com"}),
    # twitter.com and x.com are one platform: host aliases collapse to x.com
    "x": frozenset({"x.com", "www.x.com", "mobile.x.com", "twitter.com", "www.twitter.com",
                    "mobile.twitter.com", "m.twitter.com"}),
    "niconico": frozenset({"nicovideo.jp", "www.nicovideo.jp", "sp.nicovideo.jp", "embed.nicovideo.jp",
                           "nico.ms"}),
    "bilibili": frozenset({"bilibili.com", "www.bilibili.com", "m.bilibili.com", "b23.tv"}),
}

_YT_ID = r"[A-Za-z0-9_-]{11}"
_VIDEO_PATHS: dict[str, list[re.Pattern[str]]] = {
    "youtube": [re.compile(rf"^/(?:shorts|embed|live|v|e)/(?P<id>{_YT_ID})(?:[/?#]|$)")],
    "tiktok": [re.compile(r"^/@(?P<user>[\w.-]*)/video/(?P<id>\d+)"),
               re.compile(r"^/(?:embed(?:/v2)?|share/video|v)/(?P<id>\d+)")],
    "instagram": [re.compile(r"^/(?:[\w.]+/)?(?:p|reels?|tv)/(?P<id>[\w-]+)")],
    "x": [re.compile(r"^/(?P<user>\w+)/status(?:es)?/(?P<id>\d+)"),
          re.compile(r"^/i/web/status/(?P<id>\d+)"), re.compile(r"^/statuses/(?P<id>\d+)")],
    "niconico": [re.compile(r"^/(?:watch|shorts)/(?P<id>(?:[a-z]{2})?\d+)")],
    "bilibili": [re.compile(r"^/video/(?P<id>BV[0-9A-Za-z]{10}|av\d+)", re.I)],
}


def base_url(settings: Settings, platform: str) -> str:
    return (settings.platform_base_urls.get(platform) or DEFAULT_BASE_URLS[platform]).rstrip("/")


def api_url(settings: Settings, platform: str) -> str:
    from core.config import DEFAULT_API_URLS

    return (settings.platform_api_urls.get(platform) or DEFAULT_API_URLS[platform]).rstrip("/")


def locate(url: str, settings: Settings) -> tuple[str, str]:
    """(platform, path-and-query relative to the platform's root); ("web", url) for any other site."""
    for platform in PLATFORMS:
        for root in {base_url(settings, platform), DEFAULT_BASE_URLS[platform]}:
            if url == root or url.startswith(root + "/") or url.startswith(root + "?"):
                rest = url[len(root):] or "/"
                return platform, rest if rest.startswith("/") else "/" + rest
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for platform, hosts in PUBLIC_HOSTS.items():
        if host in hosts:
            rest = parts.path or "/"
            if host == "youtu.be":
                rest = "/shorts" + rest  # youtu.be/ID names a video like /shorts/ID
            elif host == "nico.ms":
                rest = "/watch" + rest
            return platform, rest + (f"?{parts.query}" if parts.query else "")
    return WEB, url


def video_ref(url: str, settings: Settings) -> tuple[str, str, str | None] | None:
    """(platform, platform id, user or None) when URL is a known platform's video page; else None."""
    platform, rest = locate(url, settings)
    if platform == WEB:
        return None
    path, _, query = rest.partition("?")
    if platform == "youtube" and path in ("/watch", "/watch/"):
        vid = (parse_qs(query).get("v") or [""])[0]
        return ("youtube", vid, None) if re.fullmatch(_YT_ID, vid) else None
    for pattern in _VIDEO_PATHS[platform]:
        match = pattern.match(path)
        if match:
            groups = match.groupdict()
            user = groups.get("user") or None
            if platform == "x" and user in ("i", "intent", "home", "search"):
                user = None
            return platform, groups["id"], user
    return None


def canonical_url(platform: str, platform_id: str, user: str | None = None) -> str:
    """The public URL of a clip (for yt-dlp and people); ids starting with '-' kept as they are."""
    pid = quote(platform_id, safe="-_.~")
    if platform == "youtube":
        return f"https://www.youtube.com/watch?v={pid}"
    if platform == "tiktok":
        return f"https://www.tiktok.com/@{quote(user or '', safe='._-')}/video/{pid}"
    if platform == "instagram":
        return f"https://www.instagram.com/p/{pid}/"
    if platform == "x":
        return f"https://x.com/{quote(user or 'i', safe='_')}/status/{pid}"
    if platform == "niconico":
        return f"https://www.nicovideo.jp/watch/{pid}"
    if platform == "bilibili":
        return f"https://www.bilibili.com/video/{pid}"
    raise ValueError(f"no canonical URL rule for platform {platform!r}")


def public_page_url(url: str, settings: Settings) -> str:
    """URL moved from a configured base URL (e.g. a test server) to the platform's public host."""
    platform, rest = locate(url, settings)
    if platform == WEB:
        return url
    return DEFAULT_BASE_URLS[platform] + rest
