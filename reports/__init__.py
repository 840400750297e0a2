"""Weekly evidence reports for rights holders (build + render) and the web app (reports.web)."""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

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
    """Write atomically (readers never see half a file) and describe the file (its path relative to the
    data home, as the database keeps it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")  # unique per writer, thread too
    tmp.write_bytes(data)
    tmp.replace(path)
    return {"format": fmt, "path": settings.stored_path(path), "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
            **extra}


def write_weekly_report(settings: Settings, holder_id: int, week: str,
                        formats: tuple[str, ...] | list[str] = ("json", "csv")) -> list[dict]:
    """Build holder `holder_id`'s report for ISO `week`, write `formats`, upsert its Report row.

    Files go to settings.reports_dir/<holder slug>/<week>/. The Report row (unique per holder and week)
    keeps one entry per file (its path relative to the data home): formats written now replace earlier
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
                    html_text = render.render_html(data, for_pdf=False, home=settings.home)
                if fmt == "html":
                    written.append(_write(settings, folder / f"{stem}.html", html_text.encode("utf-8"), fmt))
                else:
                    pdf = render.render_pdf(data, html_text, home=settings.home)
                    written.append(_write(settings, folder / f"{stem}.pdf", pdf, fmt))
            elif fmt == "notices":
                shutil.rmtree(folder / "notices", ignore_errors=True)  # uploaders no longer listed go
                for notice in render.render_notices(data):
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
                and settings.home_path(f["path"]).is_file()]
        report.files = kept + written
        report.generated_at = datetime.now(UTC)
    return written
