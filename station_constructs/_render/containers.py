"""Containers, volumes and their parts as plain data, in the form Kubernetes reads.

The building blocks of the Station pod (``render/pod.py``): every container of it, the
Station's own and those attached constructs add (Litestream, the config-directory backup),
is made here, so each part is spelled one way. Fields are written exactly as cdk8s-plus-27
wrote them before the pod became data (``scheme: HTTP`` on probes, ``optional: false`` on
Secret references, quantities in ``m`` and ``Mi``), so the output did not change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .quantities import cpu, mebibytes

__all__ = [
    "Json",
    "claim_volume",
    "config_map_volume",
    "container",
    "empty_dir_volume",
    "env_from_secret",
    "env_values",
    "exec_pre_stop",
    "http_probe",
    "mount",
    "port",
    "resources",
    "security_context",
]

Json = dict[str, Any]

#: Station's user and group in its image; every container of the pod runs as them.
POD_UID = 1000


def security_context(*, read_only_root: bool = True) -> Json:
    """Non-root UID/GID 1000, no privilege escalation, no capabilities: "restricted"."""
    return {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "privileged": False,
        "readOnlyRootFilesystem": read_only_root,
        "runAsGroup": POD_UID,
        "runAsNonRoot": True,
        "runAsUser": POD_UID,
    }


def resources(
    *, cpu_request_m: int, cpu_limit_m: int | None, memory_request_mi: int, memory_limit_mi: int
) -> Json:
    """Requests and limits, canonical (``1``, ``2Gi``).

    No CPU limit when ``cpu_limit_m`` is ``None``.
    """
    limits: Json = {} if cpu_limit_m is None else {"cpu": cpu(cpu_limit_m)}
    limits["memory"] = mebibytes(memory_limit_mi)
    return {
        "limits": limits,
        "requests": {"cpu": cpu(cpu_request_m), "memory": mebibytes(memory_request_mi)},
    }


def http_probe(  # noqa: PLR0913 - one keyword per probe field
    path: str,
    port_number: int,
    *,
    period: int,
    timeout: int,
    failure_threshold: int,
    scheme: str | None = "HTTP",
) -> Json:
    """An HTTP GET probe (``scheme=None`` leaves the scheme to Kubernetes' default, HTTP)."""
    get: Json = {"path": path, "port": port_number}
    if scheme is not None:
        get["scheme"] = scheme
    return {
        "failureThreshold": failure_threshold,
        "httpGet": get,
        "periodSeconds": period,
        "timeoutSeconds": timeout,
    }


def exec_pre_stop(command: Sequence[str]) -> Json:
    """A ``lifecycle`` whose preStop hook runs ``command``."""
    return {"preStop": {"exec": {"command": list(command)}}}


def port(number: int, name: str) -> Json:
    """A named TCP container port."""
    return {"containerPort": number, "name": name, "protocol": "TCP"}


def mount(path: str, volume: str, *, sub_path: str | None = None, read_only: bool = False) -> Json:
    """A volume mount."""
    found: Json = {"mountPath": path, "name": volume}
    if read_only:
        found["readOnly"] = True
    if sub_path is not None:
        found["subPath"] = sub_path
    return found


def env_values(values: Mapping[str, str]) -> list[Json]:
    """Plain ``name: value`` variables, in the order given."""
    return [{"name": name, "value": value} for name, value in values.items()]


def env_from_secret(name: str, secret: str, key: str) -> Json:
    """A required variable read from a key of a Secret."""
    return {
        "name": name,
        "valueFrom": {"secretKeyRef": {"key": key, "name": secret, "optional": False}},
    }


def claim_volume(name: str, claim: str) -> Json:
    """A volume backed by a PersistentVolumeClaim, read-write.

    ``readOnly: false`` is left out: the server drops it.
    """
    return {"name": name, "persistentVolumeClaim": {"claimName": claim}}


def empty_dir_volume(name: str, size_limit_mi: int) -> Json:
    """An emptyDir volume with a size limit (canonical: ``2Gi``, not ``2048Mi``)."""
    return {"emptyDir": {"sizeLimit": mebibytes(size_limit_mi)}, "name": name}


def config_map_volume(name: str, config_map: str) -> Json:
    """A volume with the keys of a ConfigMap as files."""
    return {"configMap": {"name": config_map}, "name": name}


def container(  # noqa: PLR0913 - one keyword per container field
    name: str,
    image: str,
    *,
    pull_policy: str,
    security: Json,
    resources: Json,
    mounts: Sequence[Json],
    command: Sequence[str] | None = None,
    env: Sequence[Json] = (),
    env_from_config_maps: Sequence[str] = (),
    ports: Sequence[Json] = (),
    probes: Mapping[str, Json] | None = None,
    lifecycle: Json | None = None,
) -> Json:
    """A container; ``probes`` maps ``startup``/``liveness``/``readiness`` to a probe."""
    found: Json = {"name": name, "image": image, "imagePullPolicy": pull_policy}
    if command is not None:
        found["command"] = list(command)
    if env:
        found["env"] = [dict(e) for e in env]
    if env_from_config_maps:
        found["envFrom"] = [{"configMapRef": {"name": n}} for n in env_from_config_maps]
    if ports:
        found["ports"] = [dict(p) for p in ports]
    for kind, probe in (probes or {}).items():
        found[f"{kind}Probe"] = probe
    if lifecycle is not None:
        found["lifecycle"] = lifecycle
    found["resources"] = resources
    found["securityContext"] = security
    found["volumeMounts"] = [dict(m) for m in mounts]
    return found
