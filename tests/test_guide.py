"""next_steps: the public, printed steps for every Station of an app."""

from __future__ import annotations

import cdk8s
from cdk8s import App, Chart

from station_constructs import (
    AIProvider,
    StationDeployment,
    next_steps,
)
from tests.support.refusals import assert_refused


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
    assert_refused(
        lambda: next_steps(app),
        field="scope",
        problem="no StationDeployment in it",
        fix="pass the App",
        where="next_steps",
    )


def test_next_steps_is_exported_and_documented() -> None:
    import station_constructs

    assert "next_steps" in station_constructs.__all__
    assert next_steps.__doc__ and "Example::" in next_steps.__doc__


def step_one(text: str) -> list[str]:
    """The command lines of the first step (comments dropped)."""
    block = text[text.index("1. Apply") : text.index("\n2. ")]
    lines = [line.strip() for line in block.splitlines()[1:]]
    return [line for line in lines if line.startswith(("kub", "KUB"))]


def test_each_station_applies_its_own_file_after_the_shared_ones() -> None:
    app = cdk8s.Testing.app()
    Chart(app, "gateway")  # holds no Station: a prerequisite of both
    staging = StationDeployment(Chart(app, "staging"), "station", namespace="staging")
    StationDeployment(Chart(app, "prod"), "station", namespace="prod")
    assert step_one(next_steps(staging, outdir="dist")) == [
        "kubectl apply -f dist/gateway.k8s.yaml   # no Station: prerequisites",
        "kubectl apply -f dist/staging.k8s.yaml",
    ]
    assert "dist/prod.k8s.yaml" not in next_steps(staging, outdir="dist")
    assert "kubectl apply -f dist/\n" not in next_steps(app, outdir="dist")


def test_a_data_chart_is_applied_first_and_the_station_through_an_applyset() -> None:
    app = cdk8s.Testing.app()
    data = Chart(app, "station-data")
    station = StationDeployment(Chart(app, "station"), "station", data_chart=data)
    assert step_one(next_steps(station, outdir="dist")) == [
        "kubectl apply -f dist/station-data.k8s.yaml"
        "   # Namespace, claim, key Secret: never pruned",
        "KUBECTL_APPLYSET=true kubectl apply -n station --prune "
        "--applyset=configmaps/station-applyset -f dist/station.k8s.yaml",
    ]
    kinds = [o["kind"] for o in cdk8s.Testing.synth(data)]
    assert kinds == ["Namespace", "PersistentVolumeClaim"]
    assert {o["kind"] for o in cdk8s.Testing.synth(Chart.of(station))}.isdisjoint(kinds)


def test_a_chart_shared_by_two_stations_is_not_pruned_through_one_applyset() -> None:
    """kubectl refuses objects of another namespace under -n; two ApplySets would fight."""
    app = cdk8s.Testing.app()
    stations = Chart(app, "stations")
    research = StationDeployment(
        stations,
        "research",
        name="station",
        namespace="team-research",
        data_chart=Chart(app, "research-data"),
    )
    StationDeployment(
        stations,
        "support",
        name="station",
        namespace="team-support",
        data_chart=Chart(app, "support-data"),
    )
    text = next_steps(research, outdir="dist")
    assert "--applyset" not in text
    assert "kubectl apply -f dist/stations.k8s.yaml" in step_one(text)
    assert "(not pruned: its Chart also holds another Station" in text


def test_a_data_chart_of_another_app_or_not_a_chart_is_refused() -> None:
    other = Chart(cdk8s.Testing.app(), "data")
    assert_refused(
        lambda: StationDeployment(Chart(cdk8s.Testing.app(), "c"), "station", data_chart=other),
        field="data_chart",
        problem="belongs to another App",
        where="StationDeployment 'c/station'",
    )
    assert_refused(
        lambda: StationDeployment(Chart(cdk8s.Testing.app(), "c"), "station", data_chart="data"),  # type: ignore[arg-type]
        field="data_chart",
        value="data",
        problem="must be a cdk8s Chart",
        where="StationDeployment 'c/station'",
    )


def test_operators_and_edge_policies_come_first() -> None:
    from station_constructs import ExternalSecretSource, RemoteRef

    app = cdk8s.Testing.app()
    secret = ExternalSecretSource(
        "vault",
        remote_refs={
            "STATION_ENCRYPTION_KEY": RemoteRef("station/key"),
            "OPENAI_API_KEY": RemoteRef("station/openai"),
        },
    )
    station = StationDeployment(Chart(app, "station"), "station", secret=secret)
    text = next_steps(station, outdir="dist")
    block = text[text.index("1. Apply") : text.index("\n2. ")]
    assert block.index("ExternalSecret needs the External Secrets Operator") < block.index(
        "kubectl apply -f dist/station.k8s.yaml"
    )


def test_the_stations_own_chart_as_data_chart_keeps_nothing_apart() -> None:
    app = cdk8s.Testing.app()
    chart = Chart(app, "station")
    station = StationDeployment(chart, "station", data_chart=chart)
    steps = step_one(next_steps(station, outdir="dist"))
    assert steps == ["kubectl apply -f dist/station.k8s.yaml"]


def test_numbered_files_are_named_as_written(tmp_path: object) -> None:
    app = App(outdir=str(tmp_path))
    shared = Chart(app, "shared")
    chart = Chart(app, "station")
    chart.add_dependency(shared)  # cdk8s then numbers the files: 0000-shared, 0001-station
    StationDeployment(chart, "station")
    app.synth()
    assert step_one(next_steps(app)) == [
        f"kubectl apply -f {tmp_path}/0000-shared.k8s.yaml   # no Station: prerequisites",
        f"kubectl apply -f {tmp_path}/0001-station.k8s.yaml",
    ]
