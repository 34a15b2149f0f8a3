"""LitestreamServiceMonitor: scrapes Litestream's metrics on the Station's ClusterIP Service,
admits Prometheus through the NetworkPolicy, and refuses to scrape Station (no /metrics)."""

from __future__ import annotations

from typing import Any

import cdk8s
import pytest
from cdk8s import Chart

from station_constructs import (
    ExternalService,
    LitestreamBackup,
    LitestreamMetrics,
    LitestreamServiceMonitor,
    S3Replica,
    StationDeployment,
    StationPort,
)
from tests.conftest import find, synth
from tests.support.backups import litestream
from tests.support.builders import ANY_ACCOUNT
from tests.support.refusals import assert_refused

# Any CloudShip account's token passes the agent MCP: accepted, so it may be exposed.


def with_litestream(chart: Chart, **kwargs: Any) -> StationDeployment:
    """A Station with a LitestreamBackup attached (metrics on 9090, port ``metrics``)."""
    station = StationDeployment(chart, "station", **kwargs)
    litestream(chart, station, "litestream", bucket="station-backups")
    return station


def monitor(chart: Chart, **kwargs: Any) -> LitestreamServiceMonitor:
    """A ServiceMonitor 'monitor' of ``station`` (a new Station with Litestream when not given)."""
    station = kwargs.pop("station", None) or with_litestream(chart)
    return LitestreamServiceMonitor(chart, "monitor", station=station, **kwargs)


#: Where a refusal of :func:`monitor` comes from.
MONITOR = "LitestreamServiceMonitor 'test/monitor'"


def test_service_monitor_scrapes_litestream_on_the_cluster_ip_service(chart: Chart) -> None:
    station = with_litestream(
        chart,
        auth=ANY_ACCOUNT,
        external_service=ExternalService.load_balancer(ports=[StationPort.AGENT_MCP]),
    )
    monitor = LitestreamServiceMonitor(
        chart, "monitor", station=station, labels={"release": "kube-prometheus-stack"}
    )
    objects = synth(chart)
    obj = find(objects, "ServiceMonitor", "station-litestream")
    assert obj["apiVersion"] == "monitoring.coreos.com/v1"
    assert obj["metadata"]["namespace"] == "station"
    assert obj["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert obj["metadata"]["labels"]["app.kubernetes.io/component"] == "monitoring"
    assert obj["spec"] == {
        "endpoints": [{"interval": "30s", "path": "/metrics", "port": "metrics", "scheme": "http"}],
        "namespaceSelector": {"matchNames": ["station"]},
        "selector": {"matchLabels": {"app": "station", "app.kubernetes.io/component": "server"}},
    }
    selector = obj["spec"]["selector"]["matchLabels"].items()
    service = find(objects, "Service", "station")
    assert selector <= service["metadata"]["labels"].items()
    assert {"name": "metrics", "port": 9090, "targetPort": 9090, "protocol": "TCP"} in (
        service["spec"]["ports"]
    )
    assert (
        not selector <= find(objects, "Service", "station-external")["metadata"]["labels"].items()
    )
    assert monitor.selector_labels == dict(selector)


def test_prometheus_namespace_is_admitted_to_the_metrics_port_only(chart: Chart) -> None:
    station = with_litestream(chart)
    LitestreamServiceMonitor(chart, "monitor", station=station, prometheus_namespaces=["obs"])
    rules = find(synth(chart), "NetworkPolicy", "station")["spec"]["ingress"]
    assert rules[-1] == {
        "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "obs"}}}],
        "ports": [{"port": 9090, "protocol": "TCP"}],
    }


def test_default_prometheus_namespace_is_monitoring(chart: Chart) -> None:
    monitor = LitestreamServiceMonitor(chart, "monitor", station=with_litestream(chart))
    assert monitor.prometheus_namespaces == ("monitoring",)


def test_no_policy_rule_when_asked_or_without_a_policy(chart: Chart) -> None:
    a = with_litestream(chart)
    assert_refused(
        lambda: LitestreamServiceMonitor(chart, "m", station=a, prometheus_namespaces=()),
        field="prometheus_namespaces",
        value=[],
        problem="is empty",
    )
    rules = find(synth(chart), "NetworkPolicy", "station")["spec"]["ingress"]
    assert len(rules) == 1
    b = StationDeployment(chart, "b", name="b", namespace="b", network_policy=None)
    litestream(chart, b, "b-litestream", bucket="station-backups")
    LitestreamServiceMonitor(chart, "mb", station=b)
    assert find(synth(chart), "ServiceMonitor", "b-litestream")


def test_same_namespaces_as_litestreams_own_admission_make_one_rule(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    LitestreamBackup(
        chart,
        "litestream",
        station=station,
        replica=S3Replica.aws("b-1"),
        metrics=LitestreamMetrics.served(namespaces=["monitoring"]),
    )
    LitestreamServiceMonitor(chart, "monitor", station=station)
    rules = find(synth(chart), "NetworkPolicy", "station")["spec"]["ingress"]
    assert [r["ports"] for r in rules].count([{"port": 9090, "protocol": "TCP"}]) == 1


def test_interval_timeout_and_name(chart: Chart) -> None:
    station = with_litestream(chart, name="agents")
    monitor = LitestreamServiceMonitor(
        chart, "m", station=station, interval=90, scrape_timeout="15s", name="agents-backup"
    )
    assert (monitor.interval, monitor.scrape_timeout) == ("1m30s", "15s")
    endpoint = find(synth(chart), "ServiceMonitor", "agents-backup")["spec"]["endpoints"][0]
    assert (endpoint["interval"], endpoint["scrapeTimeout"]) == ("1m30s", "15s")


# ------------------------------------------------------------------ guards


def test_fails_without_litestream_because_station_has_no_metrics(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    assert_refused(
        lambda: monitor(chart, station=station),
        field="station",
        value="test/station",
        problem=[
            "has no LitestreamBackup attached",
            "Station itself serves no Prometheus metrics",
            "8585/metrics answers 200 with the web UI's HTML",
        ],
        fix="add LitestreamBackup(..., station=station) before the ServiceMonitor",
        where=MONITOR,
    )


def test_fails_when_litestream_serves_no_metrics(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    LitestreamBackup(
        chart,
        "litestream",
        station=station,
        replica=S3Replica.aws("b-1"),
        metrics=LitestreamMetrics.off(),
    )
    assert_refused(
        lambda: monitor(chart, station=station),
        field="station",
        value="test/litestream",
        problem="metrics=LitestreamMetrics.off()",
        fix="pass metrics=LitestreamMetrics.served()",
        where=MONITOR,
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "value", "problem", "fix"),
    [
        ({"interval": "30 seconds"}, "interval", "30 seconds", "", "'10s'"),
        ({"interval": 0}, "interval", 0, "at least 1s", ""),
        (
            {"interval": "30s", "scrape_timeout": "1m"},
            "scrape_timeout",
            "1m",
            "longer than",
            "",
        ),
        (
            {"labels": {"release": "kube prometheus"}},
            "labels['release']",
            "kube prometheus",
            "",
            "",
        ),
        ({"labels": {"bad key!": "x"}}, "labels", "bad key!", "label key", ""),
        ({"labels": {"app": "x"}}, "labels['app']", "x", "set by the construct", ""),
        ({"prometheus_namespaces": "monitoring"}, "prometheus_namespaces", "monitoring", "", ""),
        (
            {"prometheus_namespaces": ["Monitoring"]},
            "prometheus_namespaces[]",
            "Monitoring",
            "",
            "",
        ),
        ({"name": "Litestream_Monitor"}, "name", "Litestream_Monitor", "", ""),
        ({"station": "station"}, "station", "str", "", ""),
    ],
)
def test_fails_on_bad_arguments(
    chart: Chart, kwargs: dict[str, Any], field: str, value: Any, problem: str, fix: str
) -> None:
    assert_refused(
        lambda: monitor(chart, **kwargs),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=MONITOR,
    )


def test_fails_on_a_second_monitor_with_the_same_name(chart: Chart) -> None:
    station = with_litestream(chart)
    LitestreamServiceMonitor(chart, "first", station=station)
    assert_refused(
        lambda: monitor(chart, station=station),
        field="name",
        value="station-litestream",
        problem="already rendered by 'test/first'",
        where=MONITOR,
    )


def test_the_service_monitor_is_the_primary_child(chart: Chart) -> None:
    monitor = LitestreamServiceMonitor(chart, "monitor", station=with_litestream(chart))
    primary = cdk8s.ApiObject.of(monitor)
    assert (primary.kind, primary.name) == ("ServiceMonitor", monitor.name)
