"""LitestreamBackup's value arguments checked, and its former keyword arguments.

``replica``, ``credentials`` and ``metrics`` are values built by the factories of
``backup_options`` (which check their own arguments); here only their types are checked,
with the new spelling for a value of 0.1's shape (``credentials=ExistingSecret(...)``,
``metrics=True``).
"""

from __future__ import annotations

from ._errors import _Guard
from ._renamed import Former
from .backup_options import LitestreamMetrics, S3Credentials, S3Replica
from .secrets import SecretSource

__all__ = ["FORMER_ARGUMENTS", "FORMER_ATTRIBUTES", "check_values"]

_AWS = "replica=S3Replica.aws(bucket, path=..., region=...)"
_COMPATIBLE = "replica=S3Replica.compatible(endpoint, bucket, path=..., region=...)"

#: LitestreamBackup's keyword arguments of 0.1 that 0.2 refuses, with what to write now.
FORMER_ARGUMENTS = {
    "bucket": Former(f"{_AWS} or {_COMPATIBLE}"),
    "path": Former("replica=S3Replica.aws(bucket, path=...) (or S3Replica.compatible)"),
    "endpoint": Former(_COMPATIBLE),
    "region": Former("replica=S3Replica.aws(bucket, region=...) (or S3Replica.compatible)"),
    "force_path_style": Former(
        "replica=S3Replica.compatible(endpoint, bucket, force_path_style=...) (or S3Replica.aws)"
    ),
    "identity": Former("credentials=S3Credentials.workload_identity(identity)"),
    "service_account_name": Former(
        "credentials=S3Credentials.workload_identity(identity, service_account_name=...)"
    ),
    "prometheus_annotations": Former(
        "metrics=LitestreamMetrics.served(prometheus_annotations=True)"
    ),
    "metrics_namespaces": Former("metrics=LitestreamMetrics.served(namespaces=[...])"),
}

#: LitestreamBackup's attributes of 0.1 (``identity``: of 0.2 development builds) that 0.2
#: no longer has, and what to read now.
FORMER_ATTRIBUTES = {
    **{
        name: Former(f"backup.replica.{name}")
        for name in ("bucket", "path", "endpoint", "region", "force_path_style")
    },
    "identity": Former("backup.credentials.identity"),
}


def check_values(
    guard: _Guard, replica: object, credentials: object, metrics: object
) -> tuple[S3Replica, S3Credentials]:
    """``replica`` (required), ``credentials`` (default: static keys) and ``metrics``."""
    if not isinstance(replica, S3Replica):
        raise guard.fail(
            "replica",
            None if replica is None else type(replica).__name__,
            "is required: where the backup lives" if replica is None else "must be an S3Replica",
            f"pass {_AWS}, or {_COMPATIBLE} for an S3-compatible store",
        )
    if credentials is None:
        credentials = S3Credentials.from_secret()
    elif isinstance(credentials, SecretSource):
        raise guard.fail(
            "credentials",
            type(credentials).__name__,
            "is an S3Credentials since station-constructs 0.2.0, not a SecretSource",
            "wrap it: credentials=S3Credentials.from_secret(<the source>)",
        )
    elif not isinstance(credentials, S3Credentials):
        raise guard.fail(
            "credentials",
            type(credentials).__name__,
            "must be an S3Credentials",
            "pass S3Credentials.from_secret(ExistingSecret('station-litestream')) or "
            "S3Credentials.workload_identity(WorkloadIdentity.aws_irsa('arn:...'))",
        )
    if not isinstance(metrics, LitestreamMetrics):
        raise guard.fail(
            "metrics",
            metrics if isinstance(metrics, bool) else type(metrics).__name__,
            "must be a LitestreamMetrics since station-constructs 0.2.0, not a bool"
            if isinstance(metrics, bool)
            else "must be a LitestreamMetrics",
            "pass metrics=LitestreamMetrics.served() (the default; was True) or "
            "metrics=LitestreamMetrics.off() (was False)",
        )
    return replica, credentials
