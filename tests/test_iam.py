"""The IAM policies rendered for the backups grant exactly what the rendered pod uses."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from cdk8s import Chart

from station_constructs import (
    ConfigDirBackup,
    LitestreamBackup,
    S3Credentials,
    S3Replica,
    StationDeployment,
    WorkloadIdentity,
    backup_s3_policy,
    backup_trust_policy,
)
from tests.conftest import find, pod_spec, synth
from tests.support.refusals import assert_refused

ROLE = "arn:aws:iam::123456789012:role/station-backups"
OIDC = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0123"


def backed_up(chart: Chart, identity: WorkloadIdentity | None) -> LitestreamBackup:
    station = StationDeployment(chart, "station", namespace="agents")
    options: dict[str, Any] = (
        {"credentials": S3Credentials.workload_identity(identity)} if identity else {}
    )
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.aws("bkt", region="eu-west-1"),
        **options,
    )
    ConfigDirBackup(chart, "config", backup=backup)
    return backup


def written_prefixes(objects: list[dict[str, Any]]) -> list[str]:
    """Where the rendered pod writes: Litestream's replica path and rclone's remote path."""
    yml = find(objects, "ConfigMap", "station-litestream")["data"]["litestream.yml"]
    (replica,) = re.findall(r'^\s+path: "(.+)"$', yml, re.MULTILINE)
    sidecar = next(c for c in pod_spec(objects)["initContainers"] if c["name"] == "config-backup")
    written = re.findall(r"backup:bkt/([^\s\"'`;$]+)", " ".join(sidecar["command"]))
    found = {path.rstrip("/") for path in written}
    (remote,) = {p for p in found if not p.endswith("-history")}
    assert found <= {remote, f"{remote}-history"}, found  # the sync and its history
    return [replica, remote, f"{remote}-history"]


def test_the_s3_policy_grants_the_rendered_prefixes_and_nothing_else(chart: Chart) -> None:
    backup = backed_up(chart, WorkloadIdentity.aws_irsa(ROLE))
    prefixes = written_prefixes(synth(chart))
    policy = backup_s3_policy(backup)
    json.dumps(policy)  # a JSON document, as IAM takes it
    listing, objects = policy["Statement"]
    assert listing["Resource"] == "arn:aws:s3:::bkt"
    assert listing["Action"] == "s3:ListBucket"
    hwm = f"{prefixes[0]}.drill-hwm"  # the restore drill's high-water mark beside the replica
    assert sorted(listing["Condition"]["StringLike"]["s3:prefix"]) == sorted(
        [p for prefix in prefixes for p in (prefix, f"{prefix}/*")] + [hwm]
    )
    assert sorted(objects["Resource"]) == sorted(
        [f"arn:aws:s3:::bkt/{p}/*" for p in prefixes] + [f"arn:aws:s3:::bkt/{hwm}"]
    )
    assert objects["Action"] == ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    assert "*" not in json.dumps(policy).replace("/*", "")  # no wildcard action or bucket


def test_the_irsa_trust_policy_names_the_pods_service_account(chart: Chart) -> None:
    backup = backed_up(chart, WorkloadIdentity.aws_irsa(ROLE))
    account = pod_spec(synth(chart))["serviceAccountName"]
    (statement,) = backup_trust_policy(backup, oidc_provider_arn=OIDC)["Statement"]
    assert statement["Principal"] == {"Federated": OIDC}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    issuer = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0123"
    assert statement["Condition"]["StringEquals"] == {
        f"{issuer}:sub": f"system:serviceaccount:agents:{account}",
        f"{issuer}:aud": "sts.amazonaws.com",
    }


def test_pod_identity_trusts_the_eks_service(chart: Chart) -> None:
    backup = backed_up(chart, WorkloadIdentity.eks_pod_identity())
    (statement,) = backup_trust_policy(backup)["Statement"]
    assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}


@pytest.mark.parametrize("arn", [None, "arn:aws:iam::123456789012:role/x", "oidc.eks/id/1"])
def test_irsa_needs_the_oidc_provider_arn(chart: Chart, arn: str | None) -> None:
    backup = backed_up(chart, WorkloadIdentity.aws_irsa(ROLE))
    assert_refused(
        lambda: backup_trust_policy(backup, oidc_provider_arn=arn),
        field="oidc_provider_arn",
        value=arn,
        fix="pass e.g.",
    )


def test_static_keys_have_no_role(chart: Chart) -> None:
    backup = backed_up(chart, None)
    assert_refused(
        lambda: backup_trust_policy(backup),
        field="credentials",
        value=None,
        problem="static keys",
        fix="S3Credentials.workload_identity(",
    )
