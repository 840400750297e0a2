"""`mamoru holders`: a rights holder's notice profile and its kept notice drafts (core.services)."""

from __future__ import annotations

import json

import click

from core.services.holder_profiles import FIELDS
from mamoru.cli.services import service_session


def _holder_id(session, holder: str) -> int:  # noqa: ANN001
    from core.services.errors import NotFoundError
    from core.services.holders import find_holder, get_holder

    if holder.strip().isdigit():
        return get_holder(session, int(holder)).id
    found = find_holder(session, holder)
    if found is None:
        raise NotFoundError(f"no rights holder named {holder!r} (see `mamoru holders list`)")
    return found.id


@click.group()
def holders() -> None:
    """Rights holders: who they are when a notice is sent, and their notice drafts."""


@holders.command("list")
def list_cmd() -> None:
    """List the rights holders with their id and whether their notice profile is complete."""
    from core.services.holder_profiles import get_profile, missing_fields
    from core.services.holders import list_holders

    with service_session() as (session, _settings):
        for holder in list_holders(session):
            missing = missing_fields(get_profile(session, None, holder.id))
            click.echo(f"{holder.id}\t{holder.name}\t" + ("profile complete" if not missing
                                                         else "profile missing: " + ", ".join(missing)))


@holders.group()
def profile() -> None:
    """A holder's notice profile: legal name, representative, address, telephone, e-mail, agent."""


@profile.command("show")
@click.argument("holder")
@click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON.")
def profile_show(holder: str, as_json: bool) -> None:
    """Show HOLDER's profile (HOLDER is a name or an id)."""
    from core.services.holder_profiles import get_profile, profile_dict

    with service_session() as (session, _settings):
        data = profile_dict(get_profile(session, None, _holder_id(session, holder)))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for field in FIELDS:
        click.echo(f"{field.name:21} {data[field.name] if data[field.name] is not None else '-'}")
    click.echo("complete" if data["complete"] else "missing for a notice: " + ", ".join(data["missing"]))


def _field_options(command):  # noqa: ANN001, ANN202
    for field in reversed(FIELDS):
        flag = "--" + field.name.replace("_", "-")
        if field.kind == "bool":
            command = click.option(f"{flag}/--no-{flag[2:]}", field.name, default=None, help=field.label)(command)
        else:
            command = click.option(flag, field.name, default=None, help=field.label)(command)
    return command


@profile.command("set")
@click.argument("holder")
@_field_options
def profile_set(holder: str, **values) -> None:
    """Set fields of HOLDER's profile (the others stay; an empty value clears a field)."""
    from core.services.holder_profiles import profile_dict, update_profile

    changes = {name: value for name, value in values.items() if value is not None}
    if not changes:
        raise click.UsageError("give at least one field, e.g. --legal-name 'Kumo Studio Co., Ltd.'")
    with service_session() as (session, _settings):
        data = profile_dict(update_profile(session, None, _holder_id(session, holder), changes))
    click.echo(f"saved {len(changes)} field(s); " + ("profile complete" if data["complete"]
                                                     else "missing for a notice: " + ", ".join(data["missing"])))


@holders.command("notices")
@click.argument("holder")
@click.option("--no-pdf", is_flag=True, help="Keep the texts only (no PDF with the evidence).")
def notices_cmd(holder: str, no_pdf: bool) -> None:
    """Draft HOLDER's notices for its confirmed findings, kept as new versions (earlier ones stay)."""
    from reports.notices import draft_notices

    with service_session() as (session, settings):
        drafts = draft_notices(session, settings, _holder_id(session, holder), pdf=not no_pdf)
        lines = [f"{d.platform}\t{d.uploader}\t{d.lang}\tv{d.version}\t{d.text_key}\t{d.pdf_key or '-'}"
                 for d in drafts]
    for line in lines:
        click.echo(line)
    if not lines:
        click.echo("no confirmed findings: nothing to draft")
