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
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from jsii._kernel import _callback_till_result

from .._k8s import AppState

__all__ = ["current", "keep", "kept", "read", "reading", "stand_in", "verified_now"]

_LOOP = _callback_till_result.__code__
_GENERATIONS = itertools.count(1)
# App -> (generation, synthesis) of the verification reading now / the last that passed.
_Mark = tuple[int, FrameType | None]
_READING: weakref.WeakKeyDictionary[AppState, _Mark] = weakref.WeakKeyDictionary()
_PASSED: weakref.WeakKeyDictionary[AppState, _Mark] = weakref.WeakKeyDictionary()
# Bodies rendered for the verification reading now, by the stand-in handed to cdk8s.
_BODIES: dict[int, Any] = {}
_STAND_IN = "x-station-constructs-rendered"


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
def reading(key: AppState) -> Iterator[None]:
    """The final verification of App ``key`` reads its objects; on success, it passed."""
    mark = (next(_GENERATIONS), current())
    _forget_finished()
    _READING[key] = mark
    _PASSED.pop(key, None)
    try:
        yield
    finally:
        del _READING[key]
        _BODIES.clear()
    _PASSED[key] = mark


def verified_now(key: AppState) -> bool:
    """Whether the running synthesis of App ``key`` was verified already (and passed)."""
    mark = _PASSED.get(key)
    return mark is not None and mark[1] is not None and mark[1] is current()


def keep(key: AppState) -> int | None:
    """The generation of the verification reading App ``key`` now (``None``: none is)."""
    mark = _READING.get(key)
    return None if mark is None else mark[0]


def kept(key: AppState, generation: int) -> bool:
    """Whether what was kept for ``generation`` may be written now (same synthesis, passed)."""
    mark = _PASSED.get(key)
    return (
        mark is not None
        and mark[0] == generation
        and mark[1] is not None
        and (mark[1] is current())
    )


def _forget_finished() -> None:
    """Drop the marks of syntheses that have returned (a frame never re-enters the stack).

    A mark holds its frame (so that its identity cannot be reused); dropping finished ones
    keeps at most the current synthesis's frames alive.
    """
    on_stack: set[int] = set()
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        on_stack.add(id(frame))
        frame = frame.f_back
    for key, (_, held) in list(_PASSED.items()):
        if held is None or id(held) not in on_stack:
            del _PASSED[key]


def stand_in(body: Any) -> Any:
    """What cdk8s gets for ``body`` while the verification reads: a small stand-in.

    The verification reads the body itself (:func:`read`): sending the pod through Node and
    back only to read it in Python would double its cost.
    """
    token = len(_BODIES) + 1
    _BODIES[token] = body
    return {
        "apiVersion": body.get("apiVersion"),
        "kind": body.get("kind"),
        "metadata": body.get("metadata"),
        _STAND_IN: token,
    }


def read(body: Any) -> Any:
    """``body`` as read from cdk8s, with a stand-in replaced by the body it stands for."""
    token = body.get(_STAND_IN) if isinstance(body, dict) else None
    return body if token is None else _BODIES[token]
