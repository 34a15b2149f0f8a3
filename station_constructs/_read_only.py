"""Public attributes that cannot be reassigned once a construct has rendered its objects.

A construct renders its Kubernetes objects in ``__init__`` from its arguments; its public
attributes report what was rendered. Reassigning one afterwards (``station.namespace =
"prod"``) would change nothing in the output and make the attribute lie, so it is refused
with a :class:`~station_constructs.StationConfigError`. Attributes a subclass adds after
construction stay writable; mutable values (dicts, lists) are not deep-frozen.
"""

from __future__ import annotations

import inspect
from typing import Any

from ._app_registry import IdChecked
from ._errors import StationConfigError

__all__ = ["ReadOnlyAttributes"]


class ReadOnlyAttributes(IdChecked):
    """Mixin: after :meth:`_lock_attributes`, reassigning a public attribute raises.

    Through :class:`~station_constructs._app_registry.IdChecked`, a taken construct id
    raises the library's error too.
    """

    def _lock_attributes(self) -> None:
        """Make every public attribute set so far read-only."""
        locked = frozenset(k for k in vars(self) if not k.startswith("_"))
        object.__setattr__(self, "_locked_attributes", locked)

    def _set_internal(self, name: str, value: Any) -> None:
        """Update a read-only attribute from inside the construct (e.g. a raised grace period)."""
        object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        """Refuse reassigning a locked public attribute; set anything else."""
        if name in vars(self).get("_locked_attributes", ()):
            cls = type(self).__name__
            path = getattr(getattr(self, "node", None), "path", "")
            parameters = inspect.signature(type(self).__init__).parameters
            fix = (
                f"pass {name}= when creating it: {cls}(scope, id, ..., {name}=...)"
                if name in parameters
                else f"create the {cls} with the arguments that give the {name} you want"
            )
            raise StationConfigError(
                name,
                value,
                "is read-only after construction: the Kubernetes objects were rendered from "
                "the arguments, so reassigning it would change nothing in the output and make "
                "the attribute disagree with it",
                fix,
                where=f"{cls} '{path}'" if path else cls,
            )
        super().__setattr__(name, value)
