"""AWS IAM policies for a Station's backups, as plain data (JSON documents).

The backups (Litestream's replica, the config directory's copy, the restore drill) need
exactly: listing the bucket under their prefixes, and reading, writing and deleting the
objects below them (Litestream deletes what ``retention`` no longer keeps; rclone ``sync``
deletes what left the config directory). Nothing else of the bucket, no other bucket.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["irsa_trust_policy", "pod_identity_trust_policy", "s3_policy"]

Json = dict[str, Any]
VERSION = "2012-10-17"


def s3_policy(bucket: str, prefixes: Sequence[str], keys: Sequence[str] = ()) -> Json:
    """Least privilege on ``bucket``: objects under ``prefixes``, and the objects ``keys``.

    ``prefixes`` carry no trailing slash.
    """
    listed = [p for prefix in prefixes for p in (prefix, f"{prefix}/*")] + list(keys)
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "ListTheBackupPrefixes",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringLike": {"s3:prefix": listed}},
            },
            {
                "Sid": "ReadWriteTheBackups",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                "Resource": [f"arn:aws:s3:::{bucket}/{prefix}/*" for prefix in prefixes]
                + [f"arn:aws:s3:::{bucket}/{key}" for key in keys],
            },
        ],
    }


def irsa_trust_policy(oidc_provider_arn: str, namespace: str, service_account: str) -> Json:
    """Who may assume the role with IRSA: that ServiceAccount's tokens, for STS only."""
    issuer = oidc_provider_arn.split(":oidc-provider/", 1)[1]
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": oidc_provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{issuer}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                        f"{issuer}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ],
    }


def pod_identity_trust_policy() -> Json:
    """Who may assume the role with EKS Pod Identity (the association names the account)."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ],
    }
