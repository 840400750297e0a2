"""deploy/: every command the systemd units and the compose file run is a real `mamoru` command line
(parsed by the CLI itself), each role has a health check, and beat runs once."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import click
import pytest
import yaml

from mamoru.cli.main import cli

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNIT_VALUES = {"%i": "io", "${MAMORU_WORKER_CONCURRENCY}": "2"}


def parses(argv: list[str]) -> click.Context:
    """Let the CLI parse ARGV (arguments after `mamoru`) without running it; raises on a bad option."""
    command, rest = cli, list(argv)
    while isinstance(command, click.Group):
        command, rest = command.commands[rest[0]], rest[1:]
    return command.make_context(command.name or "mamoru", rest)


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def mamoru_argv(exec_start: str) -> list[str]:
    for placeholder, value in UNIT_VALUES.items():
        exec_start = exec_start.replace(placeholder, value)
    words = shlex.split(exec_start)
    if words[0] == "/bin/sh":
        words = shlex.split(words[-1].replace("$(hostname)", "host"))
        words = words[1:] if words[0] == "exec" else words
    assert words[0].endswith("/mamoru"), words
    return words[1:]


@pytest.mark.parametrize("name", ["mamoru-web.service", "mamoru-worker@.service", "mamoru-beat.service",
                                  "mamoru-health@.service"])
def test_each_unit_runs_a_real_mamoru_command(name):
    service = unit(name)["Service"]
    text = (DEPLOY / "systemd" / name).read_text()
    assert service["User"] == "mamoru" and "EnvironmentFile=/etc/mamoru/mamoru.env" in text
    parses(mamoru_argv(service["ExecStart"]))


def test_the_worker_unit_serves_its_instance_queue():
    argv = mamoru_argv(unit("mamoru-worker@.service")["Service"]["ExecStart"])
    assert parses(argv).params["queues"] == "io" and parses(argv).params["name"] == "io"


def test_compose_runs_every_role_with_health_checks():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"redis", "postgres", "web", "worker-io", "worker-cpu", "beat"} <= set(services)
    for name in ("web", "worker-io", "worker-cpu", "beat"):
        parses([str(a) for a in services[name]["command"]])
    for name in ("web", "worker-io", "worker-cpu", "redis", "postgres"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    queues = {parses([str(a) for a in services[n]["command"]]).params["queues"] for n in ("worker-io", "worker-cpu")}
    assert queues == {"io", "cpu"}
    assert sum(1 for s in services.values() if s.get("command") == ["beat"]) == 1
