"""What the final verification reads and reports: rendered objects, facts, findings.

Plain Python, no cdk8s. A :class:`Rendered` is one object of the app as cdk8s synthesizes
it (after the users' labels, annotations and JSON patches); :class:`Facts` is what the
library's constructs recorded about the objects they render (which Deployment is a Station's,
which Ingress carries edge authentication...); a :class:`Finding` is one refusal, turned into
a ``StationConfigError`` that names the construct that introduced the problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DOCS",
    "Facts",
    "Finding",
    "IngressFacts",
    "Rendered",
    "StationFacts",
    "containers_of",
    "pod_prefix",
    "pod_spec_of",
]

Json = dict[str, Any]

#: Where the final verification is documented (messages link here for the long story).
DOCS = "docs/guards.md#the-final-verification"

_POD_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}


@dataclass(frozen=True)
class Rendered:
    """One rendered object and where it comes from."""

    body: Json
    """The object's JSON as cdk8s writes it."""
    chart: object
    """The chart that holds it (its path when formatted)."""
    owner: object | None = None
    """The library construct that rendered it (its path when formatted), or ``None``."""

    @property
    def kind(self) -> str:
        """The object's kind."""
        return str(self.body.get("kind", ""))

    @property
    def name(self) -> str:
        """``metadata.name``."""
        return str((self.body.get("metadata") or {}).get("name", ""))

    @property
    def namespace(self) -> str:
        """``metadata.namespace`` (``default`` when unset: where ``kubectl apply`` puts it)."""
        return str((self.body.get("metadata") or {}).get("namespace") or "default")

    @property
    def key(self) -> tuple[str, str, str]:
        """``(kind, namespace, name)``."""
        return (self.kind, self.namespace, self.name)

    def describe(self) -> str:
        """``Deployment station/station`` (namespace/name)."""
        return f"{self.kind} {self.namespace}/{self.name}"

    def where(self) -> str:
        """The message prefix: the construct that rendered it, else the chart and object."""
        if self.owner is not None:
            return f"'{self.owner}' ({self.describe()})"
        return f"chart '{self.chart}' ({self.describe()})"


@dataclass(frozen=True)
class Finding:
    """One refusal of the final verification."""

    obj: Rendered
    field: str
    value: Any
    problem: str
    fix: str
    check: str
    """The check's id, as ``allow_rendered`` takes it for a deliberate exception."""
    other: Rendered | None = None
    """The other object of a conflict (a waiver on either one covers it)."""


@dataclass(frozen=True)
class StationFacts:
    """What a StationDeployment renders that other objects must respect."""

    namespace: str
    deployment: str
    claim: str
    key_secret: str
    owner: object
    service: str = ""
    """The ClusterIP Service."""
    external_services: tuple[str, ...] = ()
    """The LoadBalancer/NodePort Service the Station checked itself (if any)."""
    pod_labels: dict[str, str] = field(default_factory=dict)
    ports: dict[int, str] = field(default_factory=dict)
    """Container port number -> port name (``api``, ``mcp``, ``dynamic-mcp``)."""
    station: Any = None
    """The StationDeployment (its access settings, for the exposure check)."""


@dataclass(frozen=True)
class IngressFacts:
    """What a StationIngress promised about its Ingress."""

    namespace: str
    name: str
    controller: str
    """``nginx``, ``traefik`` or ``other``."""
    class_name: str
    edge_auth: bool
    """Whether edge authentication protects the routes."""
    managed: dict[str, str]
    """The annotations the construct set (edge auth's among them)."""
    tls: bool
    """Whether the Ingress terminates TLS."""
    station: tuple[str, str]
    """``(namespace, deployment)`` of the Station routed to."""
    owner: object


@dataclass
class Facts:
    """Everything the constructs of one App recorded for the final verification."""

    stations: dict[tuple[str, str], StationFacts] = field(default_factory=dict)
    ingresses: dict[tuple[str, str], IngressFacts] = field(default_factory=dict)
    allowed: dict[tuple[str, str, str, str], str] = field(default_factory=dict)
    """``(check, kind, namespace, name)`` -> the reason a deliberate exception was made."""

    def is_allowed(self, check: str, obj: Rendered) -> bool:
        """Whether ``check`` was waived for ``obj`` with ``allow_rendered``."""
        return (check, *obj.key) in self.allowed

    def waived(self, finding: Finding) -> bool:
        """Whether ``finding`` was waived (on its object, or on the other of a conflict)."""
        other = finding.other
        return self.is_allowed(finding.check, finding.obj) or (
            other is not None and self.is_allowed(finding.check, other)
        )


def pod_prefix(kind: str) -> str:
    """Where a workload's pod spec is, as a field path (``spec.template.spec``)."""
    return ".".join(_POD_PATHS.get(kind, ("spec",)))


def pod_spec_of(body: Json) -> Json | None:
    """The pod spec of a workload object (``None`` for other kinds)."""
    path = _POD_PATHS.get(str(body.get("kind", "")))
    if path is None:
        return None
    node: Any = body
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            return None
    return node if isinstance(node, dict) else None


def containers_of(spec: Json) -> Iterator[tuple[str, int, Json]]:
    """``(list name, index, container)`` for every container and init container."""
    for key in ("containers", "initContainers", "ephemeralContainers"):
        for i, container in enumerate(spec.get(key) or []):
            if isinstance(container, dict):
                yield key, i, container
