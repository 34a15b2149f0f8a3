"""Emit a VolumeSnapshot as the typed ``snapshot.storage.k8s.io/v1`` class.

One round trip to jsii's Node process: the typed props are built in Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .._k8s import ApiObjectMetadata, Construct

if TYPE_CHECKING:
    from .._imports.io.k8s.storage.snapshot import VolumeSnapshot

__all__ = ["emit_volume_snapshot"]


def emit_volume_snapshot(  # noqa: PLR0913 - one value per field of the object
    scope: Construct,
    id: str,
    *,
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    annotations: Mapping[str, str] | None,
    claim_name: str,
    snapshot_class: str,
) -> VolumeSnapshot:
    """A VolumeSnapshot of the claim ``claim_name`` taken with ``snapshot_class``."""
    from .._imports.io.k8s.storage import snapshot

    return snapshot.VolumeSnapshot(
        scope,
        id,
        metadata=ApiObjectMetadata(
            name=name,
            namespace=namespace,
            labels=dict(labels),
            annotations=None if annotations is None else dict(annotations),
        ),
        spec=snapshot.VolumeSnapshotSpec(
            source=snapshot.VolumeSnapshotSpecSource(persistent_volume_claim_name=claim_name),
            volume_snapshot_class_name=snapshot_class,
        ),
    )
