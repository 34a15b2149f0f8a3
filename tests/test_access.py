"""Who can call what: the table against Station's rules, the exposure guards it drives, Station's
own authentication settings, and authentication at the edge.

The expected verdicts below restate docs/station-facts.md ("Who can call what", read at
Station's tag v0.25.0 (231f4ce), the default image's, in internal/auth/middleware.go,
internal/api/v1/base.go and internal/mcp_agents/server.go, and replayed against the built
binary) row by row, independently of station_constructs/access.py. The other release's
differences are in tests/test_releases.py.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from cdk8s import Chart

from station_constructs import (
    ApiListener,
    EnvoySecurityPolicy,
    ExternalSecretSource,
    IngressController,
    IngressRoute,
    IstioAuthorizationPolicy,
    NetworkPolicyOptions,
    NginxAuthUrl,
    NginxBasicAuth,
    RemoteRef,
    StationAccessWarning,
    StationAuth,
    StationDeployment,
    StationPort,
    TraefikMiddleware,
)
from station_constructs._cloudship_oauth import CloudShipOAuth
from station_constructs.access import (
    ENDPOINTS,
    Access,
    AuthSettings,
    covered,
    markdown_table,
    never_exposed,
    verdicts,
)
from station_constructs.guide import next_steps
from station_constructs.releases import RELEASES
from tests.conftest import find, synth
from tests.support.builders import OAUTH, ingress
from tests.support.kube_validate import validate_manifest
from tests.support.refusals import assert_refused

OPEN, AUTH, NOBODY = Access.OPEN, Access.AUTHENTICATED, Access.REJECTS_ALL
ANY, OFF_ = Access.ANY_CLOUDSHIP_ACCOUNT, Access.OFF
LOCAL = AuthSettings(local_mode=True)
OFF = AuthSettings(local_mode=False)
KEY = AuthSettings(local_mode=False, webhook_key=True)
OAUTH_ON = AuthSettings(local_mode=False, cloudship_oauth=True)
BOTH = AuthSettings(local_mode=False, cloudship_oauth=True, webhook_key=True)
LOCAL_ALL = AuthSettings(local_mode=True, cloudship_oauth=True, webhook_key=True)
OAUTH_SKIP = "https://oauth2-proxy.example.com/oauth2/auth"

# (settings, endpoint key) -> access, per the facts table.
FACTS: dict[str, dict[AuthSettings, Access]] = {
    # 8585 /api/v1: open in local mode; with local mode off a user API key (none can exist)
    # or, with CloudShip OAuth, any active CloudShip account's token (as an admin).
    "api": {LOCAL: OPEN, OFF: NOBODY, KEY: NOBODY, OAUTH_ON: ANY, LOCAL_ALL: OPEN},
    # The rest of 8585 (/health, /debug, the UI page): served to anyone in every mode.
    "api-public": {LOCAL: OPEN, OFF: OPEN, KEY: OPEN, OAUTH_ON: OPEN},
    # 8587 /mcp: open unless CloudShip OAuth is enabled (and local mode off).
    "agent-mcp": {LOCAL: OPEN, OFF: OPEN, KEY: OPEN, OAUTH_ON: ANY, LOCAL_ALL: OPEN},
    # Webhook paths: open as admin unless STN_WEBHOOK_API_KEY; OAuth's wrapper also checks
    # them, and both together read one header.
    "webhooks": {LOCAL: OPEN, OFF: OPEN, KEY: AUTH, OAUTH_ON: ANY, BOTH: NOBODY, LOCAL_ALL: OPEN},
    "agent-public": {LOCAL: OPEN, OFF: OPEN, KEY: OPEN, OAUTH_ON: OPEN},
    # /openapi.yaml: the OAuth wrapper exempts only /health.
    "agent-openapi": {LOCAL: OPEN, OFF: OPEN, KEY: OPEN, OAUTH_ON: ANY},
    "management-mcp": {LOCAL: OPEN, OFF: OPEN, KEY: OPEN, OAUTH_ON: OPEN},
    "nats": {LOCAL: OPEN, OFF: OPEN, KEY: OPEN, OAUTH_ON: OPEN},
    # CloudShip's remote control exists only with cloudship=True.
    "cloudship": {LOCAL: OFF_, OFF: OFF_, OAUTH_ON: OFF_},
}

#: Where a refusal of ``StationDeployment(chart, "station")`` comes from.
STATION = "StationDeployment 'test/station'"
#: Where a refusal of :func:`ingress` comes from.
INGRESS = "StationIngress 'test/ingress'"
#: Where a refusal of :func:`gw_route` comes from.
ROUTE = "StationGatewayRoute 'test/route'"


def _cases() -> list[tuple[str, AuthSettings, Access]]:
    return [(key, s, a) for key, row in FACTS.items() for s, a in row.items()]


# ---------------------------------------------------------------------- the table
def test_the_table_has_exactly_the_rows_of_the_facts() -> None:
    assert [e.key for e in ENDPOINTS] == list(FACTS)


@pytest.mark.parametrize(("key", "settings", "expected"), _cases())
def test_each_row_matches_the_facts(key: str, settings: AuthSettings, expected: Access) -> None:
    assert verdicts(settings)[key].access is expected


def test_only_the_management_mcp_and_nats_are_never_exposed() -> None:
    assert set(never_exposed()) == {"mcp", "nats"}


@pytest.mark.parametrize(
    ("port", "path", "exact", "keys"),
    [
        ("dynamic-mcp", "/", False, ["agent-mcp", "webhooks", "agent-public", "agent-openapi"]),
        ("dynamic-mcp", "/mcp", False, ["agent-mcp"]),
        ("dynamic-mcp", "/mcp/sub", False, ["agent-mcp"]),
        ("dynamic-mcp", "/runs", False, ["webhooks"]),
        ("dynamic-mcp", "/runs/42", True, ["webhooks"]),
        ("dynamic-mcp", "/health", True, ["agent-public"]),
        ("api", "/", False, ["api", "api-public"]),
        ("api", "/api/v1", False, ["api", "api-public"]),
        ("api", "/health", True, ["api-public"]),
        ("mcp", "/mcp", False, ["management-mcp"]),
    ],
)
def test_routes_cover_the_endpoints_under_them(
    port: str, path: str, exact: bool, keys: list[str]
) -> None:
    assert [e.key for e in covered(port, path, exact=exact)] == keys


def test_the_documented_table_is_the_generated_one() -> None:
    from tests.support.paths import REPO

    text = (REPO / "docs" / "reaching-station.md").read_text()
    for release in RELEASES.values():
        table = markdown_table(release=release.tag)
        assert table in text
        for endpoint in release.endpoints:
            assert endpoint.title in table


# ---------------------------------------------------------------------- Station's own auth
def test_cloudship_oauth_renders_stations_variables(chart: Chart) -> None:
    station = StationDeployment(
        chart,
        "station",
        auth=StationAuth.cloudship_oauth(
            client_id="station-prod",
            introspect_url="https://auth.example.com/introspect/",
            scopes=["read", "stations"],
        ),
    )
    data = find(synth(chart), "ConfigMap", "station-config")["data"]
    assert data["STN_CLOUDSHIP_OAUTH_ENABLED"] == "true"
    assert data["STN_CLOUDSHIP_OAUTH_CLIENT_ID"] == "station-prod"
    assert data["STN_CLOUDSHIP_OAUTH_INTROSPECT_URL"] == "https://auth.example.com/introspect/"
    assert data["STN_CLOUDSHIP_OAUTH_SCOPES"] == "read stations"
    assert "STN_CLOUDSHIP_OAUTH_AUTH_URL" not in data  # Station's default applies
    assert station.auth_settings == OAUTH_ON


def test_webhook_key_comes_from_the_secret_only(chart: Chart) -> None:
    station = StationDeployment(
        chart, "station", auth=StationAuth.webhook_key(), api=ApiListener.off()
    )
    objects = synth(chart)
    assert "STN_WEBHOOK_API_KEY" not in find(objects, "ConfigMap", "station-config")["data"]
    env = find(objects, "Deployment", "station")["spec"]["template"]["spec"]["containers"][0]["env"]
    ref = next(e for e in env if e["name"] == "STN_WEBHOOK_API_KEY")
    assert ref["valueFrom"]["secretKeyRef"] == {
        "key": "STN_WEBHOOK_API_KEY",
        "name": "station-secrets",
        "optional": False,
    }
    assert "STN_WEBHOOK_API_KEY" in station.secret_variables
    assert "STN_WEBHOOK_API_KEY" in next_steps(station)  # the Secret command asks for it
    assert station.auth_settings == KEY


def test_webhook_key_missing_from_the_secret_source_is_refused(chart: Chart) -> None:
    source = ExternalSecretSource(
        "vault",
        remote_refs={
            "STATION_ENCRYPTION_KEY": RemoteRef("station", property="encryption_key"),
            "OPENAI_API_KEY": RemoteRef("station", property="openai"),
        },
    )
    assert_refused(
        lambda: StationDeployment(chart, "station", auth=StationAuth.webhook_key(), secret=source),
        field="secret",
        value=["OPENAI_API_KEY", "STATION_ENCRYPTION_KEY"],
        problem="does not provide STN_WEBHOOK_API_KEY",
        where=STATION,
    )


@pytest.mark.parametrize(
    ("arguments", "field", "value"),
    [
        ({"client_id": ""}, "client_id", ""),
        ({"client_id": "x", "introspect_url": "ftp://a"}, "introspect_url", "ftp://a"),
        ({"client_id": "x", "scopes": ["read stations"]}, "scopes", ["read stations"]),
        ({"client_id": "x", "scopes": "read"}, "scopes", "read"),
        (
            {"client_id": "x", "accept_any_cloudship_account": "yes"},
            "accept_any_cloudship_account",
            "yes",
        ),
    ],
)
def test_fails_on_bad_oauth_settings(arguments: dict[str, Any], field: str, value: Any) -> None:
    error = assert_refused(
        lambda: StationAuth.cloudship_oauth(**arguments), field=field, value=value
    )
    assert error.where == "StationAuth.cloudship_oauth"


def test_fails_on_auth_that_is_not_a_station_auth(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", auth=CloudShipOAuth(client_id="x")),  # type: ignore[arg-type]
        field="auth",
        value="CloudShipOAuth",
        fix="StationAuth.cloudship_oauth(client_id=...)",
    )


def test_a_webhook_key_with_the_api_served_warns_that_the_api_rejects_everyone(
    chart: Chart,
) -> None:
    with pytest.warns(StationAccessWarning, match="rejects every API and web UI request") as rec:
        StationDeployment(chart, "station", auth=StationAuth.webhook_key())
    assert rec[0].filename == __file__  # points at the caller, not into jsii


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"auth": StationAuth.webhook_key(), "api": ApiListener.off()},
        {"auth": OAUTH},
    ],
)
def test_no_warning_where_the_api_is_usable_or_absent(chart: Chart, kwargs: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", StationAccessWarning)
        StationDeployment(chart, "station", **kwargs)


# ---------------------------------------------------------------------- edge auth
def test_oauth2_proxy_at_nginx_protects_a_local_mode_station(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    ing = ingress(
        chart,
        station,
        edge_auth=NginxAuthUrl(
            "http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth",
            signin_url="https://$host/oauth2/start?rd=$escaped_request_uri",
            response_headers=["X-Auth-Request-Email"],
        ),
    )
    obj = find(synth(chart), "Ingress", "station")
    annotations = obj["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/auth-url"] == (
        "http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth"
    )
    assert annotations["nginx.ingress.kubernetes.io/auth-signin"] == (
        "https://$host/oauth2/start?rd=$escaped_request_uri"
    )
    assert annotations["nginx.ingress.kubernetes.io/auth-response-headers"] == (
        "X-Auth-Request-Email"
    )
    assert validate_manifest(obj, "1.37", strict=True) == []
    assert [e.edge_auth for e in ing.exposures] == [
        "ingress-nginx external auth (http://oauth2-proxy.oauth2-proxy.svc.cluster.local"
        "/oauth2/auth)"
    ] * 2
    # Only the edge is admitted from outside the namespace.
    policy = find(synth(chart), "NetworkPolicy", "station")
    outside = [
        peer
        for rule in policy["spec"]["ingress"]
        for peer in rule["from"]
        if "namespaceSelector" in peer or "ipBlock" in peer
    ]
    assert outside == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}
    ]
    assert "behind ingress-nginx external auth" in next_steps(station)


def test_basic_auth_at_nginx(chart: Chart) -> None:
    ingress(chart, StationDeployment(chart, "station"), edge_auth=NginxBasicAuth("users"))
    obj = find(synth(chart), "Ingress", "station")
    annotations = obj["metadata"]["annotations"]
    assert {k: v for k, v in annotations.items() if "/auth-" in k} == {
        "nginx.ingress.kubernetes.io/auth-type": "basic",
        "nginx.ingress.kubernetes.io/auth-secret": "users",
        "nginx.ingress.kubernetes.io/auth-secret-type": "auth-file",
        "nginx.ingress.kubernetes.io/auth-realm": "Station",
    }
    assert validate_manifest(obj, "1.37", strict=True) == []


def test_traefik_forward_auth_middleware(chart: Chart) -> None:
    ingress(
        chart,
        StationDeployment(chart, "station"),
        controller=IngressController.TRAEFIK,
        controller_namespace="traefik",
        edge_auth=TraefikMiddleware("sso", namespace="auth"),
    )
    annotations = find(synth(chart), "Ingress", "station")["metadata"]["annotations"]
    assert annotations["traefik.ingress.kubernetes.io/router.middlewares"] == (
        "auth-sso@kubernetescrd"
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "value", "problem"),
    [
        (
            {"edge_auth": TraefikMiddleware("sso")},
            "edge_auth",
            TraefikMiddleware("sso"),
            "written for nginx",
        ),
        ({"edge_auth": "oauth2-proxy"}, "edge_auth", "str", "must be an EdgeAuth"),
        (
            {"annotations": {"nginx.ingress.kubernetes.io/auth-url": OAUTH_SKIP}},
            "routes",
            "/",
            ["8585 `/api/v1/*`", "local mode is on"],
        ),
    ],
)
def test_fails_on_bad_edge_auth(
    chart: Chart, kwargs: Any, field: str, value: object, problem: list[str]
) -> None:
    assert_refused(
        lambda: ingress(chart, StationDeployment(chart, "station"), **kwargs),
        field=field,
        value=value,
        problem=problem,
        where=INGRESS,
    )


def test_fails_on_edge_auth_without_the_network_policy(chart: Chart) -> None:
    assert_refused(
        lambda: ingress(
            chart,
            StationDeployment(chart, "station", network_policy=None),
            edge_auth=NginxBasicAuth("users"),
        ),
        field="edge_auth",
        value="ingress-nginx basic auth (htpasswd Secret station/users)",
        problem=["renders no NetworkPolicy", "around the edge"],
        fix="keep StationDeployment's network_policy",
        where=INGRESS,
    )


def test_fails_on_routing_open_webhooks_of_a_station_with_only_oauth_for_mcp(
    chart: Chart,
) -> None:
    # local mode off, no OAuth: the API rejects everyone; routing it is refused first.
    with pytest.warns(StationAccessWarning):
        station = StationDeployment(chart, "station", auth=StationAuth.webhook_key())
    assert_refused(
        lambda: ingress(chart, station, routes=[IngressRoute(StationPort.API, "/")]),
        field="routes[0].path",
        value="/",
        problem="rejects every request",
        where=INGRESS,
    )


def test_fails_on_routing_the_agent_host_of_a_webhook_open_station(chart: Chart) -> None:
    station = StationDeployment(
        chart, "station", auth=StationAuth.webhook_key(), api=ApiListener.off()
    )
    assert_refused(
        lambda: ingress(chart, station),
        field="routes",
        value="/",
        problem=["8587 `/mcp`", "(local mode is off)"],
        where=INGRESS,
    )


def test_edge_auth_is_not_needed_where_station_authenticates(chart: Chart) -> None:
    station = StationDeployment(
        chart,
        "station",
        auth=StationAuth.cloudship_oauth(
            client_id="station-test", accept_any_cloudship_account=True
        ),
        network_policy=NetworkPolicyOptions(),
    )
    ing = ingress(chart, station, routes=[IngressRoute(StationPort.AGENT_MCP, "/", host="m.io")])
    assert [e.edge_auth for e in ing.exposures] == [None]
    assert station.exposures == list(ing.exposures)


def test_webhook_key_lets_only_the_webhook_paths_out(chart: Chart) -> None:
    station = StationDeployment(
        chart, "station", auth=StationAuth.webhook_key(), api=ApiListener.off()
    )
    ing = ingress(
        chart,
        station,
        routes=[
            IngressRoute(StationPort.AGENT_MCP, "/execute"),
            IngressRoute(StationPort.AGENT_MCP, "/runs"),
        ],
    )
    assert [e.path for e in ing.exposures] == ["/execute", "/runs"]
    assert_refused(
        lambda: ingress(
            chart,
            station,
            name="mcp",
            id="mcp",
            routes=[IngressRoute(StationPort.AGENT_MCP, "/mcp", host="mcp.example.com")],
        ),
        field="routes[0].path",
        value="/mcp",
        problem="8587 `/mcp`",
        where="StationIngress 'test/mcp'",
    )


def test_next_steps_reads_who_gets_in_from_the_network_policy(chart: Chart) -> None:
    closed = StationDeployment(
        chart, "station", network_policy=NetworkPolicyOptions(same_namespace_ports=[])
    )
    text = next_steps(closed)
    assert "8587 `/mcp`: open, anyone, as the admin user 1\n" in text
    assert "reachable from: only kubectl port-forward" in text
    assert "every pod in the cluster" not in text


def test_next_steps_says_every_pod_gets_in_without_a_network_policy(chart: Chart) -> None:
    text = next_steps(StationDeployment(chart, "station", network_policy=None))
    assert "reachable from: every pod in the cluster (no NetworkPolicy)" in text


def test_fails_on_basic_auth_in_front_of_a_path_station_authenticates(chart: Chart) -> None:
    station = StationDeployment(chart, "station", auth=OAUTH)
    assert_refused(
        lambda: ingress(chart, station, edge_auth=NginxBasicAuth("users")),
        field="edge_auth",
        value=NginxBasicAuth("users"),
        problem="both need the Authorization header",
        fix="protect the route one way",
        where=INGRESS,
    )


def test_a_gateway_route_can_use_the_same_entry_point(chart: Chart) -> None:
    """The hook for a Gateway API route construct: describe the route, call expose()."""
    from station_constructs._errors import _Guard
    from station_constructs.access import Exposure, expose

    guard = _Guard("HTTPRoute 'station'")
    station = StationDeployment(chart, "station")
    route = Exposure(
        via="HTTPRoute 'station' (https://station.example.com/mcp)",
        port="dynamic-mcp",
        path="/mcp",
        edge_auth="Envoy Gateway SecurityPolicy 'sso' (extAuth)",
        field="rules[0]",
    )
    [(exposure, endpoints)] = expose(guard, station, [route], allow=False)
    assert [e.key for e in endpoints] == ["agent-mcp"]
    assert station.exposures == [route]
    assert "behind Envoy Gateway SecurityPolicy 'sso' (extAuth)" in next_steps(station)
    assert_refused(
        lambda: expose(
            guard,
            station,
            [Exposure(via="HTTPRoute", port="dynamic-mcp", path="/mcp", field="rules[0]")],
            allow=False,
        ),
        field="rules[0]",
        value="/mcp",
        where="HTTPRoute 'station'",
    )


def test_fails_on_the_webhook_key_as_a_plain_secret_variable(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", secret_variables=["STN_WEBHOOK_API_KEY"]),
        field="secret_variables",
        value="STN_WEBHOOK_API_KEY",
        fix="pass auth=StationAuth.webhook_key()",
        where=STATION,
    )


def test_fails_on_oauth_settings_of_the_wrong_type(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", auth={"client_id": "x"}),  # type: ignore[arg-type]
        field="auth",
        value="dict",
        problem="must be StationAuth.local()",
        where=STATION,
    )


def test_access_tables_script_describes_every_example() -> None:
    import subprocess
    import sys

    from tests.support.paths import REPO

    done = subprocess.run(
        [sys.executable, "scripts/access_tables.py", "production", "load_balancer"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    load_balancer, production = done.stdout.split("### examples/production.py")
    assert (
        "| 8587 `/mcp` | **open**: anyone, as the admin user 1 | pods in namespace station; "
        "pods in namespace ingress-nginx; Ingress 'station' (https://station.example.com/mcp) "
        "behind ingress-nginx external auth" in production
    )
    assert (
        "| 8585 `/api/v1/*` (what the web UI calls) | **open**: anyone, as the admin "
        "user 1 | only kubectl port-forward |" in production
    )
    assert (
        "| 8587 `/mcp` | **any CloudShip account**: Bearer &lt;any active CloudShip OAuth "
        "token&gt;: runs the agents |" in load_balancer
    )


# ---------------------------------------------------------------------- Gateway API routes
def gw_route(chart: Chart, station: StationDeployment, impl: Any, **kwargs: Any) -> Any:
    from station_constructs import GatewayRef, StationGatewayRoute

    kwargs.setdefault("data_plane_namespace", "gateway-system")
    return StationGatewayRoute(
        chart,
        "route",
        station=station,
        gateway=GatewayRef("shared", namespace="gateway", implementation=impl),
        host="station.example.com",
        **kwargs,
    )


def test_envoy_gateway_security_policy_protects_a_local_mode_station(chart: Chart) -> None:
    from station_constructs import GatewayImplementation

    station = StationDeployment(chart, "station")
    route = gw_route(
        chart,
        station,
        GatewayImplementation.ENVOY_GATEWAY,
        edge_auth=EnvoySecurityPolicy("sso", policy_applied_first=True),
    )
    assert [e.edge_auth for e in route.exposures] == [
        "SecurityPolicy station/sso (yours to apply, first)"
    ] * 2
    obj = find(synth(chart), "HTTPRoute", "station")
    assert all("filters" not in rule for rule in obj["spec"]["rules"])
    assert "HTTPRoute 'station' (https://station.example.com/mcp) behind SecurityPolicy" in (
        next_steps(station)
    )


def test_traefik_gateway_route_references_the_middleware_on_every_rule(chart: Chart) -> None:
    from station_constructs import GatewayImplementation
    from tests.support.crd_schema import validate_custom_object

    gw_route(
        chart,
        StationDeployment(chart, "station"),
        GatewayImplementation.TRAEFIK,
        edge_auth=TraefikMiddleware("forward-auth"),
    )
    obj = find(synth(chart), "HTTPRoute", "station")
    assert validate_custom_object(obj) == []
    assert [rule["filters"] for rule in obj["spec"]["rules"]] == [
        [
            {
                "type": "ExtensionRef",
                "extensionRef": {
                    "group": "traefik.io",
                    "kind": "Middleware",
                    "name": "forward-auth",
                },
            }
        ]
    ] * 2


def test_fails_on_a_gateway_route_to_an_open_agent_mcp(chart: Chart) -> None:
    from station_constructs import GatewayImplementation

    station = StationDeployment(
        chart, "station", auth=StationAuth.webhook_key(), api=ApiListener.off()
    )
    error = assert_refused(
        lambda: gw_route(chart, station, GatewayImplementation.ENVOY_GATEWAY),
        field="routes",
        value="/",
        problem=["8587 `/mcp`", "(local mode is off)"],
        fix="(1) authenticate at the edge",
        where=ROUTE,
    )
    assert error.problem.startswith("HTTPRoute 'station'"), error.problem


@pytest.mark.parametrize(
    ("impl", "edge", "field", "value", "problem", "fix"),
    [
        (
            "ENVOY_GATEWAY",
            IstioAuthorizationPolicy("sso", policy_applied_first=True),
            "edge_auth",
            IstioAuthorizationPolicy(name="sso", policy_applied_first=True),
            "with a SecurityPolicy",
            "",
        ),
        (
            "ISTIO",
            EnvoySecurityPolicy("sso", policy_applied_first=True),
            "edge_auth",
            EnvoySecurityPolicy(name="sso", policy_applied_first=True),
            "with a AuthorizationPolicy",
            "",
        ),
        (
            "CILIUM",
            EnvoySecurityPolicy("sso", policy_applied_first=True),
            "edge_auth",
            "SecurityPolicy/sso",
            "knows no way cilium attaches",
            "",
        ),
        (
            "ENVOY_GATEWAY",
            NginxBasicAuth("users"),
            "edge_auth",
            NginxBasicAuth(secret_name="users", realm="Station"),
            "not something a envoy_gateway",
            "",
        ),
        (
            "TRAEFIK",
            TraefikMiddleware("sso", namespace="auth"),
            "edge_auth.namespace",
            "auth",
            "route's own namespace",
            "",
        ),
        ("ENVOY_GATEWAY", "sso", "edge_auth", "sso", "", "EnvoySecurityPolicy("),
        # With an implementation the library does not know, no policy kind is accepted.
        (
            "OTHER",
            EnvoySecurityPolicy("x", policy_applied_first=True),
            "edge_auth",
            "SecurityPolicy/x",
            "knows no way other attaches",
            "",
        ),
    ],
)
def test_fails_on_gateway_edge_auth_the_implementation_does_not_apply(
    chart: Chart,
    impl: str,
    edge: Any,
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    from station_constructs import GatewayImplementation

    kwargs: dict[str, Any] = {"admit_data_plane": False} if impl == "CILIUM" else {}
    if impl == "OTHER":
        kwargs["data_plane_namespace"] = "gw"
    assert_refused(
        lambda: gw_route(
            chart,
            StationDeployment(chart, "station"),
            GatewayImplementation[impl],
            edge_auth=edge,
            **({"data_plane_namespace": None} | kwargs),
        ),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=ROUTE,
    )


def test_fails_on_a_gateway_policy_on_an_ingress(chart: Chart) -> None:
    policy = EnvoySecurityPolicy("sso", policy_applied_first=True)
    assert_refused(
        lambda: ingress(chart, StationDeployment(chart, "station"), edge_auth=policy),
        field="edge_auth",
        value=policy,
        problem="an Ingress controller would not apply it",
        where=INGRESS,
    )


def test_edge_auth_in_front_of_an_oauth_api_needs_the_network_policy(chart: Chart) -> None:
    """Any CloudShip account is an admin on the API: pods must not go around the edge."""
    station = StationDeployment(chart, "station", auth=OAUTH, network_policy=None)
    assert_refused(
        lambda: ingress(
            chart,
            station,
            edge_auth=NginxAuthUrl(OAUTH_SKIP),
            routes=[IngressRoute(StationPort.API, "/")],
        ),
        field="edge_auth",
        problem=["or to any CloudShip account, as an admin", "renders no NetworkPolicy"],
        where=INGRESS,
    )
