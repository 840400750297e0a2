"""/api/docs renders the OpenAPI 3.1 document in Chromium, offline (Swagger UI 5 shipped in fastapi-offline),
under its own CSP; the document names the bearer-token scheme."""

from __future__ import annotations

from pathlib import Path

import pytest

from liveserver import chromium, serving
from reports.web.app import create_app

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_api_docs_render_in_chromium(world):
    ARTIFACTS.mkdir(exist_ok=True)
    with serving(create_app(world.settings)) as base, chromium() as browser:
        page = browser.new_page()
        outside, csp_errors = [], []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:")) else None)
        page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(f"{base}/api/docs")
        page.wait_for_selector(".opblock", timeout=30_000)
        text = page.inner_text("body")
        assert "Unable to render this definition" not in text
        assert "/api/findings" in text and "Authorize" in text
        assert page.locator(".opblock").count() > 20
        page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
        assert not outside, f"the docs page fetched from elsewhere: {outside}"
        assert not csp_errors, csp_errors
        spec = page.request.get(f"{base}/api/openapi.json").json()
        assert spec["openapi"].startswith("3.1")
        assert any(s.get("scheme") == "bearer" for s in spec["components"]["securitySchemes"].values())
