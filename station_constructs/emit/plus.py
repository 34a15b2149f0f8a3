"""Emit rendered objects as the cdk8s-plus-27 constructs a Station exposes (``kplus.Service``).

A user's cdk8s-plus code routes to and selects these (``kplus.IngressBackend.from_service``),
so they stay cdk8s-plus constructs: the rendered data is passed as their props.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._k8s import Construct, kplus
from .objects import object_metadata

__all__ = ["emit_service"]


def emit_service(scope: Construct, id: str, manifest: Mapping[str, Any]) -> kplus.Service:
    """A rendered Service (``render.services.service``) as ``kplus.Service``."""
    meta, spec = manifest["metadata"], manifest["spec"]
    service = kplus.Service(
        scope,
        id,
        metadata=object_metadata(meta),
        type=_SERVICE_TYPES[spec["type"]],
        load_balancer_source_ranges=spec.get("loadBalancerSourceRanges"),
        ports=[
            kplus.ServicePort(
                name=p["name"],
                port=p["port"],
                target_port=p["targetPort"],
                node_port=p.get("nodePort"),
                protocol=_PROTOCOLS[p["protocol"]],
            )
            for p in spec["ports"]
        ],
    )
    for key, value in spec["selector"].items():
        service.select_label(key, value)
    return service


# The Kubernetes spellings of the Service types and protocols the renderers write.
_SERVICE_TYPES = {
    "ClusterIP": kplus.ServiceType.CLUSTER_IP,
    "LoadBalancer": kplus.ServiceType.LOAD_BALANCER,
    "NodePort": kplus.ServiceType.NODE_PORT,
}
_PROTOCOLS = {"TCP": kplus.Protocol.TCP}
