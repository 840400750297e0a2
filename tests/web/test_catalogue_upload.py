"""The admin imports a holder's catalogue file from the holders page (the same service as the CLI)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.models import Character, Work

pytestmark = pytest.mark.anyio

CATALOGUE = """works:
  - id: one-piece
    titles: ["ONE PIECE", "ワンピース"]
    characters:
      - id: luffy
        names: ["ルフィ", "Luffy", "路飞"]
"""


async def test_admin_imports_a_catalogue_twice(browser_for, world, settings):
    b = await browser_for("admin")
    page = (await b.page("/admin/holders")).text
    assert 'action="/admin/catalogue"' in page
    holder = str(world.ids.holders[0])
    for _ in range(2):
        r = await b.client.post("/admin/catalogue", data={"holder": holder, "csrf_token": b.csrf},
                                files={"catalogue": ("cat.yaml", CATALOGUE.encode(), "application/x-yaml")})
        assert r.status_code == 303 and "ok=" in r.headers["location"], r.headers.get("location")
    assert "0+works+created" in r.headers["location"]
    with session_scope(settings) as s:
        assert s.scalar(select(Work).where(Work.key == "one-piece")).titles == ["ONE PIECE", "ワンピース"]
        assert len(s.scalars(select(Character).where(Character.key == "luffy")).all()) == 1
    bad = await b.client.post("/admin/catalogue", data={"holder": holder, "csrf_token": b.csrf},
                              files={"catalogue": ("cat.yaml", b"works: [", "application/x-yaml")})
    assert "error=" in bad.headers["location"] and "YAML" in bad.headers["location"]
    forged = await b.client.post("/admin/catalogue", data={"holder": holder, "csrf_token": "forged"},
                                 files={"catalogue": ("cat.yaml", CATALOGUE.encode(), "application/x-yaml")})
    assert forged.status_code == 403
