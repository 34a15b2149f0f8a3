"""The names of a Station's objects: Deployment and Service, namespace, ConfigMap, claim.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._errors import _Guard
from .._validate import dns_label, dns_subdomain
from .station import _CLUSTER_NAMESPACES, StationStorage


@dataclass(frozen=True)
class Names:
    """Checked object names (the Secret's is resolved with the secret source)."""

    name: str
    namespace: str
    config_map_name: str
    pvc_name: str


def resolve_names(
    guard: _Guard,
    *,
    name: str,
    namespace: str,
    create_namespace: bool,
    storage: StationStorage,
) -> Names:
    """Refuse names the API server would refuse, and rendering a cluster namespace."""
    checked_name = _service_name(guard, dns_label(guard, "name", name))
    checked_namespace = dns_label(guard, "namespace", namespace)
    if create_namespace:
        _refuse_cluster_namespace(guard, checked_namespace)
    config_map_name = dns_subdomain(guard, "name", f"{name}-config")
    pvc_name = dns_subdomain(guard, "storage.claim_name", storage.claim_name or f"{name}-data")
    return Names(checked_name, checked_namespace, config_map_name, pvc_name)


def _service_name(guard: _Guard, name: str) -> str:
    """``name`` if it can name a Service: a DNS-1035 label (it starts with a letter)."""
    if not name[:1].isalpha():
        raise guard.fail(
            "name",
            name,
            "names the Service too, and a Service name must start with a letter (DNS-1035); "
            "the API server would refuse it",
            f"start it with a letter, e.g. name='station-{name}'",
        )
    return name


def _refuse_cluster_namespace(guard: _Guard, namespace: str) -> None:
    """Refuse rendering a cluster namespace (``default``, ``kube-*``) with "restricted" PSS."""
    if namespace in _CLUSTER_NAMESPACES or namespace.startswith("kube-"):
        raise guard.fail(
            "namespace",
            namespace,
            "is a namespace the cluster itself uses; rendering it would stamp Pod Security "
            "'restricted' on it, and every other workload there (kube-proxy, the CNI, DNS, "
            "your own pods) would be refused at its next restart",
            "deploy into a namespace of its own, e.g. namespace='station', or pass "
            f"create_namespace=False to use '{namespace}' without rendering (and relabelling) it",
        )
