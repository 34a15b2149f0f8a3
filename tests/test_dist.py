"""dist/ is exactly what main.py synthesizes, synth is deterministic, and the real CLI works."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.paths import REPO

CLI = REPO / "node_modules" / ".bin" / "cdk8s"


NODE = REPO / "node_modules" / ".bin" / "node"


def run_env(**extra: str) -> dict[str, str]:
    """The environment ./dev.sh gives: the venv and node_modules/.bin first, Node 24 for jsii."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), str(NODE.parent), env["PATH"]])
    env["JSII_NODE"] = str(NODE)
    env.pop("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", None)
    env.update(extra)
    return env


def synth_main(outdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py"],
        cwd=REPO,
        env=run_env(CDK8S_OUTDIR=str(outdir)),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


def same_tree(a: Path, b: Path) -> bool:
    names_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    names_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    if names_a != names_b:
        return False
    return all(filecmp.cmp(a / n, b / n, shallow=False) for n in names_a)


def test_committed_dist_is_what_main_synthesizes(tmp_path: Path) -> None:
    synth_main(tmp_path)
    assert same_tree(tmp_path, REPO / "dist"), "dist/ is stale: run ./dev.sh synth and commit dist/"


def test_two_synths_are_byte_identical(tmp_path: Path) -> None:
    synth_main(tmp_path / "a")
    synth_main(tmp_path / "b")
    assert same_tree(tmp_path / "a", tmp_path / "b")


def test_main_prints_next_steps_on_stderr_only(tmp_path: Path) -> None:
    result = synth_main(tmp_path)
    assert result.stdout == ""
    assert "kubectl -n station create secret generic station-secrets" in result.stderr
    assert 'STATION_ENCRYPTION_KEY="${STATION_ENCRYPTION_KEY:-$(openssl rand -base64 32)}"' in (
        result.stderr
    )
    assert "encrypts nothing with it" in result.stderr
    assert "kubectl apply -f" in result.stderr
    assert "/health" in result.stderr


def test_no_secret_values_or_placeholders_in_dist() -> None:
    text = "\n".join(p.read_text() for p in (REPO / "dist").rglob("*.yaml"))
    for forbidden in ("kind: Secret\n", "stringData", "your-", "-here", "changeme"):
        assert forbidden not in text


@pytest.mark.skipif(not CLI.exists(), reason="run ./dev.sh setup to install the pinned cdk8s CLI")
def test_cdk8s_cli_synth_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [str(CLI), "synth", "--no-check-upgrade", "--output", str(out)],
        cwd=REPO,
        env=run_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert same_tree(out, REPO / "dist")


@pytest.mark.skipif(not CLI.exists(), reason="run ./dev.sh setup to install the pinned cdk8s CLI")
def test_cdk8s_cli_stdout_is_clean_yaml() -> None:
    result = subprocess.run(
        [str(CLI), "synth", "--no-check-upgrade", "--stdout"],
        cwd=REPO,
        env=run_env(JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=""),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "!!" not in result.stdout  # the Node end-of-life banner stays out of the manifests
    stdout_objects = [o for o in yaml.safe_load_all(result.stdout) if o]
    dist_objects = list(yaml.safe_load_all((REPO / "dist" / "station.k8s.yaml").read_text()))
    assert stdout_objects == dist_objects


@pytest.mark.skipif(not NODE.exists(), reason="run ./dev.sh setup to install Node 24")
def test_synth_runs_on_the_projects_node_24_without_an_end_of_life_banner(tmp_path: Path) -> None:
    pinned = json.loads((REPO / "package.json").read_text())["devDependencies"]["node"]
    assert pinned.startswith("24.") and pinned.replace(".", "").isdigit()
    version = subprocess.run([str(NODE), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"v{pinned}"
    result = synth_main(tmp_path)
    assert "end-of-life" not in result.stderr and "!!" not in result.stderr


def test_synth_needs_no_test_tooling() -> None:
    """./dev.sh synth installs the runtime requirements and the root package.json only."""
    runtime = (REPO / "requirements.txt").read_text()
    for tool in ("pytest", "mypy", "kubernetes-validate", "seaweedfs", "litestream", "rclone"):
        assert tool not in runtime
    synth_packages = json.loads((REPO / "package.json").read_text())["devDependencies"]
    assert set(synth_packages) == {"cdk8s-cli", "node"}
    script = (REPO / "dev.sh").read_text()
    synth_step = script[script.index("  synth)") : script.index(";;", script.index("  synth)"))]
    assert synth_step.split("\n")[1].strip() == "in_parallel setup_python_runtime setup_node"


def test_cli_is_pinned_in_package_json() -> None:
    text = (REPO / "package.json").read_text()
    assert '"cdk8s-cli": "2.' in text and "^" not in text and "~" not in text
    assert shutil.which("npm") is not None
