"""Turn a weekly report dict (build.py) into files: JSON, CSV, HTML, PDF and notice drafts."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import jinja2

from core.limits import capped, strip_bidi
from reports.images import data_uri, frame_image, thumbnail

FORMATS = ("json", "csv", "html", "pdf", "notices")
# a spreadsheet reads a cell as a formula when it starts (also after spaces) with one of these; the
# full-width signs count too (spreadsheets in Japanese locales convert them)
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
CSV_COLUMNS = (
    "finding_id", "week", "platform", "clip_url", "page_url", "title", "uploader_id", "uploader_name",
    "posted_at", "first_seen_at", "view_count", "duration", "work", "work_ja", "character", "character_ja",
    "reference", "reference_sha256", "score", "method", "distance", "clip_share", "reference_share",
    "spans", "best_t", "media_sha256", "state", "decided_at", "note", "enforcement_state", "enforcement_at",
    "kind", "action", "policy_version", "signals", "reference_video",
)


def render_json(report: dict) -> bytes:
    return (json.dumps(report, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def csv_safe(value: object) -> object:
    """Neutralise spreadsheet formulas: a text cell starting, after any spaces, with = + - @ (half or full
    width), tab, CR or LF gets a leading quote; bidi controls are removed."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = strip_bidi(value)
        if value.startswith(CSV_FORMULA_PREFIXES) or value.lstrip().startswith(CSV_FORMULA_PREFIXES):
            return "'" + value
    return value


def _no_bidi(value: object) -> object:
    """Jinja's finalize: every value printed in a report page or notice, without bidi controls."""
    return value.__class__(strip_bidi(value)) if isinstance(value, str) else value


def format_spans(spans: list[dict]) -> str:
    return "; ".join(f"{s['start']:.1f}-{s['end']:.1f}" for s in spans)


def csv_rows(report: dict):
    week = report["week"]["id"]
    for e in report["findings"]:
        c = e["clip"]
        yield {
            "finding_id": e["finding_id"], "week": week, "platform": c["platform"], "clip_url": c["url"],
            "page_url": c["page_url"], "title": c["title"], "uploader_id": c["uploader_id"],
            "uploader_name": c["uploader_name"], "posted_at": c["posted_at"], "first_seen_at": c["first_seen_at"],
            "view_count": c["view_count"], "duration": c["duration"], "work": e["work"]["name_en"],
            "work_ja": e["work"]["name_ja"], "character": e["character"]["name_en"],
            "character_ja": e["character"]["name_ja"], "reference": (e["reference"] or {}).get("name"),
            "reference_sha256": (e["reference"] or {}).get("sha256"), "score": e["score"], "method": e["method"],
            "distance": e["distance"], "clip_share": e["clip_share"], "reference_share": e["reference_share"],
            "spans": format_spans(e["spans"]), "best_t": e["best_t"], "media_sha256": c["media_sha256"],
            "state": e["state"], "decided_at": e["decided_at"], "note": e["note"],
            "enforcement_state": (e.get("enforcement") or {}).get("state"),
            "enforcement_at": (e.get("enforcement") or {}).get("at"),
            "kind": e.get("kind"), "action": e.get("action"), "policy_version": e.get("policy_version"),
            "signals": signals_text(e.get("signals") or []),
            "reference_video": ((e["reference"] or {}).get("video") or {}).get("label"),
        }


def signals_text(signals: list[dict]) -> str:
    """A finding's signals in one cell: `mention title "ルフィ"; ai_marker hashtags "#sora2"; c2pa ...`."""
    out = []
    for s in signals:
        what = s.get("alias") or s.get("text") if s.get("field") else s.get("name") or s.get("reference") \
            or s.get("claim_generator") or s.get("character") or ""
        if s.get("field") and s.get("start") is not None:
            what = s["text"][s["start"]:s["end"]]
        out.append(" ".join(x for x in (s.get("type"), s.get("field"), f'"{what}"' if what else "") if x))
    return "; ".join(out)


def render_csv(report: dict) -> bytes:
    """One row per confirmed finding; UTF-8 with a BOM so spreadsheets read Japanese correctly."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in csv_rows(report):
        writer.writerow({k: csv_safe(v) for k, v in row.items()})
    return buf.getvalue().encode("utf-8-sig")


def slugify(text: str | None, fallback: str = "x", max_len: int = 48) -> str:
    """An ASCII file-name-safe slug (never empty, never a path)."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:max_len].strip("-")
    return slug or fallback


# --- HTML and PDF ----------------------------------------------------------------------------------

TEMPLATES = Path(__file__).with_name("templates")
SAFE_URL_SCHEMES = ("http://", "https://")
URL_SHOWN_MAX_CHARS = 300  # a URL's text on the page (the link and the CSV/JSON files keep it whole)
DETAILED_FINDINGS = 200  # HTML/PDF: this many findings with evidence images, the rest as table rows
PLATFORM_NAMES = {
    "youtube": "YouTube (Google LLC)",
    "tiktok": "TikTok",
    "instagram": "Instagram (Meta Platforms, Inc.)",
    "x": "X (X Corp.)",
    "niconico": "ニコニコ動画（株式会社ドワンゴ）",
    "bilibili": "bilibili",
}


def safe_url(url: object) -> str | None:
    """Only http(s) URLs become links (never javascript:, data: or relative)."""
    if isinstance(url, str) and url.strip().lower().startswith(SAFE_URL_SCHEMES):
        return url.strip()
    return None


def oneline(text: object) -> str:
    """Untrusted text on one line of a plain-text notice: control characters and line breaks become spaces."""
    text = "" if text is None else str(text)
    return re.sub(r"\s+", " ", "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)).strip()


def spans_text(spans: list[dict]) -> str:
    return ", ".join(f"{s['start']:.1f}-{s['end']:.1f} s" for s in spans) or "(time not recorded)"


@lru_cache(maxsize=1)
def html_env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, finalize=_no_bidi)
    env.filters["safe_url"] = safe_url
    env.filters["shown"] = lambda url: capped(url, URL_SHOWN_MAX_CHARS)
    env.filters["views"] = lambda n: "unknown" if n is None else f"{n:,}"
    return env


@lru_cache(maxsize=1)
def text_env() -> jinja2.Environment:
    # Plain text: no HTML escaping, and every untrusted value goes through `oneline`.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                             keep_trailing_newline=True, finalize=_no_bidi)
    env.filters["oneline"] = oneline
    env.filters["spans_text"] = spans_text
    return env


class EvidenceImages:
    """Evidence images as data URIs; reference thumbnails are made once per reference. The report names
    blobs of `store` (core.blobstore), or files relative to `home` when no store is given."""

    def __init__(self, home: Path | None = None, store=None) -> None:  # noqa: ANN001  (a core.blobstore.BlobStore)
        self._home = home or Path()
        self._store = store
        self._refs: dict[int, str | None] = {}

    def _file(self, name: str | None) -> Path | bytes | None:
        if self._store is not None:
            return self._store.find(name)
        return self._home / name if name else None

    def frame(self, entry: dict) -> str | None:
        return data_uri(frame_image(self._file(entry["evidence"]["frame_path"])))

    def reference(self, entry: dict) -> str | None:
        if not entry.get("reference"):  # an ai_depiction or mention: the character named, no art matched
            return None
        rid = entry["reference"]["id"]
        if rid not in self._refs:
            self._refs[rid] = data_uri(thumbnail(self._file(entry["evidence"]["reference_path"])))
        return self._refs[rid]


def render_html(report: dict, *, for_pdf: bool = False, images: bool = True, home: Path | None = None,
                store=None) -> str:  # noqa: ANN001
    """The self-contained report page: charts and evidence images (files under `home`) embedded as data
    URIs."""
    from core import __version__
    from reports.charts import report_charts

    findings = report["findings"]
    return html_env().get_template("report.html").render(
        r=report, charts=report_charts(report), images=EvidenceImages(home, store) if images else None,
        detailed=findings[:DETAILED_FINDINGS], rest=findings[DETAILED_FINDINGS:], version=__version__,
        for_pdf=for_pdf)


PDF_VARIANT = "pdf/ua-1"  # WeasyPrint >= 57


def render_pdf(report: dict, html_text: str | None = None, home: Path | None = None,
               store=None) -> bytes:  # noqa: ANN001
    """The report page printed by WeasyPrint; only data: URLs are fetched (no network, no files)."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    html_text = html_text or render_html(report, for_pdf=True, home=home, store=store)
    fetcher = URLFetcher(allowed_protocols=["data"])
    # tagged (PDF/UA-1: structure tree, language, title), so screen readers read the report in order
    return weasyprint.HTML(string=html_text, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)


