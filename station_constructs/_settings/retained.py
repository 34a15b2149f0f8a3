"""``StationStorage(retained_class=...)``: a StorageClass whose volumes outlive their claim.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s. The claim is
provisioned from the class (its ``storage_class`` becomes the class's name), so the checks
run before the cluster profile picks a default class.
"""

from __future__ import annotations

from dataclasses import replace

from .._errors import _Guard
from .._validate import dns_subdomain, mapping
from .station import ClusterProfile, RetainedStorageClass, StationStorage

__all__ = ["K3S_PROVISIONER", "retained_class"]

#: k3s's (and kind's) local-path provisioner.
K3S_PROVISIONER = "rancher.io/local-path"


def retained_class(
    guard: _Guard, storage: StationStorage, profile: ClusterProfile
) -> StationStorage:
    """``storage`` with the retained class's name as its class and a provisioner resolved."""
    given = storage.retained_class
    if given is None:
        return storage
    field = "storage.retained_class"
    if not isinstance(given, RetainedStorageClass):
        raise guard.fail(
            field,
            type(given).__name__,
            "must be a RetainedStorageClass",
            "pass RetainedStorageClass('station-retain', provisioner='ebs.csi.aws.com')",
        )
    dns_subdomain(guard, f"{field}.name", given.name)
    for other, value in (
        ("storage_class", storage.storage_class),
        ("volume_name", storage.volume_name),
    ):
        if value is not None:
            raise guard.fail(
                f"storage.{other}",
                value,
                "conflicts with retained_class, which renders the claim's class",
                f"leave {other} out (the claim uses {given.name!r}), or drop retained_class",
            )
    if not storage.create:
        raise guard.fail(
            field,
            given.name,
            "needs a claim to provision (storage.create=False)",
            "drop retained_class, or let the Station create the claim",
        )
    provisioner = given.provisioner
    if provisioner is None and profile is ClusterProfile.K3S:
        provisioner = K3S_PROVISIONER
    if not isinstance(provisioner, str) or not provisioner:
        raise guard.fail(
            f"{field}.provisioner",
            provisioner,
            "is required outside ClusterProfile.K3S",
            "pass the provisioner of your volumes, e.g. 'ebs.csi.aws.com' "
            "(kubectl get storageclass shows it)",
        )
    parameters = mapping(guard, f"{field}.parameters", given.parameters or {})
    for key, value in parameters.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise guard.fail(
                f"{field}.parameters[{key!r}]",
                value,
                "must map strings to strings",
                "quote the value, e.g. {'encrypted': 'true'}",
            )
    resolved = RetainedStorageClass(given.name, provisioner, dict(parameters) or None)
    return replace(storage, storage_class=given.name, retained_class=resolved)
