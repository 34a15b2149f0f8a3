"""``litestream.yml`` as text, its hash, and the replica as a Litestream URL.

Renderer step (see ``docs/architecture.md``): settings in, text out; no cdk8s. The format
is Litestream 0.5's (one ``replica:`` per database, global ``snapshot:`` retention, ``addr``
for metrics), with only the keys that version reads: it ignores unknown keys silently.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.parse
from typing import Any

from .._backup_scripts import litestream_replicate_script, litestream_restore_script
from .._settings.litestream import CONFIG_PATH, LITESTREAM_VERSION, LitestreamTiming
from .._settings.s3 import S3Target
from .._settings.station import DATABASE_PATH

__all__ = ["config_hash", "litestream_commands", "litestream_yml", "replica_url"]


def litestream_yml(
    target: S3Target,
    timing: LitestreamTiming,
    *,
    metrics_port: int | None,
    station: str,
    secret_name: str,
) -> str:
    """``litestream.yml`` for Litestream 0.5 (``station`` is ``<namespace>/<name>``)."""
    replica: list[tuple[str, Any]] = [
        ("type", "s3"),
        ("bucket", target.bucket),
        ("path", target.path),
    ]
    if target.endpoint is not None:
        replica.append(("endpoint", target.endpoint))
    if target.region is not None:
        replica.append(("region", target.region))
    replica += [
        ("force-path-style", target.force_path_style),
        ("sync-interval", timing.sync_interval),
    ]
    lines = [
        f"# Litestream {LITESTREAM_VERSION} configuration for Station "
        f"{station}, rendered by station-constructs.",
        "# S3 credentials come from the environment (AWS_ACCESS_KEY_ID and",
        f"# AWS_SECRET_ACCESS_KEY from Secret {secret_name}), never from this file.",
    ]
    if metrics_port is not None:
        lines.append(f"addr: {_scalar(f':{metrics_port}')}")
    lines += [
        f"shutdown-sync-timeout: {timing.shutdown_sync_timeout}",
        "snapshot:",
        f"  interval: {timing.snapshot_interval}",
        f"  retention: {timing.retention}",
        "dbs:",
        f"  - path: {DATABASE_PATH}",
        f"    checkpoint-interval: {timing.checkpoint_interval}",
        "    replica:",
        *(f"      {key}: {_scalar(value)}" for key, value in replica),
    ]
    return "\n".join(lines) + "\n"


def config_hash(text: str) -> str:
    """Short hash of ``litestream.yml`` (pod annotation: a change restarts the pod)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def replica_url(target: S3Target) -> str:
    """``s3://bucket/path``, plus ``endpoint``, ``region`` and ``forcePathStyle`` parameters."""
    url = f"s3://{target.bucket}/{target.path}"
    query: dict[str, str] = {}
    if target.endpoint is not None:
        query["endpoint"] = target.endpoint
    if target.region is not None:
        query["region"] = target.region
    if target.endpoint is not None or target.force_path_style:
        query["forcePathStyle"] = "true" if target.force_path_style else "false"
    if query:
        url += "?" + urllib.parse.urlencode(query, safe=":/")
    return url


def litestream_commands(
    target: S3Target, require_backup: bool, *, shutdown_sync_seconds: int
) -> tuple[list[str], list[str]]:
    """The commands of ``litestream`` (the guard, then replicate) and ``litestream-restore``.

    The database's identity names the replica by ``bucket/path`` only: another spelling of
    the endpoint (``127.0.0.1`` for ``localhost``) is the same replica.
    """
    replica = replica_url(target)
    replica_id = f"{target.bucket}/{target.path}"
    replicate = litestream_replicate_script(
        config=CONFIG_PATH,
        database=DATABASE_PATH,
        replica=replica,
        replica_id=replica_id,
        shutdown_sync_seconds=shutdown_sync_seconds,
    )
    restore = litestream_restore_script(
        config=CONFIG_PATH,
        database=DATABASE_PATH,
        replica=replica,
        replica_id=replica_id,
        require_backup=require_backup,
    )
    return ["sh", "-c", replicate], ["sh", "-c", restore]


def _scalar(value: object) -> str:
    """A YAML scalar: booleans bare, strings double-quoted (JSON strings are valid YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if re.fullmatch(r"[0-9]+(ms|s|m|h)|[0-9a-z]+", text) and text not in ("true", "false", "null"):
        return text
    return json.dumps(text)
