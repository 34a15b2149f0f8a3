"""Union values are built by their factories only: a private token, checked at construction.

Each union class (``StationAuth``, ``ExternalService``, ``S3Credentials``...) is a frozen
dataclass whose last field is ``_factory: InitVar[object]``; its factories pass
:data:`BY_FACTORY`, and ``__post_init__`` calls :func:`refuse_direct`, so a direct call
(or ``dataclasses.replace``) cannot make a combination the factories never make, and
every check of a value stays in its factory.
"""

from __future__ import annotations

import enum
from dataclasses import fields
from typing import Any

from ._errors import _Guard

__all__ = ["BY_FACTORY", "refuse_direct"]


class _ByFactory:
    """The type of :data:`BY_FACTORY`, the token only the factories pass."""

    def __repr__(self) -> str:
        return "BY_FACTORY"


#: What a factory passes as ``_factory=``; a direct call cannot.
BY_FACTORY: Any = _ByFactory()


def refuse_direct(value: object, factory: object, factories: str) -> None:
    """Refuse ``value`` unless a factory built it (``factory is BY_FACTORY``).

    ``factories`` names the factories to use instead. The error reports the fields given:
    plain values as they are, others (mappings, secret sources) by their type only, so no
    annotation value is copied into a message.
    """
    if factory is BY_FACTORY:
        return
    name = type(value).__name__
    given = {f.name: _shown(getattr(value, f.name)) for f in fields(value)}  # type: ignore[arg-type]
    raise _Guard(name).fail(
        name,
        given,
        "is built directly: only its factories check that its fields make one of its "
        "choices, so a direct call (or dataclasses.replace) is not part of the API",
        f"build it with a factory: {factories}",
    )


def _shown(field: object) -> object:
    if field is None or isinstance(field, bool | int | str | enum.Enum):
        return field
    if isinstance(field, tuple) and all(isinstance(v, str | enum.Enum) for v in field):
        return field
    return type(field).__name__
