"""Our default output covers the hand-written manifests, object by object, setting by setting.

Every difference is a deliberate correction listed here with its reason, and each reason is
in the "Differences from the hand-written manifests" table of docs/upgrades.md.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.support.flatten import flatten, same_setting
from tests.support.paths import REFERENCE_DIR, REPO, require_glob

Key = tuple[str, str, str]  # kind, name, setting path prefix ("" for the whole object)

CORRECTIONS: dict[Key, str] = {
    ("Secret", "station-secrets", ""): "placeholder secret values",
    ("Service", "station-external", ""): "LoadBalancer exposing all ports",
    ("ConfigMap", "station-config", "data.JAEGER_ENABLED"): "JAEGER_ENABLED and OTEL_ENDPOINT",
    ("ConfigMap", "station-config", "data.OTEL_ENDPOINT"): "JAEGER_ENABLED and OTEL_ENDPOINT",
    (
        "Deployment",
        "station",
        "spec.template.spec.containers[name=station].env[name=JAEGER_ENABLED]",
    ): "JAEGER_ENABLED and OTEL_ENDPOINT",
    (
        "Deployment",
        "station",
        "spec.template.spec.containers[name=station].env[name=OTEL_ENDPOINT]",
    ): "JAEGER_ENABLED and OTEL_ENDPOINT",
    (
        "Deployment",
        "station",
        "spec.template.spec.containers[name=station].image",
    ): "station-test-deploy:v2",
    (
        "Deployment",
        "station",
        "spec.template.spec.containers[name=station].env[name=GEMINI_API_KEY]",
    ): "GEMINI_API_KEY",
    (
        "Deployment",
        "station",
        "spec.template.spec.containers[name=station].livenessProbe.httpGet.port",
    ): "probes on 8585",
    (
        "Deployment",
        "station",
        "spec.template.spec.containers[name=station].readinessProbe.httpGet.port",
    ): "probes on 8585",
    (
        "Deployment",
        "station",
        "spec.template.spec.containers[name=station].livenessProbe.initialDelaySeconds",
    ): "initialDelaySeconds",
    (
        "Deployment",
        "station",
        "spec.template.spec.containers[name=station].readinessProbe.initialDelaySeconds",
    ): "initialDelaySeconds",
}


def reference_objects() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in require_glob(REFERENCE_DIR, "*.yaml", at_least=6):
        for obj in yaml.safe_load_all(path.read_text()):
            if obj:
                found.append((path.name, obj))
    return found


def our_default() -> dict[tuple[str, str, str | None], dict[str, Any]]:
    objects = yaml.safe_load_all((REPO / "dist" / "station.k8s.yaml").read_text())
    return {(o["kind"], o["metadata"]["name"], o["metadata"].get("namespace")): o for o in objects}


def env_from_config(ours: dict[str, Any], configmaps: dict[str, dict[str, Any]], path: str) -> bool:
    """An env entry read from a ConfigMap key is covered by envFrom of that whole ConfigMap."""
    marker = ".env[name="
    if marker not in path:
        return False
    container_path, _, rest = path.partition(marker)
    variable = rest.split("]", 1)[0]
    container_name = container_path.rsplit("[name=", 1)[1].rstrip("]")
    spec = ours["spec"]["template"]["spec"]
    container = next(c for c in spec["containers"] if c["name"] == container_name)
    for source in container.get("envFrom", []):
        ref = source.get("configMapRef", {}).get("name")
        if ref in configmaps and variable in configmaps[ref].get("data", {}):
            return True
    return False


def differences() -> list[tuple[str, str, str, str]]:
    ours = our_default()
    configmaps = {k[1]: o for k, o in ours.items() if k[0] == "ConfigMap"}
    diffs = []
    for filename, ref in reference_objects():
        key = (ref["kind"], ref["metadata"]["name"], ref["metadata"].get("namespace"))
        if key not in ours:
            diffs.append((filename, key[0], key[1], ""))
            continue
        theirs, mine = flatten(ref), flatten(ours[key])
        for path, value in theirs.items():
            if path in mine and same_setting(value, mine[path]):
                continue
            if ref["kind"] == "Deployment" and env_from_config(ours[key], configmaps, path):
                continue
            diffs.append((filename, key[0], key[1], path))
    return diffs


def correction_for(kind: str, name: str, path: str) -> Key | None:
    for ckind, cname, prefix in CORRECTIONS:
        if (ckind, cname) == (kind, name) and (
            path == prefix or path.startswith(prefix + (".", "")[not prefix])
        ):
            return (ckind, cname, prefix)
    return None


def test_reference_manifests_are_there() -> None:
    files = {name for name, _ in reference_objects()}
    assert files == {
        "configmap.yaml",
        "deployment.yaml",
        "namespace.yaml",
        "pvc.yaml",
        "secret.yaml",
        "service.yaml",
    }


def test_every_reference_object_and_setting_is_reproduced_or_a_listed_correction() -> None:
    unexplained = [d for d in differences() if correction_for(*d[1:]) is None]
    assert unexplained == []


def test_every_listed_correction_is_still_needed() -> None:
    used = {correction_for(*d[1:]) for d in differences()}
    assert set(CORRECTIONS) - used == set()


@pytest.mark.parametrize("phrase", sorted(set(CORRECTIONS.values())))
def test_every_correction_is_explained_in_the_differences_table(phrase: str) -> None:
    assert phrase in (REPO / "docs" / "upgrades.md").read_text()
