"""The built wheel works on its own: installed into a fresh virtualenv (dependencies from the
package index), without the repository or the cdk8s CLI, it synthesizes the
production example, and it installs no top-level ``imports`` package.

Slow (about 20 s: a wheel build, a venv and a pip install), but part of the normal suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.paths import REPO

pytestmark = pytest.mark.slow

EXAMPLE = REPO / "examples" / "production.py"


def run(args: list[Any], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that would find the repository's code."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel installed; returns its python."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    # Build from a copy: a stale build/ directory in the checkout cannot leak into the wheel.
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "imports", src / "imports", ignore=ignore)
    shutil.copytree(
        REPO / "station_constructs", src / "station_constructs", symlinks=True, ignore=ignore
    )
    run([sys.executable, "-m", "build", "--wheel", "--outdir", base / "dist", src], cwd=base)
    wheels = sorted((base / "dist").glob("station_constructs-*.whl"))
    assert len(wheels) == 1, wheels
    run([sys.executable, "-m", "venv", base / "venv"], cwd=base)
    python = base / "venv" / "bin" / "python"
    run(
        [python, "-m", "pip", "install", "--quiet", "-c", REPO / "requirements.txt", wheels[0]],
        cwd=base,
        env=clean_env(),
    )
    return python


def site_packages(python: Path) -> Path:
    out = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=python.parent,
        env=clean_env(),
    )
    return Path(out.strip())


def test_wheel_ships_the_bindings_inside_the_package_only(venv: Path) -> None:
    packages = site_packages(venv)
    assert not (packages / "imports").exists()
    assert not list(packages.glob("imports-*"))
    bindings = packages / "station_constructs" / "_imports"
    assert bindings.is_dir() and not bindings.is_symlink()
    assemblies = sorted(p.name for p in bindings.rglob("*.jsii.tgz"))
    assert len(assemblies) == 4, assemblies
    (dist_info,) = packages.glob("station_constructs-*.dist-info")
    assert (dist_info / "top_level.txt").read_text().split() == ["station_constructs"]


def test_installed_wheel_synthesizes_the_production_app(venv: Path, tmp_path: Path) -> None:
    app_dir = tmp_path / "elsewhere"
    app_dir.mkdir()
    shutil.copy2(EXAMPLE, app_dir / "app.py")
    out = app_dir / "out"
    env = clean_env(CDK8S_OUTDIR=str(out))
    where = run(
        [venv, "-c", "import station_constructs as s; print(s.__file__)"], cwd=app_dir, env=env
    )
    assert str(venv.parent.parent) in where and str(REPO) not in where
    run([venv, "app.py"], cwd=app_dir, env=env)
    objects = [
        o for f in sorted(out.glob("*.yaml")) for o in yaml.safe_load_all(f.read_text()) if o
    ]
    kinds = {o["kind"] for o in objects}
    assert {
        "Deployment",
        "ExternalSecret",
        "NetworkPolicy",
        "VolumeSnapshot",
        "ServiceMonitor",
        "Ingress",
    } <= kinds, kinds
    assert "Secret" not in kinds
    externals = sorted(o["metadata"]["name"] for o in objects if o["kind"] == "ExternalSecret")
    assert externals == ["station-litestream", "station-secrets"]
    pod = next(o for o in objects if o["kind"] == "Deployment")["spec"]["template"]["spec"]
    containers = [c["name"] for c in pod["initContainers"] + pod["containers"]]
    assert {"litestream-restore", "litestream", "station"} <= set(containers)
