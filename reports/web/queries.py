"""What the pages and the API share: who sees what, the triage queue and finding views (decisions and the
audit log are core.services')."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import (
    Character,
    Clip,
    Finding,
    Reference,
    Report,
    RightsHolder,
    Role,
    TriageState,
    Work,
)
from core.services import report_versions
from core.services.kinds import KINDS
from core.services.policy import ACTIONS
from core.services.audit import record  # noqa: F401  (the log-in pages' audit records)
from reports.build import finding_character, finding_entry

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# copies by their calibrated score; the non-copy findings (score 0) after them by their rule-based confidence
SORTS = {
    "score": (Finding.score.desc(), Finding.confidence.desc().nulls_last(), Finding.id.desc()),
    "score_asc": (Finding.score.asc(), Finding.confidence.asc().nulls_first(), Finding.id.asc()),
    "confidence": (Finding.confidence.desc().nulls_last(), Finding.score.desc(), Finding.id.desc()),
    "newest": (Finding.created_at.desc(), Finding.id.desc()),
    "oldest": (Finding.created_at.asc(), Finding.id.asc()),
    "views": (Clip.view_count.desc(), Finding.id.desc()),
}


class NotFound(Exception):
    """Absent, or not visible to this user (both look the same from outside)."""


@dataclass
class CurrentUser:
    id: int
    email: str
    role: str
    rights_holder_id: int | None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.admin.value, Role.analyst.value)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin.value


@dataclass
class FindingFilters:
    """Triage queue filters (all optional). Dates are inclusive UTC days of the finding's creation."""

    state: str | None = TriageState.pending.value
    holder: int | None = None
    platform: str | None = None
    work: int | None = None
    character: int | None = None
    reference: int | None = None
    kind: str | None = None
    action: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None
    sort: str = "score"

    @classmethod
    def from_params(cls, params, default_state: str | None = TriageState.pending.value,
                    strict: bool = False) -> FindingFilters:
        """From query parameters; junk values are ignored rather than failing the page, or (strict, the
        API) refused with a ValueError naming the parameter."""
        out = cls(state=default_state)
        for f in fields(cls):
            raw = params.get(f.name)
            if raw is None or str(raw).strip() == "":
                continue
            try:
                setattr(out, f.name, _filter_value(f.name, str(raw).strip()))
            except ValueError as exc:
                if strict:
                    raise ValueError(f"{f.name}: {exc}") from None
        return out

    def as_params(self) -> dict:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "state":
                out["state"] = v or "all"
            elif v is not None and v != "":
                out[f.name] = v.isoformat() if isinstance(v, date) else v
        return out


STATES = tuple(s.value for s in TriageState)
MAX_ID = 2**63 - 1  # the largest id a database integer holds
MAX_OFFSET = 10**9


def _filter_value(name: str, raw: str):  # noqa: ANN202
    """One filter's value from its text; ValueError saying what is expected."""
    if name in ("holder", "work", "character", "reference"):
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
            raise ValueError(f"expected an id (a whole number from 1), got {raw[:40]!r}")
        return int(raw)
    if name in ("min_score", "max_score"):
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"expected a number, got {raw[:40]!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {raw[:40]!r}")
        return value
    if name in ("date_from", "date_to"):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"expected a date like 2026-11-16, got {raw[:40]!r}") from None
    if name == "state":
        if raw != "all" and raw not in STATES:
            raise ValueError(f"expected one of all, {', '.join(STATES)}; got {raw[:40]!r}")
        return None if raw == "all" else raw
    if name in ("kind", "action"):
        allowed = KINDS if name == "kind" else ACTIONS
        if raw not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}; got {raw[:40]!r}")
        return raw
    if name == "sort":
        if raw not in SORTS:
            raise ValueError(f"expected one of {', '.join(SORTS)}; got {raw[:40]!r}")
        return raw
    return raw[:200]


def _base():
    return (select(Finding, Clip, Reference, Character, Work, RightsHolder)
            .join(Clip, Finding.clip_id == Clip.id)
            .outerjoin(Reference, Finding.reference_id == Reference.id)
            .join(Character, finding_character())
            .join(Work, Character.work_id == Work.id)
            .join(RightsHolder, Work.rights_holder_id == RightsHolder.id))


def restrict(stmt, user: CurrentUser):
    """Rights holders see only their own confirmed findings; staff see everything."""
    if user.is_staff:
        return stmt
    return stmt.where(Work.rights_holder_id == (user.rights_holder_id or -1),
                      Finding.state == TriageState.confirmed.value)


def _filtered(stmt, flt: FindingFilters):
    if flt.state:
        stmt = stmt.where(Finding.state == flt.state)
    if flt.holder:
        stmt = stmt.where(Work.rights_holder_id == flt.holder)
    if flt.platform:
        stmt = stmt.where(Clip.platform == flt.platform)
    if flt.work:
        stmt = stmt.where(Work.id == flt.work)
    if flt.character:
        stmt = stmt.where(Character.id == flt.character)
    if flt.reference:
        stmt = stmt.where(Finding.reference_id == flt.reference)
    if flt.kind:
        stmt = stmt.where(Finding.kind == flt.kind)
    if flt.action:
        stmt = stmt.where(Finding.action == flt.action)
    if flt.min_score is not None:
        stmt = stmt.where(Finding.score >= flt.min_score)
    if flt.max_score is not None:
        stmt = stmt.where(Finding.score <= flt.max_score)
    if flt.date_from:
        stmt = stmt.where(Finding.created_at >= datetime.combine(flt.date_from, time(), UTC))
    if flt.date_to:
        stmt = stmt.where(Finding.created_at < datetime.combine(flt.date_to + timedelta(days=1), time(), UTC))
    if flt.q:
        like = f"%{flt.q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(Clip.title.ilike(like) | Clip.uploader_name.ilike(like) | Clip.uploader_id.ilike(like))
    return stmt


def list_findings(session: Session, user: CurrentUser, flt: FindingFilters, *, limit: int = PAGE_SIZE,
                  offset: int = 0) -> tuple[list[tuple], int]:
    """A page of (Finding, Clip, Reference, Character, Work, RightsHolder) rows and the total count."""
    stmt = _filtered(restrict(_base(), user), flt)
    total = session.scalar(select(func.count()).select_from(
        _filtered(restrict(select(Finding.id).join(Clip, Finding.clip_id == Clip.id)
                           .outerjoin(Reference, Finding.reference_id == Reference.id)
                           .join(Character, finding_character())
                           .join(Work, Character.work_id == Work.id), user), flt).subquery()))
    rows = session.execute(stmt.order_by(*SORTS.get(flt.sort, SORTS["score"]))
                           .limit(max(1, min(limit, MAX_PAGE_SIZE))).offset(max(0, offset))).all()
    return [tuple(r) for r in rows], total or 0


def get_finding(session: Session, user: CurrentUser, finding_id: int) -> tuple:
    row = session.execute(restrict(_base(), user).where(Finding.id == finding_id)).first()
    if row is None:
        raise NotFound
    return tuple(row)


def finding_json(row: tuple, user: CurrentUser | None = None) -> dict:
    """A finding for the API. Analysts' notes reach rights holders (as in reports); analyst ids do not."""
    finding, clip, ref, character, work, holder = row
    out = finding_entry(finding, clip, ref, character, work)
    out["rights_holder"] = {"id": holder.id, "name": holder.name}
    out["analyst_id"] = finding.analyst_id
    if user is None or not user.is_staff:
        out["analyst_id"] = None
    out["evidence"] = {"frame_url": f"/findings/{finding.id}/frame.jpg" if finding.thumbnail_path else None,
                       "reference_url": f"/references/{ref.id}/image" if ref else None}
    return out


def list_reports(session: Session, user: CurrentUser, holder: int | None = None) -> list[tuple]:
    stmt = select(Report, RightsHolder).join(RightsHolder, Report.rights_holder_id == RightsHolder.id)
    if not user.is_staff:
        stmt = stmt.where(Report.rights_holder_id == (user.rights_holder_id or -1))
    elif holder:
        stmt = stmt.where(Report.rights_holder_id == holder)
    return [tuple(r) for r in session.execute(stmt.order_by(Report.week.desc(), RightsHolder.name))]


def get_report(session: Session, user: CurrentUser, report_id: int) -> tuple:
    report = session.get(Report, report_id)
    if report is None or (not user.is_staff and report.rights_holder_id != user.rights_holder_id):
        raise NotFound
    return report, session.get(RightsHolder, report.rights_holder_id)


def with_versions(session: Session, rows: list[tuple]) -> list[tuple]:
    """(report, holder, its versions newest first, its Freshness) for each (report, holder)."""
    return [(report, holder, report_versions.list_versions(session, report.id),
             report_versions.freshness(session, report)) for report, holder in rows]


def _files_json(report_id: int, files: list[dict], version: int | None = None) -> list[dict]:
    base = f"/reports/{report_id}" + (f"/versions/{version}" if version is not None else "")
    return [{"n": n, "format": f.get("format"), "name": f.get("path", "").rsplit("/", 1)[-1],
             "sha256": f.get("sha256"), "bytes": f.get("bytes"), "lang": f.get("lang"),
             "url": f"{base}/files/{n}"} for n, f in enumerate(files or [])]


def report_json(report: Report, holder: RightsHolder, session: Session | None = None) -> dict:
    """A report with its latest files; given a session, also every version and whether it is stale."""
    out = {
        "id": report.id, "week": report.week,
        "rights_holder": {"id": holder.id, "name": holder.name},
        "generated_at": report.generated_at.isoformat() if report.generated_at else None,
        "files": _files_json(report.id, report.files),
    }
    if session is not None:
        fresh = report_versions.freshness(session, report)
        out["version"] = fresh.version
        out["stale"] = fresh.stale
        out["findings_changed_at"] = fresh.changed_at.isoformat() if fresh.changed_at else None
        out["versions"] = [{"version": v.version, "generated_at": report_versions.as_utc(v.generated_at).isoformat(),
                            "state_as_of": report_versions.as_utc(v.state_as_of).isoformat(),
                            "files": _files_json(report.id, v.files, v.version)}
                           for v in report_versions.list_versions(session, report.id)]
    return out


def filter_choices(session: Session) -> dict:
    """Options for the triage filters."""
    return {
        "holders": session.execute(select(RightsHolder.id, RightsHolder.name).order_by(RightsHolder.name)).all(),
        "platforms": [p for p in session.scalars(select(Clip.platform).distinct().order_by(Clip.platform))],
        "works": session.execute(select(Work.id, Work.name_en, RightsHolder.name).join(RightsHolder)
                                 .order_by(Work.name_en)).all(),
        "characters": session.execute(select(Character.id, Character.name_en, Work.name_en).join(Work)
                                      .order_by(Work.name_en, Character.name_en)).all(),
    }
