"""The package's shape: no import cycles, and no module or function growing past its size.

The rules (docs/architecture.md): no module over 400 lines, no function over 80, no import
cycles between the package's modules. Every module and function keeps them: the exceptions
written before the rules came in were split up (issue 13), and none may join.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import REPO

PACKAGE = REPO / "station_constructs"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``name`` imports anywhere: in functions and type-only too.

    An import under ``if TYPE_CHECKING:`` counts: a module that needs another's types to be
    checked depends on it as much as one that needs it to run (a type-only back reference
    is the cycle it hides).
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in known else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in known and m != name}


#: Type-only cycles of modules being reworked in issue 24 by their owners (the gateway's
#: emitter takes the constructs; Litestream's objects take the backup): to be emptied.
KNOWN_TYPE_ONLY_CYCLES = [
    ["station_constructs._litestream_objects", "station_constructs.litestream"],
]


def cycles_in(graph: dict[str, set[str]]) -> list[list[str]]:
    """The cycles a depth-first walk of ``graph`` finds (each from its first module)."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                walk(target)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name)
    return cycles


def test_no_import_cycles() -> None:
    table = modules()
    known = set(table)
    graph = {name: imports_of(name, path, known) for name, path in table.items()}
    # A package's __init__ re-exporting its modules is not a cycle with them.
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(f"{m}.")}
    for first, then in KNOWN_TYPE_ONLY_CYCLES:
        graph[first].discard(then)
    assert cycles_in(graph) == []


def test_the_cycle_check_sees_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def f():\n    from .b import g\n")
    (tmp_path / "b.py").write_text("from .a import f\n")
    known = {"pkg.a", "pkg.b"}
    assert imports_of("pkg.a", tmp_path / "a.py", known) == {"pkg.b"}
    assert imports_of("pkg.b", tmp_path / "b.py", known) == {"pkg.a"}
    assert cycles_in({"pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}}) == [["pkg.a", "pkg.b", "pkg.a"]]


def test_the_cycle_check_sees_a_type_only_cycle(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from .b import g\n")
    (tmp_path / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import A\n"
    )
    known = {"pkg.a", "pkg.b"}
    assert imports_of("pkg.b", tmp_path / "b.py", known) == {"pkg.a"}


def test_each_known_type_only_cycle_still_exists() -> None:
    """When an owner removes one, its entry goes too (the list only shrinks)."""
    table = modules()
    for first, then in KNOWN_TYPE_ONLY_CYCLES:
        assert then in imports_of(first, table[first], set(table)), (first, then)


def test_no_module_is_over_400_lines() -> None:
    too_long = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        key = str(path.relative_to(PACKAGE))
        lines = path.read_text().count("\n")
        if lines > MAX_MODULE_LINES:
            too_long[key] = lines
    assert too_long == {}


def test_no_function_is_over_80_lines() -> None:
    too_long = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        key = str(path.relative_to(PACKAGE))
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    too_long[f"{key}:{node.name}"] = lines
    assert too_long == {}


def test_station_input_has_exactly_the_keyword_arguments_of_station_deployment() -> None:
    """``StationDeployment.__init__`` hands ``locals()`` to ``StationInput.of``: one field
    per keyword argument, no more, no fewer (a missing field would drop an argument), except
    that each union argument is replaced by the flat fields ``FLAT_FIELDS`` names for it."""
    import dataclasses
    import inspect

    from station_constructs import StationDeployment
    from station_constructs._settings.input import FLAT_FIELDS, StationInput

    parameters = inspect.signature(StationDeployment.__init__).parameters.values()
    keywords = [p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY]
    unions = list(FLAT_FIELDS)
    assert set(unions) <= set(keywords)
    flat = [f for fields in FLAT_FIELDS.values() for f in fields]
    expected = {k for k in keywords if k not in unions} | set(flat)
    assert sorted(f.name for f in dataclasses.fields(StationInput)) == sorted(expected)


def test_a_former_keyword_is_refused_with_its_new_spelling() -> None:
    from station_constructs import StationConfigError
    from station_constructs._errors import _Guard
    from station_constructs._renamed import Former, refuse_former

    former = {"old_name": Former(now="new_name=Thing.of()")}
    with pytest.raises(StationConfigError) as caught:
        refuse_former(_Guard("X"), {"old_name": 1}, former, ["new_name"])
    assert caught.value.field == "old_name"
    assert "new_name=Thing.of()" in caught.value.fix
    with pytest.raises(StationConfigError) as caught:
        refuse_former(_Guard("X"), {"new_nme": 1}, former, ["new_name", "other"])
    assert "new_name" in caught.value.fix
    refuse_former(_Guard("X"), {}, former, ["new_name"])
