"""The data volume, the scratch space and where Station's config directory lives.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._errors import _Guard
from .._seed import ConfigPolicy
from .._validate import BinaryQuantity, binary_quantity, boolean, dns_subdomain
from .resources import whole_mebibytes
from .station import ConfigPersistence, StationStorage


@dataclass(frozen=True)
class StorageSettings:
    """The data volume with its parsed size, the scratch limit, the config directory."""

    storage: StationStorage
    size: BinaryQuantity
    scratch: BinaryQuantity
    config_persistence: ConfigPersistence
    config_policy: ConfigPolicy
    persist_tool_caches: bool


def resolve_storage(
    guard: _Guard,
    *,
    storage: StationStorage,
    scratch_size_limit: str,
    config_persistence: ConfigPersistence,
    config_policy: ConfigPolicy,
    persist_tool_caches: bool,
) -> StorageSettings:
    """Refuse tiny or fractional sizes and restores no claim can take.

    The config directory's place and policy were checked by ``ConfigDirectory``'s factories.
    """
    size = binary_quantity(guard, "storage.size", storage.size, minimum_mib=64)
    scratch = binary_quantity(guard, "scratch_size_limit", scratch_size_limit, minimum_mib=16)
    whole_mebibytes(guard, "scratch_size_limit", scratch)
    if storage.storage_class is not None:
        dns_subdomain(guard, "storage.storage_class", storage.storage_class)
    if storage.volume_name is not None:
        dns_subdomain(guard, "storage.volume_name", storage.volume_name)
    if storage.restore_from_snapshot is not None:
        _check_restore(guard, storage)
    caches = boolean(guard, "persist_tool_caches", persist_tool_caches)
    return StorageSettings(storage, size, scratch, config_persistence, config_policy, caches)


def _check_restore(guard: _Guard, storage: StationStorage) -> None:
    dns_subdomain(guard, "storage.restore_from_snapshot", storage.restore_from_snapshot)
    if not storage.create:
        raise guard.fail(
            "storage.restore_from_snapshot",
            storage.restore_from_snapshot,
            "needs a claim to create (storage.create=False uses an existing claim, whose "
            "data source can no longer change)",
            "pass StationStorage(create=True, claim_name='station-data-restored', "
            f"restore_from_snapshot={storage.restore_from_snapshot!r})",
        )
    storage_class = storage.storage_class or ""
    if storage_class == "local-path" or storage_class.startswith("local-path-"):
        raise guard.fail(
            "storage.restore_from_snapshot",
            storage.restore_from_snapshot,
            "the local-path provisioner (k3s's default) cannot create a volume from a "
            "VolumeSnapshot",
            "restore with LitestreamBackup, or use a CSI StorageClass with snapshot support",
        )
