"""A real security scanner (checkov, offline) on what we synthesize, and on the baseline.

Every remaining finding is suppressed on the object itself with a reason a reviewer can read;
any new finding fails this test.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cdk8s
import pytest
import yaml
from cdk8s import Chart

from tests.support import apps
from tests.support.checkov_runner import CheckovReport, run_checkov
from tests.support.paths import REFERENCE_DIR, REPO, require_glob
from tests.test_examples import run_app

# None: CKV2_K8S_6 (a pod without a NetworkPolicy) passes since StationDeployment renders one.
ALLOWED_FAILURES: set[str] = set()

CASES: dict[str, Callable[[Chart], object]] = {
    "default": apps.default_app,
    "production": apps.production_app,
    "digest-pinned Station with a tag-pinned Litestream": apps.digest_station_with_litestream,
    "platform": apps.platform_app,
    "gateway": apps.gateway_app,
}


def scan(build: Callable[[Chart], object], directory: Path) -> CheckovReport:
    chart = Chart(cdk8s.Testing.app(), "scan")
    build(chart)
    directory.mkdir(parents=True)
    (directory / "manifests.yaml").write_text(yaml.safe_dump_all(cdk8s.Testing.synth(chart)))
    return run_checkov(directory)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CheckovReport]:
    base = tmp_path_factory.mktemp("checkov")
    return {case: scan(build, base / case) for case, build in CASES.items()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_unexplained_checkov_findings(reports: dict[str, CheckovReport], case: str) -> None:
    report = reports[case]
    assert report.passed > 80
    assert set(report.failed_ids) - ALLOWED_FAILURES == set(), report.describe()


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_suppression_carries_a_reason(reports: dict[str, CheckovReport], case: str) -> None:
    report = reports[case]
    assert report.skipped_checks
    for finding in report.skipped_checks:
        comment = report.suppress_comments.get(finding, "")
        assert len(comment) > 40, f"{finding.check_id} suppressed without a real reason"


def test_committed_dist_scans_like_the_default(tmp_path: Path) -> None:
    report = run_checkov(REPO / "dist")
    assert set(report.failed_ids) - ALLOWED_FAILURES == set(), report.describe()


EXAMPLES = sorted((REPO / "examples").glob("*.py"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_scans_clean(example: Path, tmp_path: Path) -> None:
    """Examples are what users copy: every object in them, theirs too, passes the scanner."""
    run_app([f"examples/{example.name}"], tmp_path / "out")
    report = run_checkov(tmp_path / "out")
    assert report.passed > 80
    assert set(report.failed_ids) - ALLOWED_FAILURES == set(), report.describe()


def test_baseline_hand_written_manifests_fail_14_of_93(tmp_path: Path) -> None:
    for path in require_glob(REFERENCE_DIR, "*.yaml", at_least=6):
        (tmp_path / path.name).write_text(path.read_text())
    report = run_checkov(tmp_path)
    assert (report.passed, report.failed) == (79, 14), report.describe()
