"""Enforcement of confirmed findings: a notice drafted, sent (who, when, channel, the platform's reference
number), acknowledged, and the platform's answer (removed, rejected), then a counter-notice and a
reinstatement. Each step is a row of `enforcement_events` and an audit record; the finding keeps its current
state and since when. Re-check visits of the clip (workers.recheck) come in through `record_check`: a clip
found gone moves its findings to removed, one found up again after removal to reinstated, and any other
visit is kept as a "checked" event with its evidence.

Who may record a step is the caller's check (admins, and the users of the finding's own rights holder).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.config import Settings
from core.models import Clip, EnforcementEvent, Finding, Role, TriageState, User, utcnow
from core.services.audit import record
from core.services.errors import Conflict, Invalid, NotFoundError

DRAFTED, SENT, ACKNOWLEDGED, REMOVED, REJECTED = "drafted", "sent", "acknowledged", "removed", "rejected"
COUNTER_NOTICE, REINSTATED = "counter_notice", "reinstated"
STATES = (DRAFTED, SENT, ACKNOWLEDGED, REMOVED, REJECTED, COUNTER_NOTICE, REINSTATED)
CHECKED = "checked"  # a re-check visit that changed no state
# from a state (None: no enforcement yet) to the states a finding may enter next
TRANSITIONS: dict[str | None, tuple[str, ...]] = {
    None: (DRAFTED, SENT),
    DRAFTED: (SENT,),
    SENT: (ACKNOWLEDGED, REMOVED, REJECTED),
    ACKNOWLEDGED: (REMOVED, REJECTED),
    REJECTED: (SENT, REMOVED),
    REMOVED: (COUNTER_NOTICE, REINSTATED),
    COUNTER_NOTICE: (REINSTATED, REMOVED),
    REINSTATED: (SENT, REMOVED),
}
CHANNELS = ("email", "webform", "post", "api", "other")
# states in which the clip is down on the platform (the figures count them as removed)
DOWN_STATES = (REMOVED, COUNTER_NOTICE)
# states whose clip a re-check visits: after a notice went out, and after removal (to see a reinstatement)
RECHECK_STATES = (SENT, ACKNOWLEDGED, REJECTED, REMOVED, COUNTER_NOTICE, REINSTATED)
RECHECK_EVERY = timedelta(hours=6)
MAX_NOTE = 2000
MAX_REF = 200
CLOCK_SKEW = timedelta(minutes=5)
# a re-check's verdicts
GONE, UP, UNKNOWN = "gone", "up", "unknown"


@dataclass(frozen=True)
class CheckOutcome:
    """What one visit of a clip's URL found: GONE, UP or UNKNOWN (the platform did not say), and why."""

    verdict: str
    reason: str
    status: int | None = None
    evidence_key: str | None = None
    at: datetime | None = None

    def detail(self) -> dict:
        return {"verdict": self.verdict, "reason": self.reason, "status": self.status}


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they are UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_time(text: str | None) -> datetime | None:
    """A form's or command line's date-time (ISO 8601; without a zone it is UTC); None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"the time {text[:40]!r} is not a date and time like 2026-12-06T09:30") from None


def next_states(state: str | None) -> tuple[str, ...]:
    return TRANSITIONS.get(state, ())


def label(state: str | None) -> str:
    return (state or "none").replace("_", "-")


def _check_step(finding: Finding, state: str) -> None:
    if state not in STATES:
        raise Invalid(f"state must be one of {', '.join(STATES)}")
    allowed = next_states(finding.enforcement_state)
    if state not in allowed:
        now = label(finding.enforcement_state)
        options = ", ".join(allowed) or "nothing"
        raise Conflict(f"finding {finding.id} is at {now}; from there it can go to {options}, not {state}")
    if finding.enforcement_state is None and finding.state != TriageState.confirmed.value:
        raise Invalid(f"finding {finding.id} is {finding.state}: only confirmed findings are enforced")


def _check_time(finding: Finding, at: datetime | None) -> datetime:
    now = datetime.now(UTC)
    at = as_utc(at) or now
    if at > now + CLOCK_SKEW:
        raise Invalid("the time is in the future")
    detected = as_utc(finding.created_at)
    if detected and at < detected - CLOCK_SKEW:
        raise Invalid(f"the time is before the finding was detected ({detected:%Y-%m-%d %H:%M} UTC)")
    last = as_utc(finding.enforcement_at)
    if last and at < last - CLOCK_SKEW:
        raise Invalid(f"the time is before the finding's last step ({last:%Y-%m-%d %H:%M} UTC)")
    return at


def _text(value: str | None, limit: int, what: str) -> str | None:
    value = " ".join((value or "").split()) if what == "reference number" else (value or "").strip()
    if len(value) > limit:
        raise Invalid(f"the {what} is longer than {limit} characters")
    return value or None


def record_step(session: Session, actor_id: int | None, finding_id: int, state: str, *,
                at: datetime | None = None, channel: str | None = None, platform_ref: str | None = None,
                note: str | None = None, evidence_key: str | None = None,
                detail: dict | None = None) -> EnforcementEvent:
    """Move a finding's enforcement to STATE (audited); the event. A notice sent needs its channel."""
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFoundError(f"no finding {finding_id}")
    _check_step(finding, state)
    when = _check_time(finding, at)
    if state == SENT and channel not in CHANNELS:
        raise Invalid(f"how was the notice sent? channel must be one of {', '.join(CHANNELS)}")
    if channel is not None and channel not in CHANNELS:
        raise Invalid(f"channel must be one of {', '.join(CHANNELS)}")
    event = EnforcementEvent(finding_id=finding.id, state=state, at=when, recorded_at=utcnow(), user_id=actor_id,
                             channel=channel, platform_ref=_text(platform_ref, MAX_REF, "reference number"),
                             note=_text(note, MAX_NOTE, "note"), evidence_key=evidence_key, detail=detail)
    session.add(event)
    before = finding.enforcement_state
    finding.enforcement_state = state
    finding.enforcement_at = when
    record(session, actor_id, f"enforcement_{state}", "finding", finding.id, before=before, after=state,
           **{k: v for k, v in (("channel", channel), ("platform_ref", event.platform_ref), ("note", event.note),
                                ("evidence", evidence_key)) if v})
    session.flush()
    return event


MAX_BULK = 500


def record_steps(session: Session, actor_id: int | None, finding_ids: list[int], state: str,
                 **step) -> list[EnforcementEvent]:
    """One notice (or one answer) covering several findings, the same step for each: all or none (the
    first refusal names its finding and nothing is kept)."""
    ids = list(dict.fromkeys(finding_ids))
    if not ids:
        raise Invalid("name at least one finding")
    if len(ids) > MAX_BULK:
        raise Invalid(f"at most {MAX_BULK} findings at once")
    return [record_step(session, actor_id, finding_id, state, **step) for finding_id in ids]


def record_check(session: Session, clip_id: int, outcome: CheckOutcome) -> list[tuple[int, str]]:
    """Apply one re-check visit of CLIP to its findings under enforcement: gone -> removed, up again after
    removal -> reinstated, anything else a "checked" event. (finding id, state or "checked") per finding."""
    findings = session.scalars(select(Finding).where(Finding.clip_id == clip_id,
                                                     Finding.enforcement_state.in_(RECHECK_STATES))
                               .order_by(Finding.id)).all()
    done = []
    for finding in findings:
        down = finding.enforcement_state in DOWN_STATES
        state = (REMOVED if outcome.verdict == GONE and not down
                 else REINSTATED if outcome.verdict == UP and down else None)
        if state is not None:
            record_step(session, None, finding.id, state, at=outcome.at, evidence_key=outcome.evidence_key,
                        detail={**outcome.detail(), "by": "re-check"}, note=f"re-check: {outcome.reason}")
            done.append((finding.id, state))
            continue
        session.add(EnforcementEvent(finding_id=finding.id, state=CHECKED, at=as_utc(outcome.at) or utcnow(),
                                     recorded_at=utcnow(), note=f"re-check: {outcome.reason}"[:MAX_NOTE],
                                     evidence_key=outcome.evidence_key, detail=outcome.detail()))
        done.append((finding.id, CHECKED))
    session.flush()
    return done


def queue_recheck(settings: Settings, clip_id: int) -> str:
    """Queue a re-check of the clip (workers.recheck) by task name; its task id, or QueueUnavailable."""
    from core.queue import RECHECK_CLIP, send_task

    return send_task(settings, RECHECK_CLIP, clip_id)


def due_clip_ids(session: Session, every: timedelta = RECHECK_EVERY, now: datetime | None = None) -> list[int]:
    """Clips with findings under enforcement whose last step or visit is older than EVERY."""
    cutoff = (now or datetime.now(UTC)) - every
    last = (select(EnforcementEvent.finding_id, func.max(EnforcementEvent.recorded_at).label("last"))
            .group_by(EnforcementEvent.finding_id).subquery())
    rows = session.execute(select(Finding.clip_id).join(last, last.c.finding_id == Finding.id)
                           .where(Finding.enforcement_state.in_(RECHECK_STATES), last.c.last < cutoff)
                           .distinct().order_by(Finding.clip_id)).scalars().all()
    return list(rows)


def clip_url(session: Session, clip_id: int) -> str | None:
    """The URL a re-check visits: the clip's page as the platform shows it to people."""
    clip = session.get(Clip, clip_id)
    return (clip.page_url or clip.url) if clip is not None else None


STAFF_NAME = "Mamoru staff"


def history(session: Session, finding_id: int, staff_names: bool = True) -> list[tuple[EnforcementEvent, str | None]]:
    """A finding's enforcement events with the e-mail of who recorded each, oldest first. Without
    STAFF_NAMES (a rights holder asking), staff accounts show as STAFF_NAME."""
    rows = session.execute(
        select(EnforcementEvent, User.email, User.role).outerjoin(User, EnforcementEvent.user_id == User.id)
        .where(EnforcementEvent.finding_id == finding_id)
        .order_by(EnforcementEvent.at, EnforcementEvent.id)).all()
    return [(event, email if staff_names or role in (None, Role.rights_holder.value) else STAFF_NAME)
            for event, email, role in rows]


def event_json(event: EnforcementEvent, email: str | None = None) -> dict:
    def iso(moment: datetime | None) -> str | None:
        moment = as_utc(moment)
        return moment.isoformat().replace("+00:00", "Z") if moment else None

    return {"id": event.id, "finding_id": event.finding_id, "state": event.state, "at": iso(event.at),
            "recorded_at": iso(event.recorded_at), "by": email, "channel": event.channel,
            "platform_ref": event.platform_ref, "note": event.note, "evidence_key": event.evidence_key,
            "detail": event.detail}
