"""What a ``LitestreamBackup`` renders, once its settings are resolved.

Its place among the Station's attachments and the App's names (the replica, the ConfigMap),
egress to the store, its ConfigMap, and its changes to the Station: the containers of the
pod (as data, ``render/backup_pod.py``), the pod's annotations and grace period, and the
metrics port on the Station's Service and NetworkPolicy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._backup_guards import reserve_replica
from ._errors import _Guard
from ._k8s import claim_object, construct_path, k8s, kplus
from ._render.backup_pod import (
    BackupContainers,
    add_litestream,
    litestream_mounts,
    litestream_pod_annotations,
)
from ._render.station_pod import container_resources
from ._settings.litestream import METRICS_PORT_NAME, LitestreamSettings, SidecarMode
from ._settings.station import ImagePullPolicy

if TYPE_CHECKING:
    from .litestream import LitestreamBackup

__all__ = ["change_pod", "claim_names", "emit_config_map"]

#: Where Litestream reaches AWS S3 when no endpoint is given (for the egress check).
_AWS_S3 = "https://s3.amazonaws.com"


def claim_names(backup: LitestreamBackup, guard: _Guard) -> None:
    """Attach ``backup`` to its Station, reserve its replica and ConfigMap, open egress."""
    station = backup.station
    station.attach("litestream", backup)
    reserve_replica(backup, guard)
    claim_object(
        backup,
        guard,
        kind="ConfigMap",
        namespace=backup.namespace,
        name=backup.config_map_name,
        field="config_map_name",
        fix="pass another config_map_name",
    )
    if station.network_policy is not None:
        # A restricted egress must still reach the store (no-op while egress is open).
        station.network_policy.allow_egress_to(
            backup.endpoint or _AWS_S3,
            requested_by=backup,
            argument="replica.endpoint",
            argument_value=backup.endpoint,
        )
        if backup.identity is not None:
            # Where the token is exchanged: STS (IRSA) or the node's Pod Identity agent.
            station.network_policy.allow_egress_to(
                backup.identity.exchange_url(backup.region),
                requested_by=backup,
                argument="credentials",
            )


def emit_config_map(backup: LitestreamBackup) -> k8s.KubeConfigMap:
    """The ConfigMap with ``litestream.yml``: the primary child (``ApiObject.of(backup)``)."""
    return k8s.KubeConfigMap(
        backup,
        "Resource",
        metadata=k8s.ObjectMeta(
            name=backup.config_map_name,
            namespace=backup.namespace,
            labels=backup.station.labels("litestream"),
        ),
        data={"litestream.yml": backup.litestream_yml},
    )


def change_pod(backup: LitestreamBackup, settings: LitestreamSettings) -> None:
    """Add the containers, annotations, grace period and metrics port to the Station."""
    station = backup.station
    image = settings.image
    containers = BackupContainers(
        restore_name="litestream-restore",
        sidecar_name="litestream",
        image=backup.image,
        pull_policy=image.pull_policy.value,
        env=backup.pod_credential_env(),
        resources=container_resources(image.resolved),
        mounts=litestream_mounts(),
        restore_command=backup.restore_command,
        sidecar_command=backup.replicate_command,
        identity_mount=None if backup.identity is None else backup.identity.volume_mount(),
        native=backup.sidecar_mode is SidecarMode.NATIVE,
    )
    add_litestream(
        station.pod,
        containers,
        config_map_name=backup.config_map_name,
        metrics_port=backup.metrics_port,
        digest_pinned=image.reference.digest is not None,
        pull_always=image.pull_policy is ImagePullPolicy.ALWAYS,
    )
    station.ensure_termination_grace_period(
        settings.timing.grace_period_seconds,
        reason=lambda: f"LitestreamBackup '{construct_path(backup)}' final sync",
    )
    metrics = settings.metrics
    litestream_pod_annotations(
        station.pod,
        config_hash=backup.config_hash,
        replica=f"s3://{backup.bucket}/{backup.path}",
        scrape_port=metrics.port if metrics.prometheus_annotations else None,
    )
    if metrics.port is not None:
        station.service.bind(
            metrics.port,
            name=METRICS_PORT_NAME,
            target_port=metrics.port,
            protocol=kplus.Protocol.TCP,
        )
        if metrics.namespaces and station.network_policy is not None:
            station.network_policy.allow_from_namespaces(list(metrics.namespaces), [metrics.port])
