"""Native sidecars (``restartPolicy: Always`` on an init container) on a cdk8s-plus Deployment.

cdk8s-plus-27 renders a Deployment through its typed Kubernetes 1.27 bindings
(``KubeDeployment.toJson`` maps the patched JSON through ``toJson_Container`` & co.), which
keep only the fields Kubernetes 1.27 knows. ``restartPolicy`` on a container, the native
sidecar marker added in 1.28, is dropped even from a JSON patch. This module replaces the
Deployment's ``Resource`` child by a stand-in that renders the typed object exactly as
before (every patch and metadata change still goes to it) and then marks the chosen init
containers as native sidecars. ``ApiObject.of(deployment)`` keeps working as the escape
hatch: it returns the stand-in, which forwards ``add_json_patch`` and ``metadata``.

The same stand-in runs render hooks (:func:`add_render_hook`): the pod options of
``station_constructs.placement`` add their Kubernetes JSON there, after the typed render.
The stand-in also orders init containers: cdk8s-plus only appends, but the restores of the
database and the config directory must run before the Station's own ``seed-home``, which is
added when the Station is constructed (:func:`place_init_containers_first`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._k8s import ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition, JsonPatch, kplus

__all__ = ["add_render_hook", "mark_native_sidecar", "place_init_containers_first"]


class _NativeSidecarDeployment(ApiObject):
    """Renders a typed Deployment, then adds ``restartPolicy: Always`` to init containers."""

    def __init__(self, deployment: kplus.Deployment, inner: ApiObject) -> None:
        self._inner = inner
        self._native: list[int] = []
        self._hooks: list[Callable[[dict[str, Any]], None]] = []
        self._last_hooks: list[Callable[[dict[str, Any]], None]] = []
        self._first: list[str] = []
        super().__init__(
            deployment,
            inner.node.id,
            api_version=inner.api_version,
            kind=inner.kind,
            metadata=ApiObjectMetadata(name=inner.name, namespace=inner.metadata.namespace),
        )

    @property
    def metadata(self) -> ApiObjectMetadataDefinition:
        """The typed object's metadata (labels and annotations added here are rendered)."""
        return self._inner.metadata

    def add_json_patch(self, *ops: JsonPatch) -> None:
        """Patch the typed object, exactly as without the stand-in."""
        self._inner.add_json_patch(*ops)

    def to_json(self) -> Any:
        """The typed object's JSON with the native sidecars marked, then the render hooks."""
        data = self._inner.to_json()
        init_containers = data["spec"]["template"]["spec"].get("initContainers", [])
        for index in self._native:
            init_containers[index]["restartPolicy"] = "Always"
        if self._first:
            rank = {name: i for i, name in enumerate(self._first)}
            # A stable sort: the named containers first in the order given, the rest as added.
            init_containers.sort(key=lambda c: rank.get(c["name"], len(rank)))
        for hook in [*self._hooks, *self._last_hooks]:
            hook(data)
        return data


def _stand_in(deployment: kplus.Deployment) -> _NativeSidecarDeployment:
    current = ApiObject.of(deployment)
    if not isinstance(current, _NativeSidecarDeployment):
        deployment.node.try_remove_child(current.node.id)
        current = _NativeSidecarDeployment(deployment, current)
    return current


def place_init_containers_first(deployment: kplus.Deployment, names: list[str]) -> None:
    """Render the init containers called ``names`` before all others, after earlier calls'.

    Used by the restores, which must run before the Station's ``seed-home``; the indices
    given to :func:`mark_native_sidecar` refer to the order the containers were added in.
    """
    current = _stand_in(deployment)
    for name in names:
        if name not in current._first:
            current._first.append(name)


def mark_native_sidecar(deployment: kplus.Deployment, index: int) -> None:
    """Render ``initContainers[index]`` of ``deployment`` with ``restartPolicy: Always``.

    Kubernetes 1.29+ then runs it as a native sidecar: started in order with the other init
    containers, kept running (and restarted) alongside the main containers, and stopped
    only after they have exited.
    """
    current = _stand_in(deployment)
    if index not in current._native:
        current._native.append(index)


def add_render_hook(
    deployment: kplus.Deployment, hook: Callable[[dict[str, Any]], None], *, last: bool = False
) -> None:
    """Call ``hook(json)`` on ``deployment``'s rendered JSON (Kubernetes field names).

    For fields the typed 1.27 bindings would drop or mangle on the way out (plain pod-spec
    additions in Kubernetes' own JSON form). Hooks run in order, after the native sidecars
    are marked, on a fresh copy at every synthesis; ``last`` hooks run after all others
    (they see every container any hook added).
    """
    current = _stand_in(deployment)
    (current._last_hooks if last else current._hooks).append(hook)
