"""The module structure docs/architecture.md describes, checked on the source.

Dependencies point one way, ``core`` ← ``areas`` ← ``accounts`` ← ``people`` ← domain apps ←
``reports``, and no two files import each other (counting imports inside functions and under
``TYPE_CHECKING``: a circle hidden in a function is still a circle).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "yiyang"
LAYERS = {"core": 0, "areas": 1, "accounts": 2, "people": 3, "reports": 5}  # other apps: domain, 4
# The testing kit builds the standing areas and users for every app's tests: it is test support,
# imported by tests only, and reaches up to accounts and areas on purpose (inside its functions).
TEST_SUPPORT = {"yiyang.core.testing", "yiyang.core.testing_browser"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if "migrations" in parts or "tests" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Modules of the project that ``name`` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if target in modules:
                    found.add(target)
                elif base in modules:
                    found.add(base)
    return found - {name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _layer(module: str) -> int:
    return LAYERS.get(module.split(".")[1], 4)


def test_dependencies_point_one_way() -> None:
    graph = _graph()
    upward = sorted(
        f"{source} imports {target}"
        for source, targets in graph.items()
        if source not in TEST_SUPPORT
        for target in targets
        if _layer(target) > _layer(source)
    )
    assert upward == []


def test_no_two_files_import_each_other() -> None:
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert circles == []


def test_the_checks_see_a_circle_and_an_upward_import(tmp_path: Path) -> None:
    """The walk resolves relative imports and finds imports inside functions."""
    package = tmp_path / "yiyang" / "core"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from . import b\n")
    (package / "b.py").write_text("from yiyang.core.a import f\nimport yiyang.people.models\n")
    modules = {
        "yiyang.core.a": package / "a.py",
        "yiyang.core.b": package / "b.py",
        "yiyang.people.models": package / "b.py",
    }
    assert _imports("yiyang.core.a", modules["yiyang.core.a"], modules) == {"yiyang.core.b"}
    assert _imports("yiyang.core.b", modules["yiyang.core.b"], modules) == {
        "yiyang.core.a",
        "yiyang.people.models",
    }
    assert _layer("yiyang.people.models") > _layer("yiyang.core.b")
