"""Cron schedules as Kubernetes reads them (robfig/cron's standard parser), by meaning.

Settings step; plain Python. Five fields (minute 0-59, hour 0-23, day of month 1-31, month
1-12 or ``JAN``-``DEC``, day of week 0-6 or ``SUN``-``SAT``), each a list of ``*``, values,
ranges ``a-b`` and steps ``/n``; or a descriptor (``@daily``, ``@hourly``, ``@every 1h``...).
Refused besides the shape: values out of range (minute 61, day of week 7), a step of 0, a
range that runs backwards, and a date that never comes (``0 4 31 2 *``): cron requires the
day of month *and* the day of week when either field starts with ``*``, so February 31st
never matches and the job never runs.
"""

from __future__ import annotations

import re

from .._errors import _Guard

__all__ = ["check_cron"]

_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    (
        "month",
        1,
        12,
        {m: i + 1 for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())},
    ),
    ("day of week", 0, 6, {d: i for i, d in enumerate("SUN MON TUE WED THU FRI SAT".split())}),
)
_DESCRIPTORS = frozenset(
    {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
)
_EVERY = re.compile(r"^@every ([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_FIX = "pass e.g. '17 4 * * *' (daily at 04:17)"


def check_cron(guard: _Guard, field: str, text: str) -> str:
    """``text`` if Kubernetes accepts it and it fires at some time; else raise."""
    if text.startswith("@"):
        if text in _DESCRIPTORS or _EVERY.fullmatch(text):
            return text
        raise guard.fail(
            field,
            text,
            "is not a cron descriptor (@yearly, @monthly, @weekly, @daily, "
            "@hourly, @every <duration>)",
            _FIX,
        )
    parts = text.split()
    if len(parts) != 5:
        raise guard.fail(
            field, text, "must be a cron expression of five fields (or @daily, @hourly...)", _FIX
        )
    sets = [
        _field(guard, field, text, part, spec) for part, spec in zip(parts, _FIELDS, strict=True)
    ]
    days, months = sets[2], sets[3]
    day_and_week = parts[2].startswith("*") or parts[4].startswith("*")
    if day_and_week and not any(d <= _DAYS_IN_MONTH[m - 1] for m in months for d in days):
        raise guard.fail(
            field,
            text,
            "names a day that no month it names has (e.g. February 31st): the "
            "job never runs, and nothing alerts that it did not",
            _FIX,
        )
    return text


def _field(
    guard: _Guard, field: str, text: str, part: str, spec: tuple[str, int, int, dict[str, int]]
) -> set[int]:
    name, low, high, names = spec
    found: set[int] = set()
    for item in part.split(","):
        found |= _item(guard, field, text, item, name, low, high, names)
    return found


def _item(
    guard: _Guard,
    field: str,
    text: str,
    item: str,
    name: str,
    low: int,
    high: int,
    names: dict[str, int],
) -> set[int]:
    def bad(problem: str) -> Exception:
        return guard.fail(field, text, f"{name} {item!r}: {problem}", _FIX)

    range_part, _, step_text = item.partition("/")
    step = 1
    if step_text:
        if not step_text.isdigit() or int(step_text) == 0:
            raise bad("a step must be a whole number of at least 1")
        step = int(step_text)
    if range_part in ("*", "?"):
        start, end = low, high
    else:
        first, dash, last = range_part.partition("-")
        start = _value(first, names, bad)
        end = _value(last, names, bad) if dash else (high if step_text else start)
        for value in (start, end):
            if not low <= value <= high:
                raise bad(f"{value} is outside {low}-{high}")
        if start > end:
            raise bad("the range runs backwards")
    return set(range(start, end + 1, step))


def _value(token: str, names: dict[str, int], bad: object) -> int:
    if token.isdigit():
        return int(token)
    if token.upper() in names:
        return names[token.upper()]
    raise bad("is not a number" + (" or a name (e.g. MON, JAN)" if names else ""))  # type: ignore[operator]
