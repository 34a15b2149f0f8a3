"""Flatten manifests into (path, value) leaves, to compare two manifests setting by setting."""

from __future__ import annotations

import re
from typing import Any

_QUANTITY = re.compile(r"^([0-9.]+)(m|Ki|Mi|Gi|Ti)?$")
_FACTORS = {None: 1.0, "m": 0.001, "Ki": 1024.0, "Mi": 1024.0**2, "Gi": 1024.0**3, "Ti": 1024.0**4}


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Leaves of ``value`` keyed by a readable path; lists of named items are keyed by name."""
    leaves: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            leaves.update(flatten(item, f"{path}.{key}" if path else str(key)))
    elif (
        isinstance(value, list)
        and value
        and all(isinstance(i, dict) and "name" in i for i in value)
    ):
        seen: dict[str, int] = {}
        for item in value:
            # Names repeat in a few lists (two mounts of one volume): later ones get #n.
            seen[item["name"]] = seen.get(item["name"], 0) + 1
            count = seen[item["name"]]
            key = item["name"] if count == 1 else f"{item['name']}#{count}"
            leaves.update(flatten(item, f"{path}[name={key}]"))
    else:
        leaves[path] = value
    return leaves


def same_setting(expected: Any, actual: Any) -> bool:
    """Equal, or the same Kubernetes quantity written differently (``2Gi`` == ``2048Mi``)."""
    if expected == actual:
        return True
    if isinstance(expected, str) and isinstance(actual, str):
        a, b = _QUANTITY.match(expected), _QUANTITY.match(actual)
        if a and b:
            return (
                float(a.group(1)) * _FACTORS[a.group(2)] == float(b.group(1)) * _FACTORS[b.group(2)]
            )
    return False
