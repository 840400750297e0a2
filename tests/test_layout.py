"""The import picture points one way (core <- stages <- top) and has no loops: scripts/import_edges.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("import_edges", ROOT / "scripts" / "import_edges.py")
import_edges = importlib.util.module_from_spec(spec)
spec.loader.exec_module(import_edges)


def test_the_tree_points_one_way_without_loops() -> None:
    counts = import_edges.edges()
    assert ("mamoru", "core") in counts  # the script sees real edges
    assert import_edges.wrong_way(counts) == []
    assert import_edges.import_loops(import_edges.module_graph()) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_back_arrow_and_a_loop_are_found(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "core/__init__.py": "",
        "core/models.py": "from workers.tasks import x\n",           # core reaching up
        "workers/__init__.py": "",
        "workers/tasks.py": "import core\n",
        "reports/__init__.py": "",
        "reports/web/__init__.py": "",
        "reports/web/app.py": "def f():\n    from reports.web import pages\n",
        "reports/web/pages.py": "from reports.web.app import f\n",   # a loop through a lazy import
    })
    counts = import_edges.edges(root)
    assert import_edges.wrong_way(counts) == [("core", "workers")]
    assert import_edges.import_loops(import_edges.module_graph(root)) == [["reports.web.app", "reports.web.pages"]]
