"""A rights holder's policy: what to do with a finding of a kind and its signals: `notice` (draft a notice),
`monitor` (keep watching) or `tolerate` (fan work the holder's guidelines allow, 二次創作ガイドライン).

A policy is a YAML document:

    allow_uploaders:                 # the holder's own or licensed accounts (platform optional)
      - {platform: youtube, uploader: "@official"}
    rules:                           # the first rule whose conditions all hold decides
      - {uploader_allowed: true, action: tolerate}
      - {kind: copy, action: notice}
      - {kind: ai_depiction, action: notice}
      - {kind: mention, commercial: true, action: notice}
      - {kind: mention, action: monitor}
    default: monitor                 # when no rule holds

Conditions: `kind` (one or a list), `ai` (true/false: an AI marker, C2PA claim or generator watermark),
`commercial` (true/false: sale or money hints in the text), `platform` (one or a list), `uploader_allowed`.
Every change is a new version (audited); each finding records the version whose action it carries.
Without a stored policy the built-in DEFAULT_POLICY (version 0) decides.
"""

from __future__ import annotations

import copy

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import HolderPolicy, PolicyAction, RightsHolder
from core.services.audit import record
from core.services.errors import Invalid
from core.services.kinds import KINDS, is_ai, is_commercial

ACTIONS = tuple(a.value for a in PolicyAction)
CONDITIONS = ("kind", "ai", "commercial", "platform", "uploader_allowed")
MAX_RULES = 200
MAX_ALLOWED_UPLOADERS = 5000
DEFAULT_POLICY = {
    "allow_uploaders": [],
    "rules": [
        {"uploader_allowed": True, "action": "tolerate"},
        {"kind": "copy", "action": "notice"},
        {"kind": "ai_depiction", "action": "notice"},
        {"kind": "mention", "action": "monitor"},
    ],
    "default": "monitor",
}
DEFAULT_VERSION = 0


def parse_policy(text: str, source: str = "policy") -> dict:
    """The policy document in TEXT (YAML), validated; Invalid with one line saying what is wrong."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise Invalid(f"{source}: not valid YAML{where}") from None
    return validate_policy(data, source)


def _one_or_list(value, where: str, allowed: tuple[str, ...] | None = None) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise Invalid(f"{where}: expected a name or a list of names")
    items = [i.strip() for i in items]
    if allowed is not None and (bad := [i for i in items if i not in allowed]):
        raise Invalid(f"{where}: {bad[0]!r} is not one of {', '.join(allowed)}")
    return items


def validate_policy(data, source: str = "policy") -> dict:  # noqa: ANN001
    if not isinstance(data, dict):
        raise Invalid(f"{source}: expected a mapping with `rules` (and `default`, `allow_uploaders`)")
    unknown = set(data) - {"rules", "default", "allow_uploaders", "note"}
    if unknown:
        raise Invalid(f"{source}: unknown key {sorted(unknown)[0]!r} (rules, default, allow_uploaders, note)")
    default = data.get("default", "monitor")
    if default not in ACTIONS:
        raise Invalid(f"{source}: default: {default!r} is not one of {', '.join(ACTIONS)}")
    rules_in = data.get("rules") or []
    if not isinstance(rules_in, list) or len(rules_in) > MAX_RULES:
        raise Invalid(f"{source}: rules: expected a list of at most {MAX_RULES} rules")
    rules = []
    for n, rule in enumerate(rules_in, 1):
        where = f"{source}: rule {n}"
        if not isinstance(rule, dict):
            raise Invalid(f"{where}: expected a mapping with conditions and an action")
        if rule.get("action") not in ACTIONS:
            raise Invalid(f"{where}: action must be one of {', '.join(ACTIONS)}")
        unknown = set(rule) - {*CONDITIONS, "action"}
        if unknown:
            raise Invalid(f"{where}: unknown condition {sorted(unknown)[0]!r} ({', '.join(CONDITIONS)})")
        out = {"action": rule["action"]}
        if "kind" in rule:
            out["kind"] = _one_or_list(rule["kind"], f"{where}: kind", KINDS)
        if "platform" in rule:
            out["platform"] = [p.lower() for p in _one_or_list(rule["platform"], f"{where}: platform")]
        for flag in ("ai", "commercial", "uploader_allowed"):
            if flag in rule:
                if not isinstance(rule[flag], bool):
                    raise Invalid(f"{where}: {flag}: expected true or false")
                out[flag] = rule[flag]
        rules.append(out)
    allowed_in = data.get("allow_uploaders") or []
    if not isinstance(allowed_in, list) or len(allowed_in) > MAX_ALLOWED_UPLOADERS:
        raise Invalid(f"{source}: allow_uploaders: expected a list of at most {MAX_ALLOWED_UPLOADERS} uploaders")
    allowed = []
    for n, item in enumerate(allowed_in, 1):
        item = {"uploader": item} if isinstance(item, str) else item
        if not isinstance(item, dict) or not isinstance(item.get("uploader"), str) or not item["uploader"].strip() \
                or set(item) - {"uploader", "platform"}:
            raise Invalid(f"{source}: allow_uploaders {n}: expected an uploader name or {{platform, uploader}}")
        allowed.append({"uploader": _uploader_key(item["uploader"]),
                        "platform": (item.get("platform") or "").strip().lower() or None})
    if allowed and not any("uploader_allowed" in r for r in rules):  # an allow-list means: tolerate them
        rules.insert(0, {"uploader_allowed": True, "action": "tolerate"})
    out = {"allow_uploaders": allowed, "rules": rules, "default": default}
    if isinstance(data.get("note"), str):
        out["note"] = data["note"][:2000]
    return out


def _uploader_key(name: str | None) -> str:
    return (name or "").strip().lstrip("@").casefold()


def uploader_allowed(document: dict, platform: str | None, uploader_ids: tuple[str | None, ...]) -> bool:
    keys = {_uploader_key(u) for u in uploader_ids if u}
    return any(a["uploader"] in keys and (a["platform"] in (None, (platform or "").lower()))
               for a in document.get("allow_uploaders", []))


def policy_facts(document: dict, kind: str, signals: list[dict], platform: str | None,
                 uploader_ids: tuple[str | None, ...]) -> dict:
    """What the rules test about one finding."""
    return {"kind": kind, "ai": is_ai(signals), "commercial": is_commercial(signals),
            "platform": (platform or "").lower(), "uploader_allowed": uploader_allowed(document, platform, uploader_ids)}


def decide_action(document: dict, facts: dict) -> str:
    """The action of the first rule of DOCUMENT whose conditions FACTS meet, else its default (pure)."""
    for rule in document.get("rules", []):
        if "kind" in rule and facts["kind"] not in rule["kind"]:
            continue
        if "platform" in rule and facts["platform"] not in rule["platform"]:
            continue
        if any(flag in rule and rule[flag] != bool(facts.get(flag)) for flag in ("ai", "commercial",
                                                                                   "uploader_allowed")):
            continue
        return rule["action"]
    return document.get("default", "monitor")


def current_policy(session: Session, holder_id: int) -> tuple[int, dict]:
    """(version, document) of the holder's newest policy; (0, DEFAULT_POLICY) when it has none."""
    row = session.scalar(select(HolderPolicy).where(HolderPolicy.rights_holder_id == holder_id)
                         .order_by(HolderPolicy.version.desc()).limit(1))
    if row is None:
        return DEFAULT_VERSION, copy.deepcopy(DEFAULT_POLICY)
    return row.version, row.document


def set_policy(session: Session, actor_id: int | None, holder: RightsHolder, document: dict) -> HolderPolicy:
    """Store DOCUMENT (validated) as the holder's next policy version; the same document again changes
    nothing (the current version is returned). Audited."""
    document = validate_policy(document)
    version, current = current_policy(session, holder.id)
    latest = session.scalar(select(HolderPolicy).where(HolderPolicy.rights_holder_id == holder.id,
                                                       HolderPolicy.version == version))
    if latest is not None and current == document:
        return latest
    next_version = (session.scalar(select(func.max(HolderPolicy.version))
                                   .where(HolderPolicy.rights_holder_id == holder.id)) or 0) + 1
    row = HolderPolicy(rights_holder_id=holder.id, version=next_version, document=document, created_by=actor_id)
    session.add(row)
    session.flush()
    record(session, actor_id, "policy_set", "rights_holder", holder.id, version=next_version,
           rules=len(document["rules"]), default=document["default"],
           allow_uploaders=len(document["allow_uploaders"]))
    return row


def decide_finding(version: int, document: dict, finding, clip) -> None:  # noqa: ANN001
    """Set FINDING's action from its kind and signals under the policy (VERSION, DOCUMENT)."""
    facts = policy_facts(document, finding.kind or "copy", list(finding.signals or []), clip.platform,
                         (clip.uploader_id, clip.uploader_name))
    finding.action = decide_action(document, facts)
    finding.policy_version = version


def apply_policy(session: Session, actor_id: int | None, holder: RightsHolder,
                 states: tuple[str, ...] = ("pending",)) -> dict[str, int]:
    """Decide again, under the holder's current policy, the action of its findings in STATES (pending by
    default: what analysts decided stays as it was decided). Audited; returns {action: findings}."""
    from core.models import Character, Clip, Finding, Reference, Work

    version, document = current_policy(session, holder.id)
    rows = session.execute(
        select(Finding, Clip).join(Clip, Finding.clip_id == Clip.id)
        .outerjoin(Reference, Finding.reference_id == Reference.id)
        .join(Character, Character.id == func.coalesce(Finding.character_id, Reference.character_id))
        .join(Work, Character.work_id == Work.id)
        .where(Work.rights_holder_id == holder.id, Finding.state.in_(states))).all()
    counts: dict[str, int] = {}
    for finding, clip in rows:
        decide_finding(version, document, finding, clip)
        counts[finding.action] = counts.get(finding.action, 0) + 1
    session.flush()
    record(session, actor_id, "policy_applied", "rights_holder", holder.id, version=version, states=list(states),
           **{f"to_{a}": n for a, n in sorted(counts.items())})
    return counts


# --- for the web app and the API: who may read and change a holder's policy --------------------------------

def holder_policy(session: Session, actor, holder_id: int) -> dict:  # noqa: ANN001
    """{"rights_holder_id", "version", "document", "editable"} for staff and the holder's own users
    (another holder's answers NotFound, as its profile does)."""
    from core.services.holder_profiles import _visible, can_edit

    _visible(session, actor, holder_id)
    version, document = current_policy(session, holder_id)
    return {"rights_holder_id": holder_id, "version": version, "document": document,
            "editable": can_edit(actor, holder_id)}


def _may_change(session: Session, actor, holder_id: int) -> RightsHolder:  # noqa: ANN001
    """The holder, when ACTOR may change its policy (admins and its own users); NotFound for a holder the
    actor may not see, Forbidden for one it may only read."""
    from core.services.errors import Forbidden
    from core.services.holder_profiles import _visible, can_edit

    holder = _visible(session, actor, holder_id)
    if not can_edit(actor, holder_id):
        raise Forbidden("only an admin or the holder's own users may change its policy")
    return holder


def change_holder_policy(session: Session, actor, holder_id: int, document, *, apply_pending: bool = False) -> dict:  # noqa: ANN001
    """Store DOCUMENT as the holder's next policy (admins and the holder's own users); with APPLY_PENDING
    its pending findings are decided again under it. Audited."""
    holder = _may_change(session, actor, holder_id)
    set_policy(session, getattr(actor, "id", None), holder, document)
    out = holder_policy(session, actor, holder_id)
    if apply_pending:
        out["applied"] = apply_policy(session, getattr(actor, "id", None), holder)
    return out


MAX_POLICY_CHARS = 200_000  # a policy file of MAX_RULES rules and MAX_ALLOWED_UPLOADERS uploaders fits


def policy_yaml(document: dict) -> str:
    """DOCUMENT as the YAML a holder edits (keys in the documented order, names as written)."""
    import yaml

    ordered = {k: document[k] for k in ("allow_uploaders", "rules", "default", "note") if k in document}
    ordered["allow_uploaders"] = [{k: v for k, v in a.items() if v is not None}
                                  for a in ordered.get("allow_uploaders") or []]
    return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)


def policy_history(session: Session, actor, holder_id: int) -> list[dict]:  # noqa: ANN001
    """Every stored version of the holder's policy, newest first: {"version", "created_at", "created_by"
    (e-mail, for staff only), "rules", "default", "allow_uploaders", "document"}; who may see it as
    holder_policy says."""
    from core.models import User
    from core.services.holder_profiles import _visible

    _visible(session, actor, holder_id)
    staff = actor is None or str(actor.role) in ("admin", "analyst")
    rows = session.execute(select(HolderPolicy, User.email).outerjoin(User, HolderPolicy.created_by == User.id)
                           .where(HolderPolicy.rights_holder_id == holder_id)
                           .order_by(HolderPolicy.version.desc())).all()
    return [{"version": row.version, "created_at": row.created_at.isoformat() if row.created_at else None,
             "created_by": email if staff else None, "rules": len(row.document.get("rules", [])),
             "default": row.document.get("default"), "allow_uploaders": len(row.document.get("allow_uploaders", [])),
             "document": row.document} for row, email in rows]


def change_holder_policy_text(session: Session, actor, holder_id: int, text: str, *,  # noqa: ANN001
                              apply_pending: bool = False) -> dict:
    """As change_holder_policy, from the YAML TEXT a holder edited (one line saying what is wrong)."""
    _may_change(session, actor, holder_id)
    if len(text) > MAX_POLICY_CHARS:
        raise Invalid(f"policy: longer than {MAX_POLICY_CHARS} characters")
    return change_holder_policy(session, actor, holder_id, parse_policy(text), apply_pending=apply_pending)
