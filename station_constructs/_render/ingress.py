"""A StationIngress's Ingress (``networking.k8s.io/v1``) as data.

Pure functions of already validated settings (``station_constructs.ingress`` validates);
the spec's keys in sorted order, as cdk8s writes the props of an object it is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .pod import sorted_keys

__all__ = ["IngressPath", "ingress"]

IngressPath = tuple[str, str, str, int]
"""One routed path: host, path, path type (``Prefix``/``Exact``), Service port number."""


def ingress(  # noqa: PLR0913 - one value per field of the object
    *,
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    annotations: Mapping[str, str],
    class_name: str,
    hosts: Sequence[str],
    tls_secret_name: str | None,
    service_name: str,
    paths: Sequence[IngressPath],
) -> dict[str, Any]:
    """The Ingress: one rule per host (in the order the hosts first appear in ``paths``)."""
    by_host: dict[str, list[dict[str, Any]]] = {}
    for host, path, path_type, port_number in paths:
        by_host.setdefault(host, []).append(
            {
                "path": path,
                "pathType": path_type,
                "backend": {"service": {"name": service_name, "port": {"number": port_number}}},
            }
        )
    tls = (
        None if tls_secret_name is None else [{"hosts": list(hosts), "secretName": tls_secret_name}]
    )
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": dict(labels),
            "annotations": dict(annotations) or None,
        },
        "spec": sorted_keys(
            {
                "ingressClassName": class_name,
                "tls": tls,
                "rules": [
                    {"host": host, "http": {"paths": host_paths}}
                    for host, host_paths in by_host.items()
                ],
            }
        ),
    }
