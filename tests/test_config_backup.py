"""ConfigDirBackup: rendering, order of the init containers, and every guard's message."""

from __future__ import annotations

from typing import Any

import pytest
from cdk8s import Chart

from station_constructs import (
    RCLONE_IMAGE,
    ConfigDirBackup,
    ConfigDirectory,
    LitestreamBackup,
    S3Replica,
    SidecarMode,
    StationDeployment,
)
from tests.conftest import container, find, pod_spec, synth
from tests.support.backups import litestream
from tests.support.refusals import assert_refused


def make(chart: Chart, *, station: dict[str, Any] | None = None, **options: Any) -> ConfigDirBackup:
    s = StationDeployment(chart, "station", **(station or {}))
    mode = options.pop("sidecar_mode", SidecarMode.NATIVE)
    backup = LitestreamBackup(
        chart, "backup", station=s, replica=S3Replica.aws("bkt"), sidecar_mode=mode
    )
    return ConfigDirBackup(chart, "config", backup=backup, **options)


def test_restores_after_the_database_and_before_seed_home(chart: Chart) -> None:
    make(chart)
    spec = pod_spec(synth(chart))
    names = [c["name"] for c in spec["initContainers"]]
    assert names == [
        "litestream-restore",
        "config-restore",
        "seed-home",
        "litestream",
        "config-backup",
    ]
    assert spec["initContainers"][4]["restartPolicy"] == "Always"
    assert "restartPolicy" not in spec["initContainers"][1]


def test_copy_lives_next_to_the_replica_and_is_named_on_the_pod(chart: Chart) -> None:
    config = make(chart)
    assert config.path == "station/station/config"
    assert config.remote == "backup:bkt/station/station/config"
    pod = find(synth(chart), "Deployment", "station")["spec"]["template"]
    assert pod["metadata"]["annotations"]["station-constructs/config-backup"] == (
        "s3://bkt/station/station/config"
    )


def test_containers_run_the_rendered_scripts_with_the_litestream_credentials(
    chart: Chart,
) -> None:
    config = make(chart, interval="2m")
    objects = synth(chart)
    restore = container(objects, container_name="config-restore")
    sidecar = container(objects, container_name="config-backup")
    assert restore["command"] == config.restore_command
    assert sidecar["command"] == config.backup_command
    assert "sleep 120 &" in config.backup_command[2]
    for c in (restore, sidecar):
        assert c["image"] == RCLONE_IMAGE
        assert "$(" not in c["command"][2]
        refs = {e["name"]: e.get("valueFrom") for e in c["env"]}
        assert refs["AWS_ACCESS_KEY_ID"] == {
            "secretKeyRef": {
                "key": "AWS_ACCESS_KEY_ID",
                "name": "station-litestream",
                "optional": False,
            }
        }
        assert refs["RCLONE_CONFIG_BACKUP_PROVIDER"] is None
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
        assert c["securityContext"]["capabilities"] == {"drop": ["ALL"]}


def test_classic_mode_renders_an_ordinary_container(chart: Chart) -> None:
    make(chart, sidecar_mode=SidecarMode.CLASSIC)
    spec = pod_spec(synth(chart))
    assert [c["name"] for c in spec["containers"]] == ["station", "litestream", "config-backup"]
    sidecar = spec["containers"][2]
    assert sidecar["lifecycle"] == {"preStop": {"exec": {"command": ["sleep", "10"]}}}


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("interval", "1s", "at least 5s"),
        ("path", "station/station/station.db/config", "overlaps the database replica's path"),
        ("path", "/abs", "key prefix"),
        ("max_failures", 0, ""),
        ("image", "rclone/rclone", ""),
        ("require_backup", "yes", "True or False"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_a_fix(
    chart: Chart, field: str, value: Any, problem: str
) -> None:
    assert_refused(lambda: make(chart, **{field: value}), field=field, value=value, problem=problem)


def test_refuses_a_station_whose_config_is_in_the_image(chart: Chart) -> None:
    assert_refused(
        lambda: make(chart, station={"config_directory": ConfigDirectory.from_image()}),
        field="backup",
        value="test/backup",
        problem="keeps the config directory in the image",
        fix="ConfigDirectory.on_volume()",
    )


def test_refuses_something_else_than_a_litestream_backup(chart: Chart) -> None:
    assert_refused(
        lambda: ConfigDirBackup(chart, "config", backup="bkt"),  # type: ignore[arg-type]
        field="backup",
        value="str",
        problem="must be the Station's LitestreamBackup",
    )


def test_the_grace_period_covers_both_final_syncs(chart: Chart) -> None:
    config = make(chart)
    # Station's stop (10 s) + Litestream's shutdown-sync-timeout (30 s) + 5 s + 15 s (rclone)
    assert config.station.termination_grace_period_seconds == 60
    assert config.backup.termination_grace_period_seconds == 60
    assert pod_spec(synth(chart))["terminationGracePeriodSeconds"] == 60


def test_attributes_are_read_only_and_the_scope_is_checked(chart: Chart) -> None:
    config = make(chart)
    assert_refused(
        lambda: setattr(config, "interval", "1s"),
        field="interval",
        value="1s",
        problem="is read-only after construction",
    )
    assert_refused(
        lambda: ConfigDirBackup("chart", "config", backup=config.backup),  # type: ignore[arg-type]
        field="scope",
        value="str",
        problem="must be a construct",
    )


def test_refuses_a_path_that_contains_the_database_replica(chart: Chart) -> None:
    # rclone sync to "station/station" would delete the Litestream files under
    # "station/station/station.db" (they are not in /data/config).
    s = StationDeployment(chart, "station")
    backup = litestream(chart, s, path="station/station/station.db")
    assert_refused(
        lambda: ConfigDirBackup(chart, "config", backup=backup, path="station/station"),
        field="path",
        value="station/station",
        problem="overlaps the database replica's path 'station/station/station.db'",
        fix="path='station/station/config'",
    )


def test_two_stations_in_one_folder_are_refused_one_config_prefix(chart: Chart) -> None:
    copies = []
    for name in ("a", "b"):
        s = StationDeployment(chart, name, name=name, namespace=name)
        backup = litestream(chart, s, f"{name}-backup", path=f"prod/{name}.db")
        if name == "a":
            copies.append(ConfigDirBackup(chart, f"{name}-config", backup=backup))
            continue
        assert_refused(
            lambda: ConfigDirBackup(chart, "b-config", backup=backup),  # noqa: B023
            field="path",
            value="prod/config",
            problem="the config directory copy of 'test/a-config'",
            fix="give this Station's config directory a prefix of its own, "
            "e.g. path='prod/b.db-config'",
        )
        # The default of an existing configuration is unchanged; an explicit path works.
        assert (
            ConfigDirBackup(chart, "b-config-2", backup=backup, path="prod/b.db-config").path
            == "prod/b.db-config"
        )
    assert copies[0].path == "prod/config"


def test_a_config_prefix_may_not_contain_another_stations_replica(chart: Chart) -> None:
    a = StationDeployment(chart, "a", name="a", namespace="a")
    litestream(chart, a, "a-backup", path="prod/a/station.db")
    b = StationDeployment(chart, "b", name="b", namespace="b")
    backup = litestream(chart, b, "b-backup", path="prod/b/station.db")
    assert_refused(
        lambda: ConfigDirBackup(chart, "b-config", backup=backup, path="prod/a"),
        field="path",
        value="prod/a",
        problem="the database replica of 'test/a-backup'",
    )
    # Another bucket is another store: no overlap.
    other = LitestreamBackup(
        chart,
        "c-backup",
        station=StationDeployment(chart, "c", name="c", namespace="c"),
        replica=S3Replica.aws("other", path="prod/c/station.db"),
    )
    ConfigDirBackup(chart, "c-config", backup=other, path="prod/a")


def test_config_restore_knows_seed_homes_config_yaml() -> None:
    # config-restore recognizes seed-home's minimal config.yaml by its first line.
    from station_constructs._backup_scripts import SEED_CONFIG_HEADER
    from station_constructs._seed import SEED_SCRIPT

    assert f'echo "{SEED_CONFIG_HEADER} Without"' in SEED_SCRIPT
