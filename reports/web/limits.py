"""Limits checked before any routing or parsing (ASGI middleware): the body size, by Content-Length and
by counting what is streamed, and multipart uploads only from a signed-in session."""

from __future__ import annotations

import anyio.to_thread
from fastapi import HTTPException
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.config import Settings
from core.db import session_scope
from core.services.users import session_user
from reports.web.sessions import COOKIE_NAME, DbSessionStore

MAX_BODY_BYTES = 1024 * 1024  # JSON and form bodies: bulk decisions of 500 ids and a note fit easily
MAX_UPLOAD_BODY_BYTES = 16 * 1024 * 1024  # multipart: one image of at most 15 MB and its fields


class BodyTooLarge(HTTPException):
    """Raised from the counting receive; an HTTPException, so FastAPI's body parsing passes it on."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit // 1024} KiB")


def _cookie(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    from http.cookies import CookieError, SimpleCookie

    for key, value in headers:
        if key == b"cookie":
            try:
                jar = SimpleCookie(value.decode("latin-1"))
            except CookieError:
                continue
            if name in jar:
                return jar[name].value
    return None


class BodyLimitMiddleware:
    """413 before the app reads a byte past the limit; 401 for multipart without a signed-in session."""

    def __init__(self, app: ASGIApp, sessions: DbSessionStore, settings: Settings, max_body: int = MAX_BODY_BYTES,
                 max_upload: int = MAX_UPLOAD_BODY_BYTES) -> None:
        self.app, self.sessions, self.settings = app, sessions, settings
        self.max_body, self.max_upload = max_body, max_upload

    def _signed_in(self, token: str | None) -> bool:
        sess = self.sessions.load(token)
        if sess is None or not sess.user_id:
            return False
        with session_scope(self.settings) as db:
            return session_user(db, sess.user_id, sess.version) is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope["headers"]
        content_type = next((v for k, v in headers if k == b"content-type"), b"").lower()
        limit = self.max_body
        if content_type.startswith(b"multipart/"):
            if not await anyio.to_thread.run_sync(self._signed_in, _cookie(headers, COOKIE_NAME)):
                await self._refuse(scope, receive, send, 401, "log in first: uploads need a signed-in session")
                return
            limit = self.max_upload
        length = next((v for k, v in headers if k == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._refuse(scope, receive, send, 413, f"request body larger than {limit // 1024} KiB")
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await self._refuse(scope, receive, send, 413, exc.detail)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
        if scope.get("path", "").startswith("/api/"):
            response = JSONResponse({"detail": message}, status_code=status, headers={"Connection": "close"})
        else:
            response = PlainTextResponse(message, status_code=status, headers={"Connection": "close"})
        await response(scope, receive, send)
