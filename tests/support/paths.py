"""Where the repository's own test inputs live (nothing outside the clone is read)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REFERENCE_DIR = REPO / "tests" / "reference"
CRD_DIR = REPO / "crds"
GOLDEN_DIR = REPO / "tests" / "golden"


def require_file(path: Path) -> Path:
    """Return ``path`` if it is a file; otherwise fail naming it and where it comes from."""
    if not path.is_file():
        raise FileNotFoundError(
            f"test input missing: {path} (the repository ships it; see SOURCES.md in "
            f"{path.parent.relative_to(REPO) if path.parent.is_relative_to(REPO) else path.parent})"
        )
    return path


def require_glob(directory: Path, pattern: str, *, at_least: int = 1) -> list[Path]:
    """Return the files matching ``pattern`` in ``directory``; fail naming it when too few."""
    found = sorted(directory.glob(pattern))
    if len(found) < at_least:
        raise FileNotFoundError(
            f"test input missing: expected at least {at_least} file(s) matching "
            f"{directory / pattern}, found {len(found)} (see {directory / 'SOURCES.md'})"
        )
    return found
