"""Enforcement figures per rights holder, platform, character or ISO week: detected, confirmed, noticed,
removed, removal rate and median time to removal, for the portal, the weekly report and the API.

A finding counts in the week it was detected (created), as in the weekly report. Noticed: a notice was
sent for it (ever). Removed: the clip is down now (removed, or removed with a counter-notice pending);
one reinstated no longer counts. Removal rate: removed / noticed. Time to removal: from the first notice
sent to the first removal after it, in hours; the median over the findings removed.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Character, Clip, EnforcementEvent, Finding, Reference, RightsHolder, TriageState, Work
from core.services.enforcement import DOWN_STATES, REMOVED, SENT, as_utc
from core.services.errors import Invalid

GROUPS = ("week", "holder", "platform", "character")


@dataclass
class Figures:
    key: str
    label: str
    detected: int = 0
    confirmed: int = 0
    noticed: int = 0
    removed: int = 0
    removal_rate: float | None = None
    median_hours_to_removal: float | None = None
    _hours: list[float] = field(default_factory=list, repr=False)

    def add(self, state: str, enforcement: str | None, sent: datetime | None, removed: datetime | None) -> None:
        self.detected += 1
        self.confirmed += state == TriageState.confirmed.value
        self.noticed += sent is not None
        if enforcement in DOWN_STATES:
            self.removed += 1
            if sent is not None and removed is not None:
                self._hours.append(max(0.0, (removed - sent).total_seconds() / 3600))

    def close(self) -> Figures:
        self.removal_rate = round(self.removed / self.noticed, 4) if self.noticed else None
        self.median_hours_to_removal = round(statistics.median(self._hours), 2) if self._hours else None
        return self

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


def iso_week(moment: datetime) -> str:
    cal = as_utc(moment).isocalendar()
    return f"{cal.year}-W{cal.week:02d}"


def _key(group_by: str, created: datetime, platform: str, character_id: int, character: str, work: str,
         holder_id: int, holder: str) -> tuple[str, str]:
    if group_by == "week":
        week = iso_week(created)
        return week, week
    if group_by == "holder":
        return str(holder_id), holder
    if group_by == "platform":
        return platform, platform
    return str(character_id), f"{character} ({work})"


def _scoped(stmt, holder_id: int | None, since: datetime | None, until: datetime | None):  # noqa: ANN001, ANN202
    """STMT over findings joined to their holder, limited to one holder and a detection window."""
    stmt = (stmt.join(Reference, Finding.reference_id == Reference.id)
            .join(Character, Reference.character_id == Character.id)
            .join(Work, Character.work_id == Work.id))
    if holder_id is not None:
        stmt = stmt.where(Work.rights_holder_id == holder_id)
    if since is not None:
        stmt = stmt.where(Finding.created_at >= since)
    if until is not None:
        stmt = stmt.where(Finding.created_at < until)
    return stmt


def notice_times(session: Session, holder_id: int | None = None, since: datetime | None = None,
                 until: datetime | None = None) -> dict[int, tuple[datetime, datetime | None]]:
    """Per finding noticed: when its first notice was sent, and its first removal after that (one query)."""
    sent: dict[int, datetime] = {}
    removed: dict[int, datetime] = {}
    stmt = (select(EnforcementEvent.finding_id, EnforcementEvent.state, EnforcementEvent.at)
            .join(Finding, EnforcementEvent.finding_id == Finding.id)
            .where(EnforcementEvent.state.in_((SENT, REMOVED))))
    for finding_id, state, at in session.execute(_scoped(stmt, holder_id, since, until)
                                                 .order_by(EnforcementEvent.at, EnforcementEvent.id)):
        at = as_utc(at)
        if state == SENT:
            sent.setdefault(finding_id, at)
        elif finding_id in sent:
            removed.setdefault(finding_id, at)
    return {fid: (at, removed.get(fid)) for fid, at in sent.items()}


def figures(session: Session, group_by: str = "week", holder_id: int | None = None,
            since: datetime | None = None, until: datetime | None = None) -> dict:
    """{"group_by", "rows": [figures per group, sorted], "total": figures of all} for findings detected in
    [since, until), of one holder or all."""
    if group_by not in GROUPS:
        raise Invalid(f"group_by must be one of {', '.join(GROUPS)}")
    columns = [Finding.id, Finding.created_at, Finding.state, Finding.enforcement_state, Clip.platform,
               Character.id, func.coalesce(Character.name_ja, Character.name_en), Work.name_en,
               RightsHolder.id, RightsHolder.name]
    stmt = _scoped(select(*columns).join(Clip, Finding.clip_id == Clip.id), holder_id, since, until)
    rows = session.execute(stmt.join(RightsHolder, Work.rights_holder_id == RightsHolder.id)).all()
    times = notice_times(session, holder_id, since, until)
    groups: dict[str, Figures] = {}
    total = Figures("all", "all")
    no_notice = (None, None)
    for finding_id, created, state, enforcement, *where in rows:
        key, name = _key(group_by, created, *where)
        sent, removed = times.get(finding_id, no_notice)
        groups.setdefault(key, Figures(key, name)).add(state, enforcement, sent, removed)
        total.add(state, enforcement, sent, removed)
    ordered = sorted(groups.values(), key=(lambda f: f.key) if group_by == "week"
                     else (lambda f: (-f.detected, f.label)))
    return {"group_by": group_by, "rows": [f.close().as_dict() for f in ordered],
            "total": total.close().as_dict()}


def states_count(session: Session, holder_id: int | None = None) -> dict[str, int]:
    """How many findings are in each enforcement state now (for a holder, or all)."""
    stmt = (select(Finding.enforcement_state).join(Reference, Finding.reference_id == Reference.id)
            .join(Character, Reference.character_id == Character.id).join(Work, Character.work_id == Work.id)
            .where(Finding.enforcement_state.is_not(None)))
    if holder_id is not None:
        stmt = stmt.where(Work.rights_holder_id == holder_id)
    counts: dict[str, int] = defaultdict(int)
    for state in session.scalars(stmt):
        counts[state] += 1
    return dict(counts)
