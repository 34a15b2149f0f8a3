"""Emit an object whose body is rendered at synthesis: the Station's Deployment.

The Station's pod gets containers from constructs created after the Station (Litestream,
the config-directory backup), so its body cannot be final when the object enters the
construct tree. :class:`DeferredObject` is a plain ``cdk8s.ApiObject`` whose ``to_json``
asks a Python function for the body when cdk8s synthesizes; everything else is the
ApiObject's own: the chart's namespace and labels, ``metadata.add_label`` /
``add_annotation``, ``node.add_dependency``, app validation, and ``ApiObject.of(obj)``
JSON patches, applied to the rendered body after the library's own changes.

Round trips to jsii's Node process: one to create the object; at synthesis one for the
call into Python, two for the metadata and one more when patches were added.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._k8s import ApiObject, ApiObjectMetadata, Construct, JsonPatch
from ..render.pod import PodAssembly

__all__ = ["DeferredObject", "emit_deployment"]

Render = Callable[[dict[str, Any]], dict[str, Any]]


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
    ) -> None:
        super().__init__(scope, id, api_version=api_version, kind=kind, metadata=metadata)
        self._render = render
        self._patches: list[JsonPatch] = []

    def add_json_patch(self, *ops: JsonPatch) -> None:
        """Patch the rendered object (applied at synthesis, after the library's changes)."""
        self._patches.extend(ops)

    def to_json(self) -> Any:
        """The rendered object: ``render(metadata)``, then the JSON patches."""
        data = self._render(dict(self.metadata.to_json()))
        if self._patches:
            data = JsonPatch.apply(data, *self._patches)
        return data


def emit_deployment(scope: Construct, id: str, pod: PodAssembly) -> DeferredObject:
    """The Station's Deployment, rendered from ``pod`` at every synthesis."""
    return DeferredObject(
        scope,
        id,
        api_version="apps/v1",
        kind="Deployment",
        metadata=ApiObjectMetadata(name=pod.name, namespace=pod.namespace, labels=pod.labels),
        render=pod.manifest,
    )
