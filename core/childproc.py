"""How Mamoru starts a Python child process: never with the current folder on its import path.

`python -m X` puts the current folder first on `sys.path`, so a `reports/` or `workers/` folder where the
command runs would be imported (and its code run) instead of Mamoru's. Children run with `-P` and
PYTHONSAFEPATH=1 (Python 3.11+), which their own children inherit.
"""

from __future__ import annotations

import os
import sys

SAFE_PATH_ENV = {"PYTHONSAFEPATH": "1"}


def python_module(module: str, *args: str) -> list[str]:
    """The command line running `python -m MODULE ARGS` with a safe import path."""
    return [sys.executable, "-P", "-m", module, *args]


def child_environ(env: dict[str, str] | None = None) -> dict[str, str]:
    """ENV (default: this process's environment) with the safe-path setting a child and its children keep."""
    return {**(os.environ if env is None else env), **SAFE_PATH_ENV}
