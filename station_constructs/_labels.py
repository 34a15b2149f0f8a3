"""Label sets for every object the library renders.

Two rules (the Bitnami convention):

* metadata carries the full ``app.kubernetes.io/*`` recommended set plus ``app``, the label
  the hand-written manifests select on;
* selectors use only ``app: <name>``, the one label that never changes, because a
  Deployment's selector is immutable and the hand-written manifests select on it. Nothing
  derived from a construct id or path ever reaches a selector.

No ``app.kubernetes.io/version`` label: it would change on every object at each image
upgrade, while the image field alone says which version runs.
"""

from __future__ import annotations

MANAGED_BY = "station-constructs"
PART_OF = "station"


def selector_labels(name: str) -> dict[str, str]:
    """The immutable selector of Station ``name``'s pods: ``{"app": name}``."""
    return {"app": name}


def object_labels(name: str, component: str) -> dict[str, str]:
    """Metadata labels for an object of Station ``name`` playing ``component``."""
    return {
        "app": name,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/instance": name,
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "app.kubernetes.io/name": "station",
        "app.kubernetes.io/part-of": PART_OF,
    }
