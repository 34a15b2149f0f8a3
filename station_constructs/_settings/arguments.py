"""Argument types: real bools, lists, mappings and single-line settings, checked first.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s. The later resolvers
(names, image, ports...) read these checked values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._env import check_texts
from .._errors import _Guard
from .._validate import (
    annotations_map,
    boolean,
    cidr,
    labels_map,
    mapping,
    sequence,
)
from .station import ExternalAccess, StationStorage


@dataclass(frozen=True)
class Arguments:
    """StationDeployment's arguments with their types checked (bools, lists, mappings)."""

    create_namespace: bool
    allow_unpinned_image: bool
    local_mode: bool
    webhook_api_key: bool
    enable_api: bool
    cloudship: bool
    cloudship_telemetry: bool
    read_only_root_filesystem: bool
    allow_unauthenticated_exposure: bool
    image_pull_secrets: list[Any]
    extra_providers: list[Any]
    secret_variables: list[Any]
    external_ports: list[Any] | None
    env: Mapping[str, Any] | None
    node_ports: Mapping[Any, Any] | None
    external_service_annotations: dict[str, str]
    labels: dict[str, str]
    annotations: dict[str, str]
    load_balancer_source_ranges: list[str]
    texts: dict[str, str | None]
    """The optional text arguments (``_env.TEXT_SETTINGS``), checked, by argument name."""

    @property
    def model(self) -> str | None:
        """``STN_AI_MODEL``."""
        return self.texts["model"]

    @property
    def bundle_id(self) -> str | None:
        """``STN_BUNDLE_ID``."""
        return self.texts["bundle_id"]

    @property
    def serve_environment(self) -> str | None:
        """``STATION_SERVE_ENVIRONMENT``."""
        return self.texts["serve_environment"]

    @property
    def ai_base_url(self) -> str | None:
        """``STN_AI_BASE_URL``."""
        return self.texts["ai_base_url"]

    @property
    def otlp_endpoint(self) -> str | None:
        """``OTEL_EXPORTER_OTLP_ENDPOINT``."""
        return self.texts["otlp_endpoint"]


def resolve_arguments(  # noqa: PLR0913 - one keyword per StationDeployment argument
    guard: _Guard,
    storage: StationStorage,
    external_access: ExternalAccess,
    **raw: Any,
) -> Arguments:
    """Check the types of the arguments in ``raw`` (named as StationDeployment's)."""
    flags: dict[str, Any] = {
        field: boolean(guard, field, raw[field])
        for field in (
            "create_namespace",
            "allow_unpinned_image",
            "local_mode",
            "webhook_api_key",
            "enable_api",
            "cloudship",
            "cloudship_telemetry",
            "read_only_root_filesystem",
            "allow_unauthenticated_exposure",
        )
    }
    boolean(guard, "storage.create", storage.create)
    boolean(guard, "storage.protect_from_prune", storage.protect_from_prune)
    collections = _collections(guard, external_access, raw)
    return Arguments(**flags, **collections, **_texts(guard, raw))


def _collections(
    guard: _Guard, external_access: ExternalAccess, raw: Mapping[str, Any]
) -> dict[str, Any]:
    external_ports = raw["external_ports"]
    found: dict[str, Any] = {
        "image_pull_secrets": sequence(
            guard, "image_pull_secrets", raw["image_pull_secrets"], example="['regcred']"
        ),
        "extra_providers": sequence(
            guard, "extra_providers", raw["extra_providers"], example="[AIProvider.GEMINI]"
        ),
        "secret_variables": sequence(
            guard, "secret_variables", raw["secret_variables"], example="['GITHUB_TOKEN']"
        ),
    }
    if external_ports is not None:
        external_ports = sequence(
            guard, "external_ports", external_ports, example="[StationPort.AGENT_MCP]"
        )
    found["external_ports"] = external_ports
    found["env"] = mapping(
        guard, "env", raw["env"], example="{'LOG_LEVEL': 'debug'}", allow_none=True
    )
    found["node_ports"] = mapping(
        guard,
        "node_ports",
        raw["node_ports"],
        example="{StationPort.AGENT_MCP: 30087}",
        allow_none=True,
    )
    found["external_service_annotations"] = annotations_map(
        guard, "external_service_annotations", raw["external_service_annotations"]
    )
    found["labels"] = labels_map(guard, "labels", raw["labels"])
    found["annotations"] = annotations_map(guard, "annotations", raw["annotations"])
    ranges = [
        cidr(guard, "load_balancer_source_ranges[]", r)
        for r in sequence(
            guard,
            "load_balancer_source_ranges",
            raw["load_balancer_source_ranges"],
            example="['203.0.113.0/24']",
        )
    ]
    if ranges and external_access is not ExternalAccess.LOAD_BALANCER:
        raise guard.fail(
            "load_balancer_source_ranges",
            ranges,
            "apply only to a LoadBalancer Service (external_access=ExternalAccess."
            "LOAD_BALANCER); anywhere else they would be silently ignored and every "
            "source admitted",
            "pass external_access=ExternalAccess.LOAD_BALANCER, or drop "
            "load_balancer_source_ranges and filter clients with a firewall",
        )
    found["load_balancer_source_ranges"] = ranges
    return found


def _texts(guard: _Guard, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The optional text arguments, each checked as its declaration says (``_env.SETTINGS``)."""
    return {"texts": check_texts(guard, raw)}
