"""Print every import edge between Mamoru's top-level folders, and the ones that point the wrong way.

    python scripts/import_edges.py          # one line per edge: "from -> to  (n imports)", then any import
                                            # loop between modules; exit 1 on a wrong edge or a loop

The layers (ARCHITECTURE.md): core imports nothing of ours; the stages (crawler, matcher, workers, reports)
import core, matcher, and workers may import the other stages; the top layer (mamoru) imports anything and
nothing imports it; bench and tests are harnesses that nothing of the product imports.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("core", "crawler", "matcher", "workers", "reports", "mamoru")
FOLDERS = PRODUCT + ("bench", "tests")
# what each product folder may import besides itself
ALLOWED = {
    "core": set(),
    "matcher": set(),
    "crawler": {"core"},
    "reports": {"core", "matcher"},
    "workers": {"core", "matcher", "crawler", "reports"},
    "mamoru": {"core", "matcher", "crawler", "reports", "workers"},
    "bench": set(PRODUCT) | {"bench", "tests"},
    "tests": set(FOLDERS),
}


def imported_tops(path: Path) -> list[str]:
    """The top-level names a Python file imports (absolute imports only; relative ones stay inside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    tops = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            tops += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.append(node.module.split(".")[0])
    return tops


def edges(root: Path = ROOT) -> Counter:
    """(from folder, to folder) -> number of import statements."""
    counts: Counter = Counter()
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            for top in imported_tops(path):
                if top in FOLDERS and top != folder:
                    counts[(folder, top)] += 1
    return counts


def module_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """module -> the product modules it imports (anywhere in the file, lazy imports included)."""
    modules = {}
    for folder in PRODUCT:
        for path in (root / folder).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found = []
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            targets |= {f for f in found if f in modules and f != name}
        graph[name] = targets
    return graph


def import_loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan): each is an import loop.
    A package's __init__ importing its own submodules is not a loop (Python's usual facade)."""
    graph = {m: {t for t in ts if not (t.startswith(m + ".") or m.startswith(t + "."))} for m, ts in graph.items()}
    index, low, stack, on, loops, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                loops.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return loops


def wrong_way(counts: Counter) -> list[tuple[str, str]]:
    return sorted(edge for edge in counts if edge[1] not in ALLOWED[edge[0]])


def main() -> int:
    counts = edges()
    bad = set(wrong_way(counts))
    for (src, dst), n in sorted(counts.items()):
        print(f"{src:8} -> {dst:8} ({n} imports){'   WRONG WAY' if (src, dst) in bad else ''}")
    loops = import_loops(module_graph())
    for loop in loops:
        print("import loop: " + " <-> ".join(loop))
    print(f"{len(counts)} edges, {len(bad)} pointing the wrong way, {len(loops)} import loops")
    return 1 if bad or loops else 0


if __name__ == "__main__":
    sys.exit(main())
