"""A RestoreDrill as data: its scripts, its containers and the CronJob.

Pure functions of already validated settings (``station_constructs.restore_drill``
validates). Key order is kept as written: the CronJob is emitted as a plain ``ApiObject``
whose body is a JSON patch, which cdk8s does not sort.
"""

from __future__ import annotations

from typing import Any

from ..settings.station import STATION_UID
from .quantities import mebibytes

__all__ = [
    "DRILL_DIR",
    "cron_job",
    "drill_config_script",
    "drill_containers",
    "drill_database_script",
]

#: Where the drill restores to (an emptyDir).
DRILL_DIR = "/drill"


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


def drill_containers(  # noqa: PLR0913 - one value per thing the containers run with
    *,
    database_image: str,
    database_command: list[str],
    config_dir: str,
    credentials: list[dict[str, Any]],
    token_mounts: list[dict[str, Any]],
    config_image: str | None,
    config_command: list[str] | None,
    config_env: dict[str, str] | None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The init containers (``drill-config``, with a config backup) and ``drill-database``."""
    security = {
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": STATION_UID,
        "runAsGroup": STATION_UID,
        "capabilities": {"drop": ["ALL"]},
    }
    resources = {
        "requests": {"cpu": "50m", "memory": "64Mi"},
        "limits": {"cpu": "500m", "memory": "512Mi"},
    }
    drill_mount = {"name": "drill", "mountPath": DRILL_DIR}
    token = token_mounts
    containers: list[dict[str, Any]] = []
    if config_image is not None and config_command is not None and config_env is not None:
        env = [{"name": k, "value": v} for k, v in config_env.items()]
        containers.append(
            {
                "name": "drill-config",
                "image": config_image,
                "imagePullPolicy": "IfNotPresent",
                "command": config_command,
                "env": env + credentials,
                "securityContext": security,
                "resources": resources,
                "volumeMounts": [drill_mount, *token],
            }
        )
    database = {
        "name": "drill-database",
        "image": database_image,
        "imagePullPolicy": "IfNotPresent",
        "command": database_command,
        "env": credentials,
        "securityContext": security,
        "resources": resources,
        "volumeMounts": [
            drill_mount,
            {"name": "litestream-config", "mountPath": config_dir, "readOnly": True},
            *token,
        ],
    }
    return containers, database


def _pod_spec(
    *,
    init_containers: list[dict[str, Any]],
    database: dict[str, Any],
    size_mebibytes: int,
    config_map_name: str,
    service_account_name: str | None,
    identity_volume: dict[str, Any] | None,
) -> dict[str, Any]:
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
        "initContainers": init_containers,
        "containers": [database],
        "volumes": [
            {"name": "drill", "emptyDir": {"sizeLimit": mebibytes(size_mebibytes)}},
            {"name": "litestream-config", "configMap": {"name": config_map_name}},
        ],
    }
    if not init_containers:
        del pod_spec["initContainers"]
    if identity_volume is not None:
        pod_spec["serviceAccountName"] = service_account_name
        pod_spec["volumes"].append(identity_volume)
    return pod_spec


def cron_job(  # noqa: PLR0913 - one value per field of the object
    *,
    name: str,
    namespace: str,
    labels: dict[str, str],
    schedule: str,
    deadline: int,
    size_mebibytes: int,
    init_containers: list[dict[str, Any]],
    database: dict[str, Any],
    config_map_name: str,
    service_account_name: str | None,
    identity_volume: dict[str, Any] | None,
) -> dict[str, Any]:
    """The drill's ``batch/v1`` CronJob (one Job at a time, never retried)."""
    pod_spec = _pod_spec(
        init_containers=init_containers,
        database=database,
        size_mebibytes=size_mebibytes,
        config_map_name=config_map_name,
        service_account_name=service_account_name,
        identity_volume=identity_volume,
    )
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {
            "name": name,
            "namespace": namespace,
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
            "schedule": schedule,
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
    }
