"""StationVolumeSnapshot and restoring a claim from it (StationStorage.restore_from_snapshot)."""

from __future__ import annotations

from typing import Any

import pytest
from cdk8s import Chart

from station_constructs import (
    ClusterProfile,
    StationDeployment,
    StationStorage,
    StationVolumeSnapshot,
)
from tests.conftest import find, synth
from tests.support.refusals import assert_refused


def snapshot(chart: Chart, **kwargs: Any) -> StationVolumeSnapshot:
    """A snapshot of ``station`` (a new Station when not given) through ``csi-snapclass``."""
    station = kwargs.pop("station", None) or StationDeployment(chart, "station")
    kwargs.setdefault("snapshot_class", "csi-snapclass")
    return StationVolumeSnapshot(chart, "snapshot", station=station, **kwargs)


#: Where a refusal of :func:`snapshot` comes from.
SNAPSHOT = "StationVolumeSnapshot 'test/snapshot'"
#: Where a refusal of ``StationDeployment(chart, "station")`` comes from.
STATION = "StationDeployment 'test/station'"


def test_snapshot_of_the_station_volume(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    snap = StationVolumeSnapshot(chart, "backup", station=station, snapshot_class="csi-aws-vsc")
    assert (snap.name, snap.namespace, snap.pvc_name) == (
        "station-data-snapshot",
        "station",
        "station-data",
    )
    obj = find(synth(chart), "VolumeSnapshot", "station-data-snapshot")
    assert obj["apiVersion"] == "snapshot.storage.k8s.io/v1"
    assert obj["metadata"]["namespace"] == "station"
    assert obj["metadata"]["labels"]["app.kubernetes.io/component"] == "snapshot"
    assert obj["spec"] == {
        "source": {"persistentVolumeClaimName": "station-data"},
        "volumeSnapshotClassName": "csi-aws-vsc",
    }


def test_snapshot_is_protected_from_gitops_pruning_by_default(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    StationVolumeSnapshot(chart, "a", station=station, snapshot_class="c", name="a")
    StationVolumeSnapshot(
        chart, "b", station=station, snapshot_class="c", name="b", protect_from_prune=False
    )
    objects = synth(chart)
    assert find(objects, "VolumeSnapshot", "a")["metadata"]["annotations"] == {
        "argocd.argoproj.io/sync-options": "Prune=false,Delete=false",
        "kustomize.toolkit.fluxcd.io/prune": "disabled",
    }
    assert "annotations" not in find(objects, "VolumeSnapshot", "b")["metadata"]


def test_snapshot_follows_custom_claim_and_namespace(chart: Chart) -> None:
    station = StationDeployment(
        chart,
        "station",
        namespace="ai",
        storage=StationStorage(claim_name="agents-db", create=False),
    )
    StationVolumeSnapshot(
        chart, "backup", station=station, snapshot_class="c", name="agents-db-2026-01-15"
    )
    obj = find(synth(chart), "VolumeSnapshot", "agents-db-2026-01-15")
    assert obj["metadata"]["namespace"] == "ai"
    assert obj["spec"]["source"] == {"persistentVolumeClaimName": "agents-db"}


def test_dated_snapshots_live_side_by_side(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    for day in ("2026-01-14", "2026-01-15"):
        StationVolumeSnapshot(
            chart, day, station=station, snapshot_class="c", name=f"station-data-{day}"
        )
    names = [o["metadata"]["name"] for o in synth(chart) if o["kind"] == "VolumeSnapshot"]
    assert names == ["station-data-2026-01-14", "station-data-2026-01-15"]


def test_restore_renders_the_claims_data_source(chart: Chart) -> None:
    StationDeployment(
        chart,
        "station",
        storage=StationStorage(
            claim_name="station-data-restored",
            storage_class="gp3",
            restore_from_snapshot="station-data-2026-01-15",
        ),
    )
    pvc = find(synth(chart), "PersistentVolumeClaim", "station-data-restored")
    assert pvc["spec"]["dataSource"] == {
        "apiGroup": "snapshot.storage.k8s.io",
        "kind": "VolumeSnapshot",
        "name": "station-data-2026-01-15",
    }


def test_no_data_source_by_default(chart: Chart) -> None:
    StationDeployment(chart, "station")
    assert "dataSource" not in find(synth(chart), "PersistentVolumeClaim", "station-data")["spec"]


# ------------------------------------------------------------------ guards


@pytest.mark.parametrize("storage_class", ["local-path", "local-path-retain"])
def test_fails_on_local_path_storage(chart: Chart, storage_class: str) -> None:
    station = StationDeployment(
        chart, "station", storage=StationStorage(storage_class=storage_class)
    )
    assert_refused(
        lambda: snapshot(chart, station=station),
        field="station.storage.storage_class",
        value=storage_class,
        problem="no snapshot support",
        fix="LitestreamBackup",
        where=SNAPSHOT,
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "value", "problem", "fix"),
    [
        ({"snapshot_class": "CSI Snapshots"}, "snapshot_class", "CSI Snapshots", "RFC 1123", ""),
        ({"snapshot_class": ""}, "snapshot_class", "", "", ""),
        ({"name": "Station_Backup"}, "name", "Station_Backup", "", ""),
        ({"station": "station"}, "station", "str", "", "StationDeployment(...)"),
    ],
)
def test_fails_on_bad_arguments(
    chart: Chart,
    kwargs: dict[str, Any],
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: snapshot(chart, **kwargs),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where="StationVolumeSnapshot 'test/snapshot'",
    )


def test_fails_on_a_reused_snapshot_name(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    StationVolumeSnapshot(chart, "first", station=station, snapshot_class="c")
    assert_refused(
        lambda: snapshot(chart, station=station),
        field="name",
        value="station-data-snapshot",
        problem=["already rendered by 'test/first'", "a snapshot is taken once"],
        fix="'station-data-2026-01-15'",
        where=SNAPSHOT,
    )


@pytest.mark.parametrize(
    ("storage", "field", "value", "problem", "fix"),
    [
        (
            StationStorage(create=False, restore_from_snapshot="snap"),
            "storage.restore_from_snapshot",
            "snap",
            "",
            "StationStorage(create=True, claim_name=",
        ),
        (
            StationStorage(storage_class="local-path-retain", restore_from_snapshot="snap"),
            "storage.restore_from_snapshot",
            "snap",
            "local-path provisioner",
            "LitestreamBackup",
        ),
        (
            StationStorage(restore_from_snapshot="Snap 1"),
            "storage.restore_from_snapshot",
            "Snap 1",
            "RFC 1123",
            "",
        ),
    ],
)
def test_fails_on_impossible_restores(
    chart: Chart,
    storage: StationStorage,
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", storage=storage),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


def test_fails_on_the_k3s_profiles_default_storage(chart: Chart) -> None:
    station = StationDeployment(chart, "station", profile=ClusterProfile.K3S)
    assert_refused(
        lambda: snapshot(chart, station=station),
        field="station.storage.storage_class",
        value="local-path",
        fix="LitestreamBackup",
        where=SNAPSHOT,
    )
