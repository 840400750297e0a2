"""Benchmark of the enforcement figures (core.services.figures) on generated data in a temporary home.

N findings over 12 weeks (half confirmed), a notice sent for a fifth of them, half of those removed; times
`figures()` per week, per platform and per character for all holders, against a yardstick measured in the
same run: fetching the same finding rows (id, created_at, state, enforcement_state) in one plain query, the
least any figure needs to read.

    .venv/bin/python -m bench.enforcement [--findings 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def seed(settings, n: int) -> None:  # noqa: ANN001
    from sqlalchemy import insert, select, update

    from core.db import session_scope
    from core.models import EnforcementEvent, Finding
    from reports.sample import bulk_findings, seed_sample

    rnd = random.Random(3)
    with session_scope(settings) as s:
        ids = seed_sample(s, settings, holder_names=("Bench Holder",), per_state={"confirmed": 1}, images=False)
        bulk_findings(s, ids.references, n, spread_weeks=12, state_weights={"confirmed": 1, "pending": 1}, seed=2)
        rows = s.execute(select(Finding.id, Finding.created_at).where(Finding.state == "confirmed")).all()
        events, removed = [], []
        for fid, created in rows:
            if rnd.random() < 0.4:  # about a fifth of all findings: two fifths of the confirmed half
                sent = created + timedelta(hours=rnd.randrange(1, 48))
                events.append({"finding_id": fid, "state": "sent", "at": sent, "recorded_at": sent,
                               "channel": "webform"})
                if rnd.random() < 0.5:
                    gone = sent + timedelta(hours=rnd.randrange(1, 200))
                    events.append({"finding_id": fid, "state": "removed", "at": gone, "recorded_at": gone})
                    removed.append(fid)
        s.execute(insert(EnforcementEvent), events)
        sent_ids = {e["finding_id"] for e in events}
        for chunk in range(0, len(removed), 5000):
            s.execute(update(Finding).where(Finding.id.in_(removed[chunk:chunk + 5000]))
                      .values(enforcement_state="removed"))
        others = sorted(sent_ids - set(removed))
        for chunk in range(0, len(others), 5000):
            s.execute(update(Finding).where(Finding.id.in_(others[chunk:chunk + 5000])).values(enforcement_state="sent"))


def timed(fn, repeat: int) -> float:  # noqa: ANN001
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mamoru-bench-") as tmp:
        os.environ["MAMORU_HOME"] = str(Path(tmp) / "home")
        os.environ.pop("MAMORU_DATABASE_URL", None)
        from sqlalchemy import select

        from core.config import get_settings, load_settings
        from core.db import session_scope, upgrade
        from core.models import Finding
        from core.services.figures import figures

        get_settings.cache_clear()
        settings = load_settings()
        upgrade(settings)
        t = time.perf_counter()
        seed(settings, args.findings)
        print(f"seeded {args.findings:,} findings with notices and removals in {time.perf_counter() - t:.1f} s")
        with session_scope(settings) as s:
            yardstick = timed(lambda: s.execute(select(Finding.id, Finding.created_at, Finding.state,
                                                       Finding.enforcement_state)).all(), args.repeat)
            print(f"yardstick: fetch {args.findings:,} finding rows in one query: {yardstick * 1000:.0f} ms")
            for group in ("week", "platform", "character"):
                seconds = timed(lambda g=group: figures(s, g), args.repeat)
                total = figures(s, group)["total"]
                print(f"figures per {group:<9}: {seconds * 1000:6.0f} ms  ({seconds / yardstick:.1f}x the yardstick)"
                      f"  noticed {total['noticed']:,} removed {total['removed']:,} rate {total['removal_rate']}"
                      f" median {total['median_hours_to_removal']} h")


if __name__ == "__main__":
    main()
