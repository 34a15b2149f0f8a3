"""Where Station's (and Litestream's) secret values come from.

The library never generates, stores or renders secret values. A :class:`SecretSource`
names the Kubernetes Secret the pod reads and, for operator-backed sources, renders the
object that makes the operator create that Secret.
"""

from __future__ import annotations

from ._external_secret import ExternalSecretSource, RemoteRef, SecretStoreKind
from ._sealed_secret import SealedSecretSource, SealingScope, kubeseal_command
from ._secret_source import ExistingSecret, SecretSource

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
