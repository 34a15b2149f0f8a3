"""The final pod of every workload the library renders, checked against itself.

Plain Python over Kubernetes JSON. Sees everything that ends in the pod: the Station's own
containers, Litestream's, the config copy's, the workload identity's token, the tool caches,
``PodExtras``, ``PodPlacement`` and the users' JSON patches. Refused: mount paths that are not
written in normal form (``/tmp/../data`` is ``/data``: it would shadow the data volume), two
mounts at one path in a container, mounts of volumes the pod lacks, ``subPath`` with ``..``
or absolute, Bidirectional propagation, container, volume and port names or ports used twice,
affinity the API server refuses and ``system-`` priority classes.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from .._errors import StationConfigError, _Guard
from .._settings.pod_containers import RESTRICTED_VOLUME_TYPES, restricted
from .model import DOCS, Finding, Rendered, containers_of, pod_prefix, pod_spec_of

__all__ = ["check_pod"]

Json = dict[str, Any]
_CHECK = "pod"


def check_pod(obj: Rendered) -> Iterator[Finding]:
    """Every refusal of ``obj``'s pod (nothing for an object that has none)."""
    spec = pod_spec_of(obj.body)
    if spec is None:
        return
    at = pod_prefix(obj.kind)

    def finding(field: str, value: Any, problem: str, fix: str) -> Finding:
        return Finding(obj, f"{at}.{field}", value, problem, f"{fix} (see {DOCS})", _CHECK)

    yield from _restricted(spec, finding)
    yield from _names(spec, finding)
    yield from _mounts(spec, finding)
    yield from _ports(spec, finding)
    yield from _affinity(spec.get("affinity") or {}, finding)
    priority = spec.get("priorityClassName")
    if isinstance(priority, str) and priority.startswith("system-"):
        yield finding(
            "priorityClassName",
            priority,
            "'system-' classes are reserved for cluster components: the API server admits "
            "them only in kube-system",
            "create a PriorityClass of your own, e.g. 'station-high'",
        )


def _names(spec: Json, finding: Any) -> Iterator[Finding]:
    seen: set[str] = set()
    for key, i, container in containers_of(spec):
        name = container.get("name")
        if name in seen:
            yield finding(
                f"{key}[{i}].name",
                name,
                "is the name of another container of the pod",
                "give each container its own name",
            )
        seen.add(str(name))
    volumes: set[str] = set()
    for i, volume in enumerate(spec.get("volumes") or []):
        name = volume.get("name")
        if name in volumes:
            yield finding(
                f"volumes[{i}].name",
                name,
                "is the name of another volume of the pod",
                "give each volume its own name",
            )
        volumes.add(str(name))


def _mounts(spec: Json, finding: Any) -> Iterator[Finding]:
    volumes = {str(v.get("name")) for v in spec.get("volumes") or []}
    for key, i, container in containers_of(spec):
        paths: dict[str, str] = {}
        for j, mount in enumerate(container.get("volumeMounts") or []):
            where = f"{key}[{i}].volumeMounts[{j}]"
            yield from _mount(mount, where, volumes, paths, finding)


def _mount(
    mount: Json, where: str, volumes: set[str], paths: dict[str, str], finding: Any
) -> Iterator[Finding]:
    path = mount.get("mountPath")
    name = str(mount.get("name"))
    if name not in volumes:
        yield finding(
            f"{where}.name",
            name,
            "is not a volume of the pod (the API server refuses it)",
            "add the volume, or mount one the pod has",
        )
    if isinstance(path, str):
        normal = posixpath.normpath(path) if path.startswith("/") else path
        normal = "/" + normal.lstrip("/") if normal.startswith("/") else normal
        if normal != path:
            yield finding(
                f"{where}.mountPath",
                path,
                f"is not in normal form: the kubelet mounts it at {normal}"
                + (", shadowing the volume mounted there" if normal in paths else ""),
                f"write the path as the kubelet resolves it, and not over another mount: "
                f"e.g. '/opt/{name}'",
            )
        elif normal in paths:
            yield finding(
                f"{where}.mountPath",
                path,
                f"is already a mount point of the container (volume '{paths[normal]}')",
                "mount each path once; choose another path",
            )
        paths.setdefault(normal, name)
    sub = mount.get("subPath")
    if isinstance(sub, str) and (sub.startswith("/") or ".." in sub.split("/")):
        yield finding(
            f"{where}.subPath",
            sub,
            "must be a relative path inside the volume, without '..' (the API server "
            "refuses it: it would reach outside the volume)",
            "name a directory inside the volume, e.g. 'config'",
        )
    if mount.get("mountPropagation") == "Bidirectional":
        yield finding(
            f"{where}.mountPropagation",
            "Bidirectional",
            "needs a privileged container, which the 'restricted' Pod Security Standard "
            "refuses; mounts made inside would reach the node",
            "drop mountPropagation, or use 'HostToContainer'",
        )


def _ports(spec: Json, finding: Any) -> Iterator[Finding]:
    names: dict[str, str] = {}
    numbers: dict[tuple[Any, str], str] = {}
    for key, i, container in containers_of(spec):
        running = key == "containers" or container.get("restartPolicy") == "Always"
        for j, port in enumerate(container.get("ports") or []):
            where = f"{key}[{i}].ports[{j}]"
            owner = str(container.get("name"))
            name = port.get("name")
            if name is not None and name in names:
                yield finding(
                    f"{where}.name",
                    name,
                    f"is already the name of a port of container '{names[name]}'; a "
                    "Service's named targetPort would reach either",
                    "give each port its own name",
                )
            if name is not None:
                names.setdefault(name, owner)
            number = (port.get("containerPort"), port.get("protocol") or "TCP")
            if running and number in numbers:
                yield finding(
                    f"{where}.containerPort",
                    number[0],
                    f"is already the port of container '{numbers[number]}'; the containers "
                    "of a pod share one network, so the second cannot listen on it",
                    "choose another port",
                )
            if running:
                numbers.setdefault(number, owner)


def _affinity(affinity: Json, finding: Any) -> Iterator[Finding]:
    node = affinity.get("nodeAffinity") or {}
    required = node.get("requiredDuringSchedulingIgnoredDuringExecution")
    if required is not None:
        terms = required.get("nodeSelectorTerms") or []
        field = "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
        if not terms:
            yield finding(
                f"{field}.nodeSelectorTerms",
                terms,
                "is empty: the API server refuses a required node affinity without terms",
                "add a term, or drop the required node affinity",
            )
        for i, term in enumerate(terms):
            yield from _selector_term(term, f"{field}.nodeSelectorTerms[{i}]", finding)
    preferred = node.get("preferredDuringSchedulingIgnoredDuringExecution") or []
    for i, item in enumerate(preferred):
        where = f"affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
        yield from _weight(item, where, finding)
        yield from _selector_term(item.get("preference") or {}, f"{where}.preference", finding)
    for kind in ("podAffinity", "podAntiAffinity"):
        pods = affinity.get(kind) or {}
        for i, item in enumerate(pods.get("preferredDuringSchedulingIgnoredDuringExecution") or []):
            where = f"affinity.{kind}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
            yield from _weight(item, where, finding)
            yield from _pod_term(
                item.get("podAffinityTerm") or {}, f"{where}.podAffinityTerm", finding
            )
        for i, term in enumerate(pods.get("requiredDuringSchedulingIgnoredDuringExecution") or []):
            where = f"affinity.{kind}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"
            yield from _pod_term(term, where, finding)


def _weight(item: Json, where: str, finding: Any) -> Iterator[Finding]:
    weight = item.get("weight")
    if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 100:
        yield finding(
            f"{where}.weight",
            weight,
            "must be a whole number from 1 to 100 (the API server refuses the pod)",
            "pass weight=1..100, e.g. 50",
        )


def _selector_term(term: Json, where: str, finding: Any) -> Iterator[Finding]:
    expressions = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not expressions and not fields:
        yield finding(
            where,
            term,
            "is an empty term: it matches no node",
            "add match_expressions, or drop the term",
        )
    for key in ("matchExpressions", "matchFields"):
        for i, expression in enumerate(term.get(key) or []):
            yield from _expression(expression, f"{where}.{key}[{i}]", finding, node=True)


def _pod_term(term: Json, where: str, finding: Any) -> Iterator[Finding]:
    if not term.get("topologyKey"):
        yield finding(
            f"{where}.topologyKey",
            term.get("topologyKey"),
            "is required (the API server refuses the pod without it)",
            "pass e.g. topology_key='kubernetes.io/hostname'",
        )
    selector = term.get("labelSelector") or {}
    for i, expression in enumerate(selector.get("matchExpressions") or []):
        yield from _expression(
            expression, f"{where}.labelSelector.matchExpressions[{i}]", finding, node=False
        )


def _expression(expression: Json, where: str, finding: Any, *, node: bool) -> Iterator[Finding]:
    operator = expression.get("operator")
    values = expression.get("values") or []
    allowed = ("In", "NotIn", "Exists", "DoesNotExist") + (("Gt", "Lt") if node else ())
    if operator not in allowed:
        yield finding(
            f"{where}.operator",
            operator,
            f"must be one of {', '.join(allowed)}",
            "pass operator='In'",
        )
    elif operator in ("In", "NotIn") and not values:
        yield finding(
            f"{where}.values",
            values,
            f"must not be empty with operator '{operator}' (the API server refuses the pod)",
            "list the values, or use operator='Exists'",
        )
    elif operator in ("Exists", "DoesNotExist") and values:
        yield finding(
            f"{where}.values",
            values,
            f"must be empty with operator '{operator}'",
            "drop values, or use operator='In'",
        )
    elif operator in ("Gt", "Lt") and (
        len(values) != 1 or not str(values[0]).lstrip("-").isdigit()
    ):
        yield finding(
            f"{where}.values",
            values,
            f"must be one whole number with operator '{operator}'",
            "pass e.g. values=['3']",
        )


_HOST_FIELDS = ("hostNetwork", "hostPID", "hostIPC")


def _restricted(spec: Json, finding: Any) -> Iterator[Finding]:
    """What the "restricted" Pod Security Standard refuses, added after the construct."""
    for field in _HOST_FIELDS:
        if spec.get(field) is True:
            yield finding(
                field,
                True,
                "shares the node's namespaces, which the 'restricted' Pod "
                "Security Standard refuses",
                f"drop {field}",
            )
    for i, volume in enumerate(spec.get("volumes") or []):
        kinds = [k for k in volume if k != "name"]
        if kinds and kinds[0] not in RESTRICTED_VOLUME_TYPES:
            yield finding(
                f"volumes[{i}]",
                kinds[0],
                "is a volume type the 'restricted' Pod Security Standard refuses",
                "use configMap, secret, projected, emptyDir or a claim",
            )
    for key, i, container in containers_of(spec):
        guard = _Guard("")
        try:
            restricted(guard, "securityContext", dict(container.get("securityContext") or {}))
        except StationConfigError as error:
            yield finding(
                f"{key}[{i}].{_camel(error.field)}", error.value, error.problem, error.fix
            )
        for j, port in enumerate(container.get("ports") or []):
            if port.get("hostPort"):
                yield finding(
                    f"{key}[{i}].ports[{j}].hostPort",
                    port["hostPort"],
                    "binds a port on the node, which the Pod Security Standards refuse",
                    "drop hostPort",
                )


def _camel(field: str) -> str:
    """``security_context.run_as_user`` as the JSON field path (``securityContext.runAsUser``)."""
    return ".".join(
        part.split("_")[0] + "".join(w.title() for w in part.split("_")[1:])
        for part in field.split(".")
    )
