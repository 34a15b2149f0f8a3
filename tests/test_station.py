"""Behaviour of StationDeployment: one test per feature, GIVEN / WHEN / THEN."""

from __future__ import annotations

import pytest
from cdk8s import ApiObject, Chart, JsonPatch

from station_constructs import (
    DEFAULT_IMAGE,
    AccessMode,
    AIProvider,
    ApiListener,
    CloudShip,
    ConfigDirectory,
    ExistingSecret,
    ImagePullPolicy,
    ResourceProfile,
    Resources,
    StationDeployment,
    StationPort,
    StationStorage,
)
from station_constructs._seed import SEED_SCRIPT
from tests.conftest import container, find, pod_spec, synth
from tests.support.builders import OAUTH


def env_names(c: dict) -> list[str]:  # type: ignore[type-arg]
    return [e["name"] for e in c.get("env", [])]


def test_default_renders_the_full_manifest_set_with_reference_names(chart: Chart) -> None:
    StationDeployment(chart, "station")
    objects = synth(chart)
    assert [(o["kind"], o["metadata"]["name"]) for o in objects] == [
        ("Namespace", "station"),
        ("ConfigMap", "station-config"),
        ("PersistentVolumeClaim", "station-data"),
        ("Deployment", "station"),
        ("Service", "station"),
        ("NetworkPolicy", "station"),
    ]
    assert all(o["metadata"].get("namespace") == "station" for o in objects[1:])


def test_effective_names_and_ports_are_readable_back(chart: Chart) -> None:
    station = StationDeployment(chart, "s", name="agents", namespace="ai")
    assert (station.name, station.namespace) == ("agents", "ai")
    assert station.config_map_name == "agents-config"
    assert station.pvc_name == "agents-data"
    assert station.secret_name == "agents-secrets"
    assert station.service_name == "agents"
    assert station.port(StationPort.API) == 8585
    assert station.port(StationPort.MCP) == 8586
    assert station.port(StationPort.AGENT_MCP) == 8587
    assert station.url(StationPort.AGENT_MCP) == "http://agents.ai.svc.cluster.local:8587"


def test_settings_win_over_station_prefixed_names_and_stn_build_env_images(chart: Chart) -> None:
    """viper reads STATION_<KEY> first; `stn build env` images set STATION_API_PORT and
    STATION_MCP_PORT: the construct sets those spellings too, so custom ports apply."""
    StationDeployment(chart, "station", api=ApiListener.on(port=9585), mcp_port=9586)
    data = find(synth(chart), "ConfigMap", "station-config")["data"]
    assert (data["API_PORT"], data["STATION_API_PORT"]) == ("9585", "9585")
    assert (data["MCP_PORT"], data["STATION_MCP_PORT"]) == ("9586", "9586")
    assert (data["STN_DEV_MODE"], data["STATION_DEV_MODE"]) == ("true", "true")
    assert data["STATION_DATABASE"] == "/data/station.db"


def test_database_lives_on_the_volume(chart: Chart) -> None:
    StationDeployment(chart, "station")
    objects = synth(chart)
    data = find(objects, "ConfigMap", "station-config")["data"]
    for spelling in ("DATABASE_URL", "STATION_DATABASE_URL", "STN_DATABASE_URL"):
        assert data[spelling] == "/data/station.db"
    c = container(objects)
    assert {"mountPath": "/data", "name": "data"} in c["volumeMounts"]
    volumes = {v["name"]: v for v in pod_spec(objects)["volumes"]}
    assert volumes["data"]["persistentVolumeClaim"]["claimName"] == "station-data"


def test_fresh_volume_is_writable_by_station_uid(chart: Chart) -> None:
    StationDeployment(chart, "station")
    security = pod_spec(synth(chart))["securityContext"]
    assert security["fsGroup"] == 1000
    assert security["runAsUser"] == 1000
    assert security["runAsGroup"] == 1000
    assert security["runAsNonRoot"] is True
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}


def test_every_container_is_hardened(chart: Chart) -> None:
    StationDeployment(chart, "station")
    spec = pod_spec(synth(chart))
    for c in spec["containers"] + spec["initContainers"]:
        sc = c["securityContext"]
        assert sc["allowPrivilegeEscalation"] is False
        assert sc["privileged"] is False
        assert sc["capabilities"] == {"drop": ["ALL"]}
        assert sc["runAsNonRoot"] is True
        assert sc["readOnlyRootFilesystem"] is True
        assert c["imagePullPolicy"] == "IfNotPresent"
        assert set(c["resources"]) == {"requests", "limits"}
    assert spec["automountServiceAccountToken"] is False


def test_read_only_root_gets_writable_home_tmp_and_workspace_seeded_from_image(
    chart: Chart,
) -> None:
    StationDeployment(chart, "station")
    objects = synth(chart)
    mounts = [
        (m["mountPath"], m["name"], m.get("subPath")) for m in container(objects)["volumeMounts"]
    ]
    assert mounts == [
        ("/data", "data", None),
        ("/home/station", "home", None),
        ("/tmp", "tmp", None),
        ("/workspace", "workspace", None),
        ("/home/station/.config/station", "data", "config"),
    ]
    seed = container(objects, container_name="seed-home")
    assert seed["image"] == DEFAULT_IMAGE
    # The script itself is run by tests/test_seed.py; here: what it is told to do.
    assert seed["command"] == ["sh", "-c", SEED_SCRIPT]
    assert {e["name"]: e["value"] for e in seed["env"]} == {
        "SEED_IMAGE_HOME": "/home/station",
        "SEED_IMAGE_CONFIG": "/home/station/.config/station",
        "SEED_HOME_TO": "/seed/home",
        "SEED_CONFIG_TO": "/data/config",
        "SEED_POLICY": "image-wins",
        "SEED_DATABASE": "/data/station.db",
        "SEED_SCHEMA_VERSION": "48",  # v0.25.0, the default image
    }
    assert seed["volumeMounts"] == [
        {"mountPath": "/seed/home", "name": "home"},
        {"mountPath": "/data", "name": "data"},
    ]
    volumes = {v["name"]: v for v in pod_spec(objects)["volumes"]}
    assert volumes["tmp"]["emptyDir"] == {"sizeLimit": "2Gi"}


def test_config_dir_from_the_image_only(chart: Chart) -> None:
    station = StationDeployment(chart, "station", config_directory=ConfigDirectory.from_image())
    objects = synth(chart)
    assert [m["mountPath"] for m in container(objects)["volumeMounts"]] == [
        "/data",
        "/home/station",
        "/tmp",
        "/workspace",
    ]
    seed = container(objects, container_name="seed-home")
    env = {e["name"]: e["value"] for e in seed["env"]}
    assert "SEED_POLICY" not in env
    assert env["SEED_CONFIG_TO"] == "/seed/home/.config/station"  # config.yaml only
    assert station.config_directory == ConfigDirectory.from_image()


def test_writable_root_keeps_the_config_dir_on_the_volume(chart: Chart) -> None:
    StationDeployment(chart, "station", read_only_root_filesystem=False)
    objects = synth(chart)
    c = container(objects)
    assert c["securityContext"]["readOnlyRootFilesystem"] is False
    assert [m["mountPath"] for m in c["volumeMounts"]] == ["/data", "/home/station/.config/station"]
    assert [i["name"] for i in pod_spec(objects)["initContainers"]] == ["seed-home"]


def test_writable_root_with_image_config_only_checks_the_schema(chart: Chart) -> None:
    """Nothing to seed: Station's config dir is the image's own, in the container's layer;
    seed-home only refuses a database newer than the image's Station (a rollback)."""
    StationDeployment(
        chart,
        "station",
        read_only_root_filesystem=False,
        config_directory=ConfigDirectory.from_image(),
    )
    objects = synth(chart)
    assert [m["mountPath"] for m in container(objects)["volumeMounts"]] == ["/data"]
    (seed,) = pod_spec(objects)["initContainers"]
    assert {e["name"]: e["value"] for e in seed["env"]} == {
        "SEED_IMAGE_HOME": "/home/station",
        "SEED_IMAGE_CONFIG": "/home/station/.config/station",
        "SEED_DATABASE": "/data/station.db",
        "SEED_SCHEMA_VERSION": "48",  # v0.25.0, the default image
    }


def test_an_image_of_unknown_schema_has_no_init_container(chart: Chart) -> None:
    StationDeployment(
        chart,
        "station",
        image="registry.example.com/station-env:1.0.0",
        read_only_root_filesystem=False,
        config_directory=ConfigDirectory.from_image(),
    )
    assert "initContainers" not in pod_spec(synth(chart))


def test_a_stated_release_gives_a_built_image_its_schema_limit(chart: Chart) -> None:
    """An image built with `stn build env` on v0.23.0: the rollback guard uses 47."""
    StationDeployment(
        chart,
        "station",
        image="registry.example.com/station-env:1.0.0",
        station_release="v0.23.0",
        read_only_root_filesystem=False,
        config_directory=ConfigDirectory.from_image(),
    )
    (seed,) = pod_spec(synth(chart))["initContainers"]
    assert {e["name"]: e["value"] for e in seed["env"]}["SEED_SCHEMA_VERSION"] == "47"


def test_single_replica_recreate_strategy(chart: Chart) -> None:
    StationDeployment(chart, "station")
    spec = find(synth(chart), "Deployment", "station")["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "Recreate"}


def test_selector_is_the_reference_selector_and_has_no_construct_path(chart: Chart) -> None:
    StationDeployment(chart, "some-construct-id")
    objects = synth(chart)
    deployment = find(objects, "Deployment", "station")
    assert deployment["spec"]["selector"] == {"matchLabels": {"app": "station"}}
    assert find(objects, "Service", "station")["spec"]["selector"] == {"app": "station"}
    text = repr(objects)
    assert "some-construct-id" not in text
    assert "cdk8s.io/metadata.addr" not in text


def test_recommended_labels_on_every_object(chart: Chart) -> None:
    StationDeployment(chart, "station", labels={"team": "ai"})
    for obj in synth(chart):
        labels = obj["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "station"
        assert labels["app.kubernetes.io/instance"] == "station"
        assert labels["app.kubernetes.io/managed-by"] == "station-constructs"
        assert labels["team"] == "ai"
        assert "app.kubernetes.io/version" not in labels


def test_namespace_enforces_restricted_pod_security_and_keeps_reference_labels(
    chart: Chart,
) -> None:
    StationDeployment(chart, "station")
    labels = find(synth(chart), "Namespace", "station")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert labels["name"] == "station"
    assert labels["app"] == "station-agents"


def test_existing_namespace_is_not_rendered(chart: Chart) -> None:
    StationDeployment(chart, "station", namespace="platform", create_namespace=False)
    objects = synth(chart)
    assert "Namespace" not in [o["kind"] for o in objects]
    assert {o["metadata"]["namespace"] for o in objects} == {"platform"}


def test_chart_namespace_is_not_stamped_on_the_namespace_object(new_chart) -> None:  # type: ignore[no-untyped-def]
    chart = new_chart(namespace="station")
    StationDeployment(chart, "station")
    assert "namespace" not in find(synth(chart), "Namespace", "station")["metadata"]


def test_probes_use_agent_mcp_health_with_generous_startup(chart: Chart) -> None:
    StationDeployment(chart, "station", startup_timeout="10m")
    c = container(synth(chart))
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert c[probe]["httpGet"] == {"path": "/health", "port": 8587, "scheme": "HTTP"}
    assert c["startupProbe"]["periodSeconds"] * c["startupProbe"]["failureThreshold"] == 600
    assert "initialDelaySeconds" not in c["livenessProbe"]


def test_api_can_be_switched_off(chart: Chart) -> None:
    station = StationDeployment(chart, "station", api=ApiListener.off())
    objects = synth(chart)
    assert find(objects, "ConfigMap", "station-config")["data"]["STN_DEV_MODE"] == "false"
    assert [p["name"] for p in container(objects)["ports"]] == ["mcp", "dynamic-mcp"]
    assert [p["port"] for p in find(objects, "Service", "station")["spec"]["ports"]] == [8586, 8587]
    assert StationPort.API not in station.served_ports


def test_custom_ports_reach_config_container_and_service(chart: Chart) -> None:
    StationDeployment(chart, "station", api=ApiListener.on(port=9585), mcp_port=9586)
    objects = synth(chart)
    data = find(objects, "ConfigMap", "station-config")["data"]
    assert (data["API_PORT"], data["MCP_PORT"]) == ("9585", "9586")
    assert [p["containerPort"] for p in container(objects)["ports"]] == [9585, 9586, 9587]
    assert container(objects)["livenessProbe"]["httpGet"]["port"] == 9587


def test_configmap_is_passed_whole_so_api_and_mcp_port_reach_station(chart: Chart) -> None:
    StationDeployment(chart, "station")
    c = container(synth(chart))
    assert c["envFrom"] == [{"configMapRef": {"name": "station-config"}}]


def test_config_change_rolls_the_pod(new_chart) -> None:  # type: ignore[no-untyped-def]
    a, b = new_chart(), new_chart()
    StationDeployment(a, "station")
    StationDeployment(b, "station", model="gpt-4o")
    hash_a = find(synth(a), "Deployment", "station")["spec"]["template"]["metadata"]["annotations"]
    hash_b = find(synth(b), "Deployment", "station")["spec"]["template"]["metadata"]["annotations"]
    assert hash_a["station-constructs/config-hash"] != hash_b["station-constructs/config-hash"]


def test_default_provider_wires_only_openai_and_encryption_key(chart: Chart) -> None:
    StationDeployment(chart, "station")
    objects = synth(chart)
    c = container(objects)
    assert env_names(c) == ["STATION_ENCRYPTION_KEY", "OPENAI_API_KEY"]
    for e in c["env"]:
        assert e["valueFrom"]["secretKeyRef"] == {
            "key": e["name"],
            "name": "station-secrets",
            "optional": False,
        }
    assert "GEMINI_API_KEY" not in repr(objects)
    assert find(objects, "ConfigMap", "station-config")["data"]["STN_AI_PROVIDER"] == "openai"


def test_several_providers_and_model(chart: Chart) -> None:
    station = StationDeployment(
        chart,
        "station",
        provider=AIProvider.ANTHROPIC,
        extra_providers=[AIProvider.GEMINI],
        model="claude-sonnet-4-5",
        ai_base_url="https://llm.internal/v1",
    )
    objects = synth(chart)
    assert env_names(container(objects)) == [
        "STATION_ENCRYPTION_KEY",
        "ANTHROPIC_API_KEY",
        "GEMINI_API_KEY",
    ]
    data = find(objects, "ConfigMap", "station-config")["data"]
    assert data["STN_AI_PROVIDER"] == "anthropic"
    assert data["STN_AI_MODEL"] == "claude-sonnet-4-5"
    assert data["STN_AI_BASE_URL"] == "https://llm.internal/v1"
    assert station.providers == (AIProvider.ANTHROPIC, AIProvider.GEMINI)


def test_existing_secret_with_renamed_keys(chart: Chart) -> None:
    StationDeployment(
        chart,
        "station",
        secret=ExistingSecret("vault-station", key_names={"OPENAI_API_KEY": "openai"}),
        secret_variables=["GITHUB_TOKEN"],
    )
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container(synth(chart))["env"]}
    assert refs["OPENAI_API_KEY"] == {"key": "openai", "name": "vault-station", "optional": False}
    assert refs["GITHUB_TOKEN"]["key"] == "GITHUB_TOKEN"


def test_no_secret_object_or_value_is_ever_rendered(chart: Chart) -> None:
    StationDeployment(chart, "station")
    objects = synth(chart)
    assert "Secret" not in [o["kind"] for o in objects]
    assert "stringData" not in repr(objects)


def test_telemetry_cloudship_and_extra_env(chart: Chart) -> None:
    StationDeployment(
        chart,
        "station",
        otlp_endpoint="http://otel.observability:4318",
        cloudship=CloudShip.connected(bundle_id="6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"),
        serve_environment="prod",
        env={"LOG_LEVEL": "debug"},
    )
    objects = synth(chart)
    data = find(objects, "ConfigMap", "station-config")["data"]
    assert data["STN_TELEMETRY_ENABLED"] == "true"
    assert data["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel.observability:4318"
    # Every spelling Station's config.Load reads, so an image's own ENV cannot win.
    assert data["STATION_TELEMETRY_ENABLED"] == "true"
    assert data["STN_TELEMETRY_ENDPOINT"] == "http://otel.observability:4318"
    assert data["STN_CLOUDSHIP_ENABLED"] == "true"
    assert data["STN_BUNDLE_ID"] == "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
    assert data["STATION_SERVE_ENVIRONMENT"] == "prod"
    assert data["LOG_LEVEL"] == "debug"
    assert list(data) == sorted(data)
    assert "STN_CLOUDSHIP_KEY" in env_names(container(objects))
    assert "JAEGER_ENABLED" not in data and "OTEL_ENDPOINT" not in data


@pytest.mark.parametrize(
    ("profile", "requests", "limits"),
    [
        (
            ResourceProfile.DEVELOPMENT,
            {"cpu": "100m", "memory": "256Mi"},
            {"cpu": "500m", "memory": "1Gi"},
        ),
        (
            ResourceProfile.STANDARD,
            {"cpu": "250m", "memory": "512Mi"},
            {"cpu": "1", "memory": "2Gi"},
        ),
        (
            ResourceProfile.PRODUCTION,
            {"cpu": "250m", "memory": "512Mi"},
            {"cpu": "2", "memory": "4Gi"},
        ),
    ],
)
def test_resource_profiles(
    chart: Chart, profile: ResourceProfile, requests: dict[str, str], limits: dict[str, str]
) -> None:
    StationDeployment(chart, "station", resources=profile)
    assert container(synth(chart))["resources"] == {"requests": requests, "limits": limits}


def test_custom_resources_without_cpu_limit(chart: Chart) -> None:
    StationDeployment(chart, "station", resources=Resources("0.5", "1Gi", None, "3Gi"))
    resources = container(synth(chart))["resources"]
    assert resources == {
        "requests": {"cpu": "500m", "memory": "1Gi"},
        "limits": {"memory": "3Gi"},
    }


def test_storage_options(chart: Chart) -> None:
    StationDeployment(
        chart,
        "station",
        storage=StationStorage(
            size="50Gi",
            storage_class="gp3",
            access_mode=AccessMode.READ_WRITE_ONCE_POD,
            claim_name="agents-db",
            volume_name="pv-123",
        ),
    )
    objects = synth(chart)
    spec = find(objects, "PersistentVolumeClaim", "agents-db")["spec"]
    assert spec == {
        "accessModes": ["ReadWriteOncePod"],
        "resources": {"requests": {"storage": "50Gi"}},
        "storageClassName": "gp3",
        "volumeName": "pv-123",
    }
    assert pod_spec(objects)["volumes"][0]["persistentVolumeClaim"]["claimName"] == "agents-db"


def test_existing_claim_is_mounted_not_rendered(chart: Chart) -> None:
    StationDeployment(chart, "station", storage=StationStorage(create=False, claim_name="restored"))
    objects = synth(chart)
    assert "PersistentVolumeClaim" not in [o["kind"] for o in objects]
    assert pod_spec(objects)["volumes"][0]["persistentVolumeClaim"]["claimName"] == "restored"


def test_namespace_is_protected_from_gitops_pruning_like_the_pvc(new_chart) -> None:  # type: ignore[no-untyped-def]
    protected, unprotected = new_chart(), new_chart()
    StationDeployment(protected, "station")
    StationDeployment(unprotected, "station", storage=StationStorage(protect_from_prune=False))
    annotations = find(synth(protected), "Namespace", "station")["metadata"]["annotations"]
    assert annotations["argocd.argoproj.io/sync-options"] == "Prune=false,Delete=false"
    assert annotations["kustomize.toolkit.fluxcd.io/prune"] == "disabled"
    for obj in synth(unprotected):
        assert "argocd.argoproj.io/sync-options" not in obj["metadata"].get("annotations", {})


def test_pvc_is_protected_from_gitops_pruning_by_default(chart: Chart) -> None:
    StationDeployment(chart, "station")
    annotations = find(synth(chart), "PersistentVolumeClaim", "station-data")["metadata"][
        "annotations"
    ]
    assert annotations["argocd.argoproj.io/sync-options"] == "Prune=false,Delete=false"
    assert annotations["kustomize.toolkit.fluxcd.io/prune"] == "disabled"


def test_image_pull_options(chart: Chart) -> None:
    StationDeployment(
        chart,
        "station",
        image="registry.example.com:5000/team/station-prod:v2",
        image_pull_policy=ImagePullPolicy.ALWAYS,
        image_pull_secrets=["regcred"],
    )
    objects = synth(chart)
    c = container(objects)
    assert c["image"] == "registry.example.com:5000/team/station-prod:v2"
    assert c["imagePullPolicy"] == "Always"
    assert pod_spec(objects)["imagePullSecrets"] == [{"name": "regcred"}]


def test_digest_pinned_and_stn_build_env_images_are_accepted(chart: Chart) -> None:
    StationDeployment(chart, "a", name="a", namespace="a", image="station-test-deploy:v2")
    StationDeployment(
        chart,
        "b",
        name="b",
        namespace="b",
        image="ghcr.io/cloudshipai/station@sha256:" + "a" * 64,
    )
    images = {
        o["metadata"]["name"]: container(synth(chart), o["metadata"]["name"])["image"]
        for o in synth(chart)
        if o["kind"] == "Deployment"
    }
    assert images["a"] == "station-test-deploy:v2"


def test_unpinned_image_allowed_only_explicitly(chart: Chart) -> None:
    StationDeployment(
        chart, "station", image="ghcr.io/cloudshipai/station:latest", allow_unpinned_image=True
    )
    assert container(synth(chart))["image"].endswith(":latest")


def test_local_mode_off_sets_authentication_on(chart: Chart) -> None:
    StationDeployment(chart, "s", auth=OAUTH)
    assert (
        find(synth(chart), "ConfigMap", "station-config")["data"]["STATION_LOCAL_MODE"] == "false"
    )


def test_two_stations_in_one_app_do_not_collide(chart: Chart) -> None:
    StationDeployment(chart, "one")
    StationDeployment(chart, "two", name="station-b", create_namespace=False)
    StationDeployment(chart, "three", namespace="other")
    objects = synth(chart)
    keys = [(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objects]
    assert len(keys) == len(set(keys))
    selectors = [o["spec"]["selector"] for o in objects if o["kind"] == "Deployment"]
    assert selectors == [
        {"matchLabels": {"app": "station"}},
        {"matchLabels": {"app": "station-b"}},
        {"matchLabels": {"app": "station"}},
    ]


def test_renaming_the_construct_id_changes_nothing(new_chart) -> None:  # type: ignore[no-untyped-def]
    a, b = new_chart(), new_chart()
    StationDeployment(a, "station")
    StationDeployment(b, "a-completely-different-id")
    assert synth(a) == synth(b)


def test_escape_hatches_expose_the_underlying_objects(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    ApiObject.of(station.deployment).add_json_patch(
        JsonPatch.add("/spec/template/spec/containers/0/env/-", {"name": "EXTRA", "value": "1"})
    )
    assert "EXTRA" in env_names(container(synth(chart)))
    assert station.pvc is not None and station.namespace_object is not None
