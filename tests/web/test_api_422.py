"""Every malformed input to the JSON API answers 422 with one line per problem (never 500, never ignored)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio
BIG = str(2**70)

# (method, path, how the body is sent, body): each is malformed
CASES = [
    ("GET", "/api/findings?state=bogus", None, None),
    ("GET", "/api/findings?min_score=abc", None, None),
    ("GET", "/api/findings?max_score=nan", None, None),
    ("GET", "/api/findings?sort=sideways", None, None),
    ("GET", "/api/findings?holder=abc", None, None),
    ("GET", "/api/findings?holder=0", None, None),
    ("GET", f"/api/findings?holder={BIG}", None, None),
    ("GET", "/api/findings?date_from=yesterday", None, None),
    ("GET", "/api/findings?limit=0", None, None),
    ("GET", "/api/findings?limit=100000", None, None),
    ("GET", "/api/findings?offset=-1", None, None),
    ("GET", "/api/findings?limit=abc", None, None),
    ("GET", f"/api/findings/{BIG}", None, None),
    ("GET", "/api/findings/abc", None, None),
    ("GET", "/api/reports?holder=abc", None, None),
    ("GET", f"/api/reports/{BIG}", None, None),
    ("GET", "/api/reports/1/files/0?download=maybe", None, None),
    ("GET", "/api/audit?limit=-5", None, None),
    ("GET", f"/api/audit?object_id={BIG}", None, None),
    ("POST", "/api/findings/1/decision", "form", {"action": "confirm"}),
    ("POST", "/api/findings/1/decision", "json", {"action": "confirm", "extra": 1}),
    ("POST", "/api/findings/1/decision", "json", {"note": "no action"}),
    ("POST", "/api/findings/1/decision", "json", {"action": "obliterate"}),
    ("POST", "/api/findings/1/decision", "raw", b"{not json"),
    ("POST", "/api/findings/1/decision", "json", ["a", "list"]),
    ("POST", "/api/findings/bulk", "json", {"ids": ["x"], "action": "confirm"}),
    ("POST", "/api/findings/bulk", "json", {"ids": list(range(501)), "action": "confirm"}),
    ("POST", "/api/findings/bulk", "form", {"ids": "1", "action": "confirm"}),
    ("POST", "/api/reports", "json", {"rights_holder_id": 1, "week": "last week"}),
    ("POST", "/api/reports", "json", {"rights_holder_id": 1, "week": "2026-W47", "formats": ["exe"]}),
    ("POST", "/api/reports", "json", {"rights_holder_id": BIG, "week": "2026-W47"}),
    ("POST", "/api/reports", "form", {"rights_holder_id": "1", "week": "2026-W47"}),
    ("POST", "/api/holders", "form", {"name": "x"}),
    ("POST", "/api/holders", "json", {"name": 5}),
    ("POST", "/api/users", "json", {"email": "a@b.test", "password": "x" * 20, "role": "admin",
                                    "rights_holder_id": 0}),
    ("PATCH", "/api/users/1", "json", {"disabled": "perhaps"}),
    ("POST", "/api/watchlists", "json", {"rights_holder_id": 1, "platform": "youtube", "kind": "search",
                                         "value": "x", "schedule_minutes": "often"}),
    ("POST", "/api/me/password", "form", {"current": "a", "new": "b"}),
    ("POST", "/api/session", "form", {"email": "admin@mamoru.test", "password": "correct horse battery"}),
]


async def test_malformed_input_answers_422(browser_for, world):
    """One signed-in admin (every route open to it) tries each malformed request of the table."""
    b = await browser_for("admin")
    wrong = []
    for method, path, kind, body in CASES:
        headers = {"X-CSRF-Token": b.csrf}
        send = {"json": {"json": body}, "form": {"data": body}, "raw": {"content": body}}.get(kind, {})
        if kind == "raw":
            headers["Content-Type"] = "application/json"
        r = await b.client.request(method, path, headers=headers, **send)
        detail = r.json().get("detail") if r.headers.get("content-type", "").startswith("application/json") else None
        if r.status_code != 422 or not detail or not (isinstance(detail, str)
                                                      or all("loc" in d and "msg" in d for d in detail)):
            wrong.append((method, path, kind, r.status_code, r.text[:200]))
    assert not wrong, wrong
