"""Single-line text, Station environment names, URLs and networks as users pass them.

Re-exported by ``station_constructs._validate``.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
import urllib.parse

from ._errors import StationConfigError, _Guard
from ._secret_material import secret_value_kind

__all__ = [
    "bundle_uuid",
    "cidr",
    "free_text",
    "host_name",
    "http_url",
    "otlp_base_url",
    "station_environment",
]

_HOST_LABEL = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?")
_STATION_ENVIRONMENT = re.compile(r"[A-Za-z0-9_-]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


# Control characters (newlines included), format characters (bidi overrides, zero-width
# characters), surrogates and line/paragraph separators: invisible or line-breaking text.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def free_text(guard: _Guard, field: str, value: object, *, max_length: int = 253, fix: str) -> str:
    """A single-line setting such as a model name or an id.

    A non-empty string of at most ``max_length`` characters, without control characters
    (newlines included) or invisible formatting characters (bidi overrides, zero-width).
    """
    if not isinstance(value, str) or not value.strip():
        raise guard.fail(field, value, "must be a non-empty string", fix)
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


def bundle_uuid(guard: _Guard, field: str, value: object, *, fix: str) -> str:
    """A CloudShip bundle id: single-line text (``fix`` if not) that is a UUID.

    Station refuses any other bundle id at start, and the start fails with it.
    """
    text = free_text(guard, field, value, fix=fix)
    if not _UUID.fullmatch(text):
        raise guard.fail(
            field,
            text,
            "is not a UUID; Station refuses the bundle and stops at start",
            "pass the bundle's UUID from CloudShip, e.g. '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f'",
        )
    return text


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
