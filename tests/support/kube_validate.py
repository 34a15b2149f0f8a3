"""Schema validation of Kubernetes objects against the schemas bundled in kubernetes-validate.

kubernetes-validate ships the OpenAPI-derived JSON schemas of every supported Kubernetes
minor version (``kubernetes_validate.utils.all_versions()``), each in a lax and a strict
(``additionalProperties: false``) flavour. Its own ``kubernetes_validate.validate()`` stops
at the first error and re-reads the 1 MB definitions file on every call, so this module
loads the same schema files through ``kubernetes_validate.utils.schema_contents`` once per
(version, strictness, kind), and reports *every* error of an object.

Public API:

* :func:`validate_manifest` - errors of one object against one version (``[]`` if valid).
* :func:`validate_objects` - the same for many objects and versions, messages prefixed.
* :func:`validate_files` - the same for YAML files (multi-document, ``kind: List``).
* :func:`supported_versions` - the ``"1.NN"`` versions that have schemas.
* :class:`UnknownKindError` - no built-in schema for the object's kind/apiVersion (CRDs,
  APIs removed or not yet added in that version).
* :class:`UnsupportedVersionError` - the requested Kubernetes version has no schemas.

Strict mode is the default because it is the mode that catches typos and fields the
target version does not know (e.g. ``restartPolicy`` on an initContainer before 1.28):
the lax schemas accept any unknown field.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import kubernetes_validate.utils as kv_utils
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

__all__ = [
    "KubeValidateError",
    "UnknownKindError",
    "UnsupportedVersionError",
    "supported_versions",
    "validate_files",
    "validate_manifest",
    "validate_objects",
]

_SCHEMA_ROOT = "kubernetes-json-schema"
_VERSION_RE = re.compile(r"v?(\d+)\.(\d+)(?:\.\d+)?")


class KubeValidateError(Exception):
    """Base class of the errors raised (not returned) by this module."""


class UnsupportedVersionError(KubeValidateError, ValueError):
    """The requested Kubernetes version has no bundled schemas."""

    def __init__(self, version: str) -> None:
        """Build the message from the rejected *version* and the supported ones."""
        self.version = version
        supported = supported_versions()
        super().__init__(
            f"kubernetes-validate has no schemas for Kubernetes version {version!r}; "
            f"supported: {supported[0]}..{supported[-1]} (write them as '1.NN')"
        )


class UnknownKindError(KubeValidateError, LookupError):
    """There is no built-in schema for an object's ``kind`` and ``apiVersion``.

    This is what a custom resource (ExternalSecret, ServiceMonitor, ...) gets, and also a
    built-in kind asked for under an apiVersion that the target Kubernetes version does
    not serve (e.g. ``batch/v1beta1`` CronJob on 1.25+).
    """

    def __init__(self, kind: str, api_version: str, version: str, source: str = "") -> None:
        """Record what was looked up; *source* optionally names the file/document."""
        self.kind = kind
        self.api_version = api_version
        self.version = version
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(
            f"{where}no built-in schema for kind {kind!r} apiVersion {api_version!r} in "
            f"Kubernetes {version}: a custom resource, or an API not served by that version; "
            "validate it another way or pass allow_unknown_kinds=True to skip it"
        )


@functools.cache
def _versions() -> dict[str, str]:
    """Map ``"1.NN"`` to the full version string used in the schema directory names."""
    return {kv_utils.major_minor(v): v for v in kv_utils.all_versions()}


def supported_versions() -> list[str]:
    """Return the Kubernetes versions (``"1.NN"``, ascending) that have bundled schemas."""
    return list(_versions())


def _normalize_version(version: str) -> str:
    """Turn ``"1.29"``, ``"v1.29"`` or ``"1.29.3"`` into ``"1.29"``; reject the others."""
    match = _VERSION_RE.fullmatch(version.strip())
    if match is None:
        raise UnsupportedVersionError(version)
    major_minor = f"{int(match[1])}.{int(match[2])}"
    if major_minor not in _versions():
        raise UnsupportedVersionError(version)
    return major_minor


def _schema_dir(version: str, strict: bool) -> str:
    """Return the schema directory name for a normalized *version*."""
    return f"v{_versions()[version]}-local" + ("-strict" if strict else "")


def _load(path: str, version: str) -> dict[str, Any]:
    """Load one bundled schema file through kubernetes-validate's own loader."""
    contents = kv_utils.schema_contents(f"{_SCHEMA_ROOT}/{path}", version)
    if not isinstance(contents, dict):
        raise KubeValidateError(f"schema {path} is not a JSON object")
    return contents


@functools.cache
def _registry(version: str, strict: bool) -> Registry[Any]:
    """Return a registry holding the (large) shared definitions of one version/flavour."""
    definitions = _load(f"{_schema_dir(version, strict)}/_definitions.json", version)
    return Resource.from_contents(definitions) @ Registry()


def _split_api_version(api_version: str) -> tuple[str, str]:
    """Split ``"apps/v1"`` into ``("apps", "v1")`` and ``"v1"`` into ``("", "v1")``."""
    group, _, version = api_version.rpartition("/")
    return group, version


@functools.cache
def _validator(version: str, strict: bool, kind: str, api_version: str) -> Any:
    """Return a reusable validator for one kind, or raise :class:`UnknownKindError`."""
    # Same file naming as kubernetes_validate.validate(): the group's first label, then
    # the version, e.g. rbac.authorization.k8s.io/v1 -> rbac-v1, v1 -> v1.
    suffix = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = _load(f"{_schema_dir(version, strict)}/{kind.lower()}-{suffix}.json", version)
    except FileNotFoundError:
        raise UnknownKindError(kind, api_version, version) from None
    # The file name keeps only the group's first label, so "apps.example.com/v1" would find
    # the built-in Deployment schema: accept only the group/version/kind it declares.
    group, gv_version = _split_api_version(api_version)
    declared = schema.get("x-kubernetes-group-version-kind", [])
    if not any(
        gvk.get("group", "") == group
        and gvk.get("version") == gv_version
        and gvk.get("kind") == kind
        for gvk in declared
    ):
        raise UnknownKindError(kind, api_version, version)
    return Draft202012Validator(schema, registry=_registry(version, strict))


def _format_path(path: Iterable[Any]) -> str:
    """Render a jsonschema error path as ``spec.template.spec.containers[0].image``."""
    out = ""
    for item in path:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else str(item))
    return out or "<root>"


def _format_error(error: Any) -> str:
    """Render one jsonschema error as ``<path>: <message>``."""
    message = str(error.message)
    if error.context:
        # oneOf/anyOf: the top message is generic, the closest sub-error says what failed.
        best = min(error.context, key=lambda sub: len(list(sub.absolute_path)))
        message += f" ({best.message})"
    return f"{_format_path(error.absolute_path)}: {message}"


def validate_manifest(obj: Mapping[str, Any], version: str, strict: bool = True) -> list[str]:
    """Validate one Kubernetes object against the schema of one Kubernetes version.

    Args:
        obj: the object as a plain mapping (parsed YAML, or cdk8s ``ApiObject.to_json()``).
        version: the Kubernetes minor version, ``"1.29"`` (``"v1.29"``/``"1.29.3"`` accepted).
        strict: use the schemas that reject unknown fields (the default).

    Returns:
        One ``"<path>: <message>"`` string per schema violation, sorted; ``[]`` if valid.
        An object without a string ``apiVersion`` and ``kind`` yields one error.

    Raises:
        UnsupportedVersionError: *version* has no bundled schemas.
        UnknownKindError: there is no built-in schema for the object's kind/apiVersion.
    """
    normalized = _normalize_version(version)
    if not isinstance(obj, Mapping):
        return [f"<root>: expected a mapping, got {type(obj).__name__}"]
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    if not isinstance(kind, str) or not kind or not isinstance(api_version, str) or not api_version:
        return ["<root>: an object needs a non-empty string 'apiVersion' and 'kind'"]
    validator = _validator(normalized, strict, kind, api_version)
    errors = {_format_error(error) for error in validator.iter_errors(obj)}
    return sorted(errors)


def _describe(obj: Mapping[str, Any]) -> str:
    """Return ``Kind/name`` of an object for message prefixes."""
    metadata = obj.get("metadata")
    name = metadata.get("name", "?") if isinstance(metadata, Mapping) else "?"
    return f"{obj.get('kind', '?')}/{name}"


def validate_objects(
    objects: Iterable[Mapping[str, Any]],
    versions: Iterable[str],
    *,
    strict: bool = True,
    allow_unknown_kinds: bool = False,
    source: str = "",
) -> list[str]:
    """Validate every object against every version; return all errors, prefixed.

    Each message reads ``[<source>#<index> ]<Kind>/<name> @ <version>: <path>: <message>``.

    Args:
        objects: the objects, e.g. a cdk8s chart's ``to_json()``.
        versions: the Kubernetes versions to check (at least one).
        strict: use the schemas that reject unknown fields.
        allow_unknown_kinds: skip objects with no built-in schema instead of raising.
        source: a label (file name) put in front of each message.

    Raises:
        ValueError: *versions* is empty.
        UnsupportedVersionError: a version has no bundled schemas.
        UnknownKindError: an object has no built-in schema and *allow_unknown_kinds* is off.
    """
    normalized = [_normalize_version(v) for v in versions]
    if not normalized:
        raise ValueError("validate_objects needs at least one Kubernetes version")
    messages: list[str] = []
    for index, obj in enumerate(objects):
        where = f"{source}#{index}" if source else f"#{index}"
        label = _describe(obj) if isinstance(obj, Mapping) else "?"
        for version in normalized:
            try:
                errors = validate_manifest(obj, version, strict)
            except UnknownKindError as error:
                if allow_unknown_kinds:
                    continue
                raise UnknownKindError(error.kind, error.api_version, version, where) from None
            messages.extend(f"{where} {label} @ {version}: {e}" for e in errors)
    return messages


def _documents(path: Path) -> Iterator[Any]:
    """Yield the non-empty YAML documents of a file, expanding ``kind: List`` items."""
    with path.open(encoding="utf-8") as stream:
        for document in yaml.safe_load_all(stream):
            if document is None:
                continue
            if isinstance(document, dict) and document.get("kind") == "List":
                yield from (item for item in document.get("items") or [] if item is not None)
            else:
                yield document


def validate_files(
    paths: Iterable[str | os.PathLike[str]],
    versions: Sequence[str],
    *,
    strict: bool = True,
    allow_unknown_kinds: bool = False,
) -> list[str]:
    """Validate every object of every YAML file against every version.

    Args:
        paths: YAML files (multi-document files and ``kind: List`` are supported).
        versions: the Kubernetes versions to check (at least one), e.g. ``["1.27", "1.33"]``.
        strict: use the schemas that reject unknown fields.
        allow_unknown_kinds: skip objects with no built-in schema (CRDs) instead of raising.

    Returns:
        All errors as ``<file>#<doc> <Kind>/<name> @ <version>: <path>: <message>``;
        ``[]`` when every object is valid for every version.

    Raises:
        ValueError: *versions* is empty.
        UnsupportedVersionError: a version has no bundled schemas.
        UnknownKindError: an object has no built-in schema and *allow_unknown_kinds* is off.
    """
    normalized = [_normalize_version(v) for v in versions]
    if not normalized:
        raise ValueError("validate_files needs at least one Kubernetes version")
    messages: list[str] = []
    for raw_path in paths:
        path = Path(raw_path)
        messages.extend(
            validate_objects(
                _documents(path),
                normalized,
                strict=strict,
                allow_unknown_kinds=allow_unknown_kinds,
                source=str(path),
            )
        )
    return messages
