"""`mamoru users`: the first admin without the demo, passwords never on the command line, the password
rule, and the demo's own home and per-home password."""

from __future__ import annotations

import stat

import pytest
from click.testing import CliRunner
from core.db import session_scope
from core.models import RightsHolder
from core.services import users
from core.services.errors import Conflict, Invalid
from core.services.login import authenticate
from mamoru.cli.main import cli

GOOD = "a long and unusual passphrase"


def run(args: list[str], stdin: str | None = None):
    return CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)


def test_first_admin_from_the_command_line(settings):
    r = run(["users", "add", "Boss@Example.org", "--role", "admin"], stdin=GOOD + "\n")
    assert r.exit_code == 0, r.output
    assert GOOD not in r.output
    with session_scope(settings) as s:
        assert authenticate(s, "boss@example.org", GOOD, "127.0.0.1").role == "admin"
    listed = run(["users", "list"]).output
    assert "boss@example.org\tadmin\t-\tactive" in listed and "$argon2" not in listed


def test_no_password_option_exists(settings):
    r = CliRunner().invoke(cli, ["users", "add", "a@b.org", "--role", "admin", "--password", GOOD])
    assert r.exit_code != 0 and "No such option" in r.output


@pytest.mark.parametrize("password, why", [("password", "12 characters"), ("12345678", "12 characters"),
                                           ("qwertyuiop123", "common"), ("1qaz2wsx3edc", "common"),
                                           ("someone@example.org", "e-mail"), ("SOMEONE@EXAMPLE.ORG", "e-mail")])
def test_weak_passwords_are_refused(settings, password, why):
    r = run(["users", "add", "someone@example.org", "--role", "analyst"], stdin=password + "\n")
    assert r.exit_code == 1 and why in r.output and "Traceback" not in r.output


def test_holder_accounts_passwd_disable_remove(settings):
    with session_scope(settings) as s:
        s.add(RightsHolder(name="Studio Kumo"))
    assert run(["users", "add", "rh@kumo.test", "--role", "rights_holder"], stdin=GOOD + "\n").exit_code == 1
    r = run(["users", "add", "rh@kumo.test", "--role", "rights_holder", "--holder", "Studio Kumo"], stdin=GOOD + "\n")
    assert r.exit_code == 0, r.output
    assert run(["users", "add", "rh@kumo.test", "--role", "analyst"], stdin=GOOD + "\n").exit_code == 1  # exists
    assert run(["users", "passwd", "rh@kumo.test"], stdin="another fine passphrase\n").exit_code == 0
    with session_scope(settings) as s:
        user = users.find_user(s, "rh@kumo.test")
        assert user.session_version == 1  # its sessions ended
        assert authenticate(s, "rh@kumo.test", "another fine passphrase", "127.0.0.2") is not None
    assert run(["users", "disable", "rh@kumo.test"]).exit_code == 0
    with session_scope(settings) as s:
        assert authenticate(s, "rh@kumo.test", "another fine passphrase", "127.0.0.3") is None
    assert "disabled" in run(["users", "list"]).output
    assert run(["users", "enable", "rh@kumo.test"]).exit_code == 0
    assert run(["users", "remove", "rh@kumo.test"]).exit_code == 0
    assert run(["users", "remove", "rh@kumo.test"]).exit_code == 1


def test_the_last_admin_stays(session):
    admin = users.create_user(session, "only@admin.test", GOOD, "admin")
    with pytest.raises(Conflict):
        users.set_disabled(session, admin.id, True)
    with pytest.raises(Conflict):
        users.remove_user(session, admin.id)
    users.create_user(session, "second@admin.test", GOOD, "admin")
    users.set_disabled(session, admin.id, True)


def test_the_password_rule(session):
    for bad in ("short", "x" * 11, "password1234", "only@admin.test", "ONLY@ADMIN.TEST"):
        with pytest.raises(Invalid):
            users.check_password(bad, "only@admin.test")
    assert users.check_password("x" * 12 + "y", "only@admin.test")
    assert len(users.common_passwords()) > 150


def test_the_demo_refuses_a_home_it_did_not_create(settings):
    from mamoru.demo.home import ForeignHomeError, claim_home

    with session_scope(settings) as s:
        users.create_user(s, "ops@company.test", GOOD, "admin")
    with pytest.raises(ForeignHomeError):
        claim_home(settings)


def test_the_demo_password_is_made_once_per_home_and_kept_private(tmp_path):
    from core.config import load_settings
    from mamoru.demo.home import PASSWORD_FILE, claim_home, demo_password

    s = load_settings({"MAMORU_HOME": str(tmp_path / "demo-home")})
    claim_home(s)
    first, new = demo_password(s)
    again, new_again = demo_password(s)
    assert new and not new_again and first == again and len(first) >= users.MIN_PASSWORD_LENGTH
    assert stat.S_IMODE((s.home / PASSWORD_FILE).stat().st_mode) == 0o600
    claim_home(s)  # its own home: accepted again
    other = load_settings({"MAMORU_HOME": str(tmp_path / "other-home")})
    claim_home(other)
    assert demo_password(other)[0] != first
    assert "mamoru-demo" not in (tmp_path / "demo-home" / PASSWORD_FILE).read_text()


def test_no_default_credentials_in_the_code():
    """The published demo password and the like are gone from the product."""
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    for folder in ("core", "mamoru", "reports", "workers", "crawler", "scripts"):
        for path in (repo / folder).rglob("*.py"):
            assert '"mamoru-demo"' not in path.read_text(), path
