"""A RestoreDrill as data: its scripts, its containers and the CronJob.

Pure functions of already validated settings (``station_constructs.restore_drill``
validates). Key order is kept as written: the CronJob is emitted as a plain ``ApiObject``
whose body is a JSON patch, which cdk8s does not sort.
"""

from __future__ import annotations

from typing import Any

from .._settings.station import STATION_UID
from .quantities import mebibytes

__all__ = [
    "DRILL_DIR",
    "HWM_FILE",
    "cron_job",
    "drill_config_script",
    "drill_containers",
    "drill_database_script",
]

#: Where the drill restores to (an emptyDir).
DRILL_DIR = "/drill"
#: Where ``drill-database`` leaves the high-water mark for ``drill-record``.
HWM_FILE = f"{DRILL_DIR}/hwm"


#: How long the drill waits for the replica's listing and for the restore: an unreachable
#: store fails the drill in about this long instead of at the CronJob's deadline.
LIST_TIMEOUT_SECONDS = 60


def _freshness_lines(config: str, database: str, max_age_seconds: int) -> list[str]:
    """Fail when the replica cannot be read, holds nothing, or its newest file is too old."""
    return [
        f"listing=`timeout {LIST_TIMEOUT_SECONDS} litestream ltx -config {config} -level all "
        f'{database} 2>&1` || fail "cannot read the replica within {LIST_TIMEOUT_SECONDS}s '
        '(S3 unreachable, credentials?): $listing"',
        "newest=`printf '%s\\n' \"$listing\" | tail -n +2 | awk 'NF >= 5 {print $5}' | sort "
        "| tail -n 1`",
        '[ -n "$newest" ] || fail "the replica holds no backup"',
        "stamp=`printf '%s' \"$newest\" | sed 's/T/ /; s/Z$//'`",
        'then=`date -u -d "$stamp" +%s`; now=`date -u +%s`; age=`expr $now - $then`',
        f'[ "$age" -le {max_age_seconds} ] || fail "the newest file of the backup was written '
        f"$newest, ${{age}}s ago (more than {max_age_seconds}s): Litestream has not uploaded "
        'since (a stale or rolled-back backup)"',
    ]


def _config_lines() -> list[str]:
    """Every MCP config row has its file and every MCP config file its row; JSON is valid."""
    return [
        f'[ -f "{DRILL_DIR}/config/config.yaml" ] || fail "the config directory backup has no '
        'config.yaml"',
        "bad=0",
        # One path per line, read whole (a path may hold spaces); sqlite3's failure
        # fails the drill. The loop reads a file, not a pipe, so it runs in this shell.
        f'sqlite3 "$out" "SELECT template_path FROM file_mcp_configs;" > {DRILL_DIR}/mcp-paths '
        '|| fail "the restored database has no readable file_mcp_configs table"',
        f": > {DRILL_DIR}/mcp-rows",
        "while IFS= read -r f; do",
        '  [ -n "$f" ] || continue',
        # Station stores "environments/<env>/<name>.json"; older rows hold absolute
        # paths, which it resolves from "environments/" on [declarative_sync.go].
        '  case "$f" in environments/*) ;; '
        '*/environments/*) f="environments/${f#*/environments/}";; esac',
        f"  printf '%s\\n' \"$f\" >> {DRILL_DIR}/mcp-rows",
        f'  [ -f "{DRILL_DIR}/config/$f" ] || {{ echo "restore-drill: ERROR no file for '
        'MCP config $f"; bad=1; }',
        f"done < {DRILL_DIR}/mcp-paths",
        f'( cd "{DRILL_DIR}/config" && find environments -path "environments/*/*.json" '
        f'! -path "environments/*/*/*" ) > {DRILL_DIR}/mcp-files 2>/dev/null || true',
        "while IFS= read -r f; do",
        f'  grep -q -x -F -e "$f" {DRILL_DIR}/mcp-rows || {{ echo "restore-drill: ERROR '
        '$f has no file_mcp_configs row: Station would load it as a new MCP config"; bad=1; }',
        "  q=`printf '%s' \"$f\" | sed \"s/'/''/g\"`",
        f"  ok=`sqlite3 :memory: \"SELECT json_valid(CAST(readfile('{DRILL_DIR}/config/$q') "
        'AS TEXT));"`',
        '  [ "$ok" = 1 ] || { echo "restore-drill: ERROR $f is not valid JSON"; bad=1; }',
        f"done < {DRILL_DIR}/mcp-files",
        '[ "$bad" -eq 0 ] || fail "the config directory and file_mcp_configs disagree, or a '
        'config file is invalid: Station would prune or misload MCP configs after a restore"',
    ]


def _hwm_lines() -> list[str]:
    """``drill-database``'s last lines: count every table's rows, write the mark."""
    return [
        "total=0",
        'sqlite3 "$out" "SELECT name FROM sqlite_master WHERE type=\'table\';" '
        f'> {DRILL_DIR}/tables || fail "cannot list the restored tables"',
        "while IFS= read -r t; do",
        '  q=`printf \'%s\' "$t" | sed \'s/"/""/g\'`',
        '  n=`sqlite3 "$out" "SELECT count(*) FROM \\"$q\\";"` || fail "cannot count $t"',
        "  total=`expr $total + $n`",
        f"done < {DRILL_DIR}/tables",
        "txid=`printf '%s\\n' \"$listing\" | tail -n +2 | awk 'NF >= 3 {print $3}' | sort | "
        "tail -n 1`",
        f'printf \'txid=%s\\nrows=%s\\nnewest=%s\\n\' "$txid" "$total" "$then" > {HWM_FILE}',
    ]


def drill_database_script(  # noqa: PLR0913 - one value per thing the script checks
    *,
    config: str,
    database: str,
    table: str,
    min_rows: int,
    check_mcp_files: bool,
    max_age_seconds: int,
) -> str:
    """Check the backup's age, restore it into the drill directory and check it.

    Exit 1 on the first failure: the replica unreadable within ``LIST_TIMEOUT_SECONDS``
    or empty, its newest file older than ``max_age_seconds``, the restore failing, the
    integrity check, fewer than ``min_rows`` rows in ``table``, and (``check_mcp_files``)
    ``config.yaml`` missing, an MCP config row without its file or a file without its row,
    or an MCP config file that is not valid JSON.
    """
    lines = [
        "set -u",
        f"out={DRILL_DIR}/station.db",
        'fail() { echo "restore-drill: ERROR $*"; exit 1; }',
        *_freshness_lines(config, database, max_age_seconds),
        f'timeout 1200 litestream restore -config {config} -o "$out" {database} '
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
        lines += _config_lines()
    lines += _hwm_lines()
    lines.append(
        f'echo "restore-drill: OK integrity_check=ok {table}=$rows size=`wc -c < "$out"` bytes '
        'newest=$newest"'
    )
    return "\n".join(lines)


def drill_config_script(*, remote: str) -> str:
    """Copy the config directory's backup into the drill directory; fail when empty."""
    return "\n".join(
        [
            "set -u",
            f"dir={DRILL_DIR}/config",
            f'timeout 45 rclone copy {remote} "$dir" || {{ echo "restore-drill: ERROR cannot copy '
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
    rclone_image: str,
    rclone_env: dict[str, str],
    config_command: list[str] | None,
    record_command: list[str],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The init containers, then the container that runs once they succeeded.

    Init: ``drill-config`` (with a config backup), ``drill-database``; then ``drill-record``
    (the high-water mark).
    """
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
    env = [{"name": k, "value": v} for k, v in rclone_env.items()] + credentials

    def rclone(name: str, command: list[str]) -> dict[str, Any]:
        return {
            "name": name,
            "image": rclone_image,
            "imagePullPolicy": "IfNotPresent",
            "command": command,
            "env": env,
            "securityContext": security,
            "resources": resources,
            "volumeMounts": [drill_mount, *token],
        }

    containers = [] if config_command is None else [rclone("drill-config", config_command)]
    containers.append(
        {
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
    )
    return containers, rclone("drill-record", record_command)


def _pod_spec(
    *,
    init_containers: list[dict[str, Any]],
    main: dict[str, Any],
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
        # The config directory, then the database and its checks (init containers, in
        # order), then the high-water mark.
        "initContainers": init_containers,
        "containers": [main],
        "volumes": [
            {"name": "drill", "emptyDir": {"sizeLimit": mebibytes(size_mebibytes)}},
            {"name": "litestream-config", "configMap": {"name": config_map_name}},
        ],
    }
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
    main: dict[str, Any],
    config_map_name: str,
    service_account_name: str | None,
    identity_volume: dict[str, Any] | None,
) -> dict[str, Any]:
    """The drill's ``batch/v1`` CronJob (one Job at a time, never retried)."""
    pod_spec = _pod_spec(
        init_containers=init_containers,
        main=main,
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
