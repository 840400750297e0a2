"""Weekly evidence reports for rights holders (build + render) and the web app (reports.web)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from core.blobstore import open_store
from core.config import Settings
from core.db import session_scope
from core.models import Report, RightsHolder
from core.services.locks import held
from reports.build import IsoWeek, build_weekly_report
from reports.render import FORMATS, slugify

__all__ = ["FORMATS", "IsoWeek", "build_weekly_report", "holder_slug", "report_dir", "write_weekly_report"]


def holder_slug(holder: RightsHolder) -> str:
    """Folder name for a holder: ASCII slug of the name plus the id (names in kanji slug to 'holder')."""
    return f"{slugify(holder.name, 'holder')}-{holder.id}"


def report_dir(settings: Settings, holder: RightsHolder, week: str) -> Path:
    return settings.reports_dir / holder_slug(holder) / week


def _write(settings: Settings, path: Path, data: bytes, fmt: str, **extra) -> dict:
    """Put the file in the blob store (atomically: readers never see half a file) and describe it (its
    key, which is its path relative to the data home, as the database keeps it)."""
    key = open_store(settings).put(settings.stored_path(path), data)
    return {"format": fmt, "path": key, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
            **extra}


def write_weekly_report(settings: Settings, holder_id: int, week: str,
                        formats: tuple[str, ...] | list[str] = ("json", "csv")) -> list[dict]:
    """Build holder `holder_id`'s report for ISO `week`, write `formats`, upsert its Report row.

    Files go to the blob store under reports/<holder slug>/<week>/. The Report row (unique per holder and week)
    keeps one entry per file (its blob key, the path relative to a folder store's home): formats written now replace earlier
    entries of the same format; entries of other formats stay while their file exists. Returns the
    entries written now.
    """
    wk = str(IsoWeek.parse(week))
    wanted = [f.strip().lower() for f in formats if f.strip()]
    unknown = sorted(set(wanted) - set(FORMATS))
    if unknown or not wanted:
        raise ValueError(f"unknown report format(s) {unknown}; choose from {', '.join(FORMATS)}")
    from reports import render

    with held(settings, f"report:{holder_id}:{wk}", f"the report of {wk} for this holder is being built now; "
              "try again when that build ends"), session_scope(settings) as session:
        holder = session.get(RightsHolder, holder_id)
        if holder is None:
            raise LookupError(f"no rights holder with id {holder_id}")
        data = build_weekly_report(session, holder_id, wk)
        folder = report_dir(settings, holder, wk)
        stem = f"mamoru-{holder_slug(holder)}-{wk}"
        generated = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        written: list[dict] = []
        html_text = None
        for fmt in dict.fromkeys(wanted):
            if fmt == "json":
                written.append(_write(settings, folder / f"{stem}.json", render.render_json(data), fmt))
            elif fmt == "csv":
                written.append(_write(settings, folder / f"{stem}.csv", render.render_csv(data), fmt))
            elif fmt in ("html", "pdf"):
                if html_text is None:
                    html_text = render.render_html(data, for_pdf=False, store=open_store(settings))
                if fmt == "html":
                    written.append(_write(settings, folder / f"{stem}.html", html_text.encode("utf-8"), fmt))
                else:
                    pdf = render.render_pdf(data, html_text, store=open_store(settings))
                    written.append(_write(settings, folder / f"{stem}.pdf", pdf, fmt))
            elif fmt == "notices":
                open_store(settings).delete_prefix(settings.stored_path(folder / "notices"))  # uploaders no longer listed go
                from reports.notices import notice_inputs, render_notices

                for notice in render_notices(data, None, *notice_inputs(session, holder_id, data)):
                    written.append(_write(settings, folder / "notices" / notice["filename"],
                                          notice["text"].encode("utf-8"), fmt, lang=notice["lang"],
                                          platform=notice["platform"], uploader=notice["uploader"]))
        for entry in written:
            entry["generated_at"] = generated
        report = session.scalar(select(Report).where(Report.rights_holder_id == holder_id, Report.week == wk))
        if report is None:
            report = Report(rights_holder_id=holder_id, week=wk, files=[])
            session.add(report)
        kept = [f for f in (report.files or []) if f.get("format") not in wanted
                and open_store(settings).exists(f["path"])]
        report.files = kept + written
        report.generated_at = datetime.now(UTC)
    return written
