"""The guards that explain Station's single-writer design: one persistent ReadWriteOnce volume.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .._errors import _Guard
from .._validate import one_of
from .retained import retained_class
from .station import AccessMode, ClusterProfile, StationStorage


@dataclass(frozen=True)
class SingleWriter:
    """The cluster profile and the data volume, its profile defaults applied."""

    profile: ClusterProfile
    storage: StationStorage


def resolve_single_writer(
    guard: _Guard,
    *,
    storage: object,
    profile: ClusterProfile,
) -> SingleWriter:
    """Refuse no volume or a ReadWriteMany one.

    One replica and ``Recreate`` are not arguments: ``replicas=`` and ``strategy=`` are
    refused as former keywords (``_station_former.py``), with the same explanation.
    """
    if storage is None or not isinstance(storage, StationStorage):
        raise guard.fail(
            "storage",
            storage if storage is None else type(storage).__name__,
            "Station needs a persistent volume at /data for its SQLite database; without "
            "one (or with an ephemeral emptyDir) every restart loses all agents, runs and "
            "secrets, and the container fails with 'mkdir /data: permission denied'",
            "pass storage=StationStorage(size='10Gi', storage_class=...) or omit the "
            "argument for the default 10Gi volume",
        )
    one_of(guard, "storage.access_mode", storage.access_mode, AccessMode)
    one_of(guard, "profile", profile, ClusterProfile)
    storage = retained_class(guard, storage, profile)
    if profile is ClusterProfile.K3S and storage.storage_class is None:
        # k3s's local-path provisioner; explicit, so another default class cannot win.
        storage = replace(storage, storage_class="local-path")
    if storage.access_mode is AccessMode.READ_WRITE_MANY:
        raise guard.fail(
            "storage.access_mode",
            storage.access_mode,
            "ReadWriteMany volumes are network filesystems where SQLite's file locking is "
            "unreliable, and they invite a second writer",
            "use AccessMode.READ_WRITE_ONCE (default) or READ_WRITE_ONCE_POD",
        )
    return SingleWriter(profile=profile, storage=storage)
