"""What the pages and the API share: who sees what, the triage queue and finding views (decisions and the
audit log are core.services')."""

from __future__ import annotations

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
from core.services.kinds import KINDS
from core.services.policy import ACTIONS
from core.services.audit import record  # noqa: F401  (the log-in pages' audit records)
from reports.build import finding_character, finding_entry

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
SORTS = {
    "score": (Finding.score.desc(), Finding.id.desc()),
    "score_asc": (Finding.score.asc(), Finding.id.asc()),
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
    def from_params(cls, params, default_state: str | None = TriageState.pending.value) -> FindingFilters:
        """From query parameters; junk values are ignored rather than failing the page."""
        out = cls(state=default_state)
        for f in fields(cls):
            raw = params.get(f.name)
            if raw is None or str(raw).strip() == "":
                continue
            raw = str(raw).strip()
            try:
                if f.name in ("holder", "work", "character", "reference"):
                    value = int(raw)
                elif f.name in ("min_score", "max_score"):
                    value = float(raw)
                elif f.name in ("date_from", "date_to"):
                    value = date.fromisoformat(raw)
                elif f.name == "state":
                    value = None if raw == "all" else raw
                    if value is not None and value not in {s.value for s in TriageState}:
                        continue
                elif f.name in ("kind", "action"):
                    if raw not in (KINDS if f.name == "kind" else ACTIONS):
                        continue
                    value = raw
                elif f.name == "sort":
                    if raw not in SORTS:
                        continue
                    value = raw
                else:
                    value = raw[:200]
            except ValueError:
                continue
            setattr(out, f.name, value)
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


def report_json(report: Report, holder: RightsHolder) -> dict:
    return {
        "id": report.id, "week": report.week,
        "rights_holder": {"id": holder.id, "name": holder.name},
        "generated_at": report.generated_at.isoformat() if report.generated_at else None,
        "files": [{"n": n, "format": f.get("format"), "name": f.get("path", "").rsplit("/", 1)[-1],
                   "sha256": f.get("sha256"), "bytes": f.get("bytes"), "lang": f.get("lang"),
                   "url": f"/reports/{report.id}/files/{n}"} for n, f in enumerate(report.files or [])],
    }


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
