"""What a ``LitestreamBackup`` renders, once its settings are resolved.

Its place among the Station's attachments and the App's names (the replica, the ConfigMap),
egress to the store, its ConfigMap, and its changes to the Station: the containers of the
pod (as data, ``render/backup_pod.py``), the pod's annotations and grace period, and the
metrics port on the Station's Service and NetworkPolicy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._backup_credentials import BackupCredentials, pod_credential_env
from ._backup_guards import reserve_replica
from ._errors import _Guard
from ._k8s import Construct, claim_object, construct_path, k8s, kplus
from ._render.backup_pod import (
    BackupContainers,
    add_litestream,
    litestream_mounts,
    litestream_pod_annotations,
)
from ._render.litestream_config import config_hash
from ._render.station_pod import container_resources
from ._settings.litestream import METRICS_PORT_NAME, LitestreamSettings, SidecarMode
from ._settings.station import ImagePullPolicy
from .station import StationDeployment

__all__ = ["LitestreamParts", "change_pod", "claim_names", "emit_config_map"]

#: Where Litestream reaches AWS S3 when no endpoint is given (for the egress check).
_AWS_S3 = "https://s3.amazonaws.com"


@dataclass(frozen=True)
class LitestreamParts:
    """What a LitestreamBackup's objects and pod changes are made from (its checked values)."""

    station: StationDeployment
    """The Station whose database is replicated."""
    settings: LitestreamSettings
    """The checked settings: the replica, the timing, metrics, the image."""
    keys: BackupCredentials
    """Where the S3 credentials come from."""
    config_map_name: str
    """Name of the ConfigMap holding ``litestream.yml``."""
    litestream_yml: str
    """The ``litestream.yml`` text."""
    commands: tuple[Sequence[str], Sequence[str]]
    """The commands of ``litestream`` (replicate) and ``litestream-restore``."""


def claim_names(backup: Construct, guard: _Guard, parts: LitestreamParts) -> None:
    """Attach ``backup`` to its Station, reserve its replica and ConfigMap, open egress."""
    station = parts.station
    station.attach("litestream", backup)
    reserve_replica(backup, guard)
    claim_object(
        backup,
        guard,
        kind="ConfigMap",
        namespace=station.namespace,
        name=parts.config_map_name,
        field="config_map_name",
        fix="pass another config_map_name",
    )
    if station.network_policy is not None:
        target, identity = parts.settings.target, parts.keys.identity
        # A restricted egress must still reach the store (no-op while egress is open).
        station.network_policy.allow_egress_to(
            target.endpoint or _AWS_S3,
            requested_by=backup,
            argument="replica.endpoint",
            argument_value=target.endpoint,
        )
        if identity is not None:
            # Where the token is exchanged: STS (IRSA) or the node's Pod Identity agent.
            station.network_policy.allow_egress_to(
                identity.exchange_url(target.region),
                requested_by=backup,
                argument="credentials",
            )


def emit_config_map(backup: Construct, parts: LitestreamParts) -> k8s.KubeConfigMap:
    """The ConfigMap with ``litestream.yml``: the primary child (``ApiObject.of(backup)``)."""
    return k8s.KubeConfigMap(
        backup,
        "Resource",
        metadata=k8s.ObjectMeta(
            name=parts.config_map_name,
            namespace=parts.station.namespace,
            labels=parts.station.labels("litestream"),
        ),
        data={"litestream.yml": parts.litestream_yml},
    )


def change_pod(backup: Construct, parts: LitestreamParts) -> None:
    """Add the containers, annotations, grace period and metrics port to the Station.

    ``backup``'s objects are ordered before the Deployment first.
    """
    station, settings, identity = parts.station, parts.settings, parts.keys.identity
    station.pod.apply_before(backup)
    replicate, restore = parts.commands
    image, target, metrics = settings.image, settings.target, settings.metrics
    containers = BackupContainers(
        restore_name="litestream-restore",
        sidecar_name="litestream",
        image=image.image,
        pull_policy=image.pull_policy.value,
        env=pod_credential_env(parts.keys, target.region),
        resources=container_resources(image.resolved),
        mounts=litestream_mounts(),
        restore_command=restore,
        sidecar_command=replicate,
        identity_mount=None if identity is None else identity.volume_mount(),
        native=settings.timing.sidecar_mode is SidecarMode.NATIVE,
    )
    add_litestream(
        station.pod,
        containers,
        config_map_name=parts.config_map_name,
        metrics_port=metrics.port,
        digest_pinned=image.reference.digest is not None,
        pull_always=image.pull_policy is ImagePullPolicy.ALWAYS,
    )
    station.ensure_termination_grace_period(
        settings.timing.grace_period_seconds,
        reason=lambda: f"LitestreamBackup '{construct_path(backup)}' final sync",
    )
    litestream_pod_annotations(
        station.pod,
        config_hash=config_hash(parts.litestream_yml),
        replica=f"s3://{target.bucket}/{target.path}",
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
