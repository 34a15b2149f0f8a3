"""A RestoreDrill's settings: the CronJob's name and schedule, the table counted."""

from __future__ import annotations

from .._errors import _Guard
from .._validate import free_text
from .cron import check_cron

__all__ = ["check_job_name_length", "count_table", "cron_schedule"]

_TABLE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def check_job_name_length(guard: _Guard, name: str) -> None:
    """Refuse a CronJob name too long for the Jobs Kubernetes names after it."""
    if len(name) > 52:
        raise guard.fail(
            "name",
            name,
            "is longer than 52 characters; Kubernetes appends 11 to name the Jobs",
            "pass a shorter name=",
        )


def cron_schedule(guard: _Guard, schedule: object) -> str:
    """A cron expression of five fields that fires (``settings/cron.py``), or ``@daily``..."""
    text = free_text(guard, "schedule", schedule, max_length=100, fix="pass e.g. '17 4 * * *'")
    return check_cron(guard, "schedule", text)


def count_table(guard: _Guard, value: object) -> str:
    """A table name of lower-case letters, digits and ``_``."""
    if not isinstance(value, str) or not value or not set(value) <= _TABLE_CHARS:
        raise guard.fail(
            "count_table",
            value,
            "must be a table name of lower-case letters, digits and '_'",
            "pass e.g. 'environments' or 'agents'",
        )
    return value
