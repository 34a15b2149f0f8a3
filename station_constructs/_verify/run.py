"""The final verification's checks, in order, over the app's rendered objects.

Plain Python, no cdk8s: ``app.py`` hands the objects and the constructs' facts over; tests
call :func:`findings` directly on JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .claims import check_claims
from .edge import check_edge
from .exposure import check_exposures
from .model import Facts, Finding, Rendered
from .pod import check_pod
from .routing import check_routes
from .schema import check_schema
from .secrets import check_env_names, check_secret_material

__all__ = ["findings"]


def findings(objects: Iterable[Rendered], facts: Facts) -> Iterator[Finding]:
    """Every refusal, object by object (pod, edge auth, secrets), then app-wide ones.

    A check waived for an object with ``allow_rendered`` reports nothing for it.
    """
    listed = list(objects)
    for obj in listed:
        own = obj.owner is not None
        per_object: list[Iterator[Finding]] = [check_secret_material(obj)]
        if own:
            per_object[:0] = [check_schema(obj), check_pod(obj), check_env_names(obj)]
        ingress = facts.ingresses.get((obj.namespace, obj.name))
        if obj.kind == "Ingress" and ingress is not None:
            per_object.append(check_edge(obj, ingress, facts.stations))
        for found in per_object:
            yield from (f for f in found if not facts.waived(f))
    app_wide = (
        check_claims(listed, facts.stations),
        check_exposures(listed, facts.stations),
        check_routes(listed),
    )
    for found in app_wide:
        yield from (f for f in found if not facts.waived(f))
