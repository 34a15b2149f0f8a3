"""Builders of the backup values the tests share: an in-cluster MinIO replica, AWS S3."""

from __future__ import annotations

from typing import Any

from constructs import Construct

from station_constructs import LitestreamBackup, S3Replica, StationDeployment

#: The in-cluster S3-compatible store most backup tests replicate to.
MINIO = "http://minio.minio.svc:9000"
#: The bucket they use.
BUCKET = "station-backups"


def minio(**options: Any) -> S3Replica:
    """``S3Replica.compatible(MINIO, BUCKET, **options)``."""
    return S3Replica.compatible(MINIO, options.pop("bucket", BUCKET), **options)


def aws(**options: Any) -> S3Replica:
    """``S3Replica.aws(BUCKET, **options)``."""
    return S3Replica.aws(options.pop("bucket", BUCKET), **options)


def litestream(
    scope: Construct,
    station: StationDeployment,
    id: str = "backup",
    *,
    bucket: str = "bkt",
    path: str | None = None,
    **options: Any,
) -> LitestreamBackup:
    """A LitestreamBackup of ``station`` to AWS S3 ``bucket`` (``options`` passed on)."""
    options.setdefault("replica", S3Replica.aws(bucket, path=path))
    return LitestreamBackup(scope, id, station=station, **options)
