"""Versioned weekly reports: every build is a new version whose files (and their sha256) are never
overwritten; whether a newer state exists than the latest build; reading a version's file through the blob
store with its hash checked and the download audited.

Building and rendering the files is the reports stage's (reports.write_weekly_report), which calls
`next_version` and `record_version` while it holds the report's build lock (core.services.locks).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Character, Finding, Reference, Report, ReportVersion, Work
from core.services.audit import record
from core.services.errors import Conflict, NotFoundError

log = logging.getLogger(__name__)
KEY_PREFIX = "reports/"  # every report file's blob key starts so (a key elsewhere is never served)
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8",
               "pdf": "application/pdf", "notices": "text/plain; charset=utf-8"}


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they are UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def lock_name(holder_id: int, week: str) -> str:
    """The build lock of one holder's week: one build at a time, whoever asks."""
    return f"report:{holder_id}:{week}"


def version_folder(n: int) -> str:
    """The folder of version N under the report's <holder>/<week>/ folder."""
    return f"v{n}"


def next_version(session: Session, holder_id: int, week: str) -> tuple[Report, int]:
    """The holder's Report row for `week` (made when new) and the number the next build gets. Call it while
    holding `lock_name(holder_id, week)`, so two builds never take the same number."""
    report = session.scalar(select(Report).where(Report.rights_holder_id == holder_id, Report.week == week))
    if report is None:
        report = Report(rights_holder_id=holder_id, week=week, files=[])
        session.add(report)
        session.flush()
    last = session.scalar(select(func.max(ReportVersion.version)).where(ReportVersion.report_id == report.id))
    return report, (last or 0) + 1


def record_version(session: Session, report: Report, version: int, files: list[dict], state_as_of: datetime,
                   actor_id: int | None = None) -> ReportVersion:
    """Keep build `version` of `report` with its files; it becomes the report's latest. Audited."""
    now = datetime.now(UTC)
    row = ReportVersion(report_id=report.id, version=version, files=files, built_by=actor_id,
                        state_as_of=state_as_of, generated_at=now)
    session.add(row)
    report.files = files
    report.generated_at = now
    record(session, actor_id, "report_generated", "report", report.id, rights_holder_id=report.rights_holder_id,
           week=report.week, version=version,
           files=[{"format": f["format"], "file": PurePosixPath(f["path"]).name, "sha256": f["sha256"]}
                  for f in files])
    session.flush()
    return row


def list_versions(session: Session, report_id: int) -> list[ReportVersion]:
    """The report's versions, newest first."""
    return list(session.scalars(select(ReportVersion).where(ReportVersion.report_id == report_id)
                                .order_by(ReportVersion.version.desc())))


def get_version(session: Session, report_id: int, version: int | None = None) -> ReportVersion:
    """Version `version` of the report (None: the latest); NotFoundError when there is none."""
    stmt = select(ReportVersion).where(ReportVersion.report_id == report_id)
    stmt = stmt.where(ReportVersion.version == version) if version is not None else \
        stmt.order_by(ReportVersion.version.desc()).limit(1)
    row = session.scalar(stmt)
    if row is None:
        raise NotFoundError(f"report {report_id} has no version {version if version is not None else ''}".strip())
    return row


def _week_bounds(week: str) -> tuple[datetime, datetime]:
    year, number = int(week[:4]), int(week[6:8])
    start = datetime.fromisocalendar(year, number, 1).replace(tzinfo=UTC)
    return start, start + timedelta(days=7)


def last_change(session: Session, holder_id: int, week: str) -> datetime | None:
    """When the holder's findings of `week` last changed (found, decided, reopened, rescored)."""
    start, end = _week_bounds(week)
    return as_utc(session.scalar(
        select(func.max(Finding.updated_at))
        .join(Reference, Finding.reference_id == Reference.id)
        .join(Character, Reference.character_id == Character.id)
        .join(Work, Character.work_id == Work.id)
        .where(Work.rights_holder_id == holder_id, Finding.created_at >= start, Finding.created_at < end)))


@dataclass(frozen=True)
class Freshness:
    """The latest version of a report and whether its findings changed after that build."""

    version: int | None
    state_as_of: datetime | None
    changed_at: datetime | None

    @property
    def stale(self) -> bool:
        return self.changed_at is not None and (self.state_as_of is None or self.changed_at > self.state_as_of)


def freshness(session: Session, report: Report) -> Freshness:
    latest = session.scalar(select(ReportVersion).where(ReportVersion.report_id == report.id)
                            .order_by(ReportVersion.version.desc()).limit(1))
    return Freshness(latest.version if latest else None, as_utc(latest.state_as_of) if latest else None,
                     last_change(session, report.rights_holder_id, report.week))


@dataclass(frozen=True)
class ReportFile:
    """One file of one version, read from the blob store and checked against its recorded sha256."""

    version: int
    name: str
    format: str
    sha256: str
    media_type: str
    data: bytes


def read_file(session: Session, store, report: Report, version: int | None, n: int,  # noqa: ANN001
              actor_id: int | None) -> ReportFile:
    """File `n` of `version` (None: the latest) of `report` from `store` (core.blobstore), audited with the
    version and the hash; NotFoundError when absent, Conflict when the stored bytes no longer match."""
    row = get_version(session, report.id, version)
    files = row.files or []
    if not 0 <= n < len(files):
        raise NotFoundError(f"version {row.version} of this report has no file {n}")
    entry = files[n]
    key = str(entry.get("path") or "")
    data = store.find(key) if key.startswith(KEY_PREFIX) else None
    if data is None:
        raise NotFoundError(f"the file of version {row.version} is missing from storage")
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry.get("sha256"):
        log.error("report %s version %s: %s has sha256 %s, recorded %s", report.id, row.version, key, digest,
                  entry.get("sha256"))
        raise Conflict(f"the stored file of version {row.version} no longer matches its recorded sha256")
    name = PurePosixPath(key).name
    record(session, actor_id, "report_downloaded", "report", report.id, version=row.version,
           format=entry.get("format"), file=name, sha256=digest)
    return ReportFile(row.version, name, str(entry.get("format")), digest,
                      MEDIA_TYPES.get(entry.get("format"), "application/octet-stream"), data)
