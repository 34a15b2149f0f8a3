"""WorkloadIdentity: S3 credentials for the backup containers without static keys.

Instead of ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` from a Secret, the backup
containers (``litestream-restore``, ``litestream``, ``config-restore``, ``config-backup``,
the restore drill) get a short-lived, audience-bound ServiceAccount token, and the AWS SDKs
in Litestream and rclone exchange it for role credentials:

* :meth:`WorkloadIdentity.aws_irsa` (EKS IAM Roles for Service Accounts): the rendered
  ServiceAccount carries ``eks.amazonaws.com/role-arn``; the containers get
  ``AWS_ROLE_ARN`` and ``AWS_WEB_IDENTITY_TOKEN_FILE`` and a projected token with audience
  ``sts.amazonaws.com``;
* :meth:`WorkloadIdentity.eks_pod_identity` (EKS Pod Identity): the role is associated
  with the ServiceAccount in EKS (``aws eks create-pod-identity-association``); the
  containers get ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` (the node agent) and
  ``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`` with a token of audience
  ``pods.eks.amazonaws.com``.

The pod keeps ``automountServiceAccountToken: false``: the token is a projected volume
mounted only in the backup containers, never in Station's. The pod is annotated
``eks.amazonaws.com/skip-containers`` so EKS's webhook does not inject it into the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._errors import StationConfigError

__all__ = ["WorkloadIdentity"]

_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$")
# The projected token's volume is named as EKS's webhook names its own, so the webhook,
# which mounts its volume by name into every container it mutates unless a mount of that
# name exists, never adds a second mount at the same mountPath (the API server rejects such
# a pod). github.com/aws/amazon-eks-pod-identity-webhook (3bf80a3): pkg/handler/handler.go,
# addEnvToContainer: a container is left alone only when the credential variables, a region
# variable and AWS_STS_REGIONAL_ENDPOINTS are all set, else the mount named VolumeName is
# added unless present; the names are "aws-iam-token" (IRSA, handler.go volName) and
# "eks-pod-identity-token" (Pod Identity, main.go -container-credentials-token-volume-name).
#: The pod volume holding the projected token, per kind (the webhook's names).
TOKEN_VOLUMES = {"irsa": "aws-iam-token", "eks-pod-identity": "eks-pod-identity-token"}


@dataclass(frozen=True)
class WorkloadIdentity:
    """How the backup containers obtain S3 credentials from the cluster's identity.

    Build with :meth:`aws_irsa` or :meth:`eks_pod_identity`; pass as
    ``LitestreamBackup(credentials=S3Credentials.workload_identity(...))``.
    """

    kind: str
    """``"irsa"`` or ``"eks-pod-identity"``."""
    role_arn: str | None = None
    """The IAM role (IRSA only; Pod Identity associates the role in EKS)."""

    def __post_init__(self) -> None:
        """Refuse a kind the library cannot render, and a role ARN that does not fit it."""
        if self.kind not in TOKEN_VOLUMES:
            raise StationConfigError(
                "kind",
                self.kind,
                f"is not a workload identity the library renders (one of "
                f"{', '.join(map(repr, TOKEN_VOLUMES))}); GKE and Azure identities give no "
                "S3 credentials",
                "build it with WorkloadIdentity.aws_irsa('arn:aws:iam::123456789012:role/"
                "station-backups') or WorkloadIdentity.eks_pod_identity()",
                where="WorkloadIdentity",
            )
        if (self.kind == "irsa") != (self.role_arn is not None):
            raise StationConfigError(
                "role_arn",
                self.role_arn,
                "is required with IRSA and unused with EKS Pod Identity (the role is "
                "associated in EKS)",
                "build it with WorkloadIdentity.aws_irsa(role_arn) or "
                "WorkloadIdentity.eks_pod_identity()",
                where="WorkloadIdentity",
            )

    @classmethod
    def aws_irsa(cls, role_arn: str) -> WorkloadIdentity:
        """EKS IAM Roles for Service Accounts with the IAM role ``role_arn``."""
        if not isinstance(role_arn, str) or not _ROLE_ARN.fullmatch(role_arn):
            raise StationConfigError(
                "role_arn",
                role_arn,
                "must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)",
                "pass the ARN of the role whose trust policy admits this ServiceAccount, e.g. "
                "'arn:aws:iam::123456789012:role/station-backups'",
                where="WorkloadIdentity.aws_irsa",
            )
        return cls("irsa", role_arn)

    @classmethod
    def eks_pod_identity(cls) -> WorkloadIdentity:
        """EKS Pod Identity: the role is associated with the rendered ServiceAccount in EKS."""
        return cls("eks-pod-identity")

    @property
    def audience(self) -> str:
        """The audience of the projected token."""
        return "sts.amazonaws.com" if self.kind == "irsa" else "pods.eks.amazonaws.com"

    @property
    def mount_path(self) -> str:
        """Where the token is mounted in the backup containers."""
        if self.kind == "irsa":
            return "/var/run/secrets/eks.amazonaws.com/serviceaccount"
        return "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount"

    @property
    def token_path(self) -> str:
        """The token file."""
        name = "token" if self.kind == "irsa" else "eks-pod-identity-token"
        return f"{self.mount_path}/{name}"

    def exchange_url(self, region: str | None) -> str:
        """Where the token is exchanged for credentials (admitted by a restricted egress)."""
        if self.kind == "irsa":
            return f"https://sts.{region}.amazonaws.com" if region else "https://sts.amazonaws.com"
        return "http://169.254.170.23"

    def service_account_annotations(self) -> dict[str, str]:
        """Annotations of the rendered ServiceAccount."""
        if self.kind == "irsa" and self.role_arn is not None:
            return {"eks.amazonaws.com/role-arn": self.role_arn}
        return {}

    def environment(self) -> dict[str, str]:
        """The variables the AWS SDK (Litestream, rclone) reads the identity from."""
        if self.kind == "irsa" and self.role_arn is not None:
            return {
                "AWS_ROLE_ARN": self.role_arn,
                "AWS_WEB_IDENTITY_TOKEN_FILE": self.token_path,
                "AWS_STS_REGIONAL_ENDPOINTS": "regional",
            }
        return {
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": self.token_path,
            # With a region, this makes EKS's webhook leave the container alone.
            "AWS_STS_REGIONAL_ENDPOINTS": "regional",
        }

    @property
    def volume_name(self) -> str:
        """The projected token's pod volume: the name EKS's webhook gives its own."""
        return TOKEN_VOLUMES[self.kind]

    def volume(self) -> dict[str, Any]:
        """The projected token volume (one hour, refreshed by the kubelet)."""
        return {
            "name": self.volume_name,
            "projected": {
                "sources": [
                    {
                        "serviceAccountToken": {
                            "audience": self.audience,
                            "expirationSeconds": 3600,
                            "path": self.token_path.rsplit("/", 1)[1],
                        }
                    }
                ]
            },
        }

    def volume_mount(self) -> dict[str, Any]:
        """The token's mount in a backup container (read-only)."""
        return {"name": self.volume_name, "mountPath": self.mount_path, "readOnly": True}
