"""The Station's exposure guard: what an external Service (LoadBalancer or NodePort) may publish.

A port is published only when something authenticates its callers: Station itself (CloudShip
OAuth with local mode off, for the agent MCP), or an acknowledgement that a VPN or firewall
does (``allow_unauthenticated_exposure=True``). The management MCP never is, and the API never
with CloudShip OAuth alone (its callers are admins). Routes (Ingress, HTTPRoute) go through the
same rules: tests/test_routes_shared.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from cdk8s import Chart

from station_constructs import (
    ApiListener,
    ExternalService,
    StationAccessWarning,
    StationAuth,
    StationDeployment,
    StationPort,
)
from station_constructs.guide import next_steps
from tests.conftest import find, synth
from tests.support.builders import ANY_ACCOUNT, OAUTH, station
from tests.support.refusals import assert_refused

#: Where a refusal of ``StationDeployment(chart, "station")`` comes from.
STATION = "StationDeployment 'test/station'"


# ---------------------------------------------------------------- what is published


def test_no_external_service_by_default(chart: Chart) -> None:
    StationDeployment(chart, "station")
    assert [o["metadata"]["name"] for o in synth(chart) if o["kind"] == "Service"] == ["station"]


def test_load_balancer_exposes_only_chosen_authenticated_ports(chart: Chart) -> None:
    station = StationDeployment(
        chart,
        "station",
        auth=OAUTH,
        api=ApiListener.off(),
        external_service=ExternalService.load_balancer(source_ranges=["203.0.113.0/24"]),
    )
    svc = find(synth(chart), "Service", "station-external")
    assert svc["spec"]["type"] == "LoadBalancer"
    assert [p["port"] for p in svc["spec"]["ports"]] == [8587]
    assert svc["spec"]["loadBalancerSourceRanges"] == ["203.0.113.0/24"]
    assert svc["spec"]["selector"] == {"app": "station"}
    assert station.external_service_name == "station-external"


def test_node_port_with_fixed_ports(chart: Chart) -> None:
    StationDeployment(
        chart,
        "station",
        auth=StationAuth.cloudship_oauth(
            client_id="station-test", accept_any_cloudship_account=True
        ),
        external_service=ExternalService.node_port(
            ports=[StationPort.AGENT_MCP], node_ports={StationPort.AGENT_MCP: 30587}
        ),
    )
    svc = find(synth(chart), "Service", "station-external")
    assert svc["spec"]["type"] == "NodePort"
    assert svc["spec"]["ports"] == [
        {
            "name": "dynamic-mcp",
            "nodePort": 30587,
            "port": 8587,
            "protocol": "TCP",
            "targetPort": 8587,
        }
    ]


def test_local_mode_exposure_when_explicitly_accepted(chart: Chart) -> None:
    StationDeployment(
        chart,
        "station",
        external_service=ExternalService.node_port(),
        allow_unauthenticated_exposure=True,
    )
    assert find(synth(chart), "Service", "station-external")["spec"]["type"] == "NodePort"


def test_oauth_station_may_expose_the_agent_mcp_and_records_the_exposure(chart: Chart) -> None:
    station = StationDeployment(
        chart,
        "station",
        auth=StationAuth.cloudship_oauth(
            client_id="station-test", accept_any_cloudship_account=True
        ),
        external_service=ExternalService.load_balancer(ports=[StationPort.AGENT_MCP]),
    )
    assert [e.port for e in station.exposures] == ["dynamic-mcp"]
    text = next_steps(station)
    assert "8587 `/mcp`: any CloudShip account, Bearer <any active CloudShip OAuth token>" in text
    assert "the LoadBalancer Service 'station-external' (port 8587" in text


@pytest.mark.parametrize(
    "accepted",
    [
        {"auth": StationAuth.cloudship_oauth("c", accept_any_cloudship_account=True), "ranges": []},
        {"auth": OAUTH, "ranges": ["203.0.113.0/24"]},
    ],
)
def test_the_agent_mcp_with_oauth_and_an_acknowledgement_or_ranges(
    chart: Chart, accepted: dict[str, Any]
) -> None:
    s = station(
        chart,
        auth=accepted["auth"],
        external_service=ExternalService.load_balancer(
            ports=[StationPort.AGENT_MCP], source_ranges=accepted["ranges"]
        ),
    )
    assert s.external_service_options.ports == (StationPort.AGENT_MCP,)  # type: ignore[union-attr]


# ---------------------------------------------------------------- what is refused


def test_fails_on_external_exposure_in_local_mode(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(
            chart, "station", external_service=ExternalService.load_balancer()
        ),
        field="external_service",
        problem="local mode",
        fix="allow_unauthenticated_exposure=True",
        where=STATION,
    )


@pytest.mark.parametrize(
    ("service", "kind"),
    [(ExternalService.load_balancer, "LoadBalancer"), (ExternalService.node_port, "NodePort")],
)
def test_fails_on_exposing_open_agent_mcp_with_local_mode_off(
    chart: Chart, service: Any, kind: str
) -> None:
    assert_refused(
        lambda: StationDeployment(
            chart,
            "station",
            auth=StationAuth.webhook_key(),
            api=ApiListener.off(),
            external_service=service(ports=[StationPort.AGENT_MCP]),
        ),
        field="external_service.ports",
        value=StationPort.AGENT_MCP,
        problem=[
            f"the {kind} Service 'station-external'",
            "8587 `/mcp`",
            "the MCP tool handlers never look at the caller (local mode is off)",
            "Station v0.25.0: 'the agent MCP is open in every mode unless CloudShip OAuth",
            "(docs/station-facts.md)",
        ],
        fix=[
            "(1) authenticate at the edge",
            "(2) make Station authenticate it: pass auth=StationAuth.cloudship_oauth(",
            "allow_unauthenticated_exposure=True",
        ],
        where=STATION,
    )


def test_fails_on_exposing_open_webhooks_even_with_oauth_off_and_key_on(chart: Chart) -> None:
    # The key protects the webhook paths, but /mcp on the same port stays open.
    assert_refused(
        lambda: StationDeployment(
            chart,
            "station",
            auth=StationAuth.webhook_key(),
            api=ApiListener.off(),
            external_service=ExternalService.load_balancer(),
        ),
        field="external_service",
        problem="8587 `/mcp`",
        where=STATION,
    )


def test_fails_on_exposing_an_api_that_rejects_everyone(chart: Chart) -> None:
    with pytest.warns(StationAccessWarning):
        assert_refused(
            lambda: StationDeployment(
                chart,
                "station",
                auth=StationAuth.webhook_key(),
                external_service=ExternalService.load_balancer(ports=[StationPort.API]),
                allow_unauthenticated_exposure=True,  # no escape: it can only be a mistake
            ),
            field="external_service.ports",
            value=StationPort.API,
            problem=["rejects every request to it", "no code path creates one"],
            fix="kubectl port-forward",
            where=STATION,
        )


def test_exposing_the_agent_mcp_with_oauth_alone_needs_an_acknowledgement(chart: Chart) -> None:
    text = str(
        assert_refused(
            lambda: station(
                chart,
                auth=OAUTH,
                external_service=ExternalService.load_balancer(ports=[StationPort.AGENT_MCP]),
            ),
            field="external_service.ports",
            problem="not only your organisation's",
            fix="accept_any_cloudship_account=True",
            where=STATION,
        )
    )
    assert "allow_unauthenticated_exposure" not in text


@pytest.mark.parametrize(
    ("auth", "service", "field"),
    [
        # The default ports (the API among them), CloudShip OAuth for this organisation only.
        (OAUTH, ExternalService.load_balancer(), "external_service"),
        # The API alone, any account accepted, behind source ranges: still refused.
        (
            ANY_ACCOUNT,
            ExternalService.load_balancer(
                ports=[StationPort.API], source_ranges=["203.0.113.0/24"]
            ),
            "external_service.ports",
        ),
    ],
)
def test_cloudship_oauth_alone_never_makes_the_api_exposable(
    chart: Chart, auth: StationAuth, service: ExternalService, field: str
) -> None:
    """Its callers would be admins: no account scope or source range makes that acceptable."""
    assert_refused(
        lambda: StationDeployment(chart, "station", auth=auth, external_service=service),
        field=field,
        problem=[
            "the LoadBalancer Service 'station-external' (port 8585",
            "any active CloudShip account's token passes, as an admin",
            "arbitrary commands",
        ],
        fix=["StationIngress(edge_auth=...)", "kubectl port-forward"],
        where=STATION,
    )


def test_fails_on_exposing_management_mcp(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(
            chart,
            "station",
            auth=OAUTH,
            external_service=ExternalService.load_balancer(ports=[StationPort.MCP]),
        ),
        field="external_service.ports",
        problem="no authentication",
        where=STATION,
    )


@pytest.mark.parametrize("service", [ExternalService.load_balancer, ExternalService.node_port])
def test_fails_on_exposing_the_api_while_it_is_off(chart: Chart, service: Any) -> None:
    """A real conflict between two union values, whichever kind of Service."""
    assert_refused(
        lambda: StationDeployment(
            chart,
            "station",
            auth=OAUTH,
            api=ApiListener.off(),
            external_service=service(ports=[StationPort.API]),
        ),
        field="external_service.ports",
        value=StationPort.API,
        problem="is not served",
        fix="api=ApiListener.on()",
        where=STATION,
    )


# ---------------------------------------------------------------- node ports


@pytest.mark.parametrize("number", [80, 32768, 29999, True, "30001"])
def test_fails_on_node_port_out_of_range(number: object) -> None:
    assert_refused(
        lambda: ExternalService.node_port(
            ports=[StationPort.AGENT_MCP],
            node_ports={StationPort.AGENT_MCP: number},  # type: ignore[dict-item]
        ),
        field="node_ports[StationPort.AGENT_MCP]",
        value=number,
        problem="30000-32767",
    )


def test_fails_on_a_node_port_for_a_port_not_exposed() -> None:
    assert_refused(
        lambda: ExternalService.node_port(
            ports=[StationPort.AGENT_MCP], node_ports={StationPort.API: 30001}
        ),
        field="node_ports[StationPort.API]",
        fix="add it to ports",
    )


def test_fails_on_a_node_port_used_twice() -> None:
    assert_refused(
        lambda: ExternalService.node_port(
            node_ports={StationPort.API: 30001, StationPort.AGENT_MCP: 30001}
        ),
        field="node_ports",
        problem="twice",
    )
