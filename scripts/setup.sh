#!/usr/bin/env bash
# Set up Mamoru on a fresh Debian machine with Python >= 3.11, as root (or with sudo):
# system packages via apt-get when missing, a virtualenv in .venv, the project installed into it.
#   bash scripts/setup.sh          what `mamoru demo` and `mamoru up` need (extras web and demo)
#   bash scripts/setup.sh --test   plus what the test suite needs (PostgreSQL, Chromium, fonts, poppler)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(redis-server ffmpeg fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0)
extra=web,demo
if [ "${1:-}" = "--test" ]; then
  packages+=(postgresql chromium poppler-utils)
  extra=test
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating virtualenv .venv"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.mamoru-$extra-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages (mamoru[$extra])"
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v -i "warning" || true
  .venv/bin/python -m pip install -q -e ".[$extra]" 2>&1 | grep -v -i "warning" || true
  .venv/bin/python -c "import mamoru, celery, scrapy, yt_dlp, av, cv2, faiss" # fails loudly if the install did not
  touch "$stamp"
fi
echo "setup: ready (.venv/bin/mamoru)"
