"""Renderers are plain Python: they import no cdk8s and start no Node process.

Each test here runs the renderer in a fresh interpreter in which the package's ``__init__``
(which imports the constructs, and so cdk8s) is not run, and checks that neither cdk8s nor
jsii was imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import yaml

from tests.support.paths import REPO

NAMESPACE = "kubernetes.io/metadata.name"

# Stand in for the package so importing a submodule does not run station_constructs/__init__.
PRELUDE = f"""
import json, sys, types
package = types.ModuleType("station_constructs")
package.__path__ = [{str(REPO / "station_constructs")!r}]
sys.modules["station_constructs"] = package
"""
EPILOGUE = """
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("cdk8s", "cdk8s_plus_27", "jsii"))
print(json.dumps({"result": result, "loaded": loaded}))
"""


def render(code: str) -> Any:
    """Run ``code`` (which sets ``result``) without cdk8s; return ``result``."""
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + code + EPILOGUE],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["loaded"] == []
    return out["result"]


def test_the_network_policy_renders_without_cdk8s() -> None:
    result = render(
        """
from station_constructs.render import network as r
spec = r.policy_spec(
    [r.ingress_rule([r.namespace_peer("gateway")], r.tcp_ports([8587]))],
    r.egress_rules(["10.0.0.0/8"], ["proxy"], [443, 443], allow_dns=True),
    {"app": "station"},
)
result = r.network_policy("station", "agents", {"app": "station"}, spec)
"""
    )
    assert result == {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "station", "namespace": "agents", "labels": {"app": "station"}},
        "spec": {
            "egress": [
                {"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]},
                {
                    "ports": [{"port": 443, "protocol": "TCP"}],
                    "to": [
                        {"ipBlock": {"cidr": "10.0.0.0/8"}},
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "proxy"}
                            }
                        },
                    ],
                },
            ],
            "ingress": [
                {
                    "from": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "gateway"}
                            }
                        }
                    ],
                    "ports": [{"port": 8587, "protocol": "TCP"}],
                }
            ],
            "podSelector": {"matchLabels": {"app": "station"}},
            "policyTypes": ["Ingress", "Egress"],
        },
    }


def test_open_egress_leaves_egress_out_of_the_policy_types() -> None:
    result = render(
        """
from station_constructs.render import network as r
result = r.policy_spec([], None, {"app": "station"})
"""
    )
    assert result == {
        "ingress": [],
        "podSelector": {"matchLabels": {"app": "station"}},
        "policyTypes": ["Ingress"],
    }


def test_egress_without_ports_admits_every_port_and_pods_can_be_narrowed() -> None:
    result = render(
        """
from station_constructs.render import network as r
result = [r.egress_rules([], ["proxy"], [], allow_dns=False), r.namespace_peer("a", {"x": "y"})]
"""
    )
    assert result == [
        [{"to": [{"namespaceSelector": {"matchLabels": {NAMESPACE: "proxy"}}}]}],
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "a"}},
            "podSelector": {"matchLabels": {"x": "y"}},
        },
    ]


def test_the_settings_vocabulary_loads_without_cdk8s() -> None:
    result = render(
        """
from station_constructs.settings.station import StationPort, StationStorage, DEFAULT_IMAGE
result = [StationPort.AGENT_MCP.value, StationStorage().size, DEFAULT_IMAGE]
"""
    )
    assert result == ["dynamic-mcp", "10Gi", "ghcr.io/cloudshipai/station:v0.23.0"]


def test_the_check_would_see_cdk8s() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + "import cdk8s\nresult = None\n" + EPILOGUE],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "cdk8s" in json.loads(done.stdout.strip().splitlines()[-1])["loaded"]


def test_the_namespace_config_map_and_claim_render_without_cdk8s() -> None:
    result = render(
        """
from station_constructs.render import storage as r
labels = {"app": "station", "app.kubernetes.io/component": "x"}
result = [
    r.namespace("agents", labels, protect_from_prune=False),
    r.config_map("station-config", "agents", labels, {"API_PORT": "8585"}),
    r.persistent_volume_claim(
        "station-data", "agents", labels, access_mode="ReadWriteOnce", size="10Gi",
        storage_class=None, volume_name="pv-1", restore_from_snapshot="snap",
        protect_from_prune=True,
    ),
]
"""
    )
    namespace, config_map, claim = result
    assert namespace["metadata"]["labels"]["app"] == "station-agents"
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert "annotations" not in namespace["metadata"] and "namespace" not in namespace["metadata"]
    assert config_map["data"] == {"API_PORT": "8585"}
    assert claim["spec"] == {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "10Gi"}},
        "volumeName": "pv-1",
        "dataSource": {
            "apiGroup": "snapshot.storage.k8s.io",
            "kind": "VolumeSnapshot",
            "name": "snap",
        },
    }
    assert claim["metadata"]["annotations"]["kustomize.toolkit.fluxcd.io/prune"] == "disabled"


def test_the_services_render_without_cdk8s_as_the_golden_has_them() -> None:
    result = render(
        """
from station_constructs.render import services as r
labels = {"app": "station", "app.kubernetes.io/component": "external", "team": "platform"}
result = [
    r.service(
        "station-external", "station", labels, service_type="LoadBalancer",
        ports=[r.service_port("api", 8585), r.service_port("dynamic-mcp", 8587)],
        selector={"app": "station"}, source_ranges=["203.0.113.0/24"],
    ),
    r.service(
        "station-np", "agents", labels, service_type="NodePort",
        ports=[r.service_port("dynamic-mcp", 8587, 30087)], selector={"app": "station"},
        annotations={"example.com/owner": "ai"},
    ),
]
"""
    )
    external, node_port = result
    golden = [
        o
        for o in yaml.safe_load_all((REPO / "tests/golden/production.yaml").read_text())
        if o and o["kind"] == "Service" and o["metadata"]["name"] == "station-external"
    ]
    assert external["spec"] == golden[0]["spec"]
    assert (external["apiVersion"], external["kind"]) == ("v1", "Service")
    assert node_port["spec"]["ports"] == [
        {
            "name": "dynamic-mcp",
            "port": 8587,
            "targetPort": 8587,
            "protocol": "TCP",
            "nodePort": 30087,
        }
    ]
    assert "loadBalancerSourceRanges" not in node_port["spec"]
    assert node_port["metadata"]["annotations"] == {"example.com/owner": "ai"}


def test_the_settings_resolvers_load_and_run_without_cdk8s() -> None:
    result = render(
        """
import importlib, pathlib
names = sorted(p.stem for p in pathlib.Path("station_constructs/settings").glob("*.py"))
for name in names:
    if name != "__init__":
        importlib.import_module(f"station_constructs.settings.{name}")
from station_constructs._errors import _Guard
from station_constructs.settings.ports import resolve_ports
ports = resolve_ports(
    _Guard("StationDeployment 'app/station'"), api_port=8585, mcp_port=8586,
    enable_api=False, local_mode=True,
)
result = [str(p) for p in ports.served_ports]
"""
    )
    assert result == ["StationPort.MCP", "StationPort.AGENT_MCP"]


def test_the_ingress_and_the_alerts_render_without_cdk8s() -> None:
    result = render(
        """
from station_constructs.render import alerts, ingress
rules = alerts.backup_rules(
    namespace="agents", station_name="station", service_name="station", window="5m",
    stalled_after=60, severity="critical", config_backup_native=True, drill_name="drill",
)
rule = alerts.prometheus_rule(
    name="station-backups", namespace="agents", labels={}, group_name="g", rules=rules
)
obj = ingress.ingress(
    name="station", namespace="agents", labels={}, annotations={}, class_name="nginx",
    hosts=["a.example.com"], tls_secret_name="station-tls", service_name="station",
    paths=[("a.example.com", "/mcp", "Prefix", 8587)],
)
result = [[r["alert"] for r in rule["spec"]["groups"][0]["rules"]], obj["spec"]["rules"]]
"""
    )
    assert result[0][-2:] == ["StationConfigBackupFailing", "StationRestoreDrillFailing"]
    assert result[1] == [
        {
            "host": "a.example.com",
            "http": {
                "paths": [
                    {
                        "path": "/mcp",
                        "pathType": "Prefix",
                        "backend": {"service": {"name": "station", "port": {"number": 8587}}},
                    }
                ]
            },
        }
    ]


def test_the_restore_drill_renders_without_cdk8s() -> None:
    result = render(
        """
from station_constructs.render import drill
init, database = drill.drill_containers(
    database_image="litestream", database_command=["sh"], config_dir="/etc/litestream",
    credentials=[], token_mounts=[], config_image=None, config_command=None, config_env=None,
)
job = drill.cron_job(
    name="station-restore-drill", namespace="agents", labels={}, schedule="17 4 * * *",
    deadline=1800, size_mebibytes=2048, init_containers=init, database=database,
    config_map_name="station-litestream", service_account_name=None, identity_volume=None,
)
pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
result = [c["name"] for c in pod["containers"]] + sorted(pod)
"""
    )
    assert result[0] == "drill-database"
    assert "initContainers" not in result
