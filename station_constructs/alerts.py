"""BackupAlerts: a PrometheusRule for the backup failures that no exit code shows.

Litestream 0.5.17 exits 0 even when its final sync failed, and counts no failed upload while
S3 is unreachable (``docs/station-facts.md``, "Litestream 0.5.17 behaviour measured here"), so
the ``litestream`` sidecar watches the replica itself and exits 1 on an outage, a replaced
database or a second writer: its restarts are the signal. :class:`BackupAlerts` renders a
``monitoring.coreos.com/v1`` PrometheusRule with:

* ``StationBackupSyncErrors``: Litestream counted sync errors (wrong credentials, S3
  rejecting writes);
* ``StationBackupStalled``: the database advanced (``litestream_txid`` grew) but nothing
  was written to S3 for ``stalled_after`` sync intervals (at least the ``min_window``);
* ``StationBackupSidecarDown``: Litestream's metrics target is down or gone;
* ``StationBackupFailing``: the ``litestream`` sidecar restarted in the last 15 minutes. It
  exits 1 when a local transaction is not in the replica 40 s after it was written (an S3
  outage: Litestream 0.5.17 counts no failed PUT, so its own series stay flat), when the
  database file was replaced, or when another writer moved the replica ahead of it;
* ``StationConfigBackupFailing`` (with a :class:`~station_constructs.ConfigDirBackup`): the
  ``config-backup`` sidecar restarted, which it does after repeated failed syncs
  (kube-state-metrics' ``kube_pod_init_container_status_restarts_total`` for a native
  sidecar, ``kube_pod_container_status_restarts_total`` in classic mode);
* ``StationRestoreDrillFailing`` (with a :class:`~station_constructs.RestoreDrill`): a
  drill Job failed and no later one succeeded (kube-state-metrics' ``kube_job_status_failed``,
  ``kube_job_status_succeeded``, ``kube_job_created``).

The Litestream series are those a :class:`~station_constructs.LitestreamServiceMonitor`
scrapes (``job`` is the Station's Service name); the others need kube-state-metrics, as in
kube-prometheus-stack.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ._app_registry import check_scope, init_construct
from ._attach import require_station
from ._emit.prometheus_rule import emit_prometheus_rule
from ._errors import _Guard
from ._k8s import Construct, claim_object, construct_path, guard_for
from ._read_only import ReadOnlyConstruct
from ._render import alerts as render
from ._settings.monitoring import extra_labels
from ._validate import dns_subdomain, duration_seconds, go_duration, positive_int
from .litestream import SidecarMode
from .station import StationDeployment

__all__ = ["BackupAlerts"]

#: Every Litestream metric the rules use (the end-to-end test scrapes a real Litestream
#: for each of them). ``litestream_replica_operation_errors_total`` is not used: 0.5.17
#: counts only failed DELETEs in it.
LITESTREAM_METRICS = (
    "litestream_sync_error_count",
    "litestream_txid",
    "litestream_replica_operation_total",
)


class BackupAlerts(ReadOnlyConstruct):
    """Prometheus alerts for a Station's backups (database, config directory, restore drill).

    Args:
        station: The Station; a :class:`~station_constructs.LitestreamBackup` with metrics
            must be attached. A ``ConfigDirBackup`` or ``RestoreDrill`` attached before
            this construct gets its alert too.
        stalled_after: How many sync intervals without a successful upload, while the
            database changes, make ``StationBackupStalled`` fire. Default ``60``.
        min_window: The least window of the stalled and error rules (a duration), so it
            spans several scrapes. Default ``5m``.
        labels: Extra labels for the PrometheusRule, usually what the Prometheus's
            ``ruleSelector`` asks for (kube-prometheus-stack: ``{"release": "<release>"}``).
        severity: The ``severity`` label of every alert. Default ``critical``.
        name: Name of the PrometheusRule. Default ``<station name>-backups``.

    """

    def __init__(  # noqa: PLR0913 - keyword-only configuration, each documented above
        self,
        scope: Construct,
        id: str,
        *,
        station: StationDeployment,
        stalled_after: int = 60,
        min_window: str | int = "5m",
        labels: Mapping[str, str] | None = None,
        severity: str = "critical",
        name: str | None = None,
    ) -> None:
        check_scope(scope, id, "BackupAlerts", self)
        init_construct(self, scope, id)
        guard = guard_for("BackupAlerts", self)
        require_station(self, guard, station, "whose backups to watch")
        litestream: Any = station.extensions.get("litestream")
        if litestream is None or getattr(litestream, "metrics_port", None) is None:
            raise guard.fail(
                "station",
                construct_path(station),
                "has no LitestreamBackup with metrics attached: the alerts read Litestream's "
                "metrics",
                "add LitestreamBackup(..., station=station, metrics=LitestreamMetrics.served()) "
                "and a "
                "LitestreamServiceMonitor before BackupAlerts",
            )
        self.station: StationDeployment = station
        """The Station watched."""
        self.namespace: str = station.namespace
        """Namespace of the PrometheusRule (the Station's)."""
        self.name: str = dns_subdomain(
            guard, "name", f"{station.name}-backups" if name is None else name
        )
        """Name of the PrometheusRule."""
        self.stalled_after: int = positive_int(guard, "stalled_after", stalled_after)
        """Sync intervals without an upload before ``StationBackupStalled`` fires."""
        floor = duration_seconds(guard, "min_window", min_window, minimum=60)
        sync_s = duration_seconds(guard, "sync_interval", litestream.sync_interval)
        self.window: str = go_duration(max(floor, math.ceil(self.stalled_after * sync_s)))
        """The window of the stalled and error rules."""
        self.severity: str = _severity(guard, severity)
        """The ``severity`` label."""
        extra = extra_labels(guard, labels)
        claim_object(
            self,
            guard,
            kind="PrometheusRule",
            namespace=self.namespace,
            name=self.name,
            field="name",
            fix="render one BackupAlerts per Station, or give this one its own name=",
        )
        self.rules: list[dict[str, Any]] = self._rules(station)
        """The alerting rules, as rendered (``alert``, ``expr``, ``for``, labels, annotations)."""
        self.group_name: str = f"station-backups.{self.namespace}.{station.name}"
        """The rule group's name."""
        manifest = render.prometheus_rule(
            name=self.name,
            namespace=self.namespace,
            labels={**extra, **station.labels("monitoring")},
            group_name=self.group_name,
            rules=self.rules,
        )
        self.prometheus_rule = emit_prometheus_rule(self, "Resource", manifest)
        """The PrometheusRule (escape hatch: ``ApiObject.of(alerts)``)."""
        self._lock_attributes()

    def rule_file(self) -> dict[str, Any]:
        """The rules as a Prometheus rule file (``groups:``), for ``promtool``."""
        return {"groups": [{"name": self.group_name, "rules": self.rules}]}

    def _rules(self, station: StationDeployment) -> list[dict[str, Any]]:
        litestream: Any = station.extensions.get("litestream")
        config_backup: Any = station.extensions.get("config-backup")
        drill: Any = station.extensions.get("restore-drill")
        return render.backup_rules(
            namespace=self.namespace,
            station_name=station.name,
            service_name=station.service_name,
            window=self.window,
            stalled_after=self.stalled_after,
            severity=self.severity,
            litestream_native=litestream.sidecar_mode is SidecarMode.NATIVE,
            config_backup_native=None
            if config_backup is None
            else config_backup.backup.sidecar_mode is SidecarMode.NATIVE,
            drill_name=None if drill is None else drill.name,
        )


def _severity(guard: _Guard, value: object) -> str:
    if value not in ("critical", "warning", "info"):
        raise guard.fail(
            "severity",
            value,
            "must be one of 'critical', 'warning', 'info' (what Alertmanager routes on)",
            "pass severity='critical' or 'warning'",
        )
    return str(value)
