"""`mamoru web` is registered and wires the hooks from the layer above."""

from __future__ import annotations

from click.testing import CliRunner

from mamoru.cli.main import cli
from mamoru.cli.web import app_hooks


def test_web_command_help():
    result = CliRunner().invoke(cli, ["web", "--help"])
    assert result.exit_code == 0 and "--port" in result.output


def test_app_hooks_are_callables(settings):
    hooks = app_hooks()
    assert all(callable(v) for v in hooks.values())
    from reports.web.app import create_app

    app = create_app(settings, **hooks)
    assert "/api/findings" in app.openapi()["paths"]
