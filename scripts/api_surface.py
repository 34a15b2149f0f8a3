"""The package's public surface, measured: what a user can import, and what it costs.

    python scripts/api_surface.py                  # this checkout
    python scripts/api_surface.py --repo ../old    # another checkout (e.g. a worktree of main)
    python scripts/api_surface.py --timing         # also import time and a default app's synth
    python scripts/api_surface.py --timing --before ../old   # both checkouts, taking turns
    python scripts/api_surface.py --json           # the same numbers as JSON

Measured (issue 24's "before/after" numbers):

- public-looking modules: every module of ``station_constructs`` with no path part starting
  with ``_`` (the package itself counts), and the names each exports (its ``__all__``, else
  its globals not starting with ``_``, imported modules left out);
- the names ``station_constructs`` exports;
- ``StationDeployment``'s keyword arguments, its public attributes (a default Station is
  built to read them) and the attributes whose value is of a private class (defined in the
  package, exported by no public module);
- lines of the library (without the generated CRD bindings) and of the tests;
- import cycles between the package's modules, imports inside functions and imports for type
  checking only (``if TYPE_CHECKING:``) included: the cycles a depth-first walk finds (one per
  back edge, as ``tests/test_structure.py`` reports them) and the modules caught in them;
- with ``--timing``: ``python -X importtime -c "import station_constructs"`` (the package's
  cumulative import time and how many of its modules load, the CRD bindings counted apart) and
  the wall time of the default app (``main.py``'s ``StationDeployment`` and ``next_steps``),
  medians of fresh processes.

``tests/test_structure.py`` uses :func:`public_modules`, :func:`exports` and
:func:`documentation` to check that every public name is documented and listed in
``docs/architecture.md``'s public names.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "station_constructs"
BINDINGS = f"{PACKAGE}._imports"


def module_files(repo: Path = REPO) -> dict[str, Path]:
    """Dotted name -> file of every module of the package (the CRD bindings left out)."""
    found = {}
    for path in sorted((repo / PACKAGE).rglob("*.py")):
        parts = path.relative_to(repo).with_suffix("").parts
        if "_imports" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def is_public(dotted: str) -> bool:
    """A module users may import: no part of its path starts with ``_``."""
    return not any(part.startswith("_") for part in dotted.split(".")[1:])


def public_modules(repo: Path = REPO) -> list[str]:
    """The public-looking modules, the package first."""
    return [name for name in module_files(repo) if is_public(name)]


def exports(module: types.ModuleType) -> list[str]:
    """What ``module`` exports: its ``__all__``, else its globals not starting with ``_``."""
    declared = getattr(module, "__all__", None)
    if declared is not None:
        return list(declared)
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"  # from __future__ import annotations
    ]


def surface(repo: Path = REPO) -> dict[str, list[str]]:
    """Public module -> the names it exports."""
    return {name: exports(importlib.import_module(name)) for name in public_modules(repo)}


# --------------------------------------------------------------------------- documentation
def _comment_above(lines: list[str], line: int) -> str:
    """The ``#:`` comment block right above 1-based ``line``."""
    found: list[str] = []
    index = line - 2
    while index >= 0 and lines[index].lstrip().startswith("#:"):
        found.insert(0, lines[index].lstrip()[2:].strip())
        index -= 1
    return " ".join(found)


def _assignments(path: Path) -> Iterator[tuple[str, str]]:
    """(name, documentation) of each module-level assignment of ``path``.

    The documentation is the ``#:`` comment above the assignment, or the string right after it.
    """
    text = path.read_text()
    lines = text.splitlines()
    body = ast.parse(text).body
    for index, node in enumerate(body):
        if isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets = [node.target.id]
        else:
            continue
        doc = _comment_above(lines, node.lineno)
        after = body[index + 1] if index + 1 < len(body) else None
        if not doc and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
            doc = str(after.value.value)
        for target in targets:
            yield target, doc


def constant_docs(repo: Path = REPO) -> dict[str, str]:
    """Name -> documentation of every module-level constant the package assigns."""
    found: dict[str, str] = {}
    for path in module_files(repo).values():
        for name, doc in _assignments(path):
            if doc or name not in found:
                found[name] = doc
    return found


def documentation(value: object, name: str, constants: dict[str, str]) -> str:
    """The first line of what documents ``name``: a docstring, or a constant's ``#:`` comment."""
    if inspect.isclass(value) or inspect.isroutine(value) or isinstance(value, types.ModuleType):
        doc = inspect.getdoc(value) or ""
    else:
        doc = constants.get(name, "")
    return doc.strip().splitlines()[0] if doc.strip() else ""


def private_classes(table: dict[str, list[str]]) -> set[type]:
    """Classes defined in the package and exported by no public module."""
    public = {
        id(getattr(sys.modules[module], name)) for module, names in table.items() for name in names
    }
    found = set()
    for name, module in list(sys.modules.items()):
        if not name.startswith(PACKAGE) or name.startswith(BINDINGS) or module is None:
            continue
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and value.__module__.startswith(PACKAGE)
                and id(value) not in public
            ):
                found.add(value)
    return found


# ---------------------------------------------------------------------- StationDeployment
def _classes_of(value: object) -> Iterator[type]:
    if isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from _classes_of(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _classes_of(key)
            yield from _classes_of(item)
    else:
        yield type(value)


def station_deployment(table: dict[str, list[str]]) -> dict[str, Any]:
    """``StationDeployment``'s keyword arguments, public attributes and private-typed ones."""
    import cdk8s

    station_module = importlib.import_module(PACKAGE)
    cls = station_module.StationDeployment
    keywords = [
        p.name
        for p in inspect.signature(cls.__init__).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    app = cdk8s.App(outdir=tempfile.mkdtemp())
    station = cls(cdk8s.Chart(app, "station"), "station")
    own = [k for k in type(station).__mro__ if k.__module__.startswith(PACKAGE)]
    names = {n for n in vars(station) if not n.startswith("_")}
    for klass in own:
        for name, member in vars(klass).items():
            if not name.startswith("_") and not inspect.isfunction(member):
                names.add(name)
    methods = sorted(
        {
            name
            for klass in own
            for name, member in vars(klass).items()
            if not name.startswith("_") and inspect.isfunction(member)
        }
    )
    hidden = private_classes(table)
    private_typed = {}
    for name in sorted(names):
        kinds = {k for k in _classes_of(getattr(station, name)) if k in hidden}
        if kinds:
            private_typed[name] = sorted(f"{k.__module__}.{k.__qualname__}" for k in kinds)
    return {
        "keyword_arguments": keywords,
        "public_attributes": sorted(names),
        "public_methods": methods,
        "private_typed_attributes": private_typed,
    }


# ------------------------------------------------------------------------------- lines
def lines_of(paths: list[Path]) -> int:
    """Lines of ``paths`` together."""
    return sum(p.read_text().count("\n") for p in paths)


def lines(repo: Path = REPO) -> dict[str, int]:
    """Lines of the library (without the generated bindings) and of the tests."""
    return {
        "library": lines_of(list(module_files(repo).values())),
        "tests": lines_of(sorted((repo / "tests").rglob("*.py"))),
    }


# ------------------------------------------------------------------------- import cycles
def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every package module ``name`` imports: at the top, in functions, for type checking."""
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


def import_graph(repo: Path = REPO) -> dict[str, set[str]]:
    """Module -> the package modules it imports.

    A module importing a package it is part of (``from . import x``) is not counted.
    """
    table = module_files(repo)
    known = set(table)
    graph = {name: imports_of(name, path, known) for name, path in table.items()}
    return {
        name: {m for m in targets if not name.startswith(f"{m}.")}
        for name, targets in graph.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per back edge of a depth-first walk in sorted order."""
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                walk(target)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name)
    return found


# ------------------------------------------------------------------------------ timing
DEFAULT_IMPORTS = f"from {PACKAGE} import StationDeployment, next_steps"
DEFAULT_APP = """
import json, sys, tempfile
sys.path.insert(0, {repo!r})
import cdk8s
from station_constructs import StationDeployment, next_steps
app = cdk8s.App(outdir=tempfile.mkdtemp())
StationDeployment(cdk8s.Chart(app, "station"), "station")
app.synth()
next_steps(app)
ours = [m for m in sys.modules if m.startswith("station_constructs")]
bindings = [m for m in ours if m.startswith("station_constructs._imports")]
counts = {{"modules_loaded": len(ours) - len(bindings), "binding_modules_loaded": len(bindings)}}
print(json.dumps(counts))
"""


def _environment(repo: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(repo)
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    return env


def _imports_once(repo: Path, statement: str) -> dict[str, int]:
    """One ``python -X importtime -c STATEMENT``.

    The package's cumulative import time in µs (cdk8s and jsii included when it imports
    them), its own modules' time, and how many of its modules and CRD binding modules loaded.
    """
    command = [sys.executable, "-X", "importtime", "-c", statement]
    done = subprocess.run(
        command, capture_output=True, text=True, check=True, cwd=repo, env=_environment(repo)
    )
    rows = [
        line.removeprefix("import time:").split("|")
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "self [us]" not in line
    ]
    ours = [row for row in rows if row[2].strip().startswith(PACKAGE)]
    modules = len([row for row in ours if not row[2].strip().startswith(BINDINGS)])
    return {
        # Imported at the top (not by another module): the package, and what it loads later.
        "cumulative_us": sum(int(row[1]) for row in ours if not row[2].startswith("   ")),
        "own_us": sum(int(row[0]) for row in ours),
        "modules_loaded": modules,
        "binding_modules_loaded": len(ours) - modules,
    }


def _app_once(repo: Path) -> dict[str, float]:
    """One run of the default app in a fresh process: wall seconds, modules loaded."""
    command = [sys.executable, "-c", DEFAULT_APP.format(repo=str(repo))]
    start = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, check=True, cwd=repo, env=_environment(repo)
    )
    seconds = time.perf_counter() - start
    return {"seconds": seconds, **json.loads(done.stdout.strip().splitlines()[-1])}


def _median(samples: list[dict[str, Any]]) -> dict[str, float]:
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def timings(repos: list[Path], runs: int) -> list[dict[str, Any]]:
    """Import and default-app timings of each checkout, medians of ``runs``.

    The checkouts take turns in every round, so a machine busy for a while slows them alike.
    Each program runs once unmeasured first (bytecode caches, as after an install).
    """
    steps: dict[str, Any] = {
        "import": lambda repo: _imports_once(repo, f"import {PACKAGE}"),
        "default_app_imports": lambda repo: _imports_once(repo, DEFAULT_IMPORTS),
        "default_app": _app_once,
    }
    samples: list[dict[str, list[dict[str, Any]]]] = [{k: [] for k in steps} for _ in repos]
    for repo in repos:
        for step in steps.values():
            step(repo)
    for _ in range(runs):
        for index, repo in enumerate(repos):
            for key, step in steps.items():
                samples[index][key].append(step(repo))
    return [
        {key: _median(taken) for key, taken in per_repo.items()}
        | {"all_modules": len(module_files(repo))}
        for repo, per_repo in zip(repos, samples, strict=True)
    ]


# -------------------------------------------------------------------------------- report
def measure(repo: Path) -> dict[str, Any]:
    """Every number above but the timings (imports ``repo``'s package into this process)."""
    table = surface(repo)
    constants = constant_docs(repo)
    root = importlib.import_module(PACKAGE)
    undocumented = [
        f"{module}.{name}"
        for module, names in table.items()
        for name in names
        if not documentation(getattr(sys.modules[module], name), name, constants)
    ]
    graph = import_graph(repo)
    found = cycles(graph)
    return {
        "public_modules": len(table),
        "public_names": sum(len(names) for names in table.values()),
        "distinct_public_names": len({n for names in table.values() for n in names}),
        "root_names": len(exports(root)),
        "undocumented": undocumented,
        "station": station_deployment(table),
        "lines": lines(repo),
        "import_cycles": found,
        "modules_in_cycles": sorted({m for cycle in found for m in cycle}),
        "modules": table,
    }


def report(numbers: dict[str, Any]) -> str:
    """The numbers, one line each (the lists after them)."""
    station = numbers["station"]
    out = [
        f"public-looking modules: {numbers['public_modules']}",
        f"names they export: {numbers['public_names']}"
        f" ({numbers['distinct_public_names']} distinct)",
        f"names station_constructs exports: {numbers['root_names']}",
        f"public names without documentation: {len(numbers['undocumented'])}",
        f"StationDeployment keyword arguments: {len(station['keyword_arguments'])}",
        f"StationDeployment public attributes: {len(station['public_attributes'])}"
        f" (+ {len(station['public_methods'])} methods)",
        f"  of them typed with private classes: {len(station['private_typed_attributes'])}",
        f"lines: library {numbers['lines']['library']}, tests {numbers['lines']['tests']}",
        f"import cycles (type-only included): {len(numbers['import_cycles'])}"
        f" ({len(numbers['modules_in_cycles'])} modules)",
    ]
    if "timing" in numbers:
        timing = numbers["timing"]
        for key, what in (
            ("import", "import station_constructs"),
            ("default_app_imports", DEFAULT_IMPORTS),
        ):
            measured = timing[key]
            out.append(
                f"{what}: {measured['cumulative_us'] / 1000:.1f} ms (the package's own modules "
                f"{measured['own_us'] / 1000:.1f} ms), {measured['modules_loaded']:.0f} of "
                f"{timing['all_modules']} modules, "
                f"{measured['binding_modules_loaded']:.0f} CRD binding modules"
            )
        app = timing["default_app"]
        out.append(
            f"default app (build, synth, next_steps): {app['seconds']:.3f} s, "
            f"{app['modules_loaded']:.0f} modules, "
            f"{app['binding_modules_loaded']:.0f} CRD binding modules"
        )
    out.append("")
    for name, kinds in station["private_typed_attributes"].items():
        out.append(f"  station.{name}: {', '.join(kinds)}")
    for cycle in numbers["import_cycles"]:
        out.append("  cycle: " + " -> ".join(cycle))
    for name in numbers["undocumented"]:
        out.append(f"  undocumented: {name}")
    return "\n".join(out)


def main() -> None:
    """Measure a checkout (and, with ``--before``, another one) and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=REPO, help="checkout to measure")
    parser.add_argument(
        "--before", type=Path, help="another checkout, measured too (timings taking turns)"
    )
    parser.add_argument("--timing", action="store_true", help="also import and synth time")
    parser.add_argument("--runs", type=int, default=7, help="runs per timing (medians)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    repo = args.repo.resolve()
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    checkouts = [repo] if args.before is None else [args.before.resolve(), repo]
    results = []
    for checkout in checkouts:
        # One package per process: each checkout's surface is measured in its own.
        done = subprocess.run(
            [sys.executable, __file__, "--repo", str(checkout), "--json", "--surface-only"],
            capture_output=True,
            text=True,
            check=True,
            env=_environment(checkout),
        )
        results.append(json.loads(done.stdout))
    if args.timing:
        for numbers, timing in zip(results, timings(checkouts, args.runs), strict=True):
            numbers["timing"] = timing
    if args.json:
        print(json.dumps(results if args.before else results[0], indent=2))
        return
    for checkout, numbers in zip(checkouts, results, strict=True):
        print(f"== {checkout}\n{report(numbers)}")


def surface_only(repo: Path) -> None:
    """Print the surface of ``repo`` as JSON, from this process (``--surface-only``)."""
    sys.path.insert(0, str(repo))
    print(json.dumps(measure(repo)))


if __name__ == "__main__":
    if "--surface-only" in sys.argv:
        surface_only(Path(sys.argv[sys.argv.index("--repo") + 1]).resolve())
    else:
        main()
