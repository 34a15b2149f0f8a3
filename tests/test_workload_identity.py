"""Workload identity: the ServiceAccount, and the token only in the containers that use it."""

from __future__ import annotations

from typing import Any

import pytest
from cdk8s import Chart
from cdk8s_plus_27 import k8s

from station_constructs import (
    ConfigDirBackup,
    EgressRules,
    LitestreamBackup,
    NetworkPolicyOptions,
    PodExtras,
    PodServiceAccount,
    RestoreDrill,
    S3Credentials,
    S3Replica,
    StationDeployment,
    WorkloadIdentity,
)
from tests.conftest import find, pod_spec, synth
from tests.support.backups import litestream
from tests.support.refusals import assert_refused

ROLE = "arn:aws:iam::123456789012:role/station-backups"
BACKUP_CONTAINERS = {"litestream-restore", "config-restore", "litestream", "config-backup"}


def build(chart: Chart, identity: WorkloadIdentity, **options: Any) -> list[Any]:
    station = StationDeployment(chart, "station")
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.aws("bkt", region="eu-west-1"),
        credentials=S3Credentials.workload_identity(identity),
        **options,
    )
    config = ConfigDirBackup(chart, "config", backup=backup)
    RestoreDrill(chart, "drill", backup=backup, config_backup=config)
    return synth(chart)


def test_irsa_annotates_the_service_account_and_mounts_the_token_only_where_needed(
    chart: Chart,
) -> None:
    objects = build(chart, WorkloadIdentity.aws_irsa(ROLE))
    account = find(objects, "ServiceAccount", "station-backup")
    assert account["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": ROLE}
    assert account["automountServiceAccountToken"] is False
    spec = pod_spec(objects)
    assert spec["serviceAccountName"] == "station-backup"
    assert spec["automountServiceAccountToken"] is False  # no token in Station's container
    token = next(v for v in spec["volumes"] if v["name"] == "aws-iam-token")
    assert token["projected"]["sources"][0]["serviceAccountToken"]["audience"] == (
        "sts.amazonaws.com"
    )
    for c in spec["initContainers"] + spec["containers"]:
        mounted = any(m["name"] == "aws-iam-token" for m in c.get("volumeMounts", []))
        env = {e["name"]: e.get("value") for e in c.get("env", [])}
        assert mounted == (c["name"] in BACKUP_CONTAINERS), c["name"]
        if c["name"] in BACKUP_CONTAINERS:
            assert env["AWS_ROLE_ARN"] == ROLE
            assert env["AWS_WEB_IDENTITY_TOKEN_FILE"] == (
                "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"
            )
            assert "AWS_SECRET_ACCESS_KEY" not in env
    annotations = find(objects, "Deployment", "station")["spec"]["template"]["metadata"][
        "annotations"
    ]
    assert annotations["eks.amazonaws.com/skip-containers"] == "seed-home,station"
    # No credentials Secret is referenced or rendered
    assert not [o for o in objects if o["kind"] in ("Secret", "ExternalSecret")]
    drill = find(objects, "CronJob", "station-restore-drill")["spec"]["jobTemplate"]["spec"][
        "template"
    ]["spec"]
    assert drill["serviceAccountName"] == "station-backup"
    assert all(
        any(m["name"] == "aws-iam-token" for m in c["volumeMounts"])
        for c in drill["initContainers"] + drill["containers"]
    )


def test_eks_pod_identity_needs_no_annotation_and_uses_the_agent(chart: Chart) -> None:
    objects = build(chart, WorkloadIdentity.eks_pod_identity())
    assert "annotations" not in find(objects, "ServiceAccount", "station-backup")["metadata"]
    spec = pod_spec(objects)
    restore = next(c for c in spec["initContainers"] if c["name"] == "litestream-restore")
    env = {e["name"]: e.get("value") for e in restore["env"]}
    assert env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] == "http://169.254.170.23/v1/credentials"
    token = next(v for v in spec["volumes"] if v["name"] == "eks-pod-identity-token")
    assert token["projected"]["sources"][0]["serviceAccountToken"]["audience"] == (
        "pods.eks.amazonaws.com"
    )


def test_static_keys_render_no_service_account(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    litestream(chart, station)
    objects = synth(chart)
    assert not [o for o in objects if o["kind"] == "ServiceAccount"]
    assert "serviceAccountName" not in pod_spec(objects)


def test_the_identity_factory_checks_its_arguments() -> None:
    assert_refused(
        lambda: S3Credentials.workload_identity("irsa"),  # type: ignore[arg-type]
        field="identity",
        value="str",
        problem="must be a WorkloadIdentity",
    )
    assert_refused(
        lambda: S3Credentials.workload_identity(
            WorkloadIdentity.eks_pod_identity(), service_account_name="Backup_SA"
        ),
        field="service_account_name",
        value="Backup_SA",
    )


@pytest.mark.parametrize("arn", ["", "arn:aws:iam::123:role/x", "role/x", "arn:aws:s3:::bkt"])
def test_a_malformed_role_arn_is_refused(arn: str) -> None:
    assert_refused(
        lambda: WorkloadIdentity.aws_irsa(arn),
        field="role_arn",
        value=arn,
        problem="must be an IAM role ARN",
    )


def test_identity_on_aws_s3_needs_the_region(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    assert_refused(
        lambda: LitestreamBackup(
            chart,
            "backup",
            station=station,
            replica=S3Replica.aws("bkt"),
            credentials=S3Credentials.workload_identity(WorkloadIdentity.aws_irsa(ROLE)),
        ),
        field="replica.region",
        value=None,
        problem="is needed with S3Credentials.workload_identity()",
        fix="pass S3Replica.aws(..., region=",
    )


def test_the_region_reaches_the_sdk(chart: Chart) -> None:
    objects = build(chart, WorkloadIdentity.aws_irsa(ROLE))
    restore = next(
        c for c in pod_spec(objects)["initContainers"] if c["name"] == "litestream-restore"
    )
    env = {e["name"]: e.get("value") for e in restore["env"]}
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"


def test_the_stations_own_service_account_is_used(chart: Chart) -> None:
    station = StationDeployment(
        chart,
        "station",
        service_account=PodServiceAccount.rendered(
            annotations={"eks.amazonaws.com/role-arn": ROLE}
        ),
    )
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.aws("bkt", region="eu-west-1"),
        credentials=S3Credentials.workload_identity(WorkloadIdentity.aws_irsa(ROLE)),
    )
    objects = synth(chart)
    assert backup.service_account_name == "station"
    assert [o["metadata"]["name"] for o in objects if o["kind"] == "ServiceAccount"] == ["station"]
    spec = pod_spec(objects)
    assert spec["serviceAccountName"] == "station"
    assert any(v["name"] == "aws-iam-token" for v in spec["volumes"])


def test_a_station_account_without_the_role_is_refused(chart: Chart) -> None:
    station = StationDeployment(chart, "station", service_account=PodServiceAccount.rendered())
    assert_refused(
        lambda: LitestreamBackup(
            chart,
            "backup",
            station=station,
            replica=S3Replica.aws("bkt", region="eu-west-1"),
            credentials=S3Credentials.workload_identity(WorkloadIdentity.aws_irsa(ROLE)),
        ),
        field="credentials",
        value=ROLE,
        problem="needs {'eks.amazonaws.com/role-arn'",
        fix="PodServiceAccount.rendered(annotations=",
    )


def test_another_account_name_than_the_stations_is_refused(chart: Chart) -> None:
    station = StationDeployment(
        chart, "station", service_account=PodServiceAccount.existing("station-sa")
    )
    assert_refused(
        lambda: LitestreamBackup(
            chart,
            "backup",
            station=station,
            replica=S3Replica.aws("bkt", region="eu-west-1"),
            credentials=S3Credentials.workload_identity(
                WorkloadIdentity.eks_pod_identity(), service_account_name="other"
            ),
        ),
        field="service_account_name",
        value="other",
        problem="differs from the Station's own",
    )


def test_a_restricted_egress_admits_the_pod_identity_agent(chart: Chart) -> None:
    station = StationDeployment(
        chart,
        "station",
        network_policy=NetworkPolicyOptions(egress=EgressRules(cidrs=["0.0.0.0/0"])),
    )
    LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.aws("bkt", region="eu-west-1"),
        credentials=S3Credentials.workload_identity(WorkloadIdentity.eks_pod_identity()),
    )
    policy = find(synth(chart), "NetworkPolicy", "station")
    assert {
        "ports": [{"port": 80, "protocol": "TCP"}],
        "to": [{"ipBlock": {"cidr": "169.254.170.23/32"}}],
    } in policy["spec"]["egress"]


def test_irsa_against_a_store_that_is_not_aws_s3_is_refused(chart: Chart) -> None:
    # Only AWS S3 accepts credentials from AWS STS (issue 21); formerly the in-cluster store
    # passed and every request was refused at run time.
    station = StationDeployment(
        chart,
        "station",
        network_policy=NetworkPolicyOptions(egress=EgressRules(namespaces=["proxy"])),
    )
    assert_refused(
        lambda: LitestreamBackup(
            chart,
            "backup",
            station=station,
            replica=S3Replica.compatible("http://minio.minio.svc:9000", "bkt", region="eu-west-1"),
            credentials=S3Credentials.workload_identity(WorkloadIdentity.aws_irsa(ROLE)),
        ),
        field="credentials",
        value="irsa",
        problem="which the store at http://minio.minio.svc:9000 does not accept",
        fix="replica=S3Replica.aws(...)",
    )


# The mutation of github.com/aws/amazon-eks-pod-identity-webhook (commit 3bf80a3),
# pkg/handler/handler.go addEnvToContainer and the pod-level volume patch, ported: a container
# that lacks the credential variables, a region variable or AWS_STS_REGIONAL_ENDPOINTS gets
# the webhook's variables and its volume mount, unless a mount of the webhook's volume name
# is already there. IRSA: volume "aws-iam-token" at /var/run/secrets/eks.amazonaws.com/
# serviceaccount; Pod Identity: "eks-pod-identity-token" at /var/run/secrets/
# pods.eks.amazonaws.com/serviceaccount (main.go defaults).
WEBHOOK = {
    "irsa": (
        "aws-iam-token",
        "/var/run/secrets/eks.amazonaws.com/serviceaccount",
        {"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"},
    ),
    "eks-pod-identity": (
        "eks-pod-identity-token",
        "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount",
        {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"},
    ),
}


def webhook_mutate(spec: dict[str, Any], skip: set[str], kind: str) -> None:
    volume, path, keys = WEBHOOK[kind]
    if not any(v["name"] == volume for v in spec["volumes"]):
        spec["volumes"].append({"name": volume, "projected": {"sources": []}})
    for c in spec.get("initContainers", []) + spec["containers"]:
        if c["name"] in skip:
            continue
        names = {e["name"] for e in c.get("env", [])}
        if (
            names & keys
            and names & {"AWS_REGION", "AWS_DEFAULT_REGION"}
            and "AWS_STS_REGIONAL_ENDPOINTS" in names
        ):
            continue
        mounts = c.setdefault("volumeMounts", [])
        if not any(m["name"] == volume for m in mounts):
            mounts.append({"name": volume, "mountPath": path, "readOnly": True})


@pytest.mark.parametrize(
    "identity", [WorkloadIdentity.aws_irsa(ROLE), WorkloadIdentity.eks_pod_identity()]
)
def test_eks_webhook_never_adds_a_second_token_mount(
    chart: Chart, identity: WorkloadIdentity
) -> None:
    station = StationDeployment(chart, "station")
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.aws("bkt", region="eu-west-1"),
        credentials=S3Credentials.workload_identity(identity),
    )
    ConfigDirBackup(chart, "config", backup=backup)
    objects = synth(chart)
    spec = pod_spec(objects)
    annotations = find(objects, "Deployment", "station")["spec"]["template"]["metadata"][
        "annotations"
    ]
    webhook_mutate(
        spec, set(annotations["eks.amazonaws.com/skip-containers"].split(",")), identity.kind
    )
    assert len({v["name"] for v in spec["volumes"]}) == len(spec["volumes"])
    for c in spec["initContainers"] + spec["containers"]:
        paths = [m["mountPath"] for m in c.get("volumeMounts", [])]
        assert len(paths) == len(set(paths)), (c["name"], paths)
        env = {e["name"]: e.get("value") for e in c.get("env", [])}
        if c["name"] in BACKUP_CONTAINERS:
            assert env["AWS_STS_REGIONAL_ENDPOINTS"] == "regional"


def test_containers_added_by_pod_extras_are_skipped_by_the_webhook(chart: Chart) -> None:
    # PodExtras' containers are added by a render hook, after LitestreamBackup is built:
    # they must not get the backup role's credentials from EKS's webhook.
    extras = PodExtras(
        init_containers=[k8s.Container(name="prepare", image="busybox:1.36")],
        sidecars=[k8s.Container(name="mesh-proxy", image="envoyproxy/envoy:v1.30.1")],
    )
    station = StationDeployment(chart, "station", pod_extras=extras)
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.aws("bkt", region="eu-west-1"),
        credentials=S3Credentials.workload_identity(WorkloadIdentity.aws_irsa(ROLE)),
    )
    ConfigDirBackup(chart, "config", backup=backup)
    objects = synth(chart)
    annotations = find(objects, "Deployment", "station")["spec"]["template"]["metadata"][
        "annotations"
    ]
    skipped = annotations["eks.amazonaws.com/skip-containers"].split(",")
    assert sorted(skipped) == ["mesh-proxy", "prepare", "seed-home", "station"]
    spec = pod_spec(objects)
    names = {c["name"] for c in spec["initContainers"] + spec["containers"]}
    assert names - set(skipped) == BACKUP_CONTAINERS


def test_containers_a_json_patch_adds_are_in_the_skip_list_too(chart: Chart) -> None:
    """The skip list is computed after the users' JSON patches: a container added with
    ``ApiObject.of(station.deployment).add_json_patch`` never gets the backup role."""
    from cdk8s import ApiObject, JsonPatch

    station = StationDeployment(chart, "station")
    LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.aws("bkt", region="eu-west-1"),
        credentials=S3Credentials.workload_identity(WorkloadIdentity.eks_pod_identity()),
    )
    ApiObject.of(station.deployment).add_json_patch(
        JsonPatch.add(
            "/spec/template/spec/initContainers/-",
            {"name": "user-init", "image": "busybox:1.36.1"},
        ),
        JsonPatch.add(
            "/spec/template/spec/containers/-", {"name": "user-side", "image": "busybox:1.36.1"}
        ),
    )
    template = find(synth(chart), "Deployment", "station")["spec"]["template"]
    skipped = template["metadata"]["annotations"]["eks.amazonaws.com/skip-containers"]
    assert skipped.split(",") == ["seed-home", "user-init", "station", "user-side"]
