"""The release artifacts work on their own.

``python -m build`` makes the sdist and the wheel (from the sdist, as a release does); both
pass ``twine check``; the wheel carries the version written in ``_version.py``, the LICENSE and
no top-level ``imports`` package. Installed into a fresh virtualenv (dependencies from the
package index), away from the repository, it synthesizes the production example, and the
README's "Use it in your own app" files (``app.py`` and ``cdk8s.yaml``, read from the README
itself) synthesize through the real, pinned cdk8s CLI.

Slow (about 30 s: two builds, a venv and a pip install), but part of the normal suite.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
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
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sdist and the wheel, built by ``python -m build`` from a copy of the sources."""
    base = tmp_path_factory.mktemp("build")
    src = base / "src"
    src.mkdir()
    # Build from a copy: a stale build/ directory in the checkout cannot leak into the wheel.
    for name in ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "MANIFEST.in"):
        shutil.copy2(REPO / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "imports", src / "imports", ignore=ignore)
    shutil.copytree(
        REPO / "station_constructs", src / "station_constructs", symlinks=True, ignore=ignore
    )
    run([sys.executable, "-m", "build", "--outdir", base / "dist", src], cwd=base)
    (sdist,) = sorted((base / "dist").glob("station_constructs-*.tar.gz"))
    (wheel,) = sorted((base / "dist").glob("station_constructs-*.whl"))
    return sdist, wheel


@pytest.fixture(scope="module")
def venv(artifacts: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel installed; returns its python."""
    base = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "venv", base / "venv"], cwd=base)
    python = base / "venv" / "bin" / "python"
    run(
        [python, "-m", "pip", "install", "--quiet", "-c", REPO / "requirements.txt", artifacts[1]],
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
    assert len(assemblies) == 5, assemblies
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
        "PrometheusRule",
        "CronJob",
        "ServiceAccount",
    } <= kinds, kinds
    assert "Secret" not in kinds
    # Station's keys from the secret manager; the backups use workload identity (no keys).
    externals = sorted(o["metadata"]["name"] for o in objects if o["kind"] == "ExternalSecret")
    assert externals == ["station-secrets"]
    pod = next(o for o in objects if o["kind"] == "Deployment")["spec"]["template"]["spec"]
    containers = [c["name"] for c in pod["initContainers"] + pod["containers"]]
    assert {
        "litestream-restore",
        "config-restore",
        "litestream",
        "config-backup",
        "station",
    } <= set(containers)


def test_twine_accepts_the_sdist_and_the_wheel(artifacts: tuple[Path, Path]) -> None:
    out = run([sys.executable, "-m", "twine", "check", "--strict", *artifacts], cwd=REPO)
    assert out.count("PASSED") == 2, out


def test_artifacts_carry_the_one_version_and_the_license(artifacts: tuple[Path, Path]) -> None:
    from station_constructs import __version__

    sdist, wheel = artifacts
    assert sdist.name == f"station_constructs-{__version__}.tar.gz"
    assert wheel.name == f"station_constructs-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        meta = archive.read(f"station_constructs-{__version__}.dist-info/METADATA").decode()
    assert f"station_constructs-{__version__}.dist-info/licenses/LICENSE" in names
    assert f"Version: {__version__}\n" in meta and "License-Expression: Apache-2.0" in meta
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    assert {"LICENSE", "CHANGELOG.md", "README.md", "station_constructs/py.typed"} <= members
    changelog = (REPO / "CHANGELOG.md").read_text()
    first = re.search(r"^## (\S+)", changelog, re.MULTILINE)
    assert first and first.group(1) == __version__, "CHANGELOG.md's newest entry is not the version"


def readme_block(section: str, language: str, index: int = 0) -> str:
    """The ``index``-th fenced ``language`` block of the README section titled ``section``."""
    text = (REPO / "README.md").read_text()
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(rf"```{language}\n(.*?)```", body, re.DOTALL)
    return str(blocks[index])


def test_readme_own_app_synthesizes_through_the_cli(venv: Path, tmp_path: Path) -> None:
    """The README's app.py and cdk8s.yaml, the installed wheel and the pinned CLI, nothing else."""
    cli = REPO / "node_modules" / ".bin" / "cdk8s"
    assert cli.exists(), f"{cli} missing: ./dev.sh setup installs the pinned cdk8s CLI"
    (tmp_path / "app.py").write_text(readme_block("Use it in your own app", "python"))
    (tmp_path / "cdk8s.yaml").write_text(readme_block("Use it in your own app", "yaml"))
    commands = readme_block("Use it in your own app", "bash", 1)
    assert "npx --yes cdk8s-cli@" + cli_version() + " synth --no-check-upgrade" in commands
    env = clean_env(PATH=f"{venv.parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("CDK8S_OUTDIR", None)
    done = subprocess.run(
        [str(cli), "synth", "--no-check-upgrade"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    objects = list(yaml.safe_load_all((tmp_path / "dist" / "station.k8s.yaml").read_text()))
    assert {o["kind"] for o in objects} >= {"Namespace", "Deployment", "PersistentVolumeClaim"}
    assert "kubectl -n station create secret generic station-secrets" in done.stderr
    assert "end-of-life" not in done.stdout + done.stderr


def cli_version() -> str:
    """The cdk8s-cli version pinned in package.json."""
    import json

    pinned: str = json.loads((REPO / "package.json").read_text())["devDependencies"]["cdk8s-cli"]
    return pinned
