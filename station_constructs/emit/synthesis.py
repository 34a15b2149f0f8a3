"""Which synthesis is running, so what the final verification read is written, not redone.

cdk8s validates the App before it writes anything (``app.synth()``: once, then again before
each chart; ``Testing.synth(chart)``: once) and calls every object's ``to_json`` as it
writes. All of it happens inside one call from Python into jsii (``app.synth()``,
``chart.to_json()``...), whose callbacks run in jsii's ``_callback_till_result`` loop: the
outermost frame of that loop on the stack identifies the synthesis. While it is on the
stack no user code runs, so what the final verification read in it is what cdk8s writes
(:func:`verified_now`, :func:`kept`); a later synthesis reads and renders again.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from jsii._kernel import _callback_till_result

__all__ = ["current", "kept", "keep", "reading", "verified_now"]

_LOOP = _callback_till_result.__code__
_GENERATIONS = itertools.count(1)
# App key -> (generation, synthesis) of the verification reading now / the last that passed.
_READING: dict[str, tuple[int, FrameType | None]] = {}
_PASSED: dict[str, tuple[int, FrameType | None]] = {}


def current() -> FrameType | None:
    """The outermost jsii callback loop on the stack (``None``: no synthesis running)."""
    frame: FrameType | None = sys._getframe(1)
    found = None
    while frame is not None:
        if frame.f_code is _LOOP:
            found = frame
        frame = frame.f_back
    return found


@contextmanager
def reading(key: str) -> Iterator[None]:
    """The final verification of App ``key`` reads its objects; on success, it passed."""
    mark = (next(_GENERATIONS), current())
    _READING[key] = mark
    _PASSED.pop(key, None)
    try:
        yield
    finally:
        del _READING[key]
    _PASSED[key] = mark


def verified_now(key: str) -> bool:
    """Whether the running synthesis of App ``key`` was verified already (and passed)."""
    mark = _PASSED.get(key)
    return mark is not None and mark[1] is not None and mark[1] is current()


def keep(key: str) -> tuple[int, FrameType | None] | None:
    """The verification reading App ``key`` now (what an object renders is kept for it)."""
    return _READING.get(key)


def kept(key: str, mark: tuple[int, FrameType | None]) -> bool:
    """Whether what was kept for ``mark`` may be written now (same synthesis, passed)."""
    return _PASSED.get(key) == mark and mark[1] is not None and mark[1] is current()
