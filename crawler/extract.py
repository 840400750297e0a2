"""Generic video extraction from any site's documents: HTML pages (JSON-LD VideoObject, schema.org
microdata, og:video / twitter:player, <video> sources), RSS/Atom/Media RSS feeds and sitemaps
(video sitemaps included). Each extractor returns plain dicts ("records") with the item's field names
plus `content_url`/`link`; spiders turn records into items.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector

from crawler.parsing import (
    absolute_url,
    clean_multiline,
    clean_text,
    first,
    hashtags_in,
    merge_tags,
    parse_count,
    parse_datetime,
    parse_duration,
    strip_tags,
    strip_tracking,
)

Record = dict[str, Any]
_VIDEO_PATH_HINT = re.compile(r"/(?:v|video|videos|watch|clip|clips|embed|shorts|reel|movie|status)(?:/|$|\?)",
                              re.I)


# --- identity of a clip on "any site" ----------------------------------------------------------

def web_platform_id(canonical: str, suffix: str = "") -> str:
    """The stable id of a clip on a generic site: host (no port, no "www.") + path (+ query sans
    tracking). Derived from the URL alone, it is the same whether the clip was listed by a feed, a
    sitemap or its own page, and does not change when the site moves to another port. (The JSON-LD
    `identifier` is not used: feeds and sitemaps do not carry it, and it is only unique per site.)"""
    parts = urlsplit(strip_tracking(canonical))
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    pid = host + (parts.path or "/") + (f"?{parts.query}" if parts.query else "") + suffix
    if len(pid) > 200:  # the column holds 200: keep a readable head and a digest of the whole
        pid = pid[:150] + "~" + hashlib.sha256(pid.encode("utf-8")).hexdigest()[:32]
    return pid


# --- HTML pages ----------------------------------------------------------------------------------

def _jsonld_objects(sel: Selector) -> list[dict]:
    objects: list[dict] = []
    for raw in sel.xpath('//script[contains(@type, "ld+json")]/text()').getall():
        try:
            data = json.loads(raw.strip().rstrip(";"))
        except ValueError:
            try:  # some sites put raw newlines/control characters inside strings
                data = json.loads(re.sub(r"[\x00-\x1f]", " ", raw.strip().rstrip(";")))
            except ValueError:
                continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                objects.append(node)
                for key in ("@graph", "video", "mainEntity", "hasPart", "associatedMedia", "itemListElement",
                            "item"):
                    if key in node and isinstance(node[key], (dict, list)):
                        stack.append(node[key])
    return objects


def _is_type(node: dict, name: str) -> bool:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.split("/")[-1].lower() == name.lower() for k in kinds)


def _text(value: Any) -> Any:
    if isinstance(value, dict):
        return first(value.get("name"), value.get("@value"), value.get("url"), value.get("@id"))
    if isinstance(value, list):
        return _text(value[0]) if value else None
    return value


def _url_of(value: Any) -> Any:
    if isinstance(value, dict):
        return first(value.get("url"), value.get("contentUrl"), value.get("@id"))
    if isinstance(value, list):
        for entry in value:
            url = _url_of(entry)
            if url:
                return url
        return None
    return value


def _views(stats: Any) -> int | None:
    entries = stats if isinstance(stats, list) else [stats]
    for entry in entries:
        if isinstance(entry, dict):
            kind = json.dumps(entry.get("interactionType", ""))
            if "Watch" in kind or "View" in kind or not kind.strip('"'):
                count = parse_count(entry.get("userInteractionCount"))
                if count is not None:
                    return count
        else:
            count = parse_count(entry)
            if count is not None:
                return count
    return None


def _from_videoobject(node: dict, page_url: str) -> Record:
    author = node.get("author") or node.get("creator") or node.get("publisher")
    if isinstance(author, list):
        author = author[0] if author else None
    uploader_name = clean_text(_text(author)) if author else None
    uploader_id = None
    if isinstance(author, dict):
        uploader_id = first(author.get("identifier"), author.get("alternateName"), author.get("url"))
    keywords = node.get("keywords")
    if isinstance(keywords, str):
        keywords = [k for k in re.split(r"[,、]", keywords)]
    description = clean_multiline(node.get("description"))
    return {
        "title": clean_text(first(node.get("name"), node.get("headline"))),
        "description": description,
        "content_url": absolute_url(page_url, _url_of(node.get("contentUrl"))),
        "embed_url": absolute_url(page_url, _url_of(node.get("embedUrl"))),
        "thumbnail_url": absolute_url(page_url, _url_of(first(node.get("thumbnailUrl"), node.get("thumbnail"),
                                                              node.get("image")))),
        "published_at": parse_datetime(first(node.get("uploadDate"), node.get("datePublished"),
                                             node.get("dateCreated"))),
        "duration": parse_duration(node.get("duration")),
        "view_count": _views(first(node.get("interactionStatistic"), node.get("interactionCount"))),
        "uploader_name": uploader_name,
        "uploader_id": clean_text(_text(uploader_id)) if uploader_id else None,
        "identifier": clean_text(_text(node.get("identifier"))),
        "link": absolute_url(page_url, first(node.get("url"), node.get("mainEntityOfPage"))
                             if isinstance(first(node.get("url"), node.get("mainEntityOfPage")), str) else None),
        "hashtags": merge_tags(keywords, hashtags_in(description)),
    }


def _microdata(sel: Selector, page_url: str) -> list[Record]:
    records = []
    for scope in sel.xpath('//*[@itemscope][contains(@itemtype, "VideoObject")]'):
        def prop(name: str) -> str | None:
            node = scope.xpath(f'.//*[@itemprop="{name}"]')
            if not node:
                return None
            node = node[0]
            for attr in ("content", "href", "src", "datetime"):
                value = node.attrib.get(attr)
                if value:
                    return value
            return node.xpath("string()").get()

        description = clean_multiline(prop("description"))
        records.append({
            "title": clean_text(prop("name")),
            "description": description,
            "content_url": absolute_url(page_url, prop("contentUrl") or prop("contentURL")),
            "embed_url": absolute_url(page_url, prop("embedUrl") or prop("embedURL")),
            "thumbnail_url": absolute_url(page_url, prop("thumbnailUrl") or prop("thumbnailURL")),
            "published_at": parse_datetime(prop("uploadDate") or prop("datePublished")),
            "duration": parse_duration(prop("duration")),
            "view_count": parse_count(prop("interactionCount") or prop("userInteractionCount")),
            "uploader_name": clean_text(scope.xpath('.//*[@itemprop="author"]//*[@itemprop="name"]/@content'
                                                    ).get() or prop("author")),
            "identifier": clean_text(prop("identifier")),
            "hashtags": merge_tags(prop("keywords"), hashtags_in(description)),
        })
    return records


def _meta(sel: Selector, *names: str) -> str | None:
    for name in names:
        value = sel.xpath(f'//meta[@property="{name}" or @name="{name}" or @itemprop="{name}"]/@content').get()
        if value and value.strip():
            return value.strip()
    return None


def page_canonical(sel: Selector, page_url: str) -> str:
    """The page's own URL as it names it (<link rel=canonical>, og:url), tracking removed."""
    canonical = absolute_url(page_url, first(sel.xpath('//link[@rel="canonical"]/@href').get(),
                                             _meta(sel, "og:url")))
    return strip_tracking(canonical or page_url)


_MEDIA_FILE = re.compile(r"\.(mp4|webm|m3u8|mov|m4v)(\?|$)", re.I)


def _og_videos(sel: Selector, page_url: str) -> list[str]:
    """Media files named by Open Graph: each og:video (or og:video:url) starts a video, its
    og:video:secure_url replaces the plain URL; a player page (not video/*, not a media file) is left out."""
    videos: list[dict] = []
    for node in sel.xpath('//meta[starts-with(@property, "og:video") or starts-with(@name, "og:video")]'):
        key = (node.attrib.get("property") or node.attrib.get("name") or "").lower()
        value = (node.attrib.get("content") or "").strip()
        if key in ("og:video", "og:video:url"):
            if not (videos and key == "og:video:url" and "url" not in videos[-1]):
                videos.append({})
            videos[-1]["url"] = value
        elif key == "og:video:secure_url":
            if not videos or "secure" in videos[-1]:
                videos.append({})
            videos[-1]["secure"] = value
        elif key == "og:video:type" and videos:
            videos[-1]["type"] = value.lower()
    found = []
    for video in videos:
        url = absolute_url(page_url, video.get("secure") or video.get("url"))
        if url and ("video/" in video.get("type", "") or "mpegurl" in video.get("type", "") or _MEDIA_FILE.search(url)):
            found.append(url)
    return found


def _video_elements(sel: Selector, page_url: str) -> list[str]:
    """One media URL per <video> element (its src, else its first usable <source>); blob:/data: skipped."""
    found = []
    for video in sel.xpath("//video"):
        for src in video.xpath("@src | source/@src").getall():
            url = absolute_url(page_url, src)
            if url:
                found.append(url)
                break
    return found


def is_video_record(record: Record) -> bool:
    """A record names something to fetch: a media file, an embed or a player."""
    return bool(record.get("content_url") or record.get("embed_url") or record.get("player_url"))


def page_records(sel: Selector, page_url: str) -> list[Record]:
    """Videos of an HTML page, one record each: its structured data (JSON-LD, microdata), else every
    distinct media file the page names (og:video, <video>), else its player. A page without any yields []."""
    records = [_from_videoobject(node, page_url) for node in _jsonld_objects(sel) if _is_type(node, "VideoObject")]
    records += _microdata(sel, page_url)
    media = list(dict.fromkeys(_og_videos(sel, page_url) + _video_elements(sel, page_url)))
    player = absolute_url(page_url, _meta(sel, "twitter:player"))
    og_title = clean_text(first(_meta(sel, "og:title", "twitter:title"), sel.xpath("//title/text()").get()))
    og_description = clean_multiline(_meta(sel, "og:description", "description", "twitter:description"))
    if not records:  # no structured data: each media file is a video of the page, told by the page's text
        records = [{"content_url": url, "title": og_title, "description": og_description,
                    "hashtags": hashtags_in(og_title, og_description)} for url in media]
        if not records and (player or (_meta(sel, "og:type") or "").startswith("video")):
            records = [{}]
    if len(records) != 1:
        return [r for r in records if is_video_record(r)]
    record = records[0]
    description = first(record.get("description"), og_description)
    fallback = {
        "title": og_title,
        "description": description,
        "content_url": media[0] if media else None,
        "thumbnail_url": absolute_url(page_url, first(_meta(sel, "og:image", "twitter:image"),
                                                      sel.xpath("//video/@poster").get())),
        "published_at": parse_datetime(_meta(sel, "video:release_date", "article:published_time", "uploadDate",
                                             "datePublished")),
        "duration": parse_duration(_meta(sel, "video:duration", "og:video:duration", "duration")),
        "hashtags": merge_tags(sel.xpath('//meta[@property="video:tag"]/@content').getall(),
                               hashtags_in(og_title, description)),
    }
    for key, value in fallback.items():
        if record.get(key) in (None, "", []):
            record[key] = value
    record["player_url"] = player
    return [record]


def page_links(sel: Selector, page_url: str) -> list[str]:
    """Links of a page worth following to find videos: video-looking paths first, same site only."""
    host = urlsplit(page_url).netloc
    hinted, other = [], []
    for href in sel.xpath("//a/@href").getall():
        url = absolute_url(page_url, href)
        if not url or urlsplit(url).netloc != host:
            continue
        url = url.split("#")[0]
        if url == page_url:
            continue
        (hinted if _VIDEO_PATH_HINT.search(urlsplit(url).path) else other).append(url)
    return list(dict.fromkeys(hinted + other))


def page_feeds(sel: Selector, page_url: str) -> list[str]:
    return [u for u in (absolute_url(page_url, h) for h in sel.xpath(
        '//link[@rel="alternate"][contains(@type, "rss") or contains(@type, "atom")]/@href').getall()) if u]


# --- feeds ---------------------------------------------------------------------------------------

def xml_selector(body: bytes) -> Selector:
    sel = Selector(body=body, type="xml")
    sel.remove_namespaces()
    return sel


def xml_root(sel: Selector) -> str:
    return (sel.xpath("name(/*)").get() or "").lower()


def feed_records(sel: Selector, feed_url: str) -> list[Record]:
    """Entries of an RSS 2.0 / RSS 1.0 / Atom feed, with Media RSS and YouTube extensions.
    Each record has `link` (the entry's page) and `content_url` when the feed names a video file."""
    records = []
    for entry in sel.xpath("//item | //entry"):
        def get(xpath: str) -> str | None:
            value = entry.xpath(xpath).get()
            return value.strip() if value and value.strip() else None

        link = absolute_url(feed_url, first(
            get('link[@rel="alternate"]/@href'), get("link[not(@rel)]/@href"), get("link/text()"),
            get('guid[not(@isPermaLink="false")]/text()'), get("link/@href")))
        content_url = None
        duration = None
        for media in entry.xpath(".//content[@url] | enclosure[@url] | link[@rel='enclosure'][@href]"):
            url = media.attrib.get("url") or media.attrib.get("href")
            mime = (media.attrib.get("type") or "").lower()
            medium = (media.attrib.get("medium") or "").lower()
            if mime.startswith("video/") or medium == "video" or "mpegurl" in mime or (
                    not mime and not medium and re.search(r"\.(mp4|webm|m3u8|mov|m4v)(\?|$)", url or "", re.I)):
                content_url = absolute_url(feed_url, url)
                duration = parse_duration(media.attrib.get("duration"))
                if content_url:
                    break
        title = clean_text(first(get("title/text()"), get(".//group/title/text()"), get(".//content/title/text()")))
        # media:description is plain text; RSS description / Atom summary and content are HTML
        description = first(clean_multiline(first(get(".//group/description/text()"),
                                                  get(".//content/description/text()"))),
                            strip_tags(first(get("description/text()"), get("summary/text()"),
                                             get("content/text()"), get("encoded/text()"))))
        records.append({
            "link": link,
            "content_url": content_url,
            "guid": get("guid/text()") or get("id/text()"),
            "video_id": get("videoId/text()"),
            "channel_id": get("channelId/text()"),
            "title": title,
            "description": description,
            "description_html": first(get("description/text()"), get("encoded/text()"), get("content/text()"),
                                      get("summary/text()")),
            "published_at": parse_datetime(first(get("pubDate/text()"), get("published/text()"),
                                                 get("date/text()"), get("updated/text()"))),
            "duration": first(duration, parse_duration(get("duration/text()"))),
            "thumbnail_url": absolute_url(feed_url, first(get(".//thumbnail/@url"), get("image/url/text()"))),
            "uploader_name": clean_text(first(get("author/name/text()"), get("creator/text()"),
                                              get("author/text()"))),
            "uploader_id": first(get("author/uri/text()"), None),
            "view_count": parse_count(get(".//statistics/@views")),
            "hashtags": merge_tags([c.strip() for c in entry.xpath("category/text() | category/@term").getall()],
                                   get(".//keywords/text()"), hashtags_in(title, description)),
        })
    return records


# --- sitemaps ------------------------------------------------------------------------------------

def sitemap_records(sel: Selector, sitemap_url: str) -> tuple[list[Record], list[str], list[str]]:
    """(video records, page URLs without video data, child sitemap URLs) of a sitemap or index."""
    children = [u for u in (absolute_url(sitemap_url, s.strip()) for s in sel.xpath("//sitemap/loc/text()").getall())
                if u]
    records: list[Record] = []
    pages: list[str] = []
    for url_node in sel.xpath("//url"):
        loc = absolute_url(sitemap_url, (url_node.xpath("loc/text()").get() or "").strip())
        videos = url_node.xpath("video")
        if not videos:
            if loc:
                pages.append(loc)
            continue
        for position, video in enumerate(videos, 1):
            def get(xpath: str, node: Selector = video) -> str | None:
                value = node.xpath(xpath).get()
                return value.strip() if value and value.strip() else None

            description = clean_multiline(get("description/text()"))
            title = clean_text(get("title/text()"))
            records.append({
                "link": loc,
                "position": position if len(videos) > 1 else None,  # one of several videos of the page
                "content_url": absolute_url(sitemap_url, get("content_loc/text()")),
                "player_url": absolute_url(sitemap_url, get("player_loc/text()")),
                "title": title,
                "description": description,
                "thumbnail_url": absolute_url(sitemap_url, get("thumbnail_loc/text()")),
                "duration": parse_duration(get("duration/text()")),
                "published_at": parse_datetime(get("publication_date/text()")),
                "view_count": parse_count(get("view_count/text()")),
                "uploader_name": clean_text(get("uploader/text()")),
                "uploader_id": absolute_url(sitemap_url, get("uploader/@info")),
                "hashtags": merge_tags(video.xpath("tag/text()").getall(), get("category/text()"),
                                       hashtags_in(title, description)),
            })
    return records, pages, children


def robots_sitemaps(text: str, robots_url: str) -> list[str]:
    urls = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap":
            url = absolute_url(robots_url, value.strip())
            if url:
                urls.append(url)
    return urls


# --- embedded application state ------------------------------------------------------------------

def json_after(text: str, marker: str) -> dict | None:
    """The JSON object assigned right after `marker` in a script (`window.__INITIAL_STATE__ = {...};`)."""
    start = text.find(marker)
    if start < 0:
        return None
    start = text.find("{", start)
    if start < 0:
        return None
    try:
        obj, _ = json.JSONDecoder().raw_decode(text[start:])
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def json_script(sel: Selector, script_id: str) -> dict | None:
    """The JSON of `<script id="script_id" type="application/json">`."""
    raw = sel.xpath(f'//script[@id="{script_id}"]/text()').get()
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
