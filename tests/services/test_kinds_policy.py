"""The finding kinds' decision table (core.services.kinds, pure), the policy's rules (core.services.policy:
parsing, first rule wins, allow-lists, versions with audit), the commercial hints (matcher.text.commercial)
and `mamoru policy show|set`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.models import AuditEvent, HolderPolicy
from core.services.errors import Invalid
from core.services.holders import get_or_create_holder
from core.services.kinds import decide_kind, verdicts
from core.services.policy import (
    DEFAULT_POLICY,
    current_policy,
    decide_action,
    parse_policy,
    policy_facts,
    set_policy,
)
from matcher.text.commercial import commercial_hints


@pytest.mark.parametrize(("types", "kind"), [
    ({"reference_match"}, "copy"),
    ({"reference_match", "mention", "ai_marker", "c2pa"}, "copy"),
    ({"reference_match", "commercial"}, "copy"),
    ({"mention", "ai_marker"}, "ai_depiction"),
    ({"mention", "c2pa"}, "ai_depiction"),
    ({"mention", "watermark"}, "ai_depiction"),
    ({"likeness", "watermark"}, "ai_depiction"),
    ({"likeness", "mention", "ai_marker", "commercial"}, "ai_depiction"),
    ({"mention"}, "mention"),
    ({"mention", "commercial"}, "mention"),
    ({"mention", "likeness"}, "mention"),
    ({"likeness"}, None),
    ({"ai_marker"}, None),
    ({"c2pa", "watermark", "commercial"}, None),
    (set(), None),
])
def test_decision_table(types, kind):
    assert decide_kind(types) == kind


def test_verdicts_one_per_character_with_the_clip_signals():
    ai = {"type": "ai_marker", "marker": "sora", "field": "hashtags"}
    out = verdicts({7: [{"type": "mention", "alias": "ルフィ"}], 3: [{"type": "reference_match", "reference_id": 9}],
                    5: []}, [ai])
    assert [(v.character_id, v.kind) for v in out] == [(3, "copy"), (7, "ai_depiction")]
    assert out[1].signals[-1] == ai and out[0].reference_ids == [9]
    assert verdicts({1: [ai]}, [ai]) == []  # a clip signal listed per character is not the character's own


def test_default_policy_and_first_rule_wins():
    def act(document, kind, signals=(), platform="tiktok", uploader=("someone",)):
        return decide_action(document, policy_facts(document, kind, list(signals), platform, uploader))

    assert [act(DEFAULT_POLICY, k) for k in ("copy", "ai_depiction", "mention")] == ["notice", "notice", "monitor"]
    guideline = parse_policy("""
allow_uploaders: ["@Official_OP", {platform: youtube, uploader: licensed_ch}]
rules:
  - {kind: mention, commercial: true, action: notice}
  - {kind: mention, action: tolerate}
  - {kind: ai_depiction, platform: [youtube], action: monitor}
  - {kind: [copy, ai_depiction], action: notice}
default: monitor
""")
    assert guideline["rules"][0] == {"uploader_allowed": True, "action": "tolerate"}  # the allow-list's rule first
    commercial = [{"type": "commercial", "marker": "sale_ja"}]
    assert act(guideline, "mention") == "tolerate"
    assert act(guideline, "mention", commercial) == "notice"
    assert act(guideline, "ai_depiction", platform="YouTube") == "monitor"
    assert act(guideline, "ai_depiction") == "notice"
    assert act(guideline, "copy", uploader=("official_op",)) == "tolerate"
    assert act(guideline, "copy", platform="youtube", uploader=(None, "licensed_ch")) == "tolerate"
    assert act(guideline, "copy", platform="tiktok", uploader=("licensed_ch",)) == "notice"
    assert decide_action({"rules": [], "default": "tolerate"}, {"kind": "copy", "platform": ""}) == "tolerate"


@pytest.mark.parametrize(("text", "says"), [
    ("rules: [{kind: parody, action: notice}]", "'parody' is not one of"),
    ("rules: [{kind: copy, action: sue}]", "action must be one of"),
    ("rules: [{kind: copy, paid: true, action: notice}]", "unknown condition 'paid'"),
    ("rules: [{ai: maybe, action: notice}]", "ai: expected true or false"),
    ("default: ignore", "default: 'ignore'"),
    ("rules: {kind: copy}", "expected a list"),
    ("- just a list", "expected a mapping"),
    ("rules: [a: b", "not valid YAML"),
    ("allow_uploaders: [{name: x}]", "allow_uploaders 1"),
])
def test_bad_policy_one_line(text, says):
    with pytest.raises(Invalid) as err:
        parse_policy(text, "p.yaml")
    assert says in str(err.value) and "\n" not in str(err.value) and str(err.value).startswith("p.yaml")


def test_policy_versions_with_audit(session):
    holder = get_or_create_holder(session, None, "Guideline Studio")
    assert current_policy(session, holder.id) == (0, DEFAULT_POLICY)
    first = set_policy(session, None, holder, parse_policy("rules: [{kind: mention, action: tolerate}]"))
    again = set_policy(session, None, holder, parse_policy("rules: [{kind: mention, action: tolerate}]"))
    second = set_policy(session, None, holder, parse_policy("default: notice"))
    assert (first.version, again.id, second.version) == (1, first.id, 2)
    assert current_policy(session, holder.id)[0] == 2
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "policy_set")).all()
    assert [e.detail["version"] for e in events] == [1, 2] and events[0].object_id == holder.id
    assert session.scalar(select(HolderPolicy.document).where(HolderPolicy.version == 1))["rules"][0]["action"] \
        == "tolerate"


def test_commercial_hints_where_written():
    hints = commercial_hints({"title": "ルフィ アクスタ 販売中 link in bio ¥1,500", "description": "Commissions open!",
                              "hashtags": ["boothpm"], "uploader_name": "shop_kun"})
    assert {(h.marker, h.field) for h in hints} >= {("sale_ja", "title"), ("link_in_bio", "title"),
                                                    ("price", "title"), ("commission", "description")}
    title = "ルフィ アクスタ 販売中 link in bio ¥1,500"
    assert all(title[h.start:h.end] == h.text for h in hints if h.field == "title")
    assert commercial_hints({"title": "fluffy workshop in the bookstore", "description": "shopping vlog"}) == []


def test_policy_cli(settings, tmp_path):
    from mamoru.cli.main import cli

    from core.db import session_scope

    runner = CliRunner()
    with session_scope(settings) as s:
        get_or_create_holder(s, None, "CLI Studio")
    shown = runner.invoke(cli, ["policy", "show", "--holder", "CLI Studio"])
    assert shown.exit_code == 0 and "version 0 (the default)" in shown.output and "ai_depiction" in shown.output
    path = tmp_path / "policy.yaml"
    path.write_text("rules:\n  - {kind: mention, action: tolerate}\n  - {kind: [copy, ai_depiction], action: notice}\n")
    stored = runner.invoke(cli, ["policy", "set", "--holder", "CLI Studio", str(path)])
    assert stored.exit_code == 0 and "version 1" in stored.output, stored.output
    again = runner.invoke(cli, ["policy", "set", "--holder", "CLI Studio", "--apply", str(path)])
    assert "version 1" in again.output and "pending findings decided again under version 1: none" in again.output
    assert "tolerate" in runner.invoke(cli, ["policy", "show", "--holder", "CLI Studio"]).output
    path.write_text("rules: [{kind: parody, action: notice}]\n")
    bad = runner.invoke(cli, ["policy", "set", "--holder", "CLI Studio", str(path)])
    assert bad.exit_code == 1 and "'parody' is not one of" in bad.output
    missing = runner.invoke(cli, ["policy", "show", "--holder", "Nobody"])
    assert missing.exit_code == 1 and "no rights holder named 'Nobody'" in missing.output
