"""Station placed and wired like every other workload on a platform team's cluster.

    python examples/pod_placement.py          # writes build/examples/pod-placement/
    cdk8s synth --app "python examples/pod_placement.py"

A dedicated, tainted arm64 node pool in one zone; a PriorityClass so Station is not the
first pod evicted; an IRSA ServiceAccount (its Kubernetes API token stays unmounted: Station
never calls the API; the EKS webhook injects its own token); the corporate CA bundle mounted
into Station; an init container that waits for the egress proxy; a read-only sidecar
exporting the database's size; an ``/etc/hosts`` entry for an internal LLM endpoint.

The PriorityClass ``station-high``, the ConfigMap ``corp-ca`` and the IAM role are yours.
"""

import os
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cdk8s import App, Chart  # noqa: E402
from cdk8s_plus_27 import k8s  # noqa: E402

from station_constructs import (  # noqa: E402
    PodExtras,
    PodPlacement,
    PodServiceAccount,
    StationDeployment,
    next_steps,
)


def small() -> k8s.ResourceRequirements:
    """Requests and limits for the helper containers."""
    return k8s.ResourceRequirements(
        requests={
            "cpu": k8s.Quantity.from_string("10m"),
            "memory": k8s.Quantity.from_string("16Mi"),
        },
        limits={
            "cpu": k8s.Quantity.from_string("100m"),
            "memory": k8s.Quantity.from_string("64Mi"),
        },
    )


def metrics_probe() -> k8s.Probe:
    """The exporter's /metrics, every 30 s."""
    return k8s.Probe(
        http_get=k8s.HttpGetAction(path="/metrics", port=k8s.IntOrString.from_number(9102)),
        period_seconds=30,
    )


app = App(outdir=os.environ.get("CDK8S_OUTDIR", "build/examples/pod-placement"))
chart = Chart(app, "station")
station = StationDeployment(
    chart,
    "station",
    placement=PodPlacement(
        node_selector={"kubernetes.io/arch": "arm64", "node.example.com/pool": "ai"},
        tolerations=[
            k8s.Toleration(key="dedicated", operator="Equal", value="ai", effect="NoSchedule")
        ],
        affinity=k8s.Affinity(
            node_affinity=k8s.NodeAffinity(
                required_during_scheduling_ignored_during_execution=k8s.NodeSelector(
                    node_selector_terms=[
                        k8s.NodeSelectorTerm(
                            match_expressions=[
                                k8s.NodeSelectorRequirement(
                                    key="topology.kubernetes.io/zone",
                                    operator="In",
                                    values=["eu-west-1a"],  # where the EBS volume lives
                                )
                            ]
                        )
                    ]
                )
            )
        ),
        priority_class_name="station-high",
    ),
    service_account=PodServiceAccount.rendered(
        annotations={"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/station"}
    ),
    pod_extras=PodExtras(
        labels={"cost-center": "ai-platform"},
        volumes=[k8s.Volume(name="corp-ca", config_map=k8s.ConfigMapVolumeSource(name="corp-ca"))],
        volume_mounts=[k8s.VolumeMount(name="corp-ca", mount_path="/etc/ssl/corp", read_only=True)],
        init_containers=[
            k8s.Container(
                name="wait-for-proxy",
                image="busybox:1.36.1",
                command=["sh", "-c", "until nslookup egress-proxy.proxy; do sleep 2; done"],
                resources=small(),
                security_context=k8s.SecurityContext(read_only_root_filesystem=True),
            )
        ],
        sidecars=[
            k8s.Container(
                name="db-size-exporter",
                image="ghcr.io/example/db-size-exporter:1.4.0",
                args=["--path=/data/station.db", "--listen=:9102"],
                ports=[k8s.ContainerPort(container_port=9102, name="db-metrics")],
                # Read-only: Station is the only writer of its database.
                volume_mounts=[k8s.VolumeMount(name="data", mount_path="/data", read_only=True)],
                resources=small(),
                liveness_probe=metrics_probe(),
                readiness_probe=metrics_probe(),
                security_context=k8s.SecurityContext(read_only_root_filesystem=True),
            )
        ],
        host_aliases=[k8s.HostAlias(ip="10.20.0.5", hostnames=["llm.internal"])],
        dns_config=k8s.PodDnsConfig(options=[k8s.PodDnsConfigOption(name="ndots", value="2")]),
    ),
)
app.synth()

print(next_steps(app), file=sys.stderr)
