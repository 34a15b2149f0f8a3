"""Every StationDeployment guard: each "fails ..." test asserts field, value and fix."""

from __future__ import annotations

from typing import Any

import pytest
from cdk8s import Chart

from station_constructs import (
    AccessMode,
    AIProvider,
    ApiListener,
    CloudShip,
    ExistingSecret,
    Resources,
    StationAuth,
    StationDeployment,
    StationStorage,
)
from station_constructs._settings.station import UpdateStrategy
from station_constructs._station_former import STATION_FORMER
from tests.support.paths import REPO
from tests.support.refusals import assert_refused

#: Where a refusal of ``StationDeployment(chart, "station")`` comes from.
STATION = "StationDeployment 'test/station'"


def test_error_is_a_value_error_with_parts(chart: Chart) -> None:
    error = assert_refused(
        lambda: StationDeployment(chart, "station", replicas=2),
        field="replicas",
        value=2,
        where=STATION,
    )
    assert isinstance(error, ValueError)
    assert (error.field, error.value) == ("replicas", 2)
    assert "LitestreamBackup" in error.fix


#: Each keyword StationDeployment took in 0.1 and the new spelling its refusal must name.
NEW_SPELLING = {
    "local_mode": "auth=StationAuth.local() (True, the default)",
    "cloudship_oauth": "auth=StationAuth.cloudship_oauth(client_id=..., ...)",
    "webhook_api_key": "auth=StationAuth.webhook_key()",
    "enable_api": "api=ApiListener.on() (True, the default) or api=ApiListener.off()",
    "api_port": "api=ApiListener.on(port=...)",
    "cloudship_telemetry": "cloudship=CloudShip.connected(telemetry=True)",
    "bundle_id": "cloudship=CloudShip.bundle('<uuid>')",
    "config_persistence": "config_directory=ConfigDirectory.on_volume() (VOLUME, the default)",
    "config_policy": "config_directory=ConfigDirectory.on_volume(policy=ConfigPolicy.VOLUME_WINS)",
    "external_access": "external_service=ExternalService.load_balancer(...) or ExternalService",
    "external_ports": "ExternalService.node_port(...) with ports=[...]",
    "node_ports": "external_service=ExternalService.node_port(node_ports={...})",
    "load_balancer_source_ranges": "ExternalService.load_balancer(source_ranges=[...])",
    "external_service_annotations": "ExternalService.node_port(...) with annotations={...}",
    "replicas": "drop replicas=; for availability add LitestreamBackup",
    "strategy": "drop strategy= (Recreate stops the old pod first)",
}


def test_every_former_keyword_has_its_new_spelling_stated_here() -> None:
    assert sorted(STATION_FORMER) == sorted(NEW_SPELLING)


@pytest.mark.parametrize("name", sorted(NEW_SPELLING))
def test_every_former_keyword_is_refused_with_its_new_spelling(chart: Chart, name: str) -> None:
    value = object()
    assert_refused(
        lambda: StationDeployment(chart, "station", **{name: value}),  # type: ignore[arg-type]
        field=name,
        value=value,
        fix=NEW_SPELLING[name],
    )


@pytest.mark.parametrize(
    ("name", "now"),
    [
        ("local_mode", "station.auth.local_mode"),
        ("api_enabled", "station.api.enabled"),
        ("config_persistence", "station.config_directory"),
        ("config_policy", "station.config_directory.policy"),
        ("external_access", "station.external_service_options"),
        ("external_ports", "station.external_service_options.ports"),
        ("image_ref", "station.image"),
    ],
)
def test_a_former_attribute_is_refused_with_what_to_read_now(
    chart: Chart, name: str, now: str
) -> None:
    station = StationDeployment(chart, "station")
    assert_refused(lambda: getattr(station, name), field=name, fix=f"read {now}")
    assert_refused(lambda: setattr(station, name, 1), field=name, fix=f"read {now}")
    assert not hasattr(station, "no_such_attribute")  # anything else: AttributeError


@pytest.mark.parametrize("name", sorted(STATION_FORMER))
def test_every_former_keyword_is_in_the_migration_tables(name: str) -> None:
    for page in ("CHANGELOG.md", "docs/upgrades.md"):
        text = (REPO / page).read_text()
        section = text.split("#### StationDeployment", 1)[1].split("####", 1)[0]
        assert f"`{name}=" in section or f" {name}=" in section, page


@pytest.mark.parametrize("replicas", [1, 2, 0, True, 1.0])
def test_replicas_are_refused_with_the_single_writer_and_what_to_do(
    chart: Chart, replicas: object
) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", replicas=replicas),
        field="replicas",
        value=replicas,
        problem="SQLite has one writer, so a second replica cannot mount it, or would corrupt it",
        fix="drop replicas=; for availability add LitestreamBackup",
    )


@pytest.mark.parametrize("strategy", [UpdateStrategy.ROLLING_UPDATE, UpdateStrategy.RECREATE])
def test_a_strategy_is_refused_with_the_single_writer_and_what_to_do(
    chart: Chart, strategy: UpdateStrategy
) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", strategy=strategy),
        field="strategy",
        problem="a rolling update starts the new pod before the old one stops",
        fix="drop strategy=",
    )


def test_a_misspelt_keyword_is_refused_with_the_closest_names(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", auht=StationAuth.local()),
        field="auht",
        problem="is not an argument",
        fix="did you mean auth",
    )


def test_fails_without_persistent_volume(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", storage=None),
        field="storage",
        value=None,
        problem="persistent volume",
        fix="StationStorage(",
        where=STATION,
    )


def test_fails_on_ephemeral_volume(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", storage="emptyDir"),  # type: ignore[arg-type]
        field="storage",
        value="str",
        problem="emptyDir",
        where=STATION,
    )


def test_fails_on_read_write_many(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(
            chart, "station", storage=StationStorage(access_mode=AccessMode.READ_WRITE_MANY)
        ),
        field="storage.access_mode",
        problem="network filesystems",
        fix="READ_WRITE_ONCE",
        where=STATION,
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "value", "problem", "fix"),
    [
        ({"name": "Station"}, "name", "Station", "", ""),
        ({"name": "station_1"}, "name", "station_1", "", ""),
        (
            {"name": "x" * 64},
            "name",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "RFC 1123 label",
            "",
        ),
        ({"namespace": "-bad"}, "namespace", "-bad", "", ""),
        ({"storage": StationStorage(claim_name="Data!")}, "storage.claim_name", "Data!", "", ""),
        ({"secret": ExistingSecret("UPPER")}, "secret.name", "UPPER", "", ""),
        (
            {"storage": StationStorage(storage_class="Fast SSD")},
            "storage.storage_class",
            "Fast SSD",
            "",
            "",
        ),
        ({"image_pull_secrets": ["bad name"]}, "image_pull_secrets[]", "bad name", "", ""),
    ],
)
def test_fails_on_invalid_kubernetes_names(
    chart: Chart,
    kwargs: dict[str, Any],
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", **kwargs),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "value", "problem", "fix"),
    [
        ({"storage": StationStorage(size="10GB")}, "storage.size", "10GB", "", ""),
        ({"storage": StationStorage(size="10")}, "storage.size", "10", "binary unit", ""),
        ({"storage": StationStorage(size="1Mi")}, "storage.size", "1Mi", "minimum of 64Mi", ""),
        (
            {"resources": Resources(memory_request="lots")},
            "resources.memory_request",
            "lots",
            "",
            "",
        ),
        ({"resources": Resources(cpu_request="fast")}, "resources.cpu_request", "fast", "", ""),
        (
            {"resources": Resources(cpu_request="2", cpu_limit="1")},
            "resources.cpu_limit",
            "1",
            "",
            "",
        ),
        (
            {"resources": Resources(memory_request="4Gi", memory_limit="1Gi")},
            "resources.memory_limit",
            "1Gi",
            "below memory_request",
            "",
        ),
        ({"resources": "large"}, "resources", "large", "ResourceProfile", ""),
        ({"scratch_size_limit": "2G"}, "scratch_size_limit", "2G", "", ""),
    ],
)
def test_fails_on_invalid_sizes(
    chart: Chart,
    kwargs: dict[str, Any],
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", **kwargs),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "value", "problem", "fix"),
    [
        ({"mcp_port": "8586"}, "mcp_port", "8586", "", ""),
        ({"api": ApiListener.on(port=8587)}, "api.port", 8587, "collides with the MCP ports", ""),
        ({"mcp_port": 4221}, "mcp_port", 4221, "NATS", ""),
        ({"mcp_port": 65535}, "mcp_port", 65535, "mcp_port + 1", ""),
    ],
)
def test_fails_on_invalid_ports(
    chart: Chart,
    kwargs: dict[str, Any],
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", **kwargs),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


@pytest.mark.parametrize("port", [0, 70000, "8585", True])
def test_fails_on_an_invalid_api_port(port: Any) -> None:
    error = assert_refused(lambda: ApiListener.on(port=port), field="port", value=port)
    assert error.where == "ApiListener.on"


@pytest.mark.parametrize(
    "image",
    [
        "",
        "Ghcr.io/Station:v1",
        "ghcr.io/cloudshipai/station:v 1",
        "station@sha256:123",
        " station:v1",
    ],
)
def test_fails_on_invalid_image_reference(chart: Chart, image: str) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", image=image),
        field="image",
        value=image,
        problem="not a valid image reference",
        where=STATION,
    )


@pytest.mark.parametrize(
    "image", ["ghcr.io/cloudshipai/station:latest", "ghcr.io/cloudshipai/station", "station"]
)
def test_fails_on_unpinned_image(chart: Chart, image: str) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", image=image),
        field="image",
        value=image,
        problem="not pinned",
        fix="allow_unpinned_image=True",
        where=STATION,
    )


def test_fails_on_unknown_provider(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", provider="mistral"),  # type: ignore[arg-type]
        field="provider",
        value="mistral",
        problem="AIProvider.OPENAI",
        where=STATION,
    )


def test_fails_on_duplicate_provider(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(
            chart, "station", extra_providers=[AIProvider.GEMINI, AIProvider.GEMINI]
        ),
        field="extra_providers",
        problem="lists a provider twice",
        where=STATION,
    )


def test_fails_when_secret_source_lacks_a_selected_providers_key(chart: Chart) -> None:
    class KnownKeys(ExistingSecret):
        def provided_variables(self) -> frozenset[str]:
            return frozenset({"STATION_ENCRYPTION_KEY", "OPENAI_API_KEY"})

    assert_refused(
        lambda: StationDeployment(
            chart, "station", secret=KnownKeys(), provider=AIProvider.ANTHROPIC
        ),
        field="secret",
        value=["OPENAI_API_KEY", "STATION_ENCRYPTION_KEY"],
        problem=["does not provide ANTHROPIC_API_KEY", "CreateContainerConfigError"],
        where=STATION,
    )


def test_fails_on_secret_passed_as_string(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", secret="sk-live-123"),  # type: ignore[arg-type]
        field="secret",
        value="str",
        problem="never passed as strings",
        where=STATION,
    )


def test_fails_on_secret_looking_plain_env(chart: Chart) -> None:
    error = assert_refused(
        lambda: StationDeployment(chart, "station", env={"GITHUB_TOKEN": "ghp_abc"}),
        field="env['GITHUB_TOKEN']",
        value="<redacted>",
        fix="secret_variables=['GITHUB_TOKEN']",
        where=STATION,
    )
    assert "ghp_abc" not in str(error)


def test_fails_on_env_overriding_managed_variable(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", env={"DATABASE_URL": "/tmp/x.db"}),
        field="env['DATABASE_URL']",
        value="/tmp/x.db",
        problem="managed by the construct",
        where=STATION,
    )


def test_fails_on_invalid_env_name(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", env={"1BAD": "x"}),
        field="env",
        value="1BAD",
        where=STATION,
    )


@pytest.mark.parametrize(
    ("build", "where"),
    [
        (lambda: CloudShip.bundle("b1"), "CloudShip.bundle"),
        (lambda: CloudShip.connected(bundle_id="b1"), "CloudShip.connected"),
    ],
)
def test_fails_on_a_bundle_id_that_is_not_a_uuid(build: Any, where: str) -> None:
    error = assert_refused(build, field="bundle_id", value="b1", problem="is not a UUID")
    assert error.where == where


def test_fails_on_empty_model(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", model=""),
        field="model",
        value="",
        where=STATION,
    )


def test_fails_on_non_http_otlp_endpoint(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", otlp_endpoint="collector:4318"),
        field="otlp_endpoint",
        value="collector:4318",
        where=STATION,
    )


@pytest.mark.parametrize(
    ("endpoint", "fix"),
    [
        ("http://c:4318/v1/traces", "pass http://c:4318"),
        ("https://otel.example:4318/", "pass https://otel.example:4318"),
        ("http://c:4318?x=1", "pass http://c:4318"),
    ],
)
def test_fails_on_otlp_endpoint_with_a_path(chart: Chart, endpoint: str, fix: str) -> None:
    """Station strips only the scheme: the rest must be host:port."""
    assert_refused(
        lambda: StationDeployment(chart, "station", otlp_endpoint=endpoint),
        field="otlp_endpoint",
        value=endpoint,
        problem="without a path",
        fix=fix,
        where=STATION,
    )


@pytest.mark.parametrize("value", ["soon", "10", "1d", "-5s", "5 s"])
def test_fails_on_invalid_startup_timeout(chart: Chart, value: str) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", startup_timeout=value),
        field="startup_timeout",
        value=value,
        where=STATION,
    )


def test_fails_on_reserved_label(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", labels={"app": "x"}),
        field="labels['app']",
        value="x",
        where=STATION,
    )


def test_fails_on_two_stations_rendering_the_same_objects(chart: Chart) -> None:
    StationDeployment(chart, "first")
    assert_refused(
        lambda: StationDeployment(chart, "station"),
        field="name",
        value="station",
        problem="already rendered by 'test/first'",
        fix="own name=",
        where=STATION,
    )


def test_fails_on_two_stations_creating_the_same_namespace(chart: Chart) -> None:
    StationDeployment(chart, "first")
    assert_refused(
        lambda: StationDeployment(chart, "station", name="second"),
        field="name",
        value="station",
        problem="Namespace 'station'",
        fix="create_namespace=False",
        where=STATION,
    )


@pytest.mark.parametrize(
    ("env", "fix"),
    [
        ({"STATION_API_PORT": "9999"}, "api=ApiListener.on(port="),
        ({"STN_MCP_PORT": "9999"}, "mcp_port="),
        ({"HOME": "/tmp"}, "$HOME is /home/station"),
        ({"XDG_CONFIG_HOME": "/tmp"}, "config_directory="),
        ({"STATION_DATABASE_URL": "/tmp/x.db"}, "stay on the volume"),
        # Station's viper reads STATION_<KEY> before the bound names; config.Load lets
        # STATION_DATABASE and STN_TELEMETRY_ENDPOINT override the rest.
        ({"STATION_DATABASE": "/tmp/x.db"}, "stay on the volume"),
        ({"STATION_DEV_MODE": "false"}, "api=ApiListener"),
        ({"STN_LOCAL_MODE": "false"}, "auth=StationAuth"),
        ({"STATION_AI_PROVIDER": "gemini"}, "provider=AIProvider.X"),
        ({"STATION_AI_MODEL": "x"}, "model="),
        ({"STATION_AI_BASE_URL": "http://x"}, "ai_base_url="),
        ({"STN_SERVE_ENVIRONMENT": "x"}, "serve_environment="),
        ({"STATION_TELEMETRY_ENABLED": "true"}, "otlp_endpoint="),
        ({"STN_TELEMETRY_ENDPOINT": "http://x:4318"}, "otlp_endpoint="),
        ({"STN_OTEL_ENDPOINT": "http://x:4318"}, "otlp_endpoint="),
        ({"STATION_CONFIG_DIR": "/tmp"}, "config_directory="),
        ({"STATION_BUNDLE_ID": "b"}, "CloudShip.bundle("),
    ],
)
def test_fails_on_env_overriding_prefixed_or_path_variables(
    chart: Chart, env: dict[str, str], fix: str
) -> None:
    (name, value), *_ = env.items()
    assert_refused(
        lambda: StationDeployment(chart, "station", env=env),
        field=f"env[{name!r}]",
        value=value,
        problem="is managed by the construct",
        fix=fix,
        where=STATION,
    )


def test_fails_on_oauth_variables_through_env(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", env={"STN_CLOUDSHIP_OAUTH_ENABLED": "true"}),
        field="env['STN_CLOUDSHIP_OAUTH_ENABLED']",
        value="true",
        fix="auth=StationAuth.cloudship_oauth",
        where=STATION,
    )


@pytest.mark.parametrize(
    "variable",
    ["STN_CLOUDSHIP_ENDPOINT", "STN_CLOUDSHIP_USE_TLS", "STN_TELEMETRY_PROVIDER"],
)
def test_cloudship_endpoints_cannot_be_redirected_through_env(chart: Chart, variable: str) -> None:
    assert_refused(
        lambda: StationDeployment(
            chart, "station", cloudship=CloudShip.connected(), env={variable: "x"}
        ),
        field=f"env[{variable!r}]",
        value="x",
        problem="is managed",
        where=STATION,
    )


@pytest.mark.parametrize("name", ["DB_PASS", "OAUTH_CLIENT", "SSH_PRIVATE"])
def test_fails_on_more_secret_looking_env_names(chart: Chart, name: str) -> None:
    error = assert_refused(
        lambda: StationDeployment(chart, "station", env={name: "hunter2"}),
        field=f"env[{name!r}]",
        value="<redacted>",
        problem="looks like a secret",
        where=STATION,
    )
    assert "hunter2" not in str(error)


def test_fails_on_grace_period_shorter_than_station_needs(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", termination_grace_period="5s"),
        field="termination_grace_period",
        value="5s",
        problem="at least 10s",
        where=STATION,
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "value", "problem", "fix"),
    [
        (
            {"resources": Resources(memory_request="100000Ki")},
            "resources.memory_request",
            "100000Ki",
            "",
            "",
        ),
        ({"scratch_size_limit": "17000Ki"}, "scratch_size_limit", "17000Ki", "", ""),
    ],
)
def test_fails_on_sizes_that_would_be_rounded(
    chart: Chart,
    kwargs: dict[str, Any],
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", **kwargs),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


@pytest.mark.parametrize("key", ["name", "pod-security.kubernetes.io/enforce"])
def test_fails_on_labels_the_construct_relies_on(chart: Chart, key: str) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", labels={key: "x"}),
        field=f"labels[{key!r}]",
        value="x",
        fix="choose another label key",
        where=STATION,
    )


def test_fails_on_annotation_overriding_the_config_hash(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(
            chart, "station", annotations={"station-constructs/config-hash": "pinned"}
        ),
        field="annotations['station-constructs/config-hash']",
        value="pinned",
        fix="another annotation key",
        where=STATION,
    )


def test_port_lookup_with_a_wrong_type_is_a_config_error(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    assert_refused(lambda: station.port(8587), field="which", value=8587, where=STATION)  # type: ignore[arg-type]
    assert_refused(lambda: station.url("api"), field="which", value="api", where=STATION)  # type: ignore[arg-type]


def test_every_managed_name_and_its_twins_is_refused_with_its_argument(new_chart: Any) -> None:
    """The bare name (where Station reads it), STN_ and STATION_: each names what to use."""
    from station_constructs._env import MANAGED_VARIABLES, managed_fix

    assert {"STATION_DATABASE", "STATION_API_PORT", "STATION_DEV_MODE", "STN_DEV_MODE"} <= (
        MANAGED_VARIABLES
    )
    for name in sorted(MANAGED_VARIABLES):
        fix = managed_fix(name)
        assert fix is not None, name
        assert_refused(
            lambda: StationDeployment(new_chart(), "station", env={name: "1"}),  # noqa: B023
            field=f"env[{name!r}]",
            value="1",
            problem="is managed by the construct",
            fix=fix,
            where=STATION,
        )
    assert managed_fix("LOG_LEVEL") is None
