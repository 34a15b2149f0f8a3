"""StationVolumeSnapshot: a CSI VolumeSnapshot of the Station's data volume.

The deployment guide's "Option 1: Volume Snapshots" uses ``kubectl create volumesnapshot``,
which is not a kubectl command: a VolumeSnapshot is a custom resource
(``snapshot.storage.k8s.io/v1``, from the CSI external-snapshotter) and is applied as YAML.
This construct renders that object for the Station's PersistentVolumeClaim.

Requirements: the snapshot CRDs and the snapshot controller installed in the cluster, a CSI
driver with snapshot support behind the PVC's StorageClass, and a VolumeSnapshotClass for
that driver. **k3s's default ``local-path`` provisioner is not a CSI driver and has no
snapshots**: on k3s use :class:`LitestreamBackup` (continuous backup to S3) instead.

A snapshot is a crash-consistent copy of the volume: SQLite in WAL mode recovers from it
like from a power cut (the last transactions may be missing). For a point-in-time copy
with no such window, use Litestream.

GitOps: a VolumeSnapshot is taken once, when it is created. Re-applying the same name is a
no-op (its spec is immutable), so a *new* snapshot needs a *new* name, e.g. one with the
date (``station-data-2026-01-15``). By default the object carries the Argo CD / Flux
annotations that keep it from being pruned when it leaves Git: removing an old snapshot
from the repository does not delete the backup (with a ``deletionPolicy: Delete`` class,
deleting the VolumeSnapshot deletes the stored snapshot too).

Restore: a new claim with ``StationStorage(restore_from_snapshot="<snapshot name>")``,
which renders the PVC's ``dataSource``; Kubernetes reads ``dataSource`` only when a claim
is created, so restore into a new ``claim_name`` (or delete the old claim first, with the
Deployment scaled to zero).
"""

from __future__ import annotations

from ._app_registry import check_scope, init_construct
from ._attach import require_station
from ._emit.volume_snapshot import emit_volume_snapshot
from ._errors import _Guard
from ._k8s import Construct, claim_object, guard_for
from ._read_only import ReadOnlyConstruct
from ._validate import boolean, dns_subdomain
from .station import StationDeployment

__all__ = ["StationVolumeSnapshot"]

#: The StorageClass of k3s's (and kind's) local-path provisioner: hostPath volumes, no CSI.
#: Classes named ``local-path-*`` (e.g. a ``local-path-retain`` variant) are taken to be the
#: same provisioner; the provisioner of other names cannot be known at synth time.
LOCAL_PATH = "local-path"


class StationVolumeSnapshot(ReadOnlyConstruct):
    """A ``snapshot.storage.k8s.io/v1`` VolumeSnapshot of a Station's data volume.

    Args:
        scope: The chart (or any construct) to add the snapshot to.
        id: Construct id. Never used in object names.
        station: The Station whose PersistentVolumeClaim (``station.pvc_name``) to snapshot.
        snapshot_class: The VolumeSnapshotClass (``kubectl get volumesnapshotclass``), e.g.
            ``csi-aws-vsc`` or ``csi-hostpath-snapclass``. Required: it must belong to the
            CSI driver of the volume's StorageClass.
        name: Name of the VolumeSnapshot. Default ``<claim name>-snapshot``
            (``station-data-snapshot``). Each new snapshot needs a new name (see the module
            documentation), e.g. ``station-data-2026-01-15``.
        protect_from_prune: Annotate the snapshot so Argo CD and Flux never prune it when it
            disappears from Git. Default ``True``.

    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        station: StationDeployment,
        snapshot_class: str,
        name: str | None = None,
        protect_from_prune: bool = True,
    ) -> None:
        check_scope(scope, id, "StationVolumeSnapshot", self)
        init_construct(self, scope, id)
        guard = guard_for("StationVolumeSnapshot", self)
        require_station(self, guard, station, "whose volume to snapshot")
        self.station: StationDeployment = station
        """The Station whose volume is snapshotted."""
        _refuse_local_path(guard, station.storage.storage_class)
        self.namespace: str = station.namespace
        """Namespace of the snapshot (the PVC's: a snapshot source must be in the same one)."""
        self.pvc_name: str = station.pvc_name
        """The snapshotted PersistentVolumeClaim."""
        self.snapshot_class: str = dns_subdomain(guard, "snapshot_class", snapshot_class)
        """The VolumeSnapshotClass."""
        self.name: str = dns_subdomain(
            guard, "name", f"{station.pvc_name}-snapshot" if name is None else name
        )
        """Name of the VolumeSnapshot (pass it to ``StationStorage(restore_from_snapshot=)``)."""
        _refuse_restoring_from_itself(guard, station, self.name, self.pvc_name)
        claim_object(
            self,
            guard,
            kind="VolumeSnapshot",
            namespace=self.namespace,
            name=self.name,
            field="name",
            why="a snapshot is taken once, under one name",
            fix="give each snapshot its own name, e.g. with the date: "
            f"'{station.pvc_name}-2026-01-15'",
        )
        annotations: dict[str, str] | None = None
        if boolean(guard, "protect_from_prune", protect_from_prune):
            annotations = {
                # Removing the snapshot from Git must not delete the backup.
                "argocd.argoproj.io/sync-options": "Prune=false,Delete=false",
                "kustomize.toolkit.fluxcd.io/prune": "disabled",
            }
        self.volume_snapshot = emit_volume_snapshot(
            self,
            "Resource",
            name=self.name,
            namespace=self.namespace,
            labels=station.labels("snapshot"),
            annotations=annotations,
            claim_name=self.pvc_name,
            snapshot_class=self.snapshot_class,
        )
        """The VolumeSnapshot (escape hatch: ``ApiObject.of(snapshot)``)."""
        self._lock_attributes()


def _refuse_local_path(guard: _Guard, storage_class: str | None) -> None:
    """local-path volumes are host directories: no CSI, no snapshot."""
    if storage_class is not None and (
        storage_class == LOCAL_PATH or storage_class.startswith(f"{LOCAL_PATH}-")
    ):
        raise guard.fail(
            "station.storage.storage_class",
            storage_class,
            "local-path volumes (k3s's default) are host directories, not CSI volumes: "
            "there is no snapshot support and the VolumeSnapshot would never become ready",
            "back up with LitestreamBackup (continuous replication to S3 and automatic "
            "restore), or move the data to a CSI StorageClass with snapshot support",
        )


def _refuse_restoring_from_itself(
    guard: _Guard, station: StationDeployment, name: str, pvc_name: str
) -> None:
    """A claim restored from this snapshot and a snapshot of that claim wait for each other."""
    if station.storage.restore_from_snapshot == name:
        raise guard.fail(
            "name",
            name,
            f"the Station's claim '{pvc_name}' is being restored from this very "
            "snapshot (storage.restore_from_snapshot): the claim waits for the snapshot, "
            "and the snapshot waits for the claim it copies, so neither ever becomes ready",
            "give the new snapshot another name, e.g. "
            f"'{station.pvc_name}-2026-01-15', or snapshot after the restore has completed",
        )
