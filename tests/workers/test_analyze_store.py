"""The analyze glue stores the matcher's verdict as findings and keyframes, idempotently."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from mamoru.demo.catalog import CLIPS, DEMO_HOLDER, REFERENCES
from mamoru.demo.generate import write_clip
from core.models import Clip, Finding, Keyframe, Reference, TriageState
from core.services.references import index_key
from workers.analyze import analyze_file, store_result
from workers.catalog import add_reference, rebuild_index


@pytest.fixture
def catalogued(settings, session):
    for ref in REFERENCES:
        add_reference(session, settings, holder=DEMO_HOLDER, work=ref.work, character=ref.character, image=ref.path)
    session.commit()
    rebuild_index(settings)
    return settings


def make_clip(session, platform_id: str) -> Clip:
    clip = Clip(platform="web", platform_id=platform_id, url=f"http://127.0.0.1/v/{platform_id}")
    session.add(clip)
    session.flush()
    return clip


def test_findings_upserted_and_decisions_kept(catalogued, session, tmp_path):
    demo = next(c for c in CLIPS if c.family == "pip")
    video = tmp_path / "clip.mp4"
    write_clip(demo, video)
    clip = make_clip(session, demo.id)
    result, version = analyze_file(video, catalogued)
    findings = store_result(session, catalogued, clip, result, version)
    assert [f.reference.name for f in findings] == [demo.shows]
    finding = findings[0]
    assert 0 < finding.score <= 1 and finding.spans and catalogued.home_path(finding.thumbnail_path).is_file()
    assert finding.index_version == version
    finding.state = TriageState.confirmed.value
    session.flush()
    keyframes = session.scalar(select(func.count()).select_from(Keyframe))
    assert keyframes == result.frames == len(result.keyframes)
    store_result(session, catalogued, clip, result, version)  # a rerun (e.g. a redelivered task)
    assert session.scalar(select(func.count()).select_from(Finding)) == 1
    assert session.scalar(select(func.count()).select_from(Keyframe)) == keyframes
    assert session.scalar(select(Finding.state)) == TriageState.confirmed.value


def keys(session) -> list[str]:
    """The index entries the references in the database should have: their ids, not file stems."""
    return sorted(index_key(ref_id) for ref_id in session.scalars(select(Reference.id)))


def test_reference_index_reloads_when_a_new_one_is_published(catalogued, session):
    from core.services.references import retire_reference
    from workers.analyze import load_index

    first = load_index(catalogued)
    assert sorted(first.names) == keys(session)
    keep, *others = session.scalars(select(Reference).order_by(Reference.id)).all()
    for ref in others:
        retire_reference(session, None, ref.id)
    session.commit()
    rebuild_index(catalogued)  # publishes a new version; workers load it without a restart
    assert load_index(catalogued).names == [index_key(keep.id)]


def test_an_index_named_by_file_stems_is_rebuilt_keyed_by_id(catalogued, session):
    """An index written before entries were keyed by reference id is rebuilt, not read with every match lost."""
    import matcher
    from workers import index_store
    from workers.analyze import load_index

    index_store.publish(catalogued, matcher.ReferenceIndex.build([r.path for r in REFERENCES]))
    index_store._loaded.clear()  # a new worker process, which has not loaded it yet
    assert sorted(load_index(catalogued).names) == keys(session)


def test_a_damaged_published_index_is_rebuilt_from_the_database(catalogued, session, caplog):
    """A published index the matcher refuses (written by another algorithm, or damaged) is rebuilt from
    the references in the database (one warning) instead of failing clips."""
    import json

    import numpy as np

    import matcher
    from core.blobstore import open_store
    from workers import index_store
    from workers.analyze import load_index

    version = index_store.published_version(catalogued)
    path = open_store(catalogued).local_path(index_store.index_key(version))
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(bytes(arrays["meta"]).decode())
    meta["algorithm"] = "m0"  # as an index written by an older matcher says
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    with path.open("wb") as fh:
        np.savez(fh, **arrays)
    index_store._loaded.clear()  # a new worker process, which has not loaded it yet
    with pytest.raises(matcher.IndexFileError, match="rebuild the index"):
        matcher.ReferenceIndex.load(path)
    index = load_index(catalogued)
    assert sorted(index.names) == keys(session)
    assert matcher.ReferenceIndex.load(path).version == index.version == index_store.published_version(catalogued)
    assert any("rebuilding it from the database" in r.getMessage() for r in caplog.records)


def test_analysis_scores_with_the_installed_calibration(catalogued, session, tmp_path):
    """New analyses use the calibration `mamoru calibrate` installed (else the shipped one) and each
    finding records its inputs and which calibration scored it."""
    from core.services.calibration import install
    from matcher.calibration import Calibration, load

    demo = next(c for c in CLIPS if c.family == "pip")
    video = tmp_path / "clip.mp4"
    write_clip(demo, video)
    clip = make_clip(session, demo.id)
    result, version = analyze_file(video, catalogued)
    [shipped] = store_result(session, catalogued, clip, result, version)
    assert shipped.calibration_id == load().id
    shipped_score = shipped.score  # the rerun updates the same finding
    assert set(shipped.score_evidence) >= {"heuristic_logit", "best_frame_margin", "detail_margin"}

    softer = load().to_json()
    softer["id"] = "refit-test-softer"
    softer["weights"] = {k: w / 10 for k, w in softer["weights"].items()}  # less sure: lower scores
    install(session, catalogued, softer, {})
    session.commit()
    result, version = analyze_file(video, catalogued)
    [rescored] = store_result(session, catalogued, clip, result, version)
    assert rescored.calibration_id == "refit-test-softer"
    expected = Calibration.from_json(softer).probability(rescored.score_evidence)
    assert rescored.score == pytest.approx(expected, abs=2e-4)
    assert 0.5 < rescored.score < shipped_score - 0.01
