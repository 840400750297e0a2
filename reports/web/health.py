"""GET /healthz: 200 when the web process can reach the database and the blob store, else 503 (for load
balancers, systemd and compose health checks; no log-in, no details beyond the failing check's name)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from core.health import run_checks

log = logging.getLogger(__name__)
router = APIRouter()
WEB_CHECKS = ("database", "storage")


@router.get("/healthz", include_in_schema=False)
async def healthz(request: Request) -> JSONResponse:
    results = await run_in_threadpool(run_checks, request.app.state.settings, WEB_CHECKS)
    healthy = all(problem is None for problem in results.values())
    for problem in filter(None, results.values()):
        log.warning("healthz: %s", problem)  # the detail stays in the log, not in the public answer
    body = {"ok": healthy, "checks": {name: "ok" if problem is None else "failing" for name, problem in results.items()}}
    return JSONResponse(body, status_code=200 if healthy else 503, headers={"Cache-Control": "no-store"})
