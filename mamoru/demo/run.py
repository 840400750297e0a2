"""`mamoru demo`: the whole monitoring job on this machine, against the demo platform on 127.0.0.1.

Starts an embedded Redis, a Celery worker and beat, and the demo site; registers the demo rights holder,
its reference art and a watchlist; then crawl -> fetch -> analyze -> report, and a summary.
Everything is an upsert, so running it twice leaves the same rows.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select

from core.config import Settings, get_settings
from core.db import session_scope, upgrade
from mamoru.demo.catalog import CATALOGUE_FILE, CLIPS, DEMO_HOLDER, DEMO_PROFILE, REFERENCES
from mamoru.demo.generate import ensure_media
from mamoru.demo.home import PASSWORD_FILE, ForeignHomeError, claim_home, demo_password
from mamoru.demo.server import DemoServer
from mamoru.demo.takedowns import TAKEDOWNS_FILE
from core.models import TERMINAL_STATUSES, Character, Clip, Finding, Reference, TriageState, Watchlist
from mamoru.up import EmbeddedStack, StackError, redacted

log = logging.getLogger("mamoru.demo")
LOOPBACK = "127.0.0.1"
PIPELINE_TIMEOUT_S = 15 * 60
REPORT_FORMATS = ["json", "csv", "html", "pdf", "notices"]
DEMO_USERS = (("admin@mamoru.demo", "admin"), ("analyst@mamoru.demo", "analyst"),
              ("holder@mamoru.demo", "rights_holder"))


@dataclass
class DemoOutcome:
    holder_id: int
    week: str
    clips: list[dict] = field(default_factory=list)  # one row per demo clip, with its findings
    report_files: list[dict] = field(default_factory=list)
    as_expected: int = 0
    pending: int = 0  # findings no analyst has decided yet (the report counts them, lists confirmed ones)

    @property
    def all_as_expected(self) -> bool:
        return self.as_expected == len(CLIPS)


def demo_settings() -> Settings:
    """The demo downloads from 127.0.0.1, so it allowlists loopback for itself and its children; it keeps
    the (small) media so the web app can play each clip at its matched span."""
    os.environ.setdefault("MAMORU_KEEP_MEDIA", "true")
    allowed = [h for h in os.environ.get("MAMORU_ALLOWED_PRIVATE_HOSTS", "").split(",") if h.strip()]
    if LOOPBACK not in allowed:
        os.environ["MAMORU_ALLOWED_PRIVATE_HOSTS"] = ",".join([*allowed, LOOPBACK])
    get_settings.cache_clear()
    return get_settings()


def register_demo_catalog(settings: Settings, feed_url: str, password: str) -> tuple[int, int]:
    """Upsert the demo rights holder, its references (and index) and its feed watchlist."""
    from core.services.holders import get_or_create_holder
    from workers.catalog import add_reference, rebuild_index

    with session_scope(settings) as session:
        holder = get_or_create_holder(session, None, DEMO_HOLDER)
        from core.models import HolderProfile
        from core.services.holder_profiles import missing_fields, update_profile

        if missing_fields(session.get(HolderProfile, holder.id)):  # notices complete without placeholders
            update_profile(session, None, holder.id, DEMO_PROFILE)
        from core.services.catalogue import import_catalogue, parse_catalogue

        names = import_catalogue(session, None, holder, parse_catalogue(CATALOGUE_FILE.read_text(encoding="utf-8"),
                                                                        str(CATALOGUE_FILE)))
        log.info("demo catalogue imported: %s", names.summary())
        before = {(r.name, r.sha256) for r in session.scalars(select(Reference))}
        for ref in REFERENCES:
            add_reference(session, settings, holder=DEMO_HOLDER, work=ref.work, work_ja=ref.work_ja,
                          character=ref.character, character_ja=ref.character_ja, image=ref.path)
        session.flush()
        after = {(r.name, r.sha256) for r in session.scalars(select(Reference))}
        watchlist = session.scalar(select(Watchlist).where(
            Watchlist.rights_holder_id == holder.id, Watchlist.platform == "web", Watchlist.kind == "feed",
            Watchlist.value.like(f"http://{LOOPBACK}:%/feed.rss")))
        if watchlist is None:
            watchlist = Watchlist(rights_holder_id=holder.id, platform="web", kind="feed", value=feed_url)
            session.add(watchlist)
        watchlist.value = feed_url  # the demo site's port changes between runs
        watchlist.enabled = True
        watchlist.last_run_at = datetime.now(UTC)  # the demo runs it now; beat need not
        session.flush()
        holder_id, watchlist_id = holder.id, watchlist.id
        from core.services.users import ensure_user

        for email, role in DEMO_USERS:
            ensure_user(session, email, password, role, holder_id if role == "rights_holder" else None)
    from workers.index_store import published_version

    if before != after or published_version(settings) is None:
        index = rebuild_index(settings)
        log.info("reference index built: %d references (version %s)", len(index.names), index.version)
    return holder_id, watchlist_id


def wait_for_clips(settings: Settings, clip_ids: list[int], stack: EmbeddedStack, console: Console) -> None:
    """Poll the clips' states until each is done, failed or skipped, with a progress bar."""
    seen: dict[int, str] = {}
    deadline = time.monotonic() + PIPELINE_TIMEOUT_S
    columns = (TextColumn("[bold]fetch + analyze"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("clips", total=len(clip_ids))
        while True:
            with session_scope(settings) as session:
                rows = session.execute(select(Clip.id, Clip.platform_id, Clip.status, Clip.reason)
                                       .where(Clip.id.in_(clip_ids))).all()
            for clip_id, platform_id, status, reason in rows:
                if seen.get(clip_id) != status:
                    seen[clip_id] = status
                    suffix = f" ({reason})" if reason else ""
                    progress.console.log(f"clip {demo_clip_id(platform_id)}: {status}{suffix}")
            finished = sum(1 for _, _, status, _ in rows if status in TERMINAL_STATUSES)
            progress.update(bar, completed=finished)
            if finished == len(clip_ids):
                return
            stack.check_alive()
            if time.monotonic() > deadline:
                raise StackError(f"pipeline did not finish in {PIPELINE_TIMEOUT_S} s; see {stack.log_dir}")
            time.sleep(0.5)


def demo_clip_id(platform_id: str) -> str:
    """The demo clip id in a generic site's platform id (`127.0.0.1/v/v1001` -> `v1001`)."""
    return platform_id.rsplit("/", 1)[-1]


DEMO_ANALYST = "analyst@mamoru.demo"


def triage_demo(settings: Settings, watchlist_id: int) -> tuple[int, int]:
    """The demo analyst's decisions before the report is built, so the report is current: each finding on
    what its clip shows (the catalogue knows) is confirmed, others dismissed; the weakest finding stays
    pending for the triage desk (deciding it there marks the report stale and offers a rebuild). Findings
    already decided are left as they are, so a second run changes nothing. (confirmed, dismissed) now."""
    from core.models import User
    from core.services.triage import decide

    shows = {c.id: c.shows for c in CLIPS}
    named = {c.id: set(c.named) for c in CLIPS}
    with session_scope(settings) as session:
        analyst = session.scalar(select(User.id).where(User.email == DEMO_ANALYST))
        rows = session.execute(select(Finding, Clip.platform_id, Reference.name, Character.key)
                               .join(Clip, Finding.clip_id == Clip.id)
                               .outerjoin(Reference, Finding.reference_id == Reference.id)
                               .outerjoin(Character, Finding.character_id == Character.id)
                               .where(Clip.watchlist_id == watchlist_id)
                               .order_by(Finding.score.desc(), Finding.id)).all()
        copies = [f for f, _, name, _ in rows if name is not None]
        left = copies[-1].id if len(copies) > 1 else None
        # a copy is right when its clip shows that reference; a finding without art (ai_depiction,
        # mention) when the clip's text names that character that way
        todo = [(f.id, shows.get(demo_clip_id(pid)) == name if name is not None
                 else (key, f.kind) in named.get(demo_clip_id(pid), set()))
                for f, pid, name, key in rows if f.state == TriageState.pending.value and f.id != left]
        confirmed = decide(session, analyst, [i for i, ok in todo if ok], "confirm",
                           "demo triage: the clip shows this character") if any(ok for _, ok in todo) else 0
        dismissed = decide(session, analyst, [i for i, ok in todo if not ok], "dismiss",
                           "demo triage: the clip does not show this character") \
            if any(not ok for _, ok in todo) else 0
    return confirmed, dismissed


def collect_outcome(settings: Settings, holder_id: int, watchlist_id: int, week: str,
                    report_files: list[dict]) -> DemoOutcome:
    outcome = DemoOutcome(holder_id=holder_id, week=week, report_files=report_files)
    with session_scope(settings) as session:
        clips = {demo_clip_id(c.platform_id): c for c in session.scalars(
            select(Clip).where(Clip.watchlist_id == watchlist_id))}
        for demo_clip in CLIPS:
            clip = clips.get(demo_clip.id)
            findings = []
            if clip is not None:
                rows = session.scalars(select(Finding).where(Finding.clip_id == clip.id)
                                       .order_by(Finding.score.desc())).all()
                findings = [(f.reference.name if f.reference else f.character.key, f.kind, f.score) for f in rows]
                outcome.pending += sum(f.state == TriageState.pending.value for f in rows)
            flagged = [name for name, kind, _ in findings if kind == "copy"]
            named = sorted((name, kind) for name, kind, _ in findings if kind != "copy")
            expected = [demo_clip.shows] if demo_clip.shows else []
            ok = (clip is not None and clip.status == "done" and flagged == expected
                  and named == sorted(demo_clip.named))
            outcome.as_expected += ok
            outcome.clips.append({"id": demo_clip.id, "family": demo_clip.family, "title": demo_clip.title,
                                  "status": clip.status if clip else "missing",
                                  "reason": clip.reason if clip else None,
                                  "findings": findings, "expected": demo_clip.shows, "named": demo_clip.named,
                                  "ok": ok})
    return outcome


def print_summary(console: Console, outcome: DemoOutcome) -> None:
    table = Table(title=f"Mamoru demo: {len(outcome.clips)} clips on the demo platform")
    for column in ("clip", "family", "status", "findings (reference or character: kind score)", "shows",
                   "as expected"):
        table.add_column(column)
    for row in outcome.clips:
        found = ", ".join(f"{name}: {kind}" + (f" {score:.2f}" if kind == "copy" else "")
                          for name, kind, score in row["findings"]) or "-"
        status = row["status"] + (f" ({row['reason']})" if row["reason"] else "")
        shows = ", ".join([*([row["expected"]] if row["expected"] else []),
                           *(f"{name} ({kind})" for name, kind in row["named"])]) or "(nothing)"
        table.add_row(row["id"], row["family"], status, found, shows, "[green]yes" if row["ok"] else "[red]NO")
    console.print(table)
    per_ref: dict[str, int] = {}
    for row in outcome.clips:
        for name, kind, _ in row["findings"]:
            per_ref[f"{name} ({kind})"] = per_ref.get(f"{name} ({kind})", 0) + 1
    analysed = sum(1 for row in outcome.clips if row["status"] == "done")
    console.print(f"clips found: {len(outcome.clips)}, analysed: {analysed}, "
                  f"findings per reference or character: {dict(sorted(per_ref.items()))}")
    for f in outcome.report_files:
        console.print(f"report ({f['format']}): {f['path']}")
    console.print(f"the report lists each confirmed finding with its evidence and counts those awaiting review "
                  f"({outcome.pending} now); decide them in the web app's triage desk, and the portal offers a "
                  f"rebuild (a new version; or `mamoru report --holder {outcome.holder_id} --week {outcome.week}`)",
                  markup=False)
    verdict = "[green]every clip as expected" if outcome.all_as_expected else "[red]some clips NOT as expected"
    console.print(f"demo verdicts: {outcome.as_expected}/{len(outcome.clips)} as expected: {verdict}")


def print_logins(console: Console, address: str, settings: Settings, password: str, new: bool) -> None:
    """The demo log-ins; the password itself only on the run that made it (it stays in the home, 0600)."""
    logins = ", ".join(f"{email} ({role})" for email, role in DEMO_USERS)
    said = f"password {password!r} (made for this home; also in" if new else "password in"
    console.print(f"web app: {address}  log in as {logins}, {said} {settings.home / PASSWORD_FILE}"
                  f"{')' if new else ''}", markup=False)
    console.print("enforcement: on a confirmed finding's page record the notice as sent, take its clip down "
                  f"with `mamoru demo takedown {CLIPS[0].id}` (the platform's answer), then \"Re-check the clip now\": "
                  "the portal's removal rate moves", markup=False)


def run_demo(console: Console | None = None, keep_running: bool = False) -> DemoOutcome:
    from workers.celery import make_app

    console = console or Console(soft_wrap=True)
    settings = demo_settings()
    console.log(f"data home: {settings.home}")
    try:
        claim_home(settings)
    except ForeignHomeError as exc:
        raise StackError(str(exc)) from None
    password, new_password = demo_password(settings)
    console.log(f"database at revision {upgrade(settings)}: {settings.db_url}")
    console.log("preparing demo clips (generated once from scikit-image's sample images)")
    ensure_media(settings.home / "demo-media")
    with DemoServer(settings.home / "demo-media", host=LOOPBACK, takedowns=settings.home / TAKEDOWNS_FILE) as site, \
            EmbeddedStack(settings) as stack:
        console.log(f"demo platform at {site.base_url}")
        redis_url = stack.start_redis()
        console.log(f"embedded Redis at {redacted(redis_url)}")
        stack.start_worker()
        stack.start_beat()
        holder_id, watchlist_id = register_demo_catalog(settings, f"{site.base_url}/feed.rss", password)
        console.log(f"rights holder {DEMO_HOLDER!r} registered with {len(REFERENCES)} references; "
                    f"watchlist {watchlist_id} follows {site.base_url}/feed.rss")
        app = make_app(redis_url)
        console.log("crawling the demo feed")
        crawl = app.send_task("crawl_watchlist", args=[watchlist_id]).get(timeout=PIPELINE_TIMEOUT_S)
        if crawl.get("stopped"):
            console.log(f"[yellow]crawl stopped: {crawl['stopped']}")
        console.log(f"crawl found {crawl.get('items')} clips ({crawl.get('new')} new); "
                    f"{len(crawl['fetch_clip_ids'])} to fetch and analyze")
        with session_scope(settings) as session:
            clip_ids = session.scalars(select(Clip.id).where(Clip.watchlist_id == watchlist_id)).all()
        wait_for_clips(settings, list(clip_ids), stack, console)
        confirmed, dismissed = triage_demo(settings, watchlist_id)
        console.log(f"the demo analyst confirmed {confirmed} and dismissed {dismissed} findings; the weakest stays "
                    "pending for the triage desk")
        year, week_no, _ = datetime.now(UTC).isocalendar()
        week = f"{year}-W{week_no:02d}"
        console.log(f"building the weekly report for {week}")
        files = app.send_task("build_weekly_report", args=[holder_id, week, REPORT_FORMATS]).get(
            timeout=PIPELINE_TIMEOUT_S)
        files = [{**f, "path": str(settings.home_path(f["path"]))} for f in files]
        outcome = collect_outcome(settings, holder_id, watchlist_id, week, files)
        print_summary(console, outcome)
        if keep_running:
            address = stack.start_web(settings.web_port)
            print_logins(console, address, settings, password, new_password)
            console.log("the demo stack keeps running: Ctrl-C stops it")
            while True:
                stack.check_alive()
                time.sleep(1)
    if not keep_running:
        mamoru = Path(sys.executable).parent / "mamoru"  # the virtualenv's command, which may not be on PATH
        console.print(f"browse the findings: MAMORU_HOME={settings.home} {mamoru} web "
                      f"(or `{mamoru} demo --serve`), then open http://127.0.0.1:{settings.web_port}/",
                      markup=False)
        print_logins(console, f"http://127.0.0.1:{settings.web_port}/", settings, password, new_password)
    return outcome
