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
from station_constructs._render import network as r
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
from station_constructs._render import network as r
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
from station_constructs._render import network as r
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
from station_constructs._settings.station import StationPort, StationStorage, DEFAULT_IMAGE
result = [StationPort.AGENT_MCP.value, StationStorage().size, DEFAULT_IMAGE]
"""
    )
    assert result == ["dynamic-mcp", "10Gi", "ghcr.io/cloudshipai/station:v0.25.0"]


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
from station_constructs._render import storage as r
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
from station_constructs._render import services as r
labels = {"app": "station", "app.kubernetes.io/component": "external", "team": "platform"}
result = [
    r.service(
        "station-external", "station", labels, service_type="LoadBalancer",
        ports=[r.service_port("dynamic-mcp", 8587)],
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
names = sorted(p.stem for p in pathlib.Path("station_constructs/_settings").glob("*.py"))
for name in names:
    if name != "__init__":
        importlib.import_module(f"station_constructs._settings.{name}")
from station_constructs._errors import _Guard
from station_constructs._settings.ports import resolve_ports
ports = resolve_ports(
    _Guard("StationDeployment 'app/station'"), api_port=8585, mcp_port=8586,
    enable_api=False, local_mode=True,
)
result = [str(p) for p in ports.served_ports]
"""
    )
    assert result == ["StationPort.MCP", "StationPort.AGENT_MCP"]


POD = """
from station_constructs._render import containers as c
from station_constructs._render.backup_pod import BackupContainers, add_backup_containers
from station_constructs._render.pod import add_step, define_volume, manifest
from station_constructs._render.station_pod import StationPodSettings, station_pod
settings = StationPodSettings(
    name="station", namespace="agents", labels={"app": "station"}, selector={"app": "station"},
    pod_annotations={}, scanner_annotations={"checkov.io/skip1": "x"},
    image="ghcr.io/cloudshipai/station:v0.23.0", pull_policy="IfNotPresent", pull_secrets=[],
    ports=[("dynamic-mcp", 8587)], probe_port=8587, config_map_name="station-config",
    settings={"A": "1"}, secret_env=[("OPENAI_API_KEY", "station-secrets", "OPENAI_API_KEY")],
    resources=c.resources(cpu_request_m=250, cpu_limit_m=None, memory_request_mi=512,
                          memory_limit_mi=2048),
    startup_timeout_seconds=300, grace_period_seconds=30, read_only_root=True,
    config_on_volume=True, persist_tool_caches=False, scratch_mebibytes=2048,
    claim_name="station-data", seed_script="true", seed_environment={"SEED_HOME_TO": "/seed/home"},
)
pod = station_pod(settings)
define_volume(pod, c.config_map_volume("litestream-config", "station-litestream"))
add_backup_containers(pod, BackupContainers(
    restore_name="litestream-restore", sidecar_name="litestream", image="litestream:0.5.17",
    pull_policy="IfNotPresent", env=[], resources=c.resources(cpu_request_m=50, cpu_limit_m=500,
    memory_request_mi=64, memory_limit_mi=512),
    mounts=[c.mount("/data", "data"), c.mount("/etc/litestream", "litestream-config")],
    restore_command=["restore"], sidecar_command=["replicate"], identity_mount=None, native=True,
))
pod.ensure_termination_grace_period(60, reason="a")
pod.ensure_termination_grace_period(45, reason="b")
def step(data):
    data["spec"]["template"]["spec"]["containers"][0]["env"].append({"name": "X", "value": "1"})
add_step(pod, step)
first = manifest(pod, {"labels": {"team": "a"}})
second = manifest(pod, {"labels": {"team": "a"}})
result = {"first": first, "same": first == second}
"""


def test_the_station_pod_assembles_and_renders_without_cdk8s() -> None:
    result = render(POD)
    assert result["same"], "manifest() must not change the assembly"
    deployment = result["first"]
    assert list(deployment) == ["apiVersion", "kind", "metadata", "spec"]
    assert deployment["metadata"]["labels"] == {"app": "station", "team": "a"}
    spec = deployment["spec"]["template"]["spec"]
    # The restore first, then seed-home, then the native sidecar (marked last, as before).
    assert [c["name"] for c in spec["initContainers"]] == [
        "litestream-restore",
        "seed-home",
        "litestream",
    ]
    sidecar = spec["initContainers"][2]
    assert list(sidecar)[-1] == "restartPolicy" and sidecar["restartPolicy"] == "Always"
    assert "restartPolicy" not in spec["initContainers"][0]
    # Volumes in the order cdk8s-plus listed them: the main container's mounts, then the init
    # containers', each once; nothing defined but unmounted.
    assert [v["name"] for v in spec["volumes"]] == [
        "data",
        "home",
        "tmp",
        "workspace",
        "litestream-config",
    ]
    assert spec["terminationGracePeriodSeconds"] == 60
    env = spec["containers"][0]["env"]
    assert env[-1] == {"name": "X", "value": "1"} and len(env) == 2
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert spec["containers"][0]["securityContext"]["capabilities"] == {"drop": ["ALL"]}


def test_the_backup_settings_and_renderers_run_without_cdk8s() -> None:
    result = render(
        """
from types import SimpleNamespace

from station_constructs._errors import _Guard
from station_constructs._render import backup_pod, config_backup, litestream_config, pod_options
from station_constructs._settings.s3 import check_replica_fields
from station_constructs._settings.config_backup import resolve_config_backup
from station_constructs._settings.litestream import resolve_litestream
from station_constructs._settings.pod_options import ResolvedPod, ServiceAccountSettings
from station_constructs._settings.station import ImagePullPolicy, StationPort
from station_constructs._settings.litestream import DEFAULT_RESOURCES, MetricsSettings, SidecarMode

guard = _Guard("LitestreamBackup 'app/backup'")
fields = check_replica_fields(
    guard, bucket="bkt", path=None, endpoint="http://minio.minio.svc:9000/",
    region="us-east-1", force_path_style=True,
)
replica = SimpleNamespace(
    **dict(zip(("bucket", "path", "endpoint", "region", "force_path_style"), fields))
)
settings = resolve_litestream(
    guard, default_path="agents/station/station.db", has_network_policy=True,
    station_ports={StationPort.API: 8585}, station_stop_seconds=10, replica=replica,
    metrics=MetricsSettings(None, False, ()),
    sync_interval="1s", snapshot_interval="24h", retention="24h", checkpoint_interval="1m",
    shutdown_sync_timeout="30s", termination_grace_period=None, sidecar_mode=SidecarMode.NATIVE,
    image="docker.io/litestream/litestream:0.5.17",
    image_pull_policy=ImagePullPolicy.IF_NOT_PRESENT, resources=DEFAULT_RESOURCES,
)
text = litestream_config.litestream_yml(
    settings.target, settings.timing, metrics_port=None, station="agents/station",
    secret_name="minio",
)
copy = resolve_config_backup(
    guard, interval="60s", max_failures=5, max_deletes=20, require_backup=None,
    default_require_backup=False, image="docker.io/rclone/rclone:1.75.2",
)
restore, _ = config_backup.config_commands(
    copy, remote="backup:bkt/x", remote_id="bkt/x", history="backup:bkt/x-history"
)
step = pod_options.pod_options_step(
    ResolvedPod({}, {"team": "ai"}, [], [], [], [], ServiceAccountSettings("sa", True, {}, False))
)
deployment = {"spec": {"template": {"metadata": {}, "spec": {"containers": [{"name": "station"}]}}}}
step(deployment)
result = {
    "yml": text.splitlines()[3:],
    "url": litestream_config.replica_url(settings.target),
    "grace": settings.timing.grace_period_seconds,
    "rclone": config_backup.rclone_environment(
        endpoint=settings.target.endpoint, region=settings.target.region, force_path_style=True
    ),
    "restore": restore[:2],
    "pod": deployment["spec"]["template"],
    "mount": backup_pod.litestream_mounts()[1],
}
"""
    )
    assert result["yml"] == [
        "shutdown-sync-timeout: 30s",
        "snapshot:",
        "  interval: 24h",
        "  retention: 24h",
        "dbs:",
        "  - path: /data/station.db",
        "    checkpoint-interval: 1m",
        "    replica:",
        "      type: s3",
        "      bucket: bkt",
        '      path: "agents/station/station.db"',
        '      endpoint: "http://minio.minio.svc:9000"',
        '      region: "us-east-1"',
        "      force-path-style: true",
        "      sync-interval: 1s",
    ]
    assert result["url"] == (
        "s3://bkt/agents/station/station.db?endpoint=http://minio.minio.svc:9000"
        "&region=us-east-1&forcePathStyle=true"
    )
    assert result["grace"] == 45
    assert result["rclone"]["RCLONE_CONFIG_BACKUP_PROVIDER"] == "Other"
    assert result["restore"] == ["sh", "-c"]
    assert result["pod"] == {
        "metadata": {"labels": {"team": "ai"}},
        "spec": {
            "containers": [{"name": "station"}],
            "serviceAccountName": "sa",
            "automountServiceAccountToken": False,
        },
    }
    assert result["mount"] == {
        "mountPath": "/etc/litestream",
        "name": "litestream-config",
        "readOnly": True,
    }


def test_the_ingress_and_the_alerts_render_without_cdk8s() -> None:
    result = render(
        """
from station_constructs._render import alerts, ingress
rules = alerts.backup_rules(
    namespace="agents", station_name="station", service_name="station", window="5m",
    stalled_after=60, severity="critical", litestream_native=True, config_backup_native=True,
    drill_name="drill",
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
from station_constructs._render import drill
init, main = drill.drill_containers(
    database_image="litestream", database_command=["sh"], config_dir="/etc/litestream",
    credentials=[], token_mounts=[], rclone_image="rclone", rclone_env={},
    config_command=None, record_command=["sh"],
)
job = drill.cron_job(
    name="station-restore-drill", namespace="agents", labels={}, schedule="17 4 * * *",
    deadline=1800, size_mebibytes=2048, init_containers=init, main=main,
    config_map_name="station-litestream", service_account_name=None, identity_volume=None,
)
pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
result = [c["name"] for c in pod["initContainers"] + pod["containers"]] + sorted(pod)
"""
    )
    assert result[:2] == ["drill-database", "drill-record"]
