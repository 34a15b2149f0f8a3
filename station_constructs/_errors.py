"""The one exception type the library raises for bad configuration."""

from __future__ import annotations

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

    Issued at construct time, e.g. for local mode off without CloudShip OAuth: Station v0.23.0
    then rejects every API and web UI request (no code path creates a user API key), while
    the agent MCP stays usable. Turn it into an error with ``warnings.simplefilter("error",
    StationAccessWarning)``.
    """


class _Guard:
    """Collects the construct path so every message names where it came from."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, field: str, value: Any, problem: str, fix: str) -> StationConfigError:
        """Build (not raise) an error for ``field``; callers ``raise guard.fail(...)``."""
        return StationConfigError(field, value, problem, fix, where=self.where)
