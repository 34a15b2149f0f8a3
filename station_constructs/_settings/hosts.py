"""Host names as Ingress rules and HTTPRoute hostnames take them (RFC 1123, or ``*.`` + one)."""

from __future__ import annotations

import ipaddress
import re

from .._errors import _Guard

__all__ = ["host_name"]

_HOST_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_HOST = re.compile(rf"^{_HOST_LABEL}(\.{_HOST_LABEL})*$")


def host_name(guard: _Guard, field: str, value: object, *, kind: str = "Ingress") -> str:
    """A host name as Ingress rules and HTTPRoute hostnames take it: RFC 1123 or ``*.`` + one."""
    if not isinstance(value, str) or not value:
        raise guard.fail(field, value, "must be a host name", "pass e.g. 'station.example.com'")
    if any(c in value for c in ":/?# "):
        raise guard.fail(
            field,
            value,
            "must be a bare host name, without scheme, port, path or spaces",
            "pass e.g. 'station.example.com' (not 'https://station.example.com/')",
        )
    if value != value.lower():
        raise guard.fail(field, value, "must be lower case (RFC 1123)", f"pass {value.lower()!r}")
    name = value[2:] if value.startswith("*.") else value
    if "*" in name:
        raise guard.fail(
            field,
            value,
            "a wildcard must be the whole first label ('*.example.com' matches one label; "
            "'*', 'a*.example.com' and 'a.*.example.com' are invalid)",
            "pass e.g. '*.example.com' or an exact host",
        )
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        raise guard.fail(
            field,
            value,
            f"is an IP address; {kind} hosts must be DNS names",
            "point a DNS name at the controller's address, or use StationDeployment's "
            "external_service= for access by IP",
        )
    if len(name) > 253 or not _HOST.fullmatch(name) or any(len(p) > 63 for p in name.split(".")):
        raise guard.fail(
            field,
            value,
            "must be an RFC 1123 host name: dot-separated labels of 1-63 lower-case letters, "
            "digits or '-', starting and ending with a letter or digit, at most 253 characters",
            "pass e.g. 'station.example.com'",
        )
    return value
