"""Public attributes that cannot be reassigned once a construct has rendered its objects.

A construct renders its Kubernetes objects in ``__init__`` from its arguments; its public
attributes report what was rendered. Reassigning one afterwards (``station.namespace =
"prod"``) would change nothing in the output and make the attribute lie, so it is refused
with a :class:`~station_constructs.StationConfigError`. Attributes a subclass adds after
construction stay writable; mutable values (dicts, lists) are not deep-frozen.
"""

from __future__ import annotations

import inspect
from typing import Any, Generic, Never, TypeVar, cast, overload

from ._errors import StationConfigError
from ._k8s import Construct

__all__ = ["Published", "ReadOnlyConstruct", "Referenced", "Rendered", "read_only_error"]

T = TypeVar("T")


class ReadOnlyConstruct(Construct):
    """A ``Construct`` whose public attributes become read-only at :meth:`_lock_attributes`.

    The base of the library's constructs that keep their results as instance attributes
    (``class LitestreamBackup(ReadOnlyConstruct)``); one concern, its ``__setattr__``. No
    ``__init__`` of its own (a construct's creation is
    :func:`~station_constructs._app_registry.init_construct`). ``StationDeployment`` needs
    none: its attributes are :class:`Published` descriptors.
    """

    def _lock_attributes(self) -> None:
        """Make every public attribute set so far read-only."""
        locked = frozenset(k for k in vars(self) if not k.startswith("_"))
        object.__setattr__(self, "_locked_attributes", locked)

    def __setattr__(self, name: str, value: Any) -> None:
        """Refuse reassigning a locked public attribute; set anything else."""
        if name in vars(self).get("_locked_attributes", ()):
            raise read_only_error(self, name, value)
        super().__setattr__(name, value)


def read_only_error(owner: object, name: str, value: object) -> StationConfigError:
    """The error for reassigning ``owner``'s public attribute ``name`` to ``value``."""
    cls = type(owner).__name__
    path = getattr(getattr(owner, "node", None), "path", "")
    parameters = inspect.signature(type(owner).__init__).parameters
    fix = (
        f"pass {name}= when creating it: {cls}(scope, id, ..., {name}=...)"
        if name in parameters
        else f"create the {cls} with the arguments that give the {name} you want"
    )
    return StationConfigError(
        name,
        value,
        "is read-only after construction: the Kubernetes objects were rendered from "
        "the arguments, so reassigning it would change nothing in the output and make "
        "the attribute disagree with it",
        fix,
        where=f"{cls} '{path}'" if path else cls,
    )


class Published(Generic[T]):
    """A read-only public attribute whose value is a field of one of its owner's values.

    ``name = Published[str]("doc")`` on a class reads ``self._settings.name``; ``source``
    names another attribute holding the value (``field`` another field). Reassigning it
    raises :func:`read_only_error`.
    """

    def __init__(self, doc: str, *, source: str = "_settings", field: str = "") -> None:
        self.__doc__ = doc
        self.source = source
        self.field = field

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.field = self.field or name

    @overload
    def __get__(self, owner: None, cls: type) -> Published[T]: ...
    @overload
    def __get__(self, owner: object, cls: type) -> T: ...
    def __get__(self, owner: object | None, cls: type) -> Published[T] | T:
        if owner is None:
            return self
        return cast("T", getattr(getattr(owner, self.source), self.field))

    def __set__(self, owner: object, value: Never) -> None:
        raise read_only_error(owner, self.name, value)


class Rendered(Published[T]):
    """A :class:`Published` attribute read from the owner's ``_objects`` (what it rendered)."""

    def __init__(self, doc: str, *, field: str = "") -> None:
        super().__init__(doc, source="_objects", field=field)


class Referenced(Published[T]):
    """A :class:`Published` attribute read from the owner's ``_refs`` (made on first use)."""

    def __init__(self, doc: str, *, field: str = "") -> None:
        super().__init__(doc, source="_refs", field=field)
