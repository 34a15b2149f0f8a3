"""The Station's Namespace, ConfigMap and data claim as plain data.

Pure functions of validated settings; ``station_constructs._emit`` hands the results to cdk8s
as the objects ``StationDeployment`` exposes (``namespace_object``, an ``ApiObject``;
``config_map`` and ``pvc``, typed ``k8s.Kube*`` objects, see ``_emit/typed.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .quantities import canonical_quantity

__all__ = [
    "BEFORE_WORKLOADS",
    "PRUNE_PROTECTION",
    "config_map",
    "retained_storage_class",
    "namespace",
    "persistent_volume_claim",
]

Manifest = dict[str, Any]

# Argo CD and Flux never delete an object carrying these when it leaves Git (or on an app
# deletion, for Argo CD): the PVC, and the Namespace whose deletion would take the PVC along.
PRUNE_PROTECTION = {
    "argocd.argoproj.io/sync-options": "Prune=false,Delete=false",
    "kustomize.toolkit.fluxcd.io/prune": "disabled",
}

# Argo CD orders built-in kinds itself (Namespace, Secret, ConfigMap and PVC before a
# Deployment) but applies custom resources after them: this wave puts an ExternalSecret or a
# SealedSecret the pod reads, and its Secret, before the Deployment.
BEFORE_WORKLOADS = {"argocd.argoproj.io/sync-wave": "-1"}


def _metadata(
    name: str, namespace: str | None, labels: Mapping[str, str], annotations: Mapping[str, str]
) -> Manifest:
    meta: Manifest = {"name": name}
    if namespace is not None:
        meta["namespace"] = namespace
    meta["labels"] = dict(labels)
    if annotations:
        meta["annotations"] = dict(annotations)
    return meta


def namespace(name: str, labels: Mapping[str, str], *, protect_from_prune: bool) -> Manifest:
    """The Namespace, with the "restricted" Pod Security Standard enforced."""
    all_labels = {
        # Kept from the hand-written namespace.yaml.
        "name": name,
        "app": "station-agents",
        **{k: v for k, v in labels.items() if k != "app"},
        # Every pod here meets the "restricted" Pod Security Standard; enforce it.
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
    }
    # Deleting the Namespace deletes the PVC in it: protect it like the PVC.
    annotations = PRUNE_PROTECTION if protect_from_prune else {}
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": _metadata(name, None, all_labels, annotations),
    }


def config_map(
    name: str, namespace: str, labels: Mapping[str, str], data: Mapping[str, str]
) -> Manifest:
    """The ConfigMap of non-secret settings."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _metadata(name, namespace, labels, {}),
        "data": dict(data),
    }


def persistent_volume_claim(  # noqa: PLR0913 - one argument per field of the claim
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    *,
    access_mode: str,
    size: str,
    storage_class: str | None,
    volume_name: str | None,
    restore_from_snapshot: str | None,
    protect_from_prune: bool,
) -> Manifest:
    """The data claim; ``restore_from_snapshot`` makes it a VolumeSnapshot's copy."""
    spec: Manifest = {
        "accessModes": [access_mode],
        "resources": {"requests": {"storage": canonical_quantity(size)}},
    }
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    if volume_name is not None:
        spec["volumeName"] = volume_name
    if restore_from_snapshot is not None:
        spec["dataSource"] = {
            "apiGroup": "snapshot.storage.k8s.io",
            "kind": "VolumeSnapshot",
            "name": restore_from_snapshot,
        }
    annotations = PRUNE_PROTECTION if protect_from_prune else {}
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": _metadata(name, namespace, labels, annotations),
        "spec": spec,
    }


def retained_storage_class(
    name: str, provisioner: str, parameters: Mapping[str, str] | None, labels: Mapping[str, str]
) -> Manifest:
    """A StorageClass whose volumes outlive their claim: ``reclaimPolicy: Retain``.

    ``WaitForFirstConsumer`` provisions the volume where the pod is scheduled (zonal disks,
    local-path's node).
    """
    manifest: Manifest = {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": _metadata(name, None, labels, {}),
        "provisioner": provisioner,
    }
    if parameters:
        manifest["parameters"] = dict(sorted(parameters.items()))
    manifest["reclaimPolicy"] = "Retain"
    manifest["volumeBindingMode"] = "WaitForFirstConsumer"
    return manifest
