"""`mamoru holders`: the notice profile set and shown from the command line, refusals as one line, and
notice drafts kept as versions."""

from __future__ import annotations

import json

from click.testing import CliRunner

from core.db import session_scope
from mamoru.cli.main import cli
from reports.sample import seed_sample


def test_profile_set_show_and_notices(settings):
    with session_scope(settings) as s:
        holder = seed_sample(s, settings, week="2026-W47").holders[0]
    run = CliRunner().invoke
    r = run(cli, ["holders", "profile", "set", str(holder), "--legal-name", "Kumo Studio Co., Ltd.",
                  "--representative", "代表取締役 山田 太郎", "--address", "Tokyo", "--telephone", "+81 3-1234-5678",
                  "--email", "legal@kumo.example", "--no-disclose-name"])
    assert r.exit_code == 0, r.output
    assert "profile complete" in r.output
    shown = json.loads(run(cli, ["holders", "profile", "show", str(holder), "--json"]).output)
    assert shown["legal_name"] == "Kumo Studio Co., Ltd." and shown["disclose_name"] is False
    bad = run(cli, ["holders", "profile", "set", str(holder), "--telephone", "call me"])
    assert bad.exit_code == 1 and bad.output.count("\n") == 1 and "telephone" in bad.output
    assert run(cli, ["holders", "profile", "show", "no such holder"]).exit_code == 1
    listed = run(cli, ["holders", "list"]).output
    assert f"{holder}\t" in listed and "profile complete" in listed
    first = run(cli, ["holders", "notices", str(holder), "--no-pdf"])
    second = run(cli, ["holders", "notices", str(holder), "--no-pdf"])
    assert first.exit_code == 0 and "\tv1\t" in first.output and "\tv2\t" in second.output
    assert "\tja\t" in first.output and "\ten\t" in first.output
