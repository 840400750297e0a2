"""Hostile crawled text in reports: titles and uploader names capped when the report is built, bidi
controls removed from every format, CSV cells that a spreadsheet would run as formulas neutralised, and
one finding with a 20,000-character title printed to PDF with the capped title."""

from __future__ import annotations

import csv
import io
import json

import pytest

from core.db import session_scope
from core.limits import BIDI_CONTROLS, DESCRIPTION_MAX_CHARS, TITLE_MAX_CHARS, UPLOADER_MAX_CHARS, capped
from core.models import Clip
from reports.build import build_weekly_report
from reports.notices import render_notices
from reports.render import csv_safe, render_csv, render_html, render_json, render_pdf
from reports.sample import seed_sample

WEEK = "2026-W47"
HUGE_TITLE = "A" * 20_000
RTL_TITLE = "clip \u202eexe.4pm\u202c and \u2067isolated\u2069 \u200ftext\u200e"


@pytest.fixture
def hostile_report(settings):
    """The sample week, with its first confirmed finding's clip given a huge title and a long uploader."""
    with session_scope(settings) as s:
        sample = seed_sample(s, settings, week=WEEK)
    with session_scope(settings) as s:
        report = build_weekly_report(s, sample.holders[0], WEEK)
        first, second = (s.get(Clip, e["clip"]["id"]) for e in report["findings"][:2])
        first.title, first.uploader_name, first.uploader_id = HUGE_TITLE, "名" * 5_000, "@" + "u" * 5_000
        second.title, second.uploader_name = RTL_TITLE, "\u202eevil uploader"
        clip_id = first.id
    with session_scope(settings) as s:
        return build_weekly_report(s, sample.holders[0], WEEK), clip_id


def test_capped_strips_bidi_and_cuts_with_an_ellipsis():
    assert capped(None, 10) is None
    assert capped("x" * 10, 10) == "x" * 10
    assert capped("x" * 11, 10) == "x" * 9 + "…"
    assert capped("a\u202eb\u2066c\u200fd", 10) == "abcd"
    assert (TITLE_MAX_CHARS, UPLOADER_MAX_CHARS, DESCRIPTION_MAX_CHARS) == (300, 200, 5_000)


def test_report_caps_crawled_text(hostile_report):
    report, clip_id = hostile_report
    clip = next(e["clip"] for e in report["findings"] if e["clip"]["id"] == clip_id)
    assert len(clip["title"]) == TITLE_MAX_CHARS and clip["title"].endswith("…")
    assert len(clip["uploader_name"]) == UPLOADER_MAX_CHARS and len(clip["uploader_id"]) == UPLOADER_MAX_CHARS
    uploaders = [u for u in report["by_uploader"] if u["uploader_id"] and u["uploader_id"].startswith("@uuu")]
    assert uploaders and all(len(u["uploader_name"]) <= UPLOADER_MAX_CHARS for u in uploaders)


def test_no_bidi_control_in_any_format(hostile_report, settings):
    report, _ = hostile_report
    texts = {"json": render_json(report).decode(), "csv": render_csv(report).decode("utf-8-sig"),
             "html": render_html(report, images=False),
             **{n["filename"]: n["text"] for n in render_notices(report)}}
    assert "clip exe.4pm and isolated text" in texts["json"]
    for name, text in texts.items():
        found = sorted({f"U+{ord(ch):04X}" for ch in text if ch in BIDI_CONTROLS})
        assert not found, f"{name} keeps bidi controls {found}"


def test_one_finding_with_a_huge_title_prints_capped(hostile_report, settings):
    report, clip_id = hostile_report
    report["findings"] = [e for e in report["findings"] if e["clip"]["id"] == clip_id]
    report["top_clips"] = [c for c in report["top_clips"] if c["id"] == clip_id]
    html = render_html(report, for_pdf=True, images=False)
    assert "A" * (TITLE_MAX_CHARS - 1) + "…" in html and "A" * TITLE_MAX_CHARS not in html
    assert render_pdf(report, html_text=html).startswith(b"%PDF-")


@pytest.mark.parametrize("value", [
    " =1+2", "   +1", "\u3000-1", " @SUM(A1)", "＝1+2", "＋1", "－1", "＠SUM(A1)", " ＝HYPERLINK(\"x\")",
    "\n=1", "\t=1", "\r=1", "=1",
])
def test_csv_neutralises_formulas_after_spaces_and_full_width_signs(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["plain", "a=b", "雲 スタジオ", "Tom - live", "text＝"])
def test_csv_keeps_ordinary_text(value):
    assert csv_safe(value) == value


def test_csv_file_has_no_formula_cell(hostile_report):
    report, _ = hostile_report
    report["findings"][0]["note"] = "  =HYPERLINK(\"http://x\",\"y\")"
    report["findings"][0]["clip"]["uploader_name"] = "＠cmd"
    rows = list(csv.reader(io.StringIO(render_csv(report).decode("utf-8-sig"))))
    for row in rows[1:]:
        for cell in row:
            assert not cell.lstrip().startswith(("=", "+", "-", "@", "＝", "＋", "－", "＠")), cell
    assert json.dumps(rows)  # every cell is text


def test_a_huge_url_is_shown_short_and_linked_whole(hostile_report):
    from reports.render import URL_SHOWN_MAX_CHARS

    report, clip_id = hostile_report
    report["findings"] = [e for e in report["findings"] if e["clip"]["id"] == clip_id]
    url = "https://www.tiktok.example/v/" + "9" * 20_000
    report["findings"][0]["clip"]["url"] = report["findings"][0]["clip"]["page_url"] = url
    html = render_html(report, for_pdf=True, images=False)
    assert f'href="{url}"' in html
    assert url not in html.replace(f'href="{url}"', "") and url[: URL_SHOWN_MAX_CHARS - 1] + "…" in html
