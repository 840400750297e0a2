"""Private internals of yt-dlp and kombu that Mamoru patches (workers/fetch.py: the address rule on every
connection and redirect; workers/celery.py: the closed-channel guard). pyproject.toml bounds both
packages; when an upgrade inside the bounds still changes one of these, this test names it, instead of
the guard silently no longer applying. After checking the patch against the new release, move the bound."""

from __future__ import annotations

import functools
import http.client
import inspect

import pytest


def params(func) -> list[str]:  # noqa: ANN001
    return list(inspect.signature(func).parameters)


def source_has(obj, *names: str) -> bool:  # noqa: ANN001
    text = inspect.getsource(obj)
    return all(name in text for name in names)


def ytdlp_internals() -> dict[str, bool]:
    import yt_dlp
    from yt_dlp.networking import _urllib

    return {
        "yt_dlp.networking._urllib._create_http_connection(http_class, source_address, ...)":
            params(_urllib._create_http_connection)[:2] == ["http_class", "source_address"],
        "UrllibRH._send(self, request)": params(_urllib.UrllibRH._send) == ["self", "request"],
        "UrllibRH._create_instance(self, proxies, cookiejar, legacy_ssl_support)":
            params(_urllib.UrllibRH._create_instance) == ["self", "proxies", "cookiejar", "legacy_ssl_support"],
        "HTTPHandler._make_conn_class(base, req)": params(_urllib.HTTPHandler._make_conn_class)[-2:] == ["base", "req"],
        "HTTPHandler.do_open(self, http_class, req, ...)": params(_urllib.HTTPHandler.do_open)[:3] == [
            "self", "http_class", "req"],
        "HTTPHandler keeps _source_address and _context": source_has(_urllib.HTTPHandler.__init__,
                                                                     "self._source_address", "self._context"),
        "YoutubeDL._request_director is a cached_property":
            isinstance(inspect.getattr_static(yt_dlp.YoutubeDL, "_request_director"), functools.cached_property),
        "YoutubeDL.build_request_director(self, handlers, ...)":
            params(yt_dlp.YoutubeDL.build_request_director)[:2] == ["self", "handlers"],
        "http.client.HTTPConnection._create_connection": hasattr(http.client.HTTPConnection("h"), "_create_connection"),
    }


def kombu_internals() -> dict[str, bool]:
    from kombu.transport import redis as kombu_redis

    return {
        "kombu.transport.redis.Channel._connparams(self, asynchronous=False)":
            params(kombu_redis.Channel._connparams) == ["self", "asynchronous"],
        "Channel reads self.connection.client": source_has(kombu_redis.Channel, "self.connection.client"),
    }


@pytest.mark.parametrize("package, internals", [("yt-dlp", ytdlp_internals), ("kombu", kombu_internals)])
def test_patched_private_internals_are_as_the_patches_expect(package, internals):
    from importlib.metadata import version

    changed = [name for name, ok in internals().items() if not ok]
    assert not changed, (f"{package} {version(package)} changed private internals that Mamoru patches: "
                         f"{'; '.join(changed)}. Check workers/fetch.py / workers/celery.py against this release, "
                         f"then move {package}'s upper bound in pyproject.toml")


def test_the_kombu_guard_is_installed():
    from kombu.transport import redis as kombu_redis

    import workers.celery  # noqa: F401  (installs the guard on import)

    assert getattr(kombu_redis.Channel._connparams, "_mamoru_guard", False)


def test_fetches_use_the_guarded_handler_alone():
    """The guard works by replacing yt-dlp's request director: a YoutubeDL made by workers.fetch has only
    the guarded urllib handler (no requests/curl_cffi/websockets handler that would bypass the rule)."""
    from workers.fetch import GuardedUrllibRH, GuardedYoutubeDL

    ydl = GuardedYoutubeDL({"quiet": True}, guard=None)
    handlers = list(ydl._request_director.handlers.values())
    assert handlers and all(isinstance(h, GuardedUrllibRH) for h in handlers)
