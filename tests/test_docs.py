"""The documentation stays true: set-up commands, generated parameter tables, docstrings."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import station_constructs
from tests.support.paths import REPO


def test_readme_opens_with_the_two_setup_commands() -> None:
    text = (REPO / "README.md").read_text()
    first_block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["./dev.sh synth", "./dev.sh test"]
    assert text.index("```bash") < text.index("\n## ")


def test_ci_runs_the_readme_test_command_in_a_fresh_clone() -> None:
    script = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^\./dev\.sh test$", script, re.MULTILINE)
    # ... in a clone made in an empty temporary folder, so nothing beside the checkout helps.
    clone = script.index("git clone")
    assert script.index("mktemp -d") < clone < script.index('cd "$work/')
    assert clone < script.index("./dev.sh test")


def test_parameter_tables_are_generated_and_current() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/params_table.py", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_every_public_name_has_a_docstring() -> None:
    undocumented = []
    for name in station_constructs.__all__:
        obj = getattr(station_constructs, name)
        if not inspect.isclass(obj) and not callable(obj):
            continue
        if not (obj.__doc__ or "").strip():
            undocumented.append(name)
        if inspect.isclass(obj) and obj.__module__.startswith("station_constructs"):
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if (inspect.isfunction(member) or isinstance(member, property)) and not (
                    member.__doc__ or ""
                ).strip():
                    undocumented.append(f"{name}.{attr}")
    assert undocumented == []


def test_synth_command_never_reaches_for_the_network() -> None:
    # `cdk8s synth` checks npm for a newer CLI by default; offline that prints an error.
    script = (REPO / "dev.sh").read_text()
    assert "cdk8s synth --no-check-upgrade" in script


def markdown_files() -> list[Path]:
    """The README and every page under docs/."""
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def check_mermaid(files: list[Path]) -> subprocess.CompletedProcess[str]:
    """Mermaid's own parser (npm ``mermaid``, pinned) over every ```mermaid block of ``files``."""
    node_modules = REPO / "node_modules"
    assert (node_modules / "mermaid").is_dir(), "node_modules/mermaid missing: run ./dev.sh setup"
    return subprocess.run(
        ["node", str(REPO / "scripts" / "check-mermaid.mjs"), *map(str, files)],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )


def test_every_mermaid_diagram_parses() -> None:
    done = check_mermaid(markdown_files())
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_mermaid_check_rejects_a_broken_diagram(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```mermaid\nflowchart LR\n  a[Ingress] --> b[Service]\n```\n\n"
        "```mermaid\nflowchart LR\n  a[Ingress --> b\n```\n"
    )
    done = check_mermaid([page])
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 1
    assert results[0] == {"file": str(page), "line": 1, "type": "flowchart-v2"}  # the fence
    assert results[1]["line"] == 6 and "Parse error" in results[1]["error"]
