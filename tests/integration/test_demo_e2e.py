"""`mamoru demo` end to end: a real redis-server, real Celery worker and beat processes, the demo site,
Scrapy, yt-dlp and the matcher; exactly the clips that show reference art are flagged, with the right
reference, the clips naming catalogue characters get their kinds (`【AI】ルフィとナルトが踊ってみた #sora2`
becomes two `ai_depiction` findings, seen in the weekly report and the API), and a second run leaves the
same rows. Repeated on PostgreSQL when one is available."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from mamoru.demo.catalog import CLIPS, REFERENCES
from core.models import (
    Character,
    Clip,
    Finding,
    Keyframe,
    Reference,
    Report,
    RightsHolder,
    Watchlist,
    Work,
)

pytestmark = pytest.mark.integration

if shutil.which("redis-server") is None:
    pytest.skip("redis-server is not installed (scripts/setup.sh installs it)", allow_module_level=True)


def run_demo(home: Path, database_url: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAMORU_")}
    env.update(MAMORU_HOME=str(home), COLUMNS="160")
    if database_url:
        env["MAMORU_DATABASE_URL"] = database_url
    proc = subprocess.run([sys.executable, "-m", "mamoru.cli.main", "demo"], env=env, cwd=home.parent,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"demo failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


def snapshot(url: str) -> dict:
    """The rows the demo leaves, without timestamps."""
    engine = create_engine(url)
    with Session(engine) as s:
        flagged = s.execute(select(Clip.platform_id, Reference.name).join(Finding.clip)
                            .join(Finding.reference)).all()
        named = s.execute(select(Clip.platform_id, Character.key, Finding.kind, Finding.action)
                          .join(Finding.clip).join(Character, Finding.character_id == Character.id)
                          .where(Finding.reference_id.is_(None))).all()
        snap = {
            "named": sorted(named),
            "clips": sorted(s.execute(select(Clip.platform, Clip.platform_id, Clip.status, Clip.reason)).all()),
            "findings": sorted(flagged),
            "counts": {model.__tablename__: s.scalar(select(func.count()).select_from(model))
                       for model in (RightsHolder, Work, Character, Reference, Watchlist, Clip, Finding,
                                     Keyframe, Report)},
        }
    engine.dispose()
    return snap


def check_demo_rows(snap: dict) -> None:
    expected = sorted((f"127.0.0.1/v/{c.id}", c.shows) for c in CLIPS if c.shows)
    assert snap["findings"] == expected
    actions = {"ai_depiction": "notice", "mention": "monitor"}  # the default policy
    assert snap["named"] == sorted((f"127.0.0.1/v/{c.id}", key, kind, actions[kind]) for c in CLIPS
                                   for key, kind in c.named)
    assert ("127.0.0.1/v/v3001", "luffy", "ai_depiction", "notice") in snap["named"]
    assert ("127.0.0.1/v/v3001", "naruto", "ai_depiction", "notice") in snap["named"]
    assert [(platform, pid, status) for platform, pid, status, _ in snap["clips"]] == \
        sorted(("web", f"127.0.0.1/v/{c.id}", "done") for c in CLIPS)
    assert snap["counts"]["references"] == len(REFERENCES)
    assert snap["counts"]["watchlists"] == 1
    assert snap["counts"]["reports"] == 1


def test_demo_twice_on_sqlite(tmp_path):
    home = tmp_path / "home"
    first = run_demo(home)
    assert f"demo verdicts: {len(CLIPS)}/{len(CLIPS)} as expected" in first.stdout
    url = f"sqlite:///{home / 'core.db'}"
    snap = snapshot(url)
    check_demo_rows(snap)
    report_dir = home / "reports"
    assert list(report_dir.rglob("*.json")) and list(report_dir.rglob("*.csv"))
    check_report_is_current(url, report_dir, len(snap["findings"]) + len(snap["named"]), version=1)
    check_report_kinds(report_dir)
    # evidence: yt-dlp's info JSON for every clip, a matched-frame thumbnail for every finding
    assert len(list((home / "evidence").glob("*/info.json"))) == len(CLIPS)
    assert len(list((home / "evidence").glob("*/*.jpg"))) == len(snap["findings"])
    # the demo's log-ins: a password made for this home, kept 0600 in it, printed on the first run only
    password_file = home / "demo-password"
    password = password_file.read_text().strip()
    assert (password_file.stat().st_mode & 0o777) == 0o600 and password in first.stdout
    second = run_demo(home)
    assert snapshot(url) == snap
    check_report_is_current(url, report_dir, len(snap["findings"]) + len(snap["named"]), version=2)  # a new version, v1 stays
    assert list(report_dir.rglob("*-v1.json"))
    assert password not in second.stdout and str(password_file) in second.stdout
    check_demo_login(url, password)
    check_demo_api(home, password)
    check_demo_notices(home, url)


def check_report_kinds(report_dir: Path) -> None:
    """The weekly report counts the findings per kind and per action, with the policy version that decided."""
    import json

    reports = [json.loads(p.read_text()) for p in report_dir.rglob("*.json")]
    (report,) = [r for r in reports if r.get("schema") == "mamoru.weekly-report/1"]
    kinds = {k["kind"]: k["findings"] for k in report["by_kind"]}
    assert kinds["ai_depiction"] == 2 and kinds["mention"] == 1
    assert kinds["copy"] == sum(1 for c in CLIPS if c.shows)
    actions = {a["action"]: a for a in report["by_action"]}
    assert actions["notice"]["findings"] == kinds["copy"] + 2 and actions["notice"]["policy_versions"] == [0]
    assert actions["monitor"]["findings"] == 1 and report["policy"]["version"] == 0


def check_demo_api(home: Path, password: str) -> None:
    """The API lists the two ai_depiction findings of the AI clip with their signals: the names and the
    AI markers as written in the title, with their offsets."""
    import anyio
    import httpx

    from core.config import load_settings
    from reports.web.app import create_app

    settings = load_settings({"MAMORU_HOME": str(home), "MAMORU_ALLOWED_HOSTS": "testserver"})
    app = create_app(settings)

    async def fetch() -> dict:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            r = await client.post("/api/session", json={"email": "analyst@mamoru.demo", "password": password})
            assert r.status_code == 200, r.text
            r = await client.get("/api/findings", params={"kind": "ai_depiction", "state": "all"})
            assert r.status_code == 200, r.text
            return r.json()

    body = anyio.run(fetch)
    found = sorted((f["character"]["name_en"], f["kind"], f["action"]) for f in body["findings"])
    assert [k for _, k, _ in found] == ["ai_depiction", "ai_depiction"] and body["total"] == 2
    title = "【AI】ルフィとナルトが踊ってみた #sora2"
    marked = set()
    for f in body["findings"]:
        assert f["clip"]["title"] == title and f["reference"] is None and f["action"] == "notice"
        for s in f["signals"]:
            if s["type"] in ("mention", "ai_marker") and s["field"] == "title":
                marked.add(s["text"][s["start"]:s["end"]])
    assert {"ルフィ", "ナルト"} <= marked and marked & {"【AI】", "AI", "sora2", "#sora2"}


def check_demo_notices(home: Path, url: str) -> None:
    """Every fetched page was captured (WARC); once an analyst confirms the findings, the demo holder's
    English and Japanese notices are complete (no placeholder) and carry the captures and hashes."""
    import re

    from core.config import load_settings
    from core.db import session_scope
    from core.models import PageCapture
    from core.services.triage import decide
    from reports.notices import draft_notices

    settings = load_settings({"MAMORU_HOME": str(home)})
    engine = create_engine(url)
    with Session(engine) as s:
        captured = {c for (c,) in s.execute(select(PageCapture.clip_id)).all()}
        assert captured == set(s.scalars(select(Clip.id)).all())
    engine.dispose()
    with session_scope(settings) as s:
        holder_id = s.scalar(select(RightsHolder.id))
        decide(s, None, list(s.scalars(select(Finding.id))), "confirm", "demo: confirmed by the test")
        drafts = draft_notices(s, settings, holder_id)
        texts = {d.lang: (home / d.text_key).read_text() for d in drafts}
        assert {d.lang for d in drafts} == {"en", "ja"} and all(d.capture_ids and d.pdf_key for d in drafts)
    placeholder = re.compile(r"\[[A-Z][A-Z _:]+\]|［[^］]*(住所|氏名|電話番号|未設定)[^］]*］|MISSING|未設定")
    for lang, text in texts.items():
        assert not placeholder.search(text), (lang, placeholder.search(text))
        assert "デモ権利者株式会社" in text or "Demo Rights Holder K.K." in text
        assert "WARC" in text


def check_report_is_current(url: str, report_dir: Path, findings: int, version: int) -> None:
    """The demo's analyst triaged before the build: the report lists the confirmed findings (the weakest is
    left pending for the desk) and nothing changed after it was built."""
    import json

    from core.services import report_versions

    data = json.loads(next(report_dir.rglob(f"*-v{version}.json")).read_text("utf-8"))
    assert data["version"] == version
    assert data["totals"]["confirmed"] == findings - 1 and data["totals"]["pending"] == 1
    assert len(data["findings"]) == findings - 1
    engine = create_engine(url)
    with Session(engine) as s:
        report = s.scalar(select(Report))
        fresh = report_versions.freshness(s, report)
    engine.dispose()
    assert fresh.version == version and not fresh.stale


def check_demo_login(url: str, password: str) -> None:
    from core.services.login import authenticate

    engine = create_engine(url)
    with Session(engine) as s:
        assert authenticate(s, "admin@mamoru.demo", password, "127.0.0.1").role == "admin"
        assert authenticate(s, "admin@mamoru.demo", "mamoru-demo", "127.0.0.1") is None
    engine.dispose()


def test_demo_refuses_a_home_it_did_not_create(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "core.db").write_bytes(b"")  # an operator's database
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAMORU_")}
    env.update(MAMORU_HOME=str(home))
    proc = subprocess.run([sys.executable, "-m", "mamoru.cli.main", "demo"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "did not create" in proc.stderr, proc.stderr[-2000:]
    assert sorted(p.name for p in home.iterdir()) == ["core.db"]


def test_demo_on_postgresql(tmp_path, postgres_url):
    run_demo(tmp_path / "home", database_url=postgres_url)
    check_demo_rows(snapshot(postgres_url))
