"""BackupAlerts: the rendered PrometheusRule checked and unit-tested with the real promtool.

``promtool check rules`` validates the rule file taken from the synthesized PrometheusRule;
``promtool test rules`` feeds input series to every alert and asserts when it fires and
when it stays silent. promtool comes from Debian's prometheus package (``./dev.sh setup``
unpacks it into .tools/).
"""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path
from typing import Any

import cdk8s
import pytest
import yaml
from cdk8s import Chart

from station_constructs import (
    BackupAlerts,
    ConfigDirBackup,
    LitestreamBackup,
    LitestreamServiceMonitor,
    RestoreDrill,
    S3Replica,
    SidecarMode,
    StationDeployment,
)
from tests.conftest import find, synth
from tests.support.backups import litestream
from tests.support.crd_schema import validate_custom_object
from tests.support.paths import REPO
from tests.support.refusals import assert_refused

NS = "prod"
POD = "station-7d9f8c6b5-x2kqp"  # <Deployment>-<ReplicaSet hash>-<suffix>
TARGET = f'namespace="{NS}", job="station", pod="{POD}"'


def promtool() -> str:
    local = REPO / ".tools/prometheus/usr/bin/promtool"
    if local.is_file():
        return str(local)
    found = shutil.which("promtool")
    assert found, "promtool not found: run ./dev.sh setup"
    return found


def build(chart: Chart, **options: Any) -> tuple[list[Any], BackupAlerts]:
    station = StationDeployment(chart, "station", namespace=NS)
    backup = litestream(chart, station)
    config = ConfigDirBackup(chart, "config", backup=backup)
    RestoreDrill(chart, "drill", backup=backup, config_backup=config)
    LitestreamServiceMonitor(chart, "monitor", station=station)
    alerts = BackupAlerts(chart, "alerts", station=station, **options)
    return synth(chart), alerts


def rendered_rule_file(objects: list[Any], tmp_path: Path) -> Path:
    """The rule file exactly as in the synthesized PrometheusRule's spec."""
    rule = find(objects, "PrometheusRule", "station-backups")
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}))
    return path


def test_promtool_accepts_the_rendered_rules(chart: Chart, tmp_path: Path) -> None:
    objects, alerts = build(chart)
    path = rendered_rule_file(objects, tmp_path)
    result = subprocess.run(
        [promtool(), "check", "rules", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(alerts.rules)} rules found" in result.stdout
    assert [r["alert"] for r in alerts.rules] == [
        "StationBackupSyncErrors",
        "StationBackupStalled",
        "StationBackupSidecarDown",
        "StationBackupFailing",
        "StationConfigBackupFailing",
        "StationRestoreDrillFailing",
    ]


def test_the_prometheus_rule_is_valid_against_its_crd(chart: Chart) -> None:
    objects, _ = build(chart)
    assert validate_custom_object(find(objects, "PrometheusRule", "station-backups")) == []


def alert(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"exp_labels": {"severity": "critical", **labels}}


BASE = {"namespace": NS, "job": "station", "pod": POD}
DB = {**BASE, "db": "/data/station.db"}
UNIT_TESTS: list[dict[str, Any]] = [
    {  # S3 errors: the counter grows -> fires after 2m; a flat counter stays silent
        "interval": "1m",
        "input_series": [
            {
                "series": f'litestream_sync_error_count{{{TARGET}, db="/data/station.db"}}',
                "values": "0 0 1 2 3 4 5 6 7 8",
            },
        ],
        "alert_rule_test": [
            {"eval_time": "1m", "alertname": "StationBackupSyncErrors", "exp_alerts": []},
            {
                "eval_time": "6m",
                "alertname": "StationBackupSyncErrors",
                "exp_alerts": [alert("StationBackupSyncErrors", DB)],
            },
        ],
    },
    {  # healthy: no errors, uploads follow the writes, the target is up
        "interval": "1m",
        "input_series": [
            {
                "series": f'litestream_sync_error_count{{{TARGET}, db="/data/station.db"}}',
                "values": "0x15",
            },
            {"series": f'litestream_txid{{{TARGET}, db="/data/station.db"}}', "values": "1+1x15"},
            {
                "series": f'litestream_replica_operation_total{{{TARGET}, operation="PUT", '
                'replica_type="s3"}',
                "values": "5+2x15",
            },
            {"series": f"up{{{TARGET}}}", "values": "1x15"},
            {
                "series": f'kube_pod_init_container_status_restarts_total{{namespace="{NS}", '
                f'pod="{POD}", container="config-backup"}}',
                "values": "0x15",
            },
            {
                "series": f'kube_pod_init_container_status_restarts_total{{namespace="{NS}", '
                f'pod="{POD}", container="litestream"}}',
                "values": "0x15",
            },
        ],
        "alert_rule_test": [
            {"eval_time": "12m", "alertname": name, "exp_alerts": []}
            for name in (
                "StationBackupSyncErrors",
                "StationBackupStalled",
                "StationBackupSidecarDown",
                "StationBackupFailing",
                "StationConfigBackupFailing",
            )
        ],
    },
    {  # S3 down: the database advances, nothing is uploaded -> stalled
        "interval": "1m",
        "input_series": [
            {"series": f'litestream_txid{{{TARGET}, db="/data/station.db"}}', "values": "1+1x15"},
            {
                "series": f'litestream_replica_operation_total{{{TARGET}, operation="PUT", '
                'replica_type="s3"}',
                "values": "5x15",
            },
            {"series": f"up{{{TARGET}}}", "values": "1x15"},
        ],
        "alert_rule_test": [
            {
                "eval_time": "10m",
                "alertname": "StationBackupStalled",
                "exp_alerts": [alert("StationBackupStalled", DB)],
            },
            {"eval_time": "10m", "alertname": "StationBackupSidecarDown", "exp_alerts": []},
        ],
    },
    {  # an idle database uploads nothing, and that is no alert
        "interval": "1m",
        "input_series": [
            {"series": f'litestream_txid{{{TARGET}, db="/data/station.db"}}', "values": "7x15"},
            {
                "series": f'litestream_replica_operation_total{{{TARGET}, operation="PUT", '
                'replica_type="s3"}',
                "values": "5x15",
            },
        ],
        "alert_rule_test": [
            {"eval_time": "10m", "alertname": "StationBackupStalled", "exp_alerts": []},
        ],
    },
    {  # the sidecar is down, then its target is gone altogether
        "interval": "1m",
        "input_series": [{"series": f"up{{{TARGET}}}", "values": "0x7"}],
        "alert_rule_test": [
            {"eval_time": "3m", "alertname": "StationBackupSidecarDown", "exp_alerts": []},
            {
                "eval_time": "6m",
                "alertname": "StationBackupSidecarDown",
                "exp_alerts": [alert("StationBackupSidecarDown", BASE)],
            },
            {
                "eval_time": "20m",
                "alertname": "StationBackupSidecarDown",
                "exp_alerts": [
                    alert("StationBackupSidecarDown", {"namespace": NS, "job": "station"})
                ],
            },
        ],
    },
    {  # S3 refused or hung: the litestream sidecar exits after 45 s of lag and restarts
        # (Litestream's own series stay flat in an outage: no error, no PUT)
        "interval": "1m",
        "input_series": [
            {
                "series": f'kube_pod_init_container_status_restarts_total{{namespace="{NS}", '
                f'pod="{POD}", container="litestream"}}',
                "values": "0 0 1 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2",
            },
            {
                "series": f'litestream_sync_error_count{{{TARGET}, db="/data/station.db"}}',
                "values": "0x21",
            },
            {"series": f"up{{{TARGET}}}", "values": "1x21"},
        ],
        "alert_rule_test": [
            {"eval_time": "1m", "alertname": "StationBackupFailing", "exp_alerts": []},
            {
                "eval_time": "2m",
                "alertname": "StationBackupFailing",
                "exp_alerts": [
                    alert(
                        "StationBackupFailing",
                        {"namespace": NS, "pod": POD, "container": "litestream"},
                    )
                ],
            },
            {"eval_time": "2m", "alertname": "StationBackupSyncErrors", "exp_alerts": []},
            # 15 minutes after the last restart it resolves
            {"eval_time": "20m", "alertname": "StationBackupFailing", "exp_alerts": []},
        ],
    },
    {  # the config-backup sidecar restarted after failed syncs
        "interval": "1m",
        "input_series": [
            {
                "series": f'kube_pod_init_container_status_restarts_total{{namespace="{NS}", '
                f'pod="{POD}", container="config-backup"}}',
                "values": "0 0 1 1 1",
            },
        ],
        "alert_rule_test": [
            {"eval_time": "1m", "alertname": "StationConfigBackupFailing", "exp_alerts": []},
            {
                "eval_time": "3m",
                "alertname": "StationConfigBackupFailing",
                "exp_alerts": [
                    alert(
                        "StationConfigBackupFailing",
                        {"namespace": NS, "pod": POD, "container": "config-backup"},
                    )
                ],
            },
        ],
    },
]


def _drill_jobs(jobs: dict[str, tuple[int, str, str]]) -> list[dict[str, str]]:
    """Input series of drill Jobs: name -> (created at, failed values, succeeded values)."""
    series = []
    for name, (created, failed, succeeded) in jobs.items():
        labels = f'namespace="{NS}", job_name="station-restore-drill-{name}"'
        series += [
            {"series": f"kube_job_created{{{labels}}}", "values": f"{created}x5"},
            {"series": f"kube_job_status_failed{{{labels}}}", "values": failed},
            {"series": f"kube_job_status_succeeded{{{labels}}}", "values": succeeded},
        ]
    return series


def _drill_alert(name: str) -> dict[str, Any]:
    return alert(
        "StationRestoreDrillFailing",
        {"namespace": NS, "job_name": f"station-restore-drill-{name}"},
    )


UNIT_TESTS += [
    {  # the only drill failed: the alert fires once the Job has failed
        "interval": "1m",
        "input_series": _drill_jobs({"100": (100, "0 0 1 1 1", "0 0 0 0 0")}),
        "alert_rule_test": [
            {"eval_time": "1m", "alertname": "StationRestoreDrillFailing", "exp_alerts": []},
            {
                "eval_time": "3m",
                "alertname": "StationRestoreDrillFailing",
                "exp_alerts": [_drill_alert("100")],
            },
        ],
    },
    {  # a drill failed, a later one succeeded: the failed Job in the history is no alert
        "interval": "1m",
        "input_series": _drill_jobs(
            {"100": (100, "1 1 1 1 1", "0 0 0 0 0"), "200": (200, "0 0 0 0 0", "1 1 1 1 1")}
        ),
        "alert_rule_test": [
            {"eval_time": "3m", "alertname": "StationRestoreDrillFailing", "exp_alerts": []}
        ],
    },
    {  # a drill succeeded, a later one failed: the alert names the failed one
        "interval": "1m",
        "input_series": _drill_jobs(
            {"100": (100, "0 0 0 0 0", "1 1 1 1 1"), "200": (200, "1 1 1 1 1", "0 0 0 0 0")}
        ),
        "alert_rule_test": [
            {
                "eval_time": "3m",
                "alertname": "StationRestoreDrillFailing",
                "exp_alerts": [_drill_alert("200")],
            }
        ],
    },
]


def run_rule_tests(rule_file: Path, tests: list[dict[str, Any]], tmp_path: Path) -> str:
    spec = tmp_path / "tests.yml"
    spec.write_text(
        yaml.safe_dump(
            {"rule_files": [str(rule_file)], "evaluation_interval": "1m", "tests": tests}
        )
    )
    result = subprocess.run(
        [promtool(), "test", "rules", str(spec)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_every_alert_fires_when_it_should_and_only_then(chart: Chart, tmp_path: Path) -> None:
    objects, alerts = build(chart)
    annotations = {r["alert"]: r["annotations"] for r in alerts.rules}
    tests = copy.deepcopy(UNIT_TESTS)
    for group in tests:
        for case in group["alert_rule_test"]:
            for expected in case["exp_alerts"]:
                expected["exp_annotations"] = annotations[case["alertname"]]
    output = run_rule_tests(rendered_rule_file(objects, tmp_path), tests, tmp_path)
    assert "SUCCESS" in output
    print(f"\n[alerts] promtool test rules: {len(UNIT_TESTS)} test groups, SUCCESS")


def test_the_stalled_window_is_a_multiple_of_the_sync_interval(chart: Chart) -> None:
    _, alerts = build(chart, stalled_after=600)
    assert alerts.window == "10m"
    stalled = next(r for r in alerts.rules if r["alert"] == "StationBackupStalled")
    assert "[10m]" in stalled["expr"]


@pytest.mark.parametrize(
    ("options", "field", "value", "problem"),
    [
        ({"stalled_after": 0}, "stalled_after", 0, ""),
        ({"min_window": "10s"}, "min_window", "10s", ""),
        ({"severity": "page"}, "severity", "page", "must be one of"),
        ({"labels": {"app": "x"}}, "labels['app']", "x", "is set by the construct"),
    ],
)
def test_bad_input_is_refused(
    chart: Chart, options: dict[str, Any], field: str, value: Any, problem: str
) -> None:
    assert_refused(lambda: build(chart, **options), field=field, value=value, problem=problem)


def test_needs_litestream_metrics(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    assert_refused(
        lambda: BackupAlerts(chart, "alerts", station=station),
        field="station",
        value="test/station",
        problem="has no LitestreamBackup with metrics attached",
        fix="metrics=LitestreamMetrics.served()",
    )


def test_refuses_something_else_than_a_station(chart: Chart) -> None:
    assert_refused(
        lambda: BackupAlerts(chart, "alerts", station="station"),  # type: ignore[arg-type]
        field="station",
        value="str",
        problem="must be the StationDeployment whose backups to watch",
    )


def test_attributes_are_read_only(chart: Chart) -> None:
    _, alerts = build(chart)
    assert_refused(
        lambda: setattr(alerts, "window", "1h"),
        field="window",
        value="1h",
        problem="is read-only after construction",
    )


def config_restarts_test(metric: str, pods: dict[str, str], firing: list[str]) -> dict[str, Any]:
    """A promtool test group: config-backup restart counters of ``pods`` (pod -> values)."""
    return {
        "interval": "1m",
        "input_series": [
            {
                "series": f'{metric}{{namespace="{NS}", pod="{pod}", container="config-backup"}}',
                "values": values,
            }
            for pod, values in pods.items()
        ],
        "alert_rule_test": [
            {
                "eval_time": "3m",
                "alertname": "StationConfigBackupFailing",
                "exp_alerts": [
                    alert(
                        "StationConfigBackupFailing",
                        {"namespace": NS, "pod": pod, "container": "config-backup"},
                    )
                    for pod in firing
                ],
            }
        ],
    }


@pytest.mark.parametrize(
    ("mode", "metric", "other"),
    [
        (
            SidecarMode.NATIVE,
            "kube_pod_init_container_status_restarts_total",
            "kube_pod_container_status_restarts_total",
        ),
        (
            SidecarMode.CLASSIC,
            "kube_pod_container_status_restarts_total",
            "kube_pod_init_container_status_restarts_total",
        ),
    ],
)
def test_config_backup_restarts_are_read_per_mode_and_per_station(
    chart: Chart, tmp_path: Path, mode: SidecarMode, metric: str, other: str
) -> None:
    # Two Stations in one namespace: "station" and "station-b" (whose pods also start with
    # "station-"). kube-state-metrics reports a native sidecar's restarts as an init
    # container's, a classic sidecar's as a container's.
    stations = {}
    for name in ("station", "station-b"):
        station = StationDeployment(
            chart, name, name=name, namespace=NS, create_namespace=name == "station"
        )
        backup = LitestreamBackup(
            chart,
            f"{name}-backup",
            station=station,
            replica=S3Replica.aws("bkt"),
            sidecar_mode=mode,
        )
        ConfigDirBackup(chart, f"{name}-config", backup=backup)
        LitestreamServiceMonitor(chart, f"{name}-monitor", station=station)
        stations[name] = BackupAlerts(chart, f"{name}-alerts", station=station)
    alerts = stations["station"]
    other_pod = "station-b-5c8d7f9b4-q7mzt"
    annotations = {r["alert"]: r["annotations"] for r in alerts.rules}
    tests = [
        # This Station's sidecar restarted: fires (for its pod only)
        config_restarts_test(metric, {POD: "0 0 1 1 1", other_pod: "0 0 1 1 1"}, [POD]),
        # Only the other Station's sidecar restarted: silent
        config_restarts_test(metric, {POD: "0 0 0 0 0", other_pod: "0 0 1 1 1"}, []),
        # The other metric is not this mode's: it never fires
        config_restarts_test(other, {POD: "0 0 1 1 1"}, []),
    ]
    for group in tests:
        for case in group["alert_rule_test"]:
            for expected in case["exp_alerts"]:
                expected["exp_annotations"] = annotations[case["alertname"]]
    rule_file = tmp_path / "rules.yml"
    rule_file.write_text(yaml.safe_dump(alerts.rule_file()))
    assert "SUCCESS" in run_rule_tests(rule_file, tests, tmp_path)


def test_the_prometheus_rule_is_the_primary_child(chart: Chart) -> None:
    _, alerts = build(chart)
    primary = cdk8s.ApiObject.of(alerts)
    assert (primary.kind, primary.name) == ("PrometheusRule", alerts.name)
