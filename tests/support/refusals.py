"""One way to say "this input is refused": the error names the field, the value and a fix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from station_constructs import StationConfigError

_UNSET: Any = object()


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
