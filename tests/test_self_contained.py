"""The repository holds everything its build and tests read: nothing outside the clone.

A user's clone has no reference folder beside it, so no tracked file may point there, and
every input the tests and the import regeneration read is in the repository.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.paths import CRD_DIR, REFERENCE_DIR, REPO, require_file, require_glob

#: Spellings of a path or a variable that would lead outside the clone.
#: (Spelled in pieces, so that this file does not match itself.)
_OUTSIDE = re.compile(
    "|".join([r"\.\./" + "shared", "STATION_" + "SHARED_DIR", "/work/" + "shared"])
)


def tracked_files() -> list[Path]:
    """Every file git tracks in the repository (or, outside a git checkout, every file)."""
    done = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return [p for p in REPO.rglob("*") if p.is_file() and ".venv" not in p.parts]
    return [REPO / name for name in done.stdout.split("\0") if name]


def test_no_tracked_file_refers_outside_the_repository() -> None:
    offenders = []
    for path in tracked_files():
        if not path.is_file() or path.suffix in {".png", ".whl"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [
            f"{path.relative_to(REPO)}:{n}"
            for n, line in enumerate(text.splitlines(), 1)
            if _OUTSIDE.search(line)
        ]
    assert offenders == [], f"files that refer to a folder outside the clone: {offenders}"


def test_every_crd_that_cdk8s_yaml_imports_is_in_the_repository() -> None:
    config = yaml.safe_load((REPO / "cdk8s.yaml").read_text())
    imports = [entry.split(":=")[-1] for entry in config["imports"]]
    assert imports, "cdk8s.yaml lists no imports"
    for entry in imports:
        assert not Path(entry).is_absolute() and not entry.startswith(".."), entry
        require_file(REPO / entry)


def test_every_crd_and_reference_file_has_a_sources_row() -> None:
    for directory, pattern in ((CRD_DIR, "*.yaml"), (REFERENCE_DIR, "*.yaml")):
        sources = require_file(directory / "SOURCES.md").read_text()
        for path in require_glob(directory, pattern):
            assert path.name in sources, f"{path.name} is not described in {directory}/SOURCES.md"
        assert re.search(r"\b[0-9a-f]{40}\b", sources), f"{directory}/SOURCES.md names no commit"


def test_a_missing_input_fails_with_a_message_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "gone.yaml"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        require_file(missing)
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / "*.yaml"))):
        require_glob(tmp_path, "*.yaml")
