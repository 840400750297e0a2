#!/usr/bin/env bash
# Second command of the README: set up, start a throw-away PostgreSQL on 127.0.0.1, run every test.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k demo`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
pgdir=$(mktemp -d /tmp/mamoru-pg.XXXXXX)
cleanup() {
  [ -n "${pgbin:-}" ] && [ -f "$pgdir/data/postmaster.pid" ] && \
    su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdir/data -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
if [ -n "$pgbin" ] && [ -z "${MAMORU_TEST_POSTGRES_URL:-}" ]; then
  port=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
  chown postgres "$pgdir"
  su postgres -s /bin/sh -c "$pgbin/initdb -D $pgdir/data -A trust -U mamoru -E UTF8 >/dev/null"
  su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdir/data -w -l $pgdir/log \
    -o '-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off' start >/dev/null"
  "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U mamoru mamoru
  export MAMORU_TEST_POSTGRES_URL="postgresql+psycopg://mamoru@127.0.0.1:$port/mamoru"
  echo "test: PostgreSQL on 127.0.0.1:$port"
fi
export PYTHONDONTWRITEBYTECODE=1
export MAMORU_CI=1  # tests/conftest.py: a skip for a missing part (PostgreSQL, Redis, Chromium, ffmpeg, documents) fails
.venv/bin/python -m pytest -ra "$@"
