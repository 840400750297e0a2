"""A real pipeline on this machine for the fault tests and the benchmark: a data home, redis-server and
Celery worker processes on loopback (mamoru.up.EmbeddedStack), the demo references, clips put in the
database as the crawler would, and bounded waits that say what did not finish."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from core.config import Settings, load_settings
from core.db import session_scope, upgrade
from core.models import TERMINAL_STATUSES, Clip, ClipStatus, Finding, Keyframe, utcnow
from mamoru.up import EmbeddedStack, StackError

LOOPBACK = "127.0.0.1"


class PipelineTimeout(AssertionError):
    """The clips did not all reach an end state in time; the message lists the ones that did not."""


@dataclass
class Pipeline:
    home: Path
    env: dict[str, str] = field(default_factory=dict)  # MAMORU_* for this home's processes
    stack: EmbeddedStack | None = None
    settings: Settings | None = None

    def __post_init__(self) -> None:
        self.env = {"MAMORU_HOME": str(self.home), "MAMORU_ALLOWED_PRIVATE_HOSTS": LOOPBACK, **self.env}
        base = {k: v for k, v in os.environ.items() if not k.startswith("MAMORU_")}
        self.settings = load_settings({**base, **self.env})
        upgrade(self.settings)

    def start(self, workers: Iterable[tuple[str, str, int]] = (("worker", "io,cpu", 2),),
              beat: bool = False) -> Pipeline:
        """Start redis-server and each (name, queues, concurrency) worker; wait until they consume."""
        self.stack = EmbeddedStack(self.settings, extra_env=dict(self.env))
        self.stack.start_redis()
        offsets = {}
        for name, queues, concurrency in workers:
            log_path = self.stack.log_dir / f"{name}.log"
            offsets[name] = log_path.stat().st_size if log_path.exists() else 0
            self.stack.start_worker(concurrency=concurrency, queues=queues, name=name)
        if beat:
            self.stack.start_beat()
        for name, _, _ in workers:
            self.wait_worker_ready(name, offsets[name])
        return self

    def wait_worker_ready(self, name: str, start: int = 0, timeout: float = 90) -> None:
        """Wait for "<name>@host ready." in the worker's log after byte START."""
        log_path = self.stack.child(name).log_path
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.stack.check_alive()
            with log_path.open("rb") as fh:
                fh.seek(start)
                if b" ready." in fh.read():
                    return
            time.sleep(0.2)
        raise StackError(f"worker {name} not ready after {timeout:.0f} s; see {log_path}")

    def stop(self) -> None:
        if self.stack is not None:
            self.stack.stop()

    @property
    def app(self):  # noqa: ANN201
        from workers.celery import make_app

        if not hasattr(self, "_app"):
            self._app = make_app(self.stack.redis_url)
        return self._app

    def send(self, task: str, *args: object):  # noqa: ANN201
        return self.app.send_task(task, args=list(args))

    def add_references(self) -> None:
        """The demo rights holder's references and the index built from them."""
        from mamoru.demo.catalog import DEMO_HOLDER, REFERENCES
        from workers.catalog import add_reference, rebuild_index

        with session_scope(self.settings) as session:
            for ref in REFERENCES:
                add_reference(session, self.settings, holder=DEMO_HOLDER, work=ref.work, character=ref.character,
                              image=ref.path)
        rebuild_index(self.settings)

    def add_clip(self, url: str, platform_id: str | None = None, title: str | None = None) -> int:
        """A clip row as the crawler's pipeline leaves it (status new)."""
        with session_scope(self.settings) as session:
            clip = Clip(platform="web", platform_id=platform_id or url.split("://", 1)[-1], url=url,
                        page_url=url, title=title or url.rsplit("/", 1)[-1], status=ClipStatus.new.value,
                        discovered_at=utcnow(), last_seen_at=utcnow(), status_changed_at=utcnow(), hashtags=[])
            session.add(clip)
            session.flush()
            return clip.id

    def fetch(self, clip_ids: Iterable[int]) -> None:
        for clip_id in clip_ids:
            self.send("fetch_clip", clip_id)

    def states(self, clip_ids: Iterable[int]) -> dict[int, tuple[str, str | None, str | None]]:
        with session_scope(self.settings) as session:
            rows = session.execute(select(Clip.id, Clip.status, Clip.reason_code, Clip.reason)
                                   .where(Clip.id.in_(list(clip_ids)))).all()
        return {clip_id: (status, code, reason) for clip_id, status, code, reason in rows}

    def wait_until(self, clip_ids: Iterable[int], statuses: Iterable[str] = TERMINAL_STATUSES,
                   timeout: float = 180, check_alive: bool = True) -> dict[int, tuple[str, str | None, str | None]]:
        """Poll until every clip is in one of STATUSES; fail with the stragglers' states after TIMEOUT."""
        clip_ids, wanted = list(clip_ids), set(statuses)
        deadline = time.monotonic() + timeout
        while True:
            states = self.states(clip_ids)
            if len(states) == len(clip_ids) and all(s in wanted for s, _, _ in states.values()):
                return states
            if check_alive and self.stack is not None:
                self.stack.check_alive()
            if time.monotonic() > deadline:
                late = {cid: states.get(cid, ("missing", None, None)) for cid in clip_ids
                        if states.get(cid, ("missing",))[0] not in wanted}
                raise PipelineTimeout(f"{len(late)} of {len(clip_ids)} clips not in {sorted(wanted)} after "
                                      f"{timeout:.0f} s: {late}; logs in {self.home / 'logs'}")
            time.sleep(0.1)

    def findings(self, clip_id: int) -> list[tuple[str, float]]:
        from core.models import Reference

        with session_scope(self.settings) as session:
            return [(name, score) for name, score in session.execute(
                select(Reference.name, Finding.score).join(Finding.reference).where(Finding.clip_id == clip_id)
                .order_by(Reference.name))]

    def counts(self, clip_id: int) -> dict[str, int]:
        with session_scope(self.settings) as session:
            return {
                "findings": session.scalar(select(func.count()).select_from(Finding).where(Finding.clip_id == clip_id)),
                "keyframes": session.scalar(select(func.count()).select_from(Keyframe)
                                            .where(Keyframe.clip_id == clip_id)),
                "distinct_keyframes": session.scalar(select(func.count(func.distinct(Keyframe.t)))
                                                     .where(Keyframe.clip_id == clip_id)),
            }

    def clip(self, clip_id: int) -> Clip:
        with session_scope(self.settings) as session:
            return session.get(Clip, clip_id)

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
