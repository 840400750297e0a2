"""Weekly report data and its JSON/CSV files, on rows built by reports.sample."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from core.models import Report
from reports import write_weekly_report
from reports.build import IsoWeek, build_weekly_report
from reports.render import CSV_COLUMNS, csv_safe
from reports.sample import HOSTILE_TITLE, HOSTILE_UPLOADER, seed_sample

WEEK = "2026-W47"


@pytest.fixture
def sample(settings):
    with session_scope(settings) as s:
        return seed_sample(s, settings, week=WEEK)


def test_iso_week_bounds_and_validation():
    wk = IsoWeek.parse("2026-W47")
    assert wk.start.isoformat() == "2026-11-16T00:00:00+00:00"
    assert wk.end.isoformat() == "2026-11-23T00:00:00+00:00"
    assert str(wk.shift(-1)) == "2026-W46" and str(IsoWeek.parse("2027-W01").shift(-1)) == "2026-W53"
    for bad in ("2026-47", "2026-W54x", "2025-W53", "../etc"):
        with pytest.raises(ValueError):
            IsoWeek.parse(bad)


def test_build_counts_lists_confirmed_and_trend(settings, sample):
    with session_scope(settings) as s:
        data = build_weekly_report(s, sample.holders[0], WEEK)
    t = data["totals"]
    assert (t["confirmed"], t["pending"], t["dismissed"], t["escalated"], t["findings"]) == (3, 2, 1, 1, 7)
    assert len(data["findings"]) == 3 and all(e["state"] == "confirmed" for e in data["findings"])
    assert {e["finding_id"] for e in data["findings"]} == set(sample.findings["confirmed"][:3])
    assert [w["week"] for w in data["trend"]][-1] == WEEK and len(data["trend"]) == 9
    assert [w["confirmed"] for w in data["trend"]][-4:] == [1, 1, 1, 3]
    assert t["confirmed_previous_week"] == 1
    assert sum(p["confirmed"] for p in data["by_platform"]) == 3
    assert sum(p["pending"] for p in data["by_platform"]) == 2
    assert data["top_clips"][0]["view_count"] >= data["top_clips"][-1]["view_count"]
    entry = data["findings"][0]
    assert entry["spans"] == [{"start": 3.0, "end": 7.5}, {"start": 12.0, "end": 14.0}]
    assert entry["clip"]["first_seen_at"].endswith("Z") and entry["clip"]["media_sha256"]
    # the other holder's findings never leak in
    other_refs = set()
    with session_scope(settings) as s:
        other = build_weekly_report(s, sample.holders[1], WEEK)
        other_refs = {e["finding_id"] for e in other["findings"]}
    assert not other_refs & {e["finding_id"] for e in data["findings"]}


def test_week_membership_is_by_finding_creation(settings, sample):
    with session_scope(settings) as s:
        previous = build_weekly_report(s, sample.holders[0], "2026-W46")
        empty = build_weekly_report(s, sample.holders[0], "2026-W48")
    assert previous["totals"]["confirmed"] == 1
    assert empty["totals"]["findings"] == 0 and empty["findings"] == []


def test_write_json_and_csv_files_and_upsert(settings, sample):
    holder = sample.holders[0]
    files = write_weekly_report(settings, holder, WEEK)
    assert [f["format"] for f in files] == ["json", "csv"]
    for f in files:
        path = settings.home_path(f["path"])
        assert path.is_file() and path.parent == settings.reports_dir / f"kumo-studio-{holder}" / WEEK / "v1"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == f["sha256"] and path.stat().st_size == f["bytes"]
    data = json.loads(settings.home_path(files[0]["path"]).read_text("utf-8"))
    assert data["schema"] == "mamoru.weekly-report/1" and data["week"]["id"] == WEEK
    assert data["rights_holder"]["name"] == "Kumo Studio 雲スタジオ"

    again = write_weekly_report(settings, holder, WEEK, formats=("json",))
    with session_scope(settings) as s:
        assert s.scalar(select(func.count(Report.id))) == 1
        report = s.scalar(select(Report))
        assert [f["format"] for f in report.files] == ["json"]  # the latest version: what this build wrote
        assert report.files[0]["sha256"] == again[0]["sha256"] and again[0]["version"] == 2
    assert all(settings.home_path(f["path"]).is_file() for f in files)  # version 1 stays


def test_csv_neutralises_formulas_and_keeps_text(settings, sample):
    files = write_weekly_report(settings, sample.holders[0], WEEK, formats=["csv"])
    raw = settings.home_path(files[0]["path"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS and len(rows) == 3
    hostile = [r for r in rows if "HYPERLINK" in r["title"] or "cmd" in r["uploader_name"]]
    assert hostile, "sample has hostile rows"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert any(r["uploader_name"] == "'" + HOSTILE_UPLOADER for r in rows)
    assert any(r["title"] == HOSTILE_TITLE for r in rows)  # starts with "<": no prefix needed
    assert any("空の海賊" in r["work_ja"] for r in rows)


@pytest.mark.parametrize("value,expected", [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("plain", "plain"), (None, ""), (-1.5, -1.5), ("a=b", "a=b"),
])
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_unknown_format_and_holder(settings, sample):
    with pytest.raises(ValueError):
        write_weekly_report(settings, sample.holders[0], WEEK, formats=("docx",))
    with pytest.raises(LookupError):
        write_weekly_report(settings, 9999, WEEK)


def _check(value, schema, path="$"):
    """A small JSON Schema subset (type, enum, const, required, properties, items, min/maxItems, pattern)."""
    import re as _re

    types = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float), "null": type(None)}
    errors = []
    if "type" in schema:
        allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(isinstance(value, types[t]) and not (t in ("integer", "number") and isinstance(value, bool))
                 for t in allowed)
        if not ok:
            return [f"{path}: {type(value).__name__} not {allowed}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} != {schema['const']!r}")
    if "pattern" in schema and isinstance(value, str) and not _re.search(schema["pattern"], value):
        errors.append(f"{path}: {value!r} !~ {schema['pattern']}")
    if isinstance(value, dict):
        errors += [f"{path}: missing {k}" for k in schema.get("required", []) if k not in value]
        for k, sub in schema.get("properties", {}).items():
            if k in value:
                errors += _check(value[k], sub, f"{path}.{k}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", 1 << 30):
            errors.append(f"{path}: {len(value)} items")
        for i, item in enumerate(value):
            errors += _check(item, schema.get("items", {}), f"{path}[{i}]")
    return errors


def test_json_matches_the_published_schema(settings, sample):
    schema = json.loads((Path(__file__).resolve().parents[2] / "reports" / "weekly-report.schema.json").read_text())
    files = write_weekly_report(settings, sample.holders[0], WEEK, formats=("json",))
    data = json.loads(settings.home_path(files[0]["path"]).read_text("utf-8"))
    assert data["findings"] and data["top_clips"]
    assert _check(data, schema) == []
    assert _check({"schema": "other"}, schema)  # the checker does find problems


def test_the_enforcement_section(settings, sample):
    """Notices sent and a removal during the week: the figures, the steps, the CSV columns, the schema."""
    from datetime import timedelta

    from core.models import Finding
    from core.services import enforcement as enf

    holder = sample.holders[0]
    ids = sample.findings["confirmed"][:2]
    with session_scope(settings) as s:
        for fid in ids:
            created = s.get(Finding, fid).created_at
            enf.record_step(s, None, fid, enf.SENT, at=created + timedelta(hours=1), channel="webform",
                            platform_ref=f"CASE-{fid}")
        enf.record_step(s, None, ids[0], enf.REMOVED, at=s.get(Finding, ids[0]).created_at + timedelta(hours=13))
    files = write_weekly_report(settings, holder, WEEK, formats=("json", "csv", "html"))
    by_format = {f["format"]: settings.home_path(f["path"]) for f in files}
    data = json.loads(by_format["json"].read_text("utf-8"))
    section = data["enforcement"]
    assert (section["week"]["noticed"], section["week"]["removed"], section["week"]["removal_rate"]) == (2, 1, 0.5)
    assert section["week"]["median_hours_to_removal"] == 12.0
    assert section["to_date"]["confirmed"] == section["week"]["confirmed"] + 3  # the sample's earlier weeks
    steps = section["steps"]
    assert sorted((st["finding_id"], st["state"]) for st in steps) == sorted(
        [(ids[0], "sent"), (ids[1], "sent"), (ids[0], "removed")])
    assert [st["at"] for st in steps] == sorted(st["at"] for st in steps)  # oldest first
    assert {e["finding_id"]: e["enforcement"]["state"] for e in data["findings"] if e["enforcement"]["state"]} == \
        {ids[0]: "removed", ids[1]: "sent"}
    schema = json.loads((Path(__file__).resolve().parents[2] / "reports" / "weekly-report.schema.json").read_text())
    assert _check(data, schema) == []
    rows = list(csv.DictReader(io.StringIO(by_format["csv"].read_text("utf-8-sig"))))
    assert {int(r["finding_id"]): r["enforcement_state"] for r in rows if r["enforcement_state"]} == \
        {ids[0]: "removed", ids[1]: "sent"}
    html = by_format["html"].read_text("utf-8")
    assert 'id="enforcement"' in html and "50 %" in html and "CASE-" in html
