"""Secrets from an external store: :class:`ExternalSecretSource` (External Secrets Operator).

Public import path: ``station_constructs.secrets`` (or ``station_constructs``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from ._errors import _Guard
from ._k8s import ApiObjectMetadata, Construct
from ._secret_source import _RenderedSource
from ._validate import (
    dns_subdomain,
    duration_seconds,
    env_name,
    go_duration,
    mapping,
    one_of,
)

__all__ = ["ExternalSecretSource", "RemoteRef", "SecretStoreKind"]


class SecretStoreKind(enum.Enum):
    """The kind of External Secrets Operator store an :class:`ExternalSecretSource` reads."""

    SECRET_STORE = "SecretStore"
    """A namespaced ``SecretStore`` in the Station's namespace."""
    CLUSTER_SECRET_STORE = "ClusterSecretStore"
    """A cluster-wide ``ClusterSecretStore``."""


@dataclass(frozen=True)
class RemoteRef:
    """Where one value lives in the external secret manager (ESO's ``remoteRef``).

    Args:
        key: The secret's key/name in the provider, e.g. ``station/prod`` (AWS Secrets
            Manager), ``secret/data/station`` (Vault), ``station-openai`` (GCP).
        property: For a JSON/map secret, the property holding the value, e.g.
            ``openai_api_key``. Default: the whole value.
        version: A provider version (``AWSCURRENT``, ``"3"``). Default: the latest.

    """

    key: str
    property: str | None = None
    version: str | None = None


class ExternalSecretSource(_RenderedSource):
    """The Secret is created by the External Secrets Operator from an external store.

    Renders one ``external-secrets.io/v1`` ExternalSecret (the version ESO serves since
    v0.16; the deployment guide's ``v1beta1`` is no longer served) named like the Secret,
    with ``target.name`` = the Secret the pod reads and ``creationPolicy: Owner`` (the
    Secret is deleted with the ExternalSecret). Nothing else is rendered; no value ever
    appears in the manifests. The operator and the ``SecretStore``/``ClusterSecretStore``
    (with its provider credentials) are installed separately.

    A value changed in the store reaches the Secret after ``refresh_interval``, and Station
    at its next restart (environment variables are read when the container starts).

    Example::

        ExternalSecretSource(
            "aws-secrets-manager",
            store_kind=SecretStoreKind.CLUSTER_SECRET_STORE,
            remote_refs={
                "STATION_ENCRYPTION_KEY": RemoteRef("station/prod", property="encryption_key"),
                "OPENAI_API_KEY": RemoteRef("station/prod", property="openai_api_key"),
            },
        )

    Args:
        store: Name of the SecretStore or ClusterSecretStore.
        remote_refs: For each environment variable the pod reads, where its value lives: a
            :class:`RemoteRef`, or a string as shorthand for ``RemoteRef(key)``. Exactly
            these variables are provided; a StationDeployment whose providers need another
            key is refused at construct time.
        store_kind: Default ``SecretStoreKind.SECRET_STORE``.
        refresh_interval: How often ESO re-reads the store, a Go duration. Default ``1h``
            (ESO's default). ``0s`` (fetch once, never refresh) is refused: a rotated key
            would never reach the Secret.
        name: The Secret's (and the ExternalSecret's) name. Default: chosen by the construct
            that uses the source (``<station>-secrets`` for StationDeployment).
        key_names: Store a variable under another key of the Secret; rarely useful here.

    """

    def __init__(
        self,
        store: str,
        *,
        remote_refs: Mapping[str, RemoteRef | str],
        store_kind: SecretStoreKind = SecretStoreKind.SECRET_STORE,
        refresh_interval: str | int = "1h",
        name: str | None = None,
        key_names: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(name, key_names)
        self.store = store
        """Name of the SecretStore or ClusterSecretStore."""
        self.store_kind = store_kind
        """Kind of the store."""
        self.remote_refs: dict[str, RemoteRef] = {
            variable: RemoteRef(ref) if isinstance(ref, str) else ref
            for variable, ref in (remote_refs.items() if isinstance(remote_refs, Mapping) else ())
        }
        """Where each variable's value lives (string shorthands expanded)."""
        self.refresh_interval = refresh_interval
        """The refresh interval as given."""
        self._raw_refs = remote_refs

    def provided_variables(self) -> frozenset[str] | None:
        """The variables of ``remote_refs``."""
        return frozenset(self.remote_refs)

    def _check_shape(self, guard: _Guard, field: str) -> None:
        mapping(
            guard,
            f"{field}.remote_refs",
            self._raw_refs,
            example="{'OPENAI_API_KEY': RemoteRef('station/prod', property='openai_api_key')}",
        )

    def add_hint(self, variables: list[str]) -> str:
        """Name the missing variables' place in ``remote_refs``."""
        entries = ", ".join(f"{v!r}: RemoteRef('...')" for v in variables)
        return f"add them to remote_refs, e.g. remote_refs={{..., {entries}}}"

    def _check(self, guard: _Guard, field: str) -> None:
        super()._check(guard, field)
        dns_subdomain(guard, f"{field}.store", self.store)
        one_of(guard, f"{field}.store_kind", self.store_kind, SecretStoreKind)
        self._check_shape(guard, field)
        if not self.remote_refs:
            raise guard.fail(
                f"{field}.remote_refs",
                self._raw_refs,
                "must map at least one environment variable to its place in the store",
                "pass e.g. remote_refs={'OPENAI_API_KEY': RemoteRef('station/prod', "
                "property='openai_api_key')}",
            )
        for variable, ref in self.remote_refs.items():
            env_name(guard, f"{field}.remote_refs", variable)
            where = f"{field}.remote_refs[{variable!r}]"
            if not isinstance(ref, RemoteRef):
                raise guard.fail(
                    where,
                    type(ref).__name__,
                    "must be a RemoteRef or the remote key as a string",
                    "pass RemoteRef('station/prod', property='openai_api_key')",
                )
            for part, value in (("key", ref.key), ("property", ref.property)):
                if (part == "key" or value is not None) and (
                    not isinstance(value, str) or not value.strip() or value != value.strip()
                ):
                    raise guard.fail(
                        f"{where}.{part}",
                        value,
                        "must be a non-empty string without surrounding spaces",
                        "pass the name exactly as the secret manager shows it",
                    )
            if ref.version is not None and (not isinstance(ref.version, str) or not ref.version):
                raise guard.fail(
                    f"{where}.version",
                    ref.version,
                    "must be a non-empty string",
                    "pass e.g. 'AWSCURRENT', or leave it out for the latest version",
                )
        self._check_keys(guard, field, frozenset(self.remote_refs))
        duration_seconds(guard, f"{field}.refresh_interval", self.refresh_interval, minimum=1)

    def _render(
        self,
        scope: Construct,
        *,
        guard: _Guard,
        field: str,
        namespace: str,
        name: str,
        variables: list[str],
        labels: Mapping[str, str],
        annotations: Mapping[str, str] | None = None,
    ) -> None:
        self._check(guard, field)
        if not self._first_render(
            scope,
            guard=guard,
            field=field,
            namespace=namespace,
            name=name,
            variables=variables,
        ):
            return
        from ._imports.io import external_secrets as eso

        interval = go_duration(
            duration_seconds(guard, f"{field}.refresh_interval", self.refresh_interval, minimum=1)
        )
        kind = {
            SecretStoreKind.SECRET_STORE: eso.ExternalSecretSpecSecretStoreRefKind.SECRET_STORE,
            SecretStoreKind.CLUSTER_SECRET_STORE: (
                eso.ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE
            ),
        }[self.store_kind]
        eso.ExternalSecret(
            scope,
            f"external-secret-{name}",
            metadata=ApiObjectMetadata(
                name=name,
                namespace=namespace,
                labels=dict(labels),
                annotations=dict(annotations) if annotations else None,
            ),
            spec=eso.ExternalSecretSpec(
                secret_store_ref=eso.ExternalSecretSpecSecretStoreRef(name=self.store, kind=kind),
                refresh_interval=interval,
                target=eso.ExternalSecretSpecTarget(
                    name=name,
                    creation_policy=eso.ExternalSecretSpecTargetCreationPolicy.OWNER,
                ),
                data=[
                    eso.ExternalSecretSpecData(
                        secret_key=self.key_for(variable),
                        remote_ref=eso.ExternalSecretSpecDataRemoteRef(
                            key=ref.key, property=ref.property, version=ref.version
                        ),
                    )
                    for variable, ref in sorted(self.remote_refs.items())
                ],
            ),
        )
