"""The rclone side of ``ConfigDirBackup`` as data: its remote's variables and its commands.

Renderer step (see ``docs/architecture.md``); no cdk8s. rclone reads its remote from
``RCLONE_CONFIG_BACKUP_*`` variables (no config file) and the credentials from the
environment, as Litestream does.
"""

from __future__ import annotations

from .._backup_scripts import config_backup_script, config_restore_script
from ..settings.config_backup import CONFIG_ON_VOLUME, REMOTE_NAME, ConfigBackupSettings

__all__ = ["config_commands", "rclone_environment"]


def rclone_environment(
    *, endpoint: str | None, region: str | None, force_path_style: bool
) -> dict[str, str]:
    """The ``RCLONE_CONFIG_BACKUP_*`` variables that define the remote (no secrets)."""
    prefix = f"RCLONE_CONFIG_{REMOTE_NAME.upper()}"
    env = {
        "RCLONE_CONFIG": "/dev/null",
        f"{prefix}_TYPE": "s3",
        f"{prefix}_PROVIDER": "AWS" if endpoint is None else "Other",
        f"{prefix}_ENV_AUTH": "true",
        f"{prefix}_FORCE_PATH_STYLE": "true" if force_path_style else "false",
    }
    if endpoint is not None:
        env[f"{prefix}_ENDPOINT"] = endpoint
    if region is not None:
        env[f"{prefix}_REGION"] = region
    return env


def config_commands(
    settings: ConfigBackupSettings, *, remote: str, remote_id: str
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
        interval_seconds=settings.interval_seconds,
        max_failures=settings.max_failures,
    )
    return ["sh", "-c", restore], ["sh", "-c", backup]
