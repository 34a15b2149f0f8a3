"""The guards that explain Station's single-writer design: one replica, Recreate, one volume.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .._errors import _Guard
from .._validate import one_of
from .retained import retained_class
from .station import AccessMode, ClusterProfile, StationStorage, UpdateStrategy


@dataclass(frozen=True)
class SingleWriter:
    """The cluster profile and the data volume, its profile defaults applied."""

    profile: ClusterProfile
    storage: StationStorage


def resolve_single_writer(
    guard: _Guard,
    *,
    replicas: object,
    strategy: object,
    storage: object,
    profile: ClusterProfile,
) -> SingleWriter:
    """Refuse a second replica, a rolling update, no volume or a ReadWriteMany one."""
    if not isinstance(replicas, int):
        raise guard.fail(
            "replicas",
            replicas,
            f"must be the integer 1, not a {type(replicas).__name__}",
            "pass replicas=1 (an int), or leave it out",
        )
    if isinstance(replicas, bool) or replicas != 1:
        raise guard.fail(
            "replicas",
            replicas,
            "Station keeps all state in one SQLite file on a ReadWriteOnce volume; a second "
            "replica cannot mount it, or would corrupt it",
            "keep replicas=1; for availability add LitestreamBackup (continuous backup "
            "and automatic restore) so a lost node costs a restart, not data",
        )
    if strategy is not UpdateStrategy.RECREATE:
        raise guard.fail(
            "strategy",
            strategy,
            "a rolling update starts the new pod before the old one stops; it cannot "
            "attach the ReadWriteOnce volume (the rollout hangs) or would open the "
            "database twice",
            "use strategy=UpdateStrategy.RECREATE (the default)",
        )
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
