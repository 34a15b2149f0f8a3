"""The rclone side of ``ConfigDirBackup`` as data: its remote's variables and its commands.

Renderer step (see ``docs/architecture.md``); no cdk8s. rclone reads its remote from
``RCLONE_CONFIG_BACKUP_*`` variables (no config file) and the credentials from the
environment, as Litestream does.
"""

from __future__ import annotations

from .._backup_scripts import config_backup_script, config_restore_script
from .._settings.config_backup import (
    CONFIG_ON_VOLUME,
    FINAL_SYNC_TIMEOUT_SECONDS,
    RCLONE_LIMITS,
    REMOTE_NAME,
    ConfigBackupSettings,
)

__all__ = ["config_commands", "rclone_environment"]


def rclone_environment(
    *, endpoint: str | None, region: str | None, force_path_style: bool
) -> dict[str, str]:
    """The ``RCLONE_CONFIG_BACKUP_*`` variables that define the remote, and rclone's limits.

    The limits (connection and operation timeouts, bounded retries) make a refusing or hung
    endpoint fail a command in seconds. ``NO_CHECK_BUCKET``: rclone would otherwise try to
    create the bucket before its first upload, which the least-privilege policy
    (``backup_s3_policy``, no ``s3:CreateBucket``) refuses; the bucket must exist, as it must
    for Litestream. No secrets.
    """
    prefix = f"RCLONE_CONFIG_{REMOTE_NAME.upper()}"
    env = {
        "RCLONE_CONFIG": "/dev/null",
        **RCLONE_LIMITS,
        f"{prefix}_TYPE": "s3",
        f"{prefix}_PROVIDER": "AWS" if endpoint is None else "Other",
        f"{prefix}_ENV_AUTH": "true",
        f"{prefix}_FORCE_PATH_STYLE": "true" if force_path_style else "false",
        f"{prefix}_NO_CHECK_BUCKET": "true",
    }
    if endpoint is not None:
        env[f"{prefix}_ENDPOINT"] = endpoint
    if region is not None:
        env[f"{prefix}_REGION"] = region
    return env


def config_commands(
    settings: ConfigBackupSettings, *, remote: str, remote_id: str, history: str
) -> tuple[list[str], list[str]]:
    """The commands of ``config-restore`` and of the ``config-backup`` sidecar."""
    restore = config_restore_script(
        directory=CONFIG_ON_VOLUME,
        remote=remote,
        remote_id=remote_id,
        require_backup=settings.require_backup,
    )
    backup = config_backup_script(
        directory=CONFIG_ON_VOLUME,
        remote=remote,
        remote_id=remote_id,
        history=history,
        interval_seconds=settings.interval_seconds,
        max_failures=settings.max_failures,
        max_deletes=settings.max_deletes,
        final_seconds=FINAL_SYNC_TIMEOUT_SECONDS,
    )
    return ["sh", "-c", restore], ["sh", "-c", backup]
