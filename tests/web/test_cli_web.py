"""`mamoru web` is registered and builds the app without hooks from the layer above."""

from __future__ import annotations

import inspect

from click.testing import CliRunner

from mamoru.cli.main import cli


def test_web_command_help():
    result = CliRunner().invoke(cli, ["web", "--help"])
    assert result.exit_code == 0 and "--port" in result.output


def test_app_needs_only_settings(settings):
    from reports.web.app import create_app

    assert list(inspect.signature(create_app).parameters) == ["settings"]
    app = create_app(settings)
    assert "/api/findings" in app.openapi()["paths"]
