"""Prometheus monitoring: a ServiceMonitor for the endpoints that really serve metrics.

**Station itself has no metrics endpoint.** Its server registers no ``/metrics`` handler:
on the API port (8585) ``/metrics`` falls through to the web UI and answers ``200`` with
HTML, so the deployment guide's ``prometheus.io/scrape`` annotations on 8585 produce a
target that is "up" but fails every scrape with a parse error. Station emits traces
(``StationDeployment(otlp_endpoint=...)``), not metrics. Scraping Station is therefore not
offered.

What does serve Prometheus metrics in the Station pod is Litestream (attached with
:class:`LitestreamBackup`): replication lag, WAL size, sync errors, on container port 9090,
path ``/metrics``, bound as port ``metrics`` on the Station's ClusterIP Service.
:class:`LitestreamServiceMonitor` renders the prometheus-operator ServiceMonitor for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._app_registry import check_scope, init_construct
from ._attach import require_station
from ._emit.service_monitor import emit_service_monitor
from ._errors import _Guard
from ._k8s import Construct, claim_object, construct_path, guard_for
from ._read_only import ReadOnlyConstruct
from ._settings.monitoring import extra_labels, scrape_timing
from ._settings.monitoring import prometheus_namespaces as checked_namespaces
from ._validate import (
    dns_subdomain,
)
from .station import StationDeployment

__all__ = ["LitestreamServiceMonitor"]

#: Litestream's metrics listener (``addr: ":9090"`` in its configuration).
LITESTREAM_METRICS_PORT = 9090
#: The Service port name LitestreamBackup binds it under.
METRICS_PORT_NAME = "metrics"


class LitestreamServiceMonitor(ReadOnlyConstruct):
    """A ``monitoring.coreos.com/v1`` ServiceMonitor scraping a Station's Litestream sidecar.

    Selects the Station's ClusterIP Service (``app`` and ``app.kubernetes.io/component:
    server``; the external Service, component ``external``, is never scraped) in the
    Station's namespace, endpoint port ``metrics``, path ``/metrics``. If the Station has a
    NetworkPolicy, ``prometheus_namespaces`` are admitted to the metrics port, and to
    nothing else.

    Args:
        scope: The chart (or any construct) to add the ServiceMonitor to.
        id: Construct id. Never used in object names.
        station: The Station; a :class:`LitestreamBackup` must already be attached to it.
        interval: Scrape interval (a duration). Default ``30s``.
        scrape_timeout: Scrape timeout; at most ``interval``. Default: Prometheus's (10s).
        labels: Extra labels for the ServiceMonitor, usually what the Prometheus's
            ``serviceMonitorSelector`` asks for (kube-prometheus-stack: ``{"release":
            "<helm release name>"}``). Default none.
        prometheus_namespaces: Namespaces Prometheus runs in, admitted to the metrics port
            by the Station's NetworkPolicy. Default ``("monitoring",)``; ``()`` to add no rule,
            accepted only when nothing would block the scrape (``network_policy=None``, or the
            LitestreamBackup's ``LitestreamMetrics.served(namespaces=...)`` already admit
            Prometheus).
        name: Name of the ServiceMonitor. Default ``<station name>-litestream``.

    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        station: StationDeployment,
        interval: str | int = "30s",
        scrape_timeout: str | int | None = None,
        labels: Mapping[str, str] | None = None,
        prometheus_namespaces: Sequence[str] = ("monitoring",),
        name: str | None = None,
    ) -> None:
        check_scope(scope, id, "LitestreamServiceMonitor", self)
        init_construct(self, scope, id)
        guard = guard_for("LitestreamServiceMonitor", self)
        require_station(self, guard, station, "whose Litestream to scrape")
        litestream, metrics_port = _litestream(guard, station)
        self.station: StationDeployment = station
        """The Station whose Litestream is scraped."""
        self.metrics_port: int = metrics_port
        """Litestream's metrics port in the pod (admitted by the NetworkPolicy)."""
        self.namespace: str = station.namespace
        """Namespace of the ServiceMonitor (the Station's)."""
        self.name: str = dns_subdomain(
            guard, "name", f"{station.name}-litestream" if name is None else name
        )
        """Name of the ServiceMonitor."""
        self.interval: str
        """The scrape interval (Prometheus duration)."""
        self.scrape_timeout: str | None
        """The scrape timeout, if set."""
        self.interval, self.scrape_timeout = scrape_timing(guard, interval, scrape_timeout)
        extra = extra_labels(guard, labels)
        self.prometheus_namespaces: tuple[str, ...] = checked_namespaces(
            guard, prometheus_namespaces
        )
        """Namespaces admitted to the metrics port by the Station's NetworkPolicy."""
        admitted = litestream.metrics.namespaces
        if station.network_policy is not None and not self.prometheus_namespaces and not admitted:
            raise guard.fail(
                "prometheus_namespaces",
                list(prometheus_namespaces),
                "is empty, and the Station's NetworkPolicy admits no namespace to Litestream's "
                "metrics port: Prometheus's scrapes would time out without an error",
                "name the namespace Prometheus runs in, e.g. prometheus_namespaces="
                "['monitoring'] (or LitestreamMetrics.served(namespaces=[...]) on the "
                "LitestreamBackup)",
            )
        claim_object(
            self,
            guard,
            kind="ServiceMonitor",
            namespace=self.namespace,
            name=self.name,
            field="name",
            fix="render one ServiceMonitor per Station, or give this one its own name=",
        )
        if station.network_policy is not None and self.prometheus_namespaces:
            station.network_policy.allow_from_namespaces(
                self.prometheus_namespaces, [self.metrics_port]
            )
        self.selector_labels: dict[str, str] = {
            **station.selector_labels,
            "app.kubernetes.io/component": "server",
        }
        """The labels of the Service scraped (the Station's ClusterIP Service)."""
        self.service_monitor = emit_service_monitor(
            self,
            "Resource",
            name=self.name,
            namespace=self.namespace,
            labels={**extra, **station.labels("monitoring")},
            selector_labels=self.selector_labels,
            port_name=METRICS_PORT_NAME,
            interval=self.interval,
            scrape_timeout=self.scrape_timeout,
        )
        """The ServiceMonitor (escape hatch: ``ApiObject.of(monitor)``)."""
        self._lock_attributes()


def _litestream(guard: _Guard, station: StationDeployment) -> tuple[Any, int]:
    """The Station's LitestreamBackup and its metrics port; refused without metrics."""
    litestream = station.extensions.get("litestream")
    if litestream is None:
        raise guard.fail(
            "station",
            construct_path(station),
            "has no LitestreamBackup attached, and Station itself serves no Prometheus "
            "metrics (8585/metrics answers 200 with the web UI's HTML, not metrics), so "
            "there is nothing to scrape",
            "add LitestreamBackup(..., station=station) before the ServiceMonitor; for "
            "Station use its traces (otlp_endpoint=) and logs",
        )
    metrics_port = getattr(litestream, "metrics_port", LITESTREAM_METRICS_PORT)
    if metrics_port is None:
        raise guard.fail(
            "station",
            construct_path(litestream),
            "its LitestreamBackup runs with metrics=LitestreamMetrics.off(): nothing listens "
            "on 9090",
            "pass metrics=LitestreamMetrics.served() (the default) to LitestreamBackup",
        )
    return litestream, metrics_port
