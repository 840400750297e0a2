"""`mamoru enforce`: record a notice sent and the platform's answers, re-check a clip, print the figures."""

from __future__ import annotations

import json

import click

from core.services.enforcement import CHANNELS, STATES
from core.services.figures import GROUPS
from mamoru.cli.services import service_session


@click.group()
def enforce() -> None:
    """Enforcement of confirmed findings: notices sent, removals, counter-notices, and the figures."""


def finding_ids(text: str) -> list[int]:
    try:
        ids = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(f"{text!r}: finding ids, separated by commas (12 or 12,13,14)") from None
    if not ids:
        raise click.BadParameter("name at least one finding id")
    return ids


@enforce.command("record")
@click.argument("findings")
@click.argument("state", type=click.Choice(STATES))
@click.option("--channel", type=click.Choice(CHANNELS), help="How the notice went (needed for 'sent').")
@click.option("--ref", "platform_ref", help="The platform's case, ticket or reference number.")
@click.option("--at", "at", help="When it happened, e.g. 2026-12-06T09:30 (UTC; default now).")
@click.option("--note", help="A note kept with the step.")
@click.option("--no-recheck", is_flag=True, help="Do not queue a re-check of the clips after 'sent'.")
def enforce_record(findings: str, state: str, channel: str | None, platform_ref: str | None, at: str | None,
                   note: str | None, no_recheck: bool) -> None:
    """Record that the enforcement of FINDINGS (an id, or ids of one notice: 12,13,14) reached STATE, e.g.
    `mamoru enforce record 12 sent --channel webform --ref TT-123`; all or none. A notice sent queues a
    re-check of each clip for the workers."""
    from core.models import Finding
    from core.queue import QueueUnavailable
    from core.services import enforcement as enf

    ids = finding_ids(findings)
    with service_session() as (session, settings):
        events = enf.record_steps(session, None, ids, state, at=enf.parse_time(at), channel=channel,
                                  platform_ref=platform_ref, note=note)
        clip_ids = list(dict.fromkeys(session.get(Finding, e.finding_id).clip_id for e in events))
        for event in events:
            click.echo(f"finding {event.finding_id}: {state} at {event.at:%Y-%m-%d %H:%M} UTC"
                       + (f" via {channel}" if channel else "")
                       + (f", ref {event.platform_ref}" if event.platform_ref else ""))
    if state != enf.SENT or no_recheck:
        return
    for clip_id in clip_ids:
        try:
            click.echo(f"re-check of clip {clip_id} queued (task {enf.queue_recheck(settings, clip_id)})")
        except QueueUnavailable as exc:
            click.echo(f"re-check not queued: {exc}; run `mamoru enforce recheck ID --here`", err=True)
            return


@enforce.command("show")
@click.argument("finding_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of lines.")
def enforce_show(finding_id: int, as_json: bool) -> None:
    """FINDING_ID's enforcement state, the steps it may take next, and its history."""
    from core.models import Finding
    from core.services import enforcement as enf
    from core.services.errors import NotFoundError

    with service_session() as (session, _):
        finding = session.get(Finding, finding_id)
        if finding is None:
            raise NotFoundError(f"no finding {finding_id}")
        events = [enf.event_json(e, email) for e, email in enf.history(session, finding_id)]
        state, nxt = finding.enforcement_state, enf.next_states(finding.enforcement_state)
    if as_json:
        click.echo(json.dumps({"finding_id": finding_id, "state": state, "next": list(nxt), "events": events},
                              ensure_ascii=False))
        return
    click.echo(f"finding {finding_id}: {state or 'no notice yet'}; next: {', '.join(nxt) or 'nothing'}")
    for e in events:
        extra = " · ".join(str(v) for v in (e["channel"], e["platform_ref"], e["note"], e["evidence_key"]) if v)
        click.echo(f"  {e['at'][:16].replace('T', ' ')}  {e['state']:<14} {e['by'] or 'system'}  {extra}")


@enforce.command("recheck")
@click.argument("finding_id", type=int)
@click.option("--here", is_flag=True, help="Visit the clip from this process instead of queueing it for a worker.")
def enforce_recheck(finding_id: int, here: bool) -> None:
    """Is FINDING_ID's clip still up? Queues a re-check (or runs it here) and records what it finds."""
    from core.models import Finding
    from core.services import enforcement as enf
    from core.services.errors import NotFoundError

    with service_session() as (session, settings):
        finding = session.get(Finding, finding_id)
        if finding is None:
            raise NotFoundError(f"no finding {finding_id}")
        clip_id = finding.clip_id
    if not here:
        from core.queue import QueueUnavailable

        try:
            click.echo(f"re-check of clip {clip_id} queued (task {enf.queue_recheck(settings, clip_id)})")
        except QueueUnavailable as exc:
            raise click.ClickException(f"{exc}; or run it here with --here") from None
        return
    from workers.recheck import recheck

    result = recheck(settings, clip_id)
    click.echo(f"clip {clip_id}: {result['verdict']} ({result['reason']}); evidence {result.get('evidence_key')}")
    for fid, state in result["findings"]:
        click.echo(f"  finding {fid}: {state}")


@enforce.command("figures")
@click.option("--holder", type=int, help="One rights holder's id (default: all).")
@click.option("--by", "group_by", type=click.Choice(GROUPS), default="week", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
def enforce_figures(holder: int | None, group_by: str, as_json: bool) -> None:
    """Detected, confirmed, noticed, removed, removal rate and median hours to removal per group."""
    from core.services.figures import figures

    with service_session() as (session, _):
        data = figures(session, group_by, holder_id=holder)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    click.echo(f"{group_by:<24} {'detected':>8} {'confirmed':>9} {'noticed':>7} {'removed':>7} {'rate':>6} "
               f"{'median h':>8}")
    for row in [*data["rows"], data["total"]]:
        rate = f"{row['removal_rate'] * 100:.0f}%" if row["removal_rate"] is not None else "-"
        hours = f"{row['median_hours_to_removal']:.1f}" if row["median_hours_to_removal"] is not None else "-"
        click.echo(f"{row['label'][:24]:<24} {row['detected']:>8} {row['confirmed']:>9} {row['noticed']:>7} "
                   f"{row['removed']:>7} {rate:>6} {hours:>8}")
