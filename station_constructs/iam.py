"""The AWS IAM policies a Station's backups need, from what the backup constructs know.

``backup_s3_policy(backup)`` is the least-privilege S3 policy (the bucket, and only the
database's and the config directory's prefixes); ``backup_trust_policy(backup, ...)`` is the
role's trust policy for the identity the backup uses (IRSA: the Station's ServiceAccount in
its namespace; EKS Pod Identity: the EKS service). Print them as JSON and create the role
with them (``aws iam create-role`` / ``put-role-policy``); see docs/backup-and-restore.md.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ._errors import StationConfigError
from ._render.iam import irsa_trust_policy, pod_identity_trust_policy, s3_policy

if TYPE_CHECKING:
    from .litestream import LitestreamBackup

__all__ = ["backup_s3_policy", "backup_trust_policy"]

_OIDC_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/[A-Za-z0-9./_-]+$")


def backup_s3_policy(backup: LitestreamBackup) -> dict[str, Any]:
    """The S3 policy for ``backup``: its replica, the drill's mark and the config copy.

    The replica's prefix, the restore drill's high-water mark beside it
    (``<path>.drill-hwm``), and the config directory's prefix with its history
    (``<path>-history``).

    The config directory's prefixes are included when a ``ConfigDirBackup`` is attached to
    the Station: create it before calling this.
    """
    replica = backup.replica
    path = str(replica.path)  # the construct's replica has its path filled in
    prefixes = [path]
    config = backup.station.extensions.get("config-backup")
    config_path = getattr(config, "path", None)
    if isinstance(config_path, str):
        prefixes += [config_path, f"{config_path}-history"]
    return s3_policy(replica.bucket, prefixes, keys=[f"{path}.drill-hwm"])


def backup_trust_policy(
    backup: LitestreamBackup, *, oidc_provider_arn: str | None = None
) -> dict[str, Any]:
    """The trust policy of ``backup``'s role.

    IRSA (``WorkloadIdentity.aws_irsa``): pass your cluster's ``oidc_provider_arn``
    (``aws eks describe-cluster`` gives the issuer; IAM > Identity providers its ARN); only the
    ServiceAccount the backups run as may assume the role. EKS Pod Identity: no argument.
    Raises :class:`StationConfigError` for a backup without a workload identity (static keys need
    no role) or an IRSA call without a well-formed ARN.
    """
    identity = backup.credentials.identity
    if identity is None:
        raise StationConfigError(
            "credentials",
            None,
            "the backup uses static keys (S3Credentials.from_secret()), not a role",
            "pass credentials=S3Credentials.workload_identity(WorkloadIdentity.aws_irsa(...)) "
            "to the backup for a role",
            where="backup_trust_policy",
        )
    if identity.kind != "irsa":
        return pod_identity_trust_policy()
    if not isinstance(oidc_provider_arn, str) or not _OIDC_ARN.fullmatch(oidc_provider_arn):
        raise StationConfigError(
            "oidc_provider_arn",
            oidc_provider_arn,
            "must be the ARN of the cluster's IAM OIDC provider",
            "pass e.g. 'arn:aws:iam::123456789012:oidc-provider/"
            "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'",
            where="backup_trust_policy",
        )
    station = backup.station
    account = station.service_account_name or backup.service_account_name
    return irsa_trust_policy(
        oidc_provider_arn, backup.namespace, account or f"{station.name}-backup"
    )
