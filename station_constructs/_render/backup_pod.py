"""The backup containers added to the Station pod, as data.

``LitestreamBackup`` adds ``litestream-restore`` (an init container, first) and ``litestream``
(a native sidecar, or a second container); ``ConfigDirBackup`` adds ``config-restore`` (after
the database's restore) and ``config-backup``. The order of the pod's init containers is then:
the restores, ``seed-home``, the sidecars (see ``docs/backup-and-restore.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .._settings.litestream import (
    CONFIG_DIR,
    CONFIG_VOLUME,
    METRICS_PATH,
    METRICS_PORT_NAME,
    REPLICA_ANNOTATION,
)
from . import containers as c
from .pod import Json, StationPod, define_volume
from .station_pod import DATA_VOLUME

__all__ = [
    "BackupContainers",
    "add_backup_containers",
    "add_config_backup",
    "add_litestream",
    "litestream_mounts",
    "litestream_pod_annotations",
]

#: Seconds Station needs to stop after SIGTERM (~3 s for its services, up to 5 s to flush
#: traces; see docs/station-facts.md "Shutdown"), rounded up: a non-native sidecar waits
#: this long at shutdown, so the final sync includes Station's last transaction.
STATION_STOP_SECONDS = 10


@dataclass(frozen=True)
class BackupContainers:
    """One backup's pair of containers: a restore, then a sidecar that keeps copying."""

    restore_name: str
    sidecar_name: str
    image: str
    pull_policy: str
    env: Sequence[Json]
    resources: Json
    mounts: Sequence[Json]
    restore_command: Sequence[str]
    sidecar_command: Sequence[str]
    identity_mount: Json | None
    native: bool
    ports: Sequence[Json] = ()
    native_startup_probe: Json | None = None
    liveness_probe: Json | None = None

    def container(
        self,
        name: str,
        command: Sequence[str],
        *,
        ports: Sequence[Json] = (),
        probes: dict[str, Json] | None = None,
        lifecycle: Json | None = None,
    ) -> Json:
        """A container of this backup: the shared image, env, resources and mounts."""
        found = c.container(
            name,
            self.image,
            pull_policy=self.pull_policy,
            command=command,
            env=self.env,
            ports=ports,
            probes=probes,
            lifecycle=lifecycle,
            security=c.security_context(),
            resources=self.resources,
            mounts=self.mounts,
        )
        if self.identity_mount is not None:
            found["volumeMounts"].append(dict(self.identity_mount))
        return found


def add_backup_containers(pod: StationPod, backup: BackupContainers) -> None:
    """Add ``backup``'s restore (ordered first) and its sidecar to ``pod``."""
    restore = backup.container(backup.restore_name, backup.restore_command)
    pod.add_init_container(restore, first=True)
    if backup.native:
        probe = backup.native_startup_probe
        sidecar = backup.container(
            backup.sidecar_name,
            backup.sidecar_command,
            ports=backup.ports,
            probes=None if probe is None else {"startup": probe},
        )
        pod.add_sidecar(sidecar)
        return
    probe = backup.liveness_probe
    sidecar = backup.container(
        backup.sidecar_name,
        backup.sidecar_command,
        ports=backup.ports,
        probes=None if probe is None else {"liveness": probe},
        # Both containers get SIGTERM at once: let Station stop writing first.
        lifecycle=c.exec_pre_stop(["sleep", str(STATION_STOP_SECONDS)]),
    )
    pod.add_sidecar(sidecar, native=False)


def data_mount() -> Json:
    """The data volume at ``/data``, as every backup container mounts it."""
    return c.mount("/data", DATA_VOLUME)


def add_litestream(
    pod: StationPod,
    backup: BackupContainers,
    *,
    config_map_name: str,
    metrics_port: int | None,
    digest_pinned: bool,
    pull_always: bool,
) -> None:
    """Add ``litestream-restore`` and ``litestream`` (``backup``, without probes and ports).

    Also the ConfigMap's volume, the metrics port and probes, and the checkov suppressions
    that describe the Litestream containers.
    """
    define_volume(pod, c.config_map_volume(CONFIG_VOLUME, config_map_name))
    metrics = metrics_port
    # A hung Litestream is restarted; an unreachable S3 does not fail /metrics.
    liveness = (
        None
        if metrics is None
        else c.http_probe(METRICS_PATH, metrics, period=30, timeout=5, failure_threshold=3)
    )
    # Station starts only once Litestream has loaded its configuration and serves
    # metrics: a broken litestream.yml stops the pod instead of leaving Station running
    # without backups.
    startup = (
        None
        if metrics is None
        else c.http_probe(
            METRICS_PATH, metrics, period=1, timeout=1, failure_threshold=60, scheme=None
        )
    )
    containers = replace(
        backup,
        ports=[] if metrics is None else [c.port(metrics, METRICS_PORT_NAME)],
        native_startup_probe=startup,
        liveness_probe=liveness,
    )
    if not containers.native:
        # The sidecar serves no client traffic: a readiness probe would only take
        # Station out of its Service whenever backups are unhealthy.
        pod.add_deployment_annotation(
            "checkov.io/skip-litestream-readiness",
            "CKV_K8S_9=the Litestream sidecar serves no traffic; a readiness probe would "
            "take Station out of its Service whenever backups are unhealthy",
        )
        if metrics is None:
            pod.add_deployment_annotation(
                "checkov.io/skip-litestream-liveness",
                "CKV_K8S_8=Litestream without metrics has no endpoint to probe; the "
                "container restarts when the process exits",
            )
    add_backup_containers(pod, containers)
    if not digest_pinned:
        # The Station's own suppressions describe the Station image; these two describe
        # Litestream's, so a digest-pinned Station does not hide a tag-pinned sidecar.
        pod.add_deployment_annotation(
            "checkov.io/skip-litestream-digest",
            "CKV_K8S_43=the Litestream image is pinned to an exact release tag (checked "
            "at construct time, tags can still be re-pushed); pass image with an @sha256 "
            "digest to pin it immutably",
        )
        if not pull_always:
            pod.add_deployment_annotation(
                "checkov.io/skip-litestream-pull",
                "CKV_K8S_15=IfNotPresent with an exact release tag runs that release; pass "
                "an @sha256 digest to make the pull policy irrelevant",
            )


def litestream_mounts() -> list[Json]:
    """The data volume and ``litestream.yml`` (read-only), as both containers mount them."""
    return [data_mount(), c.mount(CONFIG_DIR, CONFIG_VOLUME, read_only=True)]


def litestream_pod_annotations(
    pod: StationPod,
    *,
    config_hash: str,
    replica: str,
    scrape_port: int | None,
) -> None:
    """Annotate the pod with the config hash, the replica, and (``scrape_port``) Prometheus."""
    pod.add_annotation("station-constructs/litestream-config-hash", config_hash)
    pod.add_annotation(REPLICA_ANNOTATION, replica)
    if scrape_port is not None:
        pod.add_annotation("prometheus.io/scrape", "true")
        pod.add_annotation("prometheus.io/port", str(scrape_port))
        pod.add_annotation("prometheus.io/path", METRICS_PATH)


def add_config_backup(pod: StationPod, backup: BackupContainers, *, digest_pinned: bool) -> None:
    """Add ``config-restore`` and ``config-backup``, and their checkov suppressions."""
    if not backup.native:
        pod.add_deployment_annotation(
            "checkov.io/skip-config-backup-probes",
            "CKV_K8S_8,CKV_K8S_9=the config-backup sidecar serves nothing; it exits and "
            "restarts after repeated sync failures",
        )
    # Order: the database, then the config directory, then seed-home and Station.
    add_backup_containers(pod, backup)
    if not digest_pinned:
        pod.add_deployment_annotation(
            "checkov.io/skip-config-backup-digest",
            "CKV_K8S_43=the rclone image is pinned to an exact release tag; pass image "
            "with an @sha256 digest to pin it immutably",
        )
