"""The import graph between dedupe's subpackages and top-level modules has no cycle (imports
inside ``if TYPE_CHECKING:`` are left out: they never run)."""

import ast
from pathlib import Path

import dedupe

ROOT = Path(dedupe.__file__).parent


def _node(module: str) -> str:
    """``dedupe.near.lsh`` -> ``near``; ``dedupe.config`` -> ``config``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "dedupe"


def import_graph() -> dict:
    edges: dict = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"
            for n in ast.walk(node)
        }
        source = _node(".".join(parts))
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    names = [node.module] if node.module else [a.name for a in node.names]
                    targets = [".".join(base + [n]) for n in names]
                else:
                    targets = [node.module or ""]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for target in targets:
                if target.startswith("dedupe.") and source != "dedupe":
                    dest = _node(target)
                    if dest != source and ((ROOT / dest).is_dir() or (ROOT / f"{dest}.py").exists()):
                        edges.setdefault(source, set()).add(dest)
    return edges


def test_no_cycle_between_subpackages():
    edges = import_graph()
    assert "near" in edges and "cli" in edges  # the graph was built
    state: dict = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            assert state.get(nxt) != "open", f"import cycle: {' -> '.join(path + [nxt])}"
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
