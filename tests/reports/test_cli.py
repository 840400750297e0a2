"""`mamoru report` end to end on sample rows."""

from __future__ import annotations

from click.testing import CliRunner

from mamoru.cli.main import cli
from core.db import session_scope
from core.models import Report
from reports.sample import seed_sample


def test_report_command_writes_requested_formats(settings):
    with session_scope(settings) as s:
        ids = seed_sample(s, settings, images=False)
    result = CliRunner().invoke(cli, ["report", "--holder", "Kumo Studio 雲スタジオ", "--week", "2026-W47",
                                      "--format", "csv,json"])
    assert result.exit_code == 0, result.output
    assert "csv" in result.output and "json" in result.output
    with session_scope(settings) as s:
        report = s.query(Report).filter_by(rights_holder_id=ids.holders[0], week="2026-W47").one()
        assert sorted(f["format"] for f in report.files) == ["csv", "json"]


def test_report_command_rejects_bad_week_and_holder(settings):
    runner = CliRunner()
    assert runner.invoke(cli, ["report", "--week", "2026-47"]).exit_code == 2
    assert runner.invoke(cli, ["report", "--holder", "nobody", "--week", "2026-W47"]).exit_code == 2
