"""The one exception type the library raises for bad configuration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["StationAccessWarning", "StationConfigError"]


class StationConfigError(ValueError):
    """A construct was given a configuration that would not deploy Station safely.

    Raised at construct time, never later at synth or ``kubectl apply``. The message has
    the shape "where: field got value: what is wrong. Fix: what to do instead", and the
    parts are also available as attributes for programmatic use.

    Attributes:
        field: The argument (or argument path, e.g. ``storage.size``) that is wrong.
        value: The value that was received.
        problem: What is wrong with it.
        fix: What to do instead.
        where: The construct path (or class name) the error belongs to.

    """

    def __init__(self, field: str, value: Any, problem: str, fix: str, *, where: str = "") -> None:
        self.field = field
        self.value = value
        self.problem = problem
        self.fix = fix
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{field}={value!r}: {problem}. Fix: {fix}")


class StationAccessWarning(UserWarning):
    """A configuration that deploys, but in which some of Station cannot be used.

    Issued at construct time, e.g. for local mode off without CloudShip OAuth: Station
    then rejects every API and web UI request (no code path creates a user API key), while
    the agent MCP stays usable. Turn it into an error with ``warnings.simplefilter("error",
    StationAccessWarning)``.
    """


class _Guard:
    """Knows where its messages come from, so every message names it.

    ``where`` is a string, or a function that builds it: a construct path costs round trips
    to jsii's Node process, so it is built only when a message needs it (then kept).
    """

    def __init__(self, where: str | Callable[[], str]) -> None:
        self._where = where

    @property
    def where(self) -> str:
        """The prefix of this guard's messages (``StationDeployment 'app/chart/station'``)."""
        if not isinstance(self._where, str):
            self._where = self._where()
        return self._where

    def fail(self, field: str, value: Any, problem: str, fix: str) -> StationConfigError:
        """Build (not raise) an error for ``field``; callers ``raise guard.fail(...)``."""
        return StationConfigError(field, value, problem, fix, where=self.where)
