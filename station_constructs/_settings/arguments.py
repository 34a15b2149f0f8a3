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
    labels_map,
    mapping,
    sequence,
)
from .station import StationStorage


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


def resolve_arguments(guard: _Guard, storage: StationStorage, raw: Mapping[str, Any]) -> Arguments:
    """Check the types of the arguments in ``raw`` (``StationInput``'s fields, by name).

    The fields that come from union values (``FLAT_FIELDS`` of ``input.py``) were checked
    by their factories and are taken as they are.
    """
    flags: dict[str, Any] = {
        field: boolean(guard, field, raw[field])
        for field in (
            "create_namespace",
            "allow_unpinned_image",
            "read_only_root_filesystem",
            "allow_unauthenticated_exposure",
        )
    }
    flags.update({field: raw[field] for field in _FROM_UNIONS})
    boolean(guard, "storage.create", storage.create)
    boolean(guard, "storage.protect_from_prune", storage.protect_from_prune)
    collections = _collections(guard, raw)
    return Arguments(**flags, **collections, **_texts(guard, raw))


#: Arguments fields built by the factories of ``station_constructs.options``, checked there.
_FROM_UNIONS = (
    "local_mode",
    "webhook_api_key",
    "enable_api",
    "cloudship",
    "cloudship_telemetry",
    "external_ports",
    "load_balancer_source_ranges",
)


def _collections(guard: _Guard, raw: Mapping[str, Any]) -> dict[str, Any]:
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
    found["env"] = mapping(
        guard, "env", raw["env"], example="{'LOG_LEVEL': 'debug'}", allow_none=True
    )
    found["node_ports"] = dict(raw["node_ports"] or {})
    found["external_service_annotations"] = dict(raw["external_service_annotations"] or {})
    found["labels"] = labels_map(guard, "labels", raw["labels"])
    found["annotations"] = annotations_map(guard, "annotations", raw["annotations"])
    return found


def _texts(guard: _Guard, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The optional text arguments, each checked as its declaration says (``_env.SETTINGS``)."""
    return {"texts": check_texts(guard, raw)}
