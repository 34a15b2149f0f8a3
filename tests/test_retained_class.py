"""StationStorage(retained_class=...): the volume outlives its claim."""

from __future__ import annotations

import cdk8s
import pytest
from cdk8s import Chart

from station_constructs import (
    ClusterProfile,
    RetainedStorageClass,
    StationDeployment,
    StationStorage,
)
from tests.conftest import find, synth
from tests.support.kube_validate import validate_manifest
from tests.support.refusals import assert_refused

EBS = RetainedStorageClass(
    "station-retain", "ebs.csi.aws.com", {"type": "gp3", "encrypted": "true"}
)


def test_the_class_is_rendered_before_the_claim_that_uses_it(chart: Chart) -> None:
    StationDeployment(chart, "station", storage=StationStorage(retained_class=EBS))
    objects = synth(chart)
    kinds = [o["kind"] for o in objects]
    assert kinds.index("StorageClass") < kinds.index("PersistentVolumeClaim")
    storage_class = find(objects, "StorageClass", "station-retain")
    assert storage_class["reclaimPolicy"] == "Retain"
    assert storage_class["provisioner"] == "ebs.csi.aws.com"
    assert storage_class["parameters"] == {"encrypted": "true", "type": "gp3"}
    assert storage_class["volumeBindingMode"] == "WaitForFirstConsumer"
    assert "namespace" not in storage_class["metadata"]
    claim = find(objects, "PersistentVolumeClaim", "station-data")
    assert claim["spec"]["storageClassName"] == "station-retain"
    for version in ("1.27", "1.37"):
        assert validate_manifest(storage_class, version, strict=True) == []


def test_k3s_defaults_to_local_path_and_a_namespaced_chart_stamps_nothing() -> None:
    chart = Chart(cdk8s.Testing.app(), "c", namespace="station")
    StationDeployment(
        chart,
        "station",
        profile=ClusterProfile.K3S,
        storage=StationStorage(retained_class=RetainedStorageClass("local-path-retain")),
    )
    storage_class = find(synth(chart), "StorageClass", "local-path-retain")
    assert storage_class["provisioner"] == "rancher.io/local-path"
    assert "namespace" not in storage_class["metadata"]


def test_two_stations_share_one_class_but_not_two_settings() -> None:
    app = cdk8s.Testing.app()
    one, two = Chart(app, "one"), Chart(app, "two")
    StationDeployment(one, "station", namespace="a", storage=StationStorage(retained_class=EBS))
    StationDeployment(two, "station", namespace="b", storage=StationStorage(retained_class=EBS))
    rendered = [o for c in (one, two) for o in synth(c) if o["kind"] == "StorageClass"]
    assert len(rendered) == 1
    other = RetainedStorageClass("station-retain", "ebs.csi.aws.com", {"type": "io2"})
    assert_refused(
        lambda: StationDeployment(
            Chart(app, "three"),
            "station",
            namespace="c",
            storage=StationStorage(retained_class=other),
        ),
        field="storage.retained_class",
        value=other,
        problem=["other settings", "cannot change"],
        where="StationDeployment 'three/station'",
    )


@pytest.mark.parametrize(
    ("storage", "field", "value", "problem"),
    [
        (
            StationStorage(retained_class=RetainedStorageClass("r")),
            "storage.retained_class.provisioner",
            None,
            "is required",
        ),
        (
            StationStorage(storage_class="gp3", retained_class=EBS),
            "storage.storage_class",
            "gp3",
            "conflicts with retained_class",
        ),
        (
            StationStorage(volume_name="pv-1", retained_class=EBS),
            "storage.volume_name",
            "pv-1",
            "conflicts",
        ),
        (
            StationStorage(create=False, retained_class=EBS),
            "storage.retained_class",
            "station-retain",
            "needs a claim to provision",
        ),
        (
            StationStorage(retained_class=RetainedStorageClass("r", "x", {"a": 1})),  # type: ignore[dict-item]
            "storage.retained_class.parameters['a']",
            1,
            "must map strings to strings",
        ),
    ],
)
def test_bad_retained_classes_are_refused(
    chart: Chart, storage: StationStorage, field: str, value: object, problem: str
) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", storage=storage),
        field=field,
        value=value,
        problem=problem,
        where="StationDeployment 'test/station'",
    )
