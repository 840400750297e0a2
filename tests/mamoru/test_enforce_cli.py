"""`mamoru enforce`: record steps, show the history, re-check here against the demo platform, figures."""

from __future__ import annotations

import json
import urllib.request

from click.testing import CliRunner

from core.db import session_scope
from core.models import Clip, Finding
from mamoru.cli.main import cli
from mamoru.demo.catalog import CLIPS
from mamoru.demo.server import DemoServer
from reports.sample import seed_sample


def test_record_show_recheck_and_figures(settings, monkeypatch, tmp_path):
    monkeypatch.setenv("MAMORU_ALLOWED_PRIVATE_HOSTS", "127.0.0.1")
    monkeypatch.setenv("MAMORU_REDIS_URL", "redis://127.0.0.1:9/0")  # nothing listens: not queued, said so
    from core.config import get_settings

    get_settings.cache_clear()
    with session_scope(settings) as s:
        fid = seed_sample(s, settings, images=False).findings["confirmed"][0]
    runner = CliRunner()
    with DemoServer(tmp_path / "media") as site:
        with session_scope(settings) as s:
            clip = s.get(Clip, s.get(Finding, fid).clip_id)
            clip.url = clip.page_url = f"{site.base_url}/v/{CLIPS[0].id}"
        r = runner.invoke(cli, ["enforce", "record", str(fid), "sent", "--channel", "email", "--ref", "YT-77"])
        assert r.exit_code == 0, r.output
        assert f"finding {fid}: sent at" in r.output and "ref YT-77" in r.output
        assert "re-check not queued" in r.output
        bad = runner.invoke(cli, ["enforce", "record", str(fid), "reinstated"])
        assert bad.exit_code == 1 and "from there it can go to acknowledged, removed, rejected" in bad.output
        urllib.request.urlopen(urllib.request.Request(f"{site.base_url}/admin/takedown/{CLIPS[0].id}",
                                                      method="POST"))
        r = runner.invoke(cli, ["enforce", "recheck", str(fid), "--here"])
        assert r.exit_code == 0, r.output
        assert "gone (the page answered HTTP 410)" in r.output and f"finding {fid}: removed" in r.output
    both = seed_pair(settings)
    r = runner.invoke(cli, ["enforce", "record", f"{both[0]},{both[1]}", "sent", "--channel", "post", "--no-recheck"])
    assert r.exit_code == 0 and r.output.count(": sent at") == 2
    assert runner.invoke(cli, ["enforce", "record", "1,x", "sent"]).exit_code == 2
    shown = json.loads(runner.invoke(cli, ["enforce", "show", str(fid), "--json"]).output)
    assert shown["state"] == "removed" and [e["state"] for e in shown["events"]] == ["sent", "removed"]
    assert shown["events"][1]["evidence_key"].startswith("enforcement/")
    table = runner.invoke(cli, ["enforce", "figures", "--by", "platform"])
    assert table.exit_code == 0 and "100%" in table.output
    data = json.loads(runner.invoke(cli, ["enforce", "figures", "--json"]).output)
    assert data["total"]["removed"] == 1 and data["total"]["noticed"] == 3
    get_settings.cache_clear()


def seed_pair(settings) -> list[int]:  # noqa: ANN001
    """Two more confirmed findings of the sample not yet under notice."""
    with session_scope(settings) as s:
        return [f.id for f in s.query(Finding).filter(Finding.state == "confirmed",
                                                      Finding.enforcement_state.is_(None)).order_by(Finding.id)][:2]
