"""Per-App state lives with the App: Apps never see each other's claims, and nothing outlives them.

The library keeps what the constructs of one App claimed (object names, replica prefixes,
Secret readers, the App's resolvers, the final verification's facts) in an ``AppState``
reachable only through the App's constructs (``station_constructs._k8s.app_state``), never in
a module-level registry keyed by App.
"""

from __future__ import annotations

import gc
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path

import cdk8s
import pytest
from jsii import _reference_map

from station_constructs import StationDeployment
from station_constructs._k8s import _BY_KEY, _STATES, AppState, app_state
from tests.support.refusals import assert_refused


def _station(app: cdk8s.App, chart: str = "station") -> StationDeployment:
    return StationDeployment(cdk8s.Chart(app, chart), "station")


@pytest.mark.parametrize("make_app", [cdk8s.App, cdk8s.Testing.app], ids=["App", "Testing.app"])
def test_two_apps_do_not_see_each_others_claims(make_app: type[cdk8s.App]) -> None:
    first, second = make_app(), make_app()
    _station(first)
    _station(second)  # the same names, in another App: accepted
    assert app_state(first) is not app_state(second)
    assert_refused(
        lambda: _station(second, "again"),
        field="name",
        value="station",
        problem="already rendered by",
    )


def _module_containers() -> dict[tuple[str, str], int]:
    """Length of every module-level dict, set and list of the library."""
    found = {}
    for name, module in list(sys.modules.items()):
        if name == "station_constructs" or name.startswith("station_constructs."):
            for attr, value in vars(module).items():
                if type(value) in (dict, set, list):
                    found[(name, attr)] = len(value)
    return found


def _new_jsii_objects(before: set[str]) -> Iterator[str]:
    return (ref for ref in list(_reference_map._refs._refs) if ref not in before)


def test_building_and_dropping_many_apps_leaves_nothing_behind(tmp_path: Path) -> None:
    later = cdk8s.App(outdir=str(tmp_path))
    _station(later)  # loads what a first Station loads once per process
    gc.collect()
    containers = _module_containers()
    states, by_key = len(_STATES), len(_BY_KEY)
    before = set(_reference_map._refs._refs)
    kept: list[weakref.ref[AppState]] = []
    for _ in range(20):
        app = cdk8s.App(outdir=str(tmp_path))
        station = _station(app)
        kept.append(weakref.ref(app_state(station)))
        app.synth()
    del app, station
    # The last synthesis's mark (emit/synthesis.py) is kept until the next one starts.
    later.synth()
    assert _module_containers() == containers, "a module-level registry grew with the Apps"
    assert all(ref() is not None for ref in kept), "a live App lost its state"
    # jsii keeps every object made in Python for the life of the process; drop the Apps'
    # objects from its map, as a jsii that could free them would: nothing of ours remains.
    for ref in _new_jsii_objects(before):
        del _reference_map._refs._refs[ref]
    gc.collect()
    assert [ref() for ref in kept] == [None] * len(kept)
    assert (len(_STATES), len(_BY_KEY)) == (states, by_key)
