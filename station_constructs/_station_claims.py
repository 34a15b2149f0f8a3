"""The objects, names and volumes a StationDeployment takes app-wide, claimed before it renders.

Plain functions the settings steps of :class:`~station_constructs.StationDeployment` call
(``_station_settings.py``). Two constructs of one App must
not render the same object, mount one data claim, bind one PersistentVolume or take one
node port (see ``_app_registry.py``); a collision is refused naming both constructs.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._app_registry import reserve, use_secret_as
from ._errors import _Guard
from ._k8s import Construct, claim_object
from ._settings.names import Names as StationNames
from ._settings.station import ExternalAccess, StationPort, StationStorage
from ._validate import dns_label, dns_subdomain
from .secrets import ExistingSecret, SecretSource

__all__ = ["claim_objects", "resolve_secret"]


def resolve_secret(
    scope: Construct, guard: _Guard, secret: SecretSource | None, name: str, namespace: str
) -> tuple[SecretSource, str]:
    """The secret source (default ``ExistingSecret()``) and its Secret's name, claimed."""
    source = secret if secret is not None else ExistingSecret()
    if not isinstance(source, SecretSource):
        raise guard.fail(
            "secret",
            type(secret).__name__,
            "must be a SecretSource (secrets are referenced, never passed as strings)",
            "pass ExistingSecret('station-secrets'), ExternalSecretSource(...) or "
            "SealedSecretSource(...)",
        )
    secret_name = dns_subdomain(guard, "secret.name", source.name or f"{name}-secrets")
    use_secret_as(
        scope,
        guard,
        namespace=namespace,
        name=secret_name,
        purpose="the keys a pod reads",
        field="secret.name",
        fix=f"give the Station's keys a Secret of their own, e.g. ExistingSecret('{name}-secrets')",
    )
    return source, secret_name


def claim_objects(  # noqa: PLR0913 - the names claimed, each needed
    scope: Construct,
    guard: _Guard,
    given_name: str,
    names: StationNames,
    *,
    storage: StationStorage,
    external_access: ExternalAccess,
    create_namespace: bool,
    node_ports: Mapping[StationPort, int] | None,
) -> str | None:
    """One owner per object, app-wide: claim every object's name, the volume, node ports.

    Returns the external Service's name, if ``external_service`` renders one.
    """
    planned: list[tuple[str, str | None, str]] = [
        ("Deployment", names.namespace, names.name),
        ("Service", names.namespace, names.name),
        ("ConfigMap", names.namespace, names.config_map_name),
    ]
    if create_namespace:
        planned.append(("Namespace", None, names.namespace))
    if storage.create:
        planned.append(("PersistentVolumeClaim", names.namespace, names.pvc_name))
    external_service_name = None
    if external_access is not ExternalAccess.NONE:
        external_service_name = dns_label(guard, "name", f"{given_name}-external")
        planned.append(("Service", names.namespace, external_service_name))
    for kind, ns, obj_name in planned:
        _claim(scope, guard, kind, ns, obj_name)
    _reserve_volume(scope, guard, names, storage)
    for which, number in (node_ports or {}).items():
        reserve(
            scope,
            guard,
            topic="node-port",
            key=number,
            field=f"external_service.node_ports[{which}]",
            value=number,
            problem="node ports are cluster-wide, and this one is already taken by the "
            "external Service of '{previous}'; the API server would refuse the second",
            fix="pick another port in 30000-32767, or leave it out to let Kubernetes choose",
        )
    return external_service_name


def _claim(scope: Construct, guard: _Guard, kind: str, namespace: str | None, name: str) -> None:
    claim_object(
        scope,
        guard,
        kind=kind,
        namespace=namespace,
        name=name,
        field="name",
        fix="give each Station its own name= or namespace= (and create_namespace=False "
        "for all but one Station sharing a namespace)",
    )


def _reserve_volume(
    scope: Construct, guard: _Guard, names: StationNames, storage: StationStorage
) -> None:
    """One pod per data claim and one claim per PersistentVolume, app-wide."""
    namespace, pvc_name = names.namespace, names.pvc_name
    reserve(
        scope,
        guard,
        topic="data-claim",
        key=(namespace, pvc_name),
        field="storage.claim_name",
        value=pvc_name,
        problem=f"the claim '{pvc_name}' in namespace '{namespace}' already holds "
        "the database of '{previous}'; a second Station cannot mount a ReadWriteOnce "
        "claim while the first runs, or would open the same SQLite file twice",
        fix="give each Station its own claim: StationStorage(claim_name='"
        f"{names.name}-data') (the default is '<name>-data')",
    )
    if storage.volume_name is not None:
        reserve(
            scope,
            guard,
            topic="persistent-volume",
            key=storage.volume_name,
            field="storage.volume_name",
            value=storage.volume_name,
            problem="the PersistentVolume is already bound by the claim of '{previous}'; "
            "a PersistentVolume binds exactly one claim, so this one would stay Pending",
            fix="bind each Station to its own PersistentVolume, or leave volume_name out "
            "for dynamic provisioning",
        )
