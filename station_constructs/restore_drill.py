"""RestoreDrill: a CronJob that proves the latest backup restores.

A backup is only as good as its last successful restore. :class:`RestoreDrill` renders an
opt-in CronJob whose pod, on its schedule:

1. ``drill-config`` (rclone, with a :class:`~station_constructs.ConfigDirBackup`) copies the
   config directory's backup into an emptyDir and fails when it is empty or unreadable;
2. ``drill-database`` (the Litestream image, which ships ``sqlite3``) restores the latest
   database backup into the same emptyDir, runs ``PRAGMA integrity_check`` (must print
   ``ok``), counts the rows of ``count_table`` (at least ``min_rows``) and, with a config
   backup, checks that every file-based MCP config row has its file (otherwise Station's
   start-up sync would prune it after a real restore).

Any failure exits non-zero with a line starting ``restore-drill: ERROR``: the Job fails
(``backoffLimit: 0``), which ``BackupAlerts`` turns into ``StationRestoreDrillFailing``. The
pod never touches the Station's volume: it reads only the bucket.
"""

from __future__ import annotations

from ._app_registry import check_same_app, check_scope, init_construct
from ._emit.objects import emit_object
from ._errors import _Guard
from ._k8s import (
    ApiObject,
    Construct,
    claim_object,
    guard_for,
)
from ._read_only import ReadOnlyConstruct
from ._render import drill as render
from ._render.config_backup import rclone_environment
from ._render.drill import DRILL_DIR as DRILL_DIR
from ._render.drill import drill_config_script, drill_database_script
from ._render.drill_record import drill_record_script
from ._settings.config_backup import RCLONE_IMAGE, REMOTE_NAME
from ._settings.drill import check_job_name_length, cron_schedule
from ._settings.drill import count_table as checked_table
from ._settings.litestream import CONFIG_DIR, CONFIG_PATH
from ._settings.station import DATABASE_PATH
from ._validate import dns_label, duration_seconds, positive_int
from .config_backup import ConfigDirBackup
from .litestream import LitestreamBackup

__all__ = ["RestoreDrill"]


class RestoreDrill(ReadOnlyConstruct):
    """An opt-in CronJob restoring the latest backup into an emptyDir and checking it.

    Args:
        backup: The Station's :class:`~station_constructs.LitestreamBackup`.
        config_backup: Its :class:`~station_constructs.ConfigDirBackup`, to drill the config
            directory too. Default ``None``.
        schedule: Cron schedule. Default ``"17 4 * * *"`` (daily at 04:17).
        count_table: The table whose rows are counted. Default ``environments`` (Station
            creates ``default`` at its first start).
        min_rows: The least row count that passes. Default ``1``.
        size_limit_mebibytes: Size limit of the emptyDir the drill restores into. Default
            ``2048``; it must hold the database.
        active_deadline_seconds: How long one drill may take. Default ``1800``.
        max_backup_age: The oldest the backup's newest file may be (a duration). Default
            ``25h``: Litestream uploads within a second of every write and writes a snapshot
            every ``snapshot_interval`` (24 h), so an older newest file means replication
            stopped, or the backup was rolled back or replaced by an older one.
        max_row_loss_percent: Each successful drill keeps a high-water mark beside the
            replica (``<path>.drill-hwm``: the newest TXID, the rows of all tables, the
            newest file's time); a later drill fails when the TXID or the time went
            backwards, or when it restores more than this many percent fewer rows (a
            database replaced under the backup continues its TXIDs). Default ``50``;
            ``100`` turns the row check off.
        name: Name of the CronJob. Default ``<station name>-restore-drill``.

    """

    def __init__(  # noqa: PLR0913 - keyword-only configuration, each documented above
        self,
        scope: Construct,
        id: str,
        *,
        backup: LitestreamBackup,
        config_backup: ConfigDirBackup | None = None,
        schedule: str = "17 4 * * *",
        count_table: str = "environments",
        min_rows: int = 1,
        size_limit_mebibytes: int = 2048,
        active_deadline_seconds: int = 1800,
        max_backup_age: str | int = "25h",
        max_row_loss_percent: int = 50,
        name: str | None = None,
    ) -> None:
        check_scope(scope, id, "RestoreDrill", self)
        init_construct(self, scope, id)
        guard = guard_for("RestoreDrill", self)
        _check_backups(guard, backup, config_backup)
        station = backup.station
        check_same_app(self, guard, station)
        self.backup: LitestreamBackup = backup
        """The database backup drilled."""
        self.config_backup: ConfigDirBackup | None = config_backup
        """The config directory backup drilled, if any."""
        self.namespace: str = station.namespace
        """Namespace of the CronJob (the Station's)."""
        self.name: str = dns_label(
            guard, "name", f"{station.name}-restore-drill" if name is None else name
        )
        """Name of the CronJob (its Jobs are ``<name>-<timestamp>``)."""
        check_job_name_length(guard, self.name)
        self.schedule: str = cron_schedule(guard, schedule)
        """The cron schedule."""
        self.count_table: str = checked_table(guard, count_table)
        """The table whose rows are counted."""
        self.min_rows: int = positive_int(guard, "min_rows", min_rows, minimum=0)
        """The least row count that passes."""
        size = positive_int(guard, "size_limit_mebibytes", size_limit_mebibytes, minimum=64)
        deadline = positive_int(guard, "active_deadline_seconds", active_deadline_seconds)
        self._commands(guard, max_backup_age, max_row_loss_percent)
        claim_object(
            self,
            guard,
            kind="CronJob",
            namespace=self.namespace,
            name=self.name,
            field="name",
            fix="render one RestoreDrill per Station, or give this one its own name=",
        )
        station.attach("restore-drill", self)
        self.cron_job: ApiObject = self._render(size, deadline)
        """The CronJob (escape hatch)."""
        self._lock_attributes()

    def _commands(self, guard: _Guard, max_backup_age: object, max_row_loss: object) -> None:
        """The checks' limits, and the commands of the drill's three containers."""
        backup, config_backup = self.backup, self.config_backup
        self.max_backup_age_seconds: int = int(
            duration_seconds(guard, "max_backup_age", max_backup_age, minimum=1)
        )
        """The oldest the backup's newest file may be, in seconds."""
        self.database_command: list[str] = [
            "sh",
            "-c",
            drill_database_script(
                config=CONFIG_PATH,
                database=DATABASE_PATH,
                table=self.count_table,
                min_rows=self.min_rows,
                check_mcp_files=config_backup is not None,
                max_age_seconds=self.max_backup_age_seconds,
            ),
        ]
        """Command of the ``drill-database`` container."""
        self.config_command: list[str] | None = (
            None
            if config_backup is None
            else ["sh", "-c", drill_config_script(remote=config_backup.remote)]
        )
        """Command of the ``drill-config`` container (``None`` without a config backup)."""
        replica = backup.replica
        self.high_water_mark: str = f"{REMOTE_NAME}:{replica.bucket}/{replica.path}.drill-hwm"
        """The rclone path of the high-water mark the drills keep beside the replica."""
        self.max_row_loss_percent: int = positive_int(
            guard, "max_row_loss_percent", max_row_loss, minimum=0
        )
        """How many percent fewer rows (all tables) than the last good drill still pass."""
        if self.max_row_loss_percent > 100:
            raise guard.fail(
                "max_row_loss_percent",
                max_row_loss,
                "is a percentage: at most 100 (100 turns the row check off)",
                "pass e.g. 50",
            )
        self.record_command: list[str] = [
            "sh",
            "-c",
            drill_record_script(
                remote=self.high_water_mark, max_row_loss_percent=self.max_row_loss_percent
            ),
        ]
        """Command of the ``drill-record`` container (compares and keeps the high-water mark)."""

    def _render(self, size_mebibytes: int, deadline: int) -> ApiObject:
        backup = self.backup
        station = backup.station
        identity = backup.credentials.identity
        config_backup = self.config_backup
        init_containers, main = render.drill_containers(
            database_image=backup.image,
            database_command=self.database_command,
            config_dir=CONFIG_DIR,
            credentials=backup.credential_env_list(),
            token_mounts=[] if identity is None else [identity.volume_mount()],
            rclone_image=RCLONE_IMAGE if config_backup is None else config_backup.image,
            rclone_env=rclone_environment(
                endpoint=backup.replica.endpoint,
                region=backup.replica.region,
                force_path_style=backup.replica.force_path_style,
            ),
            config_command=self.config_command,
            record_command=self.record_command,
        )
        labels = {
            k: v for k, v in station.labels("restore-drill").items() if k != "app"
        }  # not "app": the Station's Service and NetworkPolicy select on it
        manifest = render.cron_job(
            name=self.name,
            namespace=self.namespace,
            labels=labels,
            schedule=self.schedule,
            deadline=deadline,
            size_mebibytes=size_mebibytes,
            init_containers=init_containers,
            main=main,
            config_map_name=backup.config_map_name,
            service_account_name=None if identity is None else backup.service_account_name,
            identity_volume=None if identity is None else identity.volume(),
        )
        # A plain ApiObject (emit_object): the typed bindings would re-serialize the pod spec
        # through Kubernetes 1.27 classes (dropping e.g. emptyDir.sizeLimit given as a string).
        return emit_object(self, "Resource", manifest)


def _check_backups(guard: _Guard, backup: object, config_backup: object) -> None:
    """``backup`` a LitestreamBackup, ``config_backup`` None or that backup's ConfigDirBackup."""
    if not isinstance(backup, LitestreamBackup):
        raise guard.fail(
            "backup",
            type(backup).__name__,
            "must be the Station's LitestreamBackup (the backup to drill)",
            "pass backup=LitestreamBackup(...)",
        )
    if config_backup is not None and (
        not isinstance(config_backup, ConfigDirBackup) or config_backup.backup is not backup
    ):
        raise guard.fail(
            "config_backup",
            type(config_backup).__name__,
            "must be the ConfigDirBackup of the same LitestreamBackup",
            "pass config_backup=ConfigDirBackup(..., backup=backup), or leave it out",
        )
