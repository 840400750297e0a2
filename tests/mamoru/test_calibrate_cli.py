"""`mamoru calibrate` learns from the analysts' decisions stored in a real (migrated SQLite) database:
generated copy findings with recorded calibration inputs, confirmed or dismissed with a probability that
depends on those inputs (plus noise). A better fit is installed, versioned in the blob store and audited;
a worse one (misleading decisions) and too few decisions are refused with one line; the finding page and
the report say which calibration scored a finding."""

from __future__ import annotations

import json
import math
import random

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.blobstore import open_store
from core.db import session_scope
from core.models import AuditEvent, Clip, Finding, FindingKind, Reference, TriageState
from core.services import calibration as service
from mamoru.cli.main import cli
from matcher.calibration import load

# the decisions' "truth": sharper than the shipped fit, so a refit on them is better on held-back ones
TRUE_WEIGHTS = {"heuristic_logit": 2.6, "best_frame_margin": 4.0, "detail_margin": 0.0}


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def seed_decisions(settings, n: int, seed: int = 7, flip_fit_part: bool = False, share: float = 0.25,
                   undecided: int = 20) -> None:
    """N decided copy findings (one per clip) plus UNDECIDED pending/escalated ones that must be left out.
    FLIP_FIT_PART: the decisions of the clips outside the held-back part say the opposite of the evidence."""
    rng = random.Random(seed)
    with session_scope(settings) as s:
        ref = s.scalars(select(Reference).order_by(Reference.id)).first()
        for i in range(n + undecided):
            clip = Clip(platform="web", platform_id=f"cal-{seed}-{i}", url=f"http://127.0.0.1/v/cal-{seed}-{i}")
            s.add(clip)
            s.flush()
            feats = {"heuristic_logit": rng.gauss(0.3, 2.0), "best_frame_margin": rng.uniform(-0.3, 0.5),
                     "detail_margin": 0.0, "heuristic": 0.5, "calibrated": 1.0}
            label = int(rng.random() < _sigmoid(sum(w * feats[k] for k, w in TRUE_WEIGHTS.items())))
            if flip_fit_part and not service.is_held_back(clip.id, share):
                label = 1 - label
            if i < n:
                state = TriageState.confirmed.value if label else TriageState.dismissed.value
            else:
                state = (TriageState.pending if i % 2 else TriageState.escalated).value
            s.add(Finding(clip_id=clip.id, reference_id=ref.id, character_id=ref.character_id,
                          kind=FindingKind.copy.value, score=0.5, method="features", spans=[[0.0, 1.0]], best_t=0.5,
                          score_evidence=feats, calibration_id=load().id, state=state))


def run(*args: str):
    return CliRunner().invoke(cli, ["calibrate", *args])


def audit_events(settings) -> list[AuditEvent]:
    with session_scope(settings) as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == "calibration.install")).all()
        s.expunge_all()
        return rows


def test_help():
    r = run("--help")
    assert r.exit_code == 0 and "--dry-run" in r.output and "--holdout-share" in r.output and "--min-decisions" in r.output


def test_better_fit_installed_versioned_and_audited(world):
    settings = world.settings
    seed_decisions(settings, 600)
    dry = run("--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "log-loss" in dry.output and "recall at P>=0.99" in dry.output and "nothing installed" in dry.output
    assert service.installed(settings) is None and not audit_events(settings)

    r = run()
    assert r.exit_code == 0, r.output
    assert "decisions: 600 " in r.output  # pending and escalated ones left out
    doc = service.installed(settings)
    assert doc is not None and doc["id"].startswith("refit-") and f"installed calibration {doc['id']}" in r.output
    held = doc["provenance"]["held_back"]
    assert held["new"]["log_loss"] < held["current"]["log_loss"]
    assert doc["provenance"]["replaces"] == load().id
    assert all(w >= 0 for w in doc["weights"].values())
    store = open_store(settings)
    assert json.loads(store.get(f"calibration/{doc['id']}.json"))["weights"] == doc["weights"]
    [event] = audit_events(settings)
    assert event.detail["id"] == doc["id"] and event.detail["previous"] is None
    assert event.detail["figures"]["new"] == held["new"]


def test_worse_fit_refused(world):
    settings = world.settings
    seed_decisions(settings, 600, flip_fit_part=True)
    r = run()
    assert r.exit_code == 1
    errors = [line for line in r.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "refused: the new fit is not better" in errors[0] and load().id in errors[0]
    assert service.installed(settings) is None and not audit_events(settings)


def test_too_few_decisions_refused(world):
    settings = world.settings
    seed_decisions(settings, 40)
    r = run("--min-decisions", "100")
    assert r.exit_code == 1
    assert "Error: too few decisions to calibrate: 40 confirmed or dismissed copy findings, 100 needed" in r.output
    assert service.installed(settings) is None


@pytest.mark.anyio
async def test_finding_page_and_report_name_the_calibration(world, app, browser_for):
    from reports.build import finding_entry

    with session_scope(world.settings) as s:
        f = s.scalars(select(Finding).where(Finding.reference_id.is_not(None)).order_by(Finding.id)).first()
        f.calibration_id = "refit-2026-12-06-040000-abcdef0"
        fid = f.id
    b = await browser_for("analyst")
    page = await b.page(f"/findings/{fid}")
    assert page.status_code == 200 and 'id="calibration"' in page.text
    assert "refit-2026-12-06-040000-abcdef0" in page.text
    with session_scope(world.settings) as s:
        f = s.get(Finding, fid)
        character = f.reference.character
        entry = finding_entry(f, f.clip, f.reference, character, character.work)
    assert entry["calibration_id"] == "refit-2026-12-06-040000-abcdef0"


@pytest.mark.integration
def test_calibrate_on_postgresql(postgres_url, mamoru_env, monkeypatch):
    from core.config import get_settings
    from core.db import upgrade
    from reports.sample import seed_sample

    monkeypatch.setenv("MAMORU_DATABASE_URL", postgres_url)
    get_settings.cache_clear()
    settings = get_settings()
    upgrade(settings)
    with session_scope(settings) as s:
        seed_sample(s, settings, images=False)
    seed_decisions(settings, 400, seed=11)
    r = run("--min-decisions", "300")
    assert r.exit_code == 0, r.output
    assert "decisions: 400 " in r.output and service.installed(settings)["id"] in r.output
    assert len(audit_events(settings)) == 1
