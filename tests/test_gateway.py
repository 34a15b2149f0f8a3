"""StationGatewayRoute and StationGateway: behaviour and guards.

Every rendered Gateway and HTTPRoute is validated against the Gateway API v1.6.1 CRDs in
crds/ (strict: unknown fields, patterns, CEL rules). Each "fails ..." test asserts the
construct path, the field, the value and the fix.
"""

from __future__ import annotations

from typing import Any

import pytest
from cdk8s import Chart

from station_constructs import (
    ApiListener,
    ClusterProfile,
    EdgeAuth,
    GatewayImplementation,
    GatewayRef,
    IngressRoute,
    IngressTls,
    PathType,
    StationConfigError,
    StationDeployment,
    StationGateway,
    StationGatewayRoute,
    StationPort,
    TlsIssuerKind,
)
from tests.conftest import Manifest, find, synth
from tests.support.builders import ANY_ACCOUNT, OAUTH
from tests.support.crd_schema import validate_custom_object

HOST = "station.example.com"
CERT = IngressTls.cert_manager("letsencrypt-prod")
EG = GatewayImplementation.ENVOY_GATEWAY
SHARED = GatewayRef("shared", namespace="gateway", section_name="https", implementation=EG)
# Any CloudShip account's token passes the agent MCP: accepted, so it may be routed.
# The API's CloudShip OAuth callers are admins: routes to it need edge authentication, the
# way each implementation attaches it (none is known for Cilium and OTHER).
SSO = {
    GatewayImplementation.ENVOY_GATEWAY: EdgeAuth.gateway_policy(
        "SecurityPolicy", "station-sso", policy_applied_first=True
    ),
    GatewayImplementation.ISTIO: EdgeAuth.gateway_policy(
        "AuthorizationPolicy", "station-sso", policy_applied_first=True
    ),
    GatewayImplementation.TRAEFIK: EdgeAuth.traefik_middleware("station-forward-auth"),
}
EG_SSO = SSO[EG]


def secured(chart: Chart, **kwargs: Any) -> StationDeployment:
    """A Station that authenticates what it can itself: CloudShip OAuth, any account accepted
    (GIVEN). Its API's OAuth callers are admins, so :func:`route` adds edge auth."""
    kwargs.setdefault("auth", ANY_ACCOUNT)
    return StationDeployment(chart, "station", **kwargs)


def edge_for(gateway: object) -> EdgeAuth | None:
    """The edge auth the implementation serving ``gateway`` attaches to a route, if any."""
    implementation = getattr(gateway, "implementation", None)
    return SSO.get(implementation)  # type: ignore[arg-type]


def route(
    chart: Chart, station: StationDeployment | None = None, **kwargs: Any
) -> StationGatewayRoute:
    """A route with single sign-on at the Gateway where known (``edge_auth=None`` for none)."""
    kwargs.setdefault("host", HOST)
    kwargs.setdefault("gateway", SHARED)
    kwargs.setdefault("edge_auth", edge_for(kwargs["gateway"]))
    return StationGatewayRoute(
        chart, "route", station=station if station is not None else secured(chart), **kwargs
    )


def gateway(chart: Chart, **kwargs: Any) -> StationGateway:
    kwargs.setdefault("implementation", EG)
    kwargs.setdefault("hostname", HOST)
    kwargs.setdefault("tls", CERT)
    return StationGateway(chart, "gateway", **kwargs)


def valid(objects: list[Manifest], kind: str, name: str) -> Manifest:
    """The object, after asserting it is valid against its CRD."""
    obj = find(objects, kind, name)
    assert validate_custom_object(obj) == []
    return obj


def rules(obj: Manifest) -> list[tuple[str, str, str, int, Any]]:
    """(path type, path, service, port, timeouts) of every rule."""
    return [
        (
            r["matches"][0]["path"]["type"],
            r["matches"][0]["path"]["value"],
            r["backendRefs"][0]["name"],
            r["backendRefs"][0]["port"],
            r.get("timeouts"),
        )
        for r in obj["spec"]["rules"]
    ]


def admitted(objects: list[Manifest]) -> list[tuple[str, list[int]]]:
    """(namespace, ports) of every namespace rule of the Station's NetworkPolicy."""
    policy = find(objects, "NetworkPolicy", "station")
    return [
        (
            rule["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
            [p["port"] for p in rule["ports"]],
        )
        for rule in policy["spec"]["ingress"]
        if "namespaceSelector" in rule["from"][0]
    ]


def fails(
    chart: Chart,
    *fragments: str,
    station: StationDeployment | None = None,
    **kwargs: Any,
) -> StationConfigError:
    with pytest.raises(StationConfigError) as info:
        route(chart, station, **kwargs)
    return _check(info.value, "StationGatewayRoute 'test/route': ", fragments)


def gateway_fails(chart: Chart, *fragments: str, **kwargs: Any) -> StationConfigError:
    with pytest.raises(StationConfigError) as info:
        gateway(chart, **kwargs)
    return _check(info.value, "StationGateway 'test/gateway': ", fragments)


def _check(
    error: StationConfigError, prefix: str, fragments: tuple[str, ...]
) -> StationConfigError:
    message = str(error)
    assert message.startswith(prefix), message
    assert "Fix: " in message, message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return error


OPEN = {"request": "0s", "backendRequest": "0s"}


# ---------------------------------------------------------------- behaviour
def test_existing_gateway_gets_the_ingress_routes_with_streams_kept_open(chart: Chart) -> None:
    r = route(chart)
    objects = synth(chart)
    obj = valid(objects, "HTTPRoute", "station")
    assert obj["metadata"]["namespace"] == "station"
    assert obj["spec"]["parentRefs"] == [
        {
            "group": "gateway.networking.k8s.io",
            "kind": "Gateway",
            "name": "shared",
            "namespace": "gateway",
            "sectionName": "https",
        }
    ]
    assert obj["spec"]["hostnames"] == [HOST]
    assert rules(obj) == [
        ("PathPrefix", "/", "station", 8585, OPEN),
        ("PathPrefix", "/mcp", "station", 8587, OPEN),
    ]
    assert admitted(objects) == [("envoy-gateway-system", [8585, 8587])]
    assert r.url() == f"https://{HOST}/mcp"
    assert r.url(StationPort.API) == f"https://{HOST}/"
    assert [o["kind"] for o in objects].count("Gateway") == 0


def test_without_api_the_agent_server_gets_the_whole_host(chart: Chart) -> None:
    route(chart, secured(chart, api=ApiListener.off()))
    obj = valid(synth(chart), "HTTPRoute", "station")
    assert rules(obj) == [("PathPrefix", "/", "station", 8587, OPEN)]


def test_gateway_ref_defaults_to_the_station_namespace_and_takes_a_port(chart: Chart) -> None:
    route(
        chart,
        # No edge auth is known for Cilium: the agent MCP alone, which Station authenticates.
        secured(chart, api=ApiListener.off()),
        gateway=GatewayRef("gw", port=8443, implementation=GatewayImplementation.CILIUM),
        admit_data_plane=False,
    )
    objects = synth(chart)
    parent = valid(objects, "HTTPRoute", "station")["spec"]["parentRefs"][0]
    assert (parent["namespace"], parent["port"], "sectionName" in parent) == (
        "station",
        8443,
        False,
    )
    assert admitted(objects) == []


def test_each_host_gets_its_own_route_and_explicit_paths_keep_their_type(chart: Chart) -> None:
    r = route(
        chart,
        routes=[
            IngressRoute(StationPort.API, "/"),
            IngressRoute(StationPort.AGENT_MCP, "/", host="mcp.example.com"),
            IngressRoute(StationPort.AGENT_MCP, "/health", PathType.EXACT),
        ],
    )
    objects = synth(chart)
    main = valid(objects, "HTTPRoute", "station")
    agent = valid(objects, "HTTPRoute", "station-mcp")
    assert rules(main) == [
        ("PathPrefix", "/", "station", 8585, OPEN),
        ("Exact", "/health", "station", 8587, OPEN),
    ]
    assert agent["spec"]["hostnames"] == ["mcp.example.com"]
    assert rules(agent) == [("PathPrefix", "/", "station", 8587, OPEN)]
    assert r.route_names == {HOST: "station", "mcp.example.com": "station-mcp"}
    assert r.url() == "https://mcp.example.com/mcp"


def test_hosts_with_one_first_label_get_distinct_routes(chart: Chart) -> None:
    r = route(
        chart,
        routes=[
            IngressRoute(StationPort.AGENT_MCP, "/", host="mcp.a.example.com"),
            IngressRoute(StationPort.AGENT_MCP, "/", host="mcp.b.example.com"),
        ],
    )
    assert list(r.route_names.values()) == ["station-mcp", "station-mcp-1"]
    objects = synth(chart)
    valid(objects, "HTTPRoute", "station-mcp")
    valid(objects, "HTTPRoute", "station-mcp-1")


@pytest.mark.parametrize(
    ("implementation", "timeouts"),
    [
        (GatewayImplementation.ENVOY_GATEWAY, OPEN),
        (GatewayImplementation.ISTIO, OPEN),
        (GatewayImplementation.CILIUM, OPEN),
        (GatewayImplementation.TRAEFIK, None),
        (GatewayImplementation.OTHER, None),
    ],
)
def test_stream_timeouts_follow_what_the_implementation_supports(
    chart: Chart, implementation: GatewayImplementation, timeouts: Any
) -> None:
    # Agent routes only: Station authenticates them on every implementation (routes to the
    # API would need edge auth, which Cilium and OTHER have none of).
    route(
        chart,
        secured(chart, network_policy=None),
        gateway=GatewayRef("gw", implementation=implementation),
        routes=[
            IngressRoute(StationPort.AGENT_MCP, "/mcp"),
            IngressRoute(StationPort.AGENT_MCP, "/execute", PathType.EXACT),
        ],
    )
    obj = valid(synth(chart), "HTTPRoute", "station")
    assert [r[4] for r in rules(obj)] == [timeouts, timeouts]


@pytest.mark.parametrize(("given", "rendered"), [("1h", "1h"), (5400, "1h30m"), (0, "0s")])
def test_an_explicit_stream_timeout_is_rendered_for_any_implementation(
    chart: Chart, given: str | int, rendered: str
) -> None:
    route(
        chart,
        secured(chart, network_policy=None, api=ApiListener.off()),
        gateway=GatewayRef("gw", implementation=GatewayImplementation.TRAEFIK),
        stream_timeout=given,
    )
    obj = valid(synth(chart), "HTTPRoute", "station")
    assert rules(obj)[0][4] == {"request": rendered, "backendRequest": rendered}


@pytest.mark.parametrize(
    ("implementation", "profile", "namespace"),
    [
        (GatewayImplementation.ENVOY_GATEWAY, ClusterProfile.GENERIC, "envoy-gateway-system"),
        (GatewayImplementation.ISTIO, ClusterProfile.GENERIC, "gateway"),
        (GatewayImplementation.TRAEFIK, ClusterProfile.K3S, "kube-system"),
    ],
)
def test_the_data_plane_namespace_is_admitted_on_the_routed_ports(
    chart: Chart,
    implementation: GatewayImplementation,
    profile: ClusterProfile,
    namespace: str,
) -> None:
    r = route(
        chart,
        secured(chart, profile=profile),
        gateway=GatewayRef("shared", namespace="gateway", implementation=implementation),
    )
    assert admitted(synth(chart)) == [(namespace, [8585, 8587])]
    assert r.data_plane_namespace == namespace


def test_a_named_data_plane_namespace_and_only_the_routed_port(chart: Chart) -> None:
    route(
        chart,
        gateway=GatewayRef("gw", implementation=GatewayImplementation.OTHER),
        data_plane_namespace="nginx-gateway",
        routes=[IngressRoute(StationPort.AGENT_MCP, "/mcp")],
    )
    assert admitted(synth(chart)) == [("nginx-gateway", [8587])]


def test_local_mode_and_the_management_mcp_when_explicitly_accepted(chart: Chart) -> None:
    station = StationDeployment(chart, "station", network_policy=None)
    route(
        chart,
        station,
        routes=[
            IngressRoute(StationPort.AGENT_MCP, "/mcp"),
            IngressRoute(StationPort.MCP, "/mcp", host="manage.example.com"),
        ],
        edge_auth=None,
        allow_unauthenticated_exposure=True,
    )
    obj = valid(synth(chart), "HTTPRoute", "station-manage")
    assert rules(obj) == [("PathPrefix", "/mcp", "station", 8586, OPEN)]


def test_the_stations_own_gateway_with_cert_manager(chart: Chart) -> None:
    station = secured(chart)
    gw = gateway(chart, station=station)
    r = route(chart, station, gateway=gw)
    objects = synth(chart)
    obj = valid(objects, "Gateway", "station")
    assert obj["metadata"]["namespace"] == "station"
    assert obj["metadata"]["annotations"] == {"cert-manager.io/cluster-issuer": "letsencrypt-prod"}
    assert obj["spec"]["gatewayClassName"] == "eg"
    assert obj["spec"]["listeners"] == [
        {
            "allowedRoutes": {
                "kinds": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}],
                "namespaces": {"from": "Same"},
            },
            "hostname": HOST,
            "name": "https",
            "port": 443,
            "protocol": "HTTPS",
            "tls": {
                "certificateRefs": [{"group": "", "kind": "Secret", "name": "station-tls"}],
                "mode": "Terminate",
            },
        }
    ]
    parent = valid(objects, "HTTPRoute", "station")["spec"]["parentRefs"][0]
    assert (parent["name"], parent["namespace"], parent["sectionName"]) == (
        "station",
        "station",
        "https",
    )
    assert r.gateway is gw
    assert gw.ref == GatewayRef("station", "station", "https", None, EG)


@pytest.mark.parametrize(
    ("implementation", "cls"),
    [
        (GatewayImplementation.ENVOY_GATEWAY, "eg"),
        (GatewayImplementation.ISTIO, "istio"),
        (GatewayImplementation.TRAEFIK, "traefik"),
        (GatewayImplementation.CILIUM, "cilium"),
    ],
)
def test_each_implementation_has_its_usual_class(
    chart: Chart, implementation: GatewayImplementation, cls: str
) -> None:
    gateway(chart, namespace="gateway", implementation=implementation)
    assert valid(synth(chart), "Gateway", "station")["spec"]["gatewayClassName"] == cls


def test_plain_http_gateway_with_a_namespaced_issuer_free_listener(chart: Chart) -> None:
    station = secured(chart)
    gw = gateway(chart, station=station, tls=None, name="plain")
    r = route(chart, station, gateway=gw)
    listener = valid(synth(chart), "Gateway", "plain")["spec"]["listeners"][0]
    assert (listener["name"], listener["port"], listener["protocol"]) == ("http", 80, "HTTP")
    assert "tls" not in listener
    assert r.url() == f"http://{HOST}/mcp"


def test_existing_secret_namespaced_issuer_and_another_port(chart: Chart) -> None:
    gateway(chart, namespace="gateway", tls=IngressTls.existing_secret("wildcard-tls"))
    gateway_two = StationGateway(
        chart,
        "gateway-two",
        implementation=GatewayImplementation.ISTIO,
        namespace="gateway",
        name="two",
        hostname="two.example.com",
        tls=IngressTls.cert_manager("ca", kind=TlsIssuerKind.ISSUER),
        port=8443,
    )
    two_route = StationGatewayRoute(
        chart,
        "two-route",
        station=StationDeployment(chart, "s2", name="s2", namespace="gateway", auth=ANY_ACCOUNT),
        gateway=gateway_two,
        host="two.example.com",
        edge_auth=SSO[GatewayImplementation.ISTIO],
    )
    objects = synth(chart)
    one = valid(objects, "Gateway", "station")
    assert "annotations" not in one["metadata"]
    assert one["spec"]["listeners"][0]["tls"]["certificateRefs"][0]["name"] == "wildcard-tls"
    assert two_route.url() == "https://two.example.com:8443/mcp"
    two = valid(objects, "Gateway", "two")
    assert two["metadata"]["annotations"] == {"cert-manager.io/issuer": "ca"}
    assert two["spec"]["listeners"][0]["port"] == 8443
    assert gateway_two.tls_secret_name == "two-tls"


def test_a_shared_gateway_admits_labelled_namespaces(chart: Chart) -> None:
    gw = gateway(
        chart,
        namespace="gateway",
        name="shared",
        hostname="*.stations.example.com",
        route_namespace_labels={"example.com/gateway": "shared"},
    )
    station = secured(chart, labels={"example.com/gateway": "shared"})
    route(chart, station, gateway=gw, host="a.stations.example.com")
    objects = synth(chart)
    listener = valid(objects, "Gateway", "shared")["spec"]["listeners"][0]
    assert listener["allowedRoutes"]["namespaces"] == {
        "from": "Selector",
        "selector": {"matchLabels": {"example.com/gateway": "shared"}},
    }
    namespace = find(objects, "Namespace", "station")
    assert namespace["metadata"]["labels"]["example.com/gateway"] == "shared"
    assert valid(objects, "HTTPRoute", "station")["spec"]["parentRefs"][0]["namespace"] == "gateway"


def test_renaming_the_construct_ids_changes_nothing(new_chart) -> None:  # type: ignore[no-untyped-def]
    outputs = []
    for suffix in ("", "-renamed"):
        chart = new_chart()
        station = StationDeployment(chart, f"station{suffix}", auth=ANY_ACCOUNT)
        gw = StationGateway(
            chart, f"gw{suffix}", station=station, implementation=EG, hostname=HOST, tls=CERT
        )
        StationGatewayRoute(
            chart, f"route{suffix}", station=station, gateway=gw, host=HOST, edge_auth=EG_SSO
        )
        outputs.append(synth(chart))
    assert outputs[0] == outputs[1]


# ---------------------------------------------------------------- guards
def test_fails_on_exposing_a_local_mode_station(chart: Chart) -> None:
    error = fails(
        chart,
        "routes='/'",
        "HTTPRoute 'station' (https://station.example.com/) exposes 8585 `/api/v1/*`",
        "local mode is on",
        "Station v0.25.0: 'in local mode /api/v1 serves everyone as user 1 (admin)",
        "(docs/station-facts.md)",
        "edge_auth=",
        "allow_unauthenticated_exposure=True",
        station=StationDeployment(chart, "station"),
        edge_auth=None,
    )
    assert error.field == "routes"
    # Station cannot authenticate its API for everyone it serves (its CloudShip OAuth
    # callers are admins): the fix names edge auth, never a Station-side fix of None.
    assert "None" not in str(error).split("Fix: ", 1)[1], str(error)


def test_fails_on_routing_the_api_with_cloudship_oauth_alone(chart: Chart) -> None:
    error = fails(
        chart,
        "routes='/'",
        "HTTPRoute 'station' (https://station.example.com/) exposes 8585 `/api/v1/*`",
        "with only CloudShip OAuth in front",
        "any active CloudShip account's token passes, as an admin",
        "StationGatewayRoute(edge_auth=",
        "kubectl port-forward",
        edge_auth=None,
    )
    assert error.field == "routes"
    # Accepting any CloudShip account (as secured() does) is never enough for the API.
    assert "accept_any_cloudship_account" not in str(error)


def test_routing_the_agent_mcp_with_cloudship_oauth_alone_needs_an_acknowledgement(
    chart: Chart, new_chart: Any
) -> None:
    agent = [IngressRoute(StationPort.AGENT_MCP, "/mcp")]
    own_only = OAUTH
    fails(
        chart,
        "routes[0].path='/mcp'",
        "exposes 8587 `/mcp`",
        "not only your organisation's",
        "accept_any_cloudship_account=True",
        station=secured(chart, auth=own_only),
        routes=agent,
        edge_auth=None,
    )
    accepted = new_chart()
    route(accepted, secured(accepted), routes=agent, edge_auth=None)
    behind_the_edge = new_chart()
    route(behind_the_edge, secured(behind_the_edge, auth=own_only), routes=agent)
    for app in (accepted, behind_the_edge):
        obj = valid(synth(app), "HTTPRoute", "station")
        assert rules(obj) == [("PathPrefix", "/mcp", "station", 8587, OPEN)]


def test_fails_on_routing_the_management_mcp(chart: Chart) -> None:
    fails(
        chart,
        "routes[0].path='/mcp'",
        "8586 management MCP",
        "no authentication",
        "allow_unauthenticated_exposure=True",
        routes=[IngressRoute(StationPort.MCP, "/mcp", host="manage.example.com")],
    )


def test_fails_on_the_management_mcp_behind_the_network_policy(chart: Chart) -> None:
    fails(
        chart,
        "routes=<StationPort.MCP",
        "would time out",
        "network_policy=None",
        routes=[IngressRoute(StationPort.MCP, "/mcp", host="manage.example.com")],
        allow_unauthenticated_exposure=True,
    )


def test_fails_on_a_port_the_station_does_not_serve(chart: Chart) -> None:
    fails(
        chart,
        "routes[0].port=<StationPort.API",
        "does not serve it",
        "serve the API",
        station=secured(chart, api=ApiListener.off()),
        routes=[IngressRoute(StationPort.API, "/")],
    )


@pytest.mark.parametrize("path", ["/api", "/runsx"])
def test_fails_on_agent_paths_station_does_not_serve(chart: Chart, path: str) -> None:
    fails(
        chart,
        f"routes[0].path={path!r}",
        "the HTTPRoute does not rewrite paths",
        routes=[IngressRoute(StationPort.AGENT_MCP, path)],
    )


@pytest.mark.parametrize("path", ["/runs/..", "/./mcp", "/runs/../mcp"])
def test_fails_on_dot_segments(chart: Chart, path: str) -> None:
    fails(
        chart,
        f"routes[0].path={path!r}",
        "'.' or '..' segment",
        routes=[IngressRoute(StationPort.AGENT_MCP, path)],
    )


def test_fails_on_paths_that_are_not_literal(chart: Chart) -> None:
    fails(
        chart,
        "routes[0].path='/mcp//x'",
        "may contain only",
        routes=[IngressRoute(StationPort.AGENT_MCP, "/mcp//x")],
    )


def test_fails_on_the_same_path_twice(chart: Chart) -> None:
    fails(
        chart,
        "routes[1].path='/mcp'",
        "already routed",
        "host='manage.station.example.com'",
        routes=[
            IngressRoute(StationPort.AGENT_MCP, "/mcp"),
            IngressRoute(StationPort.MCP, "/mcp"),
        ],
        allow_unauthenticated_exposure=True,
    )


@pytest.mark.parametrize(
    ("host", "fragment"),
    [
        ("https://station.example.com", "bare host name"),
        ("10.0.0.1", "HTTPRoute hosts must be DNS names"),
        ("Station.example.com", "lower case"),
    ],
)
def test_fails_on_invalid_hosts(chart: Chart, host: str, fragment: str) -> None:
    fails(chart, f"host={host!r}", fragment, host=host)


def test_fails_on_non_station_and_non_gateway(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StationConfigError, match="station='str'.*StationDeployment"):
        StationGatewayRoute(chart, "route", station="station", gateway=SHARED, host=HOST)  # type: ignore[arg-type]
    fails(
        new_chart(), "gateway='str'", "StationGateway or a GatewayRef", "GatewayRef(", gateway="gw"
    )


@pytest.mark.parametrize(
    ("ref", "fragment"),
    [
        (GatewayRef("Shared Gateway"), "gateway.name='Shared Gateway'"),
        (GatewayRef("gw", namespace="Gateway"), "gateway.namespace='Gateway'"),
        (GatewayRef("gw", section_name="HTTPS"), "gateway.section_name='HTTPS'"),
        (GatewayRef("gw", port=0), "gateway.port=0"),
        (GatewayRef("gw", implementation="eg"), "gateway.implementation='eg'"),  # type: ignore[arg-type]
    ],
)
def test_fails_on_invalid_gateway_refs(chart: Chart, ref: GatewayRef, fragment: str) -> None:
    fails(chart, fragment, gateway=ref)


def test_fails_on_cilium_behind_a_network_policy(chart: Chart) -> None:
    fails(
        chart,
        "admit_data_plane=True",
        "reserved 'ingress' identity",
        "CiliumNetworkPolicy",
        "admit_data_plane=False",
        station=secured(chart, api=ApiListener.off()),  # no edge auth is known for Cilium
        gateway=GatewayRef("gw", implementation=GatewayImplementation.CILIUM),
    )


def test_fails_on_an_unknown_data_plane_namespace(chart: Chart) -> None:
    fails(
        chart,
        "data_plane_namespace=None",
        "admits only named namespaces",
        "data_plane_namespace='traefik'",
        gateway=GatewayRef("gw", implementation=GatewayImplementation.TRAEFIK),
    )


def test_fails_on_a_data_plane_namespace_that_is_not_admitted(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    fails(
        chart,
        "data_plane_namespace='x'",
        "no effect with admit_data_plane=False",
        data_plane_namespace="x",
        admit_data_plane=False,
    )
    fails(new_chart(), "data_plane_namespace='Bad'", data_plane_namespace="Bad")
    fails(new_chart(), "admit_data_plane='yes'", admit_data_plane="yes")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("500ms", "within a second"),
        ("100000h", "99999h"),
        ("forever", "must be a duration"),
        (-5, "at least 0s"),
    ],
)
def test_fails_on_bad_stream_timeouts(chart: Chart, value: Any, fragment: str) -> None:
    fails(chart, f"stream_timeout={value!r}", fragment, stream_timeout=value)


def test_fails_on_a_host_the_gateway_listener_does_not_serve(chart: Chart) -> None:
    station = secured(chart)
    gw = gateway(chart, station=station, hostname="*.stations.example.com")
    fails(
        chart,
        "host='station.other.com'",
        "does not match the Gateway's listener host name '*.stations.example.com'",
        station=station,
        gateway=gw,
        host="station.other.com",
    )


def test_fails_on_a_gateway_that_admits_only_its_own_namespace(chart: Chart) -> None:
    gw = gateway(chart, namespace="gateway", name="shared")
    fails(
        chart,
        "gateway='gateway/shared'",
        "only from its own namespace, not from 'station'",
        "route_namespace_labels=",
        gateway=gw,
    )


def test_fails_on_a_station_namespace_without_the_gateways_labels(chart: Chart) -> None:
    gw = gateway(chart, namespace="gateway", name="shared", route_namespace_labels={"gw": "shared"})
    fails(chart, "gateway='gateway/shared'", "lacks {'gw': 'shared'}", "labels=", gateway=gw)


def test_an_existing_namespace_is_not_second_guessed(chart: Chart) -> None:
    gw = gateway(chart, namespace="gateway", name="shared", route_namespace_labels={"gw": "shared"})
    route(chart, secured(chart, create_namespace=False), gateway=gw)
    valid(synth(chart), "HTTPRoute", "station")


def test_fails_on_two_routes_with_one_name(chart: Chart) -> None:
    station = secured(chart)
    route(chart, station)
    with pytest.raises(StationConfigError) as info:
        StationGatewayRoute(
            chart,
            "again",
            station=station,
            gateway=SHARED,
            host="other.example.com",
            edge_auth=EG_SSO,
        )
    assert "HTTPRoute 'station' in namespace 'station' is already rendered by 'test/route'" in str(
        info.value
    )


def test_url_of_an_unrouted_endpoint_is_an_error(chart: Chart) -> None:
    r = route(chart, routes=[IngressRoute(StationPort.API, "/")])
    with pytest.raises(StationConfigError, match="which=<StationPort.AGENT_MCP"):
        r.url()


def test_gateway_fails_without_namespace_or_station(chart: Chart) -> None:
    gateway_fails(chart, "namespace=None", "belongs to no Station", "namespace='gateway'")


def test_gateway_fails_on_other_without_class(chart: Chart) -> None:
    gateway_fails(
        chart,
        "gateway_class_name=None",
        "GatewayImplementation.OTHER",
        namespace="gateway",
        implementation=GatewayImplementation.OTHER,
    )


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"gateway_class_name": ""}, "gateway_class_name=''"),
        ({"implementation": "eg"}, "implementation='eg'"),
        ({"hostname": "10.0.0.1"}, "Gateway hosts must be DNS names"),
        ({"tls": "station-tls"}, "must be an IngressTls or None"),
        ({"tls": IngressTls()}, "names neither a cert-manager issuer"),
        ({"port": 70000}, "port=70000"),
        ({"route_namespace_labels": {"a": 1}}, "route_namespace_labels['a']=1"),
        ({"station": "station"}, "station='str'"),
    ],
)
def test_gateway_fails_on_bad_arguments(
    chart: Chart, kwargs: dict[str, Any], fragment: str
) -> None:
    kwargs.setdefault("namespace", "gateway")
    gateway_fails(chart, fragment, **kwargs)


def test_gateway_fails_on_the_stations_key_secret(chart: Chart) -> None:
    station = secured(chart)
    gateway_fails(
        chart,
        "tls.secret_name='station-secrets'",
        "Station's API keys",
        station=station,
        tls=IngressTls.cert_manager("le", secret_name="station-secrets"),
    )


def test_gateway_fails_on_two_gateways_sharing_a_name_or_a_cert_manager_secret(
    chart: Chart,
) -> None:
    gateway(chart, namespace="gateway")
    with pytest.raises(StationConfigError, match="Gateway 'station' in namespace 'gateway'"):
        StationGateway(
            chart, "again", implementation=EG, namespace="gateway", hostname=HOST, tls=CERT
        )
    with pytest.raises(StationConfigError, match="Secret 'station-tls' in namespace 'gateway'"):
        StationGateway(
            chart,
            "third",
            implementation=EG,
            namespace="gateway",
            name="third",
            hostname=HOST,
            tls=IngressTls.cert_manager("le", secret_name="station-tls"),
        )


# ---------------------------------------------------------------- CRD schema catches mistakes
@pytest.mark.parametrize(
    ("kind", "path", "value"),
    [
        ("HTTPRoute", ("rules", 0, "timeouts", "request"), "forever"),
        ("HTTPRoute", ("rules", 0, "timeouts", "requestTimeout"), "1h"),
        ("Gateway", ("listeners", 0, "protocol"), "HTTP S"),
        ("Gateway", ("listeners", 0, "hostname"), "Station.example.com"),
    ],
)
def test_the_crd_schema_rejects_broken_objects(
    chart: Chart, kind: str, path: tuple[Any, ...], value: Any
) -> None:
    station = secured(chart)
    route(chart, station, gateway=gateway(chart, station=station))
    obj = find(synth(chart), kind, "station")
    target = obj["spec"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert validate_custom_object(obj) != []


def test_the_benchmarks_tenant_app_renders_valid_routes(chart: Chart) -> None:
    from tests.support.apps import gateway_tenants_app

    gateway_tenants_app(chart, 3)
    objects = synth(chart)
    routes = [o for o in objects if o["kind"] == "HTTPRoute"]
    assert [r["spec"]["hostnames"] for r in routes] == [
        [f"tenant-00{i}.stations.example.com"] for i in range(3)
    ]
    assert all(
        validate_custom_object(o) == [] for o in [*routes, find(objects, "Gateway", "stations")]
    )
    tenant = [o for o in objects if o["metadata"].get("namespace") == "tenant-001"]
    assert admitted(tenant) == [("envoy-gateway-system", [8585, 8587])]


def test_http_is_redirected_to_https_when_asked(chart: Chart) -> None:
    station = secured(chart)
    gw = gateway(chart, station=station, redirect_http=True)
    route(chart, station, gateway=gw)
    objects = synth(chart)
    listeners = valid(objects, "Gateway", "station")["spec"]["listeners"]
    assert [(li["name"], li["port"], li["protocol"]) for li in listeners] == [
        ("https", 443, "HTTPS"),
        ("http", 80, "HTTP"),
    ]
    assert listeners[1]["allowedRoutes"]["namespaces"] == {"from": "Same"}
    redirect = valid(objects, "HTTPRoute", "station-http-redirect")
    assert redirect["spec"]["parentRefs"][0]["sectionName"] == "http"
    assert redirect["spec"]["rules"] == [
        {
            "filters": [
                {
                    "requestRedirect": {"scheme": "https", "statusCode": 301},
                    "type": "RequestRedirect",
                }
            ]
        }
    ]
    assert gw.redirect_route is not None
    app_route = valid(objects, "HTTPRoute", "station")
    assert app_route["spec"]["parentRefs"][0]["sectionName"] == "https"


def test_the_redirect_keeps_a_non_default_https_port(chart: Chart) -> None:
    gateway(chart, namespace="gateway", redirect_http=True, port=8443)
    redirect = valid(synth(chart), "HTTPRoute", "station-http-redirect")
    assert redirect["spec"]["rules"][0]["filters"][0]["requestRedirect"]["port"] == 8443


def test_gateway_fails_on_a_redirect_without_tls_or_on_port_80(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    gateway_fails(
        chart,
        "redirect_http=True",
        "no TLS listener",
        namespace="gateway",
        tls=None,
        redirect_http=True,
    )
    with pytest.raises(StationConfigError, match="port=80: is taken by the HTTP listener"):
        StationGateway(
            new_chart(),
            "gateway",
            implementation=EG,
            namespace="gateway",
            hostname=HOST,
            tls=CERT,
            port=80,
            redirect_http=True,
        )


# ---------------------------------------------------------------- across constructs and apps
def test_two_stations_cannot_take_one_host_and_path_on_one_gateway(chart: Chart) -> None:
    first = secured(chart, name="a", namespace="team-a")
    second = StationDeployment(chart, "b", name="b", namespace="team-b", auth=ANY_ACCOUNT)
    StationGatewayRoute(
        chart, "route-a", station=first, gateway=SHARED, host=HOST, edge_auth=EG_SSO
    )
    with pytest.raises(StationConfigError) as info:
        StationGatewayRoute(
            chart, "route-b", station=second, gateway=SHARED, host=HOST, edge_auth=EG_SSO
        )
    _check(
        info.value,
        "StationGatewayRoute 'test/route-b': host=",
        ("is already routed by 'test/route-a'", "Fix: give each Station its own host"),
    )
    # Another host on the same Gateway is fine.
    StationGatewayRoute(
        chart,
        "route-c",
        station=second,
        gateway=SHARED,
        host="b." + HOST,
        name="b-own",
        edge_auth=EG_SSO,
    )


def test_a_route_to_a_station_of_another_app_is_refused(chart: Chart, new_chart: Any) -> None:
    other = secured(new_chart())
    with pytest.raises(StationConfigError) as info:
        StationGatewayRoute(chart, "route", station=other, gateway=SHARED, host=HOST)
    _check(info.value, "StationGatewayRoute 'test/route': station=", ("belongs to another App",))


def test_gateway_and_route_attributes_are_read_only(chart: Chart) -> None:
    station = secured(chart)
    own = gateway(chart, station=station)
    attached = StationGatewayRoute(
        chart, "route", station=station, gateway=own, host=HOST, edge_auth=EG_SSO
    )
    for construct, attribute in ((own, "hostname"), (attached, "host")):
        with pytest.raises(StationConfigError, match="is read-only after construction"):
            setattr(construct, attribute, "other.example.com")


def test_a_gateway_certificate_cannot_be_the_stations_key_secret(chart: Chart) -> None:
    station = secured(chart)
    with pytest.raises(StationConfigError) as info:
        gateway(chart, station=station, tls=IngressTls.existing_secret("station-secrets"))
    message = str(info.value)
    assert "tls.secret_name='station-secrets'" in message or "station-secrets" in message
    assert "Fix: " in message


def test_an_empty_id_or_a_scope_outside_a_chart_is_a_config_error(chart: Chart) -> None:
    with pytest.raises(StationConfigError, match="must be a non-empty string"):
        StationGateway(chart, "", implementation=EG, hostname=HOST, tls=CERT, namespace="g")
    with pytest.raises(StationConfigError, match="must be a construct"):
        StationGatewayRoute(
            "chart",  # type: ignore[arg-type]
            "r",
            station=secured(chart),
            gateway=SHARED,
            host=HOST,
        )
