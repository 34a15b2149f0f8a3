"""One way to say "this input is refused": the error names the field, the value and a fix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from station_constructs import StationConfigError

_UNSET: Any = object()
#: For a table of refusals: this row's reported value is not checked (an object with no literal).
UNCHECKED: Any = _UNSET


def assert_refused(
    build: Callable[[], object],
    *,
    field: str,
    value: Any = _UNSET,
    problem: str | Sequence[str] = "",
    fix: str | Sequence[str] = "",
    where: str | None = None,
) -> StationConfigError:
    """Run ``build``; it must raise :class:`StationConfigError` about ``field``.

    ``value`` (when given) must be the value the error reports; ``problem`` and ``fix`` are
    substrings (or lists of substrings) the error's problem and fix must contain; ``where``
    (when given) is the construct the error names, e.g. ``StationDeployment 'test/station'``.
    Every refusal also carries a non-empty fix, as the library's error model promises.
    Returns the error for further checks.
    """
    with pytest.raises(StationConfigError) as caught:
        build()
    error = caught.value
    assert error.field == field, f"refused {error.field!r}, expected {field!r}: {error}"
    if value is not _UNSET:
        assert error.value == value, f"reported value {error.value!r}, expected {value!r}"
    if where is not None:
        assert error.where == where, f"refused by {error.where!r}, expected {where!r}: {error}"
    for fragment in _fragments(problem):
        assert fragment in error.problem, f"{fragment!r} not in the problem: {error.problem!r}"
    assert error.fix.strip(), f"the error has no fix: {error}"
    for fragment in _fragments(fix):
        assert fragment in error.fix, f"{fragment!r} not in the fix: {error.fix!r}"
    return error


def _fragments(expected: str | Sequence[str]) -> Sequence[str]:
    return (expected,) if isinstance(expected, str) else expected


def refused_as(
    build: Callable[[], object], where: str, refused: str, fragments: Sequence[str] = ()
) -> StationConfigError:
    """:func:`assert_refused` for a construct's tests that read best as its message.

    ``where`` is the construct (``StationIngress 'test/ingress'``), ``refused`` the start of
    the message after it, ``field=value`` (the field is what is asserted as ``field``), and
    every fragment must be in the message (the problem or the fix).
    """
    error = assert_refused(build, field=refused.split("=", 1)[0])
    message = str(error)
    assert message.startswith(f"{where}: {refused}"), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return error
