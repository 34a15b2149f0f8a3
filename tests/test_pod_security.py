"""Every pod we render meets the Pod Security Standards "restricted" profile.

The checks follow the profile's published controls (baseline + restricted) for the fields
our pods can carry; the namespaces we create enforce the profile, so a violation would be
rejected by the API server on apply. Checked for every app in the test suite's catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cdk8s
import pytest
from cdk8s import Chart

from tests.support import apps

ALLOWED_VOLUMES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}

CASES: dict[str, Callable[[Chart], object]] = {
    "default": apps.default_app,
    "production": apps.production_app,
    "full production": apps.full_production_app,
    "k3s": apps.k3s_app,
    "litestream": apps.litestream_app,
    "platform": apps.platform_app,
}


def violations(pod: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(flag):
            found.append(f"{flag} is true")
    pod_sc = pod.get("securityContext", {})
    for volume in pod.get("volumes", []):
        kinds = set(volume) - {"name"}
        if not kinds <= ALLOWED_VOLUMES:
            found.append(f"volume {volume['name']} uses {kinds - ALLOWED_VOLUMES}")
    pod_seccomp = pod_sc.get("seccompProfile", {}).get("type")
    for container in pod.get("containers", []) + pod.get("initContainers", []):
        name = container["name"]
        sc = container.get("securityContext", {})
        if sc.get("privileged"):
            found.append(f"{name}: privileged")
        if sc.get("allowPrivilegeEscalation") is not False:
            found.append(f"{name}: allowPrivilegeEscalation must be false")
        if sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")) is not True:
            found.append(f"{name}: runAsNonRoot must be true")
        if sc.get("runAsUser", pod_sc.get("runAsUser")) == 0:
            found.append(f"{name}: runAsUser 0")
        seccomp = sc.get("seccompProfile", {}).get("type", pod_seccomp)
        if seccomp not in ("RuntimeDefault", "Localhost"):
            found.append(f"{name}: seccompProfile must be RuntimeDefault or Localhost")
        caps = sc.get("capabilities", {})
        if "ALL" not in caps.get("drop", []):
            found.append(f"{name}: capabilities must drop ALL")
        if set(caps.get("add", [])) - {"NET_BIND_SERVICE"}:
            found.append(f"{name}: adds capabilities {caps['add']}")
        if any("hostPort" in p for p in container.get("ports", [])):
            found.append(f"{name}: hostPort")
        if sc.get("procMount", "Default") != "Default":
            found.append(f"{name}: procMount")
    return found


def pod_specs(build: Callable[[Chart], object]) -> list[dict[str, Any]]:
    chart = Chart(cdk8s.Testing.app(), "pss")
    build(chart)
    return [
        o["spec"]["template"]["spec"]
        for o in cdk8s.Testing.synth(chart)
        if o["kind"] == "Deployment"
    ]


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_pod_meets_restricted(case: str) -> None:
    specs = pod_specs(CASES[case])
    assert specs
    for spec in specs:
        assert violations(spec) == []


def test_created_namespace_enforces_restricted() -> None:
    chart = Chart(cdk8s.Testing.app(), "pss")
    apps.default_app(chart)
    namespace = next(o for o in cdk8s.Testing.synth(chart) if o["kind"] == "Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_checker_catches_a_violation() -> None:
    spec = pod_specs(apps.default_app)[0]
    spec["containers"][0]["securityContext"]["allowPrivilegeEscalation"] = True
    spec["initContainers"][0]["securityContext"].pop("capabilities")
    assert len(violations(spec)) == 2
