"""What a user composing with cdk8s and cdk8s-plus-27 can do with a Station (docs/architecture.md).

References a user's cdk8s-plus constructs select, connect to and mount, and the escape
hatches and app features that keep working: ``ApiObject.of(...)`` JSON patches, chart
labels, dependencies between objects, app-level validation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cdk8s
import cdk8s_plus_27 as kplus
import jsii
import pytest
from cdk8s import ApiObject, ApiObjectMetadata, App, Chart, JsonPatch
from constructs import Construct, IValidation

import station_constructs
from station_constructs import (
    EgressRules,
    NetworkPolicyOptions,
    PodServiceAccount,
    S3Replica,
    StationConfigError,
    StationDeployment,
    StationPort,
    StationVolumeSnapshot,
)
from station_constructs._verify.app import verify_app
from station_constructs.pod import StationPod
from tests.conftest import Manifest, synth
from tests.support.apps import full_production_app, gateway_app, litestream_app
from tests.support.refusals import assert_refused

DOCS = Path(__file__).parent.parent / "docs"
NAMESPACE = "kubernetes.io/metadata.name"


def one(objects: list[Manifest], kind: str, name: str) -> Manifest:
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, [(o["kind"], o["metadata"]["name"]) for o in objects]
    return found[0]


def pod_spec(obj: Manifest) -> Any:
    return obj["spec"]["template"]["spec"]


def test_a_workload_beside_the_station_mounts_its_config_map_and_reads_its_secret(
    chart: Chart,
) -> None:
    station = StationDeployment(chart, "station")
    worker = kplus.Deployment(
        chart,
        "worker",
        metadata=ApiObjectMetadata(name="worker", namespace=station.namespace),
        containers=[
            kplus.ContainerProps(
                image="ghcr.io/example/worker:1.0.0",
                env_from=[kplus.Env.from_config_map(station.config_map_ref)],
                env_variables={
                    "OPENAI_API_KEY": kplus.EnvValue.from_secret_value(
                        kplus.SecretValue(secret=station.secret_ref, key="OPENAI_API_KEY")
                    )
                },
            )
        ],
    )
    worker.add_volume(kplus.Volume.from_config_map(chart, "settings", station.config_map_ref))
    spec = pod_spec(one(synth(chart), "Deployment", "worker"))
    container = spec["containers"][0]
    assert container["envFrom"] == [{"configMapRef": {"name": "station-config"}}]
    assert container["env"] == [
        {
            "name": "OPENAI_API_KEY",
            "valueFrom": {"secretKeyRef": {"key": "OPENAI_API_KEY", "name": "station-secrets"}},
        }
    ]
    assert [v["configMap"]["name"] for v in spec["volumes"]] == ["station-config"]


def test_the_references_are_the_ones_the_station_uses(chart: Chart) -> None:
    station = StationDeployment(chart, "station", name="agents")
    assert station.config_map_ref.name == station.config_map_name == "agents-config"
    assert station.secret_ref.name == station.secret_name
    assert station.claim_ref.name == station.pvc_name == "agents-data"
    assert station.config_map_ref is station.config_map_ref
    assert station.pods is station.pods


def test_a_network_policy_built_on_station_pods_selects_the_station_pod(
    new_chart: Any,
) -> None:
    stations = new_chart()
    station = StationDeployment(stations, "station", namespace="team-a")
    client_chart = Chart(stations.node.scope, "client", namespace="clients")
    client = kplus.Deployment(
        client_chart, "client", containers=[kplus.ContainerProps(image="example/client:1.0")]
    )
    client.connections.allow_to(
        station.pods,
        isolation=kplus.PodConnectionsIsolation.POD,
        ports=[kplus.NetworkPolicyPort.tcp(station.port(StationPort.AGENT_MCP))],
    )
    policy = next(o for o in synth(client_chart) if o["kind"] == "NetworkPolicy")
    (rule,) = policy["spec"]["egress"]
    (peer,) = rule["to"]
    assert peer["namespaceSelector"] == {"matchLabels": {"kubernetes.io/metadata.name": "team-a"}}
    assert rule["ports"] == [{"port": 8587, "protocol": "TCP"}]
    # The selector matches the labels the Station's pod carries.
    deployment = one(synth(stations), "Deployment", "station")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert peer["podSelector"]["matchLabels"].items() <= pod_labels.items()


def test_an_ingress_written_with_cdk8s_plus_routes_to_the_station_service(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    kplus.Ingress(
        chart,
        "ingress",
        metadata=ApiObjectMetadata(name="ui", namespace=station.namespace),
        default_backend=kplus.IngressBackend.from_service(
            station.service, port=station.port(StationPort.API)
        ),
    )
    ingress = one(synth(chart), "Ingress", "ui")
    assert ingress["spec"]["defaultBackend"] == {
        "service": {"name": "station", "port": {"number": 8585}}
    }


def test_json_patches_through_api_object_of_reach_the_output(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    ApiObject.of(station.deployment).add_json_patch(
        JsonPatch.add("/spec/template/spec/priorityClassName", "agents")
    )
    ApiObject.of(station.service).add_json_patch(
        JsonPatch.add("/metadata/annotations", {"team": "agents"})
    )
    objects = synth(chart)
    assert pod_spec(one(objects, "Deployment", "station"))["priorityClassName"] == "agents"
    assert one(objects, "Service", "station")["metadata"]["annotations"] == {"team": "agents"}


def test_api_object_of_a_station_or_a_snapshot_is_its_primary_object(chart: Chart) -> None:
    """As in cdk8s-plus: the primary child has the id ``Resource`` (``node.default_child``)."""
    station = StationDeployment(chart, "station")
    snapshot = StationVolumeSnapshot(chart, "snapshot", station=station, snapshot_class="csi")
    assert ApiObject.of(station).kind == "Deployment"
    assert ApiObject.of(station).name == "station"
    assert station.node.default_child is station.deployment
    assert ApiObject.of(snapshot).kind == "VolumeSnapshot"
    assert snapshot.node.default_child is snapshot.volume_snapshot
    ApiObject.of(station).add_json_patch(JsonPatch.add("/spec/minReadySeconds", 5))
    assert one(synth(chart), "Deployment", "station")["spec"]["minReadySeconds"] == 5


# The kind of each library construct's primary object (``ApiObject.of``); None: it has none.
PRIMARY_KINDS = {
    "StationDeployment": "Deployment",
    "StationNetworkPolicy": "NetworkPolicy",
    "LitestreamBackup": "ConfigMap",
    "ConfigDirBackup": None,
    "RestoreDrill": "CronJob",
    "BackupAlerts": "PrometheusRule",
    "LitestreamServiceMonitor": "ServiceMonitor",
    "StationIngress": "Ingress",
    "StationGateway": "Gateway",
    "StationGatewayRoute": "HTTPRoute",
    "StationVolumeSnapshot": "VolumeSnapshot",
}


def test_api_object_of_every_library_construct_is_its_primary_object() -> None:
    """Every construct the package exports, built in one app: ``ApiObject.of`` finds its
    child ``Resource``; ConfigDirBackup renders no object of its own (it changes the Station's
    pod), which docs/architecture.md says where it documents the primary child."""
    production, gateway = cdk8s.Testing.app(), cdk8s.Testing.app()
    full_production_app(Chart(production, "production"))
    gateway_app(Chart(gateway, "gateway"))
    exported = {
        name
        for name in station_constructs.__all__
        if isinstance(getattr(station_constructs, name), type)
        and issubclass(getattr(station_constructs, name), Construct)
    }
    assert exported == set(PRIMARY_KINDS)
    seen = {}
    for construct in [*production.node.find_all(), *gateway.node.find_all()]:
        name = type(construct).__name__
        if name not in PRIMARY_KINDS or construct.node.scope is None:
            continue
        seen[name] = construct
        kind = PRIMARY_KINDS[name]
        if kind is None:
            assert construct.node.try_find_child("Resource") is None
            with pytest.raises(RuntimeError):
                ApiObject.of(construct)
        else:
            assert ApiObject.of(construct).kind == kind, name
            assert construct.node.default_child is construct.node.find_child("Resource")
    assert set(seen) == set(PRIMARY_KINDS)
    escape_hatches = (DOCS / "architecture.md").read_text().split("## Escape hatches")[1]
    assert "`ConfigDirBackup` renders no object of its own" in escape_hatches


class ProxySidecar(Construct):
    """A user's own construct adding a sidecar to a Station's pod through ``station.pod``."""

    def __init__(
        self, scope: Construct, id: str, *, station: StationDeployment, read_only: bool = True
    ) -> None:
        super().__init__(scope, id)
        pod = station.pod
        pod.add_volume({"name": "proxy-config", "configMap": {"name": "proxy"}})
        pod.add_sidecar(
            {
                "name": "proxy",
                "image": "ghcr.io/example/proxy:1.0.0",
                "securityContext": {
                    "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"]},
                },
                "volumeMounts": [
                    {"name": "proxy-config", "mountPath": "/etc/proxy", "readOnly": True},
                    {"name": "data", "mountPath": "/data", "readOnly": read_only},
                ],
            }
        )
        pod.add_annotation("example.com/proxy", "on")
        pod.add_deployment_annotation("example.com/proxy-owner", "platform")
        pod.ensure_termination_grace_period(45, reason="the proxy drains its connections")


def test_a_users_construct_adds_a_sidecar_through_the_pod_api(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    ProxySidecar(chart, "proxy", station=station)
    deployment = one(synth(chart), "Deployment", "station")
    spec = pod_spec(deployment)
    proxy = spec["initContainers"][-1]
    assert (proxy["name"], proxy["restartPolicy"]) == ("proxy", "Always")
    assert spec["volumes"][-1] == {"name": "proxy-config", "configMap": {"name": "proxy"}}
    assert deployment["spec"]["template"]["metadata"]["annotations"]["example.com/proxy"] == "on"
    assert deployment["metadata"]["annotations"]["example.com/proxy-owner"] == "platform"
    assert (
        "example.com/proxy-owner" not in deployment["spec"]["template"]["metadata"]["annotations"]
    )
    assert spec["terminationGracePeriodSeconds"] == station.termination_grace_period_seconds == 45


def test_the_pod_changes_only_through_its_methods(chart: Chart) -> None:
    """No public field to edit: what the library and users add goes through the methods."""
    pod = StationDeployment(chart, "station").pod
    assert [name for name in vars(pod) if not name.startswith("_")] == []
    documented = (DOCS / "composing.md").read_text()
    public = [n for n in dir(StationPod) if not n.startswith("_")]
    assert public and [n for n in public if f"`{n}" not in documented] == []


def test_a_users_construct_runs_the_pod_as_its_service_account(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    station.pod.use_service_account("reporter")
    station.pod.use_service_account("reporter")  # the same name again: nothing changes
    assert pod_spec(one(synth(chart), "Deployment", "station"))["serviceAccountName"] == "reporter"
    assert_refused(
        lambda: station.pod.use_service_account("other"),
        field="service_account_name",
        value="other",
        problem="a pod has one ServiceAccount",
        fix="'reporter'",
    )


class Reporter(Construct):
    """A user's construct that sends reports to ``endpoint`` from the Station's pod."""

    def __init__(self, scope: Construct, id: str, *, station: Any, endpoint: str) -> None:
        super().__init__(scope, id)
        station.network_policy.allow_egress_to(endpoint, requested_by=self, argument="endpoint")


def test_an_egress_refusal_names_the_users_construct_and_argument(chart: Chart) -> None:
    station = StationDeployment(
        chart,
        "station",
        network_policy=NetworkPolicyOptions(egress=EgressRules(namespaces=["proxy"])),
    )
    Reporter(chart, "in-cluster", station=station, endpoint="http://collector.metrics:9000")
    rules = one(synth(chart), "NetworkPolicy", "station")["spec"]["egress"]
    assert {"to": [{"namespaceSelector": {"matchLabels": {NAMESPACE: "metrics"}}}]} in rules
    error = assert_refused(
        lambda: Reporter(chart, "reporter", station=station, endpoint="https://r.example.com"),
        field="endpoint",
        value="https://r.example.com",
        problem="outside the cluster",
    )
    assert error.where == "Reporter 'test/reporter'"


def test_the_stations_own_service_account_is_kept(chart: Chart) -> None:
    station = StationDeployment(
        chart, "station", service_account=PodServiceAccount.existing("platform")
    )
    station.pod.use_service_account("reporter")
    assert pod_spec(one(synth(chart), "Deployment", "station"))["serviceAccountName"] == "platform"


def test_the_pod_checks_apply_to_what_a_users_construct_adds(tmp_path: Any) -> None:
    app = App(outdir=str(tmp_path))
    station = StationDeployment(Chart(app, "chart"), "station")
    ProxySidecar(station.node.scope, "proxy", station=station, read_only=False)  # type: ignore[arg-type]
    with pytest.raises(StationConfigError) as error:
        verify_app(app)
    assert "container 'proxy' mounts the data volume" in str(error.value)
    with pytest.raises(RuntimeError, match="Fix: "):
        app.synth()


def test_the_grace_period_keeps_the_longest_asked_for(chart: Chart) -> None:
    station = StationDeployment(chart, "station", termination_grace_period="60s")
    station.pod.ensure_termination_grace_period(45, reason="shorter: kept at 60")
    assert station.termination_grace_period_seconds == 60
    with pytest.raises(StationConfigError, match="seconds"):
        station.pod.ensure_termination_grace_period(0, reason="not a duration")


def test_an_attached_construct_reports_the_grace_period_the_pod_has(chart: Chart) -> None:
    backup = litestream_app(chart)
    backup.station.pod.ensure_termination_grace_period(300, reason="a slow sidecar")
    assert backup.termination_grace_period_seconds == 300
    assert (
        pod_spec(one(synth(chart), "Deployment", "station"))["terminationGracePeriodSeconds"] == 300
    )
    assert_refused(
        lambda: setattr(backup, "termination_grace_period_seconds", 5),
        field="termination_grace_period_seconds",
        problem="read-only",
    )


def test_chart_labels_reach_every_station_object() -> None:
    chart = Chart(cdk8s.Testing.app(), "labelled", labels={"cost-center": "agents"})
    StationDeployment(chart, "station")
    for obj in synth(chart):
        assert obj["metadata"]["labels"]["cost-center"] == "agents", obj["kind"]


def test_a_dependency_on_the_station_orders_the_output(chart: Chart) -> None:
    seed = kplus.ConfigMap(
        chart, "after", metadata=ApiObjectMetadata(name="after", namespace="station")
    )
    station = StationDeployment(chart, "station")
    ApiObject.of(seed).node.add_dependency(station.deployment)
    order = [(o["kind"], o["metadata"]["name"]) for o in synth(chart)]
    assert order.index(("Deployment", "station")) < order.index(("ConfigMap", "after"))


@jsii.implements(IValidation)
class _Refuse:
    """An app-level validation a platform team might add."""

    def validate(self) -> list[str]:
        return ["refused by the platform team"]


def test_app_level_validation_runs_over_a_station(tmp_path: Any) -> None:
    app = App(outdir=str(tmp_path))
    chart = Chart(app, "validated")
    StationDeployment(chart, "station")
    chart.node.add_validation(_Refuse())
    with pytest.raises(Exception, match="refused by the platform team"):
        app.synth()


def test_the_readme_composing_app_wires_a_client_to_the_station(tmp_path: Any) -> None:
    """The README's "Compose with cdk8s-plus" app, run as written: the client's egress
    selects the Station's pod, the Station admits the client's namespace on 8587 only, the
    client gets the in-cluster URL, and the JSON patch reaches the Deployment."""
    import os
    import re
    import subprocess
    import sys

    import yaml

    from tests.support.paths import REPO

    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## Compose with cdk8s-plus") :]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    env = {**os.environ, "CDK8S_OUTDIR": str(tmp_path), "PYTHONPATH": str(REPO)}
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    done = subprocess.run(
        [sys.executable, "-c", code.group(1)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    objects = [
        o for f in sorted(tmp_path.glob("*.yaml")) for o in yaml.safe_load_all(f.read_text()) if o
    ]
    policies = [o for o in objects if o["kind"] == "NetworkPolicy"]
    egress = next(p for p in policies if p["metadata"]["namespace"] == "clients")
    (rule,) = egress["spec"]["egress"]
    assert rule["to"][0]["podSelector"]["matchLabels"] == {"app": "station"}
    assert rule["ports"] == [{"port": 8587, "protocol": "TCP"}]
    own = one(objects, "NetworkPolicy", "station")
    admitted = [
        r for r in own["spec"]["ingress"] if any("namespaceSelector" in p for p in r["from"])
    ]
    assert admitted == [
        {
            "from": [
                {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "clients"}}}
            ],
            "ports": [{"port": 8587, "protocol": "TCP"}],
        }
    ]
    client = one(objects, "Deployment", "client")
    (container,) = pod_spec(client)["containers"]
    assert {"name": "MCP_URL", "value": "http://station.station.svc.cluster.local:8587/mcp"} in (
        container["env"]
    )
    assert pod_spec(one(objects, "Deployment", "station"))["priorityClassName"] == "agents"


def test_network_policy_patches_and_later_rules_apply_in_the_order_made(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    policy = station.network_policy
    assert policy is not None
    ApiObject.of(policy.api_object).add_json_patch(
        JsonPatch.add("/spec/ingress/-", {"from": [{"podSelector": {}}], "ports": [{"port": 1}]})
    )
    policy.allow_from_namespaces(["clients"], [StationPort.AGENT_MCP])
    ApiObject.of(policy).add_json_patch(JsonPatch.replace("/spec/ingress/2/ports/0/port", 2))
    policy.api_object.metadata.add_label("team", "agents")
    for _ in range(2):  # every synthesis renders the same object
        rendered = one(synth(chart), "NetworkPolicy", "station")
        assert [rule["ports"][0]["port"] for rule in rendered["spec"]["ingress"]] == [8585, 1, 2]
        assert rendered["spec"]["ingress"][2]["from"][0]["namespaceSelector"] == {
            "matchLabels": {"kubernetes.io/metadata.name": "clients"}
        }
        assert rendered["metadata"]["labels"]["team"] == "agents"


@jsii.implements(cdk8s.IResolver)
class _Mirror:
    """An App resolver a platform team might use: pull every image through a mirror."""

    def resolve(self, context: cdk8s.ResolutionContext) -> None:
        value = context.value
        if isinstance(value, str) and value.startswith(("ghcr.io/", "docker.io/")):
            context.replace_value("mirror.corp/" + value.split("/", 1)[1])


def test_an_app_resolver_reaches_every_object_a_station_renders(tmp_path: Any) -> None:
    """cdk8s runs an App's resolvers over every object's props; the library renders some
    bodies itself (the pod, the NetworkPolicy's rules, the restore drill's CronJob, the alert
    rules) and runs them the same way, so no image escapes the mirror."""
    from station_constructs import BackupAlerts, LitestreamBackup, RestoreDrill

    app = App(outdir=str(tmp_path), resolvers=[_Mirror()])
    chart = Chart(app, "mirrored")
    station = StationDeployment(chart, "station")
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.compatible("http://minio.minio:9000", "bkt"),
    )
    RestoreDrill(chart, "drill", backup=backup)
    BackupAlerts(chart, "alerts", station=station)
    objects = synth(chart)
    images = sorted(
        c["image"]
        for o in objects
        if o["kind"] in ("Deployment", "CronJob")
        for c in _containers(o)
    )
    assert images and all(i.startswith("mirror.corp/") for i in images), images
    assert "ghcr.io/" not in str(objects) and "docker.io/" not in str(objects)


def _containers(obj: Manifest) -> list[Any]:
    spec = (
        obj["spec"]["template"]["spec"]
        if obj["kind"] == "Deployment"
        else (obj["spec"]["jobTemplate"]["spec"]["template"]["spec"])
    )
    return [*spec.get("initContainers", []), *spec["containers"]]
