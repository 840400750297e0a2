"""The served stack: uvicorn's header deadline, the embedded Redis's password, Flower behind a log-in, and
"Run now" queued through Mamoru's Celery app (real redis-server, real uvicorn, real Flower)."""

from __future__ import annotations

import shutil
import socket
import stat
import threading
import time
import urllib.error
import urllib.request

import pytest

from mamoru.up import EmbeddedStack, free_port, wait_for_port

needs_redis = pytest.mark.skipif(shutil.which("redis-server") is None,
                                 reason="redis-server is not installed (scripts/setup.sh installs it)")


def test_a_client_dripping_its_headers_is_cut_off(app):
    """uvicorn's keep-alive timer stops at the first byte; the header deadline does not."""
    import uvicorn

    from mamoru.webserver import HeaderTimeoutH11Protocol, server_config

    class QuickDeadline(HeaderTimeoutH11Protocol):
        header_timeout_s = 1.0

    port = free_port()
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, http=QuickDeadline, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_for_port("127.0.0.1", port, timeout=20)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            start = time.monotonic()
            closed_after = None
            for ch in b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 40:
                try:
                    sock.sendall(bytes([ch]))
                    time.sleep(0.1)
                    sock.setblocking(False)
                    if sock.recv(1) == b"":
                        closed_after = time.monotonic() - start
                        break
                except BlockingIOError:
                    pass
                except OSError:
                    closed_after = time.monotonic() - start
                    break
                finally:
                    sock.setblocking(True)
            assert closed_after is not None and closed_after < 3.0, closed_after
        # a normal request still works
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10).read()
        assert b"Log in" in body
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@needs_redis
def test_embedded_redis_needs_its_password(settings):
    import redis

    with EmbeddedStack(settings) as stack:
        url = stack.start_redis()
        password_file = settings.home / "redis" / "password"
        assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
        assert stat.S_IMODE((settings.home / "redis" / "url").stat().st_mode) == 0o600
        assert stat.S_IMODE((settings.home / "logs" / "redis.log").stat().st_mode) == 0o600
        assert password_file.read_text().strip() in url
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        with pytest.raises(redis.exceptions.AuthenticationError):
            redis.Redis(host="127.0.0.1", port=port).ping()
        assert redis.Redis.from_url(url).ping()
        assert password_file.read_text().strip() not in " ".join(stack.child("redis").argv)


@needs_redis
def test_run_now_is_queued_on_mamorus_app(settings, monkeypatch):
    """The hook sends `crawl_watchlist` by name on Mamoru's app (broker: the embedded Redis, password and
    all); before, it called the task from a thread where Celery's default app was current, and answered 500."""
    import asyncio
    import json

    import httpx
    import redis

    from core.db import session_scope
    from core.models import RightsHolder, Watchlist
    from core.services.users import ensure_user
    from reports.web.app import create_app

    with EmbeddedStack(settings) as stack:
        url = stack.start_redis()
        monkeypatch.setenv("MAMORU_REDIS_URL", url)
        from core.config import get_settings

        get_settings.cache_clear()
        with session_scope(settings) as s:
            holder = RightsHolder(name="Run Now Studio")
            s.add(holder)
            s.flush()
            watch = Watchlist(rights_holder_id=holder.id, platform="youtube", kind="search", value="x")
            s.add(watch)
            s.flush()
            watch_id = watch.id
            ensure_user(s, "admin@run.test", "correct horse battery", "admin")
        app = create_app(get_settings())

        async def run_now() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
                login = await c.post("/api/session", json={"email": "admin@run.test",
                                                           "password": "correct horse battery"})
                token = login.json()["csrf_token"]
                return await c.post(f"/api/watchlists/{watch_id}/run", headers={"X-CSRF-Token": token})

        r = asyncio.run(run_now())
        assert r.status_code == 200, r.text
        queued = redis.Redis.from_url(url).lrange("io", 0, -1)
        assert len(queued) == 1
        message = json.loads(queued[0])
        assert message["headers"]["task"] == "crawl_watchlist" and message["headers"]["id"] in r.json()["outcome"]


@needs_redis
def test_flower_asks_for_a_password(settings):
    import base64

    with EmbeddedStack(settings) as stack:
        stack.start_redis()
        port = free_port()
        child = stack.start_flower(port)
        if child is None:
            pytest.fail("flower is a dependency of mamoru and must be installed")
        password = (settings.home / "flower-password").read_text().strip()
        assert stat.S_IMODE((settings.home / "flower-password").stat().st_mode) == 0o600
        assert password not in " ".join(child.argv)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=20)
        assert refused.value.code == 401
        auth = base64.b64encode(f"mamoru:{password}".encode()).decode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Authorization": f"Basic {auth}"})
        assert urllib.request.urlopen(request, timeout=20).status == 200


def test_behind_a_trusted_proxy_the_throttle_counts_each_client(app, world):
    """X-Forwarded-For from a trusted proxy names the client, so one client's failures do not slow the
    others down (without MAMORU_TRUSTED_PROXIES the header is ignored)."""
    import json

    import uvicorn

    from core.db import session_scope
    from core.models import LoginThrottle
    from core.services import login
    from mamoru.webserver import server_config

    port = free_port()
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, ("127.0.0.1",), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    def attempt(client: str, password: str) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/session", method="POST",
            data=json.dumps({"email": "analyst@mamoru.test", "password": password}).encode(),
            headers={"Content-Type": "application/json", "X-Forwarded-For": client})
        try:
            return urllib.request.urlopen(request, timeout=30).status
        except urllib.error.HTTPError as exc:
            return exc.code

    try:
        wait_for_port("127.0.0.1", port, timeout=20)
        for _ in range(login.EMAIL_FREE_FAILURES):
            assert attempt("203.0.113.7", "wrong password!") == 401
        with session_scope(world.settings) as s:
            keys = {row.key for row in s.query(LoginThrottle)}
        assert login.address_key("203.0.113.7") in keys and login.address_key("127.0.0.1") not in keys
        assert attempt("198.51.100.9", "correct horse battery") == 200
    finally:
        server.should_exit = True
        thread.join(timeout=15)
