"""Downloader middlewares: the public-address rule on every request (redirects included) and backoff
on HTTP 429 / platform "rate limited" answers."""

from __future__ import annotations

import logging
import random
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.constants import BACKOFF_BASE_S, BACKOFF_MAX_S, BACKOFF_MAX_TRIES, EXPLICIT_META
from core.urlsafety import UnsafeURLError, check_url
from core.models import utcnow

logger = logging.getLogger("core.urlsafety")
backoff_logger = logging.getLogger("crawler.backoff")
error_logger = logging.getLogger("crawler.errors")


class URLSafetyMiddleware:
    """Refuse requests to non-http(s) URLs and non-public addresses (unless allow-listed), whether the
    spider asked for them or a redirect led there. One WARNING line per refusal."""

    def __init__(self, crawler) -> None:  # noqa: ANN001
        self.settings = crawler.settings["MAMORU_SETTINGS"]
        self.stats = crawler.stats
        self._verdicts: dict[tuple[str, str], str | None] = {}

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler)

    def process_request(self, request: Request, spider=None):  # noqa: ANN001, ANN201
        parts = urlsplit(request.url)
        key = (parts.scheme.lower(), (parts.hostname or "").lower())
        if key not in self._verdicts:
            try:
                check_url(request.url, self.settings)
                self._verdicts[key] = None
            except UnsafeURLError as exc:  # keep the reason, not the URL: the verdict is per host
                self._verdicts[key] = str(exc).split(": ", 1)[-1]
        reason = self._verdicts[key]
        if reason is None:
            return None
        if request.meta.get("dont_obey_robotstxt") and parts.path == "/robots.txt":
            # Scrapy's own robots.txt probe of a host a page or video file names: not a document the user
            # asked for, so not an error; the host's own URLs are refused (and counted) when requested
            self.stats.inc_value("mamoru/robots_refused")
            raise IgnoreRequest(f"robots.txt not read: {reason}")
        via = request.meta.get("redirect_urls")
        if via:
            message = f"refused redirect from {via[0][:200]!r} to {request.url[:200]!r}: {reason}"
        else:
            message = f"refused {request.url[:200]!r}: {reason}"
        logger.warning("%s", message)
        self.stats.inc_value("mamoru/refused")
        record_error(self.stats, f"refused {parts.hostname or request.url[:60]} ({reason.split(':')[0][:60]})")
        raise IgnoreRequest(message)


def _retry_after(response: Response) -> float | None:
    value = response.headers.get(b"Retry-After")
    if not value:
        return None
    text = value.decode("latin-1").strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        try:
            return max(0.0, (parsedate_to_datetime(text) - utcnow()).total_seconds())
        except (TypeError, ValueError, IndexError):
            return None


def backoff(crawler, request: Request, response: Response | None, reason: str) -> Request | None:  # noqa: ANN001
    """Slow the request's download slot down and return the request to retry, or None after the last
    try. Counted in stats (`mamoru/rate_limited`) and reported on the watchlist run."""
    settings = crawler.settings
    base = settings.getfloat("MAMORU_BACKOFF_BASE", BACKOFF_BASE_S)
    cap = settings.getfloat("MAMORU_BACKOFF_MAX", BACKOFF_MAX_S)
    tries = request.meta.get("mamoru_backoff", 0)
    crawler.stats.inc_value("mamoru/rate_limited")
    if tries >= settings.getint("MAMORU_BACKOFF_TRIES", BACKOFF_MAX_TRIES):
        backoff_logger.warning("rate limited (%s) on %s: gave up after %d tries", reason, request.url, tries + 1)
        crawler.stats.inc_value("mamoru/rate_limited_gave_up")
        return None
    delay = base * (2 ** tries) * (0.5 + random.random() / 2)
    hinted = _retry_after(response) if response is not None else None
    if hinted is not None:
        delay = max(delay, hinted)
    delay = min(delay, cap)
    downloader = crawler.engine.downloader
    slot = downloader.slots.get(downloader.get_slot_key(request))
    if slot is not None:
        slot.delay = max(slot.delay, delay)
    backoff_logger.warning("rate limited (%s) on %s: waiting %.1f s before retry %d", reason, request.url, delay,
                           tries + 1)
    meta = {**request.meta, "mamoru_backoff": tries + 1}
    return request.replace(dont_filter=True, meta=meta, priority=request.priority - 1)


class BackoffMiddleware:
    """HTTP 429 (and 503 with Retry-After): wait (Retry-After or exponential), then retry."""

    def __init__(self, crawler) -> None:  # noqa: ANN001
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider=None):  # noqa: ANN001, ANN201
        if response.status == 429 or (response.status == 503 and b"Retry-After" in response.headers):
            retry = backoff(self.crawler, request, response, f"HTTP {response.status}")
            if retry is not None:
                return retry
        return response


class ExplicitPostMiddleware:
    """A post or status URL of a platform given explicitly (kind page) is emitted as a candidate even
    when its page shows no video (X and Instagram serve little without their apps): marked `candidate`,
    and yt-dlp decides at fetch time."""

    def __init__(self, crawler) -> None:  # noqa: ANN001
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler)

    def process_spider_output(self, response: Response, result, spider=None):  # noqa: ANN001, ANN201
        found = False
        for entry in result:
            found = found or not isinstance(entry, Request)
            yield entry
        if not found:
            yield from _candidate(response, self.crawler.spider)

    async def process_spider_output_async(self, response: Response, result, spider=None):  # noqa: ANN001, ANN201
        found = False
        async for entry in result:
            found = found or not isinstance(entry, Request)
            yield entry
        if not found:
            for entry in _candidate(response, self.crawler.spider):
                yield entry


def _candidate(response: Response, spider):  # noqa: ANN001, ANN202
    from crawler.platforms import WEB, video_ref

    if not response.meta.get(EXPLICIT_META) or spider is None:
        return
    ref = video_ref(response.url, spider.msettings) or video_ref(spider.value, spider.msettings)
    if ref is None or ref[0] == WEB:
        return
    title = description = None
    if hasattr(response, "selector"):
        meta = lambda name: response.xpath(  # noqa: E731
            f'//meta[@property="{name}" or @name="{name}"]/@content').get()
        title = meta("og:title") or response.xpath("//title/text()").get()
        description = meta("og:description") or meta("description")
    yield spider.clip(response, ref[0], ref[1], user=ref[2], title=title, description=description,
                      uploader_id=ref[2], candidate=True)


def record_error(stats, reason: str) -> None:  # noqa: ANN001
    """Keep a failed request's reason in a word or a short phrase, for the crawl's one summary line."""
    reasons = list(stats.get_value("mamoru/error_reasons", []))
    if reason not in reasons:
        reasons.append(reason)
    stats.set_value("mamoru/error_reasons", reasons)


def _short_url(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path if len(parts.path) <= 40 else parts.path[:39] + "…"
    return f"{parts.hostname}{path}"


_NETWORK_REASONS = (("ConnectionRefused", "connection refused"), ("DNSLookup", "name not found"),
                    ("Timeout", "timed out"), ("TimedOut", "timed out"), ("ConnectionLost", "connection lost"),
                    ("ResponseNeverReceived", "no answer"), ("SSL", "TLS error"), ("ConnectionDone", "connection closed"))


class ErrorReasonMiddleware:
    """A request that failed after its retries: its reason kept for the summary (an HTTP status, a network
    error in a word), and a network error ends quietly (IgnoreRequest) instead of a logged traceback."""

    def __init__(self, crawler) -> None:  # noqa: ANN001
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider=None):  # noqa: ANN001, ANN201
        handled = request.meta.get("handle_httpstatus_all") or response.status in request.meta.get(
            "handle_httpstatus_list", ())
        if response.status >= 400 and not handled and not request.meta.get("dont_obey_robotstxt"):
            record_error(self.stats, f"HTTP {response.status} at {_short_url(request.url)}")
        return response

    def process_exception(self, request: Request, exception: Exception, spider=None):  # noqa: ANN001, ANN201
        if isinstance(exception, IgnoreRequest):
            return None
        if request.meta.get("dont_obey_robotstxt"):  # an unreachable robots.txt allows all; not an error
            raise IgnoreRequest(f"robots.txt not read: {type(exception).__name__}")
        name = type(exception).__name__
        word = next((w for key, w in _NETWORK_REASONS if key in name), name)
        self.stats.inc_value("mamoru/network_errors")
        record_error(self.stats, f"{word} at {_short_url(request.url)}")
        error_logger.warning("could not fetch %s: %s", request.url[:200], " ".join(str(exception).split())[:300])
        raise IgnoreRequest(f"{word}: {request.url}")


class PlatformCookiesMiddleware:
    """Sends a platform's cookies (MAMORU_<PLATFORM>_COOKIES_FILE) with requests to that platform, and
    nowhere else. The files are read once a crawl; the values never reach a log line."""

    def __init__(self, crawler) -> None:  # noqa: ANN001
        from core.config import PLATFORMS
        from crawler.cookies import platform_cookies
        from crawler.platforms import PUBLIC_HOSTS, base_url

        self.settings = crawler.settings["MAMORU_SETTINGS"]
        self.cookies = {}
        for platform in PLATFORMS:
            hosts = PUBLIC_HOSTS[platform] | {urlsplit(base_url(self.settings, platform)).hostname or ""}
            found = platform_cookies(platform, hosts)
            if found:
                self.cookies[platform] = found

    @classmethod
    def from_crawler(cls, crawler):  # noqa: ANN001, ANN206
        return cls(crawler)

    def process_request(self, request: Request, spider=None):  # noqa: ANN001, ANN201
        from crawler.cookies import cookie_header
        from crawler.platforms import locate

        if not self.cookies:
            return None
        cookies = self.cookies.get(locate(request.url, self.settings)[0])
        if cookies:
            own = request.headers.get(b"Cookie", b"").decode("latin-1")
            request.headers[b"Cookie"] = "; ".join(c for c in (own, cookie_header(cookies)) if c)
        return None
