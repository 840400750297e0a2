"""A holder's policy over the API: thin callers of core.services.policy (who may do what is decided there)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from core.services.errors import Invalid
from core.services.policy import change_holder_policy, holder_policy
from reports.web.deps import check_csrf, current_user, get_db
from reports.web.queries import CurrentUser

api = APIRouter(prefix="/api", tags=["policy"])


@api.get("/holders/{holder_id}/policy")
def api_policy(holder_id: int, user: CurrentUser = Depends(current_user),
               db: Session = Depends(get_db, scope="function")) -> dict:
    """The holder's current policy (version 0: the built-in default): finding kind x signals -> action."""
    return holder_policy(db, user, holder_id)


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
