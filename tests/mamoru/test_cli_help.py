"""Every command and subcommand explains itself with --help, and none is a placeholder."""

import click
from click.testing import CliRunner

from mamoru.cli.main import cli


def walk(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from walk(command, (*path, name))


def test_every_command_has_help():
    runner = CliRunner()
    seen = []
    for path, command in walk(cli):
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert (command.help or "").strip(), f"`mamoru {' '.join(path)}` has no help text"
        assert "not implemented" not in result.output.lower()
        seen.append(" ".join(path))
    for expected in ("init", "refs add", "demo", "up", "worker", "beat", "watch add", "discover", "report", "web"):
        assert expected in seen


def test_root_help_lists_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0 and "demo" in result.output and "Mamoru" in result.output
