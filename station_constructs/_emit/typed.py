"""Emit a rendered ConfigMap or claim as the typed cdk8s class (``k8s.Kube*``).

One round trip per object (plus one per distinct quantity in a process): the typed props
are built in Python and sent with the object's creation, where ``emit_object`` (the path of
every other rendered object) costs three for an object with a body. Each emitter carries
every field its renderer writes and refuses (``ValueError``) a field it would drop.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from .._k8s import Construct, k8s

__all__ = ["emit_config_map", "emit_persistent_volume_claim"]


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


def _carried(what: str, given: Mapping[str, Any], carried: tuple[str, ...]) -> None:
    """Refuse a field of ``given`` the typed props below would not carry (silently dropped)."""
    dropped = sorted(set(given) - set(carried))
    if dropped:
        raise ValueError(f"{what}: the typed emitter would drop {dropped}; carry them")


_OBJECT = ("apiVersion", "kind", "metadata")
_META = ("name", "namespace", "labels", "annotations")


def emit_config_map(scope: Construct, id: str, manifest: Mapping[str, Any]) -> k8s.KubeConfigMap:
    """A rendered ConfigMap as ``k8s.KubeConfigMap``."""
    _carried("ConfigMap", manifest, (*_OBJECT, "data"))
    _carried("ConfigMap metadata", manifest["metadata"], _META)
    return k8s.KubeConfigMap(
        scope, id, metadata=_object_meta(manifest["metadata"]), data=manifest["data"]
    )


def emit_persistent_volume_claim(
    scope: Construct, id: str, manifest: Mapping[str, Any]
) -> k8s.KubePersistentVolumeClaim:
    """A rendered PersistentVolumeClaim as ``k8s.KubePersistentVolumeClaim``."""
    spec = manifest["spec"]
    _carried("PersistentVolumeClaim", manifest, (*_OBJECT, "spec"))
    _carried("PersistentVolumeClaim metadata", manifest["metadata"], _META)
    _carried("PersistentVolumeClaim spec", spec, _CLAIM_SPEC)
    _carried("PersistentVolumeClaim resources", spec["resources"], ("requests",))
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


_CLAIM_SPEC = ("accessModes", "resources", "storageClassName", "volumeName", "dataSource")
