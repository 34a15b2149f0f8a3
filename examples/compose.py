"""Composing Station into a larger app: two teams' Stations and a client that calls them.

    python examples/compose.py          # writes build/examples/compose/

Each team gets its own Station in its own namespace (names, volumes and selectors never
collide; the library refuses duplicates). The platform's own workload, a cdk8s-plus
Deployment in the ``agents-gateway`` namespace, reads each Station's agent MCP URL from the
construct, and each Station's NetworkPolicy admits that namespace on the agent MCP port only.

The gateway is hardened like the Station beside it, since this is the file people copy:
non-root, read-only root filesystem, no privilege escalation, every capability dropped,
the RuntimeDefault seccomp profile (the last two through JSON patches: cdk8s-plus-27 cannot
express them), liveness and readiness probes, resource requests and limits, and its own
NetworkPolicies (ingress only from its namespace on 8080; egress only to DNS and to the
Stations' agent MCP port, selected through ``station.pods``, a cdk8s-plus pod selector).
Its image is pinned by tag; the two scanner findings that only a digest
would clear are suppressed on the object with the reason, as the Station does.

The Stations run in local mode (the default): nothing is exposed outside the cluster, and the
NetworkPolicy deciding which pods get in is the authentication.
"""

import os

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import cdk8s_plus_27 as kplus  # noqa: E402
from cdk8s import ApiObject, ApiObjectMetadata, App, Chart, Duration, JsonPatch, Size  # noqa: E402
from cdk8s_plus_27 import k8s  # noqa: E402

from station_constructs import (  # noqa: E402
    AIProvider,
    ResourceProfile,
    StationDeployment,
    StationPort,
)

app = App(outdir=os.environ.get("CDK8S_OUTDIR", "build/examples/compose"))

stations = Chart(app, "stations")
teams = {
    "research": StationDeployment(
        stations,
        "research",
        name="station",
        namespace="team-research",
        provider=AIProvider.ANTHROPIC,
        resources=ResourceProfile.PRODUCTION,
    ),
    "support": StationDeployment(
        stations,
        "support",
        name="station",
        namespace="team-support",
    ),
}

gateway = Chart(app, "gateway", namespace="agents-gateway")
kplus.Namespace(gateway, "namespace", metadata=ApiObjectMetadata(name="agents-gateway"))
client = kplus.Deployment(
    gateway,
    "gateway",
    metadata=ApiObjectMetadata(
        name="agents-gateway",
        annotations={
            "checkov.io/skip1": "CKV_K8S_15=IfNotPresent with a version-pinned tag runs exactly "
            "that build; pin a digest to clear this",
            "checkov.io/skip2": "CKV_K8S_43=the image is pinned to a version tag; pin it with an "
            "@sha256 digest of your own build to make it immutable",
        },
    ),
    security_context=kplus.PodSecurityContextProps(user=10001, group=10001, ensure_non_root=True),
)
container = client.add_container(
    name="gateway",
    image="ghcr.io/example/agents-gateway:1.4.2",
    image_pull_policy=kplus.ImagePullPolicy.IF_NOT_PRESENT,
    port_number=8080,
    security_context=kplus.ContainerSecurityContextProps(
        ensure_non_root=True,
        read_only_root_filesystem=True,
        allow_privilege_escalation=False,
        privileged=False,
        user=10001,
        group=10001,
    ),
    resources=kplus.ContainerResources(
        cpu=kplus.CpuResources(request=kplus.Cpu.millis(50), limit=kplus.Cpu.millis(500)),
        memory=kplus.MemoryResources(request=Size.mebibytes(64), limit=Size.mebibytes(256)),
    ),
    liveness=kplus.Probe.from_http_get("/healthz", port=8080, period_seconds=Duration.seconds(10)),
    readiness=kplus.Probe.from_http_get("/readyz", port=8080, period_seconds=Duration.seconds(5)),
)
# cdk8s-plus-27 cannot set a seccomp profile or drop capabilities: patch the pod template.
# It also writes two zero values the API server drops: removed, so that re-applying an
# unchanged app changes nothing (docs/day-2.md).
template = ApiObject.of(client)
template.add_json_patch(
    JsonPatch.add("/spec/template/spec/securityContext/seccompProfile", {"type": "RuntimeDefault"}),
    JsonPatch.add(
        "/spec/template/spec/containers/0/securityContext/capabilities", {"drop": ["ALL"]}
    ),
    JsonPatch.remove("/spec/minReadySeconds"),
    JsonPatch.remove("/spec/template/spec/hostNetwork"),
)
for team, station in teams.items():
    # Effective names and ports are readable back from the construct.
    container.env.add_variable(
        f"STATION_{team.upper()}_MCP_URL",
        kplus.EnvValue.from_value(station.url(StationPort.AGENT_MCP) + "/mcp"),
    )
    assert station.network_policy is not None  # rendered unless network_policy=None
    station.network_policy.allow_from_namespaces(["agents-gateway"], [StationPort.AGENT_MCP])

# The gateway's own NetworkPolicies: callers in its namespace in, DNS out (below), and the
# Stations' agent MCP out. `station.pods` is a cdk8s-plus pod selector: it selects each
# Station's pod by its stable labels in the Station's namespace.
kplus.NetworkPolicy(
    gateway,
    "gateway-to-stations",
    metadata=ApiObjectMetadata(name="agents-gateway-to-stations"),
    selector=client,
    egress=kplus.NetworkPolicyTraffic(
        default=kplus.NetworkPolicyTrafficDefault.DENY,
        rules=[
            kplus.NetworkPolicyRule(
                peer=station.pods,
                ports=[kplus.NetworkPolicyPort.tcp(station.port(StationPort.AGENT_MCP))],
            )
            for station in teams.values()
        ],
    ),
)
k8s.KubeNetworkPolicy(
    gateway,
    "gateway-policy",
    metadata=k8s.ObjectMeta(name="agents-gateway"),
    spec=k8s.NetworkPolicySpec(
        pod_selector=k8s.LabelSelector(match_labels=client.match_labels),
        policy_types=["Ingress", "Egress"],
        ingress=[
            k8s.NetworkPolicyIngressRule(
                from_=[k8s.NetworkPolicyPeer(pod_selector=k8s.LabelSelector())],
                ports=[k8s.NetworkPolicyPort(port=k8s.IntOrString.from_number(8080))],
            )
        ],
        egress=[
            k8s.NetworkPolicyEgressRule(
                to=[
                    k8s.NetworkPolicyPeer(
                        namespace_selector=k8s.LabelSelector(
                            match_labels={"kubernetes.io/metadata.name": "kube-system"}
                        ),
                        pod_selector=k8s.LabelSelector(match_labels={"k8s-app": "kube-dns"}),
                    )
                ],
                ports=[
                    k8s.NetworkPolicyPort(port=k8s.IntOrString.from_number(53), protocol=p)
                    for p in ("UDP", "TCP")
                ],
            ),
        ],
    ),
)

app.synth()
