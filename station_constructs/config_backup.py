"""ConfigDirBackup: Station's config directory backed up next to its database, and restored.

Litestream replicates only ``/data/station.db``. Station's config directory (environments,
MCP server configs, variables, agent prompt files; on the volume at ``/data/config`` with
``ConfigDirectory.on_volume()``, the default) is the other half of its state: Station's
start-up sync deletes every file-based MCP config, its servers and tools, and the agents' tool
assignments whose files are gone (``docs/station-facts.md``, "The config directory,
config.yaml and the start-up sync"). :class:`ConfigDirBackup` adds to the Station pod of a
:class:`~station_constructs.LitestreamBackup`:

* ``config-restore``, an init container (after ``litestream-restore``, before ``seed-home``
  and Station) that copies the backup onto the volume when ``/data/config`` is missing,
  empty, or holds only seed-home's files (and was not restored from or synced to this copy
  before), into a temporary directory renamed into place only when complete; it fails when
  the store cannot be read (wrong credentials), and with ``require_backup`` also when no
  backup exists;
* ``config-backup``, a sidecar that mirrors ``/data/config`` to the same bucket, under the
  Station's path, every ``interval`` with ``rclone sync``, and once more when it is stopped
  (after Station, as a native sidecar). RPO: a node lost without warning loses at most the
  changes of the last ``interval`` (plus one sync's duration); a graceful stop loses none. An
  empty directory is never synced (it would delete the backup), and before its first sync
  it refuses (exit 1) to replace a copy this volume's directory was neither restored from
  nor synced to, unless the copy is empty or identical. After ``max_failures``
  failed syncs in a row it exits 1 and restarts, which ``BackupAlerts`` sees. The pod's
  grace period is raised by ``FINAL_SYNC_SECONDS`` (15 s) for the sync at shutdown.

rclone reads its remote from ``RCLONE_CONFIG_BACKUP_*`` variables (no config file) and the
credentials as Litestream does (``env_auth``: ``AWS_ACCESS_KEY_ID`` /
``AWS_SECRET_ACCESS_KEY`` from the same Secret, or the same workload identity).
"""

from __future__ import annotations

import dataclasses

from ._app_registry import check_same_app, check_scope, init_construct
from ._backup_guards import config_remote_id, reserve_config_prefix
from ._backup_station import require_config_on_volume
from ._factory_only import BY_FACTORY
from ._k8s import Construct, construct_path, guard_for
from ._read_only import ReadOnlyConstruct
from ._render.backup_pod import BackupContainers, add_config_backup, data_mount
from ._render.config_backup import config_commands, rclone_environment
from ._render.containers import env_values, resources
from ._settings.config_backup import CONFIG_ON_VOLUME as CONFIG_ON_VOLUME
from ._settings.config_backup import (
    FINAL_SYNC_SECONDS,
    RCLONE_IMAGE,
    RCLONE_VERSION,
    ConfigBackupSettings,
    resolve_config_backup,
)
from ._settings.config_backup import REMOTE_NAME as REMOTE_NAME
from ._settings.s3 import config_prefix
from ._settings.station import ImagePullPolicy
from .backup_options import S3Replica
from .litestream import LitestreamBackup, SidecarMode
from .station import StationDeployment

__all__ = ["RCLONE_IMAGE", "RCLONE_VERSION", "ConfigDirBackup"]


class ConfigDirBackup(ReadOnlyConstruct):
    """Backup of a Station's config directory to the bucket of its LitestreamBackup, and restore.

    Args:
        backup: The Station's :class:`~station_constructs.LitestreamBackup`: its replica's
            store and bucket (``backup.replica``), its credentials and sidecar mode are used.
        path: Key prefix of the directory's copy in the bucket. Default: next to the
            database's replica, ``<dirname of backup.replica.path>/config`` (e.g.
            ``<namespace>/<name>/config``). Must neither contain nor be inside the
            replica's path, nor overlap another Station's config copy or replica in the same
            bucket (two databases in one folder, e.g. ``prod/a.db`` and ``prod/b.db``, both
            default to ``prod/config``: the second is refused, pass ``path=``).
        interval: How often the directory is synced (a duration, at least 5s). Default
            ``60s``: the config directory's RPO when a node is lost without warning.
        max_failures: Failed syncs in a row after which the sidecar exits 1 (and restarts,
            which the alert sees). Default ``5``; after a failure the next sync is tried
            after at most 10 s, so a refusing store is reported within about a minute.
        max_deletes: The most files one sync may delete from the copy. Default ``20``: a
            sync that would delete more (``rm -rf environments/``) fails instead, the
            sidecar logs it and the alert fires. Every file a sync deletes or overwrites
            is kept under ``<path>-history/<UTC time>/`` (see ``history``).
        require_backup: Make ``config-restore`` fail when the directory is empty and no
            backup exists. Default: ``backup.require_backup``.
        image: The rclone image. Default :data:`RCLONE_IMAGE`; must be pinned and have ``sh``.
        image_pull_policy: Default ``IF_NOT_PRESENT``.

    """

    def __init__(  # noqa: PLR0913 - keyword-only configuration, each documented above
        self,
        scope: Construct,
        id: str,
        *,
        backup: LitestreamBackup,
        path: str | None = None,
        interval: str | int = "60s",
        max_failures: int = 5,
        max_deletes: int = 20,
        require_backup: bool | None = None,
        image: str = RCLONE_IMAGE,
        image_pull_policy: ImagePullPolicy = ImagePullPolicy.IF_NOT_PRESENT,
    ) -> None:
        check_scope(scope, id, "ConfigDirBackup", self)
        init_construct(self, scope, id)
        guard = guard_for("ConfigDirBackup", self)
        if not isinstance(backup, LitestreamBackup):
            raise guard.fail(
                "backup",
                type(backup).__name__,
                "must be the Station's LitestreamBackup (its bucket and credentials are used)",
                "pass backup=LitestreamBackup(...)",
            )
        station: StationDeployment = backup.station
        check_same_app(self, guard, station)
        require_config_on_volume(guard, station, backup)
        self.backup: LitestreamBackup = backup
        """The LitestreamBackup whose bucket and credentials are used."""
        self.station: StationDeployment = station
        """The Station whose config directory is backed up."""
        self.path: str = reserve_config_prefix(self, guard, backup, path, config_prefix)
        """Key prefix of the config directory's copy in the bucket."""
        settings = resolve_config_backup(
            guard,
            interval=interval,
            max_failures=max_failures,
            max_deletes=max_deletes,
            require_backup=require_backup,
            default_require_backup=backup.require_backup,
            image=image,
        )
        self._keep(settings)
        station.attach("config-backup", self)
        self._render(image_pull_policy, digest_pinned=settings.digest_pinned)
        station.ensure_termination_grace_period(
            backup.required_grace_period_seconds + FINAL_SYNC_SECONDS,
            reason=lambda: f"ConfigDirBackup '{construct_path(self)}' final sync",
        )
        self._lock_attributes()
        station.pod.add_annotation("station-constructs/config-backup", self.url)

    def _keep(self, settings: ConfigBackupSettings) -> None:
        """The checked arguments, the copy's addresses and the commands as attributes."""
        self.interval_seconds: int = settings.interval_seconds
        """Seconds between two syncs (the config directory's RPO on a node loss)."""
        self.interval: str = settings.interval
        """The interval as rendered."""
        self.max_failures: int = settings.max_failures
        """Failed syncs in a row before the sidecar exits (and restarts)."""
        self.max_deletes: int = settings.max_deletes
        """The most files one sync may delete from the copy."""
        self.require_backup: bool = settings.require_backup
        """Whether ``config-restore`` fails when no backup exists."""
        self.image: str = settings.image
        """The rclone image."""
        self.replica: S3Replica = dataclasses.replace(
            self.backup.replica, path=self.path, _factory=BY_FACTORY
        )
        """Where the copy lives: the LitestreamBackup's store and bucket, at ``path``."""
        self.remote: str = f"{REMOTE_NAME}:{self.backup.replica.bucket}/{self.path}"
        """The rclone remote path of the copy (``backup:<bucket>/<path>``)."""
        self.url: str = f"s3://{self.backup.replica.bucket}/{self.path}"
        """The copy as an S3 URL."""
        self.remote_id: str = config_remote_id(self.backup, self.url)
        """The copy as the marker on the volume names it (URL, and endpoint if any)."""
        self.history: str = f"{REMOTE_NAME}:{self.backup.replica.bucket}/{self.path}-history"
        """Where each sync keeps the files it overwrote or deleted, under ``<UTC time>/``."""
        restore, backup = config_commands(
            settings, remote=self.remote, remote_id=self.remote_id, history=self.history
        )
        self.restore_command: list[str] = restore
        """Command of the ``config-restore`` init container."""
        self.backup_command: list[str] = backup
        """Command of the ``config-backup`` sidecar."""

    def rclone_environment(self) -> dict[str, str]:
        """The ``RCLONE_CONFIG_BACKUP_*`` variables that define the remote (no secrets)."""
        return rclone_environment(
            endpoint=self.replica.endpoint,
            region=self.replica.region,
            force_path_style=self.replica.force_path_style,
        )

    def _render(self, pull_policy: ImagePullPolicy, *, digest_pinned: bool) -> None:
        """Add ``config-restore`` and ``config-backup`` to the Station's pod (as data)."""
        backup = self.backup
        identity = backup.credentials.identity
        containers = BackupContainers(
            restore_name="config-restore",
            sidecar_name="config-backup",
            image=self.image,
            pull_policy=pull_policy.value,
            env=[*env_values(self.rclone_environment()), *backup.pod_credential_env()],
            resources=resources(
                cpu_request_m=20, cpu_limit_m=500, memory_request_mi=32, memory_limit_mi=256
            ),
            mounts=[data_mount()],
            restore_command=self.restore_command,
            sidecar_command=self.backup_command,
            identity_mount=None if identity is None else identity.volume_mount(),
            native=backup.sidecar_mode is SidecarMode.NATIVE,
        )
        add_config_backup(self.station.pod, containers, digest_pinned=digest_pinned)
