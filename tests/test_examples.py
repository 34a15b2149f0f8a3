"""Every app in examples/ and every complete app in the README and docs/ synthesizes, and every
built-in object it renders passes strict schema validation on the oldest and newest
supported Kubernetes versions (custom resources are checked by the CRD schema tests)."""

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
    return [o for f in files for o in yaml.safe_load_all(f.read_text()) if o]


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
    objects = run_app([str(example.relative_to(REPO))], tmp_path)
    assert any(is_builtin(o) for o in objects)
    assert schema_errors(objects) == {}


@pytest.mark.parametrize("app", [code for _, code in DOC_APPS], ids=[at for at, _ in DOC_APPS])
def test_doc_app_synthesizes_schema_valid_objects(app: str, tmp_path: Path) -> None:
    objects = run_app(["-c", app], tmp_path)
    assert schema_errors(objects) == {}
