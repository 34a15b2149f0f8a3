"""Argument types: real bools, lists, mappings and single-line settings, checked first.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s. The later resolvers
(names, image, ports...) read these checked values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._errors import _Guard
from .._validate import (
    annotations_map,
    boolean,
    free_text,
    http_url,
    labels_map,
    mapping,
    otlp_base_url,
    sequence,
    station_environment,
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
    model: str | None
    bundle_id: str | None
    serve_environment: str | None
    ai_base_url: str | None
    otlp_endpoint: str | None


def resolve_arguments(  # noqa: PLR0913 - one keyword per StationDeployment argument
    guard: _Guard,
    storage: StationStorage,
    **raw: Any,
) -> Arguments:
    """Check the types of the arguments in ``raw`` (named as StationDeployment's).

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
    # bundle_id comes from CloudShip.bundle/connected, which checked it (a UUID).
    model, bundle_id = raw["model"], raw["bundle_id"]
    serve_environment, ai_base_url = raw["serve_environment"], raw["ai_base_url"]
    otlp_endpoint = raw["otlp_endpoint"]
    if model is not None:
        model = free_text(
            guard, "model", model, fix="pass a model name such as 'gpt-4o', or leave it out"
        )
    if serve_environment is not None:
        serve_environment = station_environment(guard, "serve_environment", serve_environment)
    if ai_base_url is not None:
        ai_base_url = http_url(guard, "ai_base_url", ai_base_url, example="https://llm.internal/v1")
    if otlp_endpoint is not None:
        otlp_endpoint = otlp_base_url(guard, "otlp_endpoint", otlp_endpoint)
    return {
        "model": model,
        "bundle_id": bundle_id,
        "serve_environment": serve_environment,
        "ai_base_url": ai_base_url,
        "otlp_endpoint": otlp_endpoint,
    }
