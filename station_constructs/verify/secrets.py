"""Secret material in plain text anywhere in the rendered app.

Plain Python over Kubernetes JSON. Every string the app renders (labels, annotations, env
values and args of every container, ConfigMap data, ServiceAccount annotations, CloudShip's
client id, alert labels...) goes through the detector ``StationDeployment(env=...)`` uses
(``_secret_material.secret_value_kind``); the values of Secrets and the ciphertext of
SealedSecrets are skipped (they are meant to hold it). Messages never repeat the value.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from .._secret_material import secret_value_kind
from .model import DOCS, Finding, Rendered

__all__ = ["check_secret_material"]

_CHECK = "secret-material"
_SHORTEST = 8
# Object fields meant to hold secret material.
_SKIPPED = {("Secret", "data"), ("Secret", "stringData"), ("SealedSecret", "spec")}


def check_secret_material(obj: Rendered) -> Iterator[Finding]:
    """The first string of ``obj`` that looks like a credential (one finding per object)."""
    for key, value in obj.body.items():
        if (obj.kind, key) in _SKIPPED:
            continue
        found = _first(value, key)
        if found is not None:
            field, kind = found
            yield Finding(
                obj,
                field,
                "<redacted>",
                f"holds {kind}: it would be written in plain text to dist/, to Git and to the "
                "cluster",
                "move the value into a Secret (secret_variables=, an ExternalSecretSource or a "
                f"SealedSecretSource) and reference it (see {DOCS})",
                _CHECK,
            )
            return


@lru_cache(maxsize=65536)
def _kind(value: str) -> str | None:
    """``secret_value_kind``, once per distinct string (labels repeat across objects)."""
    return secret_value_kind(value)


def _first(value: Any, path: str) -> tuple[str, str] | None:
    found = _find(value)
    if found is None:
        return None
    parts, kind = found
    return path + "".join(
        f"[{p}]" if isinstance(p, int) else f".{p}" for p in reversed(parts)
    ), kind


def _find(value: Any) -> tuple[list[str | int], str] | None:
    """The path (innermost first) and kind of the first credential-shaped string."""
    if isinstance(value, str):
        # Every credential shape the detector knows is at least 8 characters long.
        kind = None if len(value) < _SHORTEST else _kind(value)
        return None if kind is None else ([], kind)
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (str, dict, list)):
                found = _find(item)
                if found is not None:
                    found[0].append(key)
                    return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _find(item)
            if found is not None:
                found[0].append(i)
                return found
    return None
