"""Where a backup lives in S3: bucket, key prefix, endpoint, region and addressing style.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s. The ``S3Replica``
factories check their fields here (:func:`check_replica_fields`), ``LitestreamBackup``
defaults the replica's path (:func:`resolve_target`), and ``ConfigDirBackup`` checks its own
key prefix with :func:`config_prefix`.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from dataclasses import dataclass
from typing import Protocol

from .._errors import _Guard

__all__ = [
    "ReplicaFields",
    "S3Target",
    "aws_endpoint",
    "check_identity_target",
    "check_replica_fields",
    "config_prefix",
    "resolve_target",
]

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_PATH_SEGMENT = re.compile(r"^[A-Za-z0-9._-]+$")
_REGION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
_AWS_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$")
_HOST_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


@dataclass(frozen=True)
class S3Target:
    """A replica's place in S3, checked."""

    bucket: str
    """The S3 bucket."""
    path: str
    """The key prefix inside the bucket."""
    endpoint: str | None
    """The S3-compatible endpoint (no trailing ``/``), or ``None`` for AWS S3."""
    region: str | None
    """The region rendered (``None``: Litestream asks AWS for the bucket's region)."""
    force_path_style: bool
    """Whether the bucket is addressed path-style (``endpoint/bucket``)."""


def check_replica_fields(
    guard: _Guard,
    *,
    bucket: object,
    path: object,
    endpoint: object,
    region: object,
    force_path_style: bool,
) -> tuple[str, str | None, str | None, str | None, bool]:
    """Check bucket, path (``None``: the construct's default), endpoint, region, path style.

    Returns them in that order, the endpoint without a trailing ``/``.
    """
    checked_bucket = _bucket(guard, bucket)
    checked_path = None if path is None else _key_prefix(guard, path)
    checked_endpoint = None if endpoint is None else _endpoint(guard, endpoint)
    checked_region = (
        None if region is None else _region(guard, region, aws=aws_endpoint(checked_endpoint))
    )
    if not force_path_style and checked_endpoint is not None and _in_cluster(checked_endpoint):
        raise guard.fail(
            "force_path_style",
            False,
            f"addresses the bucket as a sub-domain of {checked_endpoint} (virtual-hosted "
            f"style): '{checked_bucket}.<host>' does not resolve for an in-cluster or IP "
            "endpoint",
            "drop force_path_style (path style is the default with an endpoint)",
        )
    return checked_bucket, checked_path, checked_endpoint, checked_region, force_path_style


class ReplicaFields(Protocol):
    """What :func:`resolve_target` reads of an ``S3Replica`` (which imports this module)."""

    @property
    def bucket(self) -> str: ...
    @property
    def path(self) -> str | None: ...
    @property
    def endpoint(self) -> str | None: ...
    @property
    def region(self) -> str | None: ...
    @property
    def force_path_style(self) -> bool: ...


def resolve_target(guard: _Guard, replica: ReplicaFields, *, default_path: str) -> S3Target:
    """The place of a replica: an ``S3Replica``'s fields, its path defaulted.

    Its factories checked the fields (they are the only way to build one).
    """
    return S3Target(
        bucket=replica.bucket,
        path=_key_prefix(guard, default_path) if replica.path is None else replica.path,
        endpoint=replica.endpoint,
        region=replica.region,
        force_path_style=replica.force_path_style,
    )


def aws_endpoint(endpoint: str | None) -> bool:
    """Whether ``endpoint`` is AWS S3 (``None``: the default, AWS)."""
    if endpoint is None:
        return True
    host = urllib.parse.urlsplit(endpoint).hostname or ""
    return host.endswith((".amazonaws.com", ".amazonaws.com.cn"))


# S3-compatible stores that never accept AWS STS credentials.
_NOT_AWS = (
    ".r2.cloudflarestorage.com",
    "storage.googleapis.com",
    ".digitaloceanspaces.com",
    ".backblazeb2.com",
    ".wasabisys.com",
    ".linodeobjects.com",
)


def check_identity_target(guard: _Guard, identity_kind: str | None, target: S3Target) -> None:
    """An AWS workload identity gives credentials only AWS S3 accepts.

    Refused: an in-cluster store (MinIO, SeaweedFS as a Service) and the S3-compatible clouds
    known to refuse AWS credentials. Other hosts and IP addresses pass: a proxy in front of
    AWS S3, or a stand-in in tests.
    """
    endpoint = target.endpoint
    if identity_kind is None or endpoint is None:
        return
    host = urllib.parse.urlsplit(endpoint).hostname or ""
    in_cluster = _in_cluster(endpoint) and not _is_ip(host.strip("[]"))
    if in_cluster or host.endswith(_NOT_AWS):
        raise guard.fail(
            "credentials",
            identity_kind,
            f"gives AWS credentials, which the store at {endpoint} does not accept "
            "(only AWS S3 trusts AWS STS)",
            "pass credentials=S3Credentials.from_secret(...) with the store's own keys "
            "(e.g. ExistingSecret('station-litestream')), or back up to AWS S3 "
            "(replica=S3Replica.aws(...))",
        )


def _in_cluster(endpoint: str) -> bool:
    host = urllib.parse.urlsplit(endpoint).hostname or ""
    return (
        "." not in host
        or _is_ip(host.strip("[]"))
        or host.endswith((".svc", ".cluster.local", ".local", ".internal"))
    )


def _bucket(guard: _Guard, value: object) -> str:
    problem = None
    if not isinstance(value, str) or not _BUCKET.fullmatch(value):
        problem = (
            "must be an S3 bucket name: 3-63 lower-case letters, digits, '-' and '.', "
            "starting and ending with a letter or digit"
        )
    elif ".." in value or ".-" in value or "-." in value:
        problem = "must not contain '..', '.-' or '-.'"
    elif _is_ip(value):
        problem = "must not be formatted as an IP address"
    elif value.startswith(_BUCKET_PREFIXES) or value.endswith(_BUCKET_SUFFIXES):
        problem = (
            "uses a prefix or suffix S3 reserves "
            f"({', '.join(_BUCKET_PREFIXES)}; {', '.join(_BUCKET_SUFFIXES)})"
        )
    if problem is not None:
        raise guard.fail(
            "bucket",
            value,
            problem,
            "pass the bucket's name only (no s3:// scheme, no path), e.g. 'station-backups'",
        )
    return str(value)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def config_prefix(guard: _Guard, value: object) -> str:
    """A ConfigDirBackup's key prefix: :func:`_key_prefix`, with its own example and default."""
    return _key_prefix(
        guard,
        value,
        example="station/prod/config",
        default="'<dirname of the backup's path>/config'",
    )


def _key_prefix(
    guard: _Guard,
    value: object,
    *,
    example: str = "station/prod/station.db",
    default: str = "'<namespace>/<name>/station.db'",
) -> str:
    segments = value.split("/") if isinstance(value, str) else []
    if (
        not isinstance(value, str)
        or not value
        or len(value) > 512
        or not all(_PATH_SEGMENT.fullmatch(s) and s not in (".", "..") for s in segments)
    ):
        raise guard.fail(
            "path",
            value,
            "must be a key prefix of '/'-separated segments of letters, digits, '.', '_' and "
            "'-' (no leading or trailing '/', no empty, '.' or '..' segment, no '$': "
            "Litestream expands variables in its configuration), at most 512 characters",
            f"pass e.g. {example!r}, or leave it out for {default}",
        )
    return value


def _endpoint(guard: _Guard, value: object) -> str:
    def bad(problem: str, *, shown: object = value) -> Exception:
        return guard.fail(
            "endpoint",
            shown,
            problem,
            "pass the store's S3 API base URL, e.g. 'http://minio.minio.svc:9000' or "
            "'https://s3.example.com', and the bucket and path separately",
        )

    if not isinstance(value, str) or not value or value != value.strip() or "$" in value:
        raise bad("must be an http(s) URL without spaces or '$'")
    try:
        parts = urllib.parse.urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise bad(f"is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise bad("must start with http:// or https:// (s3:// URLs go into bucket and path)")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise bad(
            "contains credentials; they would be written into the ConfigMap in plain text "
            "(credentials come only from the Secret)",
            shown="<redacted>",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise bad("must have no path, query or fragment (Litestream appends the bucket itself)")
    host = parts.hostname or ""
    if host.startswith("[") or ":" in host:
        valid_host = _is_ip(host.strip("[]"))
    else:
        valid_host = _is_ip(host) or (
            len(host) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in host.split("."))
        )
    if not host or not valid_host:
        raise bad("has no valid host name or IP address")
    if port is not None and not 1 <= port <= 65535:  # pragma: no cover - urlsplit refuses
        raise bad("has a port outside 1-65535")
    return value.rstrip("/")


def _region(guard: _Guard, value: object, *, aws: bool) -> str:
    if not isinstance(value, str) or not _REGION.fullmatch(value):
        raise guard.fail(
            "region",
            value,
            "must be a region name: letters, digits, '-', '_' or '.', at most 63 characters",
            "pass e.g. 'eu-west-1', or leave it out",
        )
    if value != value.lower() or (aws and not _AWS_REGION.fullmatch(value)):
        raise guard.fail(
            "region",
            value,
            "is not a region name as "
            + ("AWS spells it (e.g. 'eu-west-1')" if aws else "S3 signs it (lower case)")
            + ": every signed request would be refused",
            f"pass {value.lower()!r}" if value != value.lower() else "pass e.g. 'eu-west-1'",
        )
    return value
