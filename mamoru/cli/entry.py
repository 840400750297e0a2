"""The `mamoru` console script: checks that Mamoru's packages are this installation's, then runs the CLI.

Mamoru's installed import names are as generic as the folders the product card asks for (SECURITY.md,
"Import names"). Before any of them is imported, each must resolve to this installation, not to another
distribution's package or a folder on PYTHONPATH; `importlib.util.find_spec` locates a package without
running it. Standard library only, so that nothing of a shadowing package runs first.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

OWN_PACKAGES = ("core", "crawler", "matcher", "workers", "reports")
ROOT = Path(__file__).resolve().parents[2]


def shadowed_packages() -> list[str]:
    """Each of Mamoru's packages that resolves to somewhere else than this installation, with where."""
    found = []
    for name in OWN_PACKAGES:
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin).resolve() if spec and spec.origin else None
        if origin is None or origin.parent.parent != ROOT:
            where = origin.parent if origin else (list(spec.submodule_search_locations or []) if spec else "nowhere")
            found.append(f"{name} from {where}")
    return found


def main() -> None:
    shadowed = shadowed_packages()
    if shadowed:
        sys.exit(f"mamoru: refusing to run: {'; '.join(shadowed)} instead of this installation ({ROOT}); "
                 "another package or PYTHONPATH shadows Mamoru's")
    from mamoru.cli.main import main as run

    run()
