"""Turn a weekly report dict (build.py) into files: JSON, CSV, HTML, PDF and notice drafts."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata

FORMATS = ("json", "csv", "html", "pdf", "notices")
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "finding_id", "week", "platform", "clip_url", "page_url", "title", "uploader_id", "uploader_name",
    "posted_at", "first_seen_at", "view_count", "duration", "work", "work_ja", "character", "character_ja",
    "reference", "reference_sha256", "score", "method", "distance", "clip_share", "reference_share",
    "spans", "best_t", "media_sha256", "state", "decided_at", "note",
)


def render_json(report: dict) -> bytes:
    return (json.dumps(report, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def csv_safe(value: object) -> object:
    """Neutralise spreadsheet formulas: a text cell starting with = + - @ tab or CR gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_PREFIXES):
        return "'" + value
    return value


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
            "character_ja": e["character"]["name_ja"], "reference": e["reference"]["name"],
            "reference_sha256": e["reference"]["sha256"], "score": e["score"], "method": e["method"],
            "distance": e["distance"], "clip_share": e["clip_share"], "reference_share": e["reference_share"],
            "spans": format_spans(e["spans"]), "best_t": e["best_t"], "media_sha256": c["media_sha256"],
            "state": e["state"], "decided_at": e["decided_at"], "note": e["note"],
        }


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
