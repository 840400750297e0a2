"""Enforcement in the web app: record a notice sent and the platform's answers on the finding page, ask
for a re-check, and the figures (page with a plot, and JSON). Admins and the users of the finding's own
rights holder record steps; analysts triage. Rules and records are core.services.enforcement's."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from core.models import Finding, RightsHolder
from core.queue import QueueUnavailable
from core.services import enforcement as enf
from core.services.errors import Invalid
from core.services.figures import GROUPS, figures, states_count
from reports.web.deps import Forbidden, current_user, form_csrf, get_db, render, web_session, check_csrf
from reports.web.queries import CurrentUser, NotFound, get_finding
from reports.web.sessions import WebSession

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_csrf)])


def api_csrf(request: Request, sess: WebSession | None = Depends(web_session)) -> None:
    check_csrf(request, request.headers.get("x-csrf-token"))


api_router = APIRouter(prefix="/api", tags=["enforcement"])
writes = [Depends(api_csrf)]


def enforcer_user(user: CurrentUser = Depends(current_user)) -> CurrentUser:
    """Admins, and rights holders' users (for their own findings: get_finding hides the others')."""
    if not (user.is_admin or user.role == "rights_holder"):
        raise Forbidden
    return user


def can_enforce(user: CurrentUser | None) -> bool:
    return bool(user) and (user.is_admin or user.role == "rights_holder")


def finding_view(db: Session, user: CurrentUser | None, finding: Finding) -> dict:
    """What the finding page shows of enforcement: the state, its history, the steps offered."""
    return {"state": finding.enforcement_state, "at": finding.enforcement_at,
            "history": enf.history(db, finding.id, staff_names=bool(user and user.is_staff)), "next": enf.next_states(finding.enforcement_state),
            "channels": enf.CHANNELS,
            "can": can_enforce(user) and (finding.state == "confirmed" or finding.enforcement_state is not None),
            "recheckable": finding.enforcement_state in enf.RECHECK_STATES}


def record(request: Request, db: Session, user: CurrentUser, finding_id: int, state: str, *,
           at: datetime | None = None, channel: str | None = None, platform_ref: str | None = None,
           note: str | None = None) -> tuple[dict, str | None]:
    """Record one step (the finding must be visible to USER); a notice sent queues a re-check of the clip.
    The event, and the re-check's task id or why it was not queued."""
    finding = get_finding(db, user, finding_id)[0]
    event = enf.record_step(db, user.id, finding.id, state, at=at, channel=channel or None,
                            platform_ref=platform_ref, note=note)
    db.commit()
    queued = None
    if state == enf.SENT:
        queued = queue(request, finding.clip_id)
    return enf.event_json(event, user.email), queued


def record_many(request: Request, db: Session, user: CurrentUser, finding_ids: list[int], state: str,
                **step) -> tuple[list[dict], dict[int, str]]:
    """One step for several findings (one notice listing several clips), all or none; a notice sent
    queues one re-check per clip."""
    clip_ids = {fid: get_finding(db, user, fid)[0].clip_id for fid in finding_ids}
    events = enf.record_steps(db, user.id, finding_ids, state, **step)
    db.commit()
    queued = {clip_id: queue(request, clip_id) for clip_id in dict.fromkeys(clip_ids.values())} \
        if state == enf.SENT else {}
    return [enf.event_json(e, user.email) for e in events], queued


def queue(request: Request, clip_id: int) -> str:
    try:
        return "queued (task " + enf.queue_recheck(request.app.state.settings, clip_id) + ")"
    except QueueUnavailable as exc:
        return f"not queued: {exc}"


# --- pages -------------------------------------------------------------------------------------------

@router.post("/findings/{finding_id}/enforcement")
def finding_enforcement(request: Request, finding_id: int, state: str = Form(""), channel: str = Form(""),
                        platform_ref: str = Form(""), at: str = Form(""), note: str = Form(""),
                        user: CurrentUser = Depends(enforcer_user), db: Session = Depends(get_db, scope="function")):
    _, queued = record(request, db, user, finding_id, state, at=enf.parse_time(at), channel=channel,
                       platform_ref=platform_ref, note=note)
    flash = f"recorded: {state.replace('_', '-')}" + (f"; re-check of the clip {queued}" if queued else "")
    return RedirectResponse(f"/findings/{finding_id}?" + urlencode({"ok": flash}) + "#enforcement", status_code=303)


@router.post("/findings/{finding_id}/recheck")
def finding_recheck(request: Request, finding_id: int, user: CurrentUser = Depends(enforcer_user),
                    db: Session = Depends(get_db, scope="function")):
    finding = get_finding(db, user, finding_id)[0]
    flash = "re-check of the clip " + queue(request, finding.clip_id)
    return RedirectResponse(f"/findings/{finding_id}?" + urlencode({"ok": flash}) + "#enforcement", status_code=303)


@router.get("/findings/{finding_id}/enforcement/{event_id}/evidence")
def enforcement_evidence(request: Request, finding_id: int, event_id: int, part: str = "record",
                         user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    """A re-check's evidence: the visit's record (JSON), or the page body as served (a download, never
    rendered here: it is the platform's HTML)."""
    import json

    from core.blobstore import open_store
    from core.models import EnforcementEvent

    get_finding(db, user, finding_id)
    event = db.get(EnforcementEvent, event_id)
    if event is None or event.finding_id != finding_id or not event.evidence_key:
        raise NotFound
    store = open_store(request.app.state.settings)
    record = store.find(event.evidence_key)
    if record is None:
        raise NotFound
    if part == "record":
        return Response(record, media_type="application/json")
    body_key = json.loads(record).get("body_key") if part == "body" else None
    body = store.find(body_key) if body_key else None
    if body is None:
        raise NotFound
    return Response(body, media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="recheck-{event.id}.body"'})


def figures_for(db: Session, user: CurrentUser, group_by: str = "week", holder: int | None = None) -> dict:
    """The figures USER may see: a holder's own; staff's of one holder or of all."""
    holder_id = holder if user.is_staff else (user.rights_holder_id or -1)
    data = figures(db, group_by, holder_id=holder_id)
    data["holder_id"] = holder_id
    data["states"] = states_count(db, holder_id)
    return data


def portal_figures(db: Session, user: CurrentUser) -> dict:
    """The portal's enforcement summary (all weeks)."""
    return figures_for(db, user)["total"]


@router.get("/figures")
def figures_page(request: Request, group_by: str = "week", holder: int | None = None,
                 user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    from reports.charts import enforcement_chart

    group_by = group_by if group_by in GROUPS else "week"
    data = figures_for(db, user, group_by, holder)
    holders = db.query(RightsHolder.id, RightsHolder.name).order_by(RightsHolder.name).all() if user.is_staff else []
    return render(request, "figures.html", data=data, group_by=group_by, groups=GROUPS, holders=holders,
                  holder=holder, chart=enforcement_chart(data["rows"], group_by))


# --- JSON API ----------------------------------------------------------------------------------------

class EnforcementIn(BaseModel):
    state: str = Field(description=", ".join(enf.STATES))
    channel: str | None = Field(default=None, description="for sent: " + ", ".join(enf.CHANNELS))
    platform_ref: str | None = Field(default=None, max_length=enf.MAX_REF,
                                     description="the platform's case, ticket or reference number")
    at: datetime | None = Field(default=None, description="when it happened (default: now), UTC")
    note: str | None = Field(default=None, max_length=enf.MAX_NOTE)


class NoticeIn(EnforcementIn):
    finding_ids: list[int] = Field(min_length=1, max_length=enf.MAX_BULK,
                                   description="the findings one notice (or one answer) covers")


@api_router.post("/enforcement", dependencies=writes, status_code=201,
                 summary="Record one step for several findings at once (a notice listing several clips): "
                         "all or none")
def api_enforce_many(body: NoticeIn, request: Request, user: CurrentUser = Depends(enforcer_user),
                     db: Session = Depends(get_db, scope="function")):
    events, queued = record_many(request, db, user, body.finding_ids, body.state, at=body.at, channel=body.channel,
                                 platform_ref=body.platform_ref, note=body.note)
    return {"events": events, "rechecks": {str(clip_id): outcome for clip_id, outcome in queued.items()}}


@api_router.get("/figures", summary="Enforcement figures: detected, confirmed, noticed, removed, removal rate "
                                    "and median hours to removal, per week, holder, platform or character")
def api_figures(group_by: str = "week", holder: int | None = None, user: CurrentUser = Depends(current_user),
                db: Session = Depends(get_db, scope="function")):
    if group_by not in GROUPS:
        raise Invalid(f"group_by must be one of {', '.join(GROUPS)}")
    return figures_for(db, user, group_by, holder)


@api_router.get("/findings/{finding_id}/enforcement", summary="A finding's enforcement state and history")
def api_enforcement(finding_id: int, user: CurrentUser = Depends(current_user),
                    db: Session = Depends(get_db, scope="function")):
    finding = get_finding(db, user, finding_id)[0]
    return {"finding_id": finding.id, "state": finding.enforcement_state,
            "next": list(enf.next_states(finding.enforcement_state)),
            "events": [enf.event_json(e, email) for e, email in enf.history(db, finding.id, user.is_staff)]}


@api_router.post("/findings/{finding_id}/enforcement", dependencies=writes, status_code=201,
                 summary="Record a step: a notice sent (with its channel), acknowledged, removed, rejected, "
                         "counter-notice, reinstated; a notice sent queues a re-check of the clip")
def api_enforce(finding_id: int, body: EnforcementIn, request: Request, user: CurrentUser = Depends(enforcer_user),
                db: Session = Depends(get_db, scope="function")):
    event, queued = record(request, db, user, finding_id, body.state, at=body.at, channel=body.channel,
                           platform_ref=body.platform_ref, note=body.note)
    return {"event": event, "recheck": queued}
