"""Limits before work, errors without leaks, and the web app's safer defaults."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import io
import stat

import httpx
import pytest
from sqlalchemy import select

from core.db import session_scope
from core.models import Report
from reports.web.app import create_app
from reports.web.limits import MAX_BODY_BYTES

pytestmark = pytest.mark.anyio
RIGHT = "correct horse battery"


class CountingBody:
    """A streamed request body that counts how much of it the server pulled."""

    def __init__(self, chunks: int, chunk: bytes = b" " * 65536, head: bytes = b"") -> None:
        self.chunks, self.chunk, self.head, self.sent = chunks, chunk, head, 0

    async def __aiter__(self):
        if self.head:
            yield self.head
        for _ in range(self.chunks):
            self.sent += len(self.chunk)
            yield self.chunk


async def test_log_in_page_makes_no_server_session(app, world):
    from core.models import WebSession as WebSessionRow

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        for _ in range(25):
            r = await c.get("/login")
            assert r.status_code == 200 and "mamoru_login_csrf" in r.headers.get("set-cookie", "")
    with session_scope(world.settings) as s:
        assert s.scalars(select(WebSessionRow)).all() == []
    assert not (world.settings.home / "web-sessions").exists()


async def test_a_declared_huge_body_is_refused_unread(browser_for):
    b = await browser_for()
    body = CountingBody(chunks=3200)  # 200 MiB if it were read
    r = await b.client.post("/api/session", content=body,
                            headers={"Content-Type": "application/json", "Content-Length": str(200 * 1024 * 1024)})
    assert r.status_code == 413 and body.sent <= 65536


async def test_a_streamed_body_is_cut_at_the_cap(browser_for):
    b = await browser_for()
    body = CountingBody(chunks=3200, head=b'{"email": "a@b.test", "password": "')
    r = await b.client.post("/api/session", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert body.sent <= MAX_BODY_BYTES + 2 * 65536  # stopped at the cap, not at 200 MiB


async def test_anonymous_multipart_is_refused_before_parsing(browser_for, world):
    b = await browser_for()
    boundary = "xyz"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode()
    for url in ("/api/references", "/admin/references"):
        body = CountingBody(chunks=200, head=head)
        r = await b.client.post(url, content=body,
                                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert r.status_code == 401 and body.sent == 0, (url, r.status_code, body.sent)


@pytest.mark.parametrize("content_type, body", [
    ("text/plain", b'{"email": "admin@mamoru.test", "password": "hunter2 secret"}'),
    ("application/x-www-form-urlencoded", b"email=admin%40mamoru.test&password=hunter2+secret"),
    ("application/json", b'{"email": "admin@mamoru.test", "password": ["hunter2 secret"]}'),
    ("application/json", b"\xff\xfe not json hunter2 secret"),
])
async def test_the_validation_handler_answers_without_the_body(browser_for, caplog, content_type, body):
    b = await browser_for()
    r = await b.client.post("/api/session", content=body, headers={"Content-Type": content_type})
    assert r.status_code == 422, r.text
    assert "hunter2" not in r.text and all("input" not in e for e in r.json()["detail"])
    assert "hunter2" not in " ".join(rec.getMessage() for rec in caplog.records)


async def test_out_of_range_numbers_answer_422(browser_for, world):
    b = await browser_for("admin")
    huge = str(10 ** 30)
    for url in (f"/api/findings/{huge}", f"/api/reports/{huge}", f"/api/reports?holder={huge}",
                f"/findings/{huge}", f"/api/findings?offset={huge}", f"/api/audit?object_id={huge}"):
        r = await b.client.get(url)
        assert r.status_code == 422, (url, r.status_code)
    r = await b.post("/admin/watchlists", {"rights_holder_id": huge, "platform": "youtube", "kind": "search",
                                           "value": "x"})
    assert r.status_code == 422
    r = await b.api_post("/api/users", json={"email": "z@z.test", "password": "a long passphrase", "role":
                                             "rights_holder", "rights_holder_id": int(huge)})
    assert r.status_code == 422


async def test_concurrent_duplicates_answer_409(browser_for, world):
    b = await browser_for("admin")
    results = await asyncio.gather(*(b.api_post("/api/holders", json={"name": "Twin Studio"}) for _ in range(4)))
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 1 and set(codes) <= {201, 409}, codes


async def test_one_report_build_at_a_time_and_its_sha256_matches(browser_for, world):
    b = await browser_for("analyst")
    body = {"rights_holder_id": world.ids.holders[0], "week": "2026-W47", "formats": ["json", "csv", "html"]}
    results = await asyncio.gather(*(b.api_post("/api/reports", json=body) for _ in range(4)))
    codes = [r.status_code for r in results]
    assert 200 in codes and set(codes) <= {200, 409}, codes
    with session_scope(world.settings) as s:
        report = s.scalar(select(Report).where(Report.rights_holder_id == world.ids.holders[0]))
        for entry in report.files:
            data = world.settings.home_path(entry["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["format"]


def test_a_held_lock_refuses_a_second_holder(settings):
    from core.services.errors import Conflict
    from core.services.locks import held

    with held(settings, "report:1:2026-W47", "busy"):
        with pytest.raises(Conflict), held(settings, "report:1:2026-W47", "busy"):
            pass
    with held(settings, "report:1:2026-W47", "busy"):  # released
        pass


async def test_unknown_host_names_are_refused(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://evil.test") as c:
        assert (await c.get("/login")).status_code == 400
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8765") as c:
        assert (await c.get("/login")).status_code == 200


async def test_cookies_are_secure_when_the_public_url_is_https(world):
    settings = dataclasses.replace(world.settings, public_url="https://mamoru.example.org")
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="https://mamoru.example.org") as c:
        assert "secure" in (await c.get("/login")).headers["set-cookie"].lower()
        r = await c.post("/api/session", json={"email": "admin@mamoru.test", "password": RIGHT})
        cookies = r.headers.get_list("set-cookie")
        assert cookies and all("secure" in v.lower() for v in cookies)
    plain = create_app(world.settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=plain), base_url="http://testserver") as c:
        r = await c.post("/api/session", json={"email": "admin@mamoru.test", "password": RIGHT})
        assert not any("secure" in v.lower() for v in r.headers.get_list("set-cookie"))


async def test_the_api_docs_have_a_policy(browser_for):
    r = await (await browser_for()).client.get("/api/docs")
    csp = r.headers["content-security-policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'sha256-" in script_src and "unsafe-inline" not in script_src and "object-src 'none'" in csp


@pytest.mark.parametrize("target", ["/\t/evil.test", "/\n/evil.test", "/\r/evil.test", "/ /evil.test",
                                    "//evil.test", "/\\evil.test", "https://evil.test", "/\x00x", "/\u0085/evil"])
def test_next_refuses_control_characters_and_other_hosts(target):
    from reports.web.pages import safe_next

    assert safe_next(target, "/triage") == "/triage"
    assert safe_next("/findings?state=pending", "/triage") == "/findings?state=pending"


async def test_the_finding_page_back_link_stays_home(browser_for, world):
    b = await browser_for("analyst")
    with session_scope(world.settings) as s:
        from core.models import Finding

        fid = s.scalars(select(Finding.id)).first()
    html = (await b.page(f"/findings/{fid}?next=/%09/evil.test")).text
    assert "evil.test" not in html


def test_the_home_and_its_files_are_private(settings):
    from core.db import get_engine

    get_engine(settings)
    assert stat.S_IMODE(settings.home.stat().st_mode) == 0o700
    assert stat.S_IMODE((settings.home / "core.db").stat().st_mode) == 0o600
    create_app(settings)
    assert stat.S_IMODE((settings.home / "web-secret").stat().st_mode) == 0o600


async def test_uploads_are_decoded_off_the_event_loop(browser_for, world, art):
    """A large upload's decoding and hashing run in a worker thread: another request meanwhile answers
    before the upload does (before, others waited for the decode)."""
    from PIL import Image

    img = Image.open(io.BytesIO(art(7))).convert("RGB").resize((3900, 3900))  # indexable art, made large
    buf = io.BytesIO()
    img.save(buf, "PNG")
    b = await browser_for("admin")
    done: list[str] = []

    async def upload():
        r = await b.client.post("/api/references", headers={"X-CSRF-Token": b.csrf},
                                data={"rights_holder_id": str(world.ids.holders[0]), "work": "W", "character": "C"},
                                files={"image": ("big.png", buf.getvalue(), "image/png")})
        done.append("upload")
        return r

    async def ping():
        await asyncio.sleep(0.05)
        r = await b.client.get("/api/me")
        done.append("ping")
        return r

    up, pong = await asyncio.gather(upload(), ping())
    assert up.status_code == 201, up.text
    assert pong.status_code == 200 and done == ["ping", "upload"]


def test_large_images_are_refused_or_downscaled():
    from PIL import Image

    from core.services.errors import Invalid
    from core.services.references import MAX_SIDE, check_image, fit_image

    def png(w: int, h: int) -> bytes:
        buf = io.BytesIO()
        Image.new("L", (w, h), 128).save(buf, "PNG")
        return buf.getvalue()

    with pytest.raises(Invalid, match="too large"):
        check_image(png(5000, 5000))  # 25 MP: accepted before (cap 40 MP), refused now
    fitted = fit_image(png(3000, 2000))
    assert max(check_image(fitted)[1:]) == MAX_SIDE
    small = png(640, 480)
    assert fit_image(small) == small
