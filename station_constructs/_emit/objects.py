"""Emit a rendered object: one ``cdk8s.ApiObject`` in the construct tree, its body as data.

The object is a plain ``ApiObject`` (not a typed ``k8s.Kube*`` class): the typed classes
re-read their JSON through the Kubernetes 1.27 bindings after patches are applied, dropping
what those bindings do not model (plain port numbers where they expect ``IntOrString``, a
string ``emptyDir.sizeLimit``). Chart namespaces and labels, ``ApiObject.of(...)`` JSON
patches, ``node.add_dependency`` and app validation work on it as on any cdk8s object.

Round trips to jsii's Node process: one to create the object, and for a body (``spec``,
``data``...) one per field plus one to attach them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._k8s import (
    ApiObject,
    ApiObjectMetadata,
    Construct,
    JsonPatch,
    remember_app,
)
from .resolve import resolve

__all__ = ["emit_object", "object_metadata"]


def object_metadata(meta: Mapping[str, Any]) -> ApiObjectMetadata:
    """A rendered object's ``metadata`` (name, namespace, labels, annotations) for cdk8s."""
    return ApiObjectMetadata(
        name=meta.get("name"),
        namespace=meta.get("namespace"),
        labels=meta.get("labels"),
        annotations=meta.get("annotations"),
    )


def emit_object(scope: Construct, id: str, manifest: Mapping[str, Any]) -> ApiObject:
    """Create ``manifest`` (``apiVersion``, ``kind``, ``metadata``, body) as ``scope/id``.

    ``metadata`` takes ``name``, ``namespace``, ``labels`` and ``annotations``; every other
    top-level field is the body, added in the order given.
    """
    obj = ApiObject(
        scope,
        id,
        api_version=manifest["apiVersion"],
        kind=manifest["kind"],
        metadata=object_metadata(manifest["metadata"]),
    )
    remember_app(obj, scope)
    body = [k for k in manifest if k not in ("apiVersion", "kind", "metadata")]
    if body:
        # cdk8s resolves an object's props, never its patches: the App's resolvers run here.
        obj.add_json_patch(*(JsonPatch.add(f"/{k}", resolve(obj, [k], manifest[k])) for k in body))
    return obj
