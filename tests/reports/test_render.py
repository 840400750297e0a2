"""HTML, PDF and notice drafts: self-contained, escaped, Japanese text present."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from core.db import session_scope
from reports import write_weekly_report
from reports.build import build_weekly_report
from reports.notices import render_notices
from reports.render import oneline, render_html, safe_url
from reports.sample import seed_sample

WEEK = "2026-W47"


@pytest.fixture
def sample(settings):
    with session_scope(settings) as s:
        return seed_sample(s, settings, week=WEEK)


@pytest.fixture
def report(settings, sample):
    with session_scope(settings) as s:
        return build_weekly_report(s, sample.holders[0], WEEK)


def test_html_is_self_contained_and_escaped(report, settings):
    html = render_html(report, home=settings.home)
    assert "<script" not in html.lower().replace("&lt;script", "")
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Taro &lt;i&gt;" in html and "<i>" not in html
    # every image and stylesheet is embedded: no src/href to files or other hosts except clip links
    for src in re.findall(r'src="([^"]+)"', html):
        assert src.startswith(("data:image/png;base64,", "data:image/jpeg;base64,")), src[:40]
    assert html.count('alt="matched frame"') == 3 and html.count('alt="reference art"') == 3
    assert "雲スタジオ" in html and "空の海賊0" in html


def test_safe_url_and_oneline():
    assert safe_url("javascript:alert(1)") is None and safe_url("data:text/html,x") is None
    assert safe_url("https://www.tiktok.com/@a/video/1") == "https://www.tiktok.com/@a/video/1"
    assert oneline("a\r\nSubject: evil\x00b") == "a Subject: evil b"


def test_notices_per_platform_and_uploader(report):
    notices = render_notices(report)
    groups = {(e["clip"]["platform"], e["clip"]["uploader_id"]) for e in report["findings"]}
    assert len(notices) == 2 * len(groups)
    ja = [n for n in notices if n["lang"] == "ja"]
    en = [n for n in notices if n["lang"] == "en"]
    assert all("送信防止措置依頼書" in n["text"] and "御中" in n["text"] for n in ja)
    assert all("17 U.S.C. 512(c)(3)" in n["text"] and "penalty of perjury" in n["text"] for n in en)
    for n in notices:
        assert re.fullmatch(r"[a-z0-9-]+\.(en|ja)\.txt", n["filename"])
    urls = {e["clip"]["url"] for e in report["findings"]}
    assert all(any(u in n["text"] for n in en) for u in urls)


def test_all_formats_written_and_pdf_has_japanese_text(settings, sample):
    files = write_weekly_report(settings, sample.holders[0], WEEK,
                                formats=("json", "csv", "html", "pdf", "notices"))
    formats = [f["format"] for f in files]
    assert formats[:4] == ["json", "csv", "html", "pdf"] and formats.count("notices") == 6
    pdf = settings.home_path(next(f["path"] for f in files if f["format"] == "pdf"))
    assert pdf.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Kumo Studio 雲スタジオ" in text and "2026-W47" in text
    assert "空の海賊0" in text and "確認済み" in text  # Japanese rendered with real glyphs (Noto CJK)
    assert "https://www.youtube.example/v/" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "Noto-Sans-CJK-JP" in fonts or "NotoSansCJK" in fonts
