"""Secrets sealed for Git: :class:`SealedSecretSource` (Bitnami sealed-secrets).

Public import path: ``station_constructs.secrets`` (or ``station_constructs``).
"""

from __future__ import annotations

import base64
import binascii
import enum
from collections.abc import Mapping

from ._app_registry import app_key
from ._errors import _Guard
from ._k8s import ApiObjectMetadata, Construct
from ._secret_source import _RenderedSource
from ._validate import (
    _a,
    dns_label,
    dns_subdomain,
    env_name,
    one_of,
)

__all__ = ["SealedSecretSource", "SealingScope", "kubeseal_command"]


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
        f'printf %s "${{{variable}:?set {variable} in your shell first}}" | kubeseal --raw '
        f"--namespace {namespace} --name {name}"
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
        annotations: Mapping[str, str] | None = None,
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
        scope_annotations = {annotation: "true"} if annotation else None
        bitnami.SealedSecret(
            scope,
            f"sealed-secret-{name}",
            metadata=ApiObjectMetadata(
                name=name,
                namespace=namespace,
                labels=dict(labels),
                annotations={**(scope_annotations or {}), **(annotations or {})} or None,
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
                        annotations=scope_annotations,
                    ),
                    type="Opaque",
                ),
            ),
        )
