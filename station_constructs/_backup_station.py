"""What a backup construct needs of the Station it attaches to.

``LitestreamBackup`` needs a ``StationDeployment`` with a persistent volume (the database it
replicates lives there); ``ConfigDirBackup`` needs the config directory on that volume.
"""

from __future__ import annotations

from ._errors import _Guard
from ._k8s import Construct, construct_path
from ._settings.station import ConfigPersistence, StationStorage
from .station import StationDeployment

__all__ = ["backed_up_station", "require_config_on_volume"]


def backed_up_station(guard: _Guard, station: object) -> StationDeployment:
    """``station`` if it is a StationDeployment with a persistent volume at ``/data``."""
    if not isinstance(station, StationDeployment):
        raise guard.fail(
            "station",
            type(station).__name__,
            "must be the StationDeployment whose database to back up",
            "pass station=StationDeployment(...)",
        )
    storage = getattr(station, "storage", None)
    pod = getattr(station, "pod", None)
    if not isinstance(storage, StationStorage) or pod is None:
        raise guard.fail(
            "station",
            construct_path(station),
            "has no persistent volume at /data: there is no database file to replicate, "
            "and a restore would land on a volume that disappears with the pod",
            "give the Station a persistent volume (storage=StationStorage(...), the default)",
        )
    return station


def require_config_on_volume(guard: _Guard, station: StationDeployment, backup: Construct) -> None:
    """Refuse a Station that keeps its config directory in the image (nothing to back up)."""
    if station.config_directory.persistence is not ConfigPersistence.VOLUME:
        raise guard.fail(
            "backup",
            construct_path(backup),
            "its Station keeps the config directory in the image "
            "(config_directory=ConfigDirectory.from_image()), not on the volume: "
            "there is nothing to back up, and a restore would be hidden by the image",
            "use config_directory=ConfigDirectory.on_volume() (the default), or drop "
            "ConfigDirBackup",
        )
