"""Emit a rendered object whose body grows after construction, at no cost per addition.

:func:`emit_object` costs a round trip to jsii's Node process per JSON patch, and the
Station's NetworkPolicy gains a rule each time an attached construct admits a namespace.
:class:`DeferredApiObject` keeps its body and every later addition in Python and applies
them when cdk8s asks for its JSON: one round trip to create it, two at synthesis (cdk8s
calling its ``to_json``, which asks for the object's metadata), however many rules are
added. JSON patches (``ApiObject.of(obj).add_json_patch(...)``) still apply in the order
they and the additions were made; only consecutive user patches cost a round trip, at
synthesis. The result is what :func:`emit_object` and the same patches would render.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from .._k8s import ApiObject, ApiObjectMetadata, Construct, JsonPatch

__all__ = ["DeferredApiObject", "emit_deferred"]

_FIRST_KEYS = ("apiVersion", "kind", "metadata")


class DeferredApiObject(ApiObject):
    """A plain ``ApiObject`` whose body and additions are applied at synthesis."""

    def __init__(self, scope: Construct, id: str, manifest: Mapping[str, Any]) -> None:
        metadata = dict(manifest["metadata"])
        # (path, value) for an addition, or the user's JSON patches, in the order made.
        self._ops: list[tuple[str, Any] | list[JsonPatch]] = []
        super().__init__(
            scope,
            id,
            api_version=manifest["apiVersion"],
            kind=manifest["kind"],
            metadata=ApiObjectMetadata(
                name=metadata.get("name"),
                namespace=metadata.get("namespace"),
                labels=metadata.get("labels"),
                annotations=metadata.get("annotations"),
            ),
        )
        for key in manifest:
            if key not in _FIRST_KEYS:
                self.add_later(f"/{key}", manifest[key])

    def add_later(self, path: str, value: Any) -> None:
        """Add ``value`` at ``path`` (a JSON pointer; ``-`` appends to a list) at synthesis.

        The value is copied now, as a JSON patch would send it.
        """
        self._ops.append((path, json.loads(json.dumps(value))))

    def add_json_patch(self, *ops: JsonPatch) -> None:
        """Apply ``ops`` at synthesis, after every addition and patch made before."""
        self._ops.append(list(ops))

    def to_json(self) -> Any:
        """The object with its additions and patches applied, in order."""
        data = super().to_json()
        pending: list[JsonPatch] = []
        for op in self._ops:
            if isinstance(op, list):
                pending.extend(op)
                continue
            if pending:
                data = JsonPatch.apply(data, *pending)
                pending = []
            _add(data, op[0], copy.deepcopy(op[1]))
        if pending:
            data = JsonPatch.apply(data, *pending)
        ordered = [*_FIRST_KEYS, *data]
        return {key: data[key] for key in ordered if key in data}


def _add(document: dict[str, Any], path: str, value: Any) -> None:
    """JSON patch ``add`` (RFC 6902) of ``value`` at ``path`` in ``document``."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]]
    parent: Any = document
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    last = tokens[-1]
    if isinstance(parent, list):
        parent.insert(len(parent) if last == "-" else int(last), value)
    else:
        parent[last] = value


def emit_deferred(scope: Construct, id: str, manifest: Mapping[str, Any]) -> DeferredApiObject:
    """Create ``manifest`` as ``scope/id``; its body is added at synthesis."""
    return DeferredApiObject(scope, id, manifest)
