"""RestoreDrill: the rendered CronJob and every guard's message (end to end: test_backup_e2e)."""

from __future__ import annotations

from typing import Any

import cdk8s
import pytest
from cdk8s import Chart

from station_constructs import (
    ConfigDirBackup,
    RestoreDrill,
    StationDeployment,
)
from tests.conftest import find, synth
from tests.support.backups import litestream
from tests.support.refusals import assert_refused


def make(chart: Chart, *, config: bool = True, **options: Any) -> RestoreDrill:
    station = StationDeployment(chart, "station")
    backup = litestream(chart, station)
    config_backup = ConfigDirBackup(chart, "config", backup=backup) if config else None
    return RestoreDrill(chart, "drill", backup=backup, config_backup=config_backup, **options)


def test_renders_a_cron_job_that_fails_once_and_never_overlaps(chart: Chart) -> None:
    drill = make(chart)
    cron = find(synth(chart), "CronJob", "station-restore-drill")
    assert cron["spec"]["schedule"] == "17 4 * * *"
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    job = cron["spec"]["jobTemplate"]["spec"]
    assert job["backoffLimit"] == 0
    pod = job["template"]["spec"]
    assert [c["name"] for c in pod["initContainers"]] == ["drill-config", "drill-database"]
    assert [c["name"] for c in pod["containers"]] == ["drill-record"]
    assert pod["initContainers"][1]["command"] == drill.database_command
    assert pod["initContainers"][0]["command"] == drill.config_command
    assert pod["containers"][0]["command"] == drill.record_command
    assert drill.high_water_mark == "backup:bkt/station/station/station.db.drill-hwm"
    assert pod["automountServiceAccountToken"] is False
    assert {"name": "drill", "emptyDir": {"sizeLimit": "2Gi"}} in pod["volumes"]
    # Never selected by the Station's Service or NetworkPolicy, never mounts its volume
    assert "app" not in job["template"]["metadata"]["labels"]
    assert all("persistentVolumeClaim" not in v for v in pod["volumes"])


def test_without_a_config_backup_only_the_database_is_drilled(chart: Chart) -> None:
    drill = make(chart, config=False)
    pod = find(synth(chart), "CronJob", "station-restore-drill")["spec"]["jobTemplate"]["spec"][
        "template"
    ]["spec"]
    assert [c["name"] for c in pod["initContainers"]] == ["drill-database"]
    assert [c["name"] for c in pod["containers"]] == ["drill-record"]
    assert "file_mcp_configs" not in drill.database_command[2]


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("schedule", "daily", ""),
        ("count_table", "runs; DROP", ""),
        ("min_rows", -1, ""),
        ("size_limit_mebibytes", 1, ""),
        ("active_deadline_seconds", 0, ""),
        ("name", "x" * 53, "is longer than 52 characters"),
    ],
)
def test_bad_input_is_refused(chart: Chart, field: str, value: Any, problem: str) -> None:
    assert_refused(lambda: make(chart, **{field: value}), field=field, value=value, problem=problem)


def test_refuses_a_config_backup_of_another_station(chart: Chart) -> None:
    one = StationDeployment(chart, "one", name="one", namespace="one")
    two = StationDeployment(chart, "two", name="two", namespace="two")
    backup_one = litestream(chart, one, "b1")
    backup_two = litestream(chart, two, "b2")
    config_two = ConfigDirBackup(chart, "c2", backup=backup_two)
    assert_refused(
        lambda: RestoreDrill(chart, "drill", backup=backup_one, config_backup=config_two),
        field="config_backup",
        value="ConfigDirBackup",
        problem="must be the ConfigDirBackup of the same LitestreamBackup",
    )


def test_refuses_something_else_than_a_litestream_backup(chart: Chart) -> None:
    assert_refused(
        lambda: RestoreDrill(chart, "drill", backup="bkt"),  # type: ignore[arg-type]
        field="backup",
        value="str",
        problem="must be the Station's LitestreamBackup",
    )


def test_attributes_are_read_only(chart: Chart) -> None:
    drill = make(chart)
    assert_refused(
        lambda: setattr(drill, "schedule", "@hourly"),
        field="schedule",
        value="@hourly",
        problem="is read-only after construction",
    )


def test_the_cron_job_is_the_primary_child(chart: Chart) -> None:
    drill = make(chart)
    primary = cdk8s.ApiObject.of(drill)
    assert (primary.kind, primary.name) == ("CronJob", drill.name)
