"""Emit rendered objects as the typed cdk8s classes a construct exposes (``k8s.Kube*``).

One round trip per object (plus one per distinct quantity in a process): the typed props
are built in Python and sent with the object's creation.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from .._k8s import Construct, k8s

__all__ = ["emit_config_map", "emit_namespace", "emit_persistent_volume_claim"]


@lru_cache(maxsize=256)
def quantity(text: str) -> k8s.Quantity:
    """``k8s.Quantity.from_string(text)``, made once per text (a Quantity is immutable)."""
    return k8s.Quantity.from_string(text)


def _object_meta(meta: Mapping[str, Any]) -> k8s.ObjectMeta:
    return k8s.ObjectMeta(
        name=meta.get("name"),
        namespace=meta.get("namespace"),
        labels=meta.get("labels"),
        annotations=meta.get("annotations"),
    )


def emit_namespace(scope: Construct, id: str, manifest: Mapping[str, Any]) -> k8s.KubeNamespace:
    """A rendered Namespace as ``k8s.KubeNamespace``."""
    return k8s.KubeNamespace(scope, id, metadata=_object_meta(manifest["metadata"]))


def emit_config_map(scope: Construct, id: str, manifest: Mapping[str, Any]) -> k8s.KubeConfigMap:
    """A rendered ConfigMap as ``k8s.KubeConfigMap``."""
    return k8s.KubeConfigMap(
        scope, id, metadata=_object_meta(manifest["metadata"]), data=manifest["data"]
    )


def emit_persistent_volume_claim(
    scope: Construct, id: str, manifest: Mapping[str, Any]
) -> k8s.KubePersistentVolumeClaim:
    """A rendered PersistentVolumeClaim as ``k8s.KubePersistentVolumeClaim``."""
    spec = manifest["spec"]
    source = spec.get("dataSource")
    return k8s.KubePersistentVolumeClaim(
        scope,
        id,
        metadata=_object_meta(manifest["metadata"]),
        spec=k8s.PersistentVolumeClaimSpec(
            access_modes=spec["accessModes"],
            resources=k8s.ResourceRequirements(
                requests={k: quantity(v) for k, v in spec["resources"]["requests"].items()}
            ),
            storage_class_name=spec.get("storageClassName"),
            volume_name=spec.get("volumeName"),
            data_source=None
            if source is None
            else k8s.TypedLocalObjectReference(
                api_group=source["apiGroup"], kind=source["kind"], name=source["name"]
            ),
        ),
    )
