"""Every app in examples/ and every complete app in the README and docs/ synthesizes, and every
built-in object it renders passes strict schema validation on the oldest and newest
supported Kubernetes versions (custom resources are checked by the CRD schema tests); and
re-applying its output changes nothing (tests/support/server_view.py: canonical quantities,
no zero value the server drops, what a workload needs first in each file)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.kube_validate import validate_manifest
from tests.support.paths import REPO
from tests.support.server_view import apply_order_problems, server_rewrites
from tests.test_schema import is_builtin

VERSIONS = ["1.27", "1.37"]
EXAMPLES = sorted((REPO / "examples").glob("*.py"))
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def doc_apps() -> list[tuple[str, str]]:
    """The Python blocks of the README and of every page under docs/ that are whole apps (they
    synthesize; fragments are not), each with where it is (``docs/k3s.md:12``, the fence's line)."""
    apps = []
    for page in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]:
        text = page.read_text()
        for match in PYTHON_BLOCK.finditer(text):
            if "app.synth()" in match.group(1):
                line = text.count("\n", 0, match.start()) + 1
                apps.append((f"{page.relative_to(REPO)}:{line}", match.group(1)))
    return apps


DOC_APPS = doc_apps()


def run_app(args: list[str], outdir: Path) -> list[dict[str, Any]]:
    """Synthesize an app into ``outdir``; every object, file by file."""
    return [o for objects in run_app_files(args, outdir).values() for o in objects]


def run_app_files(args: list[str], outdir: Path) -> dict[str, list[dict[str, Any]]]:
    """Synthesize an app into ``outdir``; the objects of each file written, by file name."""
    env = dict(os.environ)
    env["CDK8S_OUTDIR"] = str(outdir)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    done = subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    # Every example and README app is a configuration whose API, if served, is usable.
    assert "StationAccessWarning" not in done.stderr, done.stderr
    files = sorted(outdir.rglob("*.yaml"))
    assert files, f"nothing written to {outdir}"
    return {
        str(f.relative_to(outdir)): [o for o in yaml.safe_load_all(f.read_text()) if o]
        for f in files
    }


def rendered_here(obj: dict[str, Any]) -> bool:
    """Whether station-constructs rendered ``obj`` (every object it renders says so)."""
    labels = obj.get("metadata", {}).get("labels") or {}
    return bool(labels.get("app.kubernetes.io/managed-by") == "station-constructs")


def reapply_changes(
    files: dict[str, list[dict[str, Any]]], *, every_object: bool = False
) -> list[str]:
    """What a second apply of the library's objects in these files would change, or a first
    one would refuse; with ``every_object``, of the app's own objects too. An app's own
    cdk8s-plus objects are cdk8s-plus's output (it writes ``minReadySeconds: 0``,
    ``1000m``...): the examples patch them, the documentation's short apps do not (see
    docs/day-2.md)."""
    found = []
    for name, objects in files.items():
        ours = [o for o in objects if every_object or rendered_here(o)]
        found += [f"{name}: {p}" for p in apply_order_problems(ours)]
        found += [f"{name}: {p}" for o in ours for p in server_rewrites(o)]
    return found


def versions_for(obj: dict[str, Any]) -> list[str]:
    """Native sidecars (``restartPolicy`` on an init container) exist from Kubernetes 1.29."""
    pod = obj.get("spec", {}).get("template", {}).get("spec", {})
    if any("restartPolicy" in c for c in pod.get("initContainers", [])):
        return ["1.29", VERSIONS[-1]]
    return VERSIONS


def schema_errors(objects: list[dict[str, Any]]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for obj in objects:
        if not is_builtin(obj):
            continue
        for version in versions_for(obj):
            found = validate_manifest(obj, version, strict=True)
            if found:
                errors[f"{version} {obj['kind']}/{obj['metadata']['name']}"] = found
    return errors


def test_there_are_examples() -> None:
    assert EXAMPLES
    assert DOC_APPS


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_synthesizes_schema_valid_objects(example: Path, tmp_path: Path) -> None:
    files = run_app_files([str(example.relative_to(REPO))], tmp_path)
    objects = [o for found in files.values() for o in found]
    assert any(is_builtin(o) for o in objects)
    assert schema_errors(objects) == {}
    assert reapply_changes(files, every_object=True) == []


@pytest.mark.parametrize("app", [code for _, code in DOC_APPS], ids=[at for at, _ in DOC_APPS])
def test_doc_app_synthesizes_schema_valid_objects(app: str, tmp_path: Path) -> None:
    files = run_app_files(["-c", app], tmp_path)
    assert schema_errors([o for found in files.values() for o in found]) == {}
    assert reapply_changes(files) == []
