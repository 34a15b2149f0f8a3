"""Emit a rendered Ingress as the typed ``k8s.KubeIngress`` a StationIngress exposes.

One round trip to jsii's Node process: the typed props are built in Python and sent with
the object's creation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._k8s import Construct, k8s

__all__ = ["emit_ingress"]


def emit_ingress(scope: Construct, id: str, manifest: Mapping[str, Any]) -> k8s.KubeIngress:
    """A rendered Ingress (``render.ingress.ingress``) as ``k8s.KubeIngress``."""
    meta = manifest["metadata"]
    spec = manifest["spec"]
    tls = spec["tls"]
    return k8s.KubeIngress(
        scope,
        id,
        metadata=k8s.ObjectMeta(
            name=meta["name"],
            namespace=meta["namespace"],
            labels=meta["labels"],
            annotations=meta["annotations"],
        ),
        spec=k8s.IngressSpec(
            ingress_class_name=spec["ingressClassName"],
            tls=None
            if tls is None
            else [k8s.IngressTls(hosts=t["hosts"], secret_name=t["secretName"]) for t in tls],
            rules=[
                k8s.IngressRule(
                    host=rule["host"],
                    http=k8s.HttpIngressRuleValue(paths=[_path(p) for p in rule["http"]["paths"]]),
                )
                for rule in spec["rules"]
            ],
        ),
    )


def _path(path: Mapping[str, Any]) -> k8s.HttpIngressPath:
    service = path["backend"]["service"]
    return k8s.HttpIngressPath(
        path=path["path"],
        path_type=path["pathType"],
        backend=k8s.IngressBackend(
            service=k8s.IngressServiceBackend(
                name=service["name"],
                port=k8s.ServiceBackendPort(number=service["port"]["number"]),
            )
        ),
    )
