"""The values a backup is configured with: where it lives, its credentials, its metrics.

Frozen values built by their factories only (as cdk8s-plus builds its options), each checking
its own arguments, so a combination that cannot work cannot be written (a direct call of the
class, or ``dataclasses.replace`` on a value, is refused with an error naming the factories):

* :class:`S3Replica`: the bucket, key prefix, endpoint, region and addressing style, for AWS
  S3 (:meth:`S3Replica.aws`) or an S3-compatible store (:meth:`S3Replica.compatible`).
  ``LitestreamBackup(replica=...)`` takes it; its ``ConfigDirBackup`` keeps its copy in the
  same store (``ConfigDirBackup.replica``);
* :class:`S3Credentials`: static keys from a Secret (:meth:`S3Credentials.from_secret`) or
  the cluster's workload identity (:meth:`S3Credentials.workload_identity`);
* :class:`LitestreamMetrics`: Litestream's Prometheus listener served, and who may scrape it
  (:meth:`LitestreamMetrics.served`), or no listener (:meth:`LitestreamMetrics.off`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import InitVar, dataclass

from ._errors import _Guard
from ._factory_only import BY_FACTORY, refuse_direct
from ._settings.s3 import check_replica_fields
from ._validate import boolean, dns_label, dns_subdomain, sequence
from .secrets import ExistingSecret, SecretSource
from .workload_identity import WorkloadIdentity

__all__ = ["LitestreamMetrics", "S3Credentials", "S3Replica"]


@dataclass(frozen=True)
class S3Replica:
    """Where a backup lives in S3. Build with :meth:`aws` or :meth:`compatible`.

    Attributes:
        bucket: The S3 bucket (it must exist).
        path: The key prefix inside the bucket, or ``None`` for the construct's default
            (``LitestreamBackup``: ``<namespace>/<station name>/station.db``).
        endpoint: The S3 API endpoint of an S3-compatible store, ``None`` for AWS S3.
        region: The bucket's region (``None`` with AWS S3: Litestream asks AWS).
        force_path_style: Whether the bucket is addressed as ``endpoint/bucket``.

    """

    bucket: str
    path: str | None
    endpoint: str | None
    region: str | None
    force_path_style: bool

    _factory: InitVar[object] = None

    def __post_init__(self, _factory: object) -> None:
        """Refuse a direct call: build it with a factory."""
        refuse_direct(
            self,
            _factory,
            "S3Replica.aws(bucket, ...) or S3Replica.compatible(endpoint, bucket, ...)",
        )

    @staticmethod
    def aws(
        bucket: str,
        *,
        path: str | None = None,
        region: str | None = None,
        force_path_style: bool = False,
    ) -> S3Replica:
        """A bucket in AWS S3.

        Args:
            bucket: The bucket. AWS naming rules: 3-63 lower-case letters, digits, ``-`` and
                ``.``, not an IP address.
            path: The key prefix inside the bucket. Default: the construct's (see
                :class:`S3Replica`). Two Stations of one App must not share a bucket and path.
            region: The bucket's region, as AWS spells it (``eu-west-1``). Default: found by
                Litestream; needed with :meth:`S3Credentials.workload_identity`.
            force_path_style: Address the bucket as ``s3.amazonaws.com/bucket`` (e.g. for a
                bucket name with dots over HTTPS). Default ``False``.

        """
        guard = _Guard("S3Replica.aws")
        return S3Replica(
            *check_replica_fields(
                guard,
                bucket=bucket,
                path=path,
                endpoint=None,
                region=region,
                force_path_style=boolean(guard, "force_path_style", force_path_style),
            ),
            _factory=BY_FACTORY,
        )

    @staticmethod
    def compatible(
        endpoint: str,
        bucket: str,
        *,
        path: str | None = None,
        region: str = "us-east-1",
        force_path_style: bool = True,
    ) -> S3Replica:
        """A bucket in an S3-compatible store (MinIO, SeaweedFS, Ceph RGW, Garage, R2...).

        Args:
            endpoint: The store's S3 API base URL, ``http(s)://host[:port]`` only (no path,
                no credentials), e.g. ``http://minio.minio.svc:9000``.
            bucket: The bucket (AWS naming rules, as :meth:`aws`).
            path: The key prefix inside the bucket. Default: the construct's.
            region: The region requests are signed for. Default ``us-east-1``.
            force_path_style: Address the bucket as ``endpoint/bucket`` (what S3-compatible
                stores expect). Default ``True``; ``False`` (``bucket.host``) is refused for
                an in-cluster or IP endpoint.

        """
        guard = _Guard("S3Replica.compatible")
        return S3Replica(
            *check_replica_fields(
                guard,
                bucket=bucket,
                path=path,
                endpoint=endpoint,
                region="us-east-1" if region is None else region,
                force_path_style=boolean(guard, "force_path_style", force_path_style),
            ),
            _factory=BY_FACTORY,
        )


@dataclass(frozen=True)
class S3Credentials:
    """How the backup containers obtain S3 credentials.

    Build with :meth:`from_secret` (static keys) or :meth:`workload_identity`.

    Attributes:
        secret: The Secret source of ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``
            (``None`` with a workload identity).
        identity: The workload identity (``None`` with static keys).
        service_account_name: The ServiceAccount rendered for the identity, or ``None`` for
            the default ``<station name>-backup``.

    """

    secret: SecretSource | None
    identity: WorkloadIdentity | None
    service_account_name: str | None

    _factory: InitVar[object] = None

    def __post_init__(self, _factory: object) -> None:
        """Refuse a direct call: build it with a factory."""
        refuse_direct(
            self,
            _factory,
            "S3Credentials.from_secret(source) or S3Credentials.workload_identity(identity)",
        )

    @staticmethod
    def from_secret(source: SecretSource | None = None) -> S3Credentials:
        """Static keys ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` from a Secret.

        Args:
            source: A :class:`~station_constructs.SecretSource`. Default
                ``ExistingSecret("<station name>-litestream")`` with keys named like the
                variables; ``ExistingSecret("minio", key_names={"AWS_ACCESS_KEY_ID":
                "accesskey", ...})`` reads other keys. The Station's own secret source reads
                both from the Station's Secret. Never written to a ConfigMap.

        """
        if source is not None and not isinstance(source, SecretSource):
            raise _Guard("S3Credentials.from_secret").fail(
                "source",
                type(source).__name__,
                "must be a SecretSource (credentials are referenced, never passed as strings)",
                "pass ExistingSecret('station-litestream') or an ExternalSecretSource/"
                "SealedSecretSource providing AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            )
        return S3Credentials(
            ExistingSecret() if source is None else source, None, None, _factory=BY_FACTORY
        )

    @staticmethod
    def workload_identity(
        identity: WorkloadIdentity, *, service_account_name: str | None = None
    ) -> S3Credentials:
        """Credentials from the cluster's workload identity instead of static keys.

        A ServiceAccount is rendered for the pod (or the Station's own is used) and its token
        is mounted only in the backup containers. Needs the bucket's region
        (``S3Replica.aws(region=...)``) and AWS S3 (or a proxy in front of it).

        Args:
            identity: :meth:`WorkloadIdentity.aws_irsa
                <station_constructs.WorkloadIdentity.aws_irsa>` or
                :meth:`WorkloadIdentity.eks_pod_identity
                <station_constructs.WorkloadIdentity.eks_pod_identity>`.
            service_account_name: Name of the ServiceAccount rendered. Default ``<station
                name>-backup``.

        """
        guard = _Guard("S3Credentials.workload_identity")
        if not isinstance(identity, WorkloadIdentity):
            raise guard.fail(
                "identity",
                type(identity).__name__,
                "must be a WorkloadIdentity",
                "pass WorkloadIdentity.aws_irsa('arn:aws:iam::...:role/...') or "
                "WorkloadIdentity.eks_pod_identity()",
            )
        name = (
            None
            if service_account_name is None
            else dns_subdomain(guard, "service_account_name", service_account_name)
        )
        return S3Credentials(None, identity, name, _factory=BY_FACTORY)


@dataclass(frozen=True, repr=False)
class LitestreamMetrics:
    """Litestream's Prometheus metrics. Build with :meth:`served` or :meth:`off`.

    Attributes:
        enabled: Whether Litestream serves metrics on 9090 ``/metrics``.
        prometheus_annotations: Whether the pod carries ``prometheus.io/scrape`` annotations.
        namespaces: Namespaces admitted to 9090 by the Station's NetworkPolicy.

    """

    enabled: bool
    prometheus_annotations: bool
    namespaces: tuple[str, ...]

    _factory: InitVar[object] = None

    def __post_init__(self, _factory: object) -> None:
        """Refuse a direct call: build it with a factory."""
        refuse_direct(
            self,
            _factory,
            "LitestreamMetrics.served(prometheus_annotations=..., namespaces=...) or "
            "LitestreamMetrics.off()",
        )

    def __repr__(self) -> str:
        """The factory call that builds this value."""
        if not self.enabled:
            return "LitestreamMetrics.off()"
        given = ["prometheus_annotations=True"] if self.prometheus_annotations else []
        if self.namespaces:
            given.append(f"namespaces={list(self.namespaces)!r}")
        return f"LitestreamMetrics.served({', '.join(given)})"

    @staticmethod
    def served(
        *, prometheus_annotations: bool = False, namespaces: Sequence[str] = ()
    ) -> LitestreamMetrics:
        """Serve the metrics on 9090 ``/metrics``, port ``metrics`` of the Station's Service.

        In native sidecar mode Station also waits for this listener before starting.

        Args:
            prometheus_annotations: Annotate the pod with ``prometheus.io/scrape``, ``port:
                "9090"`` and ``path: /metrics`` for annotation-based scraping (Station itself
                has no metrics). Default ``False``; with a NetworkPolicy it needs
                ``namespaces`` (else every scrape would time out). With a ServiceMonitor use
                :class:`~station_constructs.LitestreamServiceMonitor` instead.
            namespaces: Namespaces admitted to 9090 by the Station's NetworkPolicy, e.g.
                ``["monitoring"]``. Default none; only with a NetworkPolicy.

        """
        guard = _Guard("LitestreamMetrics.served")
        annotate = boolean(guard, "prometheus_annotations", prometheus_annotations)
        checked = tuple(
            dns_label(guard, "namespaces[]", n)
            for n in sequence(guard, "namespaces", namespaces, example="['monitoring']")
        )
        return LitestreamMetrics(True, annotate, checked, _factory=BY_FACTORY)

    @staticmethod
    def off() -> LitestreamMetrics:
        """No metrics listener (no port 9090, no scraping, no alerts)."""
        return LitestreamMetrics(False, False, (), _factory=BY_FACTORY)
