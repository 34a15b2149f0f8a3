"""Emit objects whose body is completed at synthesis, in Python, at no cost per addition.

Two kinds, both plain ``cdk8s.ApiObject``s whose ``to_json`` runs in Python when cdk8s
synthesizes (everything else is the ApiObject's own: the chart's namespace and labels,
``metadata.add_label`` / ``add_annotation``, ``node.add_dependency``, app validation):

* :class:`DeferredObject`, the Station's Deployment: its pod gets containers from constructs
  created after the Station (Litestream, the config-directory backup), so the body is
  rendered from the pod assembly at synthesis, then ``ApiObject.of(obj)`` JSON patches apply.
* :class:`DeferredApiObject`, the Station's NetworkPolicy: a rendered body that gains a rule
  each time an attached construct admits a namespace; the additions and users' JSON patches
  apply in the order they were made (what :func:`~.objects.emit_object` and the same patches
  would render).

Both run the App's own resolvers over what they render (``emit/resolve.py``), as cdk8s runs
them over an object's props.

Round trips to jsii's Node process: one to create the object, two at synthesis (cdk8s
calling ``to_json``, which asks cdk8s for the object's metadata) and one per run of
consecutive user patches, however many additions are made. The final verification
(``verify/app.py``) reads every object just before cdk8s writes it: what it rendered
(``emit/synthesis.py``) is handed to that one write instead of being rendered again, so the
verification costs one further call from cdk8s per object, not a second rendering.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from typing import Any

from .._k8s import ApiObject, ApiObjectMetadata, Construct, JsonPatch, app_state, remember_app
from .._render import pod as station_pod
from .._render.pod import StationPod
from . import synthesis
from .objects import object_metadata
from .resolve import resolve

__all__ = [
    "DeferredApiObject",
    "DeferredObject",
    "RenderedOnce",
    "emit_deferred",
    "emit_deployment",
]

Render = Callable[[dict[str, Any]], dict[str, Any]]
Finish = Callable[[dict[str, Any]], None]
_FIRST_KEYS = ("apiVersion", "kind", "metadata")


class RenderedOnce:
    """Hands what the final verification read to cdk8s's write in the same synthesis.

    Held by each deferred object (not a base class): :meth:`get` renders, or returns what
    was rendered for the verification when nothing changed since (``state``).
    """

    __slots__ = ("_kept",)

    def __init__(self) -> None:
        self._kept: tuple[int, int, Any] | None = None

    def get(self, owner: ApiObject, state: int, render: Callable[[], Any]) -> Any:
        """``render()``, or what was kept for ``owner`` at ``state`` in this synthesis."""
        key = app_state(owner)
        generation = synthesis.keep(key)
        if generation is not None:
            data = render()
            self._kept = (generation, state, data)
            return synthesis.stand_in(data)
        kept, self._kept = self._kept, None
        if kept is not None and kept[1] == state and synthesis.kept(key, kept[0]):
            return kept[2]
        return render()


class DeferredObject(ApiObject):
    """An ``ApiObject`` rendered by ``render(metadata)`` at every synthesis."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        api_version: str,
        kind: str,
        metadata: ApiObjectMetadata,
        render: Render,
        finish: Finish | None = None,
    ) -> None:
        self._rendered = RenderedOnce()
        super().__init__(scope, id, api_version=api_version, kind=kind, metadata=metadata)
        remember_app(self, scope)
        self._render = render
        self._finish = finish
        self._patches: list[JsonPatch] = []

    def add_json_patch(self, *ops: JsonPatch) -> None:
        """Patch the rendered object (applied at synthesis, after the library's changes)."""
        self._patches.extend(ops)

    def to_json(self) -> Any:
        """``render(metadata)``, the App's resolvers, the JSON patches, then ``finish``.

        ``finish`` is for what must see every container, those the patches add included
        (EKS's skip list of the backup role's credentials).
        """
        return self._rendered.get(self, len(self._patches), self._to_json)

    def _to_json(self) -> Any:
        # The ApiObject's own JSON: apiVersion, kind and the metadata as cdk8s completes it.
        data = self._render(dict(super().to_json()["metadata"]))
        for key in data:
            if key not in _FIRST_KEYS:
                data[key] = resolve(self, [key], data[key])
        if self._patches:
            data = JsonPatch.apply(data, *self._patches)
        if self._finish is not None:
            self._finish(data)
        return data


class DeferredApiObject(ApiObject):
    """A plain ``ApiObject`` whose body and additions are applied at synthesis."""

    def __init__(self, scope: Construct, id: str, manifest: Mapping[str, Any]) -> None:
        # (path, value) for an addition, or the user's JSON patches, in the order made.
        self._ops: list[tuple[str, Any] | list[JsonPatch]] = []
        self._rendered = RenderedOnce()
        super().__init__(
            scope,
            id,
            api_version=manifest["apiVersion"],
            kind=manifest["kind"],
            metadata=object_metadata(manifest["metadata"]),
        )
        remember_app(self, scope)
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
        return self._rendered.get(self, len(self._ops), self._to_json)

    def _to_json(self) -> Any:
        data = super().to_json()
        pending: list[JsonPatch] = []
        for op in self._ops:
            if isinstance(op, list):
                pending.extend(op)
                continue
            if pending:
                data = JsonPatch.apply(data, *pending)
                pending = []
            _add(data, op[0], copy.deepcopy(op[1]), lambda key, v: resolve(self, key, v))
        if pending:
            data = JsonPatch.apply(data, *pending)
        ordered = [*_FIRST_KEYS, *data]
        return {key: data[key] for key in ordered if key in data}


def _add(
    document: dict[str, Any],
    path: str,
    value: Any,
    resolved: Callable[[list[str], Any], Any],
) -> None:
    """JSON patch ``add`` (RFC 6902) of ``resolved(key, value)`` at ``path`` in ``document``."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]]
    parent: Any = document
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    last = tokens[-1]
    if isinstance(parent, list):
        index = len(parent) if last == "-" else int(last)
        parent.insert(index, resolved([*tokens[:-1], str(index)], value))
    else:
        parent[last] = resolved(tokens, value)


def emit_deferred(scope: Construct, id: str, manifest: Mapping[str, Any]) -> DeferredApiObject:
    """Create ``manifest`` as ``scope/id``; its body is added at synthesis."""
    return DeferredApiObject(scope, id, manifest)


def emit_deployment(scope: Construct, id: str, pod: StationPod) -> DeferredObject:
    """The Station's Deployment, rendered from ``pod`` at every synthesis."""
    name, namespace, labels = station_pod.metadata_of(pod)
    return DeferredObject(
        scope,
        id,
        api_version="apps/v1",
        kind="Deployment",
        metadata=ApiObjectMetadata(name=name, namespace=namespace, labels=labels),
        render=lambda metadata: station_pod.render(pod, metadata),
        finish=lambda data: station_pod.finish(pod, data),
    )
