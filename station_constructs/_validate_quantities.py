"""Sizes, CPU quantities and durations as users pass them (``10Gi``, ``250m``, ``1m30s``).

Re-exported by ``station_constructs._validate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ._errors import _Guard

__all__ = ["BinaryQuantity", "binary_quantity", "cpu_millis", "duration_seconds", "go_duration"]

_BINARY_QUANTITY = re.compile(r"^([0-9]+)(Ki|Mi|Gi|Ti|Pi)$")
_CPU = re.compile(r"^([0-9]+(\.[0-9]{1,3})?)(m?)$")
_DURATION_PART = re.compile(r"([0-9]+)(ms|h|m|s)")

_BINARY_FACTORS = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5}


@dataclass(frozen=True)
class BinaryQuantity:
    """A size in binary units as Kubernetes writes it (``10Gi``), with its byte count."""

    text: str
    number: int
    unit: str

    @property
    def bytes(self) -> int:
        """The size in bytes."""
        return int(self.number * 1024 ** _BINARY_FACTORS[self.unit])

    @property
    def mebibytes(self) -> int:
        """The size in whole MiB (for cdk8s ``Size``), rounded down."""
        return self.bytes // 1024**2


def binary_quantity(
    guard: _Guard, field: str, value: object, *, minimum_mib: int = 1
) -> BinaryQuantity:
    """A size such as ``10Gi`` or ``512Mi`` (binary suffixes only, a whole number)."""
    match = _BINARY_QUANTITY.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise guard.fail(
            field,
            value,
            "must be a whole number with a binary unit (Ki, Mi, Gi, Ti, Pi)",
            "write sizes the Kubernetes way, e.g. '512Mi' or '10Gi' (not '10GB' or '10G')",
        )
    quantity = BinaryQuantity(str(value), int(match.group(1)), match.group(2))
    if quantity.bytes < minimum_mib * 1024**2:
        raise guard.fail(
            field, value, f"is smaller than the minimum of {minimum_mib}Mi", "pass a larger size"
        )
    return quantity


def cpu_millis(guard: _Guard, field: str, value: object) -> int:
    """A CPU quantity (``250m``, ``1``, ``0.5``) as millicores."""
    if isinstance(value, bool):
        match = None
    elif isinstance(value, int | float):
        match = _CPU.fullmatch(str(value))
    else:
        match = _CPU.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise guard.fail(
            field,
            value,
            "must be a CPU quantity: millicores ('250m') or cores ('1', '0.5')",
            "pass e.g. '250m' or '2'",
        )
    try:
        number = Decimal(match.group(1))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise guard.fail(field, value, "is not a number", "pass e.g. '250m'") from exc
    millis = number if match.group(3) else number * 1000
    if millis != millis.to_integral_value() or millis < 1:
        raise guard.fail(
            field, value, "must be at least 1m and a whole number of millicores", "pass e.g. '100m'"
        )
    return int(millis)


def duration_seconds(guard: _Guard, field: str, value: object, *, minimum: float = 0) -> float:
    """A Go-style duration (``10s``, ``1m30s``, ``24h``, ``500ms``) in seconds.

    Integers are taken as seconds. Litestream and Kubernetes both read Go durations, so
    this is the one syntax the library accepts for intervals.
    """
    seconds: float | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and value:
        position = 0
        total = 0.0
        for match in _DURATION_PART.finditer(value):
            if match.start() != position:
                break
            amount = int(match.group(1))
            total += amount * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[match.group(2)]
            position = match.end()
        if position == len(value):
            seconds = total
    if seconds is None:
        raise guard.fail(
            field,
            value,
            "must be a duration such as '10s', '1m30s', '24h' or '500ms', or whole seconds",
            "write the unit explicitly, e.g. '10s'",
        )
    if seconds < minimum or (minimum == 0 and seconds == 0 and field.endswith("interval")):
        raise guard.fail(
            field,
            value,
            f"must be at least {minimum:g}s",
            f"pass a duration of at least {minimum:g}s",
        )
    return seconds


def go_duration(seconds: float) -> str:
    """Format seconds the way Go prints durations in configs (``1h0m0s`` style kept short)."""
    if seconds != int(seconds):
        return f"{int(round(seconds * 1000))}ms"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = ""
    if hours:
        text += f"{hours}h"
    if minutes:
        text += f"{minutes}m"
    if secs or not text:
        text += f"{secs}s"
    return text
