"""Where Station's (and Litestream's) secret values come from.

The library never generates, stores or renders secret values. A :class:`SecretSource`
names the Kubernetes Secret the pod reads and, for operator-backed sources, renders the
object that makes the operator create that Secret.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import enum
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

from ._app_registry import app_key, check_secret_unread, note_secret_reader
from ._errors import _Guard
from ._k8s import ApiObjectMetadata, Construct, claim_object
from ._validate import (
    _a,
    dns_label,
    dns_subdomain,
    duration_seconds,
    env_name,
    go_duration,
    mapping,
    one_of,
    secret_key,
)

__all__ = [
    "SecretSource",
    "ExistingSecret",
    "ExternalSecretSource",
    "RemoteRef",
    "SealedSecretSource",
    "SealingScope",
    "SecretStoreKind",
    "kubeseal_command",
]


class SecretSource(ABC):
    """Base of every secret source. Subclasses decide whether anything is rendered.

    Each environment variable the pod needs (``OPENAI_API_KEY``...) is read from a key of the
    Secret; by default the key has the variable's name, and ``key_names`` renames it.
    """

    def __init__(self, name: str | None, key_names: Mapping[str, str] | None) -> None:
        self._name = name
        # Checked (with the construct's path in the message) when a construct uses the source.
        self._raw_key_names = key_names
        self._key_names: dict[str, str] = dict(key_names) if isinstance(key_names, Mapping) else {}

    @property
    def name(self) -> str | None:
        """The Secret's name, or ``None`` to let the construct choose ``<station>-secrets``."""
        return self._name

    def key_for(self, variable: str) -> str:
        """The key inside the Secret that holds ``variable``."""
        return self._key_names.get(variable, variable)

    def provided_variables(self) -> frozenset[str] | None:
        """The variables this source is known to provide, or ``None`` if it cannot know."""
        return None

    def _check_shape(self, guard: _Guard, field: str) -> None:
        """Refuse a wrongly typed argument before anyone asks what the source provides."""
        return None

    def add_hint(self, variables: list[str]) -> str:
        """How to make this source provide ``variables`` (for error messages)."""
        return f"add {', '.join(variables)} to the Secret '{self._name or '<name>-secrets'}'"

    def setup_command(self, *, namespace: str, name: str, variables: list[str]) -> str | None:
        """A shell command that creates the Secret, or ``None`` when an operator does."""
        return None

    def _check(self, guard: _Guard, field: str) -> None:
        if self._name is not None:
            dns_subdomain(guard, f"{field}.name", self._name)
        mapping(
            guard,
            f"{field}.key_names",
            self._raw_key_names,
            example="{'OPENAI_API_KEY': 'openai'}",
            allow_none=True,
        )
        for variable, key in self._key_names.items():
            env_name(guard, f"{field}.key_names", variable)
            secret_key(guard, f"{field}.key_names[{variable!r}]", key)

    @abstractmethod
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
    ) -> None:
        """Render whatever makes Secret ``namespace/name`` exist with ``variables``' keys."""


class ExistingSecret(SecretSource):
    """A Secret you create yourself (``kubectl create secret generic ...``, Vault, CI).

    Nothing is rendered; the pod references the Secret by name.

    Args:
        name: The Secret's name. Default: ``<station name>-secrets`` (``station-secrets``).
        key_names: Maps an environment variable to the key that holds it when the key is not
            named like the variable, e.g. ``{"OPENAI_API_KEY": "openai"}``.

    """

    def __init__(
        self, name: str | None = None, *, key_names: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(name, key_names)
        self._read_variables: set[str] = set()

    def setup_command(self, *, namespace: str, name: str, variables: list[str]) -> str | None:
        """The ``kubectl create secret`` command for this Secret (values read from your shell).

        The encryption key is taken from ``$STATION_ENCRYPTION_KEY`` in your shell when set
        (a restore must reuse the key the data was written with), else generated on your
        machine with ``openssl``; never by the library.
        """
        lines = [f"kubectl -n {namespace} create secret generic {name} \\"]
        for variable in variables:
            key = self.key_for(variable)
            if variable == "STATION_ENCRYPTION_KEY":
                value = '"${STATION_ENCRYPTION_KEY:-$(openssl rand -base64 32)}"'
            else:
                value = f'"${variable}"'
            lines.append(f"  --from-literal={key}={value} \\")
        lines[-1] = lines[-1].removesuffix(" \\")
        return "\n".join(lines)

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
    ) -> None:
        self._check(guard, field)
        self._read_variables.update(variables)
        _check_renamed_variables(guard, field, self._key_names, self._read_variables)
        note_secret_reader(scope, guard, namespace=namespace, name=name, field=field)


# Litestream's credentials: a Station's own source may be passed to LitestreamBackup later,
# so a rename of these is not refused while only the Station has read the source.
_LATER_READERS = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"})


def _check_renamed_variables(
    guard: _Guard, field: str, key_names: Mapping[str, str], read: set[str]
) -> None:
    """Refuse ``key_names`` entries for variables the pod does not read (typos)."""
    for variable in key_names:
        if variable in read or variable in _LATER_READERS:
            continue
        close = difflib.get_close_matches(variable, sorted(read), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise guard.fail(
            f"{field}.key_names",
            variable,
            "names no variable the pod reads from this Secret (it reads "
            f"{', '.join(sorted(read))}), so the rename does nothing and the real variable is "
            "read from the key of its own name",
            f"{hint}key_names maps a variable the pod reads to the key holding it, e.g. "
            f"key_names={{{(close[0] if close else sorted(read)[0])!r}: 'openai'}}",
        )


class _RenderedSource(SecretSource):
    """A source that renders an object from which an operator creates the Secret.

    The same instance may serve several constructs (Station's keys and Litestream's
    credentials from one ExternalSecret): it renders its object once per App, namespace and
    name, and each further use only checks that the variables it needs are provided. A
    *different* source producing the same Secret is refused: both operators would write it.
    """

    def __init__(self, name: str | None, key_names: Mapping[str, str] | None) -> None:
        super().__init__(name, key_names)
        self._rendered: set[tuple[str, str, str]] = set()

    def _check_keys(self, guard: _Guard, field: str, variables: frozenset[str]) -> None:
        for variable in self._key_names:
            if variable not in variables:
                raise guard.fail(
                    f"{field}.key_names",
                    variable,
                    "renames a variable this source does not provide",
                    f"drop it from key_names, or {self.add_hint([variable])}",
                )
        keys: dict[str, str] = {}
        for variable in sorted(variables):
            key = self.key_for(variable)
            if key in keys:
                raise guard.fail(
                    f"{field}.key_names",
                    dict(self._key_names),
                    f"stores {keys[key]} and {variable} under the same key {key!r}",
                    "give every variable its own key",
                )
            keys[key] = variable

    def _first_render(
        self,
        scope: Construct,
        *,
        guard: _Guard,
        field: str,
        namespace: str,
        name: str,
        variables: list[str],
    ) -> bool:
        """Check ``variables`` are provided; return whether this call must render the object."""
        provided = self.provided_variables() or frozenset()
        missing = [v for v in variables if v not in provided]
        if missing:
            raise guard.fail(
                field,
                sorted(provided),
                f"does not provide {', '.join(missing)}, which the pod reads; it would fail "
                "with CreateContainerConfigError",
                self.add_hint(missing),
            )
        app = app_key(scope)
        if (app, namespace, name) in self._rendered:
            return False
        check_secret_unread(scope, guard, namespace=namespace, name=name, field=f"{field}.name")
        claim_object(
            scope,
            guard,
            kind="Secret",
            namespace=namespace,
            name=name,
            field=f"{field}.name",
            verb="produced or claimed",
            why="two objects writing one Secret would overwrite each other",
            fix="give this secret source its own name=, or pass the same source instance to "
            "every construct that shares the Secret",
        )
        self._rendered.add((app, namespace, name))
        return True


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
            metadata=ApiObjectMetadata(name=name, namespace=namespace, labels=dict(labels)),
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


class SealingScope(enum.Enum):
    """Where a sealed value may be unsealed (``kubeseal --scope``); must match the sealing."""

    STRICT = "strict"
    """Only into the Secret of exactly this name and namespace (kubeseal's default)."""
    NAMESPACE_WIDE = "namespace-wide"
    """Into any Secret name in this namespace."""
    CLUSTER_WIDE = "cluster-wide"
    """Into any Secret in any namespace."""


_SCOPE_ANNOTATIONS = {
    SealingScope.NAMESPACE_WIDE: "sealedsecrets.bitnami.com/namespace-wide",
    SealingScope.CLUSTER_WIDE: "sealedsecrets.bitnami.com/cluster-wide",
}
# A sealed value is base64 (standard alphabet) of: a 2-byte big-endian length, the RSA-OAEP
# encrypted session key (as long as the controller's RSA modulus: 512 bytes for its default
# 4096-bit key, 256 for 2048), then the AES-GCM ciphertext with its 16-byte tag.
_MIN_RSA_BYTES = 256
_GCM_TAG_BYTES = 16


def _looks_sealed(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(raw) < 2:
        return False
    rsa_bytes = int.from_bytes(raw[:2], "big")
    return rsa_bytes >= _MIN_RSA_BYTES and len(raw) >= 2 + rsa_bytes + _GCM_TAG_BYTES


def kubeseal_command(
    variable: str, *, namespace: str, name: str, scope: SealingScope = SealingScope.STRICT
) -> str:
    """The command that seals one value (read from ``$variable``) for :class:`SealedSecretSource`.

    It prints the encrypted value to paste into ``encrypted_data``. ``kubeseal`` fetches the
    controller's certificate from the cluster; add ``--cert sealed-secrets.pem`` to seal
    offline with a certificate saved by ``kubeseal --fetch-cert``.
    """
    guard = _Guard("kubeseal_command")
    env_name(guard, "variable", variable)
    dns_label(guard, "namespace", namespace)
    dns_subdomain(guard, "name", name)
    one_of(guard, "scope", scope, SealingScope)
    scope_flag = "" if scope is SealingScope.STRICT else f" --scope {scope.value}"
    return (
        f'printf %s "${variable}" | kubeseal --raw --namespace {namespace} --name {name}'
        f"{scope_flag} --from-file=/dev/stdin"
    )


class SealedSecretSource(_RenderedSource):
    r"""The Secret is unsealed by the Sealed Secrets controller from values encrypted for it.

    Renders one ``bitnami.com/v1alpha1`` SealedSecret named like the Secret, with the
    encrypted values passed through exactly as given (they are safe to commit: only the
    controller's private key decrypts them) and ``spec.template`` naming and labelling the
    Secret. Values that are not sealed-secrets ciphertext are refused, so a plaintext key
    pasted by mistake never reaches Git; the error message never repeats the value.

    Seal each value with (see :func:`kubeseal_command`)::

        printf %s "$OPENAI_API_KEY" | kubeseal --raw --namespace station \
            --name station-secrets --from-file=/dev/stdin

    With the default ``STRICT`` scope a value unseals only into the Secret of the name and
    namespace it was sealed for: seal for the Secret name the pod reads (``<station>-secrets``
    unless ``name`` is given) and the Station's namespace.

    Args:
        encrypted_data: For each environment variable the pod reads, its sealed value.
            Exactly these variables are provided.
        name: The Secret's (and the SealedSecret's) name. Default: chosen by the construct
            that uses the source (``<station>-secrets`` for StationDeployment).
        scope: The ``kubeseal --scope`` the values were sealed with. Default ``STRICT``.
        key_names: Store a variable under another key of the Secret (the key is not part
            of the sealing, so any key works).

    """

    def __init__(
        self,
        encrypted_data: Mapping[str, str],
        *,
        name: str | None = None,
        scope: SealingScope = SealingScope.STRICT,
        key_names: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(name, key_names)
        self.encrypted_data: dict[str, str] = (
            dict(encrypted_data) if isinstance(encrypted_data, Mapping) else {}
        )
        """The sealed value of each variable, as given."""
        self.scope = scope
        """The sealing scope."""
        self._raw_data = encrypted_data

    def provided_variables(self) -> frozenset[str] | None:
        """The variables of ``encrypted_data``."""
        return frozenset(self.encrypted_data)

    def _check_shape(self, guard: _Guard, field: str) -> None:
        if not isinstance(self._raw_data, Mapping):
            raise guard.fail(
                f"{field}.encrypted_data",
                type(self._raw_data).__name__,
                f"must be a mapping (dict) of variable to sealed value, not {_a(self._raw_data)}",
                "pass e.g. encrypted_data={'OPENAI_API_KEY': 'AgB...'} with values from "
                "kubeseal --raw",
            )

    def add_hint(self, variables: list[str]) -> str:
        """Name the missing variables' place in ``encrypted_data`` and how to seal them."""
        entries = ", ".join(f"{v!r}: '<kubeseal --raw output>'" for v in variables)
        return f"seal them and add them to encrypted_data, e.g. encrypted_data={{..., {entries}}}"

    def _check_one_target(
        self, scope: Construct, guard: _Guard, field: str, namespace: str, name: str
    ) -> None:
        """Refuse rendering values sealed for one Secret (or namespace) into another."""
        if self.scope is SealingScope.CLUSTER_WIDE:
            return
        app = app_key(scope)
        for other_app, other_ns, other_name in sorted(self._rendered):
            if other_app != app:
                continue
            strict = self.scope is SealingScope.STRICT
            if other_ns != namespace or (strict and other_name != name):
                target = f"{other_ns}/{other_name}" if strict else f"namespace '{other_ns}'"
                raise guard.fail(
                    f"{field}.scope",
                    self.scope,
                    f"values sealed with scope {self.scope.value} unseal only into {target}, "
                    f"where this source is already rendered; the controller cannot unseal them "
                    f"into {namespace}/{name}",
                    f"seal the values again for {namespace}/{name} ("
                    + kubeseal_command(
                        sorted(self.encrypted_data)[0],
                        namespace=namespace,
                        name=name,
                        scope=self.scope,
                    )
                    + ") and pass a SealedSecretSource of its own, or seal once with "
                    "scope=SealingScope.CLUSTER_WIDE",
                )

    def _check_sealed(self, guard: _Guard, field: str, namespace: str, name: str) -> None:
        super()._check(guard, field)
        one_of(guard, f"{field}.scope", self.scope, SealingScope)
        self._check_shape(guard, field)
        if not self.encrypted_data:
            raise guard.fail(
                f"{field}.encrypted_data",
                "<empty>" if isinstance(self._raw_data, Mapping) else type(self._raw_data).__name__,
                "must map at least one environment variable to its sealed value",
                "pass e.g. encrypted_data={'OPENAI_API_KEY': 'AgB...'} with values from "
                "kubeseal --raw",
            )
        for variable, value in self.encrypted_data.items():
            env_name(guard, f"{field}.encrypted_data", variable)
            if not _looks_sealed(value):
                raise guard.fail(
                    f"{field}.encrypted_data[{variable!r}]",
                    "<redacted>",
                    "is not a sealed-secrets ciphertext (base64 of the controller's RSA-"
                    "encrypted session key and the AES-GCM encrypted value); a plaintext "
                    "value here would be committed to Git",
                    "seal it: "
                    + kubeseal_command(variable, namespace=namespace, name=name, scope=self.scope),
                )
        self._check_keys(guard, field, frozenset(self.encrypted_data))

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
    ) -> None:
        self._check_sealed(guard, field, namespace, name)
        self._check_one_target(scope, guard, field, namespace, name)
        if not self._first_render(
            scope,
            guard=guard,
            field=field,
            namespace=namespace,
            name=name,
            variables=variables,
        ):
            return
        from ._imports.com import bitnami

        annotation = _SCOPE_ANNOTATIONS.get(self.scope)
        annotations = {annotation: "true"} if annotation else None
        bitnami.SealedSecret(
            scope,
            f"sealed-secret-{name}",
            metadata=ApiObjectMetadata(
                name=name, namespace=namespace, labels=dict(labels), annotations=annotations
            ),
            spec=bitnami.SealedSecretSpec(
                encrypted_data={
                    self.key_for(variable): value
                    for variable, value in sorted(self.encrypted_data.items())
                },
                template=bitnami.SealedSecretSpecTemplate(
                    metadata=bitnami.SealedSecretSpecTemplateMetadata(
                        name=name,
                        namespace=namespace,
                        labels=dict(labels),
                        annotations=annotations,
                    ),
                    type="Opaque",
                ),
            ),
        )
