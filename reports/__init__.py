"""Weekly evidence reports for rights holders (build + render) and the web app (reports.web)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from core.blobstore import open_store
from core.config import Settings
from core.db import session_scope
from core.models import RightsHolder
from core.services import report_versions as versions
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
                        formats: tuple[str, ...] | list[str] = ("json", "csv"),
                        actor_id: int | None = None) -> list[dict]:
    """Build holder `holder_id`'s report for ISO `week` as a new version with `formats`; returns its files.

    Every build is a new version (core.services.report_versions): its files go to the blob store under
    reports/<holder slug>/<week>/v<N>/ and are never overwritten; the version row keeps each file's blob key,
    sha256 and size. One build of a holder's week at a time (a database lock, across machines).
    """
    wk = str(IsoWeek.parse(week))
    wanted = [f.strip().lower() for f in formats if f.strip()]
    unknown = sorted(set(wanted) - set(FORMATS))
    if unknown or not wanted:
        raise ValueError(f"unknown report format(s) {unknown}; choose from {', '.join(FORMATS)}")
    from reports import render

    with held(settings, versions.lock_name(holder_id, wk), f"the report of {wk} for this holder is being built "
              "now; try again when that build ends"), session_scope(settings) as session:
        holder = session.get(RightsHolder, holder_id)
        if holder is None:
            raise LookupError(f"no rights holder with id {holder_id}")
        report, n = versions.next_version(session, holder_id, wk)
        state_as_of = datetime.now(UTC)  # before the findings are read: a later decision makes it stale
        data = build_weekly_report(session, holder_id, wk)
        data["version"] = n
        folder = report_dir(settings, holder, wk) / versions.version_folder(n)
        stem = f"mamoru-{holder_slug(holder)}-{wk}-v{n}"
        generated = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        store = open_store(settings)
        written: list[dict] = []
        html_text = None
        for fmt in dict.fromkeys(wanted):
            if fmt == "json":
                written.append(_write(settings, folder / f"{stem}.json", render.render_json(data), fmt))
            elif fmt == "csv":
                written.append(_write(settings, folder / f"{stem}.csv", render.render_csv(data), fmt))
            elif fmt in ("html", "pdf"):
                if html_text is None:
                    html_text = render.render_html(data, for_pdf=False, store=store)
                if fmt == "html":
                    written.append(_write(settings, folder / f"{stem}.html", html_text.encode("utf-8"), fmt))
                else:
                    pdf = render.render_pdf(data, html_text, store=store)
                    written.append(_write(settings, folder / f"{stem}.pdf", pdf, fmt))
            elif fmt == "notices":
                from reports.notices import notice_inputs, render_notices

                for notice in render_notices(data, None, *notice_inputs(session, holder_id, data)):
                    written.append(_write(settings, folder / "notices" / notice["filename"],
                                          notice["text"].encode("utf-8"), fmt, lang=notice["lang"],
                                          platform=notice["platform"], uploader=notice["uploader"]))
        for entry in written:
            entry["generated_at"] = generated
            entry["version"] = n
        versions.record_version(session, report, n, written, state_as_of, actor_id)
    return written
