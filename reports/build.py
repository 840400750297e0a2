"""Weekly report data: one plain dict per rights holder and ISO week (the JSON format is this dict).

Which findings belong to a week: those whose **finding was created** (the week Mamoru detected the
reference in the clip) in [Monday 00:00 UTC, next Monday 00:00 UTC). A clip discovered late in one week
and analysed early in the next is reported in the next; each finding is in exactly one week. A report
rebuilt later shows the analysts' later decisions on that week's findings.
Only confirmed findings are listed one by one; pending, escalated and dismissed ones are counted apart.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.limits import TITLE_MAX_CHARS, UPLOADER_MAX_CHARS, capped
from core.models import Character, Clip, Finding, Reference, RightsHolder, TriageState, Work
from core.services.reference_videos import video_json
from core.services.kinds import non_copy_confidence

SCHEMA_ID = "mamoru.weekly-report/1"
FINDING_KINDS = ("copy", "ai_depiction", "mention")
POLICY_ACTIONS = ("notice", "monitor", "tolerate")
TREND_WEEKS = 8  # previous weeks shown beside the report's week
TOP_CLIPS = 10
WEEK_RULE = "finding.created_at in [week.start, week.end)"
_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class IsoWeek:
    """An ISO 8601 week, e.g. 2026-W47, with its UTC bounds."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        match = _WEEK_RE.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise ValueError(f"week must look like 2026-W47, got {text!r}")
        year, week = int(match.group(1)), int(match.group(2))
        try:
            datetime.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{text!r} is not a week of {year}") from None
        return cls(year, week)

    @classmethod
    def of(cls, moment: datetime) -> IsoWeek:
        cal = as_utc(moment).isocalendar()
        return cls(cal.year, cal.week)

    @property
    def start(self) -> datetime:
        return datetime.fromisocalendar(self.year, self.week, 1).replace(tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=7)

    def shift(self, weeks: int) -> IsoWeek:
        return IsoWeek.of(self.start + timedelta(weeks=weeks))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they are UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime | None) -> str | None:
    moment = as_utc(moment)
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def normalise_spans(spans: list | None) -> list[dict]:
    """Matched time spans as [{"start": s, "end": e}] whether stored as pairs or dicts."""
    out = []
    for span in spans or []:
        if isinstance(span, dict):
            start, end = span.get("start"), span.get("end")
        elif isinstance(span, (list, tuple)) and len(span) >= 2:
            start, end = span[0], span[1]
        else:
            continue
        try:
            out.append({"start": round(float(start), 3), "end": round(float(end), 3)})
        except (TypeError, ValueError):
            continue
    return out


def _clip_dict(clip: Clip) -> dict:
    return {
        "id": clip.id,
        "platform": clip.platform,
        "platform_id": clip.platform_id,
        "url": clip.url,
        "page_url": clip.page_url,
        "title": capped(clip.title, TITLE_MAX_CHARS),
        "uploader_id": capped(clip.uploader_id, UPLOADER_MAX_CHARS),
        "uploader_name": capped(clip.uploader_name, UPLOADER_MAX_CHARS),
        "posted_at": iso(clip.posted_at),
        "first_seen_at": iso(clip.discovered_at),
        "duration": clip.duration,
        "view_count": clip.view_count,
        "media_sha256": clip.media_sha256,
    }


def finding_entry(finding: Finding, clip: Clip, ref: Reference | None, character: Character, work: Work) -> dict:
    """One finding with its evidence, as listed in reports and returned by the API: its kind (copy,
    ai_depiction, mention), the signals that made it with their evidence, and the policy's action."""
    return {
        "finding_id": finding.id,
        "kind": finding.kind or "copy",
        "action": finding.action,
        "policy_version": finding.policy_version,
        "signals": list(finding.signals or []),
        "state": finding.state,
        "score": round(float(finding.score), 4),
        "calibration_id": finding.calibration_id,
        "confidence": finding_confidence(finding),
        "method": finding.method,
        "distance": finding.distance,
        "clip_share": finding.clip_share,
        "reference_share": finding.reference_share,
        "spans": normalise_spans(finding.spans),
        "best_t": finding.best_t,
        "best_box": finding.best_box,
        "created_at": iso(finding.created_at),
        "decided_at": iso(finding.decided_at),
        "note": finding.note,
        "clip": _clip_dict(clip),
        "reference": _reference_dict(ref),
        "character": {"id": character.id, "name_en": character.name_en, "name_ja": character.name_ja},
        "work": {"id": work.id, "name_en": work.name_en, "name_ja": work.name_ja},
        "evidence": {"frame_path": finding.thumbnail_path, "reference_path": ref.path if ref else None},
        "enforcement": {"state": finding.enforcement_state, "at": iso(finding.enforcement_at)},
    }


def _reference_dict(ref: Reference | None) -> dict | None:
    """The matched art; a keyframe of a reference video also names the video and its time in it."""
    if ref is None:
        return None
    out = {"id": ref.id, "name": ref.name, "sha256": ref.sha256, "phash": ref.phash}
    video = video_json(ref)
    if video is not None:
        out["video"] = video
    return out


def finding_confidence(finding: Finding) -> dict | None:
    """A non-copy finding's rule-based confidence with what it is made of (None for a copy: its `score` is the
    calibrated probability). The stored value is the one the desk sorts by."""
    if (finding.kind or "copy") == "copy":
        return None
    out = non_copy_confidence(finding.kind, list(finding.signals or []))
    if finding.confidence is not None:
        out["value"] = round(float(finding.confidence), 4)
    return out


def finding_character():
    """The join condition of a finding's character: its own (every finding made since kinds), or its
    reference's (a copy stored before, or by code that only names the reference). Needs Reference joined."""
    return Character.id == func.coalesce(Finding.character_id, Reference.character_id)


def findings_query(holder_id: int):
    """Findings of one rights holder with their clip, reference (None but for copies), character and work."""
    return (
        select(Finding, Clip, Reference, Character, Work)
        .join(Clip, Finding.clip_id == Clip.id)
        .outerjoin(Reference, Finding.reference_id == Reference.id)
        .join(Character, finding_character())
        .join(Work, Character.work_id == Work.id)
        .where(Work.rights_holder_id == holder_id)
    )


def build_weekly_report(session: Session, holder_id: int, week: str | IsoWeek,
                        now: datetime | None = None) -> dict:
    """The report for rights holder `holder_id` and ISO `week` as a JSON-ready dict (see SCHEMA.md)."""
    wk = week if isinstance(week, IsoWeek) else IsoWeek.parse(week)
    holder = session.get(RightsHolder, holder_id)
    if holder is None:
        raise LookupError(f"no rights holder with id {holder_id}")
    from core.services.policy import current_policy

    policy_version, policy = current_policy(session, holder_id)

    # Trend: counts per state for this week and the previous eight, bucketed in Python (portable SQL).
    first = wk.shift(-TREND_WEEKS)
    trend_rows = session.execute(
        select(Finding.created_at, Finding.state)
        .outerjoin(Reference, Finding.reference_id == Reference.id)
        .join(Character, finding_character())
        .join(Work, Character.work_id == Work.id)
        .where(Work.rights_holder_id == holder_id, Finding.created_at >= first.start, Finding.created_at < wk.end)
    ).all()
    weeks = [str(first.shift(i)) for i in range(TREND_WEEKS + 1)]
    buckets: dict[str, Counter] = {w: Counter() for w in weeks}
    for created_at, state in trend_rows:
        label = str(IsoWeek.of(created_at))
        if label in buckets:
            buckets[label][state] += 1
    trend = [
        {"week": w, "total": sum(buckets[w].values()), **{s.value: buckets[w][s.value] for s in TriageState}}
        for w in weeks
    ]

    rows = session.execute(
        findings_query(holder_id)
        .where(Finding.created_at >= wk.start, Finding.created_at < wk.end)
        .order_by(Clip.platform, Clip.uploader_id, Finding.created_at, Finding.id)
    ).all()

    state_counts: Counter = Counter()
    kind_counts: dict[str, Counter] = defaultdict(Counter)
    action_counts: dict[str, Counter] = defaultdict(Counter)
    action_versions: dict[str, set] = defaultdict(set)
    per_platform: dict[str, dict] = defaultdict(lambda: {"confirmed": 0, "pending": 0, "escalated": 0,
                                                         "dismissed": 0, "clips": set()})
    per_character: dict[int, dict] = {}
    per_uploader: dict[tuple, dict] = {}
    confirmed_clips: dict[int, dict] = {}
    entries = []
    for finding, clip, ref, character, work in rows:
        state_counts[finding.state] += 1
        kind_counts[finding.kind or "copy"][finding.state] += 1
        action = finding.action or "undecided"
        action_counts[action][finding.state] += 1
        if finding.policy_version is not None:
            action_versions[action].add(finding.policy_version)
        plat = per_platform[clip.platform]
        plat[finding.state] = plat.get(finding.state, 0) + 1
        if finding.state != TriageState.confirmed.value:
            continue
        entry = finding_entry(finding, clip, ref, character, work)
        entries.append(entry)
        plat["clips"].add(clip.id)
        confirmed_clips[clip.id] = entry["clip"]
        ch = per_character.setdefault(character.id, {
            "work_en": work.name_en, "work_ja": work.name_ja,
            "character_en": character.name_en, "character_ja": character.name_ja,
            "confirmed": 0, "clips": set()})
        ch["confirmed"] += 1
        ch["clips"].add(clip.id)
        key = (clip.platform, clip.uploader_id or clip.uploader_name or "")
        up = per_uploader.setdefault(key, {"platform": clip.platform,
                                           "uploader_id": capped(clip.uploader_id, UPLOADER_MAX_CHARS),
                                           "uploader_name": capped(clip.uploader_name, UPLOADER_MAX_CHARS),
                                           "confirmed": 0, "clips": set()})
        up["confirmed"] += 1
        up["clips"].add(clip.id)

    def views(clip_ids) -> int | None:
        """The clips' summed view counts; None (unknown) when there are clips and none has a count."""
        known = [confirmed_clips[c]["view_count"] for c in clip_ids if confirmed_clips[c]["view_count"] is not None]
        return sum(known) if known or not clip_ids else None

    by_platform = sorted(
        ({"platform": p, "confirmed": d["confirmed"], "pending": d["pending"], "escalated": d["escalated"],
          "dismissed": d["dismissed"], "clips": len(d["clips"]), "views": views(d["clips"])}
         for p, d in per_platform.items()),
        key=lambda d: (-d["confirmed"], d["platform"]))
    by_character = sorted(
        ({**{k: v for k, v in d.items() if k != "clips"}, "clips": len(d["clips"]), "views": views(d["clips"])}
         for d in per_character.values()),
        key=lambda d: (-d["confirmed"], d["work_en"], d["character_en"]))
    by_uploader = sorted(
        ({**{k: v for k, v in d.items() if k != "clips"}, "clips": len(d["clips"]), "views": views(d["clips"])}
         for d in per_uploader.values()),
        key=lambda d: (-d["confirmed"], -(d["views"] or 0), d["platform"], d["uploader_id"] or ""))
    top_clips = sorted(confirmed_clips.values(), key=lambda c: (-(c["view_count"] or 0), c["id"]))[:TOP_CLIPS]

    previous = trend[-2]["confirmed"] if len(trend) > 1 else 0
    totals = {
        "findings": sum(state_counts.values()),
        **{s.value: state_counts[s.value] for s in TriageState},
        "clips": len(confirmed_clips),
        "uploaders": len(per_uploader),
        "views": views(confirmed_clips),
        "views_unknown": sum(c["view_count"] is None for c in confirmed_clips.values()),
        "confirmed_previous_week": previous,
        "confirmed_previous_weeks_mean": round(sum(t["confirmed"] for t in trend[:-1]) / TREND_WEEKS, 2),
    }
    return {
        "schema": SCHEMA_ID,
        "generated_at": iso(now or datetime.now(UTC)),
        "rights_holder": {"id": holder.id, "name": holder.name, "contact_email": holder.contact_email},
        "week": {"id": str(wk), "start": iso(wk.start), "end": iso(wk.end), "rule": WEEK_RULE},
        "totals": totals,
        "trend": trend,
        "by_platform": by_platform,
        "by_character": by_character,
        "by_uploader": by_uploader,
        "top_clips": top_clips,
        "by_kind": [{"kind": k, "findings": sum(kind_counts[k].values()), **{s.value: kind_counts[k][s.value]
                                                                             for s in TriageState}}
                    for k in FINDING_KINDS if kind_counts[k]],
        "by_action": [{"action": a, "findings": sum(action_counts[a].values()),
                       **{s.value: action_counts[a][s.value] for s in TriageState},
                       "policy_versions": sorted(action_versions[a])}
                      for a in (*POLICY_ACTIONS, "undecided") if action_counts[a]],
        "policy": {"version": policy_version, "rules": policy["rules"], "default": policy["default"]},
        "findings": entries,
        "enforcement": enforcement_section(session, holder_id, wk),
    }


ENFORCEMENT_RULE = ("noticed: a notice recorded as sent; removed: the clip is down now; removal rate: removed / "
                    "noticed; hours to removal: from the first notice to the removal (states as of generated_at)")
MAX_STEPS = 200


def enforcement_section(session: Session, holder_id: int, wk: IsoWeek) -> dict:
    """Figures of the findings detected this week and of all detected up to its end, per platform to date,
    and the enforcement steps taken during the week (re-check visits that changed nothing left out)."""
    from core.models import EnforcementEvent
    from core.services.enforcement import CHECKED
    from core.services.figures import figures

    steps = session.execute(
        select(EnforcementEvent).join(Finding, EnforcementEvent.finding_id == Finding.id)
        .join(Reference, Finding.reference_id == Reference.id).join(Character, Reference.character_id == Character.id)
        .join(Work, Character.work_id == Work.id)
        .where(Work.rights_holder_id == holder_id, EnforcementEvent.state != CHECKED,
               EnforcementEvent.at >= wk.start, EnforcementEvent.at < wk.end)
        .order_by(EnforcementEvent.at, EnforcementEvent.id).limit(MAX_STEPS)).scalars().all()
    return {
        "rule": ENFORCEMENT_RULE,
        "week": figures(session, "week", holder_id, since=wk.start, until=wk.end)["total"],
        "to_date": figures(session, "week", holder_id, until=wk.end)["total"],
        "by_platform": figures(session, "platform", holder_id, until=wk.end)["rows"],
        "steps": [{"finding_id": e.finding_id, "state": e.state, "at": iso(e.at), "channel": e.channel,
                   "platform_ref": e.platform_ref, "evidence_key": e.evidence_key} for e in steps],
    }


def weeks_with_findings(session: Session, holder_id: int) -> list[str]:
    """ISO weeks in which the holder has findings, newest first (for pickers)."""
    dates = session.scalars(
        select(func.min(Finding.created_at)).outerjoin(Reference, Finding.reference_id == Reference.id)
        .join(Character, finding_character()).join(Work)
        .where(Work.rights_holder_id == holder_id)
    ).all()
    if not dates or dates[0] is None:
        return []
    current, stop = IsoWeek.of(dates[0]), IsoWeek.of(datetime.now(UTC))
    out = []
    while current.start <= stop.start:
        out.append(str(current))
        current = current.shift(1)
    return out[::-1]
