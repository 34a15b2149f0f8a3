"""Every synthesized built-in object passes strict schema validation on several Kubernetes
versions (kubernetes-validate); custom resources are checked in test_crd_schema.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cdk8s
import pytest
import yaml
from cdk8s import Chart

from tests.support import apps
from tests.support.kube_validate import validate_manifest
from tests.support.paths import REPO

VERSIONS = ["1.27", "1.29", "1.33", "1.37"]

CASES: dict[str, Callable[[Chart], object]] = {
    "default": apps.default_app,
    "production": apps.production_app,
    "ingress_production": apps.ingress_production_app,
    "k3s": apps.k3s_app,
    "platform": apps.platform_app,
    "gateway": apps.gateway_app,
}

BUILTIN_GROUPS = ("v1", "apps/v1", "networking.k8s.io/v1", "policy/v1", "batch/v1")


def is_builtin(obj: dict[str, Any]) -> bool:
    return obj["apiVersion"] in BUILTIN_GROUPS


def case_objects(case: str) -> list[dict[str, Any]]:
    chart = Chart(cdk8s.Testing.app(), "schema")
    CASES[case](chart)
    return list(cdk8s.Testing.synth(chart))


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_case_objects_are_schema_valid(case: str, version: str) -> None:
    objects = [o for o in case_objects(case) if is_builtin(o)]
    assert objects
    errors = {
        f"{o['kind']}/{o['metadata']['name']}": validate_manifest(o, version, strict=True)
        for o in objects
    }
    assert {k: v for k, v in errors.items() if v} == {}


@pytest.mark.parametrize("version", VERSIONS)
def test_dist_is_schema_valid(version: str) -> None:
    for path in sorted((REPO / "dist").rglob("*.yaml")):
        for obj in yaml.safe_load_all(path.read_text()):
            if obj and is_builtin(obj):
                assert validate_manifest(obj, version, strict=True) == [], (
                    f"{path.name}: {obj['kind']}"
                )


def test_strict_validation_catches_a_typo() -> None:
    obj = case_objects("default")[3]
    assert obj["kind"] == "Deployment"
    obj["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    assert validate_manifest(obj, "1.37", strict=True) != []
