"""The documentation stays true: set-up commands, generated parameter tables, docstrings."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys

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
