"""Argument types: every bool, list, mapping, label and free-text setting is checked strictly.

A value of the wrong type must never be accepted because Python finds it truthy (``"false"``
turning local mode on), split into characters (``"regcred"`` as a list), end in a jsii or
TypeError stack trace, or pass a regular expression thanks to a trailing newline. Each case
raises StationConfigError at construct time naming the field and the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cdk8s
import pytest
from cdk8s import Chart

from station_constructs import (
    AIProvider,
    CloudShip,
    EgressRules,
    ExistingSecret,
    ExternalSecretSource,
    ExternalService,
    IngressRoute,
    LitestreamBackup,
    LitestreamMetrics,
    LitestreamServiceMonitor,
    NetworkPolicyOptions,
    NginxAuthUrl,
    Resources,
    S3Replica,
    StationAuth,
    StationDeployment,
    StationPort,
    StationStorage,
    StationVolumeSnapshot,
)
from station_constructs._settings.station import ConfigPersistence, ExternalAccess
from tests.conftest import find, synth
from tests.support.builders import ANY_ACCOUNT, backup, nginx_ingress, station
from tests.support.refusals import assert_refused

# Any CloudShip account's token passes the agent MCP: accepted, so it may be exposed.
# Routes to the API (whose CloudShip OAuth callers are admins) need edge authentication.
EDGE = NginxAuthUrl("http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth")

Build = Callable[[Chart], Any]
# A LoadBalancer that is accepted as it is: the agent MCP only (the API is never exposed
# with CloudShip OAuth alone), so each case fails on its own field.
LB = {
    "auth": ANY_ACCOUNT,
    "external_service": ExternalService.load_balancer(ports=[StationPort.AGENT_MCP]),
}


def monitor(chart: Chart, **kwargs: Any) -> LitestreamServiceMonitor:
    s = station(chart)
    LitestreamBackup(
        chart,
        "backup",
        station=s,
        replica=S3Replica.aws("station-backups"),
    )
    return LitestreamServiceMonitor(chart, "monitor", station=s, **kwargs)


def snapshot(chart: Chart, **kwargs: Any) -> StationVolumeSnapshot:
    kwargs.setdefault("snapshot_class", "csi-snapclass")
    return StationVolumeSnapshot(chart, "snap", station=station(chart), **kwargs)


def policy(chart: Chart, **kwargs: Any) -> StationDeployment:
    return station(chart, network_policy=NetworkPolicyOptions(**kwargs))


def egress(chart: Chart, **kwargs: Any) -> StationDeployment:
    kwargs.setdefault("cidrs", ["10.0.0.0/8"])
    return policy(chart, egress=EgressRules(**kwargs))


def add_namespaces(chart: Chart, *args: Any, **kwargs: Any) -> None:
    s = station(chart)
    assert s.network_policy is not None
    s.network_policy.allow_from_namespaces(*args, **kwargs)


def security_context(chart: Chart) -> None:
    StationDeployment.container_security_context(read_only_root="false")  # type: ignore[arg-type]


# (case id, build, the field refused, the value it reports, problem fragments, fix fragments)
CASES: list[tuple[str, Build, str, Any, str | list[str], str | list[str]]] = [
    # --- 1. booleans: only True/False (None only where the signature allows it) ----------
    ("auth 'local'", lambda c: station(c, auth="local"), "auth", "local", "", ""),
    ("auth None", lambda c: station(c, auth=None), "auth", None, "", ""),
    (
        "accept_any_cloudship_account 'false'",
        lambda c: StationAuth.cloudship_oauth("x", accept_any_cloudship_account="false"),  # type: ignore[arg-type]
        "accept_any_cloudship_account",
        "false",
        "",
        "",
    ),
    ("api False", lambda c: station(c, api=False), "api", False, "", ""),
    ("cloudship 'yes'", lambda c: station(c, cloudship="yes"), "cloudship", "yes", "", ""),
    ("cloudship True (0.1)", lambda c: station(c, cloudship=True), "cloudship", True, "", ""),
    ("telemetry 0", lambda c: CloudShip.connected(telemetry=0), "telemetry", 0, "", ""),  # type: ignore[arg-type]
    (
        "config_directory enum",
        lambda c: station(c, config_directory=ConfigPersistence.IMAGE),
        "config_directory",
        "ConfigPersistence",
        "",
        "",
    ),
    (
        "external_service enum",
        lambda c: station(c, external_service=ExternalAccess.NODE_PORT),
        "external_service",
        "ExternalAccess",
        "",
        "",
    ),
    (
        "read_only_root_filesystem 'false'",
        lambda c: station(c, read_only_root_filesystem="false"),
        "read_only_root_filesystem",
        "false",
        "",
        "",
    ),
    (
        "create_namespace 'false'",
        lambda c: station(c, create_namespace="false"),
        "create_namespace",
        "false",
        "",
        "",
    ),
    (
        "allow_unpinned_image 'no'",
        lambda c: station(c, allow_unpinned_image="no"),
        "allow_unpinned_image",
        "no",
        "",
        "",
    ),
    (
        "station allow_unauthenticated_exposure 'no'",
        lambda c: station(
            c, external_service=ExternalService.load_balancer(), allow_unauthenticated_exposure="no"
        ),
        "allow_unauthenticated_exposure",
        "no",
        "",
        "",
    ),
    (
        "storage.create 'no'",
        lambda c: station(c, storage=StationStorage(create="no")),  # type: ignore[arg-type]
        "storage.create",
        "no",
        "",
        "",
    ),
    (
        "storage.protect_from_prune 'false'",
        lambda c: station(c, storage=StationStorage(protect_from_prune="false")),  # type: ignore[arg-type]
        "storage.protect_from_prune",
        "false",
        "",
        "",
    ),
    (
        "ingress allow_unauthenticated_exposure 'no'",
        lambda c: nginx_ingress(c, station(c), edge_auth=EDGE, allow_unauthenticated_exposure="no"),
        "allow_unauthenticated_exposure",
        "no",
        "",
        "",
    ),
    (
        "egress allow_dns 'false'",
        lambda c: egress(c, allow_dns="false"),
        "network_policy.egress.allow_dns",
        "false",
        "",
        "",
    ),
    (
        "snapshot protect_from_prune 'false'",
        lambda c: snapshot(c, protect_from_prune="false"),
        "protect_from_prune",
        "false",
        "",
        "",
    ),
    ("litestream metrics 'false'", lambda c: backup(c, metrics="false"), "metrics", "str", "", ""),
    (
        "litestream prometheus_annotations 'yes'",
        lambda c: LitestreamMetrics.served(prometheus_annotations="yes"),  # type: ignore[arg-type]
        "prometheus_annotations",
        "yes",
        "",
        "",
    ),
    (
        "litestream force_path_style 'false'",
        lambda c: S3Replica.aws("station-backups", force_path_style="false"),  # type: ignore[arg-type]
        "force_path_style",
        "false",
        "",
        "",
    ),
    ("container_security_context 'false'", security_context, "read_only_root", "false", "", ""),
    # --- 2. regular expressions match the whole value, not up to a trailing newline ---------
    (
        "namespace newline",
        lambda c: station(c, namespace="station\n"),
        "namespace",
        "station\n",
        "",
        "",
    ),
    ("name newline", lambda c: station(c, name="station\n"), "name", "station\n", "", ""),
    (
        "storage size newline",
        lambda c: station(c, storage=StationStorage(size="10Gi\n")),
        "storage.size",
        "10Gi\n",
        "",
        "",
    ),
    (
        "storage class newline",
        lambda c: station(c, storage=StationStorage(storage_class="gp3\n")),
        "storage.storage_class",
        "gp3\n",
        "",
        "",
    ),
    (
        "secret variable newline",
        lambda c: station(c, secret_variables=["GH\n"]),
        "secret_variables[]",
        "GH\n",
        "",
        "",
    ),
    ("env key newline", lambda c: station(c, env={"LOG\n": "x"}), "env", "LOG\n", "", ""),
    (
        "cpu newline",
        lambda c: station(c, resources=Resources(cpu_request="250m\n")),
        "resources.cpu_request",
        "250m\n",
        "",
        "",
    ),
    (
        "image pull secret newline",
        lambda c: station(c, image_pull_secrets=["regcred\n"]),
        "image_pull_secrets[]",
        "regcred\n",
        "",
        "",
    ),
    (
        "key_names value newline",
        lambda c: station(c, secret=ExistingSecret(key_names={"OPENAI_API_KEY": "openai\n"})),
        "secret.key_names['OPENAI_API_KEY']",
        "openai\n",
        "",
        "",
    ),
    ("bucket newline", lambda c: backup(c, bucket="abc\n"), "bucket", "abc\n", "", ""),
    ("litestream path newline", lambda c: backup(c, path="a/b\n"), "path", "a/b\n", "", ""),
    (
        "litestream region newline",
        lambda c: backup(c, region="eu-west-1\n"),
        "region",
        "eu-west-1\n",
        "",
        "",
    ),
    (
        "ingress host newline",
        lambda c: nginx_ingress(c, edge_auth=EDGE, host="a.example.com\n"),
        "host",
        "a.example.com\n",
        "",
        "",
    ),
    (
        "ingress path newline",
        lambda c: nginx_ingress(
            c, edge_auth=EDGE, routes=[IngressRoute(StationPort.AGENT_MCP, "/mcp\n")]
        ),
        "routes[0].path",
        "/mcp\n",
        "",
        "",
    ),
    (
        "ingress body size newline",
        lambda c: nginx_ingress(c, edge_auth=EDGE, max_request_body="16m\n"),
        "max_request_body",
        "16m\n",
        "",
        "",
    ),
    (
        "snapshot class newline",
        lambda c: snapshot(c, snapshot_class="csi\n"),
        "snapshot_class",
        "csi\n",
        "",
        "",
    ),
    (
        "label key newline",
        lambda c: station(c, labels={"team\n": "ai"}),
        "labels",
        "team\n",
        "",
        "",
    ),
    (
        "label value newline",
        lambda c: station(c, labels={"team": "ai\n"}),
        "labels['team']",
        "ai\n",
        "",
        "",
    ),
    # --- 3. lists: never a string split into characters, never None ---------------------
    (
        "source_ranges string",
        lambda c: ExternalService.load_balancer(source_ranges="10.0.0.0/8"),
        "source_ranges",
        "10.0.0.0/8",
        "",
        "",
    ),
    (
        "source_ranges None",
        lambda c: ExternalService.load_balancer(source_ranges=None),  # type: ignore[arg-type]
        "source_ranges",
        None,
        "",
        "",
    ),
    (
        "source_ranges host bits",
        lambda c: ExternalService.load_balancer(source_ranges=["10.0.0.1/8"]),
        "source_ranges[]",
        "10.0.0.1/8",
        "",
        "",
    ),
    (
        "source_ranges no prefix",
        lambda c: ExternalService.load_balancer(source_ranges=["10.0.0.0"]),
        "source_ranges[]",
        "10.0.0.0",
        "",
        "",
    ),
    (
        "source_ranges netmask",
        lambda c: ExternalService.load_balancer(source_ranges=["10.0.0.0/255.0.0.0"]),
        "source_ranges[]",
        "10.0.0.0/255.0.0.0",
        "",
        "",
    ),
    (
        "image_pull_secrets string",
        lambda c: station(c, image_pull_secrets="regcred"),
        "image_pull_secrets",
        "regcred",
        "",
        "",
    ),
    (
        "image_pull_secrets None",
        lambda c: station(c, image_pull_secrets=None),
        "image_pull_secrets",
        None,
        "",
        "",
    ),
    (
        "secret_variables string",
        lambda c: station(c, secret_variables="GH"),
        "secret_variables",
        "GH",
        "",
        "",
    ),
    (
        "secret_variables None",
        lambda c: station(c, secret_variables=None),
        "secret_variables",
        None,
        "",
        "",
    ),
    (
        "extra_providers string",
        lambda c: station(c, extra_providers="gemini"),
        "extra_providers",
        "gemini",
        "",
        "",
    ),
    (
        "extra_providers one enum",
        lambda c: station(c, extra_providers=AIProvider.GEMINI),
        "extra_providers",
        AIProvider.GEMINI,
        "",
        "",
    ),
    (
        "extra_providers None",
        lambda c: station(c, extra_providers=None),
        "extra_providers",
        None,
        "",
        "",
    ),
    (
        "ports one port",
        lambda c: ExternalService.load_balancer(ports=StationPort.AGENT_MCP),  # type: ignore[arg-type]
        "ports",
        StationPort.AGENT_MCP,
        "",
        "",
    ),
    (
        "metrics_namespaces None",
        lambda c: backup(c, metrics_namespaces=None),
        "metrics_namespaces",
        None,
        "",
        "",
    ),
    (
        "prometheus_namespaces None",
        lambda c: monitor(c, prometheus_namespaces=None),
        "prometheus_namespaces",
        None,
        "",
        "",
    ),
    (
        "ingress_namespaces None",
        lambda c: policy(c, ingress_namespaces=None),
        "network_policy.ingress_namespaces",
        None,
        "",
        "",
    ),
    (
        "ingress_ports one port",
        lambda c: policy(c, ingress_namespaces=["ingress-nginx"], ingress_ports=StationPort.API),
        "network_policy.ingress_ports",
        StationPort.API,
        "",
        "",
    ),
    (
        "same_namespace_ports one int",
        lambda c: policy(c, same_namespace_ports=8587),
        "network_policy.same_namespace_ports",
        8587,
        "",
        "",
    ),
    (
        "egress cidrs None",
        lambda c: egress(c, cidrs=None, namespaces=["proxy"]),
        "network_policy.egress.cidrs",
        None,
        "",
        "",
    ),
    (
        "egress ports int",
        lambda c: egress(c, ports=443),
        "network_policy.egress.ports",
        443,
        "",
        "",
    ),
    (
        "ingress routes string",
        lambda c: nginx_ingress(c, edge_auth=EDGE, routes="/mcp"),
        "routes",
        "/mcp",
        "",
        "",
    ),
    (
        "allow_from_namespaces ports float",
        lambda c: add_namespaces(c, ["monitoring"], 90.9),
        "network_policy.ports",
        90.9,
        "",
        "",
    ),
    # --- 3b. mappings: a dict, not a list of pairs or a string ------------------------
    ("env list of pairs", lambda c: station(c, env=[("A", "b")]), "env", [("A", "b")], "", ""),
    ("env string", lambda c: station(c, env="A=b"), "env", "A=b", "", ""),
    (
        "node_ports list",
        lambda c: station(
            c,
            auth=ANY_ACCOUNT,
            external_service=ExternalService.node_port(node_ports=[(StationPort.AGENT_MCP, 30087)]),  # type: ignore[arg-type]
        ),
        "node_ports",
        [(StationPort.AGENT_MCP, 30087)],
        "",
        "",
    ),
    (
        "key_names list of pairs",
        lambda c: station(
            c,
            secret=ExistingSecret(key_names=[("OPENAI_API_KEY", "openai")]),  # type: ignore[arg-type]
        ),
        "secret.key_names",
        [("OPENAI_API_KEY", "openai")],
        "",
        "",
    ),
    (
        "external secret key_names string",
        lambda c: station(
            c,
            secret=ExternalSecretSource(
                "vault",
                remote_refs={"STATION_ENCRYPTION_KEY": "k", "OPENAI_API_KEY": "o"},
                key_names="OPENAI_API_KEY",  # type: ignore[arg-type]
            ),
        ),
        "secret.key_names",
        "OPENAI_API_KEY",
        "",
        "",
    ),
    ("labels list", lambda c: station(c, labels=["team"]), "labels", ["team"], "", ""),
    # --- 4. labels and annotations -----------------------------------------------------
    ("labels bad key", lambda c: station(c, labels={"bad key": "a"}), "labels", "bad key", "", ""),
    (
        "labels bad value",
        lambda c: station(c, labels={"team": "a b"}),
        "labels['team']",
        "a b",
        "",
        "",
    ),
    ("labels int value", lambda c: station(c, labels={"team": 5}), "labels['team']", 5, "", ""),
    (
        "labels value over 63",
        lambda c: station(c, labels={"team": "a" * 64}),
        "labels['team']",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "",
        "",
    ),
    (
        "labels key name over 63",
        lambda c: station(c, labels={"example.com/" + "k" * 64: "a"}),
        "labels",
        "example.com/kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
        "",
        "",
    ),
    (
        "annotations bad key",
        lambda c: station(c, annotations={"bad key": "x"}),
        "annotations",
        "bad key",
        "",
        "",
    ),
    (
        "annotations int value",
        lambda c: station(c, annotations={"example.com/x": 1}),
        "annotations['example.com/x']",
        1,
        "",
        "",
    ),
    (
        "annotations too large",
        lambda c: station(c, annotations={"example.com/x": "a" * 300_000}),
        "annotations",
        "<300013 bytes>",
        "",
        "",
    ),
    (
        "external service annotations bad key",
        lambda c: ExternalService.node_port(annotations={"bad key": "x"}),
        "annotations",
        "bad key",
        "",
        "",
    ),
    (
        "ingress annotations int value",
        lambda c: nginx_ingress(c, edge_auth=EDGE, annotations={"example.com/x": 1}),
        "annotations['example.com/x']",
        1,
        "",
        "",
    ),
    (
        "monitor labels value over 63",
        lambda c: monitor(c, labels={"release": "r" * 64}),
        "labels['release']",
        "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr",
        "",
        "",
    ),
    (
        "monitor labels int value",
        lambda c: monitor(c, labels={"release": 5}),
        "labels['release']",
        5,
        "",
        "",
    ),
    (
        "pod_labels bad key",
        lambda c: add_namespaces(c, ["ci"], [8587], pod_labels={"bad key": "v"}),
        "network_policy.pod_labels",
        "bad key",
        "",
        "",
    ),
    (
        "pod_labels int value",
        lambda c: add_namespaces(c, ["ci"], [8587], pod_labels={"role": 5}),
        "network_policy.pod_labels['role']",
        5,
        "",
        "",
    ),
    # --- 5. numbers and free-text settings ------------------------------------------------
    ("replicas float", lambda c: station(c, replicas=1.0), "replicas", 1.0, "", ""),
    ("replicas string", lambda c: station(c, replicas="1"), "replicas", "1", "", ""),
    (
        "model too long",
        lambda c: station(c, model="x" * 2_000_000),
        "model",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... (2000000 characters)",
        "",
        "",
    ),
    ("model newline", lambda c: station(c, model="gpt-4o\n"), "model", "gpt-4o\n", "", ""),
    (
        "model bidi override",
        lambda c: station(c, model="gpt\u202e4o"),
        "model",
        "gpt\u202e4o",
        "",
        "",
    ),
    ("model zero width", lambda c: station(c, model="gpt\u200b4o"), "model", "gpt\u200b4o", "", ""),
    ("model int", lambda c: station(c, model=4), "model", 4, "", ""),
    (
        "bundle_id newline",
        lambda c: station(c, cloudship=CloudShip.connected(bundle_id="b-1\nX=1")),
        "bundle_id",
        "b-1\nX=1",
        "",
        "",
    ),
    (
        "serve_environment path",
        lambda c: station(c, serve_environment="bad env/../"),
        "serve_environment",
        "bad env/../",
        "",
        "",
    ),
    (
        "serve_environment newline",
        lambda c: station(c, serve_environment="prod\n"),
        "serve_environment",
        "prod\n",
        "",
        "",
    ),
    (
        "ai_base_url ftp",
        lambda c: station(c, ai_base_url="ftp://x"),
        "ai_base_url",
        "ftp://x",
        "",
        "",
    ),
    (
        "ai_base_url no host",
        lambda c: station(c, ai_base_url="https://"),
        "ai_base_url",
        "https://",
        "",
        "",
    ),
    (
        "ai_base_url bad host",
        lambda c: station(c, ai_base_url="https://bad_host/v1"),
        "ai_base_url",
        "https://bad_host/v1",
        "",
        "",
    ),
    (
        "ai_base_url credentials",
        lambda c: station(c, ai_base_url="https://user:pw@llm.internal/v1"),
        "ai_base_url",
        "<redacted>",
        "contains credentials",
        "",
    ),
    (
        "ai_base_url bad port",
        lambda c: station(c, ai_base_url="https://llm.internal:99999/v1"),
        "ai_base_url",
        "https://llm.internal:99999/v1",
        "",
        "",
    ),
    (
        "otlp_endpoint space in host",
        lambda c: station(c, otlp_endpoint="http:// bad host"),
        "otlp_endpoint",
        "http:// bad host",
        "",
        "",
    ),
    (
        "otlp_endpoint underscore host",
        lambda c: station(c, otlp_endpoint="http://otel_collector:4318"),
        "otlp_endpoint",
        "http://otel_collector:4318",
        "",
        "",
    ),
    (
        "litestream image 1.0",
        lambda c: backup(c, image="myreg.io/ls:1.0"),
        "image",
        "myreg.io/ls:1.0",
        "",
        "",
    ),
    (
        "litestream image minor tag",
        lambda c: backup(c, image="litestream/litestream:0.5"),
        "image",
        "litestream/litestream:0.5",
        "",
        "",
    ),
    (
        "litestream image foreign suffix",
        lambda c: backup(c, image="litestream/litestream:0.5.17-alpine"),
        "image",
        "litestream/litestream:0.5.17-alpine",
        "",
        "",
    ),
    (
        "litestream image 0.5 with a 4th part",
        lambda c: backup(c, image="litestream/litestream:0.5.17.1"),
        "image",
        "litestream/litestream:0.5.17.1",
        "",
        "",
    ),
]


@pytest.mark.parametrize(
    ("case", "build", "field", "value", "problem", "fix"), CASES, ids=[c[0] for c in CASES]
)
def test_wrong_argument_type_is_refused(
    case: str,
    build: Build,
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    chart = Chart(cdk8s.Testing.app(), "test")
    error = assert_refused(lambda: build(chart), field=field, value=value, problem=problem, fix=fix)
    message = str(error)
    assert "jsii" not in message.lower()
    assert error.__cause__ is None or isinstance(error.__cause__, ValueError)
    assert len(message) < 2000, f"{case}: the message repeats a huge value"


@pytest.mark.parametrize(
    ("build", "field", "problem", "fix"),
    [
        (
            lambda c: station(c, image_pull_secrets="regcred"),
            "image_pull_secrets",
            "",
            "['regcred']",
        ),
        (
            lambda c: station(c, extra_providers="gemini"),
            "extra_providers",
            "",
            "[AIProvider.GEMINI]",
        ),
        (lambda c: CloudShip.connected(telemetry="false"), "telemetry", "would count as True", ""),  # type: ignore[arg-type]
        (lambda c: station(c, env=[("A", "b")]), "env", "", "pass a dict"),
        (lambda c: backup(c, image="myreg.io/ls:1.0"), "image", "", "digest"),
    ],
)
def test_the_fix_shows_the_right_shape(build: Build, field: str, problem: str, fix: str) -> None:
    chart = Chart(cdk8s.Testing.app(), "test")
    assert_refused(lambda: build(chart), field=field, problem=problem, fix=fix)


def test_falsy_strings_never_turn_a_flag_on() -> None:
    for value in ("false", "False", "no", "0", ""):
        assert_refused(lambda: CloudShip.connected(telemetry=value), field="telemetry")  # type: ignore[arg-type]  # noqa: B023
        assert_refused(
            lambda: StationAuth.cloudship_oauth("x", accept_any_cloudship_account=value),  # type: ignore[arg-type]  # noqa: B023
            field="accept_any_cloudship_account",
        )


def test_valid_values_of_every_shape_are_still_accepted(chart: Chart) -> None:
    s = StationDeployment(
        chart,
        "station",
        auth=ANY_ACCOUNT,
        external_service=ExternalService.load_balancer(
            ports=(StationPort.AGENT_MCP,),
            source_ranges=["203.0.113.0/24", "2001:db8::/32"],
            annotations={"service.beta.kubernetes.io/x": "multi\nline ok"},
        ),
        create_namespace=False,
        image_pull_secrets=("regcred",),
        extra_providers=[AIProvider.GEMINI],
        secret_variables=("GITHUB_TOKEN",),
        model="claude-sonnet-4-5",
        ai_base_url="http://[fd00::1]:8080/v1",
        otlp_endpoint="http://10.0.0.5:4318",
        serve_environment="prod_eu-1",
        labels={"team": "ai", "example.com/cost-center": "", "tier": "A" * 63},
        annotations={"example.com/owner": "team ai"},
        env={"LOG_LEVEL": "debug"},
        network_policy=NetworkPolicyOptions(
            same_namespace_ports=None,
            ingress_namespaces=("ingress-nginx",),
            egress=EgressRules(cidrs=("10.0.0.0/8",), ports=(443,), allow_dns=False),
        ),
    )
    assert s.network_policy is not None
    s.network_policy.allow_from_namespaces(("ci",), (8587,), pod_labels={"role": "runner"})
    svc = find(synth(chart), "Service", "station-external")
    assert svc["spec"]["loadBalancerSourceRanges"] == ["203.0.113.0/24", "2001:db8::/32"]
    assert s.settings["STN_AI_BASE_URL"] == "http://[fd00::1]:8080/v1"


@pytest.mark.parametrize(
    "image",
    [
        "docker.io/litestream/litestream:0.5.17",
        "litestream/litestream:0.5.0",
        "registry.internal:5000/mirror/litestream:v0.5.3",
        "litestream/litestream@sha256:" + "a" * 64,
        "litestream/litestream:0.5.17@sha256:" + "b" * 64,
    ],
)
def test_litestream_0_5_tags_and_digests_are_accepted(chart: Chart, image: str) -> None:
    assert backup(chart, image=image).image == image


def test_ingress_allow_none_falls_back_to_the_station(chart: Chart) -> None:
    s = station(chart, allow_unauthenticated_exposure=True)
    assert nginx_ingress(
        chart, s, edge_auth=EDGE, allow_unauthenticated_exposure=None
    ).allow_unauthenticated_exposure
