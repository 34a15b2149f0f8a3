"""Keyword arguments that were renamed or removed: refused with the new spelling.

A construct whose API changed takes ``**former`` and hands it here with its table of former
names. For one release a former name raises :class:`StationConfigError` saying what to
write now (the table is also in ``CHANGELOG.md`` and ``docs/upgrades.md``); a name that
never existed is refused with the closest real ones.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ._errors import _Guard

__all__ = ["Former", "refuse_former"]

_MIGRATION = "see 'Migrating from 0.1' in CHANGELOG.md and docs/upgrades.md"


@dataclass(frozen=True)
class Former:
    """A keyword argument a construct no longer takes.

    Attributes:
        now: What to write instead, e.g. ``"auth=StationAuth.local()"``.
        problem: Why it is refused; default: it was replaced in 0.2.0.

    """

    now: str
    problem: str = "was replaced in station-constructs 0.2.0"


def refuse_former(
    guard: _Guard,
    given: Mapping[str, object],
    former: Mapping[str, Former],
    accepted: Iterable[str],
) -> None:
    """Refuse the first of ``given`` (the ``**former`` keywords): a former name or a typo.

    ``accepted`` are the construct's real keyword names, offered when a name is neither.
    """
    for name, value in given.items():
        known = former.get(name)
        if known is not None:
            raise guard.fail(name, value, known.problem, f"write {known.now} ({_MIGRATION})")
        close = difflib.get_close_matches(name, list(accepted), n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "remove it"
        raise guard.fail(name, value, "is not an argument of this construct", hint)


def former_name(module: str, name: str, former: Mapping[str, Former]) -> Exception:
    """The error for ``name`` asked of ``module``: refused with its new spelling, or unknown.

    A public module's ``__getattr__`` raises it, so a name the module no longer exports
    (``from station_constructs import ExternalAccess``) says what to write now for one
    release; any other missing name is the usual ``AttributeError``.
    """
    known = former.get(name)
    if known is None:
        return AttributeError(f"module {module!r} has no attribute {name!r}")
    return _Guard(module).fail(name, name, known.problem, f"write {known.now} ({_MIGRATION})")


def former_attribute(owner: object, name: str, former: Mapping[str, Former]) -> Exception:
    """The error for reading ``owner``'s missing attribute ``name``: its new spelling, or unknown.

    A construct's ``__getattr__`` (called only for attributes it does not have) raises it, so
    code reading a 0.1 attribute (``station.api_enabled``) learns what to read now.
    """
    cls = type(owner).__name__
    known = former.get(name)
    if known is None:
        return AttributeError(f"{cls!r} object has no attribute {name!r}")
    return _Guard(cls).fail(name, name, known.problem, f"read {known.now} ({_MIGRATION})")
