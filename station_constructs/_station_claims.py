"""The objects, names and volumes a StationDeployment takes app-wide, claimed before it renders.

A mixin of :class:`~station_constructs.StationDeployment`. Two constructs of one App must
not render the same object, mount one data claim, bind one PersistentVolume or take one
node port (see ``_app_registry.py``); a collision is refused naming both constructs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ._app_registry import reserve, use_secret_as
from ._errors import _Guard
from ._k8s import Construct, claim_object
from ._settings.station import ExternalAccess, StationPort, StationStorage
from ._validate import dns_label, dns_subdomain
from .secrets import ExistingSecret, SecretSource

__all__ = ["StationClaims"]


class StationClaims:
    """Mixin: the app-wide claims of a StationDeployment."""

    # Set by StationDeployment while it renders.
    name: str
    namespace: str
    service_name: str
    config_map_name: str
    pvc_name: str
    storage: StationStorage
    external_access: ExternalAccess
    external_service_name: str | None
    _guard: _Guard

    if TYPE_CHECKING:

        def _scope(self) -> Construct:
            """ComposingRefs' (the Station as a construct)."""

    def _resolve_secret(
        self, guard: _Guard, secret: SecretSource | None, name: str, namespace: str
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
            self._scope(),
            guard,
            namespace=namespace,
            name=secret_name,
            purpose="the keys a pod reads",
            field="secret.name",
            fix="give the Station's keys a Secret of their own, e.g. "
            f"ExistingSecret('{name}-secrets')",
        )
        return source, secret_name

    def _claim_objects(
        self,
        guard: _Guard,
        name: str,
        *,
        create_namespace: bool,
        node_ports: Mapping[StationPort, int] | None,
    ) -> None:
        """One owner per object, app-wide: claim every object's name, the volume, node ports."""
        planned: list[tuple[str, str | None, str]] = [
            ("Deployment", self.namespace, self.name),
            ("Service", self.namespace, self.service_name),
            ("ConfigMap", self.namespace, self.config_map_name),
        ]
        if create_namespace:
            planned.append(("Namespace", None, self.namespace))
        if self.storage.create:
            planned.append(("PersistentVolumeClaim", self.namespace, self.pvc_name))
        if self.external_access is not ExternalAccess.NONE:
            self.external_service_name = dns_label(guard, "name", f"{name}-external")
            planned.append(("Service", self.namespace, self.external_service_name))
        for kind, ns, obj_name in planned:
            self._claim(kind, ns, obj_name)
        self._reserve_volume(self.storage)
        for which, number in (node_ports or {}).items():
            reserve(
                self._scope(),
                guard,
                topic="node-port",
                key=number,
                field=f"external_service.node_ports[{which}]",
                value=number,
                problem="node ports are cluster-wide, and this one is already taken by the "
                "external Service of '{previous}'; the API server would refuse the second",
                fix="pick another port in 30000-32767, or leave it out to let Kubernetes choose",
            )

    def _claim(self, kind: str, namespace: str | None, name: str) -> None:
        claim_object(
            self._scope(),
            self._guard,
            kind=kind,
            namespace=namespace,
            name=name,
            field="name",
            fix="give each Station its own name= or namespace= (and create_namespace=False "
            "for all but one Station sharing a namespace)",
        )

    def _reserve_volume(self, storage: StationStorage) -> None:
        """One pod per data claim and one claim per PersistentVolume, app-wide."""
        reserve(
            self._scope(),
            self._guard,
            topic="data-claim",
            key=(self.namespace, self.pvc_name),
            field="storage.claim_name",
            value=self.pvc_name,
            problem=f"the claim '{self.pvc_name}' in namespace '{self.namespace}' already holds "
            "the database of '{previous}'; a second Station cannot mount a ReadWriteOnce "
            "claim while the first runs, or would open the same SQLite file twice",
            fix="give each Station its own claim: StationStorage(claim_name='"
            f"{self.name}-data') (the default is '<name>-data')",
        )
        if storage.volume_name is not None:
            reserve(
                self._scope(),
                self._guard,
                topic="persistent-volume",
                key=storage.volume_name,
                field="storage.volume_name",
                value=storage.volume_name,
                problem="the PersistentVolume is already bound by the claim of '{previous}'; "
                "a PersistentVolume binds exactly one claim, so this one would stay Pending",
                fix="bind each Station to its own PersistentVolume, or leave volume_name out "
                "for dynamic provisioning",
            )
