"""Every custom resource the library renders is valid against the openAPIV3Schema of its
CustomResourceDefinition in the repository's crds/ (served version, structural pruning, CEL
rules)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cdk8s
import pytest
from cdk8s import Chart

from station_constructs import (
    AIProvider,
    ApiListener,
    ExternalSecretSource,
    ExternalService,
    GatewayImplementation,
    GatewayRef,
    IngressRoute,
    IngressTls,
    IstioAuthorizationPolicy,
    LitestreamBackup,
    LitestreamServiceMonitor,
    NetworkPolicyOptions,
    RemoteRef,
    S3Credentials,
    S3Replica,
    SealedSecretSource,
    SealingScope,
    SecretStoreKind,
    StationDeployment,
    StationGateway,
    StationGatewayRoute,
    StationPort,
    StationStorage,
    StationVolumeSnapshot,
    TraefikMiddleware,
)
from tests.support.builders import ANY_ACCOUNT
from tests.support.crd_schema import is_custom_kind, validate_custom_object
from tests.test_examples import doc_apps, run_app, schema_errors

# Any CloudShip account's token passes the agent MCP: accepted, so it may be exposed (the
# API never is with CloudShip OAuth alone: its OAuth callers are admins).

Manifest = dict[str, Any]


def sealed(seed: int) -> str:
    raw = (512).to_bytes(2, "big") + bytes((i * 13 + seed) % 256 for i in range(512 + 64))
    return base64.b64encode(raw).decode()


def external_secret_app(chart: Chart) -> None:
    StationDeployment(
        chart,
        "station",
        auth=ANY_ACCOUNT,
        provider=AIProvider.ANTHROPIC,
        extra_providers=[AIProvider.OPENAI],
        secret=ExternalSecretSource(
            "aws-secrets-manager",
            store_kind=SecretStoreKind.CLUSTER_SECRET_STORE,
            remote_refs={
                "STATION_ENCRYPTION_KEY": RemoteRef("station/prod", property="encryption_key"),
                "ANTHROPIC_API_KEY": RemoteRef("station/prod", property="anthropic_api_key"),
                "OPENAI_API_KEY": RemoteRef("station/openai", version="AWSCURRENT"),
            },
            refresh_interval="15m",
        ),
    )


def sealed_secret_app(chart: Chart) -> None:
    for scope in SealingScope:
        name = f"s-{scope.value}"
        StationDeployment(
            chart,
            name,
            name=name,
            namespace=name,
            secret=SealedSecretSource(
                {"STATION_ENCRYPTION_KEY": sealed(1), "OPENAI_API_KEY": sealed(2)}, scope=scope
            ),
        )


def snapshot_and_monitor_app(chart: Chart) -> None:
    station = StationDeployment(
        chart,
        "station",
        auth=ANY_ACCOUNT,
        external_service=ExternalService.load_balancer(ports=[StationPort.AGENT_MCP]),
        storage=StationStorage(storage_class="gp3"),
        network_policy=NetworkPolicyOptions(ingress_namespaces=["ingress-nginx"]),
    )
    LitestreamBackup(
        chart,
        "litestream",
        station=station,
        replica=S3Replica.aws("station-backups"),
        credentials=S3Credentials.from_secret(
            ExternalSecretSource(
                "vault",
                remote_refs={
                    "AWS_ACCESS_KEY_ID": RemoteRef("station/s3", property="access_key_id"),
                    "AWS_SECRET_ACCESS_KEY": RemoteRef("station/s3", property="secret_access_key"),
                },
            )
        ),
    )
    StationVolumeSnapshot(chart, "snapshot", station=station, snapshot_class="csi-aws-vsc")
    LitestreamServiceMonitor(
        chart,
        "monitor",
        station=station,
        interval="1m",
        scrape_timeout="20s",
        labels={"release": "kube-prometheus-stack"},
    )


def gateway_app(chart: Chart) -> None:
    station = StationDeployment(chart, "station", auth=ANY_ACCOUNT)
    gateway = StationGateway(
        chart,
        "gateway",
        station=station,
        implementation=GatewayImplementation.ISTIO,
        hostname="*.example.com",
        tls=IngressTls.cert_manager("letsencrypt-prod"),
    )
    StationGatewayRoute(
        chart,
        "route",
        station=station,
        gateway=gateway,
        host="station.example.com",
        routes=[
            IngressRoute(StationPort.API, "/"),
            IngressRoute(StationPort.AGENT_MCP, "/mcp"),
            IngressRoute(StationPort.AGENT_MCP, "/", host="mcp.example.com"),
        ],
        stream_timeout="2h",
        # The API's CloudShip OAuth callers are admins: authenticated at the edge.
        edge_auth=IstioAuthorizationPolicy("station-sso", policy_applied_first=True),
    )
    other = StationDeployment(
        chart, "other", name="other", namespace="other", api=ApiListener.off()
    )
    StationGatewayRoute(
        chart,
        "other-route",
        station=other,
        gateway=GatewayRef("shared", namespace="gateway", section_name="https", port=443),
        host="other.example.com",
        data_plane_namespace="gateway",
        # An implementation the library does not know: only an ExtensionRef filter (which
        # fails closed) counts as edge auth there; it is validated with the route.
        edge_auth=TraefikMiddleware("sso"),
    )


CASES: dict[str, Callable[[Chart], None]] = {
    "external-secret": external_secret_app,
    "gateway": gateway_app,
    "sealed-secret": sealed_secret_app,
    "snapshot-and-monitor": snapshot_and_monitor_app,
}


def custom_objects(build: Callable[[Chart], None]) -> list[Manifest]:
    chart = Chart(cdk8s.Testing.app(), "crd")
    build(chart)
    return [o for o in cdk8s.Testing.synth(chart) if is_custom_kind(o)]


@pytest.mark.parametrize("case", sorted(CASES))
def test_custom_resources_are_valid_against_their_crd(case: str) -> None:
    objects = custom_objects(CASES[case])
    assert objects
    errors = {f"{o['kind']}/{o['metadata']['name']}": validate_custom_object(o) for o in objects}
    assert {k: v for k, v in errors.items() if v} == {}


def test_every_custom_kind_is_covered() -> None:
    kinds = {o["kind"] for build in CASES.values() for o in custom_objects(build)}
    assert kinds == {
        "ExternalSecret",
        "SealedSecret",
        "VolumeSnapshot",
        "ServiceMonitor",
        "Gateway",
        "HTTPRoute",
    }


def test_the_guides_v1beta1_external_secret_is_rejected() -> None:
    obj = custom_objects(external_secret_app)[0]
    obj["apiVersion"] = "external-secrets.io/v1beta1"
    assert validate_custom_object(obj) != []


@pytest.mark.parametrize(
    ("kind", "mutate"),
    [
        ("ExternalSecret", lambda o: o["spec"]["target"].update(creationPolicy="owner")),
        ("ServiceMonitor", lambda o: o["spec"]["endpoints"][0].update(intervall="30s")),
        ("VolumeSnapshot", lambda o: o["spec"]["source"].update(volumeSnapshotContentName="x")),
        ("SealedSecret", lambda o: o["spec"].pop("encryptedData")),
        ("HTTPRoute", lambda o: o["spec"]["parentRefs"][0].update(sectionName="HTTPS")),
        ("Gateway", lambda o: o["spec"]["listeners"][0].update(port=0)),
    ],
)
def test_validation_catches_a_broken_object(kind: str, mutate: Callable[[Manifest], Any]) -> None:
    objects = [o for build in CASES.values() for o in custom_objects(build) if o["kind"] == kind]
    obj = objects[0]
    mutate(obj)
    assert validate_custom_object(obj) != []


def crd_errors(objects: list[Manifest]) -> dict[str, list[str]]:
    errors = {
        f"{o['kind']}/{o['metadata']['name']}": validate_custom_object(o)
        for o in objects
        if is_custom_kind(o)
    }
    return {k: v for k, v in errors.items() if v}


def test_the_production_example_renders_every_custom_kind_validly(tmp_path: Path) -> None:
    objects = run_app(["examples/production.py"], tmp_path)
    kinds = sorted(o["kind"] for o in objects if is_custom_kind(o))
    # One ExternalSecret (Station's keys; the backups use IRSA), the backup alerts.
    assert kinds == ["ExternalSecret", "PrometheusRule", "ServiceMonitor", "VolumeSnapshot"]
    assert crd_errors(objects) == {}


CUSTOM = (
    "ExternalSecretSource",
    "SealedSecretSource",
    "StationVolumeSnapshot",
    "ServiceMonitor",
    "StationGatewayRoute",
    "BackupAlerts",
)
DOCS_CUSTOM = [(at, app) for at, app in doc_apps() if any(name in app for name in CUSTOM)]


def test_docs_show_custom_resources() -> None:
    assert len(DOCS_CUSTOM) >= 2


@pytest.mark.parametrize("app", [app for _, app in DOCS_CUSTOM], ids=[at for at, _ in DOCS_CUSTOM])
def test_doc_apps_custom_resources_are_valid(app: str, tmp_path: Path) -> None:
    objects = run_app(["-c", app], tmp_path)
    assert [o for o in objects if is_custom_kind(o)]
    assert crd_errors(objects) == {}


@pytest.mark.parametrize("implementation", ["eg", "istio", "traefik", "cilium"])
def test_the_gateway_example_renders_valid_objects_for_each_implementation(
    implementation: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATION_GATEWAY", implementation)
    objects = run_app(["examples/gateway_api.py"], tmp_path)
    gateways = [o for o in objects if o["kind"] == "Gateway"]
    assert [g["spec"]["gatewayClassName"] for g in gateways] == [implementation]
    kinds = sorted(o["kind"] for o in objects if is_custom_kind(o))
    assert kinds == ["Gateway", "HTTPRoute", "HTTPRoute"]  # the app and the redirect
    assert crd_errors(objects) == {}
    assert schema_errors(objects) == {}


def test_the_tenants_example_renders_one_namespace_and_host_per_tenant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATION_TENANTS", "4")
    objects = run_app(["examples/gateway_tenants.py"], tmp_path)
    routes = [o for o in objects if o["kind"] == "HTTPRoute"]
    assert sorted(r["metadata"]["namespace"] for r in routes) == [f"tenant-00{i}" for i in range(4)]
    assert sorted(r["spec"]["hostnames"][0] for r in routes) == [
        f"tenant-00{i}.stations.example.com" for i in range(4)
    ]
    assert {r["spec"]["parentRefs"][0]["name"] for r in routes} == {"stations"}
    assert [o["kind"] for o in objects].count("Gateway") == 1
    assert crd_errors(objects) == {}
