"""LitestreamBackup: what it adds to the Station pod, the litestream.yml it renders, its
guards, and strict schema validation of both sidecar forms. The real binary is exercised
in test_litestream_e2e.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cdk8s
import pytest
import yaml
from cdk8s import Chart

from station_constructs import (
    LITESTREAM_IMAGE,
    ApiListener,
    ConfigDirBackup,
    ConfigDirectory,
    ExistingSecret,
    ExternalSecretSource,
    LitestreamBackup,
    LitestreamMetrics,
    LitestreamServiceMonitor,
    Resources,
    S3Credentials,
    S3Replica,
    SidecarMode,
    StationDeployment,
)
from station_constructs._backup_values import FORMER_ARGUMENTS
from station_constructs._renamed import Former
from tests.conftest import Manifest, container, find, pod_spec, synth
from tests.support.backups import MINIO, aws, litestream, minio
from tests.support.checkov_runner import run_checkov
from tests.support.kube_validate import validate_manifest
from tests.support.paths import REPO
from tests.support.refusals import assert_refused

DEFAULT_YML = """\
# Litestream 0.5.17 configuration for Station station/station, rendered by station-constructs.
# S3 credentials come from the environment (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY from Secret station-litestream), never from this file.
addr: ":9090"
shutdown-sync-timeout: 30s
snapshot:
  interval: 24h
  retention: 24h
dbs:
  - path: /data/station.db
    checkpoint-interval: 1m
    replica:
      type: s3
      bucket: "station-backups"
      path: "station/station/station.db"
      endpoint: "http://minio.minio.svc:9000"
      region: "us-east-1"
      force-path-style: true
      sync-interval: 1s
"""
ENDPOINT = MINIO


def backup(
    chart: Chart, station: dict[str, Any] | None = None, **options: Any
) -> tuple[StationDeployment, LitestreamBackup]:
    st = StationDeployment(chart, "station", **(station or {}))
    options.setdefault("replica", minio())
    return st, LitestreamBackup(chart, "backup", station=st, **options)


#: Where a refusal of :func:`backup` comes from.
BACKUP = "LitestreamBackup 'test/backup'"


def names(containers: list[Manifest]) -> list[str]:
    return [c["name"] for c in containers]


# ------------------------------------------------------------------ the pod


def test_adds_restore_before_seed_home_and_the_native_sidecar_after(chart: Chart) -> None:
    backup(chart)
    spec = pod_spec(synth(chart))
    # The database is restored before seed-home and Station read the volume.
    assert names(spec["initContainers"]) == ["litestream-restore", "seed-home", "litestream"]
    assert names(spec["containers"]) == ["station"]
    restore, sidecar = spec["initContainers"][0], spec["initContainers"][2]
    assert "restartPolicy" not in restore
    assert sidecar["restartPolicy"] == "Always"


def test_container_commands_use_the_mounted_config(chart: Chart) -> None:
    _, b = backup(chart)
    objects = synth(chart)
    restore = container(objects, container_name="litestream-restore")["command"]
    assert restore == b.restore_command and restore[:2] == ["sh", "-c"]
    assert (
        "litestream restore -config /etc/litestream/litestream.yml -if-replica-exists "
        '"$db"' in restore[2]
    )
    replicate = container(objects, container_name="litestream")["command"]
    assert replicate == b.replicate_command and replicate[:2] == ["sh", "-c"]
    assert "\nlitestream replicate -config /etc/litestream/litestream.yml &\n" in replicate[2]
    for name in ("litestream-restore", "litestream"):
        assert "$(" not in container(objects, container_name=name)["command"][2]


def test_require_backup_drops_if_replica_exists(chart: Chart) -> None:
    _, b = backup(chart, require_backup=True)
    assert b.require_backup is True
    assert "-if-replica-exists" not in b.restore_command[2]
    assert (
        'litestream restore -config /etc/litestream/litestream.yml "$db"' in (b.restore_command[2])
    )


def test_the_replica_is_named_on_the_pod(chart: Chart) -> None:
    _, b = backup(chart)
    annotations = find(synth(chart), "Deployment", "station")["spec"]["template"]["metadata"][
        "annotations"
    ]
    assert (
        annotations["station-constructs/litestream-replica"]
        == f"s3://{b.replica.bucket}/{b.replica.path}"
    )


def test_containers_use_the_pinned_image_and_the_mounted_config(chart: Chart) -> None:
    _, b = backup(chart)
    objects = synth(chart)
    for name in ("litestream-restore", "litestream"):
        c = container(objects, container_name=name)
        assert c["image"] == LITESTREAM_IMAGE == b.image
        assert c["imagePullPolicy"] == "IfNotPresent"
        assert c["volumeMounts"] == [
            {"mountPath": "/data", "name": "data"},
            {"mountPath": "/etc/litestream", "name": "litestream-config", "readOnly": True},
        ]


def test_containers_are_restricted_and_sized(chart: Chart) -> None:
    backup(chart)
    objects = synth(chart)
    for name in ("litestream-restore", "litestream"):
        c = container(objects, container_name=name)
        assert c["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "privileged": False,
            "readOnlyRootFilesystem": True,
            "runAsGroup": 1000,
            "runAsNonRoot": True,
            "runAsUser": 1000,
        }
        assert c["resources"] == {
            "limits": {"cpu": "500m", "memory": "512Mi"},
            "requests": {"cpu": "50m", "memory": "64Mi"},
        }


def test_indexes_follow_the_init_containers_present(chart: Chart) -> None:
    backup(
        chart,
        {"read_only_root_filesystem": False, "config_directory": ConfigDirectory.from_image()},
    )
    spec = pod_spec(synth(chart))
    # seed-home only checks the restored database's schema here (nothing to seed).
    assert names(spec["initContainers"]) == ["litestream-restore", "seed-home", "litestream"]
    assert spec["initContainers"][2]["restartPolicy"] == "Always"
    assert spec["initContainers"][0]["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert spec["initContainers"][2]["securityContext"]["capabilities"] == {"drop": ["ALL"]}


def test_credentials_come_from_the_secret_only(chart: Chart) -> None:
    _, b = backup(chart)
    objects = synth(chart)
    expected = [
        {
            "name": variable,
            "valueFrom": {
                "secretKeyRef": {"key": variable, "name": "station-litestream", "optional": False}
            },
        }
        for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
    ]
    for name in ("litestream-restore", "litestream"):
        assert container(objects, container_name=name)["env"] == expected
    assert not [o for o in objects if o["kind"] == "Secret"]
    assert b.secret_name == "station-litestream"
    assert b.secret_setup_command() == (
        "kubectl -n station create secret generic station-litestream \\\n"
        '  --from-literal=AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:?set AWS_ACCESS_KEY_ID in your '
        'shell first}" \\\n'
        '  --from-literal=AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:?set '
        'AWS_SECRET_ACCESS_KEY in your shell first}"'
    )


def test_key_names_of_an_existing_secret(chart: Chart) -> None:
    backup(
        chart,
        credentials=S3Credentials.from_secret(
            ExistingSecret(
                "minio",
                key_names={"AWS_ACCESS_KEY_ID": "accesskey", "AWS_SECRET_ACCESS_KEY": "secret"},
            )
        ),
    )
    env = container(synth(chart), container_name="litestream")["env"]
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in env}
    assert refs["AWS_ACCESS_KEY_ID"] == {"key": "accesskey", "name": "minio", "optional": False}
    assert refs["AWS_SECRET_ACCESS_KEY"] == {"key": "secret", "name": "minio", "optional": False}


def test_the_stations_own_secret_source_is_shared(chart: Chart) -> None:
    source = ExternalSecretSource(
        "vault",
        remote_refs={
            "STATION_ENCRYPTION_KEY": "enc",
            "OPENAI_API_KEY": "openai",
            "AWS_ACCESS_KEY_ID": "aws-id",
            "AWS_SECRET_ACCESS_KEY": "aws-secret",
        },
    )
    _, b = backup(chart, {"secret": source}, credentials=S3Credentials.from_secret(source))
    objects = synth(chart)
    assert b.secret_name == "station-secrets"
    externals = [o for o in objects if o["kind"] == "ExternalSecret"]
    assert [e["metadata"]["name"] for e in externals] == ["station-secrets"]
    ref = container(objects, container_name="litestream")["env"][0]["valueFrom"]["secretKeyRef"]
    assert ref["name"] == "station-secrets"
    assert b.secret_setup_command() is None


def test_an_operator_source_renders_the_credentials_secret(chart: Chart) -> None:
    source = ExternalSecretSource(
        "vault", remote_refs={"AWS_ACCESS_KEY_ID": "s3-id", "AWS_SECRET_ACCESS_KEY": "s3-secret"}
    )
    backup(chart, credentials=S3Credentials.from_secret(source))
    externals = [o for o in synth(chart) if o["kind"] == "ExternalSecret"]
    assert [e["metadata"]["name"] for e in externals] == ["station-litestream"]
    assert externals[0]["metadata"]["labels"]["app.kubernetes.io/component"] == "litestream"


# ------------------------------------------------------------------ litestream.yml


def test_renders_the_0_5_config_format(chart: Chart) -> None:
    _, b = backup(chart)
    config_map = find(synth(chart), "ConfigMap", "station-litestream")
    assert config_map["data"] == {"litestream.yml": DEFAULT_YML}
    assert b.litestream_yml == DEFAULT_YML
    parsed = yaml.safe_load(DEFAULT_YML)
    assert list(parsed["dbs"][0]) == ["path", "checkpoint-interval", "replica"]
    assert "replicas" not in parsed["dbs"][0]  # 0.3's list form
    assert config_map["metadata"]["labels"]["app.kubernetes.io/component"] == "litestream"


def test_aws_s3_target_has_no_endpoint_and_no_guessed_region(chart: Chart) -> None:
    _, b = backup(chart, replica=aws(path="prod/station"))
    replica = yaml.safe_load(b.litestream_yml)["dbs"][0]["replica"]
    assert replica == {
        "type": "s3",
        "bucket": "station-backups",
        "path": "prod/station",
        "force-path-style": False,
        "sync-interval": "1s",
    }
    assert b.replica_url == "s3://station-backups/prod/station"


def test_replica_url_names_an_explicit_aws_region(chart: Chart) -> None:
    _, b = backup(chart, replica=aws(region="eu-west-1"))
    assert b.replica_url == "s3://station-backups/station/station/station.db?region=eu-west-1"


def test_options_reach_the_config(chart: Chart) -> None:
    _, b = backup(
        chart,
        replica=S3Replica.compatible(
            "https://s3.eu-central-1.wasabisys.com",
            "station-backups",
            region="eu-central-1",
            force_path_style=False,
        ),
        sync_interval="500ms",
        snapshot_interval="6h",
        retention="168h",
        checkpoint_interval="5m",
        shutdown_sync_timeout="1m",
        metrics=LitestreamMetrics.off(),
    )
    parsed = yaml.safe_load(b.litestream_yml)
    assert "addr" not in parsed
    assert parsed["shutdown-sync-timeout"] == "1m"
    assert parsed["snapshot"] == {"interval": "6h", "retention": "168h"}
    assert parsed["dbs"][0]["checkpoint-interval"] == "5m"
    assert parsed["dbs"][0]["replica"]["region"] == "eu-central-1"
    assert parsed["dbs"][0]["replica"]["force-path-style"] is False
    assert parsed["dbs"][0]["replica"]["sync-interval"] == "500ms"
    assert b.replica_url == (
        "s3://station-backups/station/station/station.db"
        "?endpoint=https://s3.eu-central-1.wasabisys.com&region=eu-central-1&forcePathStyle=false"
    )


def test_durations_are_normalised(chart: Chart) -> None:
    _, b = backup(chart, sync_interval=2, snapshot_interval="90m", retention="1h30m")
    assert (b.sync_interval, b.snapshot_interval, b.retention) == ("2s", "1h30m", "1h30m")


def test_config_changes_roll_the_pod(new_chart: Any) -> None:
    hashes = []
    for bucket in ("station-backups", "station-backups", "other-bucket"):
        chart = new_chart()
        backup(chart, replica=minio(bucket=bucket))
        annotations = find(synth(chart), "Deployment", "station")["spec"]["template"]["metadata"]
        hashes.append(annotations["annotations"]["station-constructs/litestream-config-hash"])
    assert hashes[0] == hashes[1] != hashes[2]


def test_default_path_is_per_station(chart: Chart) -> None:
    _, b = backup(chart, {"name": "agents", "namespace": "team-a"})
    assert b.replica.path == "team-a/agents/station.db"
    assert b.config_map_name == "agents-litestream"
    assert b.secret_name == "agents-litestream"


# ------------------------------------------------------------------ shutdown


def test_grace_period_covers_station_stop_and_final_sync(chart: Chart) -> None:
    st, b = backup(chart)
    assert b.required_grace_period_seconds == 10 + 30 + 5
    assert st.termination_grace_period_seconds == 45
    assert pod_spec(synth(chart))["terminationGracePeriodSeconds"] == 45


def test_grace_period_follows_the_sync_timeout(chart: Chart) -> None:
    _, b = backup(chart, shutdown_sync_timeout="2m")
    assert pod_spec(synth(chart))["terminationGracePeriodSeconds"] == 10 + 120 + 5
    assert b.termination_grace_period_seconds == 135


def test_a_longer_grace_period_is_kept(chart: Chart) -> None:
    backup(chart, {"termination_grace_period": "5m"})
    assert pod_spec(synth(chart))["terminationGracePeriodSeconds"] == 300


def test_an_explicit_grace_period_is_used(chart: Chart) -> None:
    backup(chart, termination_grace_period="90s")
    assert pod_spec(synth(chart))["terminationGracePeriodSeconds"] == 90


def test_classic_sidecar_waits_for_station_before_its_sigterm(chart: Chart) -> None:
    backup(chart, sidecar_mode=SidecarMode.CLASSIC)
    spec = pod_spec(synth(chart))
    assert names(spec["initContainers"]) == ["litestream-restore", "seed-home"]
    assert names(spec["containers"]) == ["station", "litestream"]
    sidecar = spec["containers"][1]
    assert "restartPolicy" not in sidecar
    assert "startupProbe" not in sidecar
    assert sidecar["lifecycle"] == {"preStop": {"exec": {"command": ["sleep", "10"]}}}
    assert sidecar["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert sidecar["ports"] == [{"containerPort": 9090, "name": "metrics", "protocol": "TCP"}]
    assert sidecar["livenessProbe"]["httpGet"] == {
        "path": "/metrics",
        "port": 9090,
        "scheme": "HTTP",
    }
    assert "readinessProbe" not in sidecar  # backups must not take Station out of its Service
    assert spec["terminationGracePeriodSeconds"] == 45


# ------------------------------------------------------------------ metrics


def test_metrics_port_on_the_sidecar_and_the_service(chart: Chart) -> None:
    _, b = backup(chart)
    objects = synth(chart)
    sidecar = container(objects, container_name="litestream")
    assert sidecar["ports"] == [{"containerPort": 9090, "name": "metrics", "protocol": "TCP"}]
    # Station starts once Litestream serves /metrics (config loaded).
    assert sidecar["startupProbe"] == {
        "failureThreshold": 60,
        "httpGet": {"path": "/metrics", "port": 9090},
        "periodSeconds": 1,
        "timeoutSeconds": 1,
    }
    service = find(objects, "Service", "station")
    assert service["spec"]["ports"][-1] == {
        "name": "metrics",
        "port": 9090,
        "protocol": "TCP",
        "targetPort": 9090,
    }
    assert b.metrics_port == 9090
    annotations = find(objects, "Deployment", "station")["spec"]["template"]["metadata"][
        "annotations"
    ]
    assert not [k for k in annotations if k.startswith("prometheus.io/")]


def test_without_metrics_nothing_listens_or_points_at_9090(chart: Chart) -> None:
    _, b = backup(chart, metrics=LitestreamMetrics.off())
    objects = synth(chart)
    sidecar = container(objects, container_name="litestream")
    assert "ports" not in sidecar and "startupProbe" not in sidecar
    assert "metrics" not in [
        p["name"] for p in find(objects, "Service", "station")["spec"]["ports"]
    ]
    assert b.metrics_port is None
    assert "addr" not in b.litestream_yml


def test_prometheus_annotations_point_only_at_litestream(chart: Chart) -> None:
    backup(
        chart,
        metrics=LitestreamMetrics.served(prometheus_annotations=True, namespaces=["monitoring"]),
    )
    annotations = find(synth(chart), "Deployment", "station")["spec"]["template"]["metadata"][
        "annotations"
    ]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == "9090"
    assert annotations["prometheus.io/path"] == "/metrics"


def test_metrics_namespaces_are_admitted_to_9090_only(chart: Chart) -> None:
    backup(chart, metrics=LitestreamMetrics.served(namespaces=["monitoring"]))
    policy = find(synth(chart), "NetworkPolicy", "station")
    rule = policy["spec"]["ingress"][-1]
    assert rule == {
        "from": [
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
        ],
        "ports": [{"port": 9090, "protocol": "TCP"}],
    }


def test_service_monitor_scrapes_the_bound_port(chart: Chart) -> None:
    station, _ = backup(chart)
    LitestreamServiceMonitor(chart, "monitor", station=station)
    objects = synth(chart)
    monitor = find(objects, "ServiceMonitor", "station-litestream")
    assert monitor["spec"]["endpoints"][0]["port"] == "metrics"
    assert "metrics" in [p["name"] for p in find(objects, "Service", "station")["spec"]["ports"]]


# ------------------------------------------------------------------ guards


def test_fails_on_a_second_backup_for_the_same_station(chart: Chart) -> None:
    station, _ = backup(chart)
    assert_refused(
        lambda: litestream(chart, station, "second", bucket="other-bucket"),
        field="litestream",
        value="test/second",
        problem="already has a litestream attached ('test/backup')",
        fix="attach one litestream per Station",
    )


def test_fails_without_a_station(chart: Chart) -> None:
    assert_refused(
        lambda: LitestreamBackup(
            chart,
            "backup",
            station="station",  # type: ignore[arg-type]
            replica=S3Replica.aws("b-bucket"),
        ),
        field="station",
        value="str",
        problem="must be the StationDeployment",
    )


def test_fails_on_a_station_without_a_persistent_volume(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    station._objects = None  # type: ignore[assignment]  # impossible by construction
    assert_refused(
        lambda: litestream(chart, station, bucket="b-b"),
        field="station",
        value="test/station",
        problem="has no persistent volume at /data",
        fix="give the Station a persistent volume",
    )


@pytest.mark.parametrize(
    ("bucket", "fragment"),
    [
        ("Station-Backups", "lower-case"),
        ("ab", "3-63"),
        ("s3://station-backups", "no s3:// scheme"),
        ("station-backups/prod", "no path"),
        ("192.168.1.10", "IP address"),
        ("station..backups", "'..'"),
        ("xn--station", "reserves"),
        ("station-s3alias", "reserves"),
        ("", "3-63"),
    ],
)
def test_fails_on_invalid_buckets(bucket: str, fragment: str) -> None:
    error = assert_refused(lambda: S3Replica.aws(bucket), field="bucket", value=bucket)
    assert fragment in str(error)
    assert error.where == "S3Replica.aws"


@pytest.mark.parametrize(
    ("endpoint", "fragment"),
    [
        ("minio.minio.svc:9000", "http:// or https://"),
        ("s3://minio:9000", "http:// or https://"),
        ("http://minio:pass@minio:9000", "contains credentials"),
        ("http://minio:9000/station-backups", "no path"),
        ("http://minio:9000?x=1", "no path, query"),
        ("http://", "no valid host"),
        ("http://mi_nio:9000", "no valid host"),
        ("http://minio:99999", "not a valid URL"),
        ("http://$MINIO_HOST:9000", "'$'"),
        (" http://minio:9000", "without spaces"),
    ],
)
def test_fails_on_invalid_endpoints(endpoint: str, fragment: str) -> None:
    error = assert_refused(lambda: S3Replica.compatible(endpoint, "b-bucket"), field="endpoint")
    assert fragment in str(error)


def test_endpoint_forms_that_work(chart: Chart) -> None:
    for index, endpoint in enumerate(
        ["https://s3.eu-central-1.amazonaws.com/", "http://10.0.0.5:9000", "http://[fd00::5]:9000"]
    ):
        st = StationDeployment(chart, f"station{index}", namespace=f"ns{index}")
        b = LitestreamBackup(
            chart,
            f"b{index}",
            station=st,
            replica=S3Replica.compatible(endpoint, "b-bucket"),
        )
        assert b.replica.endpoint == endpoint.rstrip("/")


@pytest.mark.parametrize(
    "path", ["/leading", "trailing/", "a//b", "a/../b", "$HOME/station", "with space", "ä"]
)
def test_fails_on_invalid_paths(path: str) -> None:
    assert_refused(lambda: aws(path=path), field="path", value=path, problem="key prefix")


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("sync_interval", "1 s", "must be a duration"),
        ("sync_interval", "0s", "at least 0.1s"),
        ("sync_interval", "1d", "must be a duration"),
        ("snapshot_interval", "10s", "at least 60s"),
        ("retention", "-1h", "must be a duration"),
        ("checkpoint_interval", "0s", "at least 1s"),
        ("shutdown_sync_timeout", "0s", "at least 1s"),
        ("shutdown_sync_timeout", True, "must be a duration"),
    ],
)
def test_fails_on_invalid_durations(chart: Chart, field: str, value: Any, fragment: str) -> None:
    assert_refused(
        lambda: backup(chart, **{field: value}),
        field=field,
        value=value,
        problem=fragment,
        where=BACKUP,
    )


def test_fails_when_retention_is_shorter_than_the_snapshot_interval(chart: Chart) -> None:
    assert_refused(
        lambda: backup(chart, retention="1h"),
        field="retention",
        value="1h",
        problem="shorter than snapshot_interval '24h'",
        fix="pass retention >= 24h",
        where=BACKUP,
    )


def test_fails_when_the_grace_period_is_shorter_than_the_final_sync(chart: Chart) -> None:
    assert_refused(
        lambda: backup(chart, termination_grace_period="30s"),
        field="termination_grace_period",
        value="30s",
        problem="shorter than the final sync needs",
        fix="termination_grace_period >= 45s",
        where=BACKUP,
    )


@pytest.mark.parametrize(
    ("image", "fragment"),
    [
        ("litestream/litestream:latest", "is not pinned"),
        ("litestream/litestream", "is not pinned"),
        ("litestream/litestream:0.3.13", "is Litestream 0.3"),
        ("Litestream/litestream:0.5.17", "not a valid image reference"),
    ],
)
def test_fails_on_unpinned_or_foreign_images(chart: Chart, image: str, fragment: str) -> None:
    assert_refused(
        lambda: backup(chart, image=image),
        field="image",
        value=image,
        problem=fragment,
        where=BACKUP,
    )


def test_a_mirrored_or_digest_pinned_image_is_accepted(chart: Chart) -> None:
    _, b = backup(chart, image="registry.internal:5000/mirror/litestream:0.5.17")
    assert container(synth(chart), container_name="litestream")["image"] == b.image


@pytest.mark.parametrize("mode", list(SidecarMode))
def test_fails_on_the_scratch_image(chart: Chart, mode: SidecarMode) -> None:
    image = "litestream/litestream:0.5.17-scratch"
    assert_refused(
        lambda: backup(chart, image=image, sidecar_mode=mode),
        field="image",
        value=image,
        problem="-scratch variant has no shell",
        where=BACKUP,
    )


def test_fails_on_metrics_namespaces_without_a_network_policy(chart: Chart) -> None:
    assert_refused(
        lambda: backup(
            chart,
            {"network_policy": None},
            metrics=LitestreamMetrics.served(namespaces=["monitoring"]),
        ),
        field="metrics.namespaces",
        value=["monitoring"],
        problem="renders no NetworkPolicy",
        where=BACKUP,
    )


def test_fails_on_a_metrics_namespace_string() -> None:
    assert_refused(
        lambda: LitestreamMetrics.served(namespaces="monitoring"),
        field="namespaces",
        value="monitoring",
    )


@pytest.mark.parametrize(
    ("build", "field", "fragment"),
    [
        (lambda: aws(region="eu west 1"), "region", "must be a region name"),
        (lambda: aws(force_path_style="yes"), "force_path_style", "must be True or False"),
        (lambda: minio(force_path_style=None), "force_path_style", "must be True or False"),
        (lambda: S3Credentials.from_secret("AKIA..."), "source", "must be a SecretSource"),  # type: ignore[arg-type]
        (
            lambda: LitestreamMetrics.served(prometheus_annotations="yes"),  # type: ignore[arg-type]
            "prometheus_annotations",
            "must be True or False",
        ),
    ],
)
def test_the_values_check_their_arguments(build: Any, field: str, fragment: str) -> None:
    assert_refused(build, field=field, problem=fragment)


@pytest.mark.parametrize(("name", "now"), sorted(FORMER_ARGUMENTS.items()))
def test_former_arguments_are_refused_with_their_new_spelling(
    chart: Chart, name: str, now: Former
) -> None:
    station = StationDeployment(chart, "station")
    assert_refused(
        lambda: LitestreamBackup(chart, "backup", station=station, **{name: "x"}),  # type: ignore[arg-type]
        field=name,
        value="x",
        problem="replaced in station-constructs 0.2.0",
        fix=now.now,
    )
    for page in ("CHANGELOG.md", "docs/upgrades.md"):  # the migration table names it
        text = (REPO / page).read_text()
        section = text.split("#### LitestreamBackup, ConfigDirBackup", 1)[1].split("####", 1)[0]
        assert f"{name}=" in section, page


@pytest.mark.parametrize(
    ("name", "now"),
    [
        ("bucket", "backup.replica.bucket"),
        ("path", "backup.replica.path"),
        ("endpoint", "backup.replica.endpoint"),
        ("region", "backup.replica.region"),
        ("force_path_style", "backup.replica.force_path_style"),
        ("identity", "backup.credentials.identity"),
    ],
)
def test_a_former_attribute_is_refused_with_what_to_read_now(
    chart: Chart, name: str, now: str
) -> None:
    backup = LitestreamBackup(
        chart, "backup", station=StationDeployment(chart, "station"), replica=minio()
    )
    assert_refused(lambda: getattr(backup, name), field=name, fix=f"read {now}")
    assert_refused(lambda: setattr(backup, name, 1), field=name, fix=f"read {now}")
    assert not hasattr(backup, "no_such_attribute")  # anything else: AttributeError


def test_an_unknown_argument_is_refused_with_the_closest_names(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    assert_refused(
        lambda: LitestreamBackup(chart, "backup", station=station, replicas=minio()),
        field="replicas",
        fix="did you mean replica",
    )


def test_the_replica_is_required(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    assert_refused(
        lambda: LitestreamBackup(chart, "backup", station=station),
        field="replica",
        value=None,
        problem="is required",
        fix="S3Replica.aws(",
    )


@pytest.mark.parametrize(
    ("field", "value", "shown", "fix"),
    [
        ("credentials", ExistingSecret("s3"), "ExistingSecret", "S3Credentials.from_secret("),
        ("credentials", "AKIA...", "str", "S3Credentials.from_secret("),
        ("metrics", True, True, "LitestreamMetrics.served()"),
        ("metrics", False, False, "LitestreamMetrics.off()"),
        ("replica", "s3://station-backups", "str", "S3Replica.aws("),
    ],
)
def test_values_of_the_former_shape_are_refused_with_the_new_spelling(
    chart: Chart, field: str, value: Any, shown: Any, fix: str
) -> None:
    options = {"replica": minio(), field: value}
    station = StationDeployment(chart, "station")
    assert_refused(
        lambda: LitestreamBackup(chart, "backup", station=station, **options),
        field=field,
        value=shown,
        fix=fix,
    )


@pytest.mark.parametrize(
    ("field", "value", "reported", "fragment"),
    [
        ("sidecar_mode", "native", "native", "must be one of SidecarMode.NATIVE"),
        ("credentials", "AKIA...", "str", "must be an S3Credentials"),
        ("resources", {"cpu_request": "50m"}, "dict", "must be Resources(...)"),
        ("metrics", "yes", "str", "must be a LitestreamMetrics"),
        ("config_map_name", "Station_Litestream", "Station_Litestream", "RFC 1123 subdomain"),
    ],
)
def test_fails_on_wrong_types(
    chart: Chart, field: str, value: Any, reported: str, fragment: str
) -> None:
    assert_refused(
        lambda: backup(chart, **{field: value}),
        field=field,
        value=reported,
        problem=fragment,
        where=BACKUP,
    )


def test_fails_on_resources_below_requests(chart: Chart) -> None:
    assert_refused(
        lambda: backup(chart, resources=Resources("50m", "128Mi", "500m", "64Mi")),
        field="resources.memory_limit",
        value="64Mi",
        problem="below memory_request",
        where=BACKUP,
    )


def test_fails_when_credentials_lack_a_variable(chart: Chart) -> None:
    source = ExternalSecretSource("vault", remote_refs={"AWS_ACCESS_KEY_ID": "s3-id"})
    assert_refused(
        lambda: backup(chart, credentials=S3Credentials.from_secret(source)),
        field="credentials",
        value=["AWS_ACCESS_KEY_ID"],
        problem="does not provide AWS_SECRET_ACCESS_KEY",
        where=BACKUP,
    )


def test_fails_on_a_config_map_name_taken_by_the_station(chart: Chart) -> None:
    assert_refused(
        lambda: backup(chart, config_map_name="station-config"),
        field="config_map_name",
        value="station-config",
        problem="already rendered by 'test/station'",
        where=BACKUP,
    )


def test_no_secret_value_or_placeholder_in_the_output(chart: Chart) -> None:
    backup(chart)
    text = yaml.safe_dump_all(synth(chart))
    assert "AKIA" not in text and "secret-access-key" not in text
    assert "access-key-id" not in text


# ------------------------------------------------------------------ schema


def objects_for(mode: SidecarMode, **options: Any) -> list[Manifest]:
    chart = Chart(cdk8s.Testing.app(), "schema")
    backup(
        chart,
        sidecar_mode=mode,
        metrics=LitestreamMetrics.served(namespaces=["monitoring"]),
        **options,
    )
    return [o for o in synth(chart) if o["apiVersion"] in ("v1", "apps/v1", "networking.k8s.io/v1")]


@pytest.mark.parametrize("version", ["1.29", "1.31", "1.33", "1.37"])
def test_native_sidecar_form_is_schema_valid_from_1_29(version: str) -> None:
    for obj in objects_for(SidecarMode.NATIVE):
        assert validate_manifest(obj, version, strict=True) == [], obj["kind"]


@pytest.mark.parametrize("version", ["1.27", "1.28", "1.37"])
def test_classic_sidecar_form_is_schema_valid_from_1_27(version: str) -> None:
    for obj in objects_for(SidecarMode.CLASSIC):
        assert validate_manifest(obj, version, strict=True) == [], obj["kind"]


def test_native_sidecar_form_needs_1_29() -> None:
    deployment = next(o for o in objects_for(SidecarMode.NATIVE) if o["kind"] == "Deployment")
    errors = validate_manifest(deployment, "1.27", strict=True)
    assert errors and any("restartPolicy" in e for e in errors)


# ------------------------------------------------------------------ security scan


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(SidecarMode), ids=lambda m: m.value)
def test_no_unexplained_checkov_findings(mode: SidecarMode, tmp_path: Path) -> None:
    chart = Chart(cdk8s.Testing.app(), "scan")
    backup(
        chart,
        sidecar_mode=mode,
        metrics=LitestreamMetrics.served()
        if mode is SidecarMode.NATIVE
        else LitestreamMetrics.off(),
    )
    (tmp_path / "manifests.yaml").write_text(yaml.safe_dump_all(synth(chart)))
    report = run_checkov(tmp_path)
    assert report.passed > 80
    assert report.failed_ids == set(), report.describe()


# ------------------------------------------------------------------ docs


def test_the_backup_page_shows_the_rendered_config_and_replica_url(chart: Chart) -> None:
    section = (REPO / "docs" / "backup-and-restore.md").read_text()
    app = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(app.replace("app.synth()", ""), namespace)  # the page's own example
    backup_ = namespace["station"].extensions["litestream"]
    rendered = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert rendered == backup_.litestream_yml
    assert f"'{backup_.replica_url}'" in section
    assert backup_.secret_setup_command() in section


@pytest.mark.parametrize("ports", [{"api": ApiListener.on(port=9090)}, {"mcp_port": 9089}])
def test_fails_when_a_station_port_takes_the_metrics_port(
    chart: Chart, ports: dict[str, int]
) -> None:
    station = StationDeployment(chart, "station", **ports)  # type: ignore[arg-type]
    assert_refused(
        lambda: LitestreamBackup(chart, "backup", station=station, replica=aws()),
        field="metrics",
        value="LitestreamMetrics.served()",
        problem="Litestream's metrics listen on 9090",
        fix="metrics=LitestreamMetrics.off()",
    )


def test_station_port_9090_is_fine_without_litestream_metrics(chart: Chart) -> None:
    station = StationDeployment(chart, "station", api=ApiListener.on(port=9090))
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.aws("station-backups"),
        metrics=LitestreamMetrics.off(),
    )
    assert backup.metrics_port is None


def test_next_steps_include_the_litestream_credentials_command(chart: Chart) -> None:
    from station_constructs.guide import next_steps

    station, b = backup(chart)
    text = next_steps(station)
    command = b.secret_setup_command()
    assert command is not None
    assert command.splitlines()[0] in text
    assert "AWS_SECRET_ACCESS_KEY" in text


def test_require_backup_must_be_a_boolean(chart: Chart) -> None:
    assert_refused(
        lambda: backup(chart, require_backup="yes"),
        field="require_backup",
        value="yes",
        where=BACKUP,
    )


def test_a_snapshot_restore_needs_the_rollback_acknowledged(chart: Chart) -> None:
    from station_constructs import StationStorage

    s = StationDeployment(
        chart,
        "station",
        storage=StationStorage(claim_name="restored", restore_from_snapshot="snap-1"),
    )
    assert_refused(
        lambda: litestream(chart, s),
        field="station",
        value="test/station",
        problem="VolumeSnapshot 'snap-1'",
        fix="pass accept_snapshot_rollback=True",
    )
    backup = LitestreamBackup(
        chart, "backup2", station=s, replica=S3Replica.aws("bkt"), accept_snapshot_rollback=True
    )
    assert backup.accept_snapshot_rollback is True


def test_the_config_map_is_the_primary_child(chart: Chart) -> None:
    _, b = backup(chart)
    primary = cdk8s.ApiObject.of(b)
    assert (primary.kind, primary.name) == ("ConfigMap", b.config_map_name)
    assert primary is b.config_map


def test_a_replica_inside_another_stations_config_copy_is_refused(chart: Chart) -> None:
    a = StationDeployment(chart, "a", name="a", namespace="a")
    backup_a = litestream(chart, a, "a-backup", path="prod/a.db")
    ConfigDirBackup(chart, "a-config", backup=backup_a)  # prod/config
    b = StationDeployment(chart, "b", name="b", namespace="b")
    assert_refused(
        lambda: litestream(chart, b, "b-backup", path="prod/config/b.db"),
        field="replica.path",
        value="prod/config/b.db",
        problem="the config directory copy of 'test/a-config'",
    )


def test_the_names_offered_for_a_typo_are_the_real_arguments() -> None:
    import inspect

    from station_constructs.litestream import _ACCEPTED

    parameters = inspect.signature(LitestreamBackup.__init__).parameters
    real = [n for n, p in parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    assert _ACCEPTED == real
    assert not set(FORMER_ARGUMENTS) & set(real)
