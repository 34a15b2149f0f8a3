"""What StationIngress and StationGatewayRoute share: the routing rules and the exposure guards.

Both routes follow one set of rules (``station_constructs._routing`` and ``access``); each
spec here runs against both, built by each route's own builder (``tests/test_ingress.py``
``ingress``, ``tests/test_gateway.py`` ``route``: single sign-on at the edge where the
controller or implementation has one) for a Station with CloudShip OAuth (``builders.authed``).
What only one of them does stays in its own file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from cdk8s import Chart

from station_constructs import (
    ApiListener,
    EdgeAuth,
    GatewayImplementation,
    IngressRoute,
    StationDeployment,
    StationPort,
)
from tests import test_gateway, test_ingress
from tests.conftest import synth
from tests.support.builders import OAUTH, authed
from tests.support.edge import GATEWAY_SSO, NGINX_SSO, TRAEFIK_SSO
from tests.support.refusals import assert_refused

HOST = "station.example.com"
EG = GatewayImplementation.ENVOY_GATEWAY


@dataclass(frozen=True)
class Route:
    """One of the two routes: how to build it, and what it rendered."""

    kind: str  # the object's kind, as the messages name it
    build: Callable[..., Any]  # (chart, station=None, **kwargs) -> the construct
    secured: Callable[..., StationDeployment]  # (chart, **station kwargs) -> a Station

    def paths(self, chart: Chart) -> list[tuple[str, int]]:
        """(path, Service port) of every rendered rule, in output order."""
        found = []
        for obj in synth(chart):
            if obj["kind"] == "Ingress":
                for rule in obj["spec"]["rules"]:
                    for p in rule["http"]["paths"]:
                        found.append((p["path"], p["backend"]["service"]["port"]["number"]))
            elif obj["kind"] == "HTTPRoute":
                for rule in obj["spec"]["rules"]:
                    port = rule["backendRefs"][0]["port"]
                    found.append((rule["matches"][0]["path"]["value"], port))
        return found


ROUTES = [
    Route("Ingress", test_ingress.ingress, authed),
    Route("HTTPRoute", test_gateway.route, authed),
]
MANAGEMENT = [IngressRoute(StationPort.MCP, "/mcp", host="manage.example.com")]
AGENT = [IngressRoute(StationPort.AGENT_MCP, "/mcp")]


@pytest.fixture(params=ROUTES, ids=[r.kind for r in ROUTES])
def route(request: pytest.FixtureRequest) -> Route:
    """Each route in turn."""
    return request.param  # type: ignore[no-any-return]


# ---------------------------------------------------------------- routing
def test_without_the_api_the_agent_server_gets_the_whole_host(chart: Chart, route: Route) -> None:
    route.build(chart, route.secured(chart, api=ApiListener.off()))
    assert route.paths(chart) == [("/", 8587)]


def test_the_url_of_an_unrouted_endpoint_is_an_error(chart: Chart, route: Route) -> None:
    built = route.build(chart, routes=[IngressRoute(StationPort.API, "/")])
    assert built.url(StationPort.API) == f"https://{HOST}/"
    assert_refused(built.url, field="which", value=StationPort.AGENT_MCP, problem="not routed")


def test_a_port_the_station_does_not_serve_is_refused(chart: Chart, route: Route) -> None:
    station = route.secured(chart, api=ApiListener.off())
    assert_refused(
        lambda: route.build(chart, station, routes=[IngressRoute(StationPort.API, "/")]),
        field="routes[0].port",
        value=StationPort.API,
        problem="does not serve it",
        fix="serve the API",
    )


# ---------------------------------------------------------------- who can call what
def test_a_local_mode_station_is_refused_without_edge_auth(chart: Chart, route: Route) -> None:
    station = StationDeployment(chart, "station")
    error = assert_refused(
        lambda: route.build(chart, station, edge_auth=None),
        field="routes",
        value="/",
        problem=f"{route.kind} 'station' (https://{HOST}/) exposes 8585 `/api/v1/*`",
    )
    for fragment in (
        "local mode is on",
        "Station v0.25.0: 'in local mode /api/v1 serves everyone as user 1 (admin)",
        "(docs/station-facts.md)",
    ):
        assert fragment in error.problem
    assert "edge_auth=" in error.fix
    assert "allow_unauthenticated_exposure=True" in error.fix
    # Station cannot authenticate its API for everyone it serves (its CloudShip OAuth
    # callers are admins): the fix names edge auth, never a Station-side fix of None.
    assert "None" not in error.fix


def test_the_api_with_cloudship_oauth_alone_is_refused(chart: Chart, route: Route) -> None:
    station = route.secured(chart)
    error = assert_refused(
        lambda: route.build(chart, station, edge_auth=None),
        field="routes",
        value="/",
        problem="with only CloudShip OAuth in front",
        fix="kubectl port-forward",
    )
    assert "any active CloudShip account's token passes, as an admin" in error.problem
    assert "edge_auth=" in error.fix
    # Accepting any CloudShip account (as secured() does) is never enough for the API.
    assert "accept_any_cloudship_account" not in str(error)


def test_the_agent_mcp_with_cloudship_oauth_alone_needs_an_acknowledgement(
    chart: Chart, new_chart: Callable[[], Chart], route: Route
) -> None:
    own_only = OAUTH
    station = route.secured(chart, auth=own_only)
    assert_refused(
        lambda: route.build(chart, station, routes=AGENT, edge_auth=None),
        field="routes[0].path",
        value="/mcp",
        problem="not only your organisation's",
        fix="accept_any_cloudship_account=True",
    )
    accepted = new_chart()  # any CloudShip account accepted, as secured() does
    route.build(accepted, route.secured(accepted), routes=AGENT, edge_auth=None)
    behind_the_edge = new_chart()
    route.build(behind_the_edge, route.secured(behind_the_edge, auth=own_only), routes=AGENT)
    for app in (accepted, behind_the_edge):
        assert route.paths(app) == [("/mcp", 8587)]


def test_the_management_mcp_is_refused(chart: Chart, route: Route) -> None:
    station = route.secured(chart)
    assert_refused(
        lambda: route.build(chart, station, routes=MANAGEMENT),
        field="routes[0].path",
        value="/mcp",
        problem="8586 management MCP",
        fix="allow_unauthenticated_exposure=True",
    )


def test_the_management_mcp_behind_the_network_policy_is_refused(
    chart: Chart, route: Route
) -> None:
    station = route.secured(chart)
    assert_refused(
        lambda: route.build(chart, station, routes=MANAGEMENT, allow_unauthenticated_exposure=True),
        field="routes",
        problem="would time out",
        fix="network_policy=None",
    )


def test_the_management_mcp_cannot_share_the_agent_mcp_path(chart: Chart, route: Route) -> None:
    station = route.secured(chart)
    both = [IngressRoute(StationPort.AGENT_MCP, "/mcp"), IngressRoute(StationPort.MCP, "/mcp")]
    assert_refused(
        lambda: route.build(chart, station, routes=both, allow_unauthenticated_exposure=True),
        field="routes[1].path",
        value="/mcp",
        fix="host='manage.station.example.com'",
    )


def test_a_bad_edge_auth_value_is_refused(chart: Chart, route: Route) -> None:
    station = route.secured(chart)
    assert_refused(
        lambda: route.build(chart, station, edge_auth="oauth2-proxy"),
        field="edge_auth",
        problem="must be",
    )


def test_refusals_are_station_config_errors_naming_the_construct(
    chart: Chart, route: Route
) -> None:
    station = route.secured(chart)
    construct = (
        "StationIngress 'test/ingress'"
        if route.kind == "Ingress"
        else "StationGatewayRoute 'test/route'"
    )
    assert_refused(
        lambda: route.build(chart, station, routes=MANAGEMENT),
        field="routes[0].path",
        value="/mcp",
        problem=f"{route.kind} 'station' (https://manage.example.com/mcp) exposes 8586",
        where=construct,
    )


# ---------------------------------------------------------------- edge authentication
EDGE_CASES: list[tuple[str, EdgeAuth, str | None, tuple[str, object] | None]] = [
    # (route, edge auth, refused problem or None, what the rendered object carries)
    ("Ingress", NGINX_SSO, None, ("annotation", "nginx.ingress.kubernetes.io/auth-url")),
    ("Ingress", TRAEFIK_SSO, "written for nginx", None),
    ("Ingress", GATEWAY_SSO[EG], "an Ingress controller would not apply it", None),
    ("HTTPRoute", GATEWAY_SSO[EG], None, ("filters", [])),
    ("HTTPRoute", GATEWAY_SSO[GatewayImplementation.ISTIO], "with a SecurityPolicy", None),
    ("HTTPRoute", TRAEFIK_SSO, "not something a envoy_gateway Gateway applies", None),
    ("HTTPRoute", NGINX_SSO, "not something a envoy_gateway Gateway applies", None),
]


@pytest.mark.parametrize(
    ("kind", "edge", "refused", "carries"),
    EDGE_CASES,
    ids=[f"{k}-{type(e).__name__}-{'refused' if r else 'applied'}" for k, e, r, _ in EDGE_CASES],
)
def test_each_edge_auth_provider_is_applied_by_its_own_edge_only(
    chart: Chart, kind: str, edge: EdgeAuth, refused: str | None, carries: Any
) -> None:
    """On the default edge of each route (ingress-nginx; Envoy Gateway)."""
    route = next(r for r in ROUTES if r.kind == kind)
    station = route.secured(chart)
    if refused is not None:
        assert_refused(
            lambda: route.build(chart, station, edge_auth=edge), field="edge_auth", problem=refused
        )
        return
    built = route.build(chart, station, edge_auth=edge)
    assert built.edge_auth is edge
    obj = next(o for o in synth(chart) if o["kind"] == kind)
    what, expected = carries
    if what == "annotation":
        assert expected in obj["metadata"]["annotations"]
    else:
        assert all(rule.get("filters", []) == expected for rule in obj["spec"]["rules"])
