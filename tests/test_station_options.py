"""The union values of station_constructs.options: what each factory builds and refuses."""

from __future__ import annotations

from typing import Any

import cdk8s_plus_27 as kplus
import pytest
from cdk8s import Chart

from station_constructs import (
    ApiListener,
    CloudShip,
    ConfigDirectory,
    ConfigPolicy,
    ExternalService,
    StationAuth,
    StationDeployment,
    StationPort,
)
from station_constructs._station_former import STATION_FORMER
from tests.support.builders import ANY_ACCOUNT, OAUTH
from tests.support.paths import REPO
from tests.support.refusals import assert_refused

UUID = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"


@pytest.mark.parametrize(
    ("value", "spelled"),
    [
        (StationAuth.local(), "StationAuth.local()"),
        (StationAuth.webhook_key(), "StationAuth.webhook_key()"),
        (OAUTH, "StationAuth.cloudship_oauth(client_id='station-test', ...)"),
        (ApiListener.on(), "ApiListener.on()"),
        (ApiListener.on(port=9000), "ApiListener.on(port=9000)"),
        (ApiListener.off(), "ApiListener.off()"),
        (ConfigDirectory.on_volume(), "ConfigDirectory.on_volume()"),
        (
            ConfigDirectory.on_volume(policy=ConfigPolicy.VOLUME_WINS),
            "ConfigDirectory.on_volume(policy=ConfigPolicy.VOLUME_WINS)",
        ),
        (ConfigDirectory.from_image(), "ConfigDirectory.from_image()"),
        (CloudShip.connected(), "CloudShip.connected()"),
        (CloudShip.bundle(UUID), f"CloudShip.bundle({UUID!r})"),
        (
            ExternalService.node_port(node_ports={StationPort.AGENT_MCP: 30087}),
            "ExternalService.node_port(node_ports={<StationPort.AGENT_MCP: 'dynamic-mcp'>: 30087})",
        ),
    ],
)
def test_a_value_is_shown_as_the_factory_call_that_builds_it(value: object, spelled: str) -> None:
    # The parameter tables (scripts/params_table.py) show the defaults this way.
    assert repr(value) == spelled


@pytest.mark.parametrize(
    ("auth", "local_mode", "oauth", "key"),
    [
        (StationAuth.local(), "true", False, False),
        (OAUTH, "false", True, False),
        (StationAuth.webhook_key(), "false", False, True),
    ],
)
def test_each_auth_is_one_setting_of_station(
    chart: Chart, auth: StationAuth, local_mode: str, oauth: bool, key: bool
) -> None:
    station = StationDeployment(chart, "station", auth=auth, api=ApiListener.off())
    assert station.settings["STATION_LOCAL_MODE"] == local_mode
    assert ("STN_CLOUDSHIP_OAUTH_CLIENT_ID" in station.settings) is oauth
    assert ("STN_WEBHOOK_API_KEY" in station.secret_variables) is key


def test_a_bundle_needs_the_key_but_not_the_remote_control_channel(chart: Chart) -> None:
    station = StationDeployment(chart, "station", cloudship=CloudShip.bundle(UUID))
    assert station.settings["STN_BUNDLE_ID"] == UUID
    assert "STN_CLOUDSHIP_ENABLED" not in station.settings
    assert "STN_CLOUDSHIP_KEY" in station.secret_variables


def test_connected_opens_the_channel_and_may_install_a_bundle(chart: Chart) -> None:
    cloudship = CloudShip.connected(telemetry=True, bundle_id=UUID)
    station = StationDeployment(chart, "station", cloudship=cloudship)
    assert station.settings["STN_CLOUDSHIP_ENABLED"] == "true"
    assert station.settings["STN_TELEMETRY_ENABLED"] == "true"
    assert station.settings["STN_BUNDLE_ID"] == UUID


def test_the_config_directory_and_the_api_reach_the_station(chart: Chart) -> None:
    station = StationDeployment(
        chart,
        "station",
        config_directory=ConfigDirectory.on_volume(policy=ConfigPolicy.VOLUME_WINS),
        api=ApiListener.on(port=9000),
    )
    assert station.config_directory == ConfigDirectory.on_volume(policy=ConfigPolicy.VOLUME_WINS)
    assert (station.api.enabled, station.settings["API_PORT"]) == (True, "9000")


def test_an_external_service_reaches_the_station(chart: Chart) -> None:
    station = StationDeployment(
        chart,
        "station",
        auth=OAUTH,
        external_service=ExternalService.load_balancer(
            ports=[StationPort.AGENT_MCP], source_ranges=["203.0.113.0/24"]
        ),
    )
    assert station.external_service_options == ExternalService.load_balancer(
        ports=[StationPort.AGENT_MCP], source_ranges=["203.0.113.0/24"]
    )
    assert station.external_service.type is kplus.ServiceType.LOAD_BALANCER  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("build", "where", "field"),
    [
        (lambda: ExternalService.load_balancer(ports=[]), "ExternalService.load_balancer", "ports"),
        (
            lambda: ExternalService.node_port(ports=[StationPort.API, StationPort.API]),
            "ExternalService.node_port",
            "ports",
        ),
        (
            lambda: ExternalService.load_balancer(ports=["api"]),  # type: ignore[list-item]
            "ExternalService.load_balancer",
            "ports[]",
        ),
        (lambda: ConfigDirectory.on_volume(policy="volume"), "ConfigDirectory.on_volume", "policy"),  # type: ignore[arg-type]
        (lambda: CloudShip.bundle(None), "CloudShip.bundle", "bundle_id"),  # type: ignore[arg-type]
    ],
)
def test_a_factory_refuses_its_own_bad_arguments(build: Any, where: str, field: str) -> None:
    assert assert_refused(build, field=field).where == where


def test_the_api_off_cannot_be_exposed(chart: Chart) -> None:
    # A real conflict between two union values: kept.
    assert_refused(
        lambda: StationDeployment(
            chart,
            "station",
            api=ApiListener.off(),
            external_service=ExternalService.load_balancer(ports=[StationPort.API]),
        ),
        field="external_service.ports",
        value=StationPort.API,
        fix="api=ApiListener.on()",
    )


def test_a_node_port_for_the_api_that_is_off_is_refused(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(
            chart,
            "station",
            auth=ANY_ACCOUNT,
            api=ApiListener.off(),
            external_service=ExternalService.node_port(node_ports={StationPort.API: 30085}),
        ),
        field="external_service.node_ports[StationPort.API]",
        problem="not exposed",
    )


def test_a_secret_in_the_external_services_annotations_is_named_by_its_new_spelling(
    chart: Chart,
) -> None:
    token = "ghp_" + "a" * 36
    error = assert_refused(
        lambda: StationDeployment(
            chart,
            "station",
            auth=ANY_ACCOUNT,
            external_service=ExternalService.load_balancer(
                ports=[StationPort.AGENT_MCP], annotations={"owner": token}
            ),
        ),
        field="external_service.annotations['owner']",
        value="<redacted>",
        problem="annotations are readable",
        fix="remove the secret from external_service.annotations",
    )
    assert token not in str(error)


def test_a_refused_default_port_names_the_external_service_as_written(chart: Chart) -> None:
    error = assert_refused(
        lambda: StationDeployment(
            chart,
            "station",
            auth=OAUTH,
            external_service=ExternalService.load_balancer(
                source_ranges=["0.0.0.0/0"], annotations={"owner": "team-ai"}
            ),
        ),
        field="external_service",
        value="ExternalService.load_balancer(source_ranges=['0.0.0.0/0'], annotations={...})",
    )
    assert "external_service=ExternalService.load_balancer(source_ranges=" in str(error)
    assert "team-ai" not in str(error)


@pytest.mark.parametrize("former", [True, False])
def test_cloudship_as_01s_bool_is_refused_with_the_migration(chart: Chart, former: bool) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", cloudship=former),  # type: ignore[arg-type]
        field="cloudship",
        value=former,
        problem="since station-constructs 0.2.0, not a bool",
        fix="cloudship=CloudShip.connected() (was True",
    )


@pytest.mark.parametrize("page", ["CHANGELOG.md", "docs/upgrades.md"])
@pytest.mark.parametrize("name", sorted(STATION_FORMER))
def test_each_former_argument_is_in_the_migration_tables(page: str, name: str) -> None:
    # Refused with its new spelling (test_station_guards.py); the tables must show it too.
    text = (REPO / page).read_text()
    section = text.split("#### StationDeployment\n", 1)[1].split("####", 1)[0]
    assert f"`{name}=" in section or f" {name}=" in section, f"{name}= not in {page}"
