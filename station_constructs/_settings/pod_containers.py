"""The extra volumes, mounts and containers of the Station pod (``PodExtras``), checked.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s. Refused: a second
mount of the data claim, a writable mount of the data volume in another container, volume
types and security settings the "restricted" Pod Security Standard refuses, mounts over the
construct's own paths, and names the pod already has.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._errors import _Guard
from .._validate import dns_label, image_reference

__all__ = [
    "RESERVED_CONTAINERS",
    "RESERVED_VOLUMES",
    "RESTRICTED_VOLUME_TYPES",
    "check_container",
    "check_station_mounts",
    "check_volumes",
    "mount_path",
    "mounts_json",
    "restricted",
]

Json = dict[str, Any]

#: Volumes and containers the Station pod has (or gets from LitestreamBackup).
RESERVED_VOLUMES = frozenset({"data", "home", "tmp", "workspace", "litestream-config"})
RESERVED_CONTAINERS = frozenset({"station", "seed-home", "litestream", "litestream-restore"})
#: Volume types the "restricted" Pod Security Standard admits.
RESTRICTED_VOLUME_TYPES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)


def check_volumes(guard: _Guard, volumes: list[Json], pvc_name: str) -> list[Json]:
    """``volumes`` if each is new, of one source the restricted PSS admits, not the claim."""
    seen: set[str] = set()
    for i, volume in enumerate(volumes):
        where = f"pod_extras.volumes[{i}]"
        name = dns_label(guard, f"{where}.name", volume.get("name"))
        if name in RESERVED_VOLUMES or name in seen:
            raise guard.fail(
                f"{where}.name",
                name,
                "is already a volume of the Station pod"
                + (" (the construct's own)" if name in RESERVED_VOLUMES else ""),
                "choose another name",
            )
        seen.add(name)
        kinds = [k for k in volume if k != "name"]
        if len(kinds) != 1:
            raise guard.fail(
                where, kinds, "must set exactly one volume source", "pass e.g. config_map=..."
            )
        kind = kinds[0]
        if kind not in RESTRICTED_VOLUME_TYPES:
            raise guard.fail(
                where,
                kind,
                "is a volume type the 'restricted' Pod Security Standard (enforced in the "
                "Station's namespace) refuses"
                + (": a hostPath exposes the node's filesystem" if kind == "hostPath" else ""),
                "use configMap, secret, projected, downwardAPI, emptyDir, "
                "persistentVolumeClaim, csi or ephemeral",
            )
        claim = volume.get("persistentVolumeClaim", {}).get("claimName")
        if claim == pvc_name:
            raise guard.fail(
                f"{where}.persistent_volume_claim.claim_name",
                claim,
                "is the Station's data volume; mounting it again under another name bypasses "
                "the single-writer guard",
                "mount the volume named 'data' read-only in a sidecar instead",
            )
    return volumes


def check_station_mounts(
    guard: _Guard, converted: list[Json], volumes: list[Json], protected: Sequence[str]
) -> list[Json]:
    """The Station container's extra mounts: of extra volumes, each path once, hiding none."""
    names = {v["name"] for v in volumes}
    paths: set[str] = set()
    for i, mount in enumerate(converted):
        where = f"pod_extras.volume_mounts[{i}]"
        if mount.get("name") not in names:
            raise guard.fail(
                f"{where}.name",
                mount.get("name"),
                "is not one of pod_extras.volumes (the Station's own volumes are mounted by "
                "the construct)",
                "add the volume to pod_extras.volumes, or mount one of them",
            )
        path = mount_path(guard, f"{where}.mount_path", mount.get("mountPath"), protected)
        if path in paths:
            raise guard.fail(f"{where}.mount_path", path, "is mounted twice", "use one mount")
        paths.add(path)
    return converted


def mount_path(guard: _Guard, where: str, path: object, protected: Sequence[str]) -> str:
    """A mount path that hides none of the construct's mount points (``protected``).

    The first two (data volume, config directory) are protected with everything below them.
    """
    if not isinstance(path, str) or not path.startswith("/"):
        raise guard.fail(where, path, "must be an absolute path", "pass e.g. '/etc/ssl/extra'")
    clean = "/" + "/".join(p for p in path.split("/") if p)
    if clean == "/":
        raise guard.fail(where, path, "would hide the whole filesystem", "mount a directory")
    for i, own in enumerate(protected):
        hides = own == clean or own.startswith(clean + "/")
        inside = i < 2 and clean.startswith(own + "/")
        if hides or inside:
            raise guard.fail(
                where,
                path,
                f"{'hides' if hides else 'is inside'} {own}, which the construct mounts (the "
                "data volume, the config directory or a writable scratch directory)",
                "mount somewhere else, e.g. under /etc or /opt",
            )
    return path


def check_container(
    guard: _Guard,
    where: str,
    container: Json,
    volumes: list[Json],
    own_volumes: Sequence[str],
    names: set[str],
) -> Json:
    """An extra container, checked, with the restricted security context completed.

    New name, pinned image, no host port, known volumes, the data volume read-only.
    """
    name = dns_label(guard, f"{where}.name", container.get("name"))
    if name in names:
        raise guard.fail(
            f"{where}.name",
            name,
            "is already a container of the Station pod"
            + (" (the construct's own)" if name in RESERVED_CONTAINERS else ""),
            "choose another name",
        )
    names.add(name)
    image_reference(guard, f"{where}.image", container.get("image"), allow_unpinned=False)
    for i, port_spec in enumerate(container.get("ports", [])):
        if port_spec.get("hostPort"):
            raise guard.fail(
                f"{where}.ports[{i}].host_port",
                port_spec["hostPort"],
                "binds a port on the node, which the Pod Security Standards refuse",
                "drop host_port; reach the container through a Service",
            )
    known = {v["name"] for v in volumes} | set(own_volumes)
    for i, mount in enumerate(container.get("volumeMounts", [])):
        volume = mount.get("name")
        if volume not in known:
            raise guard.fail(
                f"{where}.volume_mounts[{i}].name",
                volume,
                "is not a volume of the Station pod",
                "add it to pod_extras.volumes",
            )
        if volume == "data" and not mount.get("readOnly"):
            raise guard.fail(
                f"{where}.volume_mounts[{i}]",
                "data",
                "mounts the Station's data volume writable: Station must be the only "
                "writer of its SQLite database",
                "pass read_only=True",
            )
    container["securityContext"] = restricted(
        guard, f"{where}.security_context", container.get("securityContext") or {}
    )
    return container


def restricted(guard: _Guard, where: str, context: Json) -> Json:
    """The container's security context, completed to the "restricted" profile, or refused."""

    def refuse(field_name: str, value: object, problem: str, fix: str) -> Exception:
        return guard.fail(
            f"{where}.{field_name}",
            value,
            f"{problem}; the Station's namespace enforces the 'restricted' Pod Security "
            "Standard, so the pod would be rejected",
            fix,
        )

    if context.get("privileged"):
        raise refuse("privileged", True, "a privileged container", "drop privileged")
    if context.get("allowPrivilegeEscalation"):
        raise refuse(
            "allow_privilege_escalation", True, "allows privilege escalation", "pass False"
        )
    if context.get("runAsNonRoot") is False or context.get("runAsUser") == 0:
        value = context.get("runAsUser", context.get("runAsNonRoot"))
        raise refuse("run_as_user", value, "runs as root", "run as a non-root UID (e.g. 1000)")
    if context.get("procMount") not in (None, "Default"):
        raise refuse("proc_mount", context["procMount"], "unmasks /proc", "drop proc_mount")
    seccomp = (context.get("seccompProfile") or {}).get("type")
    if seccomp == "Unconfined":
        raise refuse("seccomp_profile", seccomp, "turns seccomp off", "drop seccomp_profile")
    if (context.get("windowsOptions") or {}).get("hostProcess"):
        raise refuse("windows_options.host_process", True, "a host process", "drop it")
    capabilities = dict(context.get("capabilities") or {})
    added = [c for c in capabilities.get("add", []) if c != "NET_BIND_SERVICE"]
    if added:
        raise refuse(
            "capabilities.add", added, "adds capabilities", "add none (NET_BIND_SERVICE only)"
        )
    drop = capabilities.get("drop")
    if drop is not None and "ALL" not in drop:
        raise refuse("capabilities.drop", drop, "does not drop ALL", "pass drop=['ALL']")
    capabilities["drop"] = drop or ["ALL"]
    return {**context, "allowPrivilegeEscalation": False, "capabilities": capabilities}


def mounts_json(volume_mounts: Sequence[Any]) -> list[Json]:
    """``k8s.VolumeMount`` values as Kubernetes JSON, read field by field (no jsii call)."""
    mounts = list(volume_mounts)
    if not mounts:
        return []
    # VolumeMount is a plain struct: its fields map one to one.
    return [
        {
            key: value
            for key, value in (
                ("mountPath", m.mount_path),
                ("mountPropagation", m.mount_propagation),
                ("name", m.name),
                ("readOnly", m.read_only),
                ("subPath", m.sub_path),
                ("subPathExpr", m.sub_path_expr),
            )
            if value is not None
        }
        for m in mounts
    ]
