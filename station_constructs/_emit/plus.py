"""Emit rendered objects as the cdk8s-plus-27 constructs a Station exposes (``kplus.Service``).

A user's cdk8s-plus code routes to and selects these (``kplus.IngressBackend.from_service``),
so they stay cdk8s-plus constructs: the rendered data is passed as their props. cdk8s-plus
writes ``externalIPs: []``, which the API server drops (so every ``kubectl apply`` would
rewrite the Service): a JSON patch removes it unless the rendered Service lists addresses.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from .._k8s import ApiObject, Construct, JsonPatch, kplus
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
    if not spec.get("externalIPs"):
        ApiObject.of(service).add_json_patch(_no_external_ips())
    return service


# The Kubernetes spellings of the Service types and protocols the renderers write.
_SERVICE_TYPES = {
    "ClusterIP": kplus.ServiceType.CLUSTER_IP,
    "LoadBalancer": kplus.ServiceType.LOAD_BALANCER,
    "NodePort": kplus.ServiceType.NODE_PORT,
}
_PROTOCOLS = {"TCP": kplus.Protocol.TCP}


@cache
def _no_external_ips() -> JsonPatch:
    """One patch object for every Service (a JsonPatch is immutable), made on first use."""
    return JsonPatch.remove("/spec/externalIPs")
