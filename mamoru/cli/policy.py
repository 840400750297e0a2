"""`mamoru policy show|set`: a rights holder's policy (core.services.policy): which findings get a notice,
which are monitored, which tolerated (its fan-work guidelines), versioned."""

from __future__ import annotations

from pathlib import Path

import click

from mamoru.cli.services import service_session


def _holder(session, name: str):  # noqa: ANN001, ANN202
    from core.services.holders import find_holder

    row = find_holder(session, name)
    if row is None:
        raise click.ClickException(f"no rights holder named {name!r}")
    return row


@click.group()
def policy() -> None:
    """A holder's policy: finding kind x signals (AI, commercial, platform, allowed uploaders) -> action."""


@policy.command("show")
@click.option("--holder", required=True, help="Rights holder.")
def policy_show(holder: str) -> None:
    """Print the holder's current policy (YAML, the file `policy set` reads) and its version (0: the default)."""
    import yaml

    from core.services.policy import current_policy

    with service_session() as (session, _):
        row = _holder(session, holder)
        version, document = current_policy(session, row.id)
    click.echo(f"# policy of {row.name}, version {version}{' (the default)' if version == 0 else ''}")
    click.echo(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), nl=False)


@policy.command("set")
@click.option("--holder", required=True, help="Rights holder.")
@click.option("--apply", "apply_now", is_flag=True,
              help="Also decide the holder's pending findings again under it (decided ones keep their action).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def policy_set(holder: str, file: Path, apply_now: bool) -> None:
    """Store FILE (YAML: rules, default, allow_uploaders) as the holder's next policy version. The same
    policy again changes nothing. Findings analysed from now on carry the new version's action; with
    --apply the pending ones get it now too."""
    from core.services.policy import apply_policy, parse_policy, set_policy

    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file}: not UTF-8 text") from None
    with service_session() as (session, _):
        row = _holder(session, holder)
        stored = set_policy(session, None, row, parse_policy(text, str(file)))
        click.echo(f"policy of {row.name}: version {stored.version} ({len(stored.document['rules'])} rules, "
                   f"default {stored.document['default']})")
        if apply_now:
            counts = apply_policy(session, None, row)
            said = ", ".join(f"{n} {action}" for action, n in sorted(counts.items())) or "none"
            click.echo(f"pending findings decided again under version {stored.version}: {said}")
