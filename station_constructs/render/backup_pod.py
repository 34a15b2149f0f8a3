"""The backup containers added to the Station pod, as data.

``LitestreamBackup`` adds ``litestream-restore`` (an init container, first) and ``litestream``
(a native sidecar, or a second container); ``ConfigDirBackup`` adds ``config-restore`` (after
the database's restore) and ``config-backup``. The order of the pod's init containers is then:
the restores, ``seed-home``, the sidecars (see ``docs/backups.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import containers as c
from .pod import Json, PodAssembly
from .station_pod import DATA_VOLUME

__all__ = ["BackupContainers", "add_backup_containers"]

#: Seconds Station needs to stop after SIGTERM (~3 s for its services, up to 5 s to flush
#: traces; see docs/station-facts.md "Shutdown"), rounded up: a non-native sidecar waits
#: this long at shutdown, so the final sync includes Station's last transaction.
STATION_STOP_SECONDS = 10


@dataclass(frozen=True)
class BackupContainers:
    """One backup's pair of containers: a restore, then a sidecar that keeps copying."""

    restore_name: str
    sidecar_name: str
    image: str
    pull_policy: str
    env: Sequence[Json]
    resources: Json
    mounts: Sequence[Json]
    restore_command: Sequence[str]
    sidecar_command: Sequence[str]
    identity_mount: Json | None
    native: bool
    ports: Sequence[Json] = ()
    native_startup_probe: Json | None = None
    liveness_probe: Json | None = None

    def container(
        self,
        name: str,
        command: Sequence[str],
        *,
        ports: Sequence[Json] = (),
        probes: dict[str, Json] | None = None,
        lifecycle: Json | None = None,
    ) -> Json:
        """A container of this backup: the shared image, env, resources and mounts."""
        found = c.container(
            name,
            self.image,
            pull_policy=self.pull_policy,
            command=command,
            env=self.env,
            ports=ports,
            probes=probes,
            lifecycle=lifecycle,
            security=c.security_context(),
            resources=self.resources,
            mounts=self.mounts,
        )
        if self.identity_mount is not None:
            found["volumeMounts"].append(dict(self.identity_mount))
        return found


def add_backup_containers(pod: PodAssembly, backup: BackupContainers) -> None:
    """Add ``backup``'s restore (ordered first) and its sidecar to ``pod``."""
    restore = backup.container(backup.restore_name, backup.restore_command)
    pod.add_init_container(restore, first=True)
    if backup.native:
        probe = backup.native_startup_probe
        sidecar = backup.container(
            backup.sidecar_name,
            backup.sidecar_command,
            ports=backup.ports,
            probes=None if probe is None else {"startup": probe},
        )
        pod.add_init_container(sidecar, native_sidecar=True)
        return
    probe = backup.liveness_probe
    sidecar = backup.container(
        backup.sidecar_name,
        backup.sidecar_command,
        ports=backup.ports,
        probes=None if probe is None else {"liveness": probe},
        # Both containers get SIGTERM at once: let Station stop writing first.
        lifecycle=c.exec_pre_stop(["sleep", str(STATION_STOP_SECONDS)]),
    )
    pod.add_container(sidecar)


def data_mount() -> Json:
    """The data volume at ``/data``, as every backup container mounts it."""
    return c.mount("/data", DATA_VOLUME)
