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
    problem: str = "",
    fix: str = "",
) -> StationConfigError:
    """Run ``build``; it must raise :class:`StationConfigError` about ``field``.

    ``value`` (when given) must be the value the error reports; ``problem`` and ``fix`` are
    substrings the error's problem and fix must contain. Every refusal also carries a
    non-empty fix, as the library's error model promises. Returns the error for further
    checks.
    """
    with pytest.raises(StationConfigError) as caught:
        build()
    error = caught.value
    assert error.field == field, f"refused {error.field!r}, expected {field!r}: {error}"
    if value is not _UNSET:
        assert error.value == value, f"reported value {error.value!r}, expected {value!r}"
    assert problem in error.problem, f"{problem!r} not in the problem: {error.problem!r}"
    assert error.fix.strip(), f"the error has no fix: {error}"
    assert fix in error.fix, f"{fix!r} not in the fix: {error.fix!r}"
    return error


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
