"""`python -P -m workers.main ARGS`: the `celery` command for Mamoru's app, without imports from the
current folder.

`celery -A <module>:app` imports the app, its task modules and its loader with the current folder
put first on `sys.path` (celery.utils.imports.cwd_in_path), whatever `-P` says: a `workers/` folder where
the command runs would be executed. Here the app is imported first, from the installed packages, and
celery's current-folder imports are turned off before its command line runs.
"""

from __future__ import annotations

import contextlib
import sys


def main(argv: list[str] | None = None) -> int | None:
    import celery.utils.imports

    celery.utils.imports.cwd_in_path = contextlib.nullcontext  # celery adds the current folder: not here
    import workers.schedule  # noqa: F401  the task modules, imported before celery looks for them
    import workers.tasks  # noqa: F401
    from workers.celery import app

    return app.start(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
