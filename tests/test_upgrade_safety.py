"""Upgrades and refactors never touch data-holding or immutable fields.

- the same app with image v1 and v2 differs only in the image;
- renaming construct ids, reordering construct creation and adding a second Station leave
  the first Station's objects byte-identical;
- an install made from the hand-written manifests can be taken over with `kubectl apply`:
  every immutable field of every object present in both is equal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cdk8s
import pytest
import yaml
from cdk8s import Chart

from station_constructs import (
    ExternalService,
    StationDeployment,
    StationPort,
)
from tests.support import apps
from tests.support.builders import ANY_ACCOUNT
from tests.support.flatten import flatten
from tests.support.paths import REFERENCE_DIR, require_glob

# Any CloudShip account's token passes the agent MCP: accepted, so it may be exposed.

Manifest = dict[str, Any]


def render(build: Callable[[Chart], object]) -> list[Manifest]:
    chart = Chart(cdk8s.Testing.app(), "upgrade")
    build(chart)
    return list(cdk8s.Testing.synth(chart))


def by_key(objects: list[Manifest]) -> dict[tuple[str, str | None, str], Manifest]:
    return {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in objects}


def leaf_diff(a: list[Manifest], b: list[Manifest]) -> set[str]:
    fa = {f"{k}:{p}": v for k, o in by_key(a).items() for p, v in flatten(o).items()}
    fb = {f"{k}:{p}": v for k, o in by_key(b).items() for p, v in flatten(o).items()}
    return {p for p in fa.keys() | fb.keys() if fa.get(p) != fb.get(p)}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # v0.22.0 knows migrations up to 40, v0.23.0 up to 47, v0.25.0 up to 48: the rollback
        # guard's limit moves with the image.
        ("v0.22.0", "v0.23.0"),
        ("v0.23.0", "v0.25.0"),  # across the releases the library has read
    ],
)
def test_image_upgrade_changes_only_the_image(before: str, after: str) -> None:
    def station(tag: str) -> Callable[[Chart], object]:
        image = f"ghcr.io/cloudshipai/station:{tag}"
        return lambda c: StationDeployment(c, "station", image=image)

    changed = leaf_diff(render(station(before)), render(station(after)))
    deployment = "('Deployment', 'station', 'station'):spec.template.spec."
    assert changed == {
        deployment + "containers[name=station].image",
        deployment + "initContainers[name=seed-home].image",
        deployment + "initContainers[name=seed-home].env[name=SEED_SCHEMA_VERSION].value",
    }


# The production apps run Anthropic, which v0.23.0 does not start and an unknown release
# may not: their upgrade is to a patch tag the library has not read, stated as v0.25.0.
PATCH = "ghcr.io/cloudshipai/station:v0.25.1"


def test_production_image_upgrade_changes_only_images() -> None:
    v1 = render(lambda c: apps.production_app(c, image="ghcr.io/cloudshipai/station:v0.25.0"))
    v2 = render(lambda c: apps.production_app(c, image=PATCH, station_release="v0.25.0"))
    changed = leaf_diff(v1, v2)
    assert changed
    assert all(
        path.endswith("].image") or path.endswith("[name=SEED_SCHEMA_VERSION].value")
        for path in changed
    ), changed


def test_renaming_construct_ids_changes_nothing() -> None:
    a = render(lambda c: StationDeployment(c, "station"))
    b = render(lambda c: StationDeployment(c, "renamed-in-a-refactor"))
    assert a == b


def test_reordering_and_adding_a_station_leaves_the_first_untouched() -> None:
    def first(chart: Chart) -> None:
        StationDeployment(chart, "first")

    def first_then_second(chart: Chart) -> None:
        StationDeployment(chart, "first")
        StationDeployment(chart, "second", name="station-b", namespace="team-b")

    def second_then_first(chart: Chart) -> None:
        StationDeployment(chart, "second", name="station-b", namespace="team-b")
        StationDeployment(chart, "first")

    alone = by_key(render(first))
    for build in (first_then_second, second_then_first):
        together = by_key(render(build))
        for key, obj in alone.items():
            assert together[key] == obj, key


def reference_objects() -> dict[tuple[str, str | None, str], Manifest]:
    objects: list[Manifest] = []
    for path in require_glob(REFERENCE_DIR, "*.yaml", at_least=6):
        objects += [o for o in yaml.safe_load_all(path.read_text()) if o]
    return by_key(objects)


def immutable_fields(obj: Manifest) -> dict[str, Any]:
    """The fields Kubernetes refuses to change on apply (or that would re-provision data)."""
    spec = obj.get("spec", {})
    if obj["kind"] == "Deployment":
        return {"selector": spec["selector"]}
    if obj["kind"] == "PersistentVolumeClaim":
        return {
            "accessModes": spec.get("accessModes"),
            "storageClassName": spec.get("storageClassName"),
            "volumeName": spec.get("volumeName"),
            "volumeMode": spec.get("volumeMode", "Filesystem"),
        }
    if obj["kind"] == "Service":
        return {
            "clusterIP": spec.get("clusterIP"),
            "ipFamilies": spec.get("ipFamilies"),
            "type": spec.get("type", "ClusterIP"),
            "selector": spec.get("selector"),
        }
    return {}


def test_takeover_of_a_hand_written_install_keeps_immutable_fields() -> None:
    theirs = reference_objects()
    # The default app, plus the external Service the way a takeover of station-external
    # would configure it (authentication on, as exposing it requires: the agent MCP only,
    # any CloudShip account accepted; the API is never exposed with OAuth alone).
    ours = by_key(render(apps.default_app))
    ours.update(
        by_key(
            render(
                lambda c: StationDeployment(
                    c,
                    "station",
                    auth=ANY_ACCOUNT,
                    external_service=ExternalService.load_balancer(ports=[StationPort.AGENT_MCP]),
                )
            )
        )
    )
    shared = [k for k in theirs if k in ours]
    assert {k[0] for k in shared} >= {"Deployment", "PersistentVolumeClaim", "Service", "Namespace"}
    for key in shared:
        assert immutable_fields(ours[key]) == immutable_fields(theirs[key]), key


def test_full_production_image_upgrade_changes_only_station_images() -> None:
    v1 = render(lambda c: apps.full_production_app(c, image="ghcr.io/cloudshipai/station:v0.25.0"))
    v2 = render(lambda c: apps.full_production_app(c, image=PATCH, station_release="v0.25.0"))
    deployment = "('Deployment', 'station', 'station'):spec.template.spec."
    assert leaf_diff(v1, v2) == {
        deployment + "containers[name=station].image",
        deployment + "initContainers[name=seed-home].image",
        # The patch tag is stated as v0.25.0: the rollback guard keeps v0.25.0's limit (48).
    }
