"""The use cases live in core, which imports nothing of ours; the crawler's spiders serve exactly the
watchlist targets core's rule accepts."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.targets import KINDS, TARGETS

REPO = Path(__file__).resolve().parents[2]
OURS = ("crawler", "matcher", "workers", "reports", "mamoru", "bench", "tests")


def test_core_imports_nothing_of_ours():
    edges = []
    for path in sorted((REPO / "core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            edges += [f"{path.relative_to(REPO)} -> {n}" for n in names if n.split(".")[0] in OURS]
    assert not edges, edges


@pytest.mark.parametrize("platform", sorted(TARGETS))
def test_spiders_serve_what_core_accepts(platform):
    from crawler.spiders import spider_classes

    spider = spider_classes()[platform]
    served = {kind for kind in KINDS if hasattr(spider, f"start_{kind}")}
    assert served == set(TARGETS[platform].kinds) | TARGETS[platform].with_login
