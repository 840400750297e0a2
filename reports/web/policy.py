"""A holder's policy: its page (view, history, edit as YAML, re-apply) and the JSON API; thin callers of
core.services.policy (who may do what is decided there)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from core.services.errors import Invalid
from core.services.holders import get_holder
from core.services.policy import (
    ACTIONS,
    CONDITIONS,
    change_holder_policy,
    change_holder_policy_text,
    holder_policy,
    policy_history,
    policy_yaml,
)
from reports.web.deps import check_csrf, current_user, form_csrf, get_db, render
from reports.web.queries import CurrentUser

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_csrf)])
api = APIRouter(prefix="/api", tags=["policy"])


def _page(request: Request, db: Session, user: CurrentUser, holder_id: int, *, text: str | None = None,
          error: str | None = None, ok: str = "", status_code: int = 200):  # noqa: ANN202
    policy = holder_policy(db, user, holder_id)
    return render(request, "policy.html", status_code=status_code, holder=get_holder(db, holder_id), policy=policy,
                  text=policy_yaml(policy["document"]) if text is None else text,
                  history=policy_history(db, user, holder_id), actions=ACTIONS, conditions=CONDITIONS,
                  error=error, ok=ok)


@router.get("/holders/{holder_id}/policy")
def policy_page(request: Request, holder_id: int, ok: str = "", user: CurrentUser = Depends(current_user),
                db: Session = Depends(get_db, scope="function")):
    """The current policy with its version, its history, and (admins, the holder's users) the editor."""
    return _page(request, db, user, holder_id, ok=ok[:300])


@router.post("/holders/{holder_id}/policy")
async def policy_save(request: Request, holder_id: int, user: CurrentUser = Depends(current_user),
                      db: Session = Depends(get_db, scope="function")):
    """Store the edited YAML as the next version (the same document again changes nothing); with `apply`
    the pending findings are decided again under it. A bad file: the page again, with one line saying why."""
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token") or "") or None)
    text = str(form.get("policy") or "")
    try:
        out = change_holder_policy_text(db, user, holder_id, text, apply_pending=form.get("apply") == "on")
    except Invalid as exc:
        db.rollback()
        return _page(request, db, user, holder_id, text=text, error=str(exc), status_code=422)
    db.commit()
    message = f"policy version {out['version']} in force"
    if "applied" in out:
        counts = ", ".join(f"{n} {action}" for action, n in sorted(out["applied"].items())) or "no pending findings"
        message += f"; pending findings decided again: {counts}"
    return RedirectResponse(f"/holders/{holder_id}/policy?{urlencode({'ok': message})}", status_code=303)


@api.get("/holders/{holder_id}/policy")
def api_policy(holder_id: int, user: CurrentUser = Depends(current_user),
               db: Session = Depends(get_db, scope="function")) -> dict:
    """The holder's current policy (version 0: the built-in default): finding kind x signals -> action."""
    return holder_policy(db, user, holder_id)


@api.get("/holders/{holder_id}/policy/versions")
def api_policy_versions(holder_id: int, user: CurrentUser = Depends(current_user),
                        db: Session = Depends(get_db, scope="function")) -> list[dict]:
    """Every stored version of the holder's policy, newest first (none: the built-in default decides)."""
    return policy_history(db, user, holder_id)


@api.put("/holders/{holder_id}/policy")
async def api_policy_update(request: Request, holder_id: int, apply: bool = False,
                            user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    """Store the body (a policy document: rules, default, allow_uploaders) as the next version; `?apply=true`
    decides the pending findings again under it. Admins and the holder's own users."""
    check_csrf(request, None)
    try:
        body = await request.json()
    except ValueError:
        raise Invalid("the body must be a JSON policy document (rules, default, allow_uploaders)") from None
    return change_holder_policy(db, user, holder_id, body, apply_pending=apply)
