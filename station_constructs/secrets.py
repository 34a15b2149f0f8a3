"""Where Station's (and Litestream's) secret values come from.

The library never generates, stores or renders secret values. A :class:`SecretSource`
names the Kubernetes Secret the pod reads and, for operator-backed sources, renders the
object that makes the operator create that Secret.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping

from ._errors import _Guard
from ._k8s import Construct
from ._validate import dns_subdomain, secret_key

__all__ = ["SecretSource", "ExistingSecret"]


class SecretSource(ABC):
    """Base of every secret source. Subclasses decide whether anything is rendered.

    Each environment variable the pod needs (``OPENAI_API_KEY``...) is read from a key of the
    Secret; by default the key has the variable's name, and ``key_names`` renames it.
    """

    def __init__(self, name: str | None, key_names: Mapping[str, str] | None) -> None:
        self._name = name
        self._key_names = dict(key_names or {})

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

    def setup_command(self, *, namespace: str, name: str, variables: list[str]) -> str | None:
        """A shell command that creates the Secret, or ``None`` when an operator does."""
        return None

    def _check(self, guard: _Guard, field: str) -> None:
        if self._name is not None:
            dns_subdomain(guard, f"{field}.name", self._name)
        for variable, key in self._key_names.items():
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

    def setup_command(self, *, namespace: str, name: str, variables: list[str]) -> str | None:
        """The ``kubectl create secret`` command for this Secret (values read from your shell).

        The encryption key is generated on your machine with ``openssl``, never by the library.
        """
        lines = [f"kubectl -n {namespace} create secret generic {name} \\"]
        for variable in variables:
            key = self.key_for(variable)
            if variable == "STATION_ENCRYPTION_KEY":
                value = '"$(openssl rand -base64 32)"'
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
