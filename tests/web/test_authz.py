"""Authorisation matrix: each role against each endpoint; other holders' objects are 404, not 403."""

from __future__ import annotations

import pytest

from core.db import session_scope
from core.models import Report
from reports import write_weekly_report

pytestmark = pytest.mark.anyio
ROLES = ("anon", "admin", "analyst", "holder1", "holder2")


@pytest.fixture
def objects(world):
    ids = world.ids
    write_weekly_report(world.settings, ids.holders[0], "2026-W47", formats=("json", "csv"))
    with session_scope(world.settings) as s:
        report_id = s.query(Report).filter_by(rights_holder_id=ids.holders[0]).one().id
    return {
        "confirmed": ids.findings["confirmed"][0],      # holder 1's confirmed finding
        "pending": ids.findings["pending"][0],          # holder 1's pending finding
        "ref": ids.references[0],                       # holder 1's reference art
        "report": report_id,                            # holder 1's report
    }


# path template, then the expected status for anon, admin, analyst, holder1 (owner), holder2 (other)
MATRIX = [
    ("/triage", 303, 200, 200, 403, 403),
    ("/findings", 303, 200, 200, 200, 200),
    ("/findings/{confirmed}", 303, 200, 200, 200, 404),
    ("/findings/{pending}", 303, 200, 200, 404, 404),
    ("/findings/{confirmed}/frame.jpg", 303, 200, 200, 200, 404),
    ("/references/{ref}/image", 303, 200, 200, 200, 404),
    ("/portal", 303, 303, 303, 200, 200),
    ("/reports", 303, 200, 200, 200, 200),
    ("/reports/{report}/files/0", 303, 200, 200, 200, 404),
    ("/reports/{report}/files/99", 303, 404, 404, 404, 404),
    ("/admin/users", 303, 200, 403, 403, 403),
    ("/admin/holders", 303, 200, 403, 403, 403),
    ("/admin/references", 303, 200, 403, 403, 403),
    ("/admin/watchlists", 303, 200, 403, 403, 403),
    ("/admin/audit", 303, 200, 403, 403, 403),
    ("/api/me", 401, 200, 200, 200, 200),
    ("/api/findings", 401, 200, 200, 200, 200),
    ("/api/findings/{confirmed}", 401, 200, 200, 200, 404),
    ("/api/findings/{pending}", 401, 200, 200, 404, 404),
    ("/api/findings/999999", 401, 404, 404, 404, 404),
    ("/api/reports", 401, 200, 200, 200, 200),
    ("/api/reports/{report}", 401, 200, 200, 200, 404),
    ("/api/reports/{report}/files/1", 401, 200, 200, 200, 404),
    ("/api/holders", 401, 200, 200, 403, 403),
    ("/api/users", 401, 200, 403, 403, 403),
    ("/api/references", 401, 200, 403, 403, 403),
    ("/api/watchlists", 401, 200, 403, 403, 403),
    ("/api/audit", 401, 200, 403, 403, 403),
    ("/api/openapi.json", 200, 200, 200, 200, 200),
]


async def test_get_matrix(browser_for, objects):
    failures = []
    for role in ROLES:
        b = await browser_for(None if role == "anon" else role)
        for path, *expected in MATRIX:
            url = path.format(**objects)
            r = await b.client.get(url)
            want = expected[ROLES.index(role)]
            if r.status_code != want:
                failures.append(f"{role} GET {url}: {r.status_code}, expected {want}")
    assert not failures, "\n".join(failures)


async def test_post_matrix(browser_for, objects):
    """Decisions: staff may, rights holders may not (403), nobody without log-in (401 or log-in page)."""
    url_form = f"/findings/{objects['pending']}/decision"
    url_api = f"/api/findings/{objects['pending']}/decision"
    expected = {"anon": (303, 401), "admin": (303, 200), "analyst": (303, 200), "holder1": (403, 403),
                "holder2": (403, 403)}
    for role, (want_form, want_api) in expected.items():
        b = await browser_for(None if role == "anon" else role)
        if role == "anon":
            await b.page("/login")
        r = await b.post(url_form, {"action": "escalate", "next": "/triage"})
        assert r.status_code == want_form, (role, r.status_code)
        r = await b.api_post(url_api, json={"action": "escalate"})
        assert r.status_code == want_api, (role, r.status_code, r.text)
    admin_only = [("/api/holders", {"name": "New Holder"}),
                  ("/api/users", {"email": "x@y.test", "password": "long enough password", "role": "analyst"}),
                  ("/api/watchlists", {"rights_holder_id": 1, "platform": "tiktok", "kind": "hashtag",
                                       "value": "#x"})]
    for role, want in (("analyst", 403), ("holder1", 403), ("admin", 201)):
        b = await browser_for(role)
        for url, body in admin_only:
            r = await b.api_post(url, json=body)
            assert r.status_code == want, (role, url, r.status_code, r.text)
