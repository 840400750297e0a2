#!/usr/bin/env bash
# First command of the README: set up, then run the whole monitoring job against the demo platform.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/mamoru demo "$@"
