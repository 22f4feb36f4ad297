"""The tree is the architecture: imports inside carerlib run one way and never in a circle.

Every import counts, including those inside functions and under ``TYPE_CHECKING``. Layers, lowest
first: ``errors`` -> ``data`` -> ``measures`` -> ``params`` -> ``pack`` / ``explorer`` -> ``cli``.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "carerlib"
LAYERS = {"errors": 0, "data": 1, "measures": 2, "params": 3, "pack": 4, "explorer": 4, "cli": 5,
          "__main__": 6}


def module_name(path: Path) -> str:
    parts = ("carerlib", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts).removesuffix(".__init__")


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            graph[name] |= {t for t in targets if t in modules and t not in (name, "carerlib")}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*stack[stack.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def test_no_import_circle():
    assert find_cycle(import_graph()) is None


def test_cycle_finder_finds_a_planted_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_imports_run_one_way():
    wrong = [f"{source} imports {target}"
             for source, targets in import_graph().items() for target in targets
             if layer(source) is not None and layer(target) is not None
             and layer(target) > layer(source)]
    assert not wrong, wrong


def test_measures_import_no_layout_or_tools():
    banned = ("plotly", "ipywidgets", "papermill", "nbconvert", "nbclient", "carerlib.pack",
              "carerlib.explorer", "carerlib.cli")
    for path in (PACKAGE / "measures").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                assert not name.startswith(banned), f"{path.name} imports {name}"
