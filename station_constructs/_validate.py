"""Parsers and checks for the values users pass in: names, sizes, ports, images, durations.

Each function either returns the normalised value or raises :class:`StationConfigError`
naming the field, the value received, the rule and the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ._errors import StationConfigError, _Guard

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_QUALIFIED_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
_BINARY_QUANTITY = re.compile(r"^([0-9]+)(Ki|Mi|Gi|Ti|Pi)$")
_CPU = re.compile(r"^([0-9]+(\.[0-9]{1,3})?)(m?)$")
_DURATION_PART = re.compile(r"([0-9]+)(ms|h|m|s)")
_IMAGE_PATH_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_IMAGE_DIGEST = re.compile(
    r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$"
)
_REGISTRY = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]+)?$|^\[[0-9a-fA-F:]+\](:[0-9]+)?$")

_BINARY_FACTORS = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5}


def dns_label(guard: _Guard, field: str, value: object) -> str:
    """An RFC 1123 label (Namespace, Service, container and port-free object names)."""
    if not isinstance(value, str) or len(value) > 63 or not _DNS_LABEL.match(value):
        raise guard.fail(
            field,
            value,
            "must be an RFC 1123 label: 1-63 lower-case letters, digits or '-', starting and "
            "ending with a letter or digit",
            "use a name such as 'station' or 'station-prod'",
        )
    return value


def dns_subdomain(guard: _Guard, field: str, value: object) -> str:
    """An RFC 1123 subdomain (ConfigMap, Secret, PVC names): up to 253 chars, dots allowed."""
    if not isinstance(value, str) or len(value) > 253 or not _DNS_SUBDOMAIN.match(value):
        raise guard.fail(
            field,
            value,
            "must be an RFC 1123 subdomain: lower-case letters, digits, '-' and '.', at most "
            "253 characters, starting and ending with a letter or digit",
            "use a name such as 'station-data'",
        )
    return value


def port(guard: _Guard, field: str, value: object) -> int:
    """A TCP port number, 1-65535."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise guard.fail(field, value, "must be an integer port from 1 to 65535", "pass e.g. 8585")
    return value


def positive_int(guard: _Guard, field: str, value: object, *, minimum: int = 1) -> int:
    """An integer >= ``minimum`` (booleans are rejected, they are ints in Python)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise guard.fail(
            field, value, f"must be an integer >= {minimum}", f"pass an integer >= {minimum}"
        )
    return value


def env_name(guard: _Guard, field: str, value: object) -> str:
    """A POSIX-style environment variable name."""
    if not isinstance(value, str) or not _ENV_NAME.match(value):
        raise guard.fail(
            field,
            value,
            "must be an environment variable name (letters, digits, '_', not starting with a "
            "digit)",
            "use a name such as 'STN_AI_MODEL'",
        )
    return value


def secret_key(guard: _Guard, field: str, value: object) -> str:
    """A key inside a Secret or ConfigMap."""
    if not isinstance(value, str) or not value or len(value) > 253 or not _SECRET_KEY.match(value):
        raise guard.fail(
            field,
            value,
            "must be a Secret key: letters, digits, '-', '_' or '.', at most 253 characters",
            "use a key such as 'OPENAI_API_KEY'",
        )
    return value


def qualified_name(guard: _Guard, field: str, value: object) -> str:
    """A label or annotation key: ``[prefix/]name`` (prefix a DNS subdomain, name <= 63)."""
    prefix, slash, name = value.rpartition("/") if isinstance(value, str) else ("", "", "")
    if (
        not isinstance(value, str)
        or not _QUALIFIED_NAME.match(name)
        or len(name) > 63
        or (slash and (len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)))
    ):
        raise guard.fail(
            field,
            value,
            "is not a valid annotation/label key: an optional DNS-subdomain prefix and '/', "
            "then at most 63 letters, digits, '-', '_' or '.', starting and ending with a "
            "letter or digit",
            "use a key such as 'example.com/owner'",
        )
    return value


def label_value(value: str) -> str | None:
    """``value`` if it is a valid label value, else ``None`` (used for optional labels)."""
    return value if len(value) <= 63 and _LABEL_VALUE.match(value) else None


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
    match = _BINARY_QUANTITY.match(value) if isinstance(value, str) else None
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
        match = _CPU.match(str(value))
    else:
        match = _CPU.match(value) if isinstance(value, str) else None
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


@dataclass(frozen=True)
class ImageReference:
    """A parsed container image reference: ``[registry/]path[:tag][@digest]``."""

    text: str
    registry: str | None
    path: str
    tag: str | None
    digest: str | None

    @property
    def pinned(self) -> bool:
        """True when the reference names one immutable build (a digest or a non-latest tag)."""
        return self.digest is not None or (self.tag is not None and self.tag != "latest")


def image_reference(
    guard: _Guard, field: str, value: object, *, allow_unpinned: bool
) -> ImageReference:
    """Parse an image reference and insist on a pinned version unless explicitly allowed."""
    bad = guard.fail(
        field,
        value,
        "is not a valid image reference ([registry/]name[:tag][@sha256:digest], lower-case "
        "name components)",
        "pass e.g. 'ghcr.io/cloudshipai/station:v0.23.0'",
    )
    if not isinstance(value, str) or not value or len(value) > 4096 or value != value.strip():
        raise bad
    rest, _, digest = value.partition("@")
    if digest and not _IMAGE_DIGEST.match(digest):
        raise bad
    registry: str | None = None
    first, slash, remainder = rest.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        if not _REGISTRY.match(first):
            raise bad
        registry, rest = first, remainder
    last_slash = rest.rfind("/")
    name_part, colon, tag = rest[last_slash + 1 :].partition(":")
    path = rest[: last_slash + 1] + name_part
    if colon and not _IMAGE_TAG.match(tag):
        raise bad
    if not path or not all(_IMAGE_PATH_COMPONENT.match(c) for c in path.split("/")):
        raise bad
    ref = ImageReference(value, registry, path, tag or None, digest or None)
    if not ref.pinned and not allow_unpinned:
        raise guard.fail(
            field,
            value,
            "is not pinned: ':latest' or a missing tag changes under you on every pull, so a "
            "restart can silently upgrade (or downgrade) Station against your database",
            "pin a version tag or digest (e.g. 'ghcr.io/cloudshipai/station:v0.23.0'), or pass "
            "allow_unpinned_image=True if you really want a moving tag",
        )
    return ref


def one_of(guard: _Guard, field: str, value: object, allowed: type) -> object:
    """``value`` if it is a member of the enum ``allowed``, else a clear error listing members."""
    if isinstance(value, allowed):
        return value
    names = ", ".join(f"{allowed.__name__}.{m.name}" for m in allowed)  # type: ignore[attr-defined]
    raise guard.fail(field, value, f"must be one of {names}", f"pass one of {names}")


__all__ = ["StationConfigError"]
