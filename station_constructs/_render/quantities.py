"""Quantities as the API server stores them (its canonical form), so a re-apply changes nothing.

Kubernetes stores ``1000m`` as ``1`` and ``2048Mi`` as ``2Gi``: the form in which the number
is the smallest whole number for a suffix of the same family (binary ``Ki``...``Ei``, or
decimal ``m``, ``k``, ``M``...). A manifest that writes another form makes every client-side
``kubectl apply`` report ``configured`` and a GitOps tool show drift. The rules follow
``k8s.io/apimachinery/pkg/api/resource`` (``Quantity.CanonicalizeBytes``): a binary quantity
below 1024 or not a whole number of bytes is written in decimal.
"""

from __future__ import annotations

import re
from fractions import Fraction

__all__ = ["canonical_quantity", "cpu", "mebibytes"]

_QUANTITY = re.compile(r"^([+-]?[0-9]*\.?[0-9]*)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|)$")
_BINARY = {"": 0, "Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}


def canonical_quantity(text: str) -> str:
    """``text`` as the API server stores it: ``1000m`` -> ``1``, ``2048Mi`` -> ``2Gi``.

    Raises ``ValueError`` for a string that is not a quantity (or uses an exponent, which
    this library never writes).
    """
    match = _QUANTITY.fullmatch(text)
    if match is None or match.group(1) in ("", ".", "+", "-"):
        raise ValueError(f"not a Kubernetes quantity: {text!r}")
    number, suffix = Fraction(match.group(1)), match.group(2)
    if suffix in _BINARY and suffix:
        value = number * 1024 ** _BINARY[suffix]
        if abs(value) >= 1024 and value.denominator == 1:
            return _binary(int(value))
    else:
        value = number * Fraction(10) ** _DECIMAL[suffix]
    return _decimal(value)


def _binary(value: int) -> str:
    power = 0
    while power < 6 and value % 1024 ** (power + 1) == 0:
        power += 1
    suffix = next(s for s, p in _BINARY.items() if p == power)
    return f"{value // 1024**power}{suffix}"


def _decimal(value: Fraction) -> str:
    if value == 0:
        return "0"
    # The server keeps nano precision at most, rounding up.
    nanos = -((-value * 10**9) // 1)
    exponent = -9
    while exponent < 18 and nanos % 10 ** (exponent + 9 + 3) == 0:
        exponent += 3
    suffix = next(s for s, e in _DECIMAL.items() if e == exponent)
    return f"{nanos // 10 ** (exponent + 9)}{suffix}"


def cpu(millicores: int) -> str:
    """A CPU amount in millicores, canonical: ``250m``, ``1``, ``1500m``."""
    return canonical_quantity(f"{millicores}m")


def mebibytes(amount: int) -> str:
    """A size in MiB, canonical: ``512Mi``, ``2Gi``."""
    return canonical_quantity(f"{amount}Mi")
