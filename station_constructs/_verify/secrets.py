"""Secret material in plain text anywhere in the rendered app.

Plain Python over Kubernetes JSON. Every string the app renders (labels, annotations, env
values and args of every container, ConfigMap data, ServiceAccount annotations, CloudShip's
client id, alert labels...) goes through the detector ``StationDeployment(env=...)`` uses
(``_secret_material.secret_value_kind``); the values of Secrets and the ciphertext of
SealedSecrets are skipped (they are meant to hold it). Messages never repeat the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from .._secret_material import secret_name_word, secret_value_kind
from .model import DOCS, Finding, Rendered, containers_of, pod_prefix, pod_spec_of

__all__ = ["check_env_names", "check_secret_material"]

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


# The containers the library renders itself.
_LIBRARY_CONTAINERS = frozenset(
    {
        "station",
        "seed-home",
        "litestream",
        "litestream-restore",
        "config-restore",
        "config-backup",
        "drill-config",
        "drill-database",
        "drill-record",
    }
)
_PLAIN = re.compile(r"^(/.*|true|false|[0-9.]+|\$\(.*\))?$")


def check_env_names(obj: Rendered) -> Iterator[Finding]:
    """A literal env value under a secret-looking name in a container users add.

    ``StationDeployment(env=...)`` refuses such names (``API_KEY``, ``GITHUB_PAT``,
    ``SLACK_WEBHOOK_URL``); a sidecar's or init container's env is as plain in ``dist/``.
    File paths, booleans, numbers and ``$(VAR)`` references are not secrets.
    """
    spec = pod_spec_of(obj.body)
    if spec is None:
        return
    for key, i, container in containers_of(spec):
        if container.get("name") in _LIBRARY_CONTAINERS:
            continue  # their variables are the library's (token files, agent URLs, flags)
        for j, env in enumerate(container.get("env") or []):
            value, name = env.get("value"), str(env.get("name", ""))
            if not isinstance(value, str) or _PLAIN.fullmatch(value):
                continue
            word = secret_name_word(name)
            if word is not None:
                yield Finding(
                    obj,
                    f"{pod_prefix(obj.kind)}.{key}[{i}].env[{j}].value",
                    "<redacted>",
                    f"is a literal value of {name}, whose name says it is secret ({word}): it "
                    "would be written in plain text to dist/, to Git and to the cluster",
                    f"read it from a Secret: value_from=k8s.EnvVarSource(secret_key_ref=...) "
                    f"(see {DOCS})",
                    _CHECK,
                )
                return
