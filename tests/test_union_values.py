"""The union values are built by their factories only: a direct call is refused.

Each combination below was accepted (and deployed) before 0.2.0's factories-only rule; none
of them is a choice a factory makes. A direct call of a legal-looking combination, and
``dataclasses.replace`` on a factory's value, are refused as well: every check of a value
lives in its factory.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from station_constructs import (
    ApiListener,
    CloudShip,
    ConfigDirectory,
    ConfigPolicy,
    ExistingSecret,
    ExternalService,
    LitestreamMetrics,
    S3Credentials,
    S3Replica,
    StationAuth,
    StationPort,
    WorkloadIdentity,
)
from station_constructs._settings.station import ConfigPersistence, ExternalAccess
from tests.support.refusals import assert_refused

IRSA = WorkloadIdentity.aws_irsa("arn:aws:iam::123456789012:role/station-backup")

#: Each illegal combination the review found accepted: (build, class, the fields reported).
ILLEGAL: dict[str, tuple[Callable[[], object], str, dict[str, Any]]] = {
    "local mode and a webhook key": (
        lambda: StationAuth(local_mode=True, webhook_api_key=True),
        "StationAuth",
        {"local_mode": True, "oauth": None, "webhook_api_key": True},
    ),
    "local mode off, nothing authenticating": (
        lambda: StationAuth(local_mode=False),
        "StationAuth",
        {"local_mode": False, "oauth": None, "webhook_api_key": False},
    ),
    "a port for an API that is off": (
        lambda: ApiListener(enabled=False, port=9000),
        "ApiListener",
        {"enabled": False, "port": 9000},
    ),
    "a config policy with nothing on the volume": (
        lambda: ConfigDirectory(ConfigPersistence.IMAGE, ConfigPolicy.VOLUME_WINS),
        "ConfigDirectory",
        {"persistence": ConfigPersistence.IMAGE, "policy": ConfigPolicy.VOLUME_WINS},
    ),
    "CloudShip with neither channel nor bundle": (
        lambda: CloudShip(remote_control=False),
        "CloudShip",
        {"remote_control": False, "telemetry": False, "bundle_id": None},
    ),
    "CloudShip telemetry without the channel": (
        lambda: CloudShip(remote_control=False, telemetry=True),
        "CloudShip",
        {"remote_control": False, "telemetry": True, "bundle_id": None},
    ),
    "an external Service of kind NONE": (
        lambda: ExternalService(ExternalAccess.NONE),
        "ExternalService",
        {
            "access": ExternalAccess.NONE,
            "ports": None,
            "node_ports": None,
            "source_ranges": (),
            "annotations": None,
        },
    ),
    "node ports on a LoadBalancer": (
        lambda: ExternalService(ExternalAccess.LOAD_BALANCER, node_ports={}),
        "ExternalService",
        {
            "access": ExternalAccess.LOAD_BALANCER,
            "ports": None,
            "node_ports": "dict",
            "source_ranges": (),
            "annotations": None,
        },
    ),
    "source ranges on a NodePort": (
        lambda: ExternalService(ExternalAccess.NODE_PORT, source_ranges=("203.0.113.0/24",)),
        "ExternalService",
        {
            "access": ExternalAccess.NODE_PORT,
            "ports": None,
            "node_ports": None,
            "source_ranges": ("203.0.113.0/24",),
            "annotations": None,
        },
    ),
    "static keys and a workload identity": (
        lambda: S3Credentials(
            secret=ExistingSecret("keys"), identity=IRSA, service_account_name=None
        ),
        "S3Credentials",
        {"secret": "ExistingSecret", "identity": "WorkloadIdentity", "service_account_name": None},
    ),
    "a ServiceAccount name without an identity": (
        lambda: S3Credentials(secret=None, identity=None, service_account_name="sa"),
        "S3Credentials",
        {"secret": None, "identity": None, "service_account_name": "sa"},
    ),
    "scraping and admitted namespaces with no listener": (
        lambda: LitestreamMetrics(enabled=False, prometheus_annotations=True, namespaces=("x",)),
        "LitestreamMetrics",
        {"enabled": False, "prometheus_annotations": True, "namespaces": ("x",)},
    ),
}


@pytest.mark.parametrize("case", list(ILLEGAL))
def test_an_illegal_combination_cannot_be_built(case: str) -> None:
    build, name, fields = ILLEGAL[case]
    error = assert_refused(
        build, field=name, value=fields, problem="is built directly", fix=f"{name}."
    )
    assert error.where == name


#: A direct call of a combination a factory makes is refused too, with the factories named.
@pytest.mark.parametrize(
    ("build", "name", "factories"),
    [
        (
            lambda: StationAuth(local_mode=True),
            "StationAuth",
            "StationAuth.local(), StationAuth.cloudship_oauth(client_id=...) or "
            "StationAuth.webhook_key()",
        ),
        (lambda: ApiListener(True), "ApiListener", "ApiListener.on(port=...) or ApiListener.off()"),
        (
            lambda: ConfigDirectory(ConfigPersistence.VOLUME),
            "ConfigDirectory",
            "ConfigDirectory.on_volume(policy=...) or ConfigDirectory.from_image()",
        ),
        (
            lambda: CloudShip(True),
            "CloudShip",
            "CloudShip.connected(telemetry=..., bundle_id=...) or CloudShip.bundle(bundle_id)",
        ),
        (
            lambda: ExternalService(ExternalAccess.LOAD_BALANCER),
            "ExternalService",
            "ExternalService.load_balancer(ports=..., source_ranges=..., annotations=...) or "
            "ExternalService.node_port(ports=..., node_ports=..., annotations=...)",
        ),
        (
            lambda: S3Credentials(ExistingSecret(), None, None),
            "S3Credentials",
            "S3Credentials.from_secret(source) or S3Credentials.workload_identity(identity)",
        ),
        (
            lambda: LitestreamMetrics(True, False, ()),
            "LitestreamMetrics",
            "LitestreamMetrics.served(prometheus_annotations=..., namespaces=...) or "
            "LitestreamMetrics.off()",
        ),
    ],
)
def test_a_legal_combination_is_built_by_its_factory_only(
    build: Callable[[], object], name: str, factories: str
) -> None:
    assert_refused(build, field=name, fix=f"build it with a factory: {factories}")


def test_a_replica_bypassing_its_bucket_check_is_refused() -> None:
    assert_refused(
        lambda: S3Replica("Station_Backups", None, None, None, False),
        field="S3Replica",
        value={
            "bucket": "Station_Backups",
            "path": None,
            "endpoint": None,
            "region": None,
            "force_path_style": False,
        },
        fix="S3Replica.aws(bucket, ...) or S3Replica.compatible(endpoint, bucket, ...)",
    )


def test_replace_cannot_change_a_factorys_value() -> None:
    assert_refused(
        lambda: dataclasses.replace(ApiListener.off(), port=9000),
        field="ApiListener",
        value={"enabled": False, "port": 9000},
        problem="dataclasses.replace",
    )
    assert_refused(
        lambda: dataclasses.replace(ExternalService.node_port(), source_ranges=("203.0.113.0/24",)),
        field="ExternalService",
    )


def test_the_error_shows_no_annotation_value() -> None:
    error = assert_refused(
        lambda: ExternalService(
            ExternalAccess.LOAD_BALANCER, annotations={"token": "ghp_" + "a" * 36}
        ),
        field="ExternalService",
    )
    assert error.value["annotations"] == "dict"
    assert "ghp_" not in str(error)


def test_factory_values_keep_their_equality_and_copies() -> None:
    service = ExternalService.node_port(
        ports=[StationPort.AGENT_MCP], node_ports={StationPort.AGENT_MCP: 30087}
    )
    assert service == ExternalService.node_port(
        ports=[StationPort.AGENT_MCP], node_ports={StationPort.AGENT_MCP: 30087}
    )
    assert service != ExternalService.node_port(ports=[StationPort.AGENT_MCP])
    assert copy.deepcopy(service) == service
    assert S3Replica.aws("station-backups") == S3Replica.aws("station-backups")
    assert hash(ApiListener.on(port=9000)) == hash(ApiListener.on(port=9000))
    assert repr(CloudShip.bundle("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f")) == (
        "CloudShip.bundle('6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f')"
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (LitestreamMetrics.served(), "LitestreamMetrics.served()"),
        (LitestreamMetrics.off(), "LitestreamMetrics.off()"),
        (
            LitestreamMetrics.served(prometheus_annotations=True, namespaces=["monitoring"]),
            "LitestreamMetrics.served(prometheus_annotations=True, namespaces=['monitoring'])",
        ),
    ],
)
def test_metrics_options_show_the_factory_call_that_builds_them(
    value: LitestreamMetrics, shown: str
) -> None:
    assert repr(value) == shown
