"""The layers of the package, checked on the source (issue 16).

* No import circles among the modules of ``core/`` and ``data_sources/``.
* ``core/`` uses of ``data_sources/`` only its schemas and constants (no reader, no generator),
  and nothing of the front ends (``output/``, ``styles/``, the CLI, batch, QGIS, the demo).
* ``core/`` reads no files.
* No function in ``core/``, ``output/`` or ``data_sources/`` longer than 120 lines, and none
  outside ``processing/`` with more than 12 parameters.

The import graph is read from the source, not from a running interpreter: every relative
``from ... import ...`` counts, at the top of a module or inside a function (an import moved into
a function still ties the two modules; it only hides the circle until the function runs).
Importing ``pkg.sub`` also runs ``pkg/__init__.py``, so an import of ``core.indicators.registry``
counts as one of ``core.indicators`` as well (unless the importer is inside that package).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import wijkkracht

ROOT = Path(wijkkracht.__file__).resolve().parent
_SKIP = ("tests", "benchmarks", "scripts", "build", "docs", "examples", ".venv")

#: What ``core/`` may import of ``data_sources/``, with the reason: a module of
#: ``data_sources/`` that holds constants only may join.
CORE_MAY_USE_BECAUSE = {
    "data_sources.schema": "the schemas (columns, CRS, validation)",
    "data_sources.bundled": "the bundled tables, read once as constants of the package",
}
CORE_MAY_USE = frozenset(CORE_MAY_USE_BECAUSE)
#: What ``core/`` never imports: the front ends and the demo above it.
ABOVE_CORE = ("output", "styles", "cli", "batch", "processing", "plugin", "demo", "__main__")

MAX_LINES = 120
MAX_PARAMETERS = 12
#: Functions allowed to be longer than MAX_LINES: none (the allow-list of issue 16 is
#: empty; keep it so).
LONG_FUNCTIONS_BEING_SPLIT: frozenset[tuple[str, str]] = frozenset()
#: Calls that read a file (``open``, ``Path.read_text``, ``pandas.read_csv``, ``gpd.read_file``,
#: ``importlib.resources.files``, ...).
_READS = frozenset({"open", "read_text", "read_bytes", "read_csv", "read_file", "read_parquet",
                    "read_json", "read_excel", "read_feather", "read_table", "files", "load"})


def _python_files() -> list[Path]:
    # hidden folders (.venv, .cache, ...) are no part of it
    return sorted(p for p in ROOT.rglob("*.py")
                  if p.relative_to(ROOT).parts[0] not in _SKIP
                  and not p.relative_to(ROOT).parts[0].startswith("."))


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _import_graph() -> nx.DiGraph:
    """module -> module for every relative import (names relative to the package root); each
    edge keeps ``where`` (``file:line``) and ``parent`` (True for the implicit import of a
    package's ``__init__``)."""
    files = {_module(p): p for p in _python_files()}
    graph = nx.DiGraph()
    graph.add_nodes_from(m for m in files if m)

    def add(src: str, dst: str, where: str, parent: bool = False) -> None:
        if dst and dst != src and not graph.has_edge(src, dst):
            graph.add_edge(src, dst, where=where, parent=parent)

    for name, path in files.items():
        if not name:
            continue
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.level):
                continue
            base = package[:len(package) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            for alias in node.names:
                dst = f"{target}.{alias.name}" if f"{target}.{alias.name}" in files else target
                if dst not in files:
                    continue
                add(name, dst, where)
                parts = dst.split(".")
                for i in range(1, len(parts)):
                    parent = ".".join(parts[:i])
                    if parent in files and not name.startswith(parent + "."):
                        add(name, parent, where, parent=True)
    return graph


def _in(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_import_graph_sees_imports_inside_functions():
    graph = _import_graph()
    assert graph.has_edge("core.network", "core.segments")
    assert graph.has_edge("core.streets", "core.areas")  # inside named_streets
    assert graph.has_edge("core.areas", "core.indicators")  # the package of .indicators.registry
    assert graph.number_of_edges() > 200


def test_no_import_circles_in_core_and_data_sources():
    graph = _import_graph()
    sub = graph.subgraph(m for m in graph if _in(m, "core", "data_sources"))
    circles = []
    for scc in nx.strongly_connected_components(sub):
        if len(scc) > 1:
            edges = sorted(f"{a} -> {b} ({d['where']}{', package' if d['parent'] else ''})"
                           for a, b, d in sub.subgraph(scc).edges(data=True))
            circles.append(f"{sorted(scc)}: " + "; ".join(edges))
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_core_uses_only_the_schemas_of_data_sources():
    graph = _import_graph()
    bad = sorted(f"{a} -> {b} ({d['where']})" for a, b, d in graph.edges(data=True)
                 if _in(a, "core") and _in(b, "data_sources") and not d["parent"]
                 and b not in CORE_MAY_USE)
    assert not bad, ("core/ may import of data_sources/ only " + ", ".join(sorted(CORE_MAY_USE))
                     + "; the callers pass data in:\n" + "\n".join(bad))


#: The one import from core/ up to a front end, lazily inside a method: ``Result.explore``
#: returns the interactive map, as ``GeoDataFrame.explore`` does (issue 18).
ALLOWED_UP = {("core.result", "output.webmap"), ("core.result", "output")}  # (and its package)


def test_core_imports_no_front_end():
    graph = _import_graph()
    bad = sorted(f"{a} -> {b} ({d['where']})" for a, b, d in graph.edges(data=True)
                 if _in(a, "core") and _in(b, *ABOVE_CORE) and (a, b) not in ALLOWED_UP)
    assert not bad, "core/ imports a layer above it:\n" + "\n".join(bad)


def _functions(path: Path):
    """(qualified name, node) of every function in ``path``, nested ones included."""
    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield prefix + child.name, child
                yield from walk(child, prefix + child.name + ".")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, prefix + child.name + ".")
            else:
                yield from walk(child, prefix)
    yield from walk(ast.parse(path.read_text(encoding="utf-8")), "")


def test_core_reads_no_files():
    bad = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for name, fn in _functions(path):
            for node in ast.walk(fn):
                if isinstance(node, ast.Call):
                    f = node.func
                    called = f.id if isinstance(f, ast.Name) else \
                        f.attr if isinstance(f, ast.Attribute) else ""
                    if called in _READS:
                        bad.append(f"{rel}:{node.lineno} {name} calls {called}")
    assert not bad, "core/ reads files; the callers (data_sources/) should:\n" + "\n".join(bad)


def test_no_long_functions():
    long = []
    for top in ("core", "output", "data_sources"):
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for name, fn in _functions(path):
                lines = fn.end_lineno - fn.lineno + 1
                if lines > MAX_LINES and (rel, name) not in LONG_FUNCTIONS_BEING_SPLIT:
                    long.append(f"{rel}:{fn.lineno} {name}: {lines} lines")
    assert not long, f"functions longer than {MAX_LINES} lines:\n" + "\n".join(long)


def test_no_function_outside_processing_takes_more_than_twelve_parameters():
    many = []
    for path in _python_files():
        rel = path.relative_to(ROOT)
        if rel.parts[0] in ("processing",):
            continue
        for name, fn in _functions(path):
            args = fn.args
            names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
            n = len([a for a in names if a not in ("self", "cls")])
            if n > MAX_PARAMETERS:
                many.append(f"{rel.as_posix()}:{fn.lineno} {name}: {n} parameters")
    assert not many, f"more than {MAX_PARAMETERS} parameters:\n" + "\n".join(many)
