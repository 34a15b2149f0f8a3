"""The base of every secret source, and :class:`ExistingSecret` (a Secret made elsewhere).

Public import path: ``station_constructs.secrets`` (or ``station_constructs``).
"""

from __future__ import annotations

import difflib
from abc import ABC, abstractmethod
from collections.abc import Mapping

from ._app_registry import app_key, check_secret_unread, note_secret_reader
from ._errors import _Guard
from ._k8s import Construct, claim_object
from ._validate import (
    dns_subdomain,
    env_name,
    mapping,
    secret_key,
)

__all__ = ["ExistingSecret", "SecretSource"]


class SecretSource(ABC):
    """Base of every secret source. Subclasses decide whether anything is rendered.

    Subclassed inside the library only (:class:`ExistingSecret`, ``ExternalSecretSource``,
    ``SealedSecretSource``): what a source renders goes through package-internal methods.

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

    # _check_shape and _render are a protocol between the sources and the constructs that use
    # them (the Station, the backups), kept package-internal on purpose: both take the
    # library's private _Guard (errors naming the user's construct and argument), and _render
    # takes part in the App-wide claims (_first_render, claim_object). Publishing them would
    # make those internals the API of every user subclass; the three sources cover where a
    # Secret comes from, so SecretSource is subclassed inside the package only.
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
        annotations: Mapping[str, str] | None = None,
    ) -> None:
        """Render whatever makes Secret ``namespace/name`` exist with ``variables``' keys.

        ``annotations`` go on the rendered object (an ExternalSecret, a SealedSecret): Argo CD
        sync waves and prune protection. An existing Secret renders nothing.
        """


# Variables whose value the printed command generates on the user's machine when unset.
_GENERATED = {"STATION_ENCRYPTION_KEY": "-base64 32", "STN_WEBHOOK_API_KEY": "-hex 32"}


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
        machine with ``openssl``; so is ``STN_WEBHOOK_API_KEY`` (an empty one would leave the
        webhooks open); never by the library. Every other variable must be set and non-empty
        in your shell, or the shell stops the command (``${VAR:?...}``) instead of storing an
        empty key.
        """
        lines = [f"kubectl -n {namespace} create secret generic {name} \\"]
        for variable in variables:
            key = self.key_for(variable)
            if variable in _GENERATED:
                value = f'"${{{variable}:-$(openssl rand {_GENERATED[variable]})}}"'
            else:
                value = f'"${{{variable}:?set {variable} in your shell first}}"'
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
        annotations: Mapping[str, str] | None = None,
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
