"""The shape of the source tree: no import circles, few modules at the top of the
package, no overlong files.

The import graph is read from the source (the AST), not from a running interpreter,
so that it sees every import: at module level, inside functions, and under
``if TYPE_CHECKING:``, absolute or relative. An edge goes from a module to the module
an import names:

* ``import imssim.runs.api`` and ``from imssim.runs.api import run`` import
  ``imssim.runs.api``;
* ``from imssim.present.plots import sensitivity``, where ``sensitivity`` is a
  submodule, imports that submodule;
* ``import imssim.config`` and ``from imssim.config import Config`` import the
  package, that is its ``__init__``.

The parent packages that Python initialises on the way (``imssim`` and
``imssim.runs`` for ``imssim.runs.api``) are not counted: a package's ``__init__``
that re-exports its modules would otherwise close a circle with each of them.
"""

from __future__ import annotations

import ast
from collections import deque
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "imssim"
MAX_LINES = 600
MAX_TOP_MODULES = 8


@dataclass(frozen=True)
class Edge:
    """One import: the importing module, the module imported, and where it stands."""

    source: str
    target: str
    line: int


def module_name(path: Path, src: Path = SRC) -> str:
    """The dotted name of the module in `path` (a package's ``__init__`` is the package)."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules(src: Path = SRC) -> dict[str, Path]:
    """Every module under `src`, by dotted name."""
    return {module_name(p, src): p for p in sorted(src.rglob("*.py"))}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module `name` refers to: itself, or its nearest enclosing package that is
    one of `modules` (for a name that is not a module), or None outside the tree."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _base_of(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute name of the module a ``from ... import`` reads from."""
    if not node.level:
        return node.module or ""
    package = module if is_package else module.rpartition(".")[0]
    parts = package.split(".")
    anchor = parts[: len(parts) - (node.level - 1)]
    return ".".join([*anchor, node.module] if node.module else anchor)


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[Edge]:
    """The imports of one module that name modules of the tree (every one in the file:
    at module level, in functions, under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    edges = []
    for node in ast.walk(tree):
        targets: list[str | None] = []
        if isinstance(node, ast.Import):
            targets = [_resolve(alias.name, modules) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _base_of(node, module, is_package)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.append(sub if sub in modules else _resolve(base, modules))
        edges += [Edge(module, t, node.lineno) for t in targets if t and t != module]
    return edges


def import_graph(src: Path = SRC) -> dict[str, list[Edge]]:
    """Each module of the tree with its imports of other modules of the tree."""
    modules = source_modules(src)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def circles(graph: dict[str, list[Edge]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted,
    the list sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for edge in graph.get(v, []):
            w = edge.target
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def one_cycle(graph: dict[str, list[Edge]], component: list[str]) -> list[Edge]:
    """A shortest circle through the first module of `component`, as the imports that
    close it (to say where to cut)."""
    inside = set(component)
    start = component[0]
    came: dict[str, Edge] = {}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for edge in graph[v]:
            if edge.target not in inside or edge.target in came:
                continue
            came[edge.target] = edge
            if edge.target == start:
                path = [edge]
                while path[0].source != start:
                    path.insert(0, came[path[0].source])
                return path
            queue.append(edge.target)
    raise AssertionError(f"no circle through {start}")  # not a strongly connected set


def describe(graph: dict[str, list[Edge]], component: list[str]) -> str:
    """One circle, its modules and a path that closes it, with file lines."""
    path = " -> ".join(f"{e.source} (line {e.line})" for e in one_cycle(graph, component))
    return f"{', '.join(component)}: {path} -> {component[0]}"


# ----------------------------------------------------------------------------- tests


def test_the_import_graph_reads_every_kind_of_import(tmp_path):
    """The graph sees imports at module level, in functions, under TYPE_CHECKING,
    relative ones, submodules named in ``from``, and packages (their ``__init__``)."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "from pkg.a import A\n",
        "a.py": "A = 1\n",
        "b.py": "def f():\n    from . import c\n",
        "c.py": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .sub.d import D\n"),
        "sub/__init__.py": "",
        "sub/d.py": "import pkg.sub\nfrom ..b import f\nfrom pkg import a\n",
        "sub/e.py": "import os\nimport pkg.sub.nothing\nfrom .. import b as bee\n",
    }
    for name, text in files.items():
        (pkg / name).write_text(text)
    graph = import_graph(tmp_path)
    targets = {m: sorted({e.target for e in edges}) for m, edges in graph.items()}
    assert targets == {
        "pkg": ["pkg.a"],
        "pkg.a": [],
        "pkg.b": ["pkg.c"],
        "pkg.c": ["pkg.sub.d"],
        "pkg.sub": [],
        "pkg.sub.d": ["pkg.a", "pkg.b", "pkg.sub"],
        "pkg.sub.e": ["pkg.b", "pkg.sub"],
    }
    assert circles(graph) == [["pkg.b", "pkg.c", "pkg.sub.d"]]
    text = describe(graph, ["pkg.b", "pkg.c", "pkg.sub.d"])
    assert text.startswith("pkg.b, pkg.c, pkg.sub.d: pkg.b (line 2) -> pkg.c (line 3)")


def test_no_import_circles():
    graph = import_graph()
    assert "imssim.runs.api" in graph and graph["imssim"]  # the tree was read
    found = [describe(graph, c) for c in circles(graph)]
    assert not found, "import circles:\n" + "\n".join(found)


def test_the_package_holds_few_modules_beside_its_packages():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, f"src/imssim/ holds {len(top)} modules: {top}"


def test_no_python_file_is_over_600_lines():
    files = sorted([*SRC.rglob("*.py"), *(ROOT / "experiments").rglob("*.py")])
    assert files
    lines = {p.relative_to(ROOT).as_posix(): len(p.read_text().splitlines()) for p in files}
    long = [f"{name} ({n})" for name, n in lines.items() if n > MAX_LINES]
    assert not long, f"over {MAX_LINES} lines: " + ", ".join(long)
