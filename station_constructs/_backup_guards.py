"""Guards of the backups that span constructs: key prefixes, snapshots, EKS's skip list.

* The S3 key prefixes of Litestream replicas and of ConfigDirBackup copies are reserved
  app-wide (per endpoint and bucket): no prefix may contain or be inside another's, since
  ``rclone sync`` deletes every key under its prefix that is not in its directory.
* A volume created from a VolumeSnapshot rolls the database back; Litestream would replicate
  the older state over the newer backup unless the user accepts that.
* ``eks.amazonaws.com/skip-containers`` is computed when the pod is rendered.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from ._app_registry import _same_holder, reservations, reserve
from ._errors import _Guard
from ._k8s import Construct, construct_path
from ._validate import boolean

__all__ = [
    "BACKUP_CONTAINER_NAMES",
    "check_snapshot_rollback",
    "config_remote_id",
    "reserve_config_prefix",
    "reserve_replica",
    "skip_containers_hook",
]

#: The app-wide reservation topics (``reserve``): Litestream's replicas, config copies.
REPLICA_TOPIC = "litestream-replica"
CONFIG_TOPIC = "config-dir-copy"
#: The Station pod's containers that talk to the bucket (and get the workload identity).
BACKUP_CONTAINER_NAMES = frozenset(
    {"litestream-restore", "litestream", "config-restore", "config-backup"}
)


def overlaps(a: str, b: str) -> bool:
    """Whether key prefix ``a`` contains ``b`` or is inside it (or both are equal)."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def _sibling(candidate: str, taken: str) -> str:
    """``candidate`` when it does not overlap ``taken``, else a prefix next to ``taken``."""
    return candidate if not overlaps(candidate, taken) else f"{taken}-config"


def _store(backup: Any) -> str:
    return str(backup.replica.endpoint or "aws-s3").lower()


def _others(scope: Construct, store: str, bucket: str) -> list[tuple[str, str, Any]]:
    """(topic, prefix, holder) of every replica and config copy in ``bucket`` of this App."""
    found = []
    for (topic, key), holder in reservations(scope).items():
        if topic in (REPLICA_TOPIC, CONFIG_TOPIC):
            other: tuple[str, str, str] = key  # type: ignore[assignment]
            if other[:2] == (store, bucket):
                found.append((topic, other[2], holder))
    return found


def reserve_replica(backup: Any, guard: _Guard) -> None:
    """Take a LitestreamBackup's replica prefix; refuse one overlapping a config copy."""
    station = backup.station
    fix = (
        "give each Station its own replica path (the default '<namespace>/<name>/station.db' "
        "is unique per Station), e.g. S3Replica.aws(..., "
        f"path='{station.namespace}/{station.name}/station.db')"
    )
    replica = backup.replica
    reserve(
        backup,
        guard,
        topic=REPLICA_TOPIC,
        key=(_store(backup), replica.bucket, replica.path),
        field="replica.path",
        value=replica.path,
        problem=f"s3://{replica.bucket}/{replica.path} is already the replica of '{{previous}}'; "
        "two databases replicating to one path overwrite each other's backup, and a "
        "restore brings back the wrong Station",
        fix=fix,
    )
    for topic, prefix, holder in _others(backup, _store(backup), backup.replica.bucket):
        if topic == CONFIG_TOPIC and overlaps(backup.replica.path, prefix):
            raise guard.fail(
                "replica.path",
                backup.replica.path,
                f"overlaps s3://{backup.replica.bucket}/{prefix}, the config directory copy of "
                f"'{holder}': its rclone sync deletes every key under that prefix that is "
                "not in its directory, this replica's files included",
                fix,
            )


def reserve_config_prefix(
    scope: Construct,
    guard: _Guard,
    backup: Any,
    path: str | None,
    validate: Callable[[_Guard, object], str],
) -> str:
    """A ConfigDirBackup's key prefix, validated and reserved app-wide.

    Default ``<dirname of the replica>/config`` (unchanged: existing copies stay where they
    are). Refused when it overlaps the replica, another config copy or another replica.
    """
    parent = posixpath.dirname(backup.replica.path)
    default = f"{parent}/config" if parent else f"{backup.replica.path}-config"
    prefix = validate(guard, default if path is None else path)
    if overlaps(prefix, backup.replica.path):
        raise guard.fail(
            "path",
            prefix,
            f"overlaps the database replica's path {backup.replica.path!r} (one is inside the "
            "other): Litestream owns every key under the replica, and rclone sync deletes "
            "every key under the config copy that is not in /data/config, the replica's "
            "files included",
            "pass a sibling that neither contains nor is inside the replica, e.g. "
            f"path={_sibling(default, backup.replica.path)!r}",
        )
    store = _store(backup)
    for topic, other, holder in _others(scope, store, backup.replica.bucket):
        if _same_holder(holder, scope) or _same_holder(holder, backup):
            continue
        if overlaps(prefix, other):
            what = "config directory copy" if topic == CONFIG_TOPIC else "database replica"
            raise guard.fail(
                "path",
                prefix,
                f"overlaps s3://{backup.replica.bucket}/{other}, the {what} of '{holder}' (one "
                "is inside the other, or they are equal, e.g. two databases in one folder "
                "both get the default '<dirname>/config'): rclone sync makes the prefix a "
                "mirror of this Station's directory and deletes the other's files",
                "give this Station's config directory a prefix of its own, e.g. "
                f"path={_sibling(backup.replica.path + '-config', other)!r}",
            )
    reserve(
        scope,
        guard,
        topic=CONFIG_TOPIC,
        key=(store, backup.replica.bucket, prefix),
        field="path",
        value=prefix,
        problem="is already taken by '{previous}'",
        fix=f"pass another path, e.g. path={default!r}",
    )
    return prefix


def config_remote_id(backup: Any, url: str) -> str:
    """How the config marker on the volume names a copy: ``bucket/path``.

    Not the endpoint: another spelling of it (``127.0.0.1`` for ``localhost``) is the same
    copy. Markers of earlier versions (the URL and the endpoint) are still recognized.
    """
    remote_id = url.removeprefix("s3://")
    if "'" in remote_id:  # pragma: no cover - the endpoint's check refuses quotes
        raise ValueError(f"a quote in {remote_id!r}")
    return remote_id


def check_snapshot_rollback(guard: _Guard, station: Any, accept: object) -> bool:
    """Refuse a Station whose volume comes from a VolumeSnapshot unless ``accept``."""
    accepted = boolean(guard, "accept_snapshot_rollback", accept)
    snapshot = station.storage.restore_from_snapshot
    if snapshot is not None and not accepted:
        raise guard.fail(
            "station",
            construct_path(station),
            f"its volume is created from VolumeSnapshot {snapshot!r}: the database "
            "then is as old as the snapshot, Litestream replicates it, and that older "
            "state replaces the newer backup (a rollback of the database and of the "
            "backup)",
            "drop restore_from_snapshot to restore the latest state from the backup, or "
            "pass accept_snapshot_rollback=True if rolling back to the snapshot is what "
            "you want",
        )
    return accepted


def skip_containers_hook(data: dict[str, Any]) -> None:
    """Name every container of the rendered pod but the backup ones in EKS's skip list.

    At render time, after every other render hook: containers added after LitestreamBackup
    (``PodExtras`` sidecars and init containers, which a render hook adds) are skipped too,
    so EKS's webhook never gives them the backup role's credentials.
    """
    template = data["spec"]["template"]
    spec = template["spec"]
    names = [
        c["name"]
        for c in [*spec.get("initContainers", []), *spec.get("containers", [])]
        if c.get("name") and c["name"] not in BACKUP_CONTAINER_NAMES
    ]
    annotations = template.setdefault("metadata", {}).setdefault("annotations", {})
    annotations["eks.amazonaws.com/skip-containers"] = ",".join(names)
