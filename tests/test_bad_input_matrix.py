"""The bad-input matrix: distinct invalid configurations across every construct.

Each must raise StationConfigError at construct time, with a message that names the field
and says how to fix it; none may surface as a jsii/TypeError stack trace, pass silently, or
fail later at synth.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cdk8s
import pytest
from cdk8s import Chart

from station_constructs import (
    AccessMode,
    AIProvider,
    ApiListener,
    CloudShip,
    ExistingSecret,
    ExternalSecretSource,
    ExternalService,
    IngressController,
    IngressRoute,
    IngressTls,
    LitestreamBackup,
    LitestreamServiceMonitor,
    NetworkPolicyOptions,
    RemoteRef,
    Resources,
    S3Replica,
    SealedSecretSource,
    StationDeployment,
    StationPort,
    StationStorage,
    StationVolumeSnapshot,
)
from station_constructs._settings.station import ExternalAccess, UpdateStrategy
from tests.support.builders import authed, backup, nginx_ingress, station
from tests.support.refusals import assert_refused

# Any CloudShip account's token passes the agent MCP: accepted, so it may be exposed (the
# API never is with CloudShip OAuth alone: its OAuth callers are admins).

Build = Callable[[Chart], Any]


def two_backups(chart: Chart) -> None:
    s = station(chart)
    LitestreamBackup(
        chart,
        "a",
        station=s,
        replica=S3Replica.aws("one-bucket"),
    )
    LitestreamBackup(
        chart,
        "b",
        station=s,
        replica=S3Replica.aws("two-bucket"),
    )


# (case id, build, the field refused, the value it reports, problem fragments, fix fragments)
MATRIX: list[tuple[str, Build, str, Any, str | list[str], str | list[str]]] = [
    # --- replicas, strategy, storage -------------------------------------------------------
    ("replicas 2", lambda c: station(c, replicas=2), "replicas", 2, "", "drop replicas="),
    ("replicas 0", lambda c: station(c, replicas=0), "replicas", 0, "", "drop replicas="),
    ("replicas True", lambda c: station(c, replicas=True), "replicas", True, "", "drop replicas="),
    (
        "rolling update",
        lambda c: station(c, strategy=UpdateStrategy.ROLLING_UPDATE),
        "strategy",
        UpdateStrategy.ROLLING_UPDATE,
        "",
        ["strategy=", "Recreate"],
    ),
    (
        "strategy string",
        lambda c: station(c, strategy="Recreate"),
        "strategy",
        "Recreate",
        "",
        "Recreate",
    ),
    ("no storage", lambda c: station(c, storage=None), "storage", None, "", "StationStorage"),
    (
        "emptyDir storage",
        lambda c: station(c, storage={"emptyDir": {}}),
        "storage",
        "dict",
        "",
        "StationStorage",
    ),
    (
        "RWX storage",
        lambda c: station(c, storage=StationStorage(access_mode=AccessMode.READ_WRITE_MANY)),
        "storage.access_mode",
        AccessMode.READ_WRITE_MANY,
        "",
        "READ_WRITE_ONCE",
    ),
    (
        "storage size GB",
        lambda c: station(c, storage=StationStorage(size="10GB")),
        "storage.size",
        "10GB",
        "",
        "10Gi",
    ),
    (
        "storage size tiny",
        lambda c: station(c, storage=StationStorage(size="1Ki")),
        "storage.size",
        "1Ki",
        "",
        "larger",
    ),
    (
        "storage class spaces",
        lambda c: station(c, storage=StationStorage(storage_class="fast ssd")),
        "storage.storage_class",
        "fast ssd",
        "",
        "name",
    ),
    # --- names -----------------------------------------------------------------------------
    ("name uppercase", lambda c: station(c, name="Station"), "name", "Station", "", "station"),
    (
        "name too long",
        lambda c: station(c, name="s" * 64),
        "name",
        "ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss",
        "",
        "station",
    ),
    (
        "namespace dot",
        lambda c: station(c, namespace="team.ai"),
        "namespace",
        "team.ai",
        "",
        "station",
    ),
    (
        "claim name",
        lambda c: station(c, storage=StationStorage(claim_name="Data_1")),
        "storage.claim_name",
        "Data_1",
        "",
        "name",
    ),
    (
        "secret name",
        lambda c: station(c, secret=ExistingSecret("My Secret")),
        "secret.name",
        "My Secret",
        "",
        "name",
    ),
    (
        "duplicate station",
        lambda c: (station(c), StationDeployment(c, "again")),
        "name",
        "station",
        "",
        "name=",
    ),
    # --- ports -----------------------------------------------------------------------------
    ("api port 0", lambda c: ApiListener.on(port=0), "port", 0, "", "8585"),
    (
        "api port str",
        lambda c: ApiListener.on(port="8585"),  # type: ignore[arg-type]
        "port",
        "8585",
        "",
        "8585",
    ),
    (
        "port collision",
        lambda c: station(c, api=ApiListener.on(port=8586)),
        "api.port",
        8586,
        "",
        "distinct",
    ),
    (
        "NATS port",
        lambda c: station(c, api=ApiListener.on(port=4222)),
        "api.port",
        4222,
        "",
        "another port",
    ),
    (
        "node port range",
        lambda c: authed(
            c,
            external_service=ExternalService.node_port(
                ports=[StationPort.AGENT_MCP], node_ports={StationPort.AGENT_MCP: 8080}
            ),
        ),
        "node_ports[StationPort.AGENT_MCP]",
        8080,
        "30000-32767",
        "",
    ),
    # --- images ----------------------------------------------------------------------------
    (
        "image latest",
        lambda c: station(c, image="ghcr.io/cloudshipai/station:latest"),
        "image",
        "ghcr.io/cloudshipai/station:latest",
        "pin",
        "image=",
    ),
    (
        "image untagged",
        lambda c: station(c, image="ghcr.io/cloudshipai/station"),
        "image",
        "ghcr.io/cloudshipai/station",
        "pin",
        "image=",
    ),
    (
        "image invalid",
        lambda c: station(c, image="ghcr.io/Cloudship/Station:v1"),
        "image",
        "ghcr.io/Cloudship/Station:v1",
        "",
        "ghcr.io",
    ),
    (
        "image bad digest",
        lambda c: station(c, image="station@sha256:xyz"),
        "image",
        "station@sha256:xyz",
        "",
        "ghcr.io",
    ),
    # --- providers, secrets, env -----------------------------------------------------------
    (
        "provider string",
        lambda c: station(c, provider="openai"),
        "provider",
        "openai",
        "AIProvider",
        "",
    ),
    (
        "provider twice",
        lambda c: station(c, extra_providers=[AIProvider.GEMINI, AIProvider.GEMINI]),
        "extra_providers",
        [AIProvider.GEMINI, AIProvider.GEMINI],
        "",
        "once",
    ),
    (
        "secret as string",
        lambda c: station(c, secret="sk-123"),
        "secret",
        "str",
        "",
        "ExistingSecret",
    ),
    (
        "external secret lacks provider key",
        lambda c: station(
            c,
            provider=AIProvider.GEMINI,
            secret=ExternalSecretSource(
                "vault", remote_refs={"STATION_ENCRYPTION_KEY": RemoteRef("k")}
            ),
        ),
        "secret",
        ["STATION_ENCRYPTION_KEY"],
        "GEMINI_API_KEY",
        "",
    ),
    (
        "external secret bad interval",
        lambda c: station(
            c,
            secret=ExternalSecretSource(
                "vault",
                refresh_interval="hourly",
                remote_refs={
                    "STATION_ENCRYPTION_KEY": RemoteRef("k"),
                    "OPENAI_API_KEY": RemoteRef("o"),
                },
            ),
        ),
        "secret.refresh_interval",
        "hourly",
        "10s",
        "",
    ),
    (
        "sealed secret plaintext",
        lambda c: station(
            c,
            secret=SealedSecretSource(
                {"STATION_ENCRYPTION_KEY": "hunter2", "OPENAI_API_KEY": "sk-live"}
            ),
        ),
        "secret.encrypted_data['STATION_ENCRYPTION_KEY']",
        "<redacted>",
        "",
        "kubeseal",
    ),
    (
        "secret-looking env",
        lambda c: station(c, env={"OPENAI_API_KEY": "sk"}),
        "env['OPENAI_API_KEY']",
        "<redacted>",
        "secret",
        "",
    ),
    (
        "managed env",
        lambda c: station(c, env={"STN_DEV_MODE": "false"}),
        "env['STN_DEV_MODE']",
        "false",
        "",
        "api=ApiListener",
    ),
    (
        "bundle not a UUID",
        lambda c: station(c, cloudship=CloudShip.bundle("b")),
        "bundle_id",
        "b",
        "UUID",
        "",
    ),
    # --- resources, durations --------------------------------------------------------------
    (
        "cpu words",
        lambda c: station(c, resources=Resources(cpu_request="one")),
        "resources.cpu_request",
        "one",
        "250m",
        "",
    ),
    (
        "memory limit < request",
        lambda c: station(c, resources=Resources(memory_request="2Gi", memory_limit="1Gi")),
        "resources.memory_limit",
        "1Gi",
        "",
        "raise the limit",
    ),
    (
        "startup timeout words",
        lambda c: station(c, startup_timeout="five minutes"),
        "startup_timeout",
        "five minutes",
        "10s",
        "",
    ),
    # --- exposure in local mode ------------------------------------------------------------
    (
        "LB in local mode",
        lambda c: station(c, external_service=ExternalService.load_balancer()),
        "external_service",
        "ExternalService.load_balancer()",
        "",
        "StationIngress(edge_auth=",
    ),
    (
        "expose management MCP",
        lambda c: authed(
            c, external_service=ExternalService.load_balancer(ports=[StationPort.MCP])
        ),
        "external_service.ports",
        StationPort.MCP,
        "",
        "allow_unauthenticated_exposure",
    ),
    (
        "ingress in local mode",
        lambda c: nginx_ingress(c, station(c)),
        "routes",
        "/",
        "local",
        "edge_auth=",
    ),
    # --- ingress hosts, paths, TLS ---------------------------------------------------------
    (
        "host with scheme",
        lambda c: nginx_ingress(c, host="https://station.example.com"),
        "host",
        "https://station.example.com",
        "",
        "station.example.com",
    ),
    (
        "host uppercase",
        lambda c: nginx_ingress(c, host="Station.Example.com"),
        "host",
        "Station.Example.com",
        "lower",
        "",
    ),
    (
        "bad wildcard",
        lambda c: nginx_ingress(c, host="station.*.example.com"),
        "host",
        "station.*.example.com",
        "*.example.com",
        "",
    ),
    (
        "path without slash",
        lambda c: nginx_ingress(c, routes=[IngressRoute(StationPort.AGENT_MCP, "mcp")]),
        "routes[0].path",
        "mcp",
        "/",
        "path",
    ),
    (
        "TLS without issuer or secret",
        lambda c: nginx_ingress(c, tls=IngressTls()),
        "tls",
        IngressTls(),
        "",
        ["tls", "cert_manager"],
    ),
    (
        "route to management MCP",
        lambda c: nginx_ingress(c, routes=[IngressRoute(StationPort.MCP, "/")]),
        "routes[0].path",
        "/",
        "",
        "allow_unauthenticated_exposure",
    ),
    (
        "route to disabled API",
        lambda c: nginx_ingress(
            c, st=authed(c, api=ApiListener.off()), routes=[IngressRoute(StationPort.API, "/")]
        ),
        "routes[0].port",
        StationPort.API,
        "api=ApiListener",
        "",
    ),
    (
        "other controller without class",
        lambda c: nginx_ingress(c, controller=IngressController.OTHER),
        "ingress_class_name",
        None,
        "",
        ["ingress_class_name", "ingress_class_name="],
    ),
    # --- litestream --------------------------------------------------------------------------
    (
        "bucket uppercase",
        lambda c: backup(c, bucket="Station_Backups"),
        "bucket",
        "Station_Backups",
        "",
        "bucket",
    ),
    (
        "bucket as URL",
        lambda c: backup(c, bucket="s3://station-backups"),
        "bucket",
        "s3://station-backups",
        "",
        "bucket",
    ),
    (
        "endpoint without scheme",
        lambda c: S3Replica.compatible("minio:9000", "station-backups"),
        "endpoint",
        "minio:9000",
        "http",
        "",
    ),
    (
        "endpoint with credentials",
        lambda c: S3Replica.compatible("http://user:pw@minio:9000", "station-backups"),
        "endpoint",
        "<redacted>",
        "credentials",
        "",
    ),
    (
        "sync interval words",
        lambda c: backup(c, sync_interval="often"),
        "sync_interval",
        "often",
        "10s",
        "",
    ),
    (
        "sync interval zero",
        lambda c: backup(c, sync_interval="0s"),
        "sync_interval",
        "0s",
        "1s",
        "",
    ),
    (
        "grace shorter than final sync",
        lambda c: backup(c, termination_grace_period="5s"),
        "termination_grace_period",
        "5s",
        "shutdown_sync_timeout",
        "termination_grace_period",
    ),
    ("second litestream", two_backups, "litestream", "matrix/b", "litestream", "one"),
    (
        "litestream on a non-station",
        lambda c: LitestreamBackup(
            c,
            "b",
            station="station",  # type: ignore[arg-type]
            replica=S3Replica.aws("abc"),
        ),
        "station",
        "str",
        "StationDeployment",
        "station=",
    ),
    (
        "litestream unpinned image",
        lambda c: backup(c, image="litestream/litestream:latest"),
        "image",
        "litestream/litestream:latest",
        "pin",
        "",
    ),
    # --- snapshot, monitoring, network -------------------------------------------------------
    (
        "snapshot on local-path",
        lambda c: StationVolumeSnapshot(
            c,
            "snap",
            station=station(c, storage=StationStorage(storage_class="local-path")),
            snapshot_class="csi",
        ),
        "station.storage.storage_class",
        "local-path",
        "local-path",
        "Litestream",
    ),
    (
        "snapshot bad class",
        lambda c: StationVolumeSnapshot(c, "snap", station=station(c), snapshot_class="CSI SNAP"),
        "snapshot_class",
        "CSI SNAP",
        "",
        "name",
    ),
    (
        "service monitor without litestream",
        lambda c: LitestreamServiceMonitor(c, "m", station=station(c)),
        "station",
        "matrix/station",
        "LitestreamBackup",
        "station",
    ),
    (
        "network policy admits 8586 from outside",
        lambda c: station(
            c,
            network_policy=NetworkPolicyOptions(
                ingress_namespaces=["ingress-nginx"], ingress_ports=[StationPort.MCP]
            ),
        ),
        "network_policy.ingress_ports",
        StationPort.MCP,
        "8586",
        "",
    ),
    (
        "network policy bad namespace",
        lambda c: station(
            c, network_policy=NetworkPolicyOptions(ingress_namespaces=["Ingress_NGINX"])
        ),
        "network_policy.ingress_namespaces[]",
        "Ingress_NGINX",
        "",
        "name",
    ),
    # --- argument types: real bools, lists, mappings, whole-value patterns, labels --------
    (
        "auth as string",
        lambda c: station(c, auth="local"),
        "auth",
        "local",
        "",
        "auth=StationAuth.local()",
    ),
    (
        "exposure flag as string",
        lambda c: station(
            c, external_service=ExternalService.load_balancer(), allow_unauthenticated_exposure="no"
        ),
        "allow_unauthenticated_exposure",
        "no",
        "",
        "allow_unauthenticated_exposure=True",
    ),
    (
        "namespace trailing newline",
        lambda c: station(c, namespace="station\n"),
        "namespace",
        "station\n",
        "",
        "station-prod",
    ),
    (
        "bucket trailing newline",
        lambda c: backup(c, bucket="abc\n"),
        "bucket",
        "abc\n",
        "",
        "bucket",
    ),
    (
        "pull secrets as string",
        lambda c: station(c, image_pull_secrets="regcred"),
        "image_pull_secrets",
        "regcred",
        "",
        "['regcred']",
    ),
    (
        "extra providers None",
        lambda c: station(c, extra_providers=None),
        "extra_providers",
        None,
        "",
        "pass a list",
    ),
    (
        "env as pairs",
        lambda c: station(c, env=[("A", "b")]),
        "env",
        [("A", "b")],
        "",
        "pass a dict",
    ),
    (
        "label key with space",
        lambda c: station(c, labels={"bad key": "a b"}),
        "labels",
        "bad key",
        "",
        "example.com/owner",
    ),
    ("label value int", lambda c: station(c, labels={"team": 5}), "labels['team']", 5, "", "'5'"),
    ("replicas float", lambda c: station(c, replicas=1.0), "replicas", 1.0, "", "drop replicas="),
    (
        "ai base url ftp",
        lambda c: station(c, ai_base_url="ftp://x"),
        "ai_base_url",
        "ftp://x",
        "https://",
        "",
    ),
    (
        "litestream image not 0.5",
        lambda c: backup(c, image="myreg.io/ls:1.0"),
        "image",
        "myreg.io/ls:1.0",
        "",
        "digest",
    ),
    (
        "the 0.1 spelling of a NodePort Service",
        lambda c: station(c, external_access=ExternalAccess.NODE_PORT),
        "external_access",
        ExternalAccess.NODE_PORT,
        "",
        "ExternalService.node_port(",
    ),
]


def test_matrix_is_at_least_forty_distinct_configurations() -> None:
    ids = [case[0] for case in MATRIX]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 40


@pytest.mark.parametrize(
    ("case", "build", "field", "value", "problem", "fix"), MATRIX, ids=[m[0] for m in MATRIX]
)
def test_bad_input_is_refused_at_construct_time(
    case: str,
    build: Build,
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    chart = Chart(cdk8s.Testing.app(), "matrix")
    error = assert_refused(lambda: build(chart), field=field, value=value, problem=problem, fix=fix)
    assert "jsii" not in str(error).lower(), case
    assert error.__cause__ is None or isinstance(error.__cause__, ValueError)
