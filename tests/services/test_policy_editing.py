"""The policy as a holder edits it (core.services.policy): YAML out and back, one line for a bad file, the
versions with who stored them (e-mail for staff only), and who may change it; watermarks retired and
restored (core.services.watermarks), audited, and left out of the matcher's templates."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import AuditEvent
from core.services.errors import Forbidden, Invalid, NotFoundError
from core.services.holders import create_holder
from core.services.policy import (
    DEFAULT_POLICY,
    change_holder_policy_text,
    parse_policy,
    policy_history,
    policy_yaml,
)
from core.services.users import create_user
from core.services.watermarks import add_watermark, list_watermarks, set_retired, watermark_templates
from bench.provenance import kit

TEXT = """
allow_uploaders: ["@official", {platform: youtube, uploader: studio}]
rules:
  - {kind: ai_depiction, action: notice}
  - {kind: mention, commercial: true, action: notice}
default: monitor
note: 二次創作ガイドライン 2026
"""


@pytest.fixture
def people(session):
    holder = create_holder(session, None, "Studio A")
    other = create_holder(session, None, "Studio B")
    users = {role: create_user(session, f"{role}@example.test", "a long enough password 1", role,
                               holder.id if role == "rights_holder" else None)
             for role in ("admin", "analyst", "rights_holder")}
    users["stranger"] = create_user(session, "stranger@example.test", "a long enough password 1", "rights_holder",
                                    other.id)
    return holder, users


def test_yaml_round_trip_keeps_the_document():
    for document in (DEFAULT_POLICY, parse_policy(TEXT)):
        assert parse_policy(policy_yaml(document)) == parse_policy(policy_yaml(parse_policy(policy_yaml(document))))
        assert parse_policy(policy_yaml(document))["rules"] == parse_policy(policy_yaml(document))["rules"]
    text = policy_yaml(parse_policy(TEXT))
    assert "二次創作ガイドライン" in text and text.index("allow_uploaders") < text.index("rules") < text.index("default")


@pytest.mark.parametrize(("text", "message"), [
    ("rules:\n  - {kind: copy\n  - x: [", "policy: not valid YAML (line 3)"),
    ("rules:\n  - {kind: parody, action: notice}", "policy: rule 1: kind: 'parody' is not one of copy, ai_depiction, mention"),
    ("rules:\n  - {kind: copy, action: sue}", "policy: rule 1: action must be one of notice, monitor, tolerate"),
    ("- a list", "policy: expected a mapping with `rules`"),
])
def test_a_bad_file_is_one_line(session, people, text, message):
    holder, users = people
    with pytest.raises(Invalid) as caught:
        change_holder_policy_text(session, users["admin"], holder.id, text)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_versions_history_and_who_may_change(session, people):
    holder, users = people
    assert policy_history(session, users["analyst"], holder.id) == []
    out = change_holder_policy_text(session, users["rights_holder"], holder.id, TEXT)
    assert out["version"] == 1 and out["editable"]
    again = change_holder_policy_text(session, users["admin"], holder.id, policy_yaml(out["document"]))
    assert again["version"] == 1  # the same document: nothing new
    change_holder_policy_text(session, users["admin"], holder.id, "rules: []\ndefault: tolerate", apply_pending=True)
    staff = policy_history(session, users["analyst"], holder.id)
    assert [(h["version"], h["default"], h["created_by"]) for h in staff] == \
        [(2, "tolerate", "admin@example.test"), (1, "monitor", "rights_holder@example.test")]
    own = policy_history(session, users["rights_holder"], holder.id)
    assert [h["created_by"] for h in own] == [None, None]  # staff e-mails are not shown to holders
    with pytest.raises(Forbidden):
        change_holder_policy_text(session, users["analyst"], holder.id, TEXT)
    with pytest.raises(NotFoundError):
        change_holder_policy_text(session, users["stranger"], holder.id, "rules: [")  # 404 before any parsing
    with pytest.raises(NotFoundError):
        policy_history(session, users["stranger"], holder.id)
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == holder.id,
                                                              AuditEvent.object_type == "rights_holder")).all()
    assert actions.count("policy_set") == 2 and actions.count("policy_applied") == 1


def test_retire_and_restore_a_watermark(session, settings, tmp_path):
    row = add_watermark(session, settings, None, name="genai", data=kit.make_logo(tmp_path / "g.png").read_bytes())
    assert [t.name for t in watermark_templates(session, settings)] == ["genai"]
    set_retired(session, None, row.id, True)
    set_retired(session, None, row.id, True)  # twice: nothing more
    assert watermark_templates(session, settings) == [] and row.retired_at is not None
    assert [w.name for w, _ in list_watermarks(session)] == ["genai"]
    assert list_watermarks(session, retired=False) == []
    set_retired(session, None, row.id, False)
    assert [t.name for t in watermark_templates(session, settings)] == ["genai"]
    audit = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "watermark")
                            .order_by(AuditEvent.id)).all()
    assert audit == ["watermark_added", "watermark_retired", "watermark_restored"]
    with pytest.raises(NotFoundError):
        set_retired(session, None, 999, True)


def test_a_blank_logo_is_refused_by_the_check_before_it_is_stored(session, settings, tmp_path):
    from PIL import Image

    from reports.web.uploads import check_watermark

    blank = tmp_path / "blank.png"
    Image.new("RGBA", (64, 20), (0, 0, 0, 0)).save(blank)
    with pytest.raises(Invalid, match="the matcher cannot use this logo: .*blank"):
        add_watermark(session, settings, None, name="blank", data=blank.read_bytes(), check=check_watermark)
    assert list_watermarks(session) == []
