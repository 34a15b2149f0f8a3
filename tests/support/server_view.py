"""What the API server would change in a rendered object: the checks behind "an apply that
changes nothing when nothing changed".

A client-side ``kubectl apply`` (and a GitOps tool that diffs client-side) compares what it
sent last with what the server stores. Three things make that comparison differ forever:

- a quantity the server rewrites (it stores the canonical form: ``1`` for ``1000m``, ``2Gi``
  for ``2048Mi``);
- a zero value the server drops (Go ``omitempty`` on a non-pointer field: ``externalIPs: []``,
  ``minReadySeconds: 0``, ``hostNetwork: false``, ``readOnly: false``);
- an object applied before what it needs (a pod refused because its ServiceAccount does not
  exist yet).

Custom resources are stored as sent (a structural schema prunes unknown fields, never zero
values), so only built-in kinds are held to the first two rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from station_constructs._render.quantities import canonical_quantity

__all__ = ["apply_order_problems", "server_rewrites"]

#: Fields whose Go type is a pointer (or not ``omitempty``) in k8s.io/api: a zero value is
#: stored as sent and means something (``automountServiceAccountToken: false``...).
KEPT_WHEN_ZERO = frozenset(
    {
        # PodSpec
        "automountServiceAccountToken",
        "setHostnameAsFQDN",
        "shareProcessNamespace",
        "enableServiceLinks",
        "hostUsers",
        "terminationGracePeriodSeconds",
        "activeDeadlineSeconds",
        # SecurityContext, PodSecurityContext
        "privileged",
        "allowPrivilegeEscalation",
        "readOnlyRootFilesystem",
        "runAsNonRoot",
        "runAsUser",
        "runAsGroup",
        "fsGroup",
        # key selectors and volume sources
        "optional",
        "defaultMode",
        "mode",
        # DeploymentSpec, JobSpec, CronJobSpec
        "replicas",
        "revisionHistoryLimit",
        "progressDeadlineSeconds",
        "parallelism",
        "completions",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "suspend",
        "startingDeadlineSeconds",
        "successfulJobsHistoryLimit",
        "failedJobsHistoryLimit",
        # ServiceSpec
        "allocateLoadBalancerNodePorts",
    }
)

#: Maps whose entries are data, not fields: an empty string value is kept, an empty map is
#: dropped (Go's ``omitempty`` drops empty maps and slices, never a struct: ``spec: {}``,
#: ``emptyDir: {}`` or ``podSelector: {}`` are stored as sent).
DATA_MAPS = frozenset(
    {"labels", "annotations", "data", "stringData", "matchLabels", "selector", "nodeSelector"}
)

#: Where the server stores a quantity in canonical form.
QUANTITY_PARENTS = frozenset({"limits", "requests"})
QUANTITY_KEYS = frozenset({"sizeLimit"})

BUILTIN_GROUPS = frozenset(
    {
        "v1",
        "apps/v1",
        "batch/v1",
        "networking.k8s.io/v1",
        "policy/v1",
        "rbac.authorization.k8s.io/v1",
        "storage.k8s.io/v1",
        "autoscaling/v2",
    }
)

#: Kinds that create pods, and the kinds a pod (or its controller) needs to exist first.
WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod"})
PREREQUISITES = frozenset(
    {
        "Namespace",
        "ServiceAccount",
        "ConfigMap",
        "Secret",
        "PersistentVolumeClaim",
        "PersistentVolume",
        "ExternalSecret",
        "SealedSecret",
        "Role",
        "RoleBinding",
    }
)


def _walk(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, value
    if isinstance(value, dict):
        if path and path[-1] in DATA_MAPS:
            return
        for key, item in value.items():
            yield from _walk(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, str(index)))


def _dropped(key: str, parent: str, value: Any) -> bool:
    """Whether the server drops ``key: value`` (``parent`` holds it)."""
    if parent in DATA_MAPS:
        return False
    if isinstance(value, dict):
        return not value and key in DATA_MAPS
    if isinstance(value, list):
        return not value
    if key in KEPT_WHEN_ZERO:
        return False
    if isinstance(value, bool):
        return value is False
    return bool(value == 0 or value == "")


def server_rewrites(obj: dict[str, Any]) -> list[str]:
    """Every field of a built-in ``obj`` the server would store differently (empty: none)."""
    if obj.get("apiVersion") not in BUILTIN_GROUPS:
        return []
    where = f"{obj['kind']}/{obj['metadata'].get('name')}"
    problems = []
    for path, value in _walk(obj, ()):
        if not path:
            continue
        key, parent = path[-1], path[-2] if len(path) > 1 else ""
        text = ".".join(path)
        if _dropped(key, parent, value):
            problems.append(f"{where} {text}: {value!r} is dropped by the server")
        quantity = key in QUANTITY_KEYS or (parent in QUANTITY_PARENTS and key != "storage")
        quantity = quantity or (parent == "requests" and key == "storage")
        if quantity and isinstance(value, str) and canonical_quantity(value) != value:
            problems.append(f"{where} {text}: {value!r} is stored as {canonical_quantity(value)!r}")
    return problems


def apply_order_problems(objects: list[dict[str, Any]]) -> list[str]:
    """Objects of one file applied before what they need: a workload before a prerequisite
    of its namespace, or a namespaced object before its Namespace."""
    problems = []
    for index, obj in enumerate(objects):
        kind, meta = obj.get("kind"), obj.get("metadata", {})
        namespace = meta.get("namespace")
        for later in objects[index + 1 :]:
            later_meta = later.get("metadata", {})
            if later.get("kind") == "Namespace" and later_meta.get("name") == namespace:
                problems.append(f"{kind}/{meta.get('name')} comes before its Namespace")
            same = later_meta.get("namespace") == namespace
            if kind in WORKLOADS and later.get("kind") in PREREQUISITES and same:
                problems.append(
                    f"{kind}/{meta.get('name')} comes before "
                    f"{later['kind']}/{later_meta.get('name')}"
                )
    return problems
