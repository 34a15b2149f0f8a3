"""Run Checkov, offline, on a directory of Kubernetes YAML and parse its JSON report.

Checkov is not importable from the main venv: its dependency pins clash with cdk8s/jsii,
so it lives in its own venv (``<repo>/.venv-checkov``, see ``requirements-checkov.txt``)
and is run as a subprocess. The binary is ``$STATION_CHECKOV`` when that is set, else
``<repo>/.venv-checkov/bin/checkov``.

The run is offline and non-interactive:

* ``--skip-download`` (plus ``BC_SKIP_MAPPING=TRUE``): no call for the platform's check
  metadata/guidelines (without it Checkov always tries ``api0.prismacloud.io``);
* ``CKV_SKIP_PACKAGE_UPDATE_CHECK=true``: no version check against PyPI;
* every inherited ``BC_*``/``CKV_*``/``CHECKOV_*``/``PRISMA_*`` variable is dropped, so an
  API key in the caller's environment cannot switch on the platform upload;
* ``--framework kubernetes`` only (no secrets/SCA runners), ``--output json``,
  ``--compact`` (no code blocks in the JSON). Checkov has no other telemetry, and 3.x no
  longer has the ``--no-guide`` flag (it is an error).

Checkov's exit status is 0 without failed checks, 1 with failed checks, and 2 when it
crashed (e.g. a ``checkov.io/skipN`` annotation whose reason contains a second ``=``);
anything but 0/1, a timeout or unparsable output raises :class:`CheckovError`.

Public API: :func:`run_checkov`, :func:`checkov_path`, :func:`checkov_available`,
:class:`CheckovReport`, :class:`CheckovFinding`, :class:`CheckovError`,
:class:`CheckovNotFoundError`, and :func:`parse_checkov_json` (the parser alone).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "CheckovError",
    "CheckovFinding",
    "CheckovNotFoundError",
    "CheckovReport",
    "checkov_available",
    "checkov_path",
    "parse_checkov_json",
    "run_checkov",
]

#: Environment variable naming the checkov executable to use.
CHECKOV_ENV_VAR = "STATION_CHECKOV"
#: The repository root (this file is ``<repo>/tests/support/checkov_runner.py``).
REPO_ROOT = Path(__file__).resolve().parents[2]
#: Where ``requirements-checkov.txt`` is installed.
DEFAULT_CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"

_DROPPED_ENV_PREFIXES = ("BC_", "CKV_", "CHECKOV_", "PRISMA_")
_OFFLINE_ENV = {
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
    "BC_SKIP_MAPPING": "TRUE",
}
_OFFLINE_FLAGS = ("--output", "json", "--skip-download", "--skip-results-upload", "--compact")


class CheckovError(RuntimeError):
    """Checkov crashed, timed out, or printed something that is not its JSON report."""


class CheckovNotFoundError(CheckovError, FileNotFoundError):
    """The checkov executable is not installed where it was looked for."""


class CheckovFinding(NamedTuple):
    """One failed or skipped check on one resource."""

    check_id: str
    """E.g. ``CKV_K8S_43``."""
    check_name: str
    """E.g. ``Image should use digest``."""
    resource: str
    """Checkov's resource id, ``Kind.namespace.name`` (``default`` when unset)."""
    file: str
    """The file, relative to the scanned directory, e.g. ``deployment.yaml``."""


@dataclass(frozen=True)
class CheckovReport:
    """The parsed result of one Checkov run (all frameworks added up)."""

    passed: int
    failed: int
    skipped: int
    parsing_errors: int
    resource_count: int
    checkov_version: str
    failed_checks: list[CheckovFinding] = field(default_factory=list)
    skipped_checks: list[CheckovFinding] = field(default_factory=list)
    suppress_comments: dict[CheckovFinding, str] = field(default_factory=dict)
    """The reason given in the skip annotation, for each entry of ``skipped_checks``."""
    parsing_error_files: list[str] = field(default_factory=list)
    raw: Any = field(default=None, repr=False, compare=False)
    """Checkov's JSON as parsed, for anything not lifted into fields."""

    @property
    def failed_ids(self) -> set[str]:
        """Return the ids of the failed checks."""
        return {f.check_id for f in self.failed_checks}

    @property
    def skipped_ids(self) -> set[str]:
        """Return the ids of the skipped checks."""
        return {f.check_id for f in self.skipped_checks}

    def failures_for(self, check_id: str) -> list[CheckovFinding]:
        """Return the failed findings of one check."""
        return [f for f in self.failed_checks if f.check_id == check_id]

    def describe(self) -> str:
        """Return a multi-line summary fit for an assertion message."""
        lines = [
            # Worded "passed=N" so that no line looks like a test runner's closing summary.
            f"checkov {self.checkov_version}: passed={self.passed} failed={self.failed} "
            f"skipped={self.skipped} parsing_errors={self.parsing_errors}"
        ]
        lines += [
            f"  FAILED  {f.check_id} {f.check_name} [{f.resource} in {f.file}]"
            for f in self.failed_checks
        ]
        lines += [
            f"  SKIPPED {f.check_id} [{f.resource}]: {self.suppress_comments.get(f, '')}"
            for f in self.skipped_checks
        ]
        lines += [f"  PARSING ERROR {p}" for p in self.parsing_error_files]
        return "\n".join(lines)


def checkov_path() -> Path:
    """Return the checkov executable: ``$STATION_CHECKOV`` or ``<repo>/.venv-checkov``."""
    configured = os.environ.get(CHECKOV_ENV_VAR, "").strip()
    return Path(configured).expanduser() if configured else DEFAULT_CHECKOV


def checkov_available() -> bool:
    """Tell whether the checkov executable exists (for ``pytest.mark.skipif``)."""
    path = checkov_path()
    return path.is_file() and os.access(path, os.X_OK)


def _offline_env() -> dict[str, str]:
    """Return the caller's environment without platform settings, plus the offline ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_ENV_PREFIXES)}
    env.update(_OFFLINE_ENV)
    return env


def _relative_file(entry: Mapping[str, Any], directory: Path | None) -> str:
    """Return an entry's file relative to the scanned directory when possible."""
    absolute = entry.get("file_abs_path")
    if directory is not None and isinstance(absolute, str):
        try:
            return Path(absolute).resolve().relative_to(directory).as_posix()
        except ValueError:
            pass
    return str(entry.get("file_path", "")).lstrip("/")


def _finding(entry: Mapping[str, Any], directory: Path | None) -> CheckovFinding:
    """Turn one entry of ``failed_checks``/``skipped_checks`` into a finding."""
    return CheckovFinding(
        check_id=str(entry.get("check_id", "")),
        check_name=str(entry.get("check_name", "")),
        resource=str(entry.get("resource", "")),
        file=_relative_file(entry, directory),
    )


def _as_int(value: Any) -> int:
    """Read a summary counter (missing or malformed counts as 0)."""
    return value if isinstance(value, int) else 0


def _sort_key(finding: CheckovFinding) -> tuple[str, str, str]:
    """Order findings by check id, then resource, then file."""
    return (finding.check_id, finding.resource, finding.file)


def parse_checkov_json(data: Any, directory: Path | None = None) -> CheckovReport:
    """Parse Checkov's ``--output json`` into a :class:`CheckovReport`.

    Checkov prints one report object for one framework, a list of them for several, and a
    bare summary object (no ``results``) when it found nothing to scan; all are accepted,
    and the counts and findings of a list are added up.

    Args:
        data: the decoded JSON.
        directory: the scanned directory, to make file names relative to it.

    Raises:
        CheckovError: *data* does not look like a Checkov report.
    """
    reports = data if isinstance(data, list) else [data]
    if not reports or not all(isinstance(r, dict) for r in reports):
        raise CheckovError(f"unexpected checkov JSON: {str(data)[:500]}")
    root = directory.resolve() if directory is not None else None
    totals = dict.fromkeys(("passed", "failed", "skipped", "parsing_errors", "resource_count"), 0)
    failed: list[CheckovFinding] = []
    skipped: list[CheckovFinding] = []
    comments: dict[CheckovFinding, str] = {}
    parse_errors: list[str] = []
    version = ""
    for report in reports:
        summary = report.get("summary", report)
        if not isinstance(summary, dict) or "passed" not in summary:
            raise CheckovError(f"checkov JSON without a summary: {str(report)[:500]}")
        for key in totals:
            totals[key] += _as_int(summary.get(key))
        version = version or str(summary.get("checkov_version", ""))
        results = report.get("results") or {}
        for entry in results.get("failed_checks") or []:
            failed.append(_finding(entry, root))
        for entry in results.get("skipped_checks") or []:
            finding = _finding(entry, root)
            skipped.append(finding)
            result = entry.get("check_result") or {}
            comments[finding] = str(result.get("suppress_comment", ""))
        parse_errors.extend(str(p) for p in results.get("parsing_errors") or [])
    return CheckovReport(
        passed=totals["passed"],
        failed=totals["failed"],
        skipped=totals["skipped"],
        parsing_errors=totals["parsing_errors"],
        resource_count=totals["resource_count"],
        checkov_version=version,
        failed_checks=sorted(failed, key=_sort_key),
        skipped_checks=sorted(skipped, key=_sort_key),
        suppress_comments=comments,
        parsing_error_files=parse_errors,
        raw=data,
    )


def run_checkov(
    directory: Path,
    *,
    frameworks: Sequence[str] = ("kubernetes",),
    checks: Sequence[str] = (),
    skip_checks: Sequence[str] = (),
    timeout: float = 300.0,
    executable: Path | None = None,
) -> CheckovReport:
    """Run Checkov offline on every YAML file under *directory* and return its report.

    Args:
        directory: the directory to scan (e.g. a cdk8s ``dist/`` or a ``tmp_path``).
        frameworks: Checkov frameworks to run; ``kubernetes`` alone by default.
        checks: run only these check ids / severities (``--check``); all when empty.
        skip_checks: do not run these (``--skip-check``); they then appear nowhere in the
            report, unlike checks skipped by a ``checkov.io/skipN`` annotation.
        timeout: seconds before the run is killed and :class:`CheckovError` raised.
        executable: the checkov binary; :func:`checkov_path` by default.

    Raises:
        CheckovNotFoundError: the checkov executable is missing.
        NotADirectoryError: *directory* is not a directory.
        CheckovError: Checkov crashed, timed out or printed no JSON report.
    """
    binary = executable if executable is not None else checkov_path()
    if not binary.is_file():
        raise CheckovNotFoundError(
            f"checkov not found at {binary}; install it with "
            f"'python3.11 -m venv {REPO_ROOT}/.venv-checkov && "
            f"{REPO_ROOT}/.venv-checkov/bin/pip install -r {REPO_ROOT}/requirements-checkov.txt' "
            f"or point {CHECKOV_ENV_VAR} at a checkov executable"
        )
    root = directory.resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"checkov needs a directory to scan, got {directory}")
    command = [str(binary), "--directory", str(root), "--framework", *frameworks]
    command += _OFFLINE_FLAGS
    if checks:
        command += ["--check", ",".join(checks)]
    if skip_checks:
        command += ["--skip-check", ",".join(skip_checks)]
    try:
        completed = subprocess.run(
            command,
            cwd=root,
            env=_offline_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise CheckovError(f"checkov did not finish within {timeout}s: {command}") from error
    stderr_tail = completed.stderr.strip()[-2000:]
    if completed.returncode not in (0, 1):
        raise CheckovError(f"checkov exited with {completed.returncode}: {command}\n{stderr_tail}")
    try:
        data = json.loads(completed.stdout)
    except json.JSONDecodeError as error:
        raise CheckovError(
            f"checkov printed no JSON report: {completed.stdout[:500]!r}\n{stderr_tail}"
        ) from error
    return parse_checkov_json(data, root)
