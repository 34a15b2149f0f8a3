"""The final verification over the rendered app (issue 21).

Each case builds an app that synthesized before issue 21 (the mistake is made where only the
rendered objects show it: a JSON patch, an annotation added afterwards, a sidecar's port, a
second chart...), and asserts that synthesis refuses it with the library's message (the
construct, the field, the problem, a fix with a docs link); then builds it again with the
fix applied and asserts that it synthesizes. The checks themselves are plain functions over
JSON; a few are tested directly at the end.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import cdk8s
import cdk8s_plus_27 as kplus
import pytest
from cdk8s import ApiObject, ApiObjectMetadata, App, Chart, JsonPatch
from cdk8s_plus_27 import k8s

from station_constructs import (
    BackupAlerts,
    ConfigDirBackup,
    GatewayImplementation,
    GatewayRef,
    IngressRoute,
    IngressTls,
    IstioAuthorizationPolicy,
    LitestreamBackup,
    NginxAuthUrl,
    NginxBasicAuth,
    PodExtras,
    PodPlacement,
    PodServiceAccount,
    RestoreDrill,
    S3Credentials,
    S3Replica,
    StationAuth,
    StationDeployment,
    StationGateway,
    StationGatewayRoute,
    StationIngress,
    StationPort,
    WorkloadIdentity,
    allow_rendered,
    next_steps,
    verify_app,
)
from station_constructs._verify.model import Rendered
from station_constructs._verify.pod import check_pod
from station_constructs._verify.routing import hosts_intersect, paths_intersect
from station_constructs._verify.schema import versions
from tests.support.backups import aws, litestream, minio
from tests.support.builders import authed
from tests.support.paths import REPO
from tests.support.refusals import assert_refused

# Routes to the agent MCP only: what CloudShip OAuth authenticates (the API's exposure rules
# are the who-can-call-what table's business, not these tests').
MCP_ONLY = [IngressRoute(StationPort.AGENT_MCP, "/mcp")]
MCP_HOST = [IngressRoute(StationPort.AGENT_MCP, "/")]
OAUTH2_PROXY = "http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth"
SIDECAR = "ghcr.io/example/sidecar:1.0.0"
FAKE_OPENAI = "sk-" + "A1b2C3d4" * 4
FAKE_GITHUB = "ghp_" + "a1B2c3D4e5" * 4
FAKE_AWS = "AKIA" + "ABCDEFGHIJKLMNOP"

Build = Callable[[Chart, bool], object]


def extras(**kwargs: Any) -> PodExtras:
    return PodExtras(
        volumes=[k8s.Volume(name="extra", empty_dir=k8s.EmptyDirVolumeSource())], **kwargs
    )


# ---------------------------------------------------------------- pod
def dot_dot_mount(chart: Chart, fixed: bool) -> object:
    path = "/opt/extra" if fixed else "/tmp/../data"
    return StationDeployment(
        chart,
        "station",
        pod_extras=extras(volume_mounts=[k8s.VolumeMount(name="extra", mount_path=path)]),
    )


def patched_mount_over_data(chart: Chart, fixed: bool) -> object:
    station = StationDeployment(chart, "station", pod_extras=extras())
    mount = {"name": "extra", "mountPath": "/opt/extra" if fixed else "/data"}
    ApiObject.of(station.deployment).add_json_patch(
        JsonPatch.add("/spec/template/spec/containers/0/volumeMounts/-", mount)
    )
    return station


def with_sidecar(chart: Chart, **container: Any) -> StationDeployment:
    """A Station whose pod has one sidecar (``proxy`` on SIDECAR unless ``container`` says)."""
    fields = {"name": "proxy", "image": SIDECAR, **container}
    return StationDeployment(
        chart, "station", pod_extras=PodExtras(sidecars=[k8s.Container(**fields)])
    )


def from_proxy_secret(name: str) -> k8s.EnvVar:
    """``name`` read from the ``proxy`` Secret: how a fixed sidecar gets its key."""
    ref = k8s.SecretKeySelector(name="proxy", key="key")
    return k8s.EnvVar(name=name, value_from=k8s.EnvVarSource(secret_key_ref=ref))


def sidecar_on_litestream_port(chart: Chart, fixed: bool) -> object:
    port = k8s.ContainerPort(container_port=9091 if fixed else 9090, name="proxy")
    station = with_sidecar(chart, ports=[port])
    return litestream(chart, station, bucket="station-backups")


def sidecar_named_like_config_backup(chart: Chart, fixed: bool) -> object:
    station = with_sidecar(chart, name="proxy" if fixed else "config-backup")
    backup = litestream(chart, station, bucket="station-backups")
    return ConfigDirBackup(chart, "config", backup=backup)


def volume_named_like_irsa_token(chart: Chart, fixed: bool) -> object:
    station = StationDeployment(
        chart,
        "station",
        pod_extras=PodExtras(
            volumes=[
                k8s.Volume(
                    name="ca" if fixed else "aws-iam-token", empty_dir=k8s.EmptyDirVolumeSource()
                )
            ]
        ),
    )
    return LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.aws("station-backups", region="eu-west-1"),
        credentials=S3Credentials.workload_identity(
            WorkloadIdentity.aws_irsa("arn:aws:iam::123456789012:role/backups")
        ),
    )


def affinity(expression: k8s.NodeSelectorRequirement) -> PodPlacement:
    return PodPlacement(
        affinity=k8s.Affinity(
            node_affinity=k8s.NodeAffinity(
                required_during_scheduling_ignored_during_execution=k8s.NodeSelector(
                    node_selector_terms=[k8s.NodeSelectorTerm(match_expressions=[expression])]
                )
            )
        )
    )


def in_without_values(chart: Chart, fixed: bool) -> object:
    values = ["arm64"] if fixed else []
    expression = k8s.NodeSelectorRequirement(key="kubernetes.io/arch", operator="In", values=values)
    return StationDeployment(chart, "station", placement=affinity(expression))


def preferred_weight_zero(chart: Chart, fixed: bool) -> object:
    return StationDeployment(
        chart,
        "station",
        placement=PodPlacement(
            affinity=k8s.Affinity(
                node_affinity=k8s.NodeAffinity(
                    preferred_during_scheduling_ignored_during_execution=[
                        k8s.PreferredSchedulingTerm(
                            weight=50 if fixed else 0,
                            preference=k8s.NodeSelectorTerm(
                                match_expressions=[
                                    k8s.NodeSelectorRequirement(key="disk", operator="Exists")
                                ]
                            ),
                        )
                    ]
                )
            )
        ),
    )


def system_priority_class(chart: Chart, fixed: bool) -> object:
    # PodPlacement refuses it at construct time; a JSON patch shows only in the output.
    station = StationDeployment(chart, "station")
    name = "station-high" if fixed else "system-agents"
    ApiObject.of(station.deployment).add_json_patch(
        JsonPatch.add("/spec/template/spec/priorityClassName", name)
    )
    return station


def bidirectional(chart: Chart, fixed: bool) -> object:
    propagation = "HostToContainer" if fixed else "Bidirectional"
    return StationDeployment(
        chart,
        "station",
        pod_extras=extras(
            volume_mounts=[
                k8s.VolumeMount(
                    name="extra", mount_path="/opt/extra", mount_propagation=propagation
                )
            ]
        ),
    )


def sub_path_up(chart: Chart, fixed: bool) -> object:
    return StationDeployment(
        chart,
        "station",
        pod_extras=extras(
            volume_mounts=[
                k8s.VolumeMount(
                    name="extra", mount_path="/opt/extra", sub_path="x" if fixed else "../.."
                )
            ]
        ),
    )


def privileged_by_patch(chart: Chart, fixed: bool) -> object:
    station = with_sidecar(chart)
    ApiObject.of(station.deployment).add_json_patch(
        JsonPatch.add("/spec/template/spec/containers/1/securityContext/privileged", not fixed)
    )
    return station


def host_network_by_patch(chart: Chart, fixed: bool) -> object:
    station = StationDeployment(chart, "station")
    ApiObject.of(station.deployment).add_json_patch(
        JsonPatch.replace("/spec/template/spec/hostNetwork", not fixed)
    )
    return station


# ---------------------------------------------------------------- data claims
def other_station_claim(chart: Chart, fixed: bool) -> object:
    StationDeployment(chart, "a", name="a", namespace="agents", create_namespace=False)
    volumes = (
        []
        if fixed
        else [
            k8s.Volume(
                name="peer",
                persistent_volume_claim=k8s.PersistentVolumeClaimVolumeSource(claim_name="a-data"),
            )
        ]
    )
    return StationDeployment(
        chart, "b", name="b", namespace="agents", pod_extras=PodExtras(volumes=volumes)
    )


def workload_writing_the_claim(chart: Chart, fixed: bool) -> object:
    station = StationDeployment(chart, "station")
    user = Chart(chart.node.scope, "tools", namespace="station")  # type: ignore[arg-type]
    if fixed:
        job = kplus.Job(user, "restore", metadata=ApiObjectMetadata(name="restore"))
        job.add_volume(station.data_volume)
        job.add_container(
            image=SIDECAR,
            volume_mounts=[kplus.VolumeMount(path="/data", volume=station.data_volume)],
            security_context=kplus.ContainerSecurityContextProps(ensure_non_root=False),
        )
        return job
    tool = kplus.Deployment(user, "tool", metadata=ApiObjectMetadata(name="tool"))
    tool.add_container(
        image=SIDECAR, volume_mounts=[kplus.VolumeMount(path="/data", volume=station.data_volume)]
    )
    return tool


def sidecar_patched_writable(chart: Chart, fixed: bool) -> object:
    station = StationDeployment(
        chart,
        "station",
        pod_extras=PodExtras(sidecars=[k8s.Container(name="reader", image=SIDECAR)]),
    )
    mount = (
        {"name": "data", "mountPath": "/data", "readOnly": True}
        if fixed
        else {
            "name": "data",
            "mountPath": "/data",
        }
    )
    ApiObject.of(station.deployment).add_json_patch(
        JsonPatch.add("/spec/template/spec/containers/1/volumeMounts", [mount])
    )
    return station


def alert_label_key(chart: Chart, fixed: bool) -> object:
    station = StationDeployment(chart, "station")
    litestream(chart, station, bucket="station-backups")
    return BackupAlerts(
        chart, "alerts", station=station, labels={"team": "agents" if fixed else FAKE_GITHUB}
    )


# ---------------------------------------------------------------- secret material
def sidecar_env_key(chart: Chart, fixed: bool) -> object:
    env = (
        from_proxy_secret("UPSTREAM_KEY")
        if fixed
        else k8s.EnvVar(name="UPSTREAM", value=FAKE_OPENAI)
    )
    return with_sidecar(chart, env=[env])


def sidecar_env_secret_name(chart: Chart, fixed: bool) -> object:
    literal = k8s.EnvVar(name="UPSTREAM_API_KEY", value="hunter2hunter2")
    return with_sidecar(chart, env=[from_proxy_secret("UPSTREAM_API_KEY") if fixed else literal])


def sidecar_args_key(chart: Chart, fixed: bool) -> object:
    args = ["--token-file=/var/run/token"] if fixed else [f"--token={FAKE_GITHUB}"]
    return with_sidecar(chart, args=args)


def pod_label_key(chart: Chart, fixed: bool) -> object:
    return StationDeployment(
        chart, "station", pod_extras=PodExtras(labels={"team": "agents" if fixed else FAKE_GITHUB})
    )


def oauth_client_id_key(chart: Chart, fixed: bool) -> object:
    client = "station-prod" if fixed else FAKE_AWS
    return StationDeployment(chart, "station", auth=StationAuth.cloudship_oauth(client_id=client))


def service_account_annotation_key(chart: Chart, fixed: bool) -> object:
    value = "arn:aws:iam::123456789012:role/station" if fixed else FAKE_AWS
    return StationDeployment(
        chart,
        "station",
        service_account=PodServiceAccount.rendered(annotations={"example.com/credential": value}),
    )


def deployment_annotation_added_later(chart: Chart, fixed: bool) -> object:
    station = StationDeployment(chart, "station")
    ApiObject.of(station.deployment).metadata.add_annotation(
        "example.com/dsn", "https://sentry.example.com/1" if fixed else "https://u:p4ss@db/x"
    )
    return station


# ---------------------------------------------------------------- edge auth
def guarded_ingress(chart: Chart, **kwargs: Any) -> StationIngress:
    station = StationDeployment(chart, "station")
    kwargs.setdefault("edge_auth", NginxAuthUrl(OAUTH2_PROXY))
    return StationIngress(
        chart,
        "ingress",
        station=station,
        host="station.example.com",
        tls=IngressTls.cert_manager("letsencrypt-prod"),
        **kwargs,
    )


def annotated_later(key: str, value: str) -> Build:
    def build(chart: Chart, fixed: bool) -> object:
        ingress = guarded_ingress(chart)
        if not fixed:
            ApiObject.of(ingress.ingress).metadata.add_annotation(key, value)
        return ingress

    return build


def class_patched(chart: Chart, fixed: bool) -> object:
    ingress = guarded_ingress(chart)
    if not fixed:
        ApiObject.of(ingress.ingress).add_json_patch(
            JsonPatch.replace("/spec/ingressClassName", "nginx-internal")
        )
    return ingress


def basic_auth_on_key_secret(chart: Chart, fixed: bool) -> object:
    return guarded_ingress(
        chart,
        edge_auth=NginxBasicAuth("station-basic-auth" if fixed else "station-secrets"),
    )


def escape_hatch(chart: Chart, fixed: bool) -> object:
    ingress = guarded_ingress(chart)
    ApiObject.of(ingress.ingress).metadata.add_annotation(
        "nginx.ingress.kubernetes.io/satisfy", "any"
    )
    if fixed:
        allow_rendered(ingress.ingress, "edge-auth", reason="the allow-list is our VPN's range")
    return ingress


def ingress_field_wrong_type(chart: Chart, fixed: bool) -> object:
    # A typed object's toJson drops unknown fields; a wrong type goes through.
    ingress = guarded_ingress(chart)
    rules = ApiObject.of(ingress.ingress)
    rules.add_json_patch(
        JsonPatch.replace("/spec/rules/0/host", "station.example.com" if fixed else 443)
    )
    return ingress


# ---------------------------------------------------------------- routing
def ingress_path_on_other_host(chart: Chart, fixed: bool) -> object:
    a = authed(chart, "a", name="a", namespace="a")
    b = authed(chart, "b", name="b", namespace="b")
    tls = IngressTls.cert_manager("letsencrypt-prod")
    StationIngress(chart, "ia", station=a, host="a.example.com", tls=tls, routes=MCP_HOST)
    host = "b.example.com" if fixed else "a.example.com"
    return StationIngress(
        chart,
        "ib",
        station=b,
        host=host,
        tls=tls,
        routes=[IngressRoute(StationPort.AGENT_MCP, "/execute")],
    )


def gateway_path_on_other_host(chart: Chart, fixed: bool) -> object:
    a = authed(chart, "a", name="a", namespace="a")
    b = authed(chart, "b", name="b", namespace="b")
    gateway = GatewayRef(
        "shared", namespace="gateway", implementation=GatewayImplementation.ENVOY_GATEWAY
    )
    StationGatewayRoute(
        chart, "ra", station=a, gateway=gateway, host="a.example.com", routes=MCP_HOST
    )
    return StationGatewayRoute(
        chart,
        "rb",
        station=b,
        gateway=gateway,
        host="b.example.com" if fixed else "a.example.com",
        routes=[IngressRoute(StationPort.AGENT_MCP, "/execute")],
    )


def gateway_wildcard_takes_tenant(chart: Chart, fixed: bool) -> object:
    labels = {"gateway": "shared"}
    a = authed(chart, "a", name="a", namespace="a", labels=labels)
    b = authed(chart, "b", name="b", namespace="b", labels=labels)
    gateway = StationGateway(
        chart,
        "gateway",
        implementation=GatewayImplementation.ENVOY_GATEWAY,
        namespace="gateway",
        hostname="*.example.com",
        tls=IngressTls.cert_manager("le"),
        route_namespace_labels={"gateway": "shared"},
    )
    StationGatewayRoute(
        chart, "ra", station=a, gateway=gateway, host="a.example.com", routes=MCP_ONLY
    )
    return StationGatewayRoute(
        chart,
        "rb",
        station=b,
        gateway=gateway,
        host="b.example.com" if fixed else "*.example.com",
        routes=MCP_ONLY,
    )


def host_outside_wildcard_certificate(chart: Chart, fixed: bool) -> object:
    station = authed(chart)
    gateway = StationGateway(
        chart,
        "gateway",
        implementation=GatewayImplementation.ENVOY_GATEWAY,
        station=station,
        hostname="*.example.com",
        tls=IngressTls.cert_manager("le"),
    )
    host = "station.example.com" if fixed else "station.eu.example.com"
    return StationGatewayRoute(
        chart, "route", station=station, gateway=gateway, host=host, routes=MCP_ONLY
    )


def misspelt_field_patched(chart: Chart, fixed: bool) -> object:
    station = StationDeployment(chart, "station")
    field = "priorityClassName" if fixed else "priorityclassname"
    ApiObject.of(station.deployment).add_json_patch(
        JsonPatch.add(f"/spec/template/spec/{field}", "station-high")
    )
    return station


def wrong_type_patched(chart: Chart, fixed: bool) -> object:
    station = StationDeployment(chart, "station")
    ApiObject.of(station.deployment).add_json_patch(
        JsonPatch.add("/spec/template/spec/containers/0/tty", True if fixed else "yes")
    )
    return station


# ---------------------------------------------------------------- exposure around the checks
def own_ingress_to_station(chart: Chart, fixed: bool) -> object:
    station = StationDeployment(chart, "station")
    if fixed:
        return StationIngress(
            chart,
            "ingress",
            station=station,
            host="s.example.com",
            tls=IngressTls.cert_manager("letsencrypt-prod"),
            routes=[IngressRoute(StationPort.AGENT_MCP, "/")],
            edge_auth=NginxAuthUrl(OAUTH2_PROXY),
        )
    mine = Chart(chart.node.scope, "mine", namespace="station")  # type: ignore[arg-type]
    ingress = kplus.Ingress(mine, "ingress", metadata=ApiObjectMetadata(name="mine"))
    backend = kplus.IngressBackend.from_service(station.service, port=8587)
    ingress.add_host_rule("s.example.com", "/", backend)
    return ingress


def own_load_balancer(chart: Chart, fixed: bool) -> object:
    station = StationDeployment(chart, "station")
    mine = Chart(chart.node.scope, "mine", namespace="station")  # type: ignore[arg-type]
    service = kplus.Service(
        mine,
        "lb",
        metadata=ApiObjectMetadata(name="lb"),
        type=kplus.ServiceType.LOAD_BALANCER,
        selector=station.pods,
        ports=[kplus.ServicePort(port=80, target_port=8587)],
    )
    if fixed:
        allow_rendered(service, "exposure", reason="the load balancer is internal, behind a VPN")
    return service


def service_patched_to_load_balancer(chart: Chart, fixed: bool) -> object:
    station = StationDeployment(chart, "station")
    if not fixed:
        ApiObject.of(station.service).add_json_patch(
            JsonPatch.replace("/spec/type", "LoadBalancer")
        )
    return station


# (id, build, fragments the message must hold)
#: (case id, build, the field refused, the value it reports, problem fragments, fix fragments)
CASES: list[tuple[str, Build, str, Any, str | list[str], str | list[str]]] = [
    (
        "mount /tmp/../data",
        dot_dot_mount,
        "spec.template.spec.containers[0].volumeMounts[5].mountPath",
        "/tmp/../data",
        ["normal form", "/data"],
        "",
    ),
    (
        "patched mount over /data",
        patched_mount_over_data,
        "spec.template.spec.containers[0].volumeMounts[5].mountPath",
        "/data",
        "already a mount",
        "",
    ),
    (
        "sidecar on Litestream's port",
        sidecar_on_litestream_port,
        "spec.template.spec.initContainers[2].ports[0].containerPort",
        9090,
        "",
        "",
    ),
    (
        "sidecar named config-backup",
        sidecar_named_like_config_backup,
        "spec.template.spec.initContainers[4].name",
        "config-backup",
        "",
        "",
    ),
    (
        "volume named aws-iam-token",
        volume_named_like_irsa_token,
        "spec.template.spec.volumes[6].name",
        "aws-iam-token",
        "",
        "",
    ),
    (
        "In without values",
        in_without_values,
        "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values",
        [],
        "operator 'In'",
        "",
    ),
    (
        "weight 0",
        preferred_weight_zero,
        "spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
        0,
        "1 to 100",
        "",
    ),
    (
        "system- priority class",
        system_priority_class,
        "spec.template.spec.priorityClassName",
        "system-agents",
        "",
        "",
    ),
    (
        "Bidirectional",
        bidirectional,
        "spec.template.spec.containers[0].volumeMounts[5].mountPropagation",
        "Bidirectional",
        "",
        "",
    ),
    (
        "subPath ../..",
        sub_path_up,
        "spec.template.spec.containers[0].volumeMounts[5].subPath",
        "../..",
        "",
        "",
    ),
    (
        "privileged by a patch",
        privileged_by_patch,
        "spec.template.spec.containers[1].securityContext.privileged",
        True,
        "",
        "",
    ),
    (
        "hostNetwork by a patch",
        host_network_by_patch,
        "spec.template.spec.hostNetwork",
        True,
        "",
        "",
    ),
    (
        "misspelt field",
        misspelt_field_patched,
        "spec.template.spec.priorityclassname",
        "station-high",
        "1.37",
        "",
    ),
    (
        "wrong type",
        wrong_type_patched,
        "spec.template.spec.containers[0].tty",
        "yes",
        "must be boolean",
        "",
    ),
    (
        "another Station's claim",
        other_station_claim,
        "spec.template.spec.volumes[4].persistentVolumeClaim.claimName",
        "a-data",
        "one writer",
        "",
    ),
    (
        "a sidecar patched to write the data",
        sidecar_patched_writable,
        "spec.template.spec.containers[1].volumeMounts[0].readOnly",
        None,
        "writable",
        "readOnly",
    ),
    (
        "BackupAlerts label key",
        alert_label_key,
        "metadata.labels.team",
        "<redacted>",
        "a GitHub token",
        "",
    ),
    (
        "a Deployment writing the claim",
        workload_writing_the_claim,
        "spec.template.spec.volumes[0].persistentVolumeClaim.claimName",
        "station-data",
        "",
        "",
    ),
    (
        "sidecar env key",
        sidecar_env_key,
        "spec.template.spec.containers[1].env[0].value",
        "<redacted>",
        "",
        "",
    ),
    (
        "sidecar env secret name",
        sidecar_env_secret_name,
        "spec.template.spec.containers[1].env[0].value",
        "<redacted>",
        ["UPSTREAM_API_KEY", "(KEY)"],
        "",
    ),
    (
        "sidecar args key",
        sidecar_args_key,
        "spec.template.spec.containers[1].args[0]",
        "<redacted>",
        "a GitHub token",
        "",
    ),
    (
        "pod label key",
        pod_label_key,
        "spec.template.metadata.labels.team",
        "<redacted>",
        "a GitHub token",
        "",
    ),
    (
        "CloudShip client id key",
        oauth_client_id_key,
        "data.STN_CLOUDSHIP_OAUTH_CLIENT_ID",
        "<redacted>",
        "an AWS access key id",
        "",
    ),
    (
        "ServiceAccount annotation key",
        service_account_annotation_key,
        "metadata.annotations.example.com/credential",
        "<redacted>",
        "",
        "",
    ),
    (
        "annotation added later",
        deployment_annotation_added_later,
        "metadata.annotations.example.com/dsn",
        "<redacted>",
        "a URL with a user name",
        "",
    ),
    (
        "satisfy any",
        annotated_later("nginx.ingress.kubernetes.io/satisfy", "any"),
        "metadata.annotations['nginx.ingress.kubernetes.io/satisfy']",
        "any",
        "",
        "",
    ),
    (
        "constant auth-cache-key",
        annotated_later("nginx.ingress.kubernetes.io/auth-cache-key", "station"),
        "metadata.annotations['nginx.ingress.kubernetes.io/auth-cache-key']",
        "station",
        "is a constant",
        "",
    ),
    (
        "permanent-redirect",
        annotated_later("nginx.ingress.kubernetes.io/permanent-redirect", "https://x.example.com"),
        "metadata.annotations['nginx.ingress.kubernetes.io/permanent-redirect']",
        "https://x.example.com",
        "",
        "",
    ),
    (
        "ssl-redirect false",
        annotated_later("nginx.ingress.kubernetes.io/ssl-redirect", "false"),
        "metadata.annotations['nginx.ingress.kubernetes.io/ssl-redirect']",
        "false",
        "clear text",
        "",
    ),
    (
        "configuration snippet added later",
        annotated_later("nginx.ingress.kubernetes.io/configuration-snippet", "satisfy any;"),
        "metadata.annotations['nginx.ingress.kubernetes.io/configuration-snippet']",
        "<snippet>",
        "",
        "",
    ),
    (
        "auth-url removed",
        annotated_later("nginx.ingress.kubernetes.io/auth-url", "http://other.example.com/auth"),
        "metadata.annotations['nginx.ingress.kubernetes.io/auth-url']",
        "http://other.example.com/auth",
        "",
        "change edge_auth=",
    ),
    (
        "Ingress field wrong type",
        ingress_field_wrong_type,
        "spec.rules[0].host",
        443,
        "Ingress",
        "",
    ),
    ("class patched", class_patched, "spec.ingressClassName", "nginx-internal", "", ""),
    (
        "basic auth on the key Secret",
        basic_auth_on_key_secret,
        "metadata.annotations['nginx.ingress.kubernetes.io/auth-secret']",
        "station-secrets",
        "key Secret",
        "",
    ),
    (
        "escape hatch",
        escape_hatch,
        "metadata.annotations['nginx.ingress.kubernetes.io/satisfy']",
        "any",
        "",
        "",
    ),
    (
        "Ingress path on another's host",
        ingress_path_on_other_host,
        "spec.rules[0].http.paths[0].path",
        "a.example.com/execute",
        "",
        "",
    ),
    (
        "Gateway path on another's host",
        gateway_path_on_other_host,
        "spec.rules[0].matches[0].path",
        "a.example.com/execute",
        "",
        "",
    ),
    (
        "Gateway wildcard",
        gateway_wildcard_takes_tenant,
        "spec.rules[0].matches[0].path",
        "*.example.com/mcp",
        "",
        "",
    ),
    (
        "own Ingress to the Station",
        own_ingress_to_station,
        "spec.rules[0].http.paths[0].backend.service",
        "/ (dynamic-mcp)",
        "bypasses the library's checks",
        "",
    ),
    ("own LoadBalancer", own_load_balancer, "spec.ports[0]", "/ (dynamic-mcp)", "8587", ""),
    ("Service patched", service_patched_to_load_balancer, "spec.ports[0]", "/ (api)", "8585", ""),
    (
        "host outside the certificate",
        host_outside_wildcard_certificate,
        "spec.hostnames[0]",
        "station.eu.example.com",
        "",
        "",
    ),
]


def build(case: Build, fixed: bool) -> App:
    app = cdk8s.Testing.app()
    case(Chart(app, "one"), fixed)
    return app


@pytest.mark.parametrize(
    ("build_case", "field", "value", "problem", "fix"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_synthesis_refuses_what_only_the_rendered_app_shows(
    build_case: Build,
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    app = build(build_case, fixed=False)
    error = assert_refused(
        lambda: verify_app(app),
        field=field,
        value=value,
        problem=problem,
        fix=[*([fix] if isinstance(fix, str) else fix), "docs/guards.md#the-final-verification"],
    )
    message = str(error)
    assert len(error.problem) + len(error.fix) <= 400, message
    for secret in (FAKE_OPENAI, FAKE_GITHUB, FAKE_AWS, "p4ss"):
        assert secret not in message
    # cdk8s runs it at every synthesis: the same message, through jsii.
    with pytest.raises(RuntimeError, match="Fix: "):
        app.synth_yaml()


@pytest.mark.parametrize("build_case", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_the_fix_applied_synthesizes(build_case: Build) -> None:
    app = build(build_case, fixed=True)
    verify_app(app)
    assert app.synth_yaml()


# ---------------------------------------------------------------- one verification per synthesis
def test_a_later_synthesis_sees_what_changed_after_an_earlier_one() -> None:
    """What a verification read is written in its own synthesis only: a chart synthesized
    later, after a change, is verified and rendered again (never a stale copy)."""
    app = cdk8s.App()
    one, two = Chart(app, "one"), Chart(app, "two")
    StationDeployment(one, "a", name="a", namespace="a")
    b = StationDeployment(two, "b", name="b", namespace="b")
    cdk8s.Testing.synth(one)
    ApiObject.of(b.deployment).metadata.add_annotation("example.com/owner", "team-b")
    written = [o for o in cdk8s.Testing.synth(two) if o["kind"] == "Deployment"]
    assert written[0]["metadata"]["annotations"]["example.com/owner"] == "team-b"
    ApiObject.of(b.deployment).metadata.add_annotation("example.com/dsn", "https://u:p4ss@db/x")
    with pytest.raises(RuntimeError, match="a URL with a user name and password"):
        cdk8s.Testing.synth(two)


def test_the_checks_read_plain_json() -> None:
    """The checks are functions over JSON: a pod, wildcards and path prefixes."""
    pod = {
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {
            "containers": [
                {"name": "a", "ports": [{"containerPort": 80}]},
                {"name": "b", "ports": [{"containerPort": 80, "protocol": "UDP"}]},
            ]
        },
    }
    assert list(check_pod(Rendered(pod, "chart"))) == []  # TCP 80 and UDP 80 coexist
    pod["spec"]["containers"][1]["ports"][0]["protocol"] = "TCP"  # type: ignore[index]
    assert [f.field for f in check_pod(Rendered(pod, "chart"))] == [
        "spec.containers[1].ports[0].containerPort"
    ]
    assert hosts_intersect("*.example.com", "a.b.example.com", gateway=True)
    assert not hosts_intersect("*.example.com", "a.b.example.com", gateway=False)
    assert not hosts_intersect("*.example.com", "example.com", gateway=True)
    assert paths_intersect(("/", False), ("/mcp", True))
    assert not paths_intersect(("/mcp", False), ("/mcps", False))
    assert not paths_intersect(("/mcp", True), ("/mcp/x", True))


def test_an_istio_authorization_policy_is_named_in_the_gateways_namespace(chart: Chart) -> None:
    """Istio reads an AuthorizationPolicy targeting a Gateway in the Gateway's namespace: the
    exposure (and so next_steps) names it there, not in the Station's."""
    route = StationGatewayRoute(
        chart,
        "route",
        station=StationDeployment(chart, "station"),
        gateway=GatewayRef(
            "shared", namespace="istio-ingress", implementation=GatewayImplementation.ISTIO
        ),
        host="station.example.com",
        edge_auth=IstioAuthorizationPolicy("sso", policy_applied_first=True),
    )
    assert {e.edge_auth for e in route.exposures} == {
        "AuthorizationPolicy istio-ingress/sso (yours to apply, first)"
    }


def test_the_shipped_pod_schema_is_generated_and_current() -> None:
    """verify/pod_schema.json is what scripts/extract_pod_schema.py makes of the schemas
    kubernetes-validate bundles, for the versions the README supports."""
    result = subprocess.run(
        [sys.executable, "scripts/extract_pod_schema.py", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert versions() == ("1.27", "1.29", "1.33", "1.37")


# ------------------------------------------------------- values by meaning (construct time)
def drill(schedule: str) -> Build:
    def build(chart: Chart, fixed: bool) -> object:
        backup = LitestreamBackup(
            chart,
            "backup",
            station=StationDeployment(chart, "station"),
            replica=S3Replica.aws("station-backups"),
        )
        return RestoreDrill(
            chart, "drill", backup=backup, schedule="17 4 * * *" if fixed else schedule
        )

    return build


def backup_with(bad: Callable[[], dict[str, Any]], good: Callable[[], dict[str, Any]]) -> Build:
    """A LitestreamBackup with the arguments ``bad()``, or (fixed) ``good()``."""

    def build(chart: Chart, fixed: bool) -> object:
        return LitestreamBackup(
            chart,
            "backup",
            station=StationDeployment(chart, "station"),
            **(good() if fixed else bad()),
        )

    return build


IRSA = S3Credentials.workload_identity(
    WorkloadIdentity.aws_irsa("arn:aws:iam::123456789012:role/backups")
)

# (id, build, fragments)
AT_CONSTRUCTION: list[tuple[str, Build, str, Any, str | list[str], str | list[str]]] = [
    (
        "any system- priority class",
        lambda c, fixed: StationDeployment(
            c,
            "station",
            placement=PodPlacement(priority_class_name="station-high" if fixed else "system-ai"),
        ),
        "placement.priority_class_name",
        "system-ai",
        "",
        "",
    ),
    (
        "minute 61",
        drill("61 4 * * *"),
        "schedule",
        "61 4 * * *",
        ["minute '61'", "outside 0-59"],
        "",
    ),
    ("day of week 7", drill("0 4 * * 7"), "schedule", "0 4 * * 7", "day of week '7'", ""),
    ("step 0", drill("*/0 4 * * *"), "schedule", "*/0 4 * * *", "step", ""),
    ("backwards range", drill("0 5-1 * * *"), "schedule", "0 5-1 * * *", "runs backwards", ""),
    ("February 31st", drill("0 4 31 2 *"), "schedule", "0 4 31 2 *", "never runs", ""),
    ("unknown descriptor", drill("@often"), "schedule", "@often", "not a cron descriptor", ""),
    (
        "upper-case region",
        backup_with(
            lambda: {"replica": aws(region="EU-WEST-1")},
            lambda: {"replica": aws(region="eu-west-1")},
        ),
        "region",
        "EU-WEST-1",
        "",
        "pass 'eu-west-1'",
    ),
    (
        "not an AWS region",
        backup_with(
            lambda: {"replica": aws(region="europe")},
            lambda: {"replica": aws(region="eu-west-1")},
        ),
        "region",
        "europe",
        "",
        "",
    ),
    (
        "IRSA against MinIO",
        backup_with(
            lambda: {"replica": minio(region="eu-west-1"), "credentials": IRSA},
            lambda: {"replica": aws(region="eu-west-1"), "credentials": IRSA},
        ),
        "credentials",
        "irsa",
        "",
        "",
    ),
    (
        "virtual-hosted in-cluster",
        backup_with(
            lambda: {"replica": minio(force_path_style=False)}, lambda: {"replica": minio()}
        ),
        "force_path_style",
        False,
        "does not resolve",
        "",
    ),
]


@pytest.mark.parametrize(
    ("build_case", "field", "value", "problem", "fix"),
    [c[1:] for c in AT_CONSTRUCTION],
    ids=[c[0] for c in AT_CONSTRUCTION],
)
def test_values_are_checked_by_meaning_and_the_fix_works(
    build_case: Build,
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    error = assert_refused(
        lambda: build(build_case, fixed=False),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
    )
    assert len(error.problem) + len(error.fix) <= 400
    app = build(build_case, fixed=True)
    assert app.synth_yaml()


def test_an_unknown_workload_identity_is_a_station_config_error() -> None:
    assert_refused(
        lambda: WorkloadIdentity("gke"), field="kind", value="gke", where="WorkloadIdentity"
    )
    assert_refused(
        lambda: WorkloadIdentity("irsa"), field="role_arn", value=None, where="WorkloadIdentity"
    )
    assert WorkloadIdentity.eks_pod_identity().volume_name == "eks-pod-identity-token"


def test_next_steps_does_not_say_behind_auth_once_it_is_waived() -> None:
    app = cdk8s.App(outdir="dist")
    ingress = guarded_ingress(Chart(app, "one"))
    ApiObject.of(ingress.ingress).metadata.add_annotation(
        "nginx.ingress.kubernetes.io/satisfy", "any"
    )
    allow_rendered(ingress.ingress, "edge-auth", reason="the allow-list is our VPN's range")
    verify_app(app)
    steps = next_steps(app)
    assert "weakened on purpose (the allow-list is our VPN's range)" in steps


def test_a_config_copys_bad_path_gets_its_own_example() -> None:
    chart = Chart(cdk8s.Testing.app(), "one")
    backup = LitestreamBackup(
        chart,
        "backup",
        station=StationDeployment(chart, "station"),
        replica=S3Replica.aws("station-backups"),
    )
    error = assert_refused(
        lambda: ConfigDirBackup(chart, "config", backup=backup, path="../config"),
        field="path",
        value="../config",
        fix="station/prod/config",
        where="ConfigDirBackup 'one/config'",
    )
    assert "station.db" not in error.fix
    ConfigDirBackup(chart, "config-2", backup=backup, path="station/prod/config")


def test_an_overlap_waived_on_either_object_synthesizes() -> None:
    app = cdk8s.Testing.app()
    chart = Chart(app, "one")
    ingress_path_on_other_host(chart, fixed=False)
    first = chart.node.find_child("ia")
    assert isinstance(first, StationIngress)
    allow_rendered(first.ingress, "route-overlap", reason="b serves /execute for a on purpose")
    verify_app(app)
