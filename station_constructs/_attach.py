"""The one check every construct attached to a Station runs on its ``station=`` argument."""

from __future__ import annotations

from ._app_registry import check_same_app
from ._errors import _Guard
from ._k8s import Construct
from .station import StationDeployment

__all__ = ["require_station"]


def require_station(
    scope: Construct, guard: _Guard, station: object, purpose: str
) -> StationDeployment:
    """Return ``station`` if it is a StationDeployment of ``scope``'s App; else raise.

    ``purpose`` completes "must be the StationDeployment ...", e.g. "to route to".
    """
    if not isinstance(station, StationDeployment):
        raise guard.fail(
            "station",
            type(station).__name__,
            f"must be the StationDeployment {purpose}",
            "pass station=StationDeployment(...)",
        )
    check_same_app(scope, guard, station)
    return station
