"""StationGatewayRoute and StationGateway: behaviour and guards.

Every rendered Gateway and HTTPRoute is validated against the Gateway API v1.6.1 CRDs in
crds/ (strict: unknown fields, patterns, CEL rules). Each "fails ..." test asserts the
construct path, the field, the value and the fix.
"""

from __future__ import annotations

from typing import Any

import pytest
from cdk8s import ApiObject, Chart, JsonPatch

from station_constructs import (
    ApiListener,
    ClusterProfile,
    EdgeAuth,
    GatewayImplementation,
    GatewayRef,
    IngressRoute,
    IngressTls,
    PathType,
    StationDeployment,
    StationGateway,
    StationGatewayRoute,
    StationPort,
    TlsIssuerKind,
)
from tests.conftest import Manifest, find, synth
from tests.support.builders import ANY_ACCOUNT
from tests.support.builders import authed as secured
from tests.support.crd_schema import validate_custom_object
from tests.support.edge import GATEWAY_SSO
from tests.support.refusals import assert_refused
from tests.test_render import render as render_without_cdk8s

HOST = "station.example.com"
CERT = IngressTls.cert_manager("letsencrypt-prod")
EG = GatewayImplementation.ENVOY_GATEWAY
SHARED = GatewayRef("shared", namespace="gateway", section_name="https", implementation=EG)
# Any CloudShip account's token passes the agent MCP: accepted, so it may be routed.
# The API's CloudShip OAuth callers are admins: routes to it need edge authentication, the
# way each implementation attaches it (GATEWAY_SSO, tests/support/edge.py).
SSO = GATEWAY_SSO
EG_SSO = SSO[EG]


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


#: Where a refusal of :func:`route` comes from.
ROUTE = "StationGatewayRoute 'test/route'"
#: Where a refusal of :func:`gateway` comes from.
GATEWAY = "StationGateway 'test/gateway'"


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
@pytest.mark.parametrize("path", ["/api", "/runsx"])
def test_fails_on_agent_paths_station_does_not_serve(chart: Chart, path: str) -> None:
    assert_refused(
        lambda: route(chart, routes=[IngressRoute(StationPort.AGENT_MCP, path)]),
        field="routes[0].path",
        value=path,
        problem="the HTTPRoute does not rewrite paths",
        where=ROUTE,
    )


@pytest.mark.parametrize("path", ["/runs/..", "/./mcp", "/runs/../mcp"])
def test_fails_on_dot_segments(chart: Chart, path: str) -> None:
    assert_refused(
        lambda: route(chart, routes=[IngressRoute(StationPort.AGENT_MCP, path)]),
        field="routes[0].path",
        value=path,
        problem="'.' or '..' segment",
        where=ROUTE,
    )


def test_fails_on_paths_that_are_not_literal(chart: Chart) -> None:
    assert_refused(
        lambda: route(chart, routes=[IngressRoute(StationPort.AGENT_MCP, "/mcp//x")]),
        field="routes[0].path",
        value="/mcp//x",
        problem="may contain only",
        where=ROUTE,
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
    assert_refused(
        lambda: route(chart, host=host), field="host", value=host, problem=fragment, where=ROUTE
    )


def test_fails_on_non_station_and_non_gateway(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    assert_refused(
        lambda: StationGatewayRoute(chart, "route", station="station", gateway=SHARED, host=HOST),  # type: ignore[arg-type]
        field="station",
        value="str",
        fix="StationDeployment",
    )
    assert_refused(
        lambda: route(new_chart(), gateway="gw"),
        field="gateway",
        value="str",
        problem="StationGateway or a GatewayRef",
        fix="GatewayRef(",
        where=ROUTE,
    )


@pytest.mark.parametrize(
    ("ref", "field", "value"),
    [
        (GatewayRef("Shared Gateway"), "gateway.name", "Shared Gateway"),
        (GatewayRef("gw", namespace="Gateway"), "gateway.namespace", "Gateway"),
        (GatewayRef("gw", section_name="HTTPS"), "gateway.section_name", "HTTPS"),
        (GatewayRef("gw", port=0), "gateway.port", 0),
        (GatewayRef("gw", implementation="eg"), "gateway.implementation", "eg"),  # type: ignore[arg-type]
    ],
)
def test_fails_on_invalid_gateway_refs(
    chart: Chart, ref: GatewayRef, field: str, value: object
) -> None:
    assert_refused(lambda: route(chart, gateway=ref), field=field, value=value, where=ROUTE)


def test_fails_on_cilium_behind_a_network_policy(chart: Chart) -> None:
    assert_refused(
        lambda: route(
            chart,
            secured(chart, api=ApiListener.off()),  # no edge auth is known for Cilium
            gateway=GatewayRef("gw", implementation=GatewayImplementation.CILIUM),
        ),
        field="admit_data_plane",
        value=True,
        problem="reserved 'ingress' identity",
        fix=["CiliumNetworkPolicy", "admit_data_plane=False"],
        where=ROUTE,
    )


def test_fails_on_an_unknown_data_plane_namespace(chart: Chart) -> None:
    assert_refused(
        lambda: route(
            chart, gateway=GatewayRef("gw", implementation=GatewayImplementation.TRAEFIK)
        ),
        field="data_plane_namespace",
        value=None,
        problem="admits only named namespaces",
        fix="data_plane_namespace='traefik'",
        where=ROUTE,
    )


def test_fails_on_a_data_plane_namespace_that_is_not_admitted(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    assert_refused(
        lambda: route(chart, data_plane_namespace="x", admit_data_plane=False),
        field="data_plane_namespace",
        value="x",
        problem="no effect with admit_data_plane=False",
        where=ROUTE,
    )
    assert_refused(
        lambda: route(new_chart(), data_plane_namespace="Bad"),
        field="data_plane_namespace",
        value="Bad",
        where=ROUTE,
    )
    assert_refused(
        lambda: route(new_chart(), admit_data_plane="yes"),
        field="admit_data_plane",
        value="yes",
        where=ROUTE,
    )


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
    assert_refused(
        lambda: route(chart, stream_timeout=value),
        field="stream_timeout",
        value=value,
        problem=fragment,
        where=ROUTE,
    )


def test_fails_on_a_host_the_gateway_listener_does_not_serve(chart: Chart) -> None:
    station = secured(chart)
    gw = gateway(chart, station=station, hostname="*.stations.example.com")
    assert_refused(
        lambda: route(chart, station, gateway=gw, host="station.other.com"),
        field="host",
        value="station.other.com",
        problem="does not match the Gateway's listener host name '*.stations.example.com'",
        where=ROUTE,
    )


def test_fails_on_a_gateway_that_admits_only_its_own_namespace(chart: Chart) -> None:
    gw = gateway(chart, namespace="gateway", name="shared")
    assert_refused(
        lambda: route(chart, gateway=gw),
        field="gateway",
        value="gateway/shared",
        problem="only from its own namespace, not from 'station'",
        fix="route_namespace_labels=",
        where=ROUTE,
    )


def test_fails_on_a_station_namespace_without_the_gateways_labels(chart: Chart) -> None:
    gw = gateway(chart, namespace="gateway", name="shared", route_namespace_labels={"gw": "shared"})
    assert_refused(
        lambda: route(chart, gateway=gw),
        field="gateway",
        value="gateway/shared",
        problem="lacks {'gw': 'shared'}",
        fix="labels=",
        where=ROUTE,
    )


def test_an_existing_namespace_is_not_second_guessed(chart: Chart) -> None:
    gw = gateway(chart, namespace="gateway", name="shared", route_namespace_labels={"gw": "shared"})
    route(chart, secured(chart, create_namespace=False), gateway=gw)
    valid(synth(chart), "HTTPRoute", "station")


def test_fails_on_two_routes_with_one_name(chart: Chart) -> None:
    station = secured(chart)
    route(chart, station)
    assert_refused(
        lambda: StationGatewayRoute(
            chart,
            "again",
            station=station,
            gateway=SHARED,
            host="other.example.com",
            edge_auth=EG_SSO,
        ),
        field="name",
        value="station",
        problem="HTTPRoute 'station' in namespace 'station' is already rendered by 'test/route'",
    )


def test_gateway_fails_without_namespace_or_station(chart: Chart) -> None:
    assert_refused(
        lambda: gateway(chart),
        field="namespace",
        value=None,
        problem="belongs to no Station",
        fix="namespace='gateway'",
        where=GATEWAY,
    )


def test_gateway_fails_on_other_without_class(chart: Chart) -> None:
    assert_refused(
        lambda: gateway(chart, namespace="gateway", implementation=GatewayImplementation.OTHER),
        field="gateway_class_name",
        value=None,
        problem="GatewayImplementation.OTHER",
        where=GATEWAY,
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "value", "problem"),
    [
        ({"gateway_class_name": ""}, "gateway_class_name", "", ""),
        ({"implementation": "eg"}, "implementation", "eg", ""),
        ({"hostname": "10.0.0.1"}, "hostname", "10.0.0.1", "is an IP address; Gateway hosts"),
        ({"tls": "station-tls"}, "tls", "station-tls", "must be an IngressTls or None"),
        ({"tls": IngressTls()}, "tls", IngressTls(), ""),
        ({"port": 70000}, "port", 70000, ""),
        ({"route_namespace_labels": {"a": 1}}, "route_namespace_labels['a']", 1, ""),
        ({"station": "station"}, "station", "str", ""),
    ],
)
def test_gateway_fails_on_bad_arguments(
    chart: Chart, kwargs: dict[str, Any], field: str, value: object, problem: str
) -> None:
    kwargs.setdefault("namespace", "gateway")
    assert_refused(
        lambda: gateway(chart, **kwargs), field=field, value=value, problem=problem, where=GATEWAY
    )


def test_gateway_fails_on_the_stations_key_secret(chart: Chart) -> None:
    station = secured(chart)
    assert_refused(
        lambda: gateway(
            chart,
            station=station,
            tls=IngressTls.cert_manager("le", secret_name="station-secrets"),
        ),
        field="tls.secret_name",
        value="station-secrets",
        problem="Station's API keys",
        where=GATEWAY,
    )


def test_gateway_fails_on_two_gateways_sharing_a_name_or_a_cert_manager_secret(
    chart: Chart,
) -> None:
    gateway(chart, namespace="gateway")
    assert_refused(
        lambda: StationGateway(
            chart, "again", implementation=EG, namespace="gateway", hostname=HOST, tls=CERT
        ),
        field="name",
        value="station",
        problem="Gateway 'station' in namespace 'gateway'",
    )
    assert_refused(
        lambda: StationGateway(
            chart,
            "third",
            implementation=EG,
            namespace="gateway",
            name="third",
            hostname=HOST,
            tls=IngressTls.cert_manager("le", secret_name="station-tls"),
        ),
        field="tls.secret_name",
        value="station-tls",
        problem="Secret 'station-tls' in namespace 'gateway'",
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


def test_the_gateway_and_the_main_route_are_the_primary_children(chart: Chart) -> None:
    """As in cdk8s-plus: ``ApiObject.of(construct)`` is the object, for patches."""
    station = secured(chart)
    gw = gateway(chart, station=station, hostname="*.example.com")
    routes = route(
        chart,
        station,
        gateway=gw,
        routes=[
            IngressRoute(StationPort.API, "/"),
            IngressRoute(StationPort.AGENT_MCP, "/", host="mcp.example.com"),
        ],
    )
    assert gw.node.default_child is gw.gateway
    assert routes.node.default_child is routes.http_routes[0]
    ApiObject.of(gw).add_json_patch(JsonPatch.add("/metadata/annotations", {"team": "a"}))
    ApiObject.of(routes).add_json_patch(JsonPatch.add("/metadata/annotations", {"team": "b"}))
    objects = synth(chart)
    assert find(objects, "Gateway", "station")["metadata"]["annotations"]["team"] == "a"
    assert find(objects, "HTTPRoute", "station")["metadata"]["annotations"]["team"] == "b"
    assert "annotations" not in find(objects, "HTTPRoute", "station-mcp")["metadata"]


def test_the_redirect_keeps_a_non_default_https_port(chart: Chart) -> None:
    gateway(chart, namespace="gateway", redirect_http=True, port=8443)
    redirect = valid(synth(chart), "HTTPRoute", "station-http-redirect")
    assert redirect["spec"]["rules"][0]["filters"][0]["requestRedirect"]["port"] == 8443


def test_gateway_fails_on_a_redirect_without_tls_or_on_port_80(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    assert_refused(
        lambda: gateway(chart, namespace="gateway", tls=None, redirect_http=True),
        field="redirect_http",
        value=True,
        problem="no TLS listener",
        where=GATEWAY,
    )
    assert_refused(
        lambda: gateway(new_chart(), namespace="gateway", port=80, redirect_http=True),
        field="port",
        value=80,
        problem="is taken by the HTTP listener",
        where=GATEWAY,
    )


# ---------------------------------------------------------------- across constructs and apps
def test_two_stations_cannot_take_one_host_and_path_on_one_gateway(chart: Chart) -> None:
    first = secured(chart, name="a", namespace="team-a")
    second = StationDeployment(chart, "b", name="b", namespace="team-b", auth=ANY_ACCOUNT)
    StationGatewayRoute(
        chart, "route-a", station=first, gateway=SHARED, host=HOST, edge_auth=EG_SSO
    )
    assert_refused(
        lambda: StationGatewayRoute(
            chart, "route-b", station=second, gateway=SHARED, host=HOST, edge_auth=EG_SSO
        ),
        field="host",
        problem="is already routed by 'test/route-a'",
        fix="give each Station its own host",
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
    assert_refused(
        lambda: StationGatewayRoute(chart, "route", station=other, gateway=SHARED, host=HOST),
        field="station",
        problem="belongs to another App",
    )


def test_gateway_and_route_attributes_are_read_only(chart: Chart) -> None:
    station = secured(chart)
    own = gateway(chart, station=station)
    attached = StationGatewayRoute(
        chart, "route", station=station, gateway=own, host=HOST, edge_auth=EG_SSO
    )
    for construct, attribute, where in (
        (own, "hostname", "StationGateway 'test/gateway'"),
        (attached, "host", "StationGatewayRoute 'test/route'"),
    ):
        assert_refused(
            lambda: setattr(construct, attribute, "other.example.com"),  # noqa: B023
            field=attribute,
            value="other.example.com",
            problem="is read-only after construction",
            where=where,
        )


def test_a_gateway_certificate_cannot_be_the_stations_key_secret(chart: Chart) -> None:
    station = secured(chart)
    assert_refused(
        lambda: gateway(chart, station=station, tls=IngressTls.existing_secret("station-secrets")),
        field="tls.secret_name",
        value="station-secrets",
        problem="the Secret holding Station's API keys",
    )


def test_an_empty_id_or_a_scope_outside_a_chart_is_a_config_error(chart: Chart) -> None:
    assert_refused(
        lambda: StationGateway(
            chart, "", implementation=EG, hostname=HOST, tls=CERT, namespace="g"
        ),
        field="id",
        value="",
        problem="must be a non-empty string",
        where="StationGateway in 'test'",
    )
    station = secured(chart)
    assert_refused(
        lambda: StationGatewayRoute(
            "chart",  # type: ignore[arg-type]
            "r",
            station=station,
            gateway=SHARED,
            host=HOST,
        ),
        field="scope",
        value="str",
        problem="must be a construct",
        where="StationGatewayRoute 'r'",
    )


def test_the_gateway_and_its_routes_render_without_cdk8s() -> None:
    """The Gateway, its redirect route and an HTTPRoute are plain data (no cdk8s, no jsii)."""
    result = render_without_cdk8s(
        """
from station_constructs._render import gateway as r
listener = r.GatewayListener("https", 443, "*.example.com", "station-tls", {"tenant": "yes"})
gw = r.gateway(name="shared", namespace="gateway", labels={}, annotations={},
               class_name="eg", listener=listener, redirect_http=True)
redirect = r.redirect_route(name="shared-http-redirect", namespace="gateway", labels={},
                            gateway_name="shared", hostname="*.example.com", https_port=8443)
route = r.http_route(
    name="station", namespace="agents", labels={}, host="a.example.com",
    parent=r.ParentRef("shared", "gateway", section_name="https"), service_name="station",
    rules=[r.RouteRule("Exact", "/mcp", 8587)], stream_timeout="0s",
    filters=[r.middleware_filter("sso")],
)
result = [gw["spec"]["listeners"], redirect["spec"]["rules"], route["spec"]["rules"]]
"""
    )
    listeners, redirect, rules = result
    assert [(x["name"], x["port"], x["protocol"]) for x in listeners] == [
        ("https", 443, "HTTPS"),
        ("http", 80, "HTTP"),
    ]
    assert listeners[0]["allowedRoutes"]["namespaces"] == {
        "from": "Selector",
        "selector": {"matchLabels": {"tenant": "yes"}},
    }
    assert listeners[1]["allowedRoutes"]["namespaces"] == {"from": "Same"}
    assert redirect[0]["filters"][0]["requestRedirect"] == {
        "port": 8443,
        "scheme": "https",
        "statusCode": 301,
    }
    assert rules == [
        {
            "backendRefs": [{"group": "", "kind": "Service", "name": "station", "port": 8587}],
            "filters": [
                {
                    "extensionRef": {"group": "traefik.io", "kind": "Middleware", "name": "sso"},
                    "type": "ExtensionRef",
                }
            ],
            "matches": [{"path": {"type": "Exact", "value": "/mcp"}}],
            "timeouts": {"backendRequest": "0s", "request": "0s"},
        }
    ]
    assert list(rules[0]) == sorted(rules[0]), "keys in the order cdk8s writes them"
