"""Emitting a Station's ``RetainedStorageClass``: once per App, shared by equal requests.

A StorageClass is cluster-wide and its provisioner, parameters and reclaim policy are
immutable, so two Stations of one App may name the same class only with the same settings;
the first one renders it (in its ``data_chart`` when it has one).
"""

from __future__ import annotations

from ._emit.objects import emit_object
from ._errors import _Guard
from ._k8s import ApiObject, Construct, JsonPatch, app_value
from ._render import storage as render
from ._settings.station import RetainedStorageClass

__all__ = ["emit_retained_class"]


class _Rendered(dict[str, RetainedStorageClass]):
    """Per App: class name -> the settings it was rendered with."""


LABELS = {
    "app.kubernetes.io/component": "storage-class",
    "app.kubernetes.io/managed-by": "station-constructs",
}


def emit_retained_class(
    scope: Construct, guard: _Guard, retained: RetainedStorageClass, *, namespaced_chart: bool
) -> ApiObject | None:
    """Render ``retained`` under ``scope`` unless this App already has it (then ``None``)."""
    rendered = app_value(scope, _Rendered)
    previous = rendered.get(retained.name)
    if previous is not None:
        if previous != retained:
            raise guard.fail(
                "storage.retained_class",
                retained,
                f"another Station of this App renders StorageClass {retained.name!r} with "
                f"other settings ({previous}); a StorageClass's provisioner and parameters "
                "cannot change",
                "pass the same RetainedStorageClass to both Stations, or another name",
            )
        return None
    rendered[retained.name] = retained
    manifest = render.retained_storage_class(
        retained.name, retained.provisioner or "", retained.parameters, LABELS
    )
    obj = emit_object(scope, "storage-class", manifest)
    if namespaced_chart:
        # A Chart with a namespace stamps it on every object, cluster-scoped ones included.
        obj.add_json_patch(JsonPatch.remove("/metadata/namespace"))
    return obj
