"""The Station's Services as plain data: the ClusterIP Service and the external one.

Pure functions of validated settings; ``station_constructs._emit.plus`` hands the results to
cdk8s as the ``kplus.Service`` objects ``StationDeployment`` exposes (``service``,
``external_service``), which cdk8s-plus code can route to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["service", "service_port"]

Manifest = dict[str, Any]


def service_port(name: str, number: int, node_port: int | None = None) -> Manifest:
    """One TCP port, reaching the same port number on the pod (and ``node_port`` if given)."""
    port: Manifest = {"name": name, "port": number, "targetPort": number, "protocol": "TCP"}
    if node_port is not None:
        port["nodePort"] = node_port
    return port


def service(
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    *,
    service_type: str,
    ports: Sequence[Manifest],
    selector: Mapping[str, str],
    source_ranges: Sequence[str] = (),
    annotations: Mapping[str, str] | None = None,
) -> Manifest:
    """A Service of ``service_type`` (``ClusterIP``, ``LoadBalancer``, ``NodePort``).

    No ``externalIPs``: the server drops an empty list, so writing one would make every
    ``kubectl apply`` rewrite the Service.
    ``loadBalancerSourceRanges`` and the annotations appear only when given.
    """
    metadata: Manifest = {"name": name, "namespace": namespace, "labels": dict(labels)}
    if annotations:
        metadata["annotations"] = dict(annotations)
    spec: Manifest = {
        "type": service_type,
        "ports": [dict(p) for p in ports],
        "selector": dict(selector),
    }
    if source_ranges:
        spec["loadBalancerSourceRanges"] = list(source_ranges)
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec}
