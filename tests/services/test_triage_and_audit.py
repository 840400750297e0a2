"""Decisions and catalogue changes leave audit records whoever makes them: the CLI (no user) and the web."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from artkit import art_png
from core.models import AuditEvent, Finding
from core.services.errors import Invalid
from core.services.triage import MAX_NOTE, decide
from reports.sample import seed_sample


def test_decisions_are_audited_and_bad_ones_refused(settings, session):
    seed_sample(session, settings)
    finding = session.scalars(select(Finding).where(Finding.state == "pending")).first()
    assert decide(session, None, [finding.id], "confirm", " looks like ours ") == 1
    assert (finding.state, finding.note) == ("confirmed", "looks like ours")
    event = session.scalar(select(AuditEvent).where(AuditEvent.object_type == "finding",
                                                    AuditEvent.object_id == finding.id))
    assert (event.action, event.object_id, event.detail["before"], event.detail["after"]) == (
        "confirm", finding.id, "pending", "confirmed")
    with pytest.raises(Invalid, match="action must be one of"):
        decide(session, None, [finding.id], "delete", None)
    with pytest.raises(Invalid, match=f"longer than {MAX_NOTE}"):
        decide(session, None, [finding.id], "dismiss", "x" * (MAX_NOTE + 1))
    assert finding.state == "confirmed"


def test_the_cli_writes_audit_records_too(settings, tmp_path):
    from core.db import session_scope
    from mamoru.cli.main import cli

    image = tmp_path / "captain.png"
    image.write_bytes(art_png(11))
    runner = CliRunner()
    for args in (["watch", "add", "--holder", "Alpha", "--platform", "youtube", "--kind", "search", "luffy"],
                 ["watch", "pause", "1"], ["watch", "remove", "1"],
                 ["refs", "add", "--holder", "Alpha", "--work", "W", "--character", "C", str(image)],
                 ["refs", "retire", "1"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    with session_scope(settings) as s:
        events = [(e.action, e.user_id) for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert [a for a, _ in events] == ["holder_created", "watchlist_added", "watchlist_paused", "watchlist_removed",
                                      "work_created", "character_created", "reference_added", "reference_retired"]
    assert {user for _, user in events} == {None}
