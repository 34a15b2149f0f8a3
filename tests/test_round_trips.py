"""Round trips to jsii's Node process: what a Station costs, counted (not timed).

Every call from Python into cdk8s is one message to the Node process and back; they are most
of the time a Station takes (bench/bench.py measures the time). These tests count them, so a
change that makes each Station ask more of Node, or makes the cost grow with the number of
Stations in an App (as construct paths computed for every earlier reservation once did),
fails here with the count.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import cdk8s
from jsii._kernel.providers import process as jsii_process

from tests.support.apps import default_app, full_production_app

#: Round trips each further full production Station may cost (measured: see the closing
#: notes of issue 13; lower this when it drops). Issue 23 added 6: the Services' patch that
#: drops ``externalIPs: []`` (2), the ServiceAccount and the backup's objects ordered before
#: the Deployment (4: the backup's Chart, a node, a dependency, and the ServiceAccount's).
#: Issue 21's final verification reads the Deployment and the NetworkPolicy once more (one
#: call from cdk8s each; what they render then is what cdk8s writes): +2.
PER_PRODUCTION_STATION = 41
#: Round trips of the default app's Station (main.py), synthesis included (issue 23: +2 for
#: the Service's ``externalIPs`` patch). The final verification (issue 21) costs 12 once per
#: App: registering the validation, the App and its charts, each chart's objects read once,
#: cdk8s's calls to the validation.
DEFAULT_APP = 36


@contextmanager
def counted() -> Iterator[Counter[tuple[str, str]]]:
    """Count the messages sent to the Node process, by request type and member."""
    counts: Counter[tuple[str, str]] = Counter()
    original = jsii_process._NodeProcess.send

    def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        member = getattr(request, "property", None) or getattr(request, "method", None) or ""
        counts[(type(request).__name__, str(member))] += 1
        return original(self, request, *args, **kwargs)

    jsii_process._NodeProcess.send = send  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        jsii_process._NodeProcess.send = original  # type: ignore[method-assign]


def trips_for(count: int, build: Callable[[cdk8s.Chart, int], object]) -> Counter[tuple[str, str]]:
    """The messages of building ``count`` Stations in one chart and synthesizing the App."""
    app = cdk8s.App(outdir=tempfile.mkdtemp())
    chart = cdk8s.Chart(app, "bench")
    build(chart, 0)  # the first one loads the CRD bindings: not counted
    with counted() as counts:
        for index in range(1, count + 1):
            build(chart, index)
        app.synth()
    return counts


def production(chart: cdk8s.Chart, index: int) -> object:
    return full_production_app(chart, suffix=f"-{index}")


def test_each_full_production_station_costs_the_same_bounded_number_of_round_trips() -> None:
    one, two, three = (sum(trips_for(n, production).values()) for n in (1, 2, 3))
    assert two - one == three - two, "a Station's cost grows with the Stations before it"
    assert two - one <= PER_PRODUCTION_STATION, (
        f"{two - one} round trips per full production Station (budget {PER_PRODUCTION_STATION})"
    )


def test_no_construct_path_is_asked_for_while_nothing_is_wrong() -> None:
    counts = trips_for(3, production)
    assert counts[("GetRequest", "path")] == 0, "construct paths are for error messages only"


def test_the_default_station_costs_few_round_trips() -> None:
    with counted() as counts:
        app = cdk8s.App(outdir=tempfile.mkdtemp())
        default_app(cdk8s.Chart(app, "station"))
        app.synth()
    total = sum(counts.values())
    assert total <= DEFAULT_APP, f"{total} round trips (budget {DEFAULT_APP}): {counts}"


def test_a_constructs_chart_is_known_without_asking_and_right_when_nested() -> None:
    from constructs import Construct

    from station_constructs._k8s import chart_of

    app = cdk8s.App(outdir=tempfile.mkdtemp())
    chart = cdk8s.Chart(app, "one")
    group = Construct(chart, "group")  # a scope of the user's: its Chart is asked for
    from station_constructs import StationDeployment

    direct = StationDeployment(chart, "direct")
    nested = StationDeployment(group, "nested", name="nested", namespace="nested")
    with counted() as counts:
        assert chart_of(direct) is chart
    assert sum(counts.values()) == 0
    assert chart_of(nested) is chart
