"""The Station pod's placement, ServiceAccount, pod labels and host entries, checked.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s. ``placement.py``
converts the typed ``k8s`` structs of ``PodPlacement``, ``PodServiceAccount`` and
``PodExtras`` to Kubernetes JSON, then checks them here (and the extra volumes and
containers in ``settings/pod_containers.py``), into a :class:`ResolvedPod`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._errors import _Guard
from .._validate import annotations_map, boolean, dns_subdomain, host_name, labels_map

__all__ = [
    "ResolvedPod",
    "ServiceAccountSettings",
    "check_hosts",
    "check_toleration",
    "pod_labels",
    "priority_class",
    "resolve_service_account",
]

Json = dict[str, Any]

_TOLERATION_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


@dataclass(frozen=True)
class ServiceAccountSettings:
    """The pod's ServiceAccount, checked."""

    name: str
    """Its name (default: the Station's)."""
    create: bool
    """Whether the construct renders it."""
    annotations: dict[str, str]
    """Annotations of the rendered ServiceAccount."""
    automount_token: bool
    """Whether the pod mounts its API token."""


@dataclass(frozen=True)
class ResolvedPod:
    """The checked pod-spec additions, in Kubernetes JSON (internal)."""

    spec: Json
    labels: dict[str, str]
    volumes: list[Json]
    volume_mounts: list[Json]
    init_containers: list[Json]
    sidecars: list[Json]
    service_account: ServiceAccountSettings | None

    @property
    def service_account_name(self) -> str | None:
        """The pod's ServiceAccount (``None``: the namespace's default)."""
        return None if self.service_account is None else self.service_account.name

    @property
    def empty(self) -> bool:
        """Whether nothing is added (the pod renders exactly as without options)."""
        return not (
            self.spec
            or self.labels
            or self.volumes
            or self.volume_mounts
            or self.init_containers
            or self.sidecars
            or self.service_account
        )


def priority_class(guard: _Guard, value: object) -> str:
    """A PriorityClass name, not one of the ``system-*`` classes of ``kube-system``."""
    name = dns_subdomain(guard, "placement.priority_class_name", value)
    if name.startswith("system-"):
        raise guard.fail(
            "placement.priority_class_name",
            name,
            "is reserved for cluster components: 'system-' classes are the API server's own, "
            "admitted only in kube-system",
            "create a PriorityClass of your own (e.g. 'station-high') and name it here",
        )
    return name


def check_toleration(guard: _Guard, where: str, toleration: Json) -> None:
    """Refuse a toleration the API server rejects (operator, value, key, effect, seconds)."""
    operator = toleration.get("operator", "Equal")
    if operator not in ("Equal", "Exists"):
        raise guard.fail(
            f"{where}.operator", operator, "must be 'Equal' or 'Exists'", "pass operator='Equal'"
        )
    if operator == "Exists" and toleration.get("value"):
        raise guard.fail(
            f"{where}.value",
            toleration["value"],
            "must be empty with operator 'Exists' (the API server rejects it)",
            "drop value, or use operator='Equal'",
        )
    if not toleration.get("key") and operator != "Exists":
        raise guard.fail(
            f"{where}.key",
            toleration.get("key"),
            "may be empty only with operator 'Exists' (which then tolerates every taint)",
            "name the taint's key",
        )
    effect = toleration.get("effect")
    if effect not in (None, "", *_TOLERATION_EFFECTS):
        raise guard.fail(
            f"{where}.effect",
            effect,
            f"must be one of {', '.join(_TOLERATION_EFFECTS)} (or empty for all)",
            "pass e.g. effect='NoSchedule'",
        )
    if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
        raise guard.fail(
            f"{where}.toleration_seconds",
            toleration["tolerationSeconds"],
            "applies only to effect 'NoExecute'",
            "pass effect='NoExecute' or drop toleration_seconds",
        )


def resolve_service_account(
    guard: _Guard,
    *,
    name: str | None,
    create: bool,
    annotations: Mapping[str, str] | None,
    automount_token: bool,
    station_name: str,
) -> ServiceAccountSettings:
    """Check a ``PodServiceAccount``'s fields; an existing one needs a name, never ``default``."""
    checked_create = boolean(guard, "service_account.create", create)
    automount = boolean(guard, "service_account.automount_token", automount_token)
    checked = annotations_map(guard, "service_account.annotations", annotations)
    if name is None and not checked_create:
        raise guard.fail(
            "service_account.name",
            None,
            "is required for an existing ServiceAccount",
            "pass PodServiceAccount.existing('name'), or PodServiceAccount.rendered() to "
            "render one",
        )
    if checked and not checked_create:
        raise guard.fail(
            "service_account.annotations",
            checked,
            "apply only to a ServiceAccount the construct renders",
            "use PodServiceAccount.rendered(annotations=...), or annotate yours directly",
        )
    account_name = dns_subdomain(guard, "service_account.name", name or station_name)
    if account_name == "default":
        raise guard.fail(
            "service_account.name",
            account_name,
            "is the namespace's default ServiceAccount, shared by every pod there; a cloud "
            "role bound to it would reach every pod",
            "use a ServiceAccount of Station's own, e.g. PodServiceAccount.rendered()",
        )
    return ServiceAccountSettings(
        name=account_name,
        create=checked_create,
        annotations=dict(annotations or {}),
        automount_token=automount,
    )


def pod_labels(guard: _Guard, labels: Mapping[str, str] | None) -> dict[str, str]:
    """The pod-only labels, none of the keys the construct selects the pod by."""
    checked = labels_map(guard, "pod_extras.labels", labels)
    for key, value in checked.items():
        if key == "app" or key.startswith("app.kubernetes.io/"):
            raise guard.fail(
                f"pod_extras.labels[{key!r}]",
                value,
                "is set by the construct: the Deployment's selector, the Services and the "
                "NetworkPolicy select the pod by it",
                "choose another label key",
            )
    return checked


def check_hosts(guard: _Guard, spec: Json) -> None:
    """Refuse host aliases without an IP or names, and more than 3 or non-IP nameservers."""
    for i, alias in enumerate(spec.get("hostAliases", [])):
        where = f"pod_extras.host_aliases[{i}]"
        try:
            ipaddress.ip_address(alias.get("ip", ""))
        except ValueError:
            raise guard.fail(
                f"{where}.ip", alias.get("ip"), "must be an IP address", "pass e.g. '10.0.0.5'"
            ) from None
        hostnames = alias.get("hostnames") or []
        if not hostnames or not all(isinstance(h, str) and host_name(h) for h in hostnames):
            raise guard.fail(
                f"{where}.hostnames",
                hostnames,
                "must be a non-empty list of host names",
                "pass e.g. hostnames=['llm.internal']",
            )
    servers = (spec.get("dnsConfig") or {}).get("nameservers") or []
    if len(servers) > 3:
        raise guard.fail(
            "pod_extras.dns_config.nameservers",
            servers,
            "lists more than 3 nameservers (the API server's limit)",
            "keep at most 3",
        )
    for server in servers:
        try:
            ipaddress.ip_address(server)
        except ValueError:
            raise guard.fail(
                "pod_extras.dns_config.nameservers[]",
                server,
                "must be an IP address",
                "pass e.g. '10.96.0.10'",
            ) from None
