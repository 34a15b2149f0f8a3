"""The package's shape: no import cycles, and no module or function growing past its size.

The rules (docs/architecture.md): no module over 400 lines, no function over 80, no import
cycles between the package's modules. Every module and function keeps them: the exceptions
written before the rules came in were split up (issue 13), and none may join.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import json
import re
import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import REPO
from tests.support.refusals import assert_refused

PACKAGE = REPO / "station_constructs"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def _api_surface() -> Any:
    spec = importlib.util.spec_from_file_location("api_surface", REPO / "scripts/api_surface.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


surface = _api_surface()


def _type_checking_only(node: ast.If) -> bool:
    """Whether ``node`` is ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def test_no_import_cycles() -> None:
    # Type-only imports count (scripts/api_surface.py: imports_of); a package's __init__
    # re-exporting its modules is not a cycle with them.
    assert surface.cycles(surface.import_graph()) == []


def test_the_cycle_check_sees_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def f():\n    from .b import g\n")
    (tmp_path / "b.py").write_text("from .a import f\n")
    known = {"pkg.a", "pkg.b"}
    assert surface.imports_of("pkg.a", tmp_path / "a.py", known) == {"pkg.b"}
    assert surface.imports_of("pkg.b", tmp_path / "b.py", known) == {"pkg.a"}
    assert surface.cycles({"pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}}) == [["pkg.a", "pkg.b", "pkg.a"]]


def test_the_cycle_check_sees_a_type_only_cycle(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from .b import g\n")
    (tmp_path / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import A\n"
    )
    known = {"pkg.a", "pkg.b"}
    assert surface.imports_of("pkg.b", tmp_path / "b.py", known) == {"pkg.a"}


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
    from station_constructs._errors import _Guard
    from station_constructs._renamed import Former, refuse_former

    former = {"old_name": Former(now="new_name=Thing.of()")}
    assert_refused(
        lambda: refuse_former(_Guard("X"), {"old_name": 1}, former, ["new_name"]),
        field="old_name",
        value=1,
        fix="new_name=Thing.of()",
        where="X",
    )
    assert_refused(
        lambda: refuse_former(_Guard("X"), {"new_nme": 1}, former, ["new_name", "other"]),
        field="new_nme",
        value=1,
        fix="new_name",
        where="X",
    )
    refuse_former(_Guard("X"), {}, former, ["new_name"])


# ------------------------------------------------------------------ public names, loaded lazily
def loaded_after(program: str) -> list[str]:
    """The package's modules a fresh interpreter has loaded after running ``program``."""
    report = (
        "\nimport json, sys\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('station_constructs'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program + report],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1])
    return loaded


#: main.py's app: the default StationDeployment, synthesized, and its next steps.
DEFAULT_APP = """
import tempfile
import cdk8s
from station_constructs import StationDeployment, next_steps
app = cdk8s.App(outdir=tempfile.mkdtemp())
StationDeployment(cdk8s.Chart(app, "station"), "station")
app.synth()
next_steps(app)
"""

#: What a default app does not use: the CRD bindings and the other constructs' modules.
NOT_IN_A_DEFAULT_APP = (
    "station_constructs._imports",
    "station_constructs.ingress",
    "station_constructs.gateway",
    "station_constructs._gateway",
    "station_constructs._emit.gateway",
    "station_constructs.litestream",
    "station_constructs.config_backup",
    "station_constructs.restore_drill",
    "station_constructs.alerts",
    "station_constructs.monitoring",
    "station_constructs.snapshot",
)


FORMER_NAMES = [
    ("ExternalAccess", "station", "external_service=ExternalService.load_balancer(...)"),
    ("ConfigPersistence", "station", "config_directory=ConfigDirectory.on_volume()"),
    ("UpdateStrategy", "station", "drop strategy="),
    ("CloudShipOAuth", "auth", "auth=StationAuth.cloudship_oauth(client_id=..., ...)"),
    ("EdgeAuthKind", "auth", "NginxAuthUrl(...)"),
]


@pytest.mark.parametrize(
    ("name", "module", "now"), FORMER_NAMES, ids=[n for n, _, _ in FORMER_NAMES]
)
def test_a_former_public_name_is_refused_from_the_package_and_its_module(
    name: str, module: str, now: str
) -> None:
    """Out of ``__all__``; asking the package or the module for it gives the new spelling."""
    from tests.support.refusals import assert_refused

    package = importlib.import_module("station_constructs")
    owner = importlib.import_module(f"station_constructs.{module}")
    assert name not in package.__all__
    assert name not in owner.__all__
    for where in (package, owner):
        error = assert_refused(partial(getattr, where, name), field=name, fix=now)
        assert "Migrating from 0.1" in error.fix


def test_importing_the_package_loads_none_of_its_modules() -> None:
    assert loaded_after("import station_constructs") == ["station_constructs"]


def test_a_default_app_loads_no_crd_binding_and_no_construct_it_does_not_use() -> None:
    loaded = loaded_after(DEFAULT_APP)
    assert "station_constructs.station" in loaded
    assert [m for m in loaded if m.startswith(NOT_IN_A_DEFAULT_APP)] == []


def test_an_app_using_them_loads_them() -> None:
    program = DEFAULT_APP.replace(
        'StationDeployment(cdk8s.Chart(app, "station"), "station")',
        "from tests.support.apps import full_production_app\n"
        'full_production_app(cdk8s.Chart(app, "production"))',
    )
    loaded = loaded_after(program)
    assert {
        "station_constructs._imports.io.external_secrets",
        "station_constructs._imports.com.coreos.monitoring",
        "station_constructs._imports.io.k8s.storage.snapshot",
        "station_constructs.ingress",
        "station_constructs.litestream",
        "station_constructs.restore_drill",
    } <= set(loaded)


def type_checking_imports() -> dict[str, str]:
    """Name -> module of each ``from .module import Name as Name`` under ``if TYPE_CHECKING:``
    in the package's ``__init__.py``."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    blocks = [n for n in tree.body if isinstance(n, ast.If) and _type_checking_only(n)]
    assert len(blocks) == 1
    found: dict[str, str] = {}
    for node in blocks[0].body:
        assert isinstance(node, ast.ImportFrom), ast.unparse(node)
        for alias in node.names:
            assert alias.asname == alias.name, f"write `{alias.name} as {alias.name}`"
            found[alias.name] = "." * node.level + (node.module or "")
    return found


def test_the_public_names_are_the_type_checking_imports() -> None:
    """Type checkers read the ``TYPE_CHECKING`` imports; the package reads the same lines."""
    import station_constructs

    imported = type_checking_imports()
    assert station_constructs._PUBLIC == imported
    assert sorted(station_constructs.__all__) == sorted(imported)
    assert dir(station_constructs) == sorted(imported)
    for name, module in imported.items():
        defined = importlib.import_module(module, "station_constructs")
        assert getattr(station_constructs, name) is getattr(defined, name)


def test_public_modules_and_star_imports_load_on_use() -> None:
    import station_constructs

    assert station_constructs.releases is importlib.import_module("station_constructs.releases")
    namespace: dict[str, object] = {}
    exec("from station_constructs import *", namespace)
    assert set(station_constructs.__all__) <= set(namespace)
    for missing in ("NoSuchName", "nosuchmodule", "_private"):
        with pytest.raises(AttributeError, match=missing):
            getattr(station_constructs, missing)


# ------------------------------------------------------------------ every public name documented


def public_names() -> dict[str, object]:
    """Each public name as the index lists it -> its value: the package's names as they are
    (``StationDeployment``), a public module's other names with the module (``access.Exposure``)."""
    import station_constructs

    found: dict[str, object] = {
        n: getattr(station_constructs, n) for n in station_constructs.__all__
    }
    for dotted in surface.public_modules()[1:]:
        module = importlib.import_module(dotted)
        for name in surface.exports(module):
            value = getattr(module, name)
            if found.get(name) is not value:
                found[f"{dotted.rpartition('.')[2]}.{name}"] = value
    return found


def listed_names() -> list[str]:
    """The names in the first column of docs/architecture.md's "Public names" tables."""
    text = (REPO / "docs" / "architecture.md").read_text()
    section = text[text.index("\n## Public names\n") : text.index("\n## Layout\n")]
    listed = []
    for cell in re.findall(r"^\| (`.+?`) \|", section, re.MULTILINE):
        listed += [name.strip("`") for name in cell.split(", ")]
    return listed


def test_every_public_name_is_listed_in_the_architecture_page_once() -> None:
    listed = listed_names()
    assert sorted(set(public_names()) - set(listed)) == [], "add a row to the Public names"
    assert sorted(set(listed) - set(public_names())) == [], "not public: remove its row"
    assert len(listed) == len(set(listed))


def test_every_public_name_and_its_public_members_are_documented() -> None:
    constants = surface.constant_docs()
    undocumented = []
    for name, value in public_names().items():
        short = name.rpartition(".")[2]
        if not surface.documentation(value, short, constants):
            undocumented.append(name)
        if inspect.isclass(value) and value.__module__.startswith("station_constructs"):
            for attribute, member in vars(value).items():
                if attribute.startswith("_") or not (
                    inspect.isfunction(member) or isinstance(member, (property, classmethod))
                ):
                    continue
                if not (inspect.getdoc(member) or "").strip():
                    undocumented.append(f"{name}.{attribute}")
    assert undocumented == []


def test_the_documentation_check_sees_a_constant_without_its_comment(tmp_path: Path) -> None:
    (tmp_path / "station_constructs").mkdir()
    (tmp_path / "station_constructs" / "m.py").write_text(
        '#: Documented.\nDOCUMENTED = 1\nBARE = 2\nSTRING = 3\n"""Documented after."""\n'
    )
    constants = surface.constant_docs(tmp_path)
    assert surface.documentation(1, "DOCUMENTED", constants) == "Documented."
    assert surface.documentation(2, "BARE", constants) == ""
    assert surface.documentation(3, "STRING", constants) == "Documented after."
