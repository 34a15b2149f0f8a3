"""next_steps: the public, printed steps for every Station of an app."""

from __future__ import annotations

import cdk8s
import pytest
from cdk8s import App, Chart

from station_constructs import (
    AIProvider,
    StationConfigError,
    StationDeployment,
    next_steps,
)


def test_steps_for_every_station_of_an_app_in_construction_order() -> None:
    app = cdk8s.Testing.app()
    StationDeployment(Chart(app, "one"), "station")
    StationDeployment(Chart(app, "two"), "team", namespace="team-b", provider=AIProvider.ANTHROPIC)
    text = next_steps(app)
    first, second = text.index("Station station/station"), text.index("Station team-b/station")
    assert first < second
    assert "kubectl -n station rollout status deployment/station" in text
    assert "kubectl -n team-b rollout status deployment/station" in text
    assert "ANTHROPIC_API_KEY" in text[second:] and "ANTHROPIC_API_KEY" not in text[:second]


def test_a_station_alone_and_a_chart_give_the_same_steps() -> None:
    chart = Chart(cdk8s.Testing.app(), "c")
    station = StationDeployment(chart, "station")
    assert next_steps(station, outdir="out") == next_steps(chart, outdir="out")
    assert "kubectl apply -f out/" in next_steps(station, outdir="out")


def test_outdir_defaults_to_the_apps_outdir(tmp_path: object) -> None:
    app = App(outdir=str(tmp_path))
    StationDeployment(Chart(app, "c"), "station")
    assert f"kubectl apply -f {tmp_path}/" in next_steps(app)


def test_a_scope_without_a_station_is_refused_with_the_fix() -> None:
    app = cdk8s.Testing.app()
    Chart(app, "empty")
    with pytest.raises(StationConfigError, match=r"no StationDeployment in it\. Fix: pass the App"):
        next_steps(app)


def test_next_steps_is_exported_and_documented() -> None:
    import station_constructs

    assert "next_steps" in station_constructs.__all__
    assert next_steps.__doc__ and "Example::" in next_steps.__doc__
