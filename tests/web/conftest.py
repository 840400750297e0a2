"""Web app fixtures: sample data, users of each role, and an in-process client (httpx ASGI transport)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
import pytest

from core.db import session_scope
from reports.sample import seed_sample
from reports.web.app import create_app
from reports.web.users import ensure_user

PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]*)"')


@pytest.fixture
def anyio_backend():
    return "asyncio"


@dataclass
class World:
    settings: object
    ids: object
    emails: dict


@pytest.fixture
def world(settings):
    """Two holders with findings in 2026-W47, and an admin, an analyst and a holder user for each holder."""
    with session_scope(settings) as s:
        ids = seed_sample(s, settings)
        ensure_user(s, "admin@mamoru.test", PASSWORD, "admin")
        ensure_user(s, "analyst@mamoru.test", PASSWORD, "analyst")
        ensure_user(s, "holder1@mamoru.test", PASSWORD, "rights_holder", ids.holders[0])
        ensure_user(s, "holder2@mamoru.test", PASSWORD, "rights_holder", ids.holders[1])
    return World(settings, ids, {"admin": "admin@mamoru.test", "analyst": "analyst@mamoru.test",
                                 "holder1": "holder1@mamoru.test", "holder2": "holder2@mamoru.test"})


@pytest.fixture
def app(world):
    return create_app(world.settings)


class Browser:
    """An httpx client bound to the app that logs in through the log-in form like a person."""

    def __init__(self, app):
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                                        follow_redirects=False)
        self.csrf = ""

    async def page(self, url: str, **kw) -> httpx.Response:
        r = await self.client.get(url, **kw)
        m = CSRF_RE.search(r.text) if r.headers.get("content-type", "").startswith("text/html") else None
        if m and m.group(1):
            self.csrf = m.group(1)
        return r

    async def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        await self.page("/login")
        r = await self.client.post("/login", data={"email": email, "password": password, "csrf_token": self.csrf,
                                                   "next": "/"})
        if r.status_code == 303:
            await self.page("/findings")  # pick up the new session's CSRF token
        return r

    async def post(self, url: str, data: dict | None = None, **kw) -> httpx.Response:
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf)
        return await self.client.post(url, data=data, **kw)

    async def api_post(self, url: str, json=None, **kw) -> httpx.Response:
        return await self.client.post(url, json=json, headers={"X-CSRF-Token": self.csrf}, **kw)

    async def aclose(self):
        await self.client.aclose()


@pytest.fixture
async def browser_for(app):
    made = []

    async def make(role: str | None = None, world_emails=None) -> Browser:
        b = Browser(app)
        made.append(b)
        if role:
            r = await b.login(f"{role}@mamoru.test")
            assert r.status_code == 303, r.text
        return b

    yield make
    for b in made:
        await b.aclose()
