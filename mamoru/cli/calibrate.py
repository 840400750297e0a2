"""`mamoru calibrate`: refit the calibration (the evidence -> score model) on the analysts' decisions, show
it against the installed one on held-back decisions, and install it only when it is better there."""

from __future__ import annotations

import click

from core.services.calibration import DEFAULT_HOLDOUT_SHARE, DEFAULT_MIN_DECISIONS
from mamoru.cli.services import service_session

FIGURES = (("log_loss", "log-loss", "lower is better"), ("average_precision", "AP", "higher is better"),
           ("recall_at_p99", "recall at P>=0.99", "higher is better"), ("brier", "Brier", "lower is better"))


def _table(before_id: str, before: dict, after_id: str, after: dict) -> list[str]:
    lines = [f"  current: {before_id}", f"  new:     {after_id}", f"  {'':<20}{'current':>12}{'new':>12}"]
    for key, name, hint in FIGURES:
        lines.append(f"  {name:<20}{before[key]:>12.4f}{after[key]:>12.4f}   ({hint})")
    return lines


@click.command()
@click.option("--dry-run", is_flag=True, help="Fit and show the figures; install nothing.")
@click.option("--holdout-share", type=click.FloatRange(0.05, 0.5), default=DEFAULT_HOLDOUT_SHARE,
              show_default=True, help="Share of the clips whose decisions are held back to compare the fits.")
@click.option("--min-decisions", type=click.IntRange(1), default=DEFAULT_MIN_DECISIONS, show_default=True,
              help="Fewest confirmed or dismissed copy findings to fit on.")
def calibrate(dry_run: bool, holdout_share: float, min_decisions: int) -> None:
    """Refit the calibration from the analysts' decisions (confirmed copy findings are true pairs,
    dismissed ones false; escalated and pending are left out). Fits on the decisions of most clips with
    cross-validation, compares the installed calibration and the new one on the held-back clips' decisions
    (log-loss, average precision, recall at precision >= 0.99, Brier) and installs the new one only when
    its held-back log-loss is lower. Exit 1 when refused (too few decisions, or not better)."""
    from core.services import calibration as service
    from core.services.errors import Invalid
    from matcher.calibration import Calibration, load
    from matcher.refit import figures, form, refit

    with service_session() as (session, settings):
        pairs = service.decided_pairs(session)
        fit_part, held = service.split(pairs, holdout_share)
        service.check_enough(pairs, fit_part, held, min_decisions)
        document = service.installed(settings)
        current = Calibration.from_json(document) if document else load()
        if current is None:
            raise Invalid("no calibration to compare with: neither an installed one nor matcher/calibration.json")
        features, intercept, balance = form(current)   # the refit keeps the installed fit's form (bench.calibration chose it)
        new = refit([p.features for p in fit_part], [p.label for p in fit_part], [str(p.clip_id) for p in fit_part],
                    features=features, intercept=intercept, balance=balance,
                    provenance={"data": "analysts' decisions on copy findings (confirmed 1, dismissed 0)",
                                "command": "mamoru calibrate", "held_back_share": holdout_share,
                                "fit_decisions": len(fit_part), "held_back_decisions": len(held),
                                "replaces": current.id})
        labels = [p.label for p in held]
        before = figures(current, [p.features for p in held], labels)
        after = figures(new, [p.features for p in held], labels)
        new.provenance["held_back"] = {"current": before, "new": after}
        click.echo(f"decisions: {len(pairs)} ({sum(p.label for p in pairs)} confirmed); fit on {len(fit_part)}, "
                   f"held back {len(held)} (clips chosen by hash, share {holdout_share})")
        click.echo(f"figures on the {len(held)} held-back decisions:")
        for line in _table(current.id, before, new.id, after):
            click.echo(line)
        better = after["log_loss"] < before["log_loss"]
        if dry_run:
            click.echo(f"dry run: nothing installed (the new fit would {'be' if better else 'NOT be'} installed)")
            return
        if not better:
            raise Invalid(f"refused: the new fit is not better on the held-back decisions (log-loss "
                          f"{after['log_loss']:.4f} vs {before['log_loss']:.4f} of {current.id}); {current.id} stays")
        key = service.install(session, settings, new.to_json(), {"current": before, "new": after})
        click.echo(f"installed calibration {new.id} ({key}); new analyses are scored with it")
