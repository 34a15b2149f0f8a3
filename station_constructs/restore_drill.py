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

from typing import Any

from ._app_registry import check_same_app, check_scope
from ._k8s import (
    ApiObject,
    Construct,
    claim_object,
    guard_for,
)
from ._read_only import ReadOnlyAttributes
from ._validate import dns_label, free_text, positive_int
from .config_backup import ConfigDirBackup
from .emit.objects import emit_object
from .litestream import CONFIG_DIR, CONFIG_PATH, LitestreamBackup
from .settings.station import DATABASE_PATH, STATION_UID

__all__ = ["RestoreDrill"]

#: Where the drill restores to (an emptyDir).
DRILL_DIR = "/drill"
_TABLE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def drill_database_script(
    *, config: str, database: str, table: str, min_rows: int, check_mcp_files: bool
) -> str:
    """Restore the latest backup into the drill directory and check it; exit 1 on failure."""
    lines = [
        "set -u",
        f"out={DRILL_DIR}/station.db",
        'fail() { echo "restore-drill: ERROR $*"; exit 1; }',
        f'litestream restore -config {config} -o "$out" {database} '
        '|| fail "the latest backup did not restore"',
        'integrity=`sqlite3 "$out" "PRAGMA integrity_check;"` '
        '|| fail "sqlite3 cannot open the restored database"',
        '[ "$integrity" = "ok" ] || fail "PRAGMA integrity_check: $integrity"',
        f'rows=`sqlite3 "$out" "SELECT count(*) FROM {table};"` '
        f'|| fail "the restored database has no table {table}"',
        f'[ "$rows" -ge {min_rows} ] || fail "{table} has $rows rows, expected at least '
        f'{min_rows}"',
    ]
    if check_mcp_files:
        lines += [
            "missing=0",
            # One path per line, read whole (a path may hold spaces); sqlite3's failure
            # fails the drill. The loop reads a file, not a pipe, so it runs in this shell.
            f'sqlite3 "$out" "SELECT template_path FROM file_mcp_configs;" > {DRILL_DIR}/mcp-paths '
            '|| fail "the restored database has no readable file_mcp_configs table"',
            "while IFS= read -r f; do",
            '  [ -n "$f" ] || continue',
            # Station stores "environments/<env>/<name>.json"; older rows hold absolute
            # paths, which it resolves from "environments/" on [declarative_sync.go].
            '  case "$f" in environments/*) ;; '
            '*/environments/*) f="environments/${f#*/environments/}";; esac',
            f'  [ -f "{DRILL_DIR}/config/$f" ] || {{ echo "restore-drill: ERROR no file for '
            'MCP config $f"; missing=1; }',
            f"done < {DRILL_DIR}/mcp-paths",
            '[ "$missing" -eq 0 ] || fail "MCP config rows without their file: Station would '
            'prune them after a restore"',
        ]
    lines.append(
        f'echo "restore-drill: OK integrity_check=ok {table}=$rows size=`wc -c < "$out"` bytes"'
    )
    return "\n".join(lines)


def drill_config_script(*, remote: str) -> str:
    """Copy the config directory's backup into the drill directory; fail when empty."""
    return "\n".join(
        [
            "set -u",
            f"dir={DRILL_DIR}/config",
            f'rclone copy {remote} "$dir" || {{ echo "restore-drill: ERROR cannot copy '
            f'{remote}"; exit 1; }}',
            'files=`find "$dir" -type f | wc -l`',
            f'[ "$files" -gt 0 ] || {{ echo "restore-drill: ERROR the config directory backup '
            f'at {remote} is empty"; exit 1; }}',
            'echo "restore-drill: config directory restored ($files files)"',
        ]
    )


class RestoreDrill(ReadOnlyAttributes, Construct):
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
        name: str | None = None,
    ) -> None:
        check_scope(scope, id, "RestoreDrill", self)
        super().__init__(scope, id)
        guard = guard_for("RestoreDrill", self)
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
        if len(self.name) > 52:
            raise guard.fail(
                "name",
                self.name,
                "is longer than 52 characters; Kubernetes appends 11 to name the Jobs",
                "pass a shorter name=",
            )
        self.schedule: str = free_text(
            guard, "schedule", schedule, max_length=100, fix="pass e.g. '17 4 * * *'"
        )
        """The cron schedule."""
        if len(self.schedule.split()) != 5 and not self.schedule.startswith("@"):
            raise guard.fail(
                "schedule",
                schedule,
                "must be a cron expression of five fields (or @daily, @hourly...)",
                "pass e.g. '17 4 * * *'",
            )
        if (
            not isinstance(count_table, str)
            or not count_table
            or not set(count_table) <= _TABLE_CHARS
        ):
            raise guard.fail(
                "count_table",
                count_table,
                "must be a table name of lower-case letters, digits and '_'",
                "pass e.g. 'environments' or 'agents'",
            )
        self.count_table: str = count_table
        """The table whose rows are counted."""
        self.min_rows: int = positive_int(guard, "min_rows", min_rows, minimum=0)
        """The least row count that passes."""
        size = positive_int(guard, "size_limit_mebibytes", size_limit_mebibytes, minimum=64)
        deadline = positive_int(guard, "active_deadline_seconds", active_deadline_seconds)
        self.database_command: list[str] = [
            "sh",
            "-c",
            drill_database_script(
                config=CONFIG_PATH,
                database=DATABASE_PATH,
                table=self.count_table,
                min_rows=self.min_rows,
                check_mcp_files=config_backup is not None,
            ),
        ]
        """Command of the ``drill-database`` container."""
        self.config_command: list[str] | None = (
            None
            if config_backup is None
            else ["sh", "-c", drill_config_script(remote=config_backup.remote)]
        )
        """Command of the ``drill-config`` container (``None`` without a config backup)."""
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

    def _render(self, size_mebibytes: int, deadline: int) -> ApiObject:
        backup = self.backup
        station = backup.station
        security = {
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": STATION_UID,
            "runAsGroup": STATION_UID,
            "capabilities": {"drop": ["ALL"]},
        }
        credentials = backup.credential_env_list()
        resources = {
            "requests": {"cpu": "50m", "memory": "64Mi"},
            "limits": {"cpu": "500m", "memory": "512Mi"},
        }
        drill_mount = {"name": "drill", "mountPath": DRILL_DIR}
        identity = backup.identity
        token = [] if identity is None else [identity.volume_mount()]
        containers: list[dict[str, Any]] = []
        if self.config_backup is not None and self.config_command is not None:
            env = [
                {"name": k, "value": v} for k, v in self.config_backup.rclone_environment().items()
            ]
            containers.append(
                {
                    "name": "drill-config",
                    "image": self.config_backup.image,
                    "imagePullPolicy": "IfNotPresent",
                    "command": self.config_command,
                    "env": env + credentials,
                    "securityContext": security,
                    "resources": resources,
                    "volumeMounts": [drill_mount, *token],
                }
            )
        database = {
            "name": "drill-database",
            "image": backup.image,
            "imagePullPolicy": "IfNotPresent",
            "command": self.database_command,
            "env": credentials,
            "securityContext": security,
            "resources": resources,
            "volumeMounts": [
                drill_mount,
                {"name": "litestream-config", "mountPath": CONFIG_DIR, "readOnly": True},
                *token,
            ],
        }
        labels = {
            k: v for k, v in station.labels("restore-drill").items() if k != "app"
        }  # not "app": the Station's Service and NetworkPolicy select on it
        pod_spec: dict[str, Any] = {
            "restartPolicy": "Never",
            "automountServiceAccountToken": False,
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": STATION_UID,
                "runAsGroup": STATION_UID,
                "fsGroup": STATION_UID,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            # The config directory first (an init container), then the database and checks.
            "initContainers": containers,
            "containers": [database],
            "volumes": [
                {"name": "drill", "emptyDir": {"sizeLimit": f"{size_mebibytes}Mi"}},
                {"name": "litestream-config", "configMap": {"name": backup.config_map_name}},
            ],
        }
        if not containers:
            del pod_spec["initContainers"]
        if identity is not None:
            pod_spec["serviceAccountName"] = backup.service_account_name
            pod_spec["volumes"].append(identity.volume())
        # A plain ApiObject (emit_object): the typed bindings would re-serialize the pod spec
        # through Kubernetes 1.27 classes (dropping e.g. emptyDir.sizeLimit given as a string).
        return emit_object(
            self,
            "Resource",
            {
                "apiVersion": "batch/v1",
                "kind": "CronJob",
                "metadata": {
                    "name": self.name,
                    "namespace": self.namespace,
                    "labels": labels,
                    "annotations": {
                        "checkov.io/skip-drill-digest": "CKV_K8S_43=the images are pinned to "
                        "exact release tags, as in the Station pod",
                        "checkov.io/skip-drill-pull": "CKV_K8S_15=IfNotPresent with an exact "
                        "release tag runs that release",
                        "checkov.io/skip-drill-uid": "CKV_K8S_40=the drill runs as UID 1000, "
                        "Station's user, non-root with all capabilities dropped",
                    },
                },
                "spec": {
                    "schedule": self.schedule,
                    "concurrencyPolicy": "Forbid",
                    "successfulJobsHistoryLimit": 1,
                    "failedJobsHistoryLimit": 3,
                    "jobTemplate": {
                        "spec": {
                            "backoffLimit": 0,
                            "activeDeadlineSeconds": deadline,
                            "template": {"metadata": {"labels": labels}, "spec": pod_spec},
                        }
                    },
                },
            },
        )
