"""cdk8s-plus-27's typed ``k8s`` structs as Kubernetes JSON, read in Python.

Settings step (see ``docs/architecture.md``); no cdk8s. A ``k8s`` struct (``k8s.Container``,
``k8s.Toleration``...) is a Python value whose fields carry their jsii names (camelCase); the
Kubernetes name is the same but for acronyms (``downwardApi`` is ``downwardAPI``, ``hostIp``
``hostIP``), taken from the pod schema (``_verify/pod_schema.json``), whose property names no
two differ only in case. The JSON is what cdk8s would write for the struct: fields that are
``None`` left out, the keys of every object sorted, a ``k8s.Quantity`` or
``k8s.IntOrString`` as its value (one round trip to jsii each, the only ones).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from .._verify.schema import schema_definitions

__all__ = ["k8s_json"]


def k8s_json(value: Any) -> Any:
    """``value`` (a ``k8s`` struct, a list or map of them, or a plain value) as JSON."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [k8s_json(item) for item in value]
    if isinstance(value, Mapping):
        return _sorted((key, k8s_json(item)) for key, item in value.items())
    names: Mapping[str, str] | None = getattr(type(value), "__jsii_name_mapping__", None)
    if names is None:
        # A jsii value object (k8s.Quantity, k8s.IntOrString): its value.
        return value.value
    kubernetes = _kubernetes_names()
    return _sorted(
        (kubernetes.get(jsii.lower(), jsii), k8s_json(getattr(value, python)))
        for python, jsii in names.items()
    )


def _sorted(items: Iterator[tuple[str, Any]]) -> dict[str, Any]:
    return dict(sorted((key, item) for key, item in items if item is not None))


@lru_cache(maxsize=1)
def _kubernetes_names() -> dict[str, str]:
    """Every property name of the pod schema, by its lower-case spelling."""
    found: dict[str, str] = {}
    for definition in schema_definitions().values():
        for name in definition.get("properties", {}):
            found[name.lower()] = name
    return found
