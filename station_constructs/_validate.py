"""Parsers and checks for the values users pass in: names, sizes, ports, images, durations.

Each function either returns the normalised value or raises :class:`StationConfigError`
naming the field, the value received, the rule and the fix.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal, overload

from ._errors import StationConfigError, _Guard

# Re-exported: every value parser is imported from here.
from ._validate_images import ImageReference as ImageReference
from ._validate_images import image_reference as image_reference
from ._validate_quantities import BinaryQuantity as BinaryQuantity
from ._validate_quantities import binary_quantity as binary_quantity
from ._validate_quantities import cpu_millis as cpu_millis
from ._validate_quantities import duration_seconds as duration_seconds
from ._validate_quantities import go_duration as go_duration
from ._validate_text import cidr as cidr
from ._validate_text import free_text as free_text
from ._validate_text import host_name as host_name
from ._validate_text import http_url as http_url
from ._validate_text import otlp_base_url as otlp_base_url
from ._validate_text import station_environment as station_environment

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_QUALIFIED_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")


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


__all__ = ["StationConfigError"]


__all__ = ["StationConfigError"]
