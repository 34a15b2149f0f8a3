"""The environment-backed settings: what the ConfigMap gets is what env= cannot override.

The declarations (``station_constructs/_env.py``) drive the argument checks, the ConfigMap,
the refusals and the docs table; these tests build real Stations and read what they render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cdk8s import Chart

from station_constructs import (
    AIProvider,
    CloudShip,
    StationDeployment,
)
from tests.support.apps import full_production_app, production_app
from tests.support.builders import OAUTH
from tests.support.refusals import assert_refused

BUNDLE_ID = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
#: The text settings that are keyword arguments of their own (the bundle is CloudShip's).
_EVERY_TEXT: dict[str, Any] = {
    "model": "gpt-4o",
    "serve_environment": "prod-eu",
    "ai_base_url": "https://llm.internal/v1",
    "otlp_endpoint": "http://otel-collector.observability:4318",
}


def _every_text(chart: Chart, **kwargs: Any) -> StationDeployment:
    return StationDeployment(
        chart,
        "station",
        provider=AIProvider.OPENAI,
        cloudship=CloudShip.connected(bundle_id=BUNDLE_ID),
        auth=OAUTH,
        **_EVERY_TEXT,
        **kwargs,
    )


_BUILDS: dict[str, Callable[..., StationDeployment]] = {
    "default": lambda chart, **kwargs: StationDeployment(chart, "station", **kwargs),
    "production": production_app,
    "full production": full_production_app,
    "every text setting": _every_text,
}


@pytest.mark.parametrize("build", list(_BUILDS.values()), ids=list(_BUILDS))
def test_no_variable_the_station_renders_can_be_overridden_through_env(
    new_chart: Callable[..., Chart], build: Callable[..., StationDeployment]
) -> None:
    """Each ConfigMap key the construct writes is refused in env=, with the argument to use."""
    rendered = build(new_chart()).settings
    assert rendered
    for name, value in rendered.items():
        error = assert_refused(
            lambda: build(new_chart(), env={name: value}),  # noqa: B023
            field=f"env[{name!r}]",
            value=value,
            problem="is managed by the construct",
        )
        assert not error.fix.startswith("use the dedicated argument"), (
            f"{name} is rendered but not declared in station_constructs/_env.py"
        )


#: What each text setting of :func:`_every_text` renders, under each variable Station reads.
TEXT_VARIABLES = {
    "STN_AI_MODEL": "gpt-4o",
    "STN_BUNDLE_ID": BUNDLE_ID,
    "STATION_SERVE_ENVIRONMENT": "prod-eu",
    "STN_AI_BASE_URL": "https://llm.internal/v1",
    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector.observability:4318",
    "STN_TELEMETRY_ENDPOINT": "http://otel-collector.observability:4318",
}


def test_every_text_setting_lands_in_the_configmap_under_its_variables(chart: Chart) -> None:
    settings = _every_text(chart).settings
    assert {name: settings[name] for name in TEXT_VARIABLES} == TEXT_VARIABLES


@pytest.mark.parametrize("argument", ["model", "serve_environment", "ai_base_url", "otlp_endpoint"])
@pytest.mark.parametrize("value", ["", "two\nlines"], ids=["empty", "newline"])
def test_a_bad_text_setting_is_refused_naming_its_argument(
    chart: Chart, argument: str, value: str
) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", **{argument: value}),  # type: ignore[arg-type]
        field=argument,
        value=value,
    )
