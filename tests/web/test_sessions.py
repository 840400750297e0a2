"""Server-side sessions: random tokens, files named by hash, expiry, purge."""

from __future__ import annotations

import time

from reports.web.sessions import IDLE_SECONDS, FileSessionStore, csrf_ok


def test_sessions_round_trip_and_expire(tmp_path):
    store = FileSessionStore(tmp_path / "s")
    sess = store.new(user_id=7)
    assert sess.token not in "".join(p.name for p in (tmp_path / "s").iterdir())  # files named by hash only
    loaded = store.load(sess.token)
    assert loaded.user_id == 7 and csrf_ok(loaded, sess.csrf) and not csrf_ok(loaded, "x") and not csrf_ok(None, "x")
    assert store.load("not-a-token") is None and store.load(None) is None

    loaded.seen = time.time() - IDLE_SECONDS - 1
    store.save(loaded)  # save() refreshes `seen`; write an old one by hand
    path = next((tmp_path / "s").glob("*.json"))
    path.write_text(path.read_text().replace(f'"seen": {loaded.seen}', f'"seen": {time.time() - IDLE_SECONDS - 5}'))
    assert store.load(sess.token) is None and not path.exists()


def test_purge_drops_stale_sessions(tmp_path):
    import json

    store = FileSessionStore(tmp_path / "s")
    fresh, stale = store.new(user_id=1), store.new(user_id=2)
    p = store._path(stale.token)
    data = json.loads(p.read_text())
    data["seen"] = time.time() - IDLE_SECONDS - 5
    p.write_text(json.dumps(data))
    assert store.purge() == 1
    assert store.load(fresh.token) is not None and store.load(stale.token) is None
