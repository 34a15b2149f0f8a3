"""A Station's backup alerts (BackupAlerts) as data: the rules and the PrometheusRule.

Pure functions of already validated settings (``station_constructs.alerts`` validates).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["backup_rules", "prometheus_rule"]


def backup_rules(  # noqa: PLR0913 - one value per thing the rules name
    *,
    namespace: str,
    station_name: str,
    service_name: str,
    window: str,
    stalled_after: int,
    severity: str,
    litestream_native: bool,
    config_backup_native: bool | None,
    drill_name: str | None,
) -> list[dict[str, Any]]:
    """The alerting rules: Litestream's four, then the config backup's and the drill's.

    ``litestream_native`` says whether the litestream sidecar is native;
    ``config_backup_native`` is ``None`` without a config backup, else whether its sidecar is
    native; ``drill_name`` is ``None`` without a restore drill.
    """
    ns = namespace
    target = f'namespace="{ns}", job="{service_name}"'
    where = f"Station {ns}/{station_name}"
    rules = [
        _rule(
            severity,
            "StationBackupSyncErrors",
            f"increase(litestream_sync_error_count{{{target}}}[{window}]) > 0",
            "2m",
            f"Litestream of {where} reports sync errors",
            "Litestream counted failed syncs: new writes may not be in "
            "the backup. Read the litestream container's log (level=ERROR) and check the "
            "bucket, endpoint and credentials.",
        ),
        _rule(
            severity,
            "StationBackupStalled",
            f"(delta(litestream_txid{{{target}}}[{window}]) > 0) unless on(namespace, pod) "
            f'(increase(litestream_replica_operation_total{{{target}, operation="PUT"}}'
            f"[{window}]) > 0)",
            "0m",
            f"The backup of {where} has not advanced for {window}",
            f"The database changed but Litestream wrote nothing to S3 for {window} "
            f"({stalled_after} sync intervals). If S3 is still down when the pod "
            "stops, every write since the outage began is lost.",
        ),
        _rule(
            severity,
            "StationBackupSidecarDown",
            f"up{{{target}}} == 0 or absent(up{{{target}}})",
            "5m",
            f"Litestream of {where} is not being scraped",
            "Litestream's metrics target is down or missing: replication may have "
            "stopped (the guard refuses to replicate a new database over a backup; see "
            "the litestream container's log).",
        ),
    ]
    rules += _restart_rules(
        severity, ns, station_name, where, (litestream_native, config_backup_native)
    )
    if drill_name is not None:
        rules.append(_drill_rule(severity, ns, drill_name, where))
    return rules


def _restart_rules(
    severity: str,
    ns: str,
    station_name: str,
    where: str,
    native: tuple[bool, bool | None],
) -> list[dict[str, Any]]:
    """``StationBackupFailing``, and ``StationConfigBackupFailing`` with a config backup.

    ``native``: whether litestream's sidecar is native, and config-backup's (``None``: no
    config backup).
    """
    litestream_native, config_backup_native = native
    rules: list[dict[str, Any]] = []
    rules.append(
        _restart_rule(
            severity,
            "StationBackupFailing",
            "litestream",
            (ns, station_name, litestream_native),
            f"The database backup of {where} is failing",
            "The litestream sidecar exited: a local transaction was not in the replica 40 s "
            "after it was written (S3 down, hung or refusing), the database file was "
            "replaced, another Station writes to the same replica, or the guard refused to "
            "replicate. Read its log (litestream: ERROR ...); until it recovers, new writes "
            "are only on the volume.",
        )
    )
    if config_backup_native is not None:
        rules.append(
            _restart_rule(
                severity,
                "StationConfigBackupFailing",
                "config-backup",
                (ns, station_name, config_backup_native),
                f"The config directory backup of {where} is failing",
                "The config-backup sidecar exited after repeated failed rclone syncs "
                "(S3 unreachable, or a sync that would delete more than max_deletes files), "
                "or crashed: config changes are not being backed up. Read its log.",
            )
        )
    return rules


def _restart_rule(
    severity: str,
    alert: str,
    container: str,
    pod: tuple[str, str, bool],
    summary: str,
    description: str,
) -> dict[str, Any]:
    """``alert`` fires when ``container`` of the Station's pods restarted in 15 minutes.

    ``pod`` is (namespace, Station name, whether the container is a native sidecar).
    """
    ns, station_name, native = pod
    # The Deployment's pods only: "<name>-<ReplicaSet hash>-<suffix>" (another Station
    # named e.g. "<name>-b" has pods "<name>-b-<hash>-<suffix>", which this does not match).
    pods = f'namespace="{ns}", pod=~"{station_name}-[a-z0-9]+-[a-z0-9]{{5}}"'
    # A native sidecar is an init container: kube-state-metrics counts its restarts in
    # kube_pod_init_container_status_restarts_total, a classic one's in
    # kube_pod_container_status_restarts_total.
    metric = (
        "kube_pod_init_container_status_restarts_total"
        if native
        else "kube_pod_container_status_restarts_total"
    )
    return _rule(
        severity,
        alert,
        f'increase({metric}{{{pods}, container="{container}"}}[15m]) > 0',
        "0m",
        summary,
        description,
    )


def _drill_rule(severity: str, ns: str, drill_name: str, where: str) -> dict[str, Any]:
    jobs = f'namespace="{ns}", job_name=~"{drill_name}-[0-9]+"'
    return _rule(
        severity,
        "StationRestoreDrillFailing",
        # A failed drill Job created after the last successful one (failed
        # Jobs stay in the history after a later success).
        f"(kube_job_status_failed{{{jobs}}} > 0) and on(namespace, job_name) "
        f"(kube_job_created{{{jobs}}} > scalar(max(kube_job_created{{{jobs}}} "
        f"and on(namespace, job_name) (kube_job_status_succeeded{{{jobs}}} > 0)) "
        "or vector(0)))",
        "0m",
        f"The restore drill of {where} failed",
        "The latest backup did not restore, or the restored database failed "
        "PRAGMA integrity_check. Read the drill Job's log; the backup may be "
        "unusable.",
    )


def _rule(
    severity: str, alert: str, expr: str, for_: str, summary: str, description: str
) -> dict[str, Any]:
    return {
        "alert": alert,
        "expr": expr,
        "for": for_,
        "labels": {"severity": severity},
        "annotations": {"summary": summary, "description": description},
    }


def prometheus_rule(
    *,
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    group_name: str,
    rules: list[dict[str, Any]],
) -> dict[str, Any]:
    """The ``monitoring.coreos.com/v1`` PrometheusRule holding ``rules`` in one group."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
        "spec": {"groups": [{"name": group_name, "rules": rules}]},
    }
