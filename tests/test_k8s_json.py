"""Typed ``k8s`` structs read as JSON in Python write exactly what cdk8s writes for them.

``_settings/k8s_json.py`` replaces rendering the pod options through a throwaway ``KubePod``;
each case here is rendered both ways (cdk8s's own ``KubePod.to_json()`` is the reference),
key order included, since the Deployment is written as the converter returns it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdk8s import Chart
from cdk8s_plus_27 import k8s

from station_constructs._settings.k8s_json import k8s_json

q, n = k8s.Quantity.from_string, k8s.Quantity.from_number

CASES: dict[str, dict[str, Any]] = {
    "tolerations": {
        "tolerations": [
            k8s.Toleration(
                key="a", operator="Equal", value="v", effect="NoSchedule", toleration_seconds=30
            ),
            k8s.Toleration(operator="Exists"),
        ]
    },
    "affinity": {
        "affinity": k8s.Affinity(
            node_affinity=k8s.NodeAffinity(
                required_during_scheduling_ignored_during_execution=k8s.NodeSelector(
                    node_selector_terms=[
                        k8s.NodeSelectorTerm(
                            match_expressions=[
                                k8s.NodeSelectorRequirement(
                                    key="z", operator="In", values=["b", "a"]
                                )
                            ]
                        )
                    ]
                )
            ),
            pod_anti_affinity=k8s.PodAntiAffinity(
                preferred_during_scheduling_ignored_during_execution=[
                    k8s.WeightedPodAffinityTerm(
                        weight=10,
                        pod_affinity_term=k8s.PodAffinityTerm(
                            topology_key="kubernetes.io/hostname",
                            label_selector=k8s.LabelSelector(match_labels={"b": "2", "a": "1"}),
                        ),
                    )
                ]
            ),
        )
    },
    "volumes (acronyms: downwardAPI)": {
        "volumes": [
            k8s.Volume(
                name="ca",
                config_map=k8s.ConfigMapVolumeSource(
                    name="ca",
                    items=[k8s.KeyToPath(key="k", path="p", mode=0o444)],
                    default_mode=420,
                ),
            ),
            k8s.Volume(
                name="d",
                downward_api=k8s.DownwardApiVolumeSource(
                    items=[
                        k8s.DownwardApiVolumeFile(
                            path="labels",
                            field_ref=k8s.ObjectFieldSelector(field_path="metadata.labels"),
                        )
                    ]
                ),
            ),
            k8s.Volume(name="e", empty_dir=k8s.EmptyDirVolumeSource(size_limit=q("1Gi"))),
            k8s.Volume(
                name="p",
                projected=k8s.ProjectedVolumeSource(
                    sources=[
                        k8s.VolumeProjection(
                            downward_api=k8s.DownwardApiProjection(
                                items=[
                                    k8s.DownwardApiVolumeFile(
                                        path="x",
                                        resource_field_ref=k8s.ResourceFieldSelector(
                                            resource="limits.cpu", divisor=n(1)
                                        ),
                                    )
                                ]
                            )
                        ),
                        k8s.VolumeProjection(
                            service_account_token=k8s.ServiceAccountTokenProjection(
                                path="t", audience="sts", expiration_seconds=3600
                            )
                        ),
                    ]
                ),
            ),
        ]
    },
    "containers (quantities, int-or-string, hostIP)": {
        "containers": [
            k8s.Container(
                name="s",
                image="busybox:1",
                args=[],
                env=[
                    k8s.EnvVar(name="A", value="1"),
                    k8s.EnvVar(
                        name="B",
                        value_from=k8s.EnvVarSource(
                            secret_key_ref=k8s.SecretKeySelector(name="s", key="k", optional=True)
                        ),
                    ),
                ],
                ports=[k8s.ContainerPort(container_port=8080, host_ip="127.0.0.1", name="http")],
                resources=k8s.ResourceRequirements(
                    limits={"memory": q("64Mi"), "cpu": q("100m")}, requests={"cpu": n(0.5)}
                ),
                liveness_probe=k8s.Probe(
                    http_get=k8s.HttpGetAction(
                        port=k8s.IntOrString.from_number(8080),
                        http_headers=[k8s.HttpHeader(name="X", value="y")],
                    )
                ),
                readiness_probe=k8s.Probe(
                    tcp_socket=k8s.TcpSocketAction(port=k8s.IntOrString.from_string("http"))
                ),
                security_context=k8s.SecurityContext(
                    run_as_user=1000,
                    capabilities=k8s.Capabilities(drop=["ALL"]),
                    seccomp_profile=k8s.SeccompProfile(type="RuntimeDefault"),
                ),
                lifecycle=k8s.Lifecycle(
                    pre_stop=k8s.LifecycleHandler(exec=k8s.ExecAction(command=["sleep", "5"]))
                ),
            )
        ]
    },
    "hosts": {
        "host_aliases": [k8s.HostAlias(ip="10.0.0.5", hostnames=["llm", "a"])],
        "dns_config": k8s.PodDnsConfig(
            nameservers=["1.1.1.1"], options=[k8s.PodDnsConfigOption(name="ndots", value="2")]
        ),
    },
}


@pytest.mark.parametrize("spec", list(CASES.values()), ids=list(CASES))
def test_a_struct_reads_as_cdk8s_writes_it(chart: Chart, spec: dict[str, Any]) -> None:
    containers = spec.get("containers") or [k8s.Container(name="placeholder")]
    others = {k: v for k, v in spec.items() if k != "containers"}
    pod = k8s.KubePod(chart, "pod", spec=k8s.PodSpec(containers=containers, **others))
    written = pod.to_json()["spec"]
    for key, value in spec.items():
        camel = key.split("_")[0] + "".join(p.title() for p in key.split("_")[1:])
        ours = k8s_json(value)
        assert json.dumps(ours) == json.dumps(written[camel]), key
