"""Validation of custom objects against the CustomResourceDefinitions in ``crds/``.

The CRD files are the repository's own copies in ``<repo>/crds`` (upstream sources and
commits in ``crds/SOURCES.md``), as :data:`tests.support.paths.CRD_DIR` names them.

Public API:

* :func:`is_custom_kind` - whether a CRD in the directory defines the object's group and
  kind (in any version, served or not: an ``external-secrets.io/v1beta1`` ExternalSecret
  is a custom kind, and :func:`validate_custom_object` rejects it as not served).
* :func:`validate_custom_object` - every error of one object, ``[]`` if it is valid.
  Messages read ``"<path>: <message>"`` (``<root>`` for the object itself), sorted.

How the CRD's ``openAPIV3Schema`` is applied (what the API server would do on create):

* the version named by ``apiVersion`` must exist and be served (deprecated served
  versions are rejected too unless ``allow_deprecated=True``);
* structural pruning is an error: where a schema node describes an object (``properties``
  or ``type: object``) without ``additionalProperties`` and without
  ``x-kubernetes-preserve-unknown-fields: true``, the API server silently drops unknown
  fields, so they are reported (this is what catches typos); inside
  ``x-kubernetes-preserve-unknown-fields`` nodes unknown fields are accepted;
* ``x-kubernetes-int-or-string`` accepts an integer or a string, ``nullable`` adds
  ``null``, OpenAPI 3.0 boolean ``exclusiveMinimum``/``exclusiveMaximum`` are converted,
  ``x-kubernetes-embedded-resource`` allows ``apiVersion``/``kind``/``metadata``;
* ``x-kubernetes-list-type: set|map`` reject duplicate items / duplicate map keys;
* ``x-kubernetes-validations`` (CEL): rules written in a small subset (``has()``,
  ``size()``, field selection on ``self``, ``!``, ``&&``, ``||``, comparisons with
  integer/string/bool literals) are evaluated; transition rules (``oldSelf``) do not apply
  on create, and rules outside the subset are skipped, not guessed;
* formats ``byte``, ``date-time``, ``int32`` and ``int64`` are checked; others are not;
* ``metadata`` is only partly described by CRDs, so it is checked separately as a minimal
  ObjectMeta: known fields only, ``name`` (or ``generateName``) a DNS-1123 subdomain,
  ``namespace`` a DNS-1123 label (and absent for cluster-scoped kinds), labels and
  annotations string maps with valid keys (label values valid too).

OpenAPI v3.0 schema objects are a Draft 4/5-era dialect; after the conversions above they
are evaluated with :class:`jsonschema.Draft7Validator`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import yaml
from jsonschema import Draft7Validator, FormatChecker, ValidationError, validators

from tests.support.paths import CRD_DIR

__all__ = ["crd_dir", "is_custom_kind", "validate_custom_object"]

_ROOT_FIELDS = ("apiVersion", "kind", "metadata")
_MAX_MESSAGE = 300

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_OBJECT_META_FIELDS = frozenset(
    {
        "annotations",
        "creationTimestamp",
        "deletionGracePeriodSeconds",
        "deletionTimestamp",
        "finalizers",
        "generateName",
        "generation",
        "labels",
        "managedFields",
        "name",
        "namespace",
        "ownerReferences",
        "resourceVersion",
        "selfLink",
        "uid",
    }
)


# --------------------------------------------------------------------------- CRD lookup


def crd_dir() -> Path:
    """Return the directory holding the CRD YAML files (the repository's ``crds/``)."""
    return CRD_DIR


@functools.cache
def _load_crds(path: Path) -> tuple[Mapping[str, Any], ...]:
    """Return the CustomResourceDefinition documents of one YAML file (cached)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster
    with path.open(encoding="utf-8") as stream:
        documents = list(yaml.load_all(stream, Loader=loader))
    return tuple(
        cast(Mapping[str, Any], doc)
        for doc in documents
        if isinstance(doc, Mapping) and doc.get("kind") == "CustomResourceDefinition"
    )


def _find_crd(group: str, kind: str, directory: Path) -> Mapping[str, Any] | None:
    """Return the CRD defining ``group``/``kind`` in ``directory``, or ``None``.

    Files named after the CRD (``<plural>.<group>.yaml``) are read first, smallest first,
    so that looking up one kind does not parse every (possibly large) CRD of its group.
    """
    if not directory.is_dir():
        raise FileNotFoundError(f"CRD directory missing: {directory} (see crds/SOURCES.md)")
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))
    preferred = sorted(
        (p for p in files if p.stem.endswith(f".{group}")), key=lambda p: p.stat().st_size
    )
    for path in preferred + [p for p in files if p not in preferred]:
        for crd in _load_crds(path):
            spec = crd.get("spec") or {}
            if spec.get("group") == group and (spec.get("names") or {}).get("kind") == kind:
                return crd
    return None


def _split_api_version(api_version: str) -> tuple[str, str]:
    """Split ``group/version`` (the core group has no slash and an empty group)."""
    group, _, version = api_version.rpartition("/")
    return group, version


def is_custom_kind(obj: Mapping[str, Any]) -> bool:
    """Return whether a CRD in :func:`crd_dir` defines the object's API group and kind.

    Any version counts, served or not, so that objects of an unserved version are routed
    to :func:`validate_custom_object` and rejected there rather than reported as unknown.
    """
    if not isinstance(obj, Mapping):
        return False
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return False
    group, _ = _split_api_version(api_version)
    if "." not in group:  # CRD groups must contain a dot; "", apps, batch... are built in
        return False
    return _find_crd(group, kind, crd_dir()) is not None


# ------------------------------------------------------------- schema -> JSON Schema


def _to_json_schema(node: Mapping[str, Any], *, structural: bool) -> dict[str, Any]:
    """Convert one OpenAPI v3 CRD schema node into Draft 7 JSON Schema.

    ``structural`` is false inside ``allOf``/``anyOf``/``oneOf``/``not``: those only add
    value validations and never prune, so no ``additionalProperties: false`` is added.
    """
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, Mapping):
            out[key] = {
                name: _to_json_schema(sub, structural=structural) for name, sub in value.items()
            }
        elif key in ("items", "additionalProperties") and isinstance(value, Mapping):
            out[key] = _to_json_schema(value, structural=structural)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [_to_json_schema(sub, structural=False) for sub in value]
        elif key == "not" and isinstance(value, Mapping):
            out[key] = _to_json_schema(value, structural=False)
        elif key in ("description", "example", "externalDocs", "default"):
            continue  # annotations only: keep the compiled schema small
        else:
            out[key] = value

    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), bool):
            if out.pop(bound) and limit in out:
                out[bound] = out.pop(limit)

    if node.get("x-kubernetes-int-or-string"):
        out["type"] = ["integer", "string"]
    if node.get("nullable"):
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]

    describes_object = node.get("type") == "object" or "properties" in node
    if node.get("x-kubernetes-embedded-resource"):
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object"})
    if (
        structural
        and describes_object
        and "additionalProperties" not in node
        and not node.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


def _root_schema(openapi: Mapping[str, Any]) -> dict[str, Any]:
    """Convert a version's ``openAPIV3Schema``; metadata is left to :func:`_check_meta`."""
    schema = _to_json_schema(openapi, structural=True)
    props: dict[str, Any] = schema.setdefault("properties", {})
    props.setdefault("apiVersion", {"type": "string"})
    props.setdefault("kind", {"type": "string"})
    meta = openapi.get("properties", {}).get("metadata", {})
    # CRDs may only restrict metadata.name/generateName; keep those constraints, allow the rest.
    props["metadata"] = _to_json_schema(meta, structural=False) if meta else {"type": "object"}
    props["metadata"]["type"] = "object"
    return schema


# ------------------------------------------------------------ Kubernetes extensions


class _Unsupported(Exception):
    """A CEL rule outside the supported subset, or one that errors; it is skipped."""


_ABSENT = object()
_CEL_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+)|(?P<str>'[^'\\]*'|\"[^\"\\]*\")|(?P<id>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>&&|\|\||==|!=|>=|<=|[()!.<>]))"
)


class _Cel:
    """Evaluator for a small, safe subset of CEL (see the module docstring)."""

    def __init__(self, rule: str, self_value: Any) -> None:
        """Tokenize ``rule``; raise :class:`_Unsupported` on anything unknown."""
        self.tokens: list[tuple[str, str]] = []
        pos, rule = 0, rule.strip()
        while pos < len(rule):
            match = _CEL_TOKEN.match(rule, pos)
            if match is None or match.end() == pos:
                raise _Unsupported(rule)
            kind = cast(str, match.lastgroup)
            self.tokens.append((kind, match.group(kind)))
            pos = match.end()
        self.pos = 0
        self.self_value = self_value

    def evaluate(self) -> bool:
        """Return the rule's boolean value."""
        value = self._or()
        if self.pos != len(self.tokens) or not isinstance(value, bool):
            raise _Unsupported("trailing tokens or non-boolean result")
        return value

    def _peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise _Unsupported("unexpected end")
        token = self.tokens[self.pos]
        if expected is not None and token[1] != expected:
            raise _Unsupported(f"expected {expected!r}")
        self.pos += 1
        return token

    def _or(self) -> Any:
        value = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            value = _as_bool(value) or _as_bool(right)
        return value

    def _and(self) -> Any:
        value = self._compare()
        while self._peek() == "&&":
            self._take()
            right = self._compare()
            value = _as_bool(value) and _as_bool(right)
        return value

    def _compare(self) -> Any:
        left = self._not()
        op = self._peek()
        if op in ("==", "!=", ">", ">=", "<", "<="):
            self._take()
            right = self._not()
            if type(left) is not type(right):
                raise _Unsupported("comparison of different types")
            if op == "==":
                return left == right
            if op == "!=":
                return left != right
            if op == ">":
                return left > right
            if op == ">=":
                return left >= right
            if op == "<":
                return left < right
            return left <= right
        return left

    def _not(self) -> Any:
        if self._peek() == "!":
            self._take()
            return not _as_bool(self._not())
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self._take()
        if text == "(":
            value = self._or()
            self._take(")")
            return value
        if kind == "num":
            return int(text)
        if kind == "str":
            return text[1:-1]
        if text in ("true", "false"):
            return text == "true"
        if text == "has":
            self._take("(")
            value = self._selector(self._take()[1], has=True)
            self._take(")")
            return value is not _ABSENT
        if text == "size":
            self._take("(")
            value = self._or()
            self._take(")")
            if not isinstance(value, (str, list, dict)):
                raise _Unsupported("size() of a non-sized value")
            return len(value)
        return self._selector(text, has=False)

    def _selector(self, head: str, *, has: bool) -> Any:
        if head != "self":
            raise _Unsupported(f"identifier {head!r}")
        value: Any = self.self_value
        while self._peek() == ".":
            self._take()
            name = self._take()[1]
            if not isinstance(value, Mapping):
                raise _Unsupported("field selection on a non-object")
            value = value.get(name, _ABSENT)
            if value is _ABSENT and not (has and self._peek() != "."):
                raise _Unsupported(f"no such key: {name}")  # CEL errors; the server says so
        return value


def _as_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Unsupported("non-boolean operand")
    return value


def _check_cel_rules(
    validator: Any, rules: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """Keyword ``x-kubernetes-validations``: evaluate the supported CEL rules."""
    for rule in rules if isinstance(rules, list) else []:
        text = rule.get("rule") if isinstance(rule, Mapping) else None
        if not isinstance(text, str) or "oldSelf" in text:
            continue  # transition rules are not evaluated when an object is created
        try:
            ok = _Cel(text, instance).evaluate()
        except _Unsupported:
            continue
        if not ok:
            message = rule.get("message") or f"failed rule: {text}"
            yield ValidationError(f"{message} (x-kubernetes-validations rule: {text})")


def _check_list_type(
    validator: Any, list_type: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """Keyword ``x-kubernetes-list-type``: items of a set, keys of a map, are unique."""
    if not isinstance(instance, list) or list_type not in ("set", "map"):
        return
    keys = schema.get("x-kubernetes-list-map-keys") or []
    seen: list[Any] = []
    for index, item in enumerate(instance):
        if list_type == "set":
            identity: Any = item
        elif isinstance(item, Mapping):
            identity = tuple(item.get(key) for key in keys)
        else:
            continue
        if identity in seen:
            what = (
                "value"
                if list_type == "set"
                else f"map key {dict(zip(keys, identity, strict=True))}"
            )
            yield ValidationError(
                f"item [{index}]: duplicate {what} in a list of type {list_type!r}"
            )
        else:
            seen.append(identity)


def _is_byte(value: object) -> bool:
    if isinstance(value, str):
        base64.b64decode(value, validate=True)
    return True


def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or _RFC3339.fullmatch(value) is not None


def _is_int32(value: object) -> bool:
    return not isinstance(value, int) or -(2**31) <= value < 2**31


def _is_int64(value: object) -> bool:
    return not isinstance(value, int) or -(2**63) <= value < 2**63


_FORMATS = FormatChecker(formats=())
_FORMATS.checks("byte", raises=(binascii.Error, ValueError))(_is_byte)
_FORMATS.checks("date-time")(_is_date_time)
_FORMATS.checks("int32")(_is_int32)
_FORMATS.checks("int64")(_is_int64)


_CrdValidator = validators.extend(
    Draft7Validator,
    {"x-kubernetes-validations": _check_cel_rules, "x-kubernetes-list-type": _check_list_type},
)


@functools.cache
def _validator(directory: Path, group: str, kind: str, version: str) -> Any:
    """Return the compiled validator of one CRD version (cached per kind and version)."""
    crd = _find_crd(group, kind, directory)
    assert crd is not None
    for entry in crd["spec"].get("versions") or []:
        if entry.get("name") == version:
            openapi = (entry.get("schema") or {}).get("openAPIV3Schema") or {}
            return _CrdValidator(_root_schema(openapi), format_checker=_FORMATS)
    raise KeyError(version)


# ---------------------------------------------------------------------- messages


def _format_path(path: Any) -> str:
    out = ""
    for item in path:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else str(item))
    return out or "<root>"


def _join(path: str, name: str) -> str:
    return name if path == "<root>" else f"{path}.{name}"


def _messages(error: Any) -> list[str]:
    """Turn one jsonschema error into ``"<path>: <message>"`` strings."""
    path = _format_path(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        known = error.schema.get("properties") or {}
        return [
            f"{_join(path, str(name))}: unknown field (not in the CRD schema; "
            "the API server would prune it)"
            for name in error.instance
            if name not in known
        ]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return [f"{_join(path, missing)}: required field is missing"]
    message = str(error.message)
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 3] + "..."
    return [f"{path}: {message}"]


# ---------------------------------------------------------------------- metadata


def _check_qualified_key(key: str) -> str | None:
    """Return why ``key`` is not a valid label/annotation key, or ``None``."""
    prefix, slash, name = key.rpartition("/")
    if slash and (len(prefix) > 253 or not _DNS1123_SUBDOMAIN.fullmatch(prefix)):
        return "prefix must be a DNS-1123 subdomain of at most 253 characters"
    if len(name) > 63 or not _QUALIFIED_NAME.fullmatch(name):
        return (
            "name must be at most 63 characters of [A-Za-z0-9._-], "
            "starting and ending with an alphanumeric character"
        )
    return None


def _check_string_map(meta: Mapping[str, Any], field: str, *, values: bool) -> list[str]:
    """Check ``metadata.labels``/``annotations``: a string map with valid keys."""
    mapping = meta.get(field)
    if mapping is None:
        return []
    if not isinstance(mapping, Mapping):
        return [f"metadata.{field}: expected a mapping of strings"]
    errors: list[str] = []
    for key, value in mapping.items():
        where = f"metadata.{field}.{key}"
        if not isinstance(key, str) or not isinstance(value, str):
            errors.append(f"{where}: keys and values must be strings")
            continue
        problem = _check_qualified_key(key)
        if problem:
            errors.append(f"{where}: invalid key: {problem}")
        if values and value and (len(value) > 63 or not _QUALIFIED_NAME.fullmatch(value)):
            errors.append(
                f"{where}: invalid label value {value!r}: at most 63 characters of "
                "[A-Za-z0-9._-], starting and ending with an alphanumeric character"
            )
    return errors


def _check_meta(meta: Any, *, namespaced: bool) -> list[str]:
    """Minimal ObjectMeta check (CRD schemas leave ``metadata`` to the API server)."""
    if meta is None:
        return ["metadata: required field is missing"]
    if not isinstance(meta, Mapping):
        return ["metadata: expected a mapping"]
    errors = [
        f"metadata.{name}: unknown field (not in ObjectMeta)"
        for name in meta
        if name not in _OBJECT_META_FIELDS
    ]
    name, generate_name = meta.get("name"), meta.get("generateName")
    if name is None and generate_name is None:
        errors.append("metadata.name: required field is missing (or set generateName)")
    if name is not None and (
        not isinstance(name, str) or len(name) > 253 or not _DNS1123_SUBDOMAIN.fullmatch(name)
    ):
        errors.append(
            f"metadata.name: {name!r} is not a DNS-1123 subdomain (lowercase alphanumerics, "
            "'-' and '.', alphanumeric at both ends, at most 253 characters)"
        )
    if generate_name is not None and (
        not isinstance(generate_name, str)
        or len(generate_name) > 253
        or not re.fullmatch(r"[a-z0-9]([-a-z0-9.]*)", generate_name)
    ):
        errors.append(f"metadata.generateName: {generate_name!r} is not a valid name prefix")
    namespace = meta.get("namespace")
    if namespace is not None:
        if not namespaced:
            errors.append(
                "metadata.namespace: set on a cluster-scoped kind (the API server clears it)"
            )
        elif (
            not isinstance(namespace, str)
            or len(namespace) > 63
            or not _DNS1123_LABEL.fullmatch(namespace)
        ):
            errors.append(
                f"metadata.namespace: {namespace!r} is not a DNS-1123 label (lowercase "
                "alphanumerics and '-', alphanumeric at both ends, at most 63 characters)"
            )
    errors += _check_string_map(meta, "labels", values=True)
    errors += _check_string_map(meta, "annotations", values=False)
    return errors


# ---------------------------------------------------------------------- entry point


def validate_custom_object(obj: Mapping[str, Any], *, allow_deprecated: bool = False) -> list[str]:
    """Validate a custom object against its CRD; return every error (``[]`` if valid).

    The object's ``apiVersion`` must name a served version of a CRD found in
    :func:`crd_dir` (and a non-deprecated one unless ``allow_deprecated``).
    """
    if not isinstance(obj, Mapping):
        return [f"<root>: expected a mapping, got {type(obj).__name__}"]
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not api_version or not isinstance(kind, str) or not kind:
        return ["<root>: an object needs a non-empty string 'apiVersion' and 'kind'"]
    group, version = _split_api_version(api_version)
    directory = crd_dir()
    crd = _find_crd(group, kind, directory) if "." in group else None
    if crd is None:
        return [f"<root>: no CRD for kind {kind!r} in group {group!r} in {directory}"]

    spec = crd["spec"]
    versions = {v.get("name"): v for v in spec.get("versions") or [] if isinstance(v, Mapping)}
    served = sorted(f"{group}/{n}" for n, v in versions.items() if v.get("served"))
    entry = versions.get(version)
    if entry is None or not entry.get("served"):
        state = "is not defined by" if entry is None else "is not served by"
        return [
            f"apiVersion: {api_version!r} {state} CRD {crd['metadata']['name']}; "
            f"served: {', '.join(served) or 'none'}"
        ]
    if entry.get("deprecated") and not allow_deprecated:
        warning = entry.get("deprecationWarning") or "deprecated"
        return [
            f"apiVersion: {api_version!r} is deprecated ({warning}); served: {', '.join(served)}"
        ]

    validator = _validator(directory, group, kind, version)
    errors: list[str] = []
    for error in validator.iter_errors(obj):
        errors.extend(_messages(error))
    errors += _check_meta(obj.get("metadata"), namespaced=spec.get("scope") != "Cluster")
    return sorted(set(errors))
