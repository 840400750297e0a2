"""The CLI, the admin web form and the JSON API accept and refuse exactly the same watchlists and
references: one table, each case run through all three against their own fresh home (issue 14).

Cases run in order on each side, so a case may rely on the ones before it (a duplicate, a move)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import httpx
import pytest
from click.testing import CliRunner
from PIL import Image

from artkit import art_png
from core.config import get_settings, load_settings
from core.db import session_scope, upgrade
from core.services.holders import create_holder

pytestmark = pytest.mark.anyio
HOLDERS = ("Alpha", "Beta")
ADMIN, PASSWORD = "admin@parity.test", "parity admin password 1"


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _jpeg_of(png: bytes) -> bytes:
    buf = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(buf, format="JPEG", quality=88)
    return buf.getvalue()


@dataclass
class Watch:
    why: str
    platform: str
    kind: str
    value: str
    accept: bool
    every: int = 360


@dataclass
class Art:
    why: str
    data: bytes
    filename: str
    accept: bool
    holder: str = "Alpha"
    work: str = "Sky Pirates"
    character: str = "Captain"


ART = art_png(1)
CASES = [
    Watch("a site's feed (the web form had no platform web)", "web", "feed", "http://93.184.215.14/feed.rss", True),
    Watch("a site's sitemap", "web", "sitemap", "https://93.184.215.14/sitemap.xml", True),
    Watch("a page on loopback", "web", "page", "http://127.0.0.1:8080/videos", False),
    Watch("a page on IPv6 loopback", "web", "page", "http://[::1]/videos", False),
    Watch("cloud metadata (link-local)", "web", "feed", "http://169.254.169.254/latest/meta-data", False),
    Watch("a private network sitemap", "web", "sitemap", "http://10.1.2.3/sitemap.xml", False),
    Watch("a file URL", "web", "page", "file:///etc/passwd", False),
    Watch("a feed that is not a URL", "niconico", "feed", "not a url", False),
    Watch("search on a generic site", "web", "search", "one piece", False),
    Watch("Instagram search (the web form accepted it)", "instagram", "search", "luffy", False),
    Watch("X hashtag (the web form accepted it)", "x", "hashtag", "#onepiece", False),
    Watch("Bilibili account", "bilibili", "account", "12345", False),
    Watch("TikTok hashtag", "tiktok", "hashtag", "#onepiece", True),
    Watch("the same TikTok hashtag again", "tiktok", "hashtag", "#onepiece", False),
    Watch("YouTube search in Japanese", "youtube", "search", "ワンピース 切り抜き", True),
    Watch("a YouTube account by handle", "youtube", "account", "@skypirates", True),
    Watch("a YouTube account URL on a private address", "youtube", "account", "http://192.168.1.10/@luffy", False),
    Watch("an empty value", "youtube", "search", "   ", False),
    Watch("a schedule of one minute", "niconico", "search", "初音ミク", False, every=1),
    Watch("an unknown platform", "myspace", "search", "luffy", False),
    Watch("an unknown kind", "youtube", "playlist", "PL123", False),
    Art("new art", ART, "captain.png", True),
    Art("the same file again, same character", ART, "captain-again.png", True),
    Art("the same image for another holder", ART, "captain.png", False, holder="Beta"),
    Art("the same image under another character (no silent move)", ART, "captain.png", False, character="Cook"),
    Art("the same picture re-encoded as JPEG", _jpeg_of(ART), "captain.jpg", False),
    Art("a fully transparent PNG", _png(Image.new("RGBA", (120, 120), (0, 0, 0, 0))), "clear.png", False),
    Art("a flat picture without features", _png(Image.new("RGB", (120, 120), (200, 30, 30))), "flat.png", False),
    Art("a text file", b"not an image at all\n", "notes.png", False),
    Art("a picture too small", _png(Image.new("RGB", (8, 8), (1, 2, 3))), "tiny.png", False),
    Art("a character name of 300 characters", art_png(2), "long.png", False, character="C" * 300),
    Art("other new art as GIF", art_png(3, fmt="GIF"), "navigator.gif", True, character="Navigator"),
]


def _fresh_home(monkeypatch, tmp_path, name: str):
    monkeypatch.setenv("MAMORU_HOME", str(tmp_path / name))
    monkeypatch.setenv("MAMORU_ALLOWED_HOSTS", "testserver")  # httpx ASGI transport's Host
    get_settings.cache_clear()
    settings = load_settings()
    upgrade(settings)
    with session_scope(settings) as s:
        ids = {name: create_holder(s, None, name).id for name in HOLDERS}
    return settings, ids


def run_cli(tmp_path, case) -> bool:
    from mamoru.cli.main import cli

    if isinstance(case, Watch):
        args = ["watch", "add", "--holder", "Alpha", "--platform", case.platform, "--kind", case.kind,
                "--every", str(case.every), case.value]
    else:
        path = tmp_path / "cli-files" / case.filename
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(case.data)
        args = ["refs", "add", "--holder", case.holder, "--work", case.work, "--character", case.character, str(path)]
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code == 0


async def run_form(client, csrf: str, ids: dict, case) -> bool:
    if isinstance(case, Watch):
        r = await client.post("/admin/watchlists", data={
            "csrf_token": csrf, "rights_holder_id": ids["Alpha"], "platform": case.platform, "kind": case.kind,
            "value": case.value, "schedule_minutes": case.every})
    else:
        r = await client.post("/admin/references", data={
            "csrf_token": csrf, "holder": ids[case.holder], "work": case.work, "character": case.character},
            files={"image": (case.filename, case.data, "application/octet-stream")})
    assert r.status_code in (303, 400, 422), r.text
    return r.status_code == 303 and "ok=" in r.headers["location"]


async def run_api(client, csrf: str, ids: dict, case) -> bool:
    headers = {"X-CSRF-Token": csrf}
    if isinstance(case, Watch):
        r = await client.post("/api/watchlists", headers=headers, json={
            "rights_holder_id": ids["Alpha"], "platform": case.platform, "kind": case.kind, "value": case.value,
            "schedule_minutes": case.every})
    else:
        r = await client.post("/api/references", headers=headers, data={
            "rights_holder_id": ids[case.holder], "work": case.work, "character": case.character},
            files={"image": (case.filename, case.data, "application/octet-stream")})
    assert r.status_code in (201, 404, 409, 422), r.text
    return r.status_code == 201


async def test_cli_web_form_and_api_agree(tmp_path, monkeypatch, redis_url):
    from reports.web.app import create_app
    from core.services.users import ensure_user

    _fresh_home(monkeypatch, tmp_path, "cli")
    cli_results = [run_cli(tmp_path, case) for case in CASES]

    results = {"cli": cli_results}
    for channel in ("form", "api"):
        settings, ids = _fresh_home(monkeypatch, tmp_path, channel)
        with session_scope(settings) as s:
            ensure_user(s, ADMIN, PASSWORD, "admin")
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            login = await client.post("/api/session", json={"email": ADMIN, "password": PASSWORD})
            assert login.status_code == 200, login.text
            csrf = login.json()["csrf_token"]
            run = run_form if channel == "form" else run_api
            results[channel] = [await run(client, csrf, ids, case) for case in CASES]

    expected = [case.accept for case in CASES]
    table = [f"{case.why}: expected {'accept' if case.accept else 'refuse'}, "
             + ", ".join(f"{ch} {'accepts' if results[ch][i] else 'refuses'}" for ch in results)
             for i, case in enumerate(CASES)]
    wrong = [line for i, line in enumerate(table) if {results[ch][i] for ch in results} != {expected[i]}]
    assert not wrong, "\n".join(wrong)
