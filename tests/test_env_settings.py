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
from station_constructs._env import TEXT_SETTINGS
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


def _every_text(chart: Chart) -> StationDeployment:
    return StationDeployment(
        chart,
        "station",
        provider=AIProvider.OPENAI,
        cloudship=CloudShip.connected(bundle_id=BUNDLE_ID),
        auth=OAUTH,
        **_EVERY_TEXT,
    )


_BUILDS: dict[str, Callable[[Chart], StationDeployment]] = {
    "default": lambda chart: StationDeployment(chart, "station"),
    "production": production_app,
    "full production": full_production_app,
    "every text setting": _every_text,
}


@pytest.mark.parametrize("build", list(_BUILDS.values()), ids=list(_BUILDS))
def test_no_variable_the_station_renders_can_be_overridden_through_env(
    new_chart: Callable[..., Chart], build: Callable[[Chart], StationDeployment]
) -> None:
    """Each ConfigMap key the construct writes is refused in env=, with the argument to use."""
    rendered = build(new_chart()).settings
    assert rendered
    for name, value in rendered.items():
        error = assert_refused(
            lambda: build_with_env(build, new_chart(), {name: value}),  # noqa: B023
            field=f"env[{name!r}]",
            value=value,
            problem="is managed by the construct",
        )
        assert not error.fix.startswith("use the dedicated argument"), (
            f"{name} is rendered but not declared in station_constructs/_env.py"
        )


def build_with_env(
    build: Callable[[Chart], StationDeployment], chart: Chart, env: dict[str, str]
) -> StationDeployment:
    """``build`` with ``env=`` added to the StationDeployment it makes."""
    original = StationDeployment.__init__

    def with_env(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **{**kwargs, "env": env})

    StationDeployment.__init__ = with_env  # type: ignore[method-assign]
    try:
        return build(chart)
    finally:
        StationDeployment.__init__ = original  # type: ignore[method-assign]


def test_every_text_setting_lands_in_the_configmap_under_its_variables(chart: Chart) -> None:
    settings = _every_text(chart).settings
    for setting in TEXT_SETTINGS:
        for variable in setting.renders:
            assert settings[variable] == {**_EVERY_TEXT, "bundle_id": BUNDLE_ID}[setting.key]


@pytest.mark.parametrize("argument", [s.argument for s in TEXT_SETTINGS if not s.source])
@pytest.mark.parametrize("value", ["", "two\nlines"], ids=["empty", "newline"])
def test_a_bad_text_setting_is_refused_naming_its_argument(
    chart: Chart, argument: str, value: str
) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", **{argument: value}),  # type: ignore[arg-type]
        field=argument,
        value=value,
    )
