"""StationIngress, the k3s profile and the external Service options: behaviour and guards.

Each "fails ..." test asserts the construct path, the field, the value and the fix.
"""

from __future__ import annotations

from typing import Any

import cdk8s
import pytest
from cdk8s import ApiObject, Chart, JsonPatch

from station_constructs import (
    ApiListener,
    ClusterProfile,
    EdgeAuth,
    ExternalService,
    IngressController,
    IngressRoute,
    IngressTls,
    PathType,
    StationDeployment,
    StationIngress,
    StationPort,
    StationStorage,
    TlsIssuerKind,
)
from tests.conftest import Manifest, find, synth
from tests.support.builders import ANY_ACCOUNT
from tests.support.builders import authed as secured
from tests.support.edge import INGRESS_SSO, NGINX_SSO, OAUTH2_PROXY
from tests.support.refusals import assert_refused

HOST = "station.example.com"
CERT = IngressTls.cert_manager("letsencrypt-prod")
NGINX = "nginx.ingress.kubernetes.io/"
TRAEFIK = "traefik.ingress.kubernetes.io/"


# Any CloudShip account's token passes the agent MCP: accepted, so it may be routed.
# The API's CloudShip OAuth callers are admins: routes to it need edge authentication
# (NGINX_SSO, TRAEFIK_SSO: tests/support/edge.py).
EDGE_ANNOTATIONS = {
    IngressController.NGINX: {f"{NGINX}auth-url": OAUTH2_PROXY},
    IngressController.TRAEFIK: {
        f"{TRAEFIK}router.middlewares": "station-station-forward-auth@kubernetescrd"
    },
}


def edge_for(station: StationDeployment, controller: object) -> EdgeAuth | None:
    """The edge auth the Ingress's controller applies (none known for OTHER)."""
    if controller is None:
        k3s = station.profile is ClusterProfile.K3S
        controller = IngressController.TRAEFIK if k3s else IngressController.NGINX
    return INGRESS_SSO.get(controller)  # type: ignore[call-overload,no-any-return]


def ingress(
    chart: Chart, station: StationDeployment | None = None, **kwargs: Any
) -> StationIngress:
    """An Ingress with single sign-on at its controller (``edge_auth=None`` for none)."""
    station = station if station is not None else secured(chart)
    kwargs.setdefault("host", HOST)
    kwargs.setdefault("tls", CERT)
    kwargs.setdefault("edge_auth", edge_for(station, kwargs.get("controller")))
    return StationIngress(chart, "ingress", station=station, **kwargs)


def rendered(chart: Chart, name: str = "station") -> Manifest:
    return find(synth(chart), "Ingress", name)


def backends(obj: Manifest) -> list[tuple[str, str, str, str, int]]:
    """(host, path, pathType, service, port) of every path, in output order."""
    return [
        (
            rule["host"],
            p["path"],
            p["pathType"],
            p["backend"]["service"]["name"],
            p["backend"]["service"]["port"]["number"],
        )
        for rule in obj["spec"]["rules"]
        for p in rule["http"]["paths"]
    ]


#: Where a refusal of :func:`ingress` comes from.
INGRESS = "StationIngress 'test/ingress'"


# ---------------------------------------------------------------------- behaviour
def test_nginx_with_cert_manager_routes_api_and_agent_mcp(chart: Chart) -> None:
    ing = ingress(chart)
    obj = rendered(chart)
    assert obj["metadata"]["namespace"] == "station"
    assert obj["spec"]["ingressClassName"] == "nginx"
    assert obj["spec"]["tls"] == [{"hosts": [HOST], "secretName": "station-tls"}]
    assert obj["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == "letsencrypt-prod"
    assert backends(obj) == [
        (HOST, "/", "Prefix", "station", 8585),
        (HOST, "/mcp", "Prefix", "station", 8587),
    ]
    assert 8586 not in [b[4] for b in backends(obj)]
    assert (ing.name, ing.host, ing.tls_secret_name) == ("station", HOST, "station-tls")
    assert ing.controller is IngressController.NGINX
    assert ing.ingress_class_name == "nginx"
    assert [(r.port, r.path, r.host) for r in ing.routes] == [
        (StationPort.API, "/", HOST),
        (StationPort.AGENT_MCP, "/mcp", HOST),
    ]
    assert ing.url() == "https://station.example.com/mcp"
    assert ing.url(StationPort.API) == "https://station.example.com/"


def test_nginx_keeps_long_mcp_streams_open_and_unbuffered(chart: Chart) -> None:
    ing = ingress(chart)
    annotations = rendered(chart)["metadata"]["annotations"]
    assert annotations[f"{NGINX}proxy-read-timeout"] == "3600"
    assert annotations[f"{NGINX}proxy-send-timeout"] == "3600"
    assert annotations[f"{NGINX}proxy-buffering"] == "off"
    assert annotations[f"{NGINX}proxy-body-size"] == "16m"
    assert ing.stream_timeout_seconds == 3600
    assert not any(k.startswith(TRAEFIK) for k in annotations)


def test_stream_timeout_and_body_size_are_configurable(chart: Chart) -> None:
    ing = ingress(chart, stream_timeout="30m", max_request_body="0")
    annotations = rendered(chart)["metadata"]["annotations"]
    assert annotations[f"{NGINX}proxy-read-timeout"] == "1800"
    assert annotations[f"{NGINX}proxy-send-timeout"] == "1800"
    assert annotations[f"{NGINX}proxy-body-size"] == "0"
    assert ing.stream_timeout_seconds == 1800


def test_agent_mcp_on_its_own_host_shares_the_certificate(chart: Chart) -> None:
    ing = ingress(
        chart,
        routes=[
            IngressRoute(StationPort.API, "/"),
            IngressRoute(StationPort.AGENT_MCP, "/", host="mcp.example.com"),
        ],
    )
    obj = rendered(chart)
    assert backends(obj) == [
        (HOST, "/", "Prefix", "station", 8585),
        ("mcp.example.com", "/", "Prefix", "station", 8587),
    ]
    assert obj["spec"]["tls"] == [{"hosts": [HOST, "mcp.example.com"], "secretName": "station-tls"}]
    assert ing.hosts == (HOST, "mcp.example.com")
    assert ing.url() == "https://mcp.example.com/mcp"


def test_agent_endpoints_can_be_routed_explicitly(chart: Chart) -> None:
    ingress(
        chart,
        routes=[
            IngressRoute(StationPort.API, "/"),
            IngressRoute(StationPort.AGENT_MCP, "/mcp"),
            IngressRoute(StationPort.AGENT_MCP, "/execute", PathType.EXACT),
        ],
    )
    assert (HOST, "/execute", "Exact", "station", 8587) in backends(rendered(chart))


def test_existing_tls_secret(chart: Chart) -> None:
    ing = ingress(chart, tls=IngressTls.existing_secret("wildcard-example-com"))
    obj = rendered(chart)
    assert obj["spec"]["tls"] == [{"hosts": [HOST], "secretName": "wildcard-example-com"}]
    assert not any(k.startswith("cert-manager.io/") for k in obj["metadata"]["annotations"])
    assert ing.tls_secret_name == "wildcard-example-com"


def test_namespaced_issuer_and_custom_secret_name(chart: Chart) -> None:
    ingress(
        chart,
        tls=IngressTls.cert_manager("ca", kind=TlsIssuerKind.ISSUER, secret_name="station-cert"),
    )
    obj = rendered(chart)
    assert obj["metadata"]["annotations"]["cert-manager.io/issuer"] == "ca"
    assert "cert-manager.io/cluster-issuer" not in obj["metadata"]["annotations"]
    assert obj["spec"]["tls"][0]["secretName"] == "station-cert"


def test_plain_http_only_when_asked_for(chart: Chart) -> None:
    ing = ingress(chart, tls=None)
    obj = rendered(chart)
    assert "tls" not in obj["spec"]
    assert ing.tls_secret_name is None
    assert ing.url() == "http://station.example.com/mcp"


def test_traefik_routes_to_websecure_with_tls_and_sets_no_nginx_settings(chart: Chart) -> None:
    ing = ingress(chart, controller=IngressController.TRAEFIK, controller_namespace="traefik")
    obj = rendered(chart)
    assert obj["spec"]["ingressClassName"] == "traefik"
    assert obj["metadata"]["annotations"] == {
        "cert-manager.io/cluster-issuer": "letsencrypt-prod",
        f"{TRAEFIK}router.entrypoints": "websecure",
        f"{TRAEFIK}router.tls": "true",
        **EDGE_ANNOTATIONS[IngressController.TRAEFIK],
    }
    assert ing.stream_timeout_seconds is None


def test_traefik_without_tls_uses_the_web_entrypoint(chart: Chart) -> None:
    ingress(chart, controller=IngressController.TRAEFIK, controller_namespace="traefik", tls=None)
    assert rendered(chart)["metadata"]["annotations"] == {
        f"{TRAEFIK}router.entrypoints": "web",
        **EDGE_ANNOTATIONS[IngressController.TRAEFIK],
    }


def test_traefik_accepts_dotted_paths(chart: Chart) -> None:
    ingress(
        chart,
        controller=IngressController.TRAEFIK,
        controller_namespace="traefik",
        routes=[IngressRoute(StationPort.AGENT_MCP, "/openapi.yaml", PathType.EXACT)],
    )
    assert backends(rendered(chart)) == [(HOST, "/openapi.yaml", "Exact", "station", 8587)]


@pytest.mark.parametrize("path", ["/workflow-runs", "/workflow-runs/7", "/workflow-approvals/7"])
def test_workflow_paths_the_agent_mcp_serves_can_be_routed(chart: Chart, path: str) -> None:
    """8587 serves /workflow-runs[/...] and /workflow-approvals/ (v0.25.0's webhook paths,
    docs/station-facts.md)."""
    ingress(chart, routes=[IngressRoute(StationPort.AGENT_MCP, path)])
    assert backends(rendered(chart)) == [(HOST, path, "Prefix", "station", 8587)]


def test_custom_class_for_nginx_and_other_controllers(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    ingress(chart, ingress_class_name="nginx-internal")
    assert rendered(chart)["spec"]["ingressClassName"] == "nginx-internal"
    other = new_chart()
    ingress(
        other,
        # No edge auth is known for OTHER: the agent MCP alone, which Station authenticates.
        secured(other, api=ApiListener.off()),
        controller=IngressController.OTHER,
        ingress_class_name="haproxy",
        controller_namespace="haproxy-controller",
        annotations={"haproxy.org/timeout-server": "1h"},
    )
    obj = rendered(other)
    assert obj["spec"]["ingressClassName"] == "haproxy"
    assert obj["metadata"]["annotations"] == {
        "cert-manager.io/cluster-issuer": "letsencrypt-prod",
        "haproxy.org/timeout-server": "1h",
    }


def test_extra_annotations_are_merged(chart: Chart) -> None:
    ing = ingress(chart, annotations={f"{NGINX}whitelist-source-range": "203.0.113.0/24"})
    annotations = rendered(chart)["metadata"]["annotations"]
    assert annotations[f"{NGINX}whitelist-source-range"] == "203.0.113.0/24"
    assert annotations[f"{NGINX}proxy-buffering"] == "off"
    assert ing.annotations == annotations


def test_follows_the_station_name_namespace_and_labels(chart: Chart) -> None:
    station = secured(chart, name="station-prod", namespace="agents", labels={"team": "ai"})
    ing = ingress(chart, station)
    obj = rendered(chart, "station-prod")
    assert obj["metadata"]["namespace"] == "agents"
    assert obj["spec"]["tls"][0]["secretName"] == "station-prod-tls"
    assert {b[3] for b in backends(obj)} == {"station-prod"}
    assert obj["metadata"]["labels"]["team"] == "ai"
    assert obj["metadata"]["labels"]["app.kubernetes.io/component"] == "ingress"
    assert obj["metadata"]["labels"]["app"] == "station-prod"
    assert ing.namespace == "agents"


def test_two_ingresses_for_one_station_get_their_own_names_and_secrets(chart: Chart) -> None:
    station = secured(chart)
    StationIngress(chart, "public", station=station, host=HOST, tls=CERT, edge_auth=NGINX_SSO)
    internal = StationIngress(
        chart,
        "internal",
        station=station,
        name="station-internal",
        host="station.internal.example.com",
        tls=CERT,
        ingress_class_name="nginx-internal",
        edge_auth=NGINX_SSO,
    )
    assert internal.tls_secret_name == "station-internal-tls"
    assert find(synth(chart), "Ingress", "station")["spec"]["tls"][0]["secretName"] == (
        "station-tls"
    )


def test_one_existing_certificate_may_serve_several_ingresses(chart: Chart) -> None:
    station = secured(chart)
    wildcard = IngressTls.existing_secret("wildcard-example-com")
    StationIngress(
        chart, "a", station=station, host="a.example.com", tls=wildcard, edge_auth=NGINX_SSO
    )
    StationIngress(
        chart,
        "b",
        station=station,
        name="b",
        host="b.example.com",
        tls=wildcard,
        edge_auth=NGINX_SSO,
    )


def test_renaming_the_construct_id_changes_nothing(new_chart) -> None:  # type: ignore[no-untyped-def]
    outputs = []
    for construct_id in ("ingress", "public-entry"):
        chart = new_chart()
        StationIngress(
            chart, construct_id, station=secured(chart), host=HOST, tls=CERT, edge_auth=NGINX_SSO
        )
        outputs.append(rendered(chart))
    assert outputs[0] == outputs[1]


def test_the_ingress_is_the_primary_child_resource(chart: Chart) -> None:
    """As in cdk8s-plus: ``ApiObject.of(construct)`` is the object, for patches."""
    ing = ingress(chart)
    assert ing.node.default_child is ing.ingress
    ApiObject.of(ing).add_json_patch(JsonPatch.add("/metadata/annotations/team", "platform"))
    assert rendered(chart)["metadata"]["annotations"]["team"] == "platform"


def test_wildcard_host(chart: Chart) -> None:
    ingress(chart, host="*.example.com")
    assert rendered(chart)["spec"]["rules"][0]["host"] == "*.example.com"


def test_local_mode_station_when_explicitly_accepted(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    ingress(
        chart,
        StationDeployment(chart, "station"),
        edge_auth=None,
        allow_unauthenticated_exposure=True,
    )
    assert rendered(chart)
    inherited = new_chart()
    station = StationDeployment(inherited, "station", allow_unauthenticated_exposure=True)
    assert ingress(inherited, station, edge_auth=None).allow_unauthenticated_exposure


def test_management_mcp_on_its_own_host_when_explicitly_accepted(chart: Chart) -> None:
    ingress(
        chart,
        secured(chart, network_policy=None),  # the policy never admits 8586 from outside
        routes=[
            IngressRoute(StationPort.AGENT_MCP, "/mcp"),
            IngressRoute(StationPort.MCP, "/mcp", host="manage.example.com"),
        ],
        allow_unauthenticated_exposure=True,
    )
    assert ("manage.example.com", "/mcp", "Prefix", "station", 8586) in backends(rendered(chart))


# ---------------------------------------------------------------------- NetworkPolicy
def policy_peers(chart: Chart) -> list[tuple[str, list[int]]]:
    """(namespace, ports) of every namespace rule of the Station's NetworkPolicy."""
    policy = find(synth(chart), "NetworkPolicy", "station")
    return [
        (
            peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
            [p["port"] for p in rule["ports"]],
        )
        for rule in policy["spec"]["ingress"]
        for peer in rule["from"]
        if "namespaceSelector" in peer
    ]


def test_network_policy_admits_ingress_nginx_on_the_routed_ports(chart: Chart) -> None:
    ing = ingress(chart)
    assert ing.controller_namespace == "ingress-nginx"
    assert policy_peers(chart) == [("ingress-nginx", [8585, 8587])]


def test_network_policy_admits_k3s_traefik_from_kube_system(chart: Chart) -> None:
    station = secured(chart, profile=ClusterProfile.K3S, api=ApiListener.off())
    ingress(chart, station, tls=None)
    assert policy_peers(chart) == [("kube-system", [8587])]


def test_network_policy_admits_a_named_controller_namespace(chart: Chart) -> None:
    ingress(chart, ingress_class_name="nginx-internal", controller_namespace="ingress-internal")
    assert policy_peers(chart) == [("ingress-internal", [8585, 8587])]


def test_without_network_policy_nothing_is_admitted(chart: Chart) -> None:
    ing = ingress(chart, secured(chart, network_policy=None, api=ApiListener.off()))
    assert ing.controller_namespace is None
    assert not [o for o in synth(chart) if o["kind"] == "NetworkPolicy"]


# ---------------------------------------------------------------------- k3s profile
def test_k3s_profile_uses_local_path_and_traefik(chart: Chart) -> None:
    station = secured(chart, profile=ClusterProfile.K3S)
    ing = ingress(chart, station, tls=IngressTls.existing_secret("station-home-tls"))
    objects = synth(chart)
    pvc = find(objects, "PersistentVolumeClaim", "station-data")
    assert pvc["spec"]["storageClassName"] == "local-path"
    assert station.storage.storage_class == "local-path"
    assert station.profile is ClusterProfile.K3S
    assert ing.controller is IngressController.TRAEFIK
    assert find(objects, "Ingress", "station")["spec"]["ingressClassName"] == "traefik"


def test_k3s_profile_keeps_explicit_choices(chart: Chart) -> None:
    station = secured(
        chart,
        profile=ClusterProfile.K3S,
        storage=StationStorage(storage_class="local-path-retain"),
    )
    ingress(chart, station, controller=IngressController.NGINX)
    objects = synth(chart)
    assert find(objects, "PersistentVolumeClaim", "station-data")["spec"]["storageClassName"] == (
        "local-path-retain"
    )
    assert find(objects, "Ingress", "station")["spec"]["ingressClassName"] == "nginx"


def test_generic_profile_is_the_default_and_changes_nothing(new_chart) -> None:  # type: ignore[no-untyped-def]
    default, generic = new_chart(), new_chart()
    StationDeployment(default, "station")
    StationDeployment(generic, "station", profile=ClusterProfile.GENERIC)
    assert synth(default) == synth(generic)
    assert (
        "storageClassName"
        not in find(synth(default), "PersistentVolumeClaim", "station-data")["spec"]
    )


def test_k3s_node_port_and_service_lb(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    secured(
        chart,
        profile=ClusterProfile.K3S,
        external_service=ExternalService.node_port(
            ports=[StationPort.AGENT_MCP], node_ports={StationPort.AGENT_MCP: 30587}
        ),
    )
    svc = find(synth(chart), "Service", "station-external")
    assert svc["spec"]["type"] == "NodePort"
    assert [(p["port"], p["nodePort"]) for p in svc["spec"]["ports"]] == [(8587, 30587)]
    lb = new_chart()
    secured(
        lb,
        profile=ClusterProfile.K3S,
        external_service=ExternalService.load_balancer(ports=[StationPort.AGENT_MCP]),
    )
    assert find(synth(lb), "Service", "station-external")["spec"]["type"] == "LoadBalancer"


def test_external_service_annotations(chart: Chart) -> None:
    secured(
        chart,
        external_service=ExternalService.load_balancer(
            ports=[StationPort.AGENT_MCP],
            annotations={"service.beta.kubernetes.io/aws-load-balancer-internal": "true"},
        ),
    )
    objects = synth(chart)
    assert find(objects, "Service", "station-external")["metadata"]["annotations"] == {
        "service.beta.kubernetes.io/aws-load-balancer-internal": "true"
    }
    assert "annotations" not in find(objects, "Service", "station")["metadata"]


# ---------------------------------------------------------------------- guards
@pytest.mark.parametrize(
    ("host", "fragment"),
    [
        ("Station.example.com", "lower case"),
        ("https://station.example.com/", "without scheme, port, path"),
        ("station.example.com:443", "without scheme, port, path"),
        ("station_1.example.com", "RFC 1123 host name"),
        ("-station.example.com", "RFC 1123 host name"),
        ("station..example.com", "RFC 1123 host name"),
        ("x" * 64 + ".example.com", "RFC 1123 host name"),
        ("*", "wildcard must be the whole first label"),
        ("a*.example.com", "wildcard must be the whole first label"),
        ("a.*.example.com", "wildcard must be the whole first label"),
        ("*.*.example.com", "wildcard must be the whole first label"),
        ("203.0.113.10", "IP address"),
        ("", "must be a host name"),
    ],
)
def test_fails_on_invalid_hosts(chart: Chart, host: str, fragment: str) -> None:
    assert_refused(
        lambda: ingress(chart, host=host), field="host", value=host, problem=fragment, where=INGRESS
    )


def test_fails_on_invalid_route_host(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(
            chart,
            routes=[
                IngressRoute(StationPort.API, "/"),
                IngressRoute(StationPort.AGENT_MCP, "/", host="MCP.example.com"),
            ],
        ),
        field="routes[1].host",
        value="MCP.example.com",
        problem="lower case",
        where=INGRESS,
    )


def test_fails_on_path_not_starting_with_slash(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(chart, routes=[IngressRoute(StationPort.AGENT_MCP, "mcp")]),
        field="routes[0].path",
        value="mcp",
        problem="must start with '/'",
        fix="e.g. '/mcp'",
        where=INGRESS,
    )


@pytest.mark.parametrize("path", ["/mcp(/|$)(.*)", "/mcp?x=1", "/a b", "/mcp//x"])
def test_fails_on_paths_with_special_characters(chart: Chart, path: str) -> None:
    assert_refused(
        lambda: ingress(chart, routes=[IngressRoute(StationPort.API, path)]),
        field="routes[0].path",
        value=path,
        problem="no regular expressions",
        fix="plain path such as '/mcp'",
        where=INGRESS,
    )


def test_fails_on_paths_ingress_nginx_rejects(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(
            chart, routes=[IngressRoute(StationPort.AGENT_MCP, "/openapi.yaml", PathType.EXACT)]
        ),
        field="routes[0].path",
        value="/openapi.yaml",
        problem="strict-validate-path-type",
        fix="route a parent path",
        where=INGRESS,
    )


@pytest.mark.parametrize("path", ["/station/mcp", "/mcp/v1", "/api"])
def test_fails_on_mcp_paths_station_does_not_serve(chart: Chart, path: str) -> None:
    assert_refused(
        lambda: ingress(chart, routes=[IngressRoute(StationPort.AGENT_MCP, path)]),
        field="routes[0].path",
        value=path,
        problem=["does not rewrite paths", "get 404"],
        fix="'/' on a host of its own",
        where=INGRESS,
    )


def test_fails_on_the_same_path_twice(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(
            chart,
            routes=[
                IngressRoute(StationPort.AGENT_MCP, "/mcp"),
                IngressRoute(StationPort.AGENT_MCP, "/mcp"),
            ],
        ),
        field="routes[1].path",
        value="/mcp",
        problem="already routed on station.example.com",
        fix="route each path once",
        where=INGRESS,
    )


@pytest.mark.parametrize("routes", [[], IngressRoute(StationPort.API, "/")])
def test_fails_on_empty_or_single_routes(chart: Chart, routes: Any) -> None:
    assert_refused(
        lambda: ingress(chart, routes=routes),
        field="routes",
        value=routes,
        problem="non-empty list of IngressRoute",
        where=INGRESS,
    )


def test_fails_on_a_route_that_is_not_an_ingress_route(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(chart, routes=["/mcp"]),
        field="routes[0]",
        value="/mcp",
        problem="must be an IngressRoute",
        where=INGRESS,
    )


def test_fails_on_tls_with_neither_issuer_nor_secret(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(chart, tls=IngressTls()),
        field="tls",
        value=IngressTls(issuer=None, issuer_kind=TlsIssuerKind.CLUSTER_ISSUER, secret_name=None),
        problem="neither a cert-manager issuer nor an existing TLS Secret",
        fix=["IngressTls.cert_manager('letsencrypt-prod')", "tls=None for plain HTTP"],
        where=INGRESS,
    )


def test_fails_on_tls_as_a_string(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(chart, tls="letsencrypt-prod"),
        field="tls",
        value="letsencrypt-prod",
        problem="IngressTls or None",
        where=INGRESS,
    )


def test_fails_on_invalid_tls_names(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    assert_refused(
        lambda: ingress(chart, tls=IngressTls.cert_manager("Lets Encrypt")),
        field="tls.issuer",
        value="Lets Encrypt",
        problem="RFC 1123",
        where=INGRESS,
    )
    assert_refused(
        lambda: ingress(new_chart(), tls=IngressTls.existing_secret("TLS")),
        field="tls.secret_name",
        value="TLS",
        where=INGRESS,
    )


def test_fails_on_tls_secret_that_holds_station_keys(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(
            chart, tls=IngressTls.cert_manager("letsencrypt-prod", secret_name="station-secrets")
        ),
        field="tls.secret_name",
        value="station-secrets",
        problem="cert-manager would overwrite it",
        fix="'<ingress name>-tls'",
        where=INGRESS,
    )


def test_fails_on_other_controller_without_class(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(chart, controller=IngressController.OTHER),
        field="ingress_class_name",
        value=None,
        problem="required with IngressController.OTHER",
        fix="ingress_class_name='haproxy'",
        where=INGRESS,
    )


def test_fails_on_invalid_class_and_controller(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    assert_refused(
        lambda: ingress(chart, ingress_class_name="Nginx Public"),
        field="ingress_class_name",
        value="Nginx Public",
        where=INGRESS,
    )
    assert_refused(
        lambda: ingress(new_chart(), controller="nginx"),
        field="controller",
        value="nginx",
        problem="IngressController.NGINX",
        where=INGRESS,
    )


def test_fails_on_nginx_settings_for_traefik(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    assert_refused(
        lambda: ingress(chart, controller=IngressController.TRAEFIK, stream_timeout="1h"),
        field="stream_timeout",
        value="1h",
        problem="entrypoints",
        fix="HelmChartConfig",
        where=INGRESS,
    )
    assert_refused(
        lambda: ingress(new_chart(), controller=IngressController.TRAEFIK, max_request_body="16m"),
        field="max_request_body",
        value="16m",
        problem="ingress-nginx setting",
        where=INGRESS,
    )


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("stream_timeout", "forever", ""),
        ("stream_timeout", "500ms", "must be at least 1s"),
        ("max_request_body", "16MB", ""),
    ],
)
def test_fails_on_invalid_nginx_settings(
    chart: Chart, field: str, value: str, problem: str
) -> None:
    assert_refused(
        lambda: ingress(chart, **{field: value}),  # type: ignore[arg-type]
        field=field,
        value=value,
        problem=problem,
        where=INGRESS,
    )


def test_fails_on_overriding_managed_annotations(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(chart, annotations={f"{NGINX}proxy-read-timeout": "60"}),
        field=f"annotations['{NGINX}proxy-read-timeout']",
        value="60",
        problem="set by the construct",
        fix="stream_timeout=",
        where=INGRESS,
    )


def test_fails_on_invalid_annotation_key(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(chart, annotations={"bad key": "x"}),
        field="annotations",
        value="bad key",
        problem="annotation/label key",
        where=INGRESS,
    )


def test_fails_on_non_station(chart: Chart) -> None:
    assert_refused(
        lambda: StationIngress(chart, "ingress", station="station", host=HOST, tls=CERT),  # type: ignore[arg-type]
        field="station",
        value="str",
        fix="StationDeployment",
    )


def test_fails_on_two_ingresses_with_one_name(chart: Chart) -> None:
    station = secured(chart)
    StationIngress(chart, "first", station=station, host=HOST, tls=CERT, edge_auth=NGINX_SSO)
    assert_refused(
        lambda: StationIngress(
            chart, "ingress", station=station, host="b.example.com", tls=None, edge_auth=NGINX_SSO
        ),
        field="name",
        value="station",
        problem="already rendered by 'test/first'",
        fix="its own name=",
    )


def test_fails_on_two_ingresses_sharing_a_cert_manager_secret(chart: Chart) -> None:
    station = secured(chart)
    StationIngress(chart, "first", station=station, host=HOST, tls=CERT, edge_auth=NGINX_SSO)
    assert_refused(
        lambda: StationIngress(
            chart,
            "ingress",
            station=station,
            name="second",
            host="b.example.com",
            tls=IngressTls.cert_manager("letsencrypt-prod", secret_name="station-tls"),
            edge_auth=NGINX_SSO,
        ),
        field="tls.secret_name",
        value="station-tls",
        fix="its own tls secret_name",
    )


def test_fails_on_unknown_controller_namespace(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(chart, controller=IngressController.TRAEFIK),
        field="controller_namespace",
        value=None,
        problem="NetworkPolicy admits only named namespaces",
        fix="controller_namespace='traefik'",
        where=INGRESS,
    )


def test_fails_on_invalid_controller_namespace(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(chart, controller_namespace="Ingress NGINX"),
        field="controller_namespace",
        value="Ingress NGINX",
        where=INGRESS,
    )


def test_fails_on_invalid_profile(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", profile="k3s"),  # type: ignore[arg-type]
        field="profile",
        value="k3s",
        problem="ClusterProfile.K3S",
        where="StationDeployment 'test/station'",
    )


def test_fails_on_invalid_external_service_annotations() -> None:
    assert_refused(
        lambda: ExternalService.load_balancer(annotations={"-bad": "x"}),
        field="annotations",
        value="-bad",
    )
    assert_refused(
        lambda: ExternalService.node_port(annotations={"a/b": 1}),  # type: ignore[dict-item]
        field="annotations['a/b']",
        value=1,
    )


def test_fails_on_an_empty_ingress_class_name() -> None:
    chart = Chart(cdk8s.Testing.app(), "t")
    station = StationDeployment(chart, "station", auth=ANY_ACCOUNT)
    assert_refused(
        lambda: StationIngress(
            chart,
            "ingress",
            station=station,
            host="station.example.com",
            tls=IngressTls.cert_manager("le"),
            ingress_class_name="",
            controller_namespace="ingress-nginx",
        ),
        field="ingress_class_name",
        value="",
        where="StationIngress 't/ingress'",
    )
