"""Parsers and checks for the values users pass in: names, sizes, ports, images, durations.

Each function either returns the normalised value or raises :class:`StationConfigError`
naming the field, the value received, the rule and the fix.
"""

from __future__ import annotations

import enum
import ipaddress
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, overload

from ._errors import StationConfigError, _Guard
from ._secret_material import secret_value_kind

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
_HOST_LABEL = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?")
_STATION_ENVIRONMENT = re.compile(r"[A-Za-z0-9_-]+")
_REGISTRY = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]+)?$|^\[[0-9a-fA-F:]+\](:[0-9]+)?$")

_BINARY_FACTORS = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5}

# An example that fits each named field (by full path, then by its last part), so a fix never
# offers a volume name for an issuer or an ingress class.
_NAME_EXAMPLES = {
    "secret.name": "station-secrets",
    "credentials.name": "station-litestream",
    "tls.issuer": "letsencrypt-prod",
    "tls.secret_name": "station-tls",
    "ingress_class_name": "nginx",
    "snapshot_class": "csi-aws-vsc",
    "storage.storage_class": "gp3",
    "storage.volume_name": "pv-station-data",
    "storage.claim_name": "station-data",
    "storage.restore_from_snapshot": "station-data-2026-01-15",
    "image_pull_secrets[]": "regcred",
    "config_map_name": "station-litestream",
    "controller_namespace": "ingress-nginx",
    "metrics_namespaces[]": "monitoring",
    "prometheus_namespaces[]": "monitoring",
    "store": "aws-secrets-manager",
    "namespaces[]": "monitoring",
    "ingress_namespaces[]": "ingress-nginx",
    "egress.namespaces[]": "egress-proxy",
}
# STN_AI_MODEL would be a bad example: env= and secret_variables= refuse managed names.
_ENV_EXAMPLES = {
    "secret_variables[]": "GITHUB_TOKEN",
    "key_names": "OPENAI_API_KEY",
    "remote_refs": "OPENAI_API_KEY",
    "encrypted_data": "OPENAI_API_KEY",
    "variable": "OPENAI_API_KEY",
}
_PORT_EXAMPLES = {"egress.ports[]": 443, "ports[]": 8587, "ingress_ports[]": 8587}


def _example(table: dict[str, Any], field: str, default: Any) -> Any:
    """The example for ``field``: by full path, then by ever shorter dotted suffixes."""
    parts = field.split(".")
    for i in range(len(parts)):
        key = ".".join(parts[i:])
        if key in table:
            return table[key]
    return default


def dns_label(guard: _Guard, field: str, value: object) -> str:
    """An RFC 1123 label (Namespace, Service, container and port-free object names)."""
    if not isinstance(value, str) or len(value) > 63 or not _DNS_LABEL.fullmatch(value):
        raise guard.fail(
            field,
            value,
            "must be an RFC 1123 label: 1-63 lower-case letters, digits or '-', starting and "
            "ending with a letter or digit",
            f"use a name such as {_example(_NAME_EXAMPLES, field, 'station-prod')!r}",
        )
    return value


def dns_subdomain(guard: _Guard, field: str, value: object) -> str:
    """An RFC 1123 subdomain (ConfigMap, Secret, PVC names): up to 253 chars, dots allowed."""
    if not isinstance(value, str) or len(value) > 253 or not _DNS_SUBDOMAIN.fullmatch(value):
        raise guard.fail(
            field,
            value,
            "must be an RFC 1123 subdomain: lower-case letters, digits, '-' and '.', at most "
            "253 characters, starting and ending with a letter or digit",
            f"use a name such as {_example(_NAME_EXAMPLES, field, 'station-data')!r}",
        )
    return value


def port(guard: _Guard, field: str, value: object) -> int:
    """A TCP port number, 1-65535."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise guard.fail(
            field,
            value,
            "must be an integer port from 1 to 65535",
            f"pass e.g. {_example(_PORT_EXAMPLES, field, 8585)}",
        )
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
    if not isinstance(value, str) or not _ENV_NAME.fullmatch(value):
        raise guard.fail(
            field,
            value,
            "must be an environment variable name (letters, digits, '_', not starting with a "
            "digit)",
            f"use a name such as {_example(_ENV_EXAMPLES, field, 'LOG_LEVEL')!r}",
        )
    return value


def secret_key(guard: _Guard, field: str, value: object) -> str:
    """A key inside a Secret or ConfigMap."""
    if (
        not isinstance(value, str)
        or not value
        or len(value) > 253
        or not _SECRET_KEY.fullmatch(value)
    ):
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
        or not _QUALIFIED_NAME.fullmatch(name)
        or len(name) > 63
        or (slash and (len(prefix) > 253 or not _DNS_SUBDOMAIN.fullmatch(prefix)))
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
    return value if len(value) <= 63 and _LABEL_VALUE.fullmatch(value) else None


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

    def bad() -> StationConfigError:
        return guard.fail(
            field,
            value,
            "is not a valid image reference ([registry/]name[:tag][@sha256:digest], lower-case "
            "name components)",
            "pass e.g. 'ghcr.io/cloudshipai/station:v0.23.0'",
        )

    if not isinstance(value, str) or not value or len(value) > 4096 or value != value.strip():
        raise bad()
    rest, _, digest = value.partition("@")
    if digest and not _IMAGE_DIGEST.fullmatch(digest):
        raise bad()
    registry: str | None = None
    first, slash, remainder = rest.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        if not _REGISTRY.fullmatch(first):
            raise bad()
        registry, rest = first, remainder
    last_slash = rest.rfind("/")
    name_part, colon, tag = rest[last_slash + 1 :].partition(":")
    path = rest[: last_slash + 1] + name_part
    if colon and not _IMAGE_TAG.fullmatch(tag):
        raise bad()
    if not path or not all(_IMAGE_PATH_COMPONENT.fullmatch(c) for c in path.split("/")):
        raise bad()
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


# ---------------------------------------------------------------- types of arguments
@overload
def boolean(guard: _Guard, field: str, value: object) -> bool: ...
@overload
def boolean(guard: _Guard, field: str, value: object, *, allow_none: Literal[False]) -> bool: ...
@overload
def boolean(
    guard: _Guard, field: str, value: object, *, allow_none: Literal[True]
) -> bool | None: ...
def boolean(guard: _Guard, field: str, value: object, *, allow_none: bool = False) -> bool | None:
    """``value`` if it is a real ``bool`` (``None`` too with ``allow_none``).

    Strings such as ``"false"`` or ``"no"`` are truthy in Python; accepting them would
    silently turn a switch on, so only ``True`` and ``False`` are accepted.
    """
    if isinstance(value, bool) or (allow_none and value is None):
        return value
    allowed = "True, False or None" if allow_none else "True or False"
    hint = ""
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "off", "0", ""):
        hint = f" (the string {value!r} would count as True)"
    raise guard.fail(
        field,
        value,
        f"must be {allowed}, not {_a(value)}{hint}",
        f"pass {field.split('.')[-1]}=True or {field.split('.')[-1]}=False"
        + (", or leave it out" if allow_none else ""),
    )


def _a(value: object) -> str:
    """``a str`` / ``an int``: the article and type name of ``value`` for messages."""
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _list_example(value: object, example: str) -> str:
    if isinstance(value, str) and example.startswith("['"):
        return f"[{value!r}]"
    if isinstance(value, enum.Enum):
        return f"[{type(value).__name__}.{value.name}]"
    return example


def sequence(
    guard: _Guard, field: str, value: object, *, example: str = "['...']", allow_none: bool = False
) -> list[Any]:
    """``value``'s items as a list.

    Refuses one string (it would be read character by character), bytes, a mapping,
    ``None`` (unless ``allow_none``: then ``[]``) and anything not iterable.
    """
    if value is None and allow_none:
        return []
    problem: str | None = None
    if value is None:
        problem = "must be a list, not None"
    elif isinstance(value, str | bytes | bytearray):
        problem = "must be a list, not one string (it would be read character by character)"
    elif isinstance(value, Mapping):
        problem = "must be a list, not a mapping"
    elif isinstance(value, Iterable):
        return list(value)
    else:
        problem = f"must be a list, not {_a(value)}"
    raise guard.fail(
        field,
        value,
        problem,
        f"pass a list, e.g. {_list_example(value, example)}"
        + (", or () for none" if value is None else ""),
    )


def mapping(
    guard: _Guard,
    field: str,
    value: object,
    *,
    example: str = "{'key': 'value'}",
    allow_none: bool = False,
) -> dict[Any, Any]:
    """``value`` as a dict.

    Refuses lists of pairs, strings and ``None`` (unless ``allow_none``: then ``{}``).
    """
    if value is None and allow_none:
        return {}
    if not isinstance(value, Mapping):
        raise guard.fail(
            field,
            value,
            f"must be a mapping (dict), not {_a(value)}",
            f"pass a dict, e.g. {example}",
        )
    return dict(value)


def labels_map(
    guard: _Guard, field: str, value: object, *, allow_none: bool = True
) -> dict[str, str]:
    """Kubernetes labels: qualified-name keys, string values of at most 63 characters."""
    labels = mapping(guard, field, value, example="{'team': 'ai'}", allow_none=allow_none)
    for key, item in labels.items():
        qualified_name(guard, field, key)
        if not isinstance(item, str):
            raise guard.fail(
                f"{field}[{key!r}]",
                item,
                f"must be a string label value, not {_a(item)}",
                f"quote it, e.g. {str(item)!r}"
                if isinstance(item, int | float)
                else "pass a string",
            )
        if label_value(item) is None:
            raise guard.fail(
                f"{field}[{key!r}]",
                item,
                "must be a valid label value: at most 63 letters, digits, '-', '_' or '.', "
                "starting and ending with a letter or digit (or empty)",
                "use at most 63 letters, digits, '-', '_' or '.', e.g. 'ai-platform'",
            )
    return labels


#: Kubernetes limits the total size of an object's annotations (keys and values) to 256 KiB.
_ANNOTATIONS_MAX_BYTES = 256 * 1024


def annotations_map(
    guard: _Guard, field: str, value: object, *, allow_none: bool = True
) -> dict[str, str]:
    """Kubernetes annotations: qualified-name keys, string values, 256 KiB in total."""
    annotations = mapping(
        guard, field, value, example="{'example.com/owner': 'team-ai'}", allow_none=allow_none
    )
    for key, item in annotations.items():
        qualified_name(guard, field, key)
        if not isinstance(item, str):
            raise guard.fail(
                f"{field}[{key!r}]",
                item,
                "must be a string",
                "quote the value, e.g. 'true'",
            )
    size = sum(len(k.encode()) + len(v.encode("utf-8", "replace")) for k, v in annotations.items())
    if size > _ANNOTATIONS_MAX_BYTES:
        raise guard.fail(
            field,
            f"<{size} bytes>",
            "is larger than the 256 KiB Kubernetes allows for an object's annotations",
            "keep annotations small; put large data in a ConfigMap",
        )
    return annotations


# Control characters (newlines included), format characters (bidi overrides, zero-width
# characters), surrogates and line/paragraph separators: invisible or line-breaking text.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def free_text(guard: _Guard, field: str, value: object, *, max_length: int = 253, fix: str) -> str:
    """A single-line setting such as a model name or an id.

    A non-empty string of at most ``max_length`` characters, without control characters
    (newlines included) or invisible formatting characters (bidi overrides, zero-width).
    """
    if not isinstance(value, str) or not value.strip():
        raise guard.fail(field, value, "must be a non-empty string", "pass a value or leave it out")
    if len(value) > max_length:
        raise guard.fail(
            field,
            f"{value[:40]}... ({len(value)} characters)",
            f"is longer than {max_length} characters",
            fix,
        )
    bad = next((c for c in value if unicodedata.category(c) in _FORBIDDEN_CATEGORIES), None)
    if bad is not None:
        raise guard.fail(
            field,
            value,
            f"contains the control or invisible formatting character U+{ord(bad):04X} "
            "(newlines, tabs, bidirectional overrides and zero-width characters are refused)",
            fix,
        )
    return value


def station_environment(guard: _Guard, field: str, value: object) -> str:
    """A Station environment name: letters, digits, '-' and '_' (a directory name)."""
    fix = "use an environment name such as 'default' or 'prod-eu'"
    text = free_text(guard, field, value, max_length=253, fix=fix)
    if not _STATION_ENVIRONMENT.fullmatch(text):
        raise guard.fail(
            field,
            value,
            "must be a Station environment name: letters, digits, '-' and '_' only",
            fix,
        )
    return text


def host_name(text: str) -> bool:
    """Whether ``text`` is an IP address or a DNS host name (a final dot allowed)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        pass
    else:
        return True
    name = text[:-1] if text.endswith(".") else text
    return (
        0 < len(name) <= 253
        and all(_HOST_LABEL.fullmatch(label) for label in name.split("."))
        and not name.replace(".", "").isdigit()
    )


def http_url(guard: _Guard, field: str, value: object, *, example: str) -> str:
    """An ``http(s)://host[:port][/path]`` URL with a valid host and no credentials."""
    fix = f"pass an http(s) URL, e.g. {example!r}"
    text = free_text(guard, field, value, max_length=2048, fix=fix)

    def bad(problem: str) -> StationConfigError:
        return guard.fail(field, value, problem, fix)

    if any(c.isspace() for c in text):
        raise bad("must be a URL without spaces")
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 - parsing the port raises on a bad one
    except ValueError as exc:
        raise bad(f"is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise bad("must be an http:// or https:// URL")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise guard.fail(
            field,
            "<redacted>",
            "contains credentials; the value is written into a ConfigMap in plain text "
            "(credentials belong in the Secret)",
            fix,
        )
    kind = secret_value_kind(text)
    if kind is not None:
        raise guard.fail(
            field,
            "<redacted>",
            f"looks like {kind}; the value is written into a ConfigMap in plain text",
            f"{fix}, without the secret (credentials belong in the Secret)",
        )
    if not parts.hostname or not host_name(parts.hostname):
        raise bad("has no valid host name or IP address")
    return text


def cidr(guard: _Guard, field: str, value: object) -> str:
    """A network in CIDR notation (``10.0.0.0/8``, ``2001:db8::/32``), host bits clear."""
    address, slash, prefix = value.partition("/") if isinstance(value, str) else ("", "", "")
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    if isinstance(value, str) and slash and prefix.isdigit() and address.strip() == address:
        try:
            network = ipaddress.ip_network(value, strict=True)
        except ValueError:
            network = None
    if network is None:
        raise guard.fail(
            field,
            value,
            "must be a network in CIDR notation with its host bits clear, e.g. '10.0.0.0/8' "
            "or '2001:db8::/32'",
            "write the network address with its prefix length, e.g. '203.0.113.0/24'",
        )
    return str(value)


__all__ = ["StationConfigError"]


def otlp_base_url(guard: _Guard, field: str, value: object) -> str:
    """An OTLP/HTTP collector's base URL: ``http(s)://host:port``, no path.

    Station strips only the scheme before handing the value to the exporter as its
    host:port [internal/services/telemetry_service.go ``initTraceProvider``], so a path
    (``/v1/traces``), even a lone ``/``, makes an invalid endpoint.
    """
    example = "http://otel-collector.observability:4318"
    text = http_url(guard, field, value, example=example)
    parts = urllib.parse.urlsplit(text)
    if parts.path or parts.query or parts.fragment:
        raise guard.fail(
            field,
            value,
            "must be the collector's base URL without a path: Station strips only the "
            "scheme and hands the rest to the exporter as host:port, so a path makes an "
            "invalid endpoint (the exporter adds /v1/traces itself)",
            f"pass {parts.scheme}://{parts.netloc}",
        )
    return text
