"""LitestreamBackup: continuous replication of Station's SQLite database to S3, and restore.

Station keeps all of its state in ``/data/station.db`` on one ReadWriteOnce volume (the
guide's snippet: unpinned, no endpoint, no restore). :class:`LitestreamBackup` adds to the pod:

* ``litestream-restore``, the first init container, running
  ``litestream restore -if-replica-exists /data/station.db`` when the volume has no
  database (an empty file counts as none), and otherwise does nothing (also with no backup
  yet). Wrong credentials make it fail, so Station never starts empty over a backup it
  could not read; with ``require_backup=True`` so does a missing backup;
* ``litestream``, running ``litestream replicate`` behind a guard that decides from the
  database and the replica: a database that is not the one restored or created on this
  volume (its inode), or whose TXID is behind the replica, never replicates over a backup;
  while it runs, a replaced database, a second writer or an S3 outage of 40 s stop it
  (exit 1; see ``_litestream_scripts.litestream_replicate_script``). By default it is a
  native sidecar (an init container with ``restartPolicy: Always``, Kubernetes 1.29+): it
  starts before Station (Station waits until its metrics listener answers) and is stopped
  only after Station has exited, so its final sync on SIGTERM ships every committed write.
  ``SidecarMode.CLASSIC`` (for 1.27/1.28) makes it an ordinary container whose preStop hook
  waits for Station to stop before the SIGTERM;
* a ConfigMap with ``litestream.yml`` in the format of Litestream 0.5 (one ``replica:`` per
  database, global ``snapshot:`` retention, ``addr`` for metrics), a config-hash annotation
  that restarts the pod when it changes, and a ``terminationGracePeriodSeconds`` long
  enough for Station's stop and Litestream's final sync.

The behaviour of the pinned Litestream version this design relies on is listed in
``settings/litestream.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._app_registry import check_same_app, check_scope, init_construct
from ._backup_credentials import (
    BackupCredentials,
    credential_env,
    credential_env_list,
    pod_credential_env,
    render_identity,
    render_secret,
    resolve_credentials,
    setup_command,
)
from ._backup_guards import check_snapshot_rollback
from ._backup_station import backed_up_station
from ._backup_values import FORMER_ARGUMENTS, FORMER_ATTRIBUTES, check_values
from ._errors import _Guard
from ._factory_only import BY_FACTORY
from ._k8s import Construct, guard_for, k8s, kplus
from ._litestream_objects import LitestreamParts, change_pod, claim_names, emit_config_map
from ._read_only import Published, ReadOnlyConstruct
from ._renamed import former_attribute, refuse_former
from ._render.backup_pod import STATION_STOP_SECONDS
from ._render.litestream_config import config_hash, litestream_commands, litestream_yml, replica_url
from ._settings.litestream import (
    DEFAULT_RESOURCES,
    LITESTREAM_IMAGE,
    LITESTREAM_VERSION,
    METRICS_PORT,
    LitestreamSettings,
    MetricsSettings,
    SidecarMode,
    resolve_litestream,
)
from ._settings.s3 import check_identity_target
from ._settings.station import ImagePullPolicy, Resources
from ._validate import boolean, dns_subdomain
from .backup_options import LitestreamMetrics, S3Credentials, S3Replica
from .station import StationDeployment

__all__ = ["LITESTREAM_IMAGE", "LITESTREAM_VERSION", "LitestreamBackup", "SidecarMode"]

_SERVED = LitestreamMetrics.served()
# The keyword arguments LitestreamBackup takes (offered when a name is neither these nor former).
_ACCEPTED = (
    "station replica credentials sync_interval snapshot_interval retention checkpoint_interval "
    "shutdown_sync_timeout termination_grace_period sidecar_mode metrics image "
    "image_pull_policy resources config_map_name require_backup accept_snapshot_rollback"
).split()


class LitestreamBackup(ReadOnlyConstruct):
    """Continuous backup of a Station's database to S3 (or an S3-compatible store), and restore.

    Attached to a :class:`~station_constructs.StationDeployment`: adds the restore init
    container, the replicate sidecar, the ``litestream.yml`` ConfigMap, the metrics port and
    the grace period to its pod (see the module documentation). One per Station. Bad input
    raises :class:`~station_constructs.StationConfigError` here, at construct time.

    Args:
        station: The Station whose ``/data/station.db`` to replicate.
        replica: Where the backup lives: :meth:`S3Replica.aws
            <station_constructs.S3Replica.aws>` or :meth:`S3Replica.compatible
            <station_constructs.S3Replica.compatible>` (MinIO, SeaweedFS, Ceph RGW, Garage,
            R2...). Its path defaults to ``<namespace>/<station name>/station.db``. Two
            Stations of one App must not share an endpoint, bucket and path (refused).
        credentials: Where the S3 credentials come from: :meth:`S3Credentials.from_secret
            <station_constructs.S3Credentials.from_secret>` (static keys,
            ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY``) or
            :meth:`S3Credentials.workload_identity
            <station_constructs.S3Credentials.workload_identity>`. Default
            ``S3Credentials.from_secret()``: the Secret ``<station name>-litestream`` with
            keys named like the variables. Never written to the ConfigMap.
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
        metrics: Litestream's Prometheus metrics: :meth:`LitestreamMetrics.served
            <station_constructs.LitestreamMetrics.served>` (default: on 9090 ``/metrics``,
            bound as port ``metrics`` on the Station's ClusterIP Service; in native mode
            Station also waits for this listener before starting) or
            :meth:`LitestreamMetrics.off <station_constructs.LitestreamMetrics.off>`.
        image: The Litestream image. Default :data:`LITESTREAM_IMAGE` (the version the tests
            run). Must be pinned; a tagged version must be 0.5.x (the configuration format).
        image_pull_policy: Default ``IF_NOT_PRESENT``.
        resources: CPU and memory of each Litestream container. Default 50m/64Mi requested,
            500m/512Mi limit.
        config_map_name: Name of the ConfigMap. Default ``<station name>-litestream``.
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

    termination_grace_period_seconds = Published[int]("The pod's grace period.", source="station")

    def __init__(  # noqa: PLR0913 - keyword-only configuration, each documented above
        self,
        scope: Construct,
        id: str,
        *,
        station: StationDeployment,
        replica: S3Replica | None = None,
        credentials: S3Credentials | None = None,
        sync_interval: str | int = "1s",
        snapshot_interval: str | int = "24h",
        retention: str | int = "24h",
        checkpoint_interval: str | int = "1m",
        shutdown_sync_timeout: str | int = "30s",
        termination_grace_period: str | int | None = None,
        sidecar_mode: SidecarMode = SidecarMode.NATIVE,
        metrics: LitestreamMetrics = _SERVED,
        image: str = LITESTREAM_IMAGE,
        image_pull_policy: ImagePullPolicy = ImagePullPolicy.IF_NOT_PRESENT,
        resources: Resources = DEFAULT_RESOURCES,
        config_map_name: str | None = None,
        require_backup: bool = False,
        accept_snapshot_rollback: bool = False,
        **former: object,
    ) -> None:
        check_scope(scope, id, "LitestreamBackup", self)
        init_construct(self, scope, id)
        guard = guard_for("LitestreamBackup", self)
        refuse_former(guard, former, FORMER_ARGUMENTS, _ACCEPTED)
        self._guard = guard
        replica, credentials = check_values(guard, replica, credentials, metrics)
        self._check_station(guard, station, accept_snapshot_rollback)
        settings = resolve_litestream(
            guard,
            default_path=f"{station.namespace}/{station.name}/station.db",
            has_network_policy=station.network_policy is not None,
            station_ports=station.ports,
            station_stop_seconds=STATION_STOP_SECONDS,
            replica=replica,
            metrics=MetricsSettings(
                METRICS_PORT if metrics.enabled else None,
                metrics.prometheus_annotations,
                metrics.namespaces,
            ),
            sync_interval=sync_interval,
            snapshot_interval=snapshot_interval,
            retention=retention,
            checkpoint_interval=checkpoint_interval,
            shutdown_sync_timeout=shutdown_sync_timeout,
            termination_grace_period=termination_grace_period,
            sidecar_mode=sidecar_mode,
            image=image,
            image_pull_policy=image_pull_policy,
            resources=resources,
        )
        self._keep_settings(settings)
        keys = resolve_credentials(
            self,
            guard,
            station,
            credentials=credentials,
            region_given=replica.region is not None or replica.endpoint is not None,
        )
        check_identity_target(
            guard, None if keys.identity is None else keys.identity.kind, settings.target
        )
        self._keep_credentials(keys, credentials, config_map_name, require_backup)
        self._render(guard)
        self._lock_attributes()

    def _check_station(self, guard: _Guard, station: object, accept_rollback: object) -> None:
        """Refuse anything but a Station with a persistent volume, of this App."""
        station = backed_up_station(guard, station)
        self.accept_snapshot_rollback: bool = check_snapshot_rollback(
            guard, station, accept_rollback
        )
        """Whether a volume restored from a VolumeSnapshot may replicate over the backup."""
        check_same_app(self, guard, station)
        self.station: StationDeployment = station
        """The Station whose database is replicated."""
        self.namespace: str = station.namespace
        """Namespace of the ConfigMap (the Station's)."""

    def _keep_settings(self, settings: LitestreamSettings) -> None:
        """The checked arguments as the construct's attributes."""
        self._settings = settings
        target, timing = settings.target, settings.timing
        self.replica: S3Replica = S3Replica(
            target.bucket,
            target.path,
            target.endpoint,
            target.region,
            target.force_path_style,
            _factory=BY_FACTORY,
        )
        """Where the backup lives, as rendered: its bucket, its path (the default filled in),
        endpoint (``None``: AWS S3), region (``None``: Litestream asks AWS) and addressing."""
        self.sync_interval: str = timing.sync_interval
        """The sync interval as rendered (Go duration)."""
        self.snapshot_interval: str = timing.snapshot_interval
        """The snapshot interval as rendered."""
        self.retention: str = timing.retention
        """The snapshot retention as rendered."""
        self.checkpoint_interval: str = timing.checkpoint_interval
        """The checkpoint interval as rendered."""
        self.shutdown_sync_timeout: str = timing.shutdown_sync_timeout
        """Litestream's ``shutdown-sync-timeout`` as rendered."""
        self.sidecar_mode: SidecarMode = timing.sidecar_mode
        """How the replicate container runs."""
        self.required_grace_period_seconds: int = timing.required_grace_period_seconds
        """Station's stop + Litestream's final sync + margin: the least grace period."""
        self.metrics_port: int | None = settings.metrics.port
        """Litestream's metrics port (9090), or ``None`` when metrics are off."""
        self.image: str = settings.image.image
        """The Litestream image."""
        self.resources: Resources = settings.image.resources
        """The resources of each Litestream container."""

    def _keep_credentials(
        self,
        keys: BackupCredentials,
        credentials: S3Credentials,
        config_map_name: object,
        require_backup: object,
    ) -> None:
        """The credentials as attributes; then the ConfigMap's name, the text and commands."""
        guard = self._guard
        self._keys = keys
        self.credentials: S3Credentials = credentials
        """Where the S3 credentials come from (``credentials.identity``: the workload identity,
        ``None`` with static keys)."""
        self.service_account_name: str | None = keys.service_account_name
        """The pod's ServiceAccount with a workload identity: the Station's own when it has
        one (``StationDeployment(service_account=...)``), else one rendered here (``None``
        with static keys)."""
        self.secret_name: str = keys.secret_name
        """Name of the Secret holding the S3 credentials."""
        self.config_map_name: str = dns_subdomain(
            guard,
            "config_map_name",
            f"{self.station.name}-litestream" if config_map_name is None else config_map_name,
        )
        """Name of the ConfigMap holding ``litestream.yml``."""
        text = litestream_yml(
            self._settings.target,
            self._settings.timing,
            metrics_port=self.metrics_port,
            station=f"{self.station.namespace}/{self.station.name}",
            secret_name=self.secret_name,
        )
        if "$" in text:  # pragma: no cover - every value is validated without '$'
            raise guard.fail("litestream.yml", "<text>", "contains '$'", "report this as a bug")
        self.litestream_yml: str = text
        """The ``litestream.yml`` text, exactly as in the ConfigMap."""
        self.config_hash: str = config_hash(self.litestream_yml)
        """Short hash of ``litestream_yml`` (pod annotation: a change restarts the pod)."""
        self.require_backup: bool = boolean(guard, "require_backup", require_backup)
        """Whether ``litestream-restore`` fails when no backup exists at the path."""
        replicate, restore = litestream_commands(
            self._settings.target,
            self.require_backup,
            shutdown_sync_seconds=self._settings.timing.shutdown_sync_seconds,
        )
        self.replicate_command: list[str] = replicate
        """Command of the ``litestream`` container: the guard, then ``litestream replicate``."""
        self.restore_command: list[str] = restore
        """Command of the ``litestream-restore`` init container."""

    def _render(self, guard: _Guard) -> None:
        """Claim the names, render the objects, change the Station (in the output's order)."""
        parts = LitestreamParts(
            self.station,
            self._settings,
            self._keys,
            self.config_map_name,
            self.litestream_yml,
            (self.replicate_command, self.restore_command),
        )
        claim_names(self, guard, parts)
        if self.credentials.identity is None:
            render_secret(self, guard, self._keys, self.station)
        else:
            self.service_account: k8s.KubeServiceAccount | None = render_identity(
                self,
                guard,
                self.station,
                self.credentials.identity,
                name=self.service_account_name or f"{self.station.name}-backup",
                namespace=self.namespace,
            )
            """The ServiceAccount rendered for a workload identity (``None``: the Station's)."""
        self.config_map: k8s.KubeConfigMap = emit_config_map(self, parts)
        """The ConfigMap with ``litestream.yml``."""
        change_pod(self, parts)
        self.metrics: LitestreamMetrics = LitestreamMetrics(
            self.metrics_port is not None,
            self._settings.metrics.prometheus_annotations,
            self._settings.metrics.namespaces,
            _factory=BY_FACTORY,
        )
        """Litestream's metrics, and the namespaces admitted to them by the NetworkPolicy."""

    if not TYPE_CHECKING:  # type checkers keep reporting unknown attributes

        def __getattr__(self, name: str) -> object:
            """Refuse a 0.1 attribute (``_backup_values.FORMER_ATTRIBUTES``): what to read now."""
            raise former_attribute(self, name, FORMER_ATTRIBUTES)

        def __setattr__(self, name: str, value: object) -> None:
            """Refuse setting a 0.1 attribute (it would change nothing); else as for the others."""
            if name in FORMER_ATTRIBUTES:
                raise former_attribute(self, name, FORMER_ATTRIBUTES)
            super().__setattr__(name, value)

    @property
    def replica_url(self) -> str:
        """The replica as a Litestream URL, for ``litestream restore -o FILE URL`` by hand.

        ``s3://bucket/path``, plus ``endpoint``, ``region`` and ``forcePathStyle`` query
        parameters for an S3-compatible store. Credentials come from the environment.
        """
        return replica_url(self._settings.target)

    def credential_env(self, scope: Construct) -> dict[str, kplus.EnvValue]:
        """``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` from the credentials Secret.

        For every container that talks to the bucket (``scope`` owns the Secret reference).
        With a workload identity, the identity's variables instead.
        """
        return credential_env(scope, self._keys, self.replica.region)

    def credential_env_list(self) -> list[dict[str, Any]]:
        """:meth:`credential_env` as plain pod-spec ``env`` entries (for raw objects)."""
        return credential_env_list(self._keys, self.replica.region)

    def pod_credential_env(self) -> list[dict[str, Any]]:
        """The credentials as the backup containers of the Station pod read them.

        Each key of the credentials Secret is required (``optional: false``); with a
        workload identity, the identity's variables.
        """
        return pod_credential_env(self._keys, self.replica.region)

    def secret_setup_command(self) -> str | None:
        """The ``kubectl create secret`` command for the credentials, or ``None``.

        ``None`` for operator-managed sources and with a workload identity (no Secret).
        """
        return setup_command(self._keys, self.namespace)
