"""/account/tokens: a user's API tokens for scripts (core.services.api_tokens): made with a name, a scope and a
lifetime, shown once, listed by their first characters, revoked with one click."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from core.services import api_tokens
from core.services.errors import Invalid, NotFoundError
from reports.web.deps import check_csrf, current_user, form_csrf, get_db, render
from reports.web.queries import CurrentUser, NotFound

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_csrf)])


def _page(request: Request, db: Session, user: CurrentUser, status_code: int = 200, **context):  # noqa: ANN202
    tokens = [api_tokens.token_json(row) for row, _email in api_tokens.list_tokens(db, user.id)]
    scopes = api_tokens.SCOPES if user.is_staff else ("read",)
    return render(request, "tokens.html", status_code=status_code, tokens=tokens, scopes=scopes,
                  default_days=api_tokens.DEFAULT_DAYS, max_days=api_tokens.MAX_DAYS, **context)


@router.get("/account/tokens")
def tokens_page(request: Request, user: CurrentUser = Depends(current_user),
                db: Session = Depends(get_db, scope="function")):
    return _page(request, db, user)


@router.post("/account/tokens")
def tokens_create(request: Request, name: str = Form(""), scope: str = Form("read"),
                  days: int = Form(api_tokens.DEFAULT_DAYS), csrf_token: str = Form(""),
                  user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    """The new token is in this answer only (never in a URL, never stored)."""
    check_csrf(request, csrf_token)
    try:
        made = api_tokens.create_token(db, user.id, user.id, name, scope, days)
    except Invalid as exc:
        return _page(request, db, user, status_code=422, error=str(exc))
    return _page(request, db, user, created=made.secret, created_name=made.row.name)


@router.post("/account/tokens/{token_id}/revoke")
def tokens_revoke(request: Request, token_id: int, csrf_token: str = Form(""),
                  user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    try:
        api_tokens.revoke_token(db, user.id, token_id, owner_id=user.id)
    except NotFoundError:
        raise NotFound from None
    return RedirectResponse("/account/tokens", status_code=303)
