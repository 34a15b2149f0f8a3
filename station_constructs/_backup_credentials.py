"""The S3 credentials of the backup containers: static keys from a Secret, or a workload identity.

``LitestreamBackup`` checks its ``credentials`` (an ``S3Credentials``) against its Station
here (after its other arguments), and renders the ServiceAccount a workload identity needs.
``ConfigDirBackup`` and ``RestoreDrill`` reuse what the LitestreamBackup resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._app_registry import use_secret_as
from ._backup_guards import skip_containers_hook
from ._errors import _Guard
from ._k8s import Construct, claim_object, env_value, k8s, kplus
from ._render.containers import env_from_secret, env_values
from ._render.pod import add_step
from ._render.storage import BEFORE_WORKLOADS
from ._settings.litestream import CREDENTIAL_VARIABLES
from ._validate import dns_subdomain
from .secrets import ExistingSecret, SecretSource
from .workload_identity import WorkloadIdentity

if TYPE_CHECKING:
    from .backup_options import S3Credentials
    from .station import StationDeployment

__all__ = [
    "BackupCredentials",
    "credential_env",
    "credential_env_list",
    "identity_env",
    "pod_credential_env",
    "render_identity",
    "render_secret",
    "resolve_credentials",
    "setup_command",
]


@dataclass(frozen=True)
class BackupCredentials:
    """Where the backup containers' S3 credentials come from, checked."""

    credentials: SecretSource
    """The Secret source of the static keys (unused with ``identity``)."""
    identity: WorkloadIdentity | None
    """The workload identity, or ``None`` for static keys."""
    service_account_name: str | None
    """The pod's ServiceAccount with ``identity`` (``None`` without)."""
    secret_name: str
    """Name of the Secret holding the static keys."""


def resolve_credentials(
    owner: Construct,
    guard: _Guard,
    station: StationDeployment,
    *,
    credentials: S3Credentials,
    region_given: bool,
) -> BackupCredentials:
    """Check the credentials against the Station; record the Secret a pod reads keys from.

    ``region_given``: a region or an endpoint was passed (an identity needs a region).
    """
    identity, service_account_name = credentials.identity, credentials.service_account_name
    if identity is not None and not region_given:
        raise guard.fail(
            "replica.region",
            None,
            "is needed with S3Credentials.workload_identity(): the AWS SDK exchanges the "
            "token at the regional STS endpoint, and without EKS's webhook (kept out of the "
            "backup containers' environment) nothing else tells it the region",
            "pass S3Replica.aws(..., region='<the bucket's region>'), e.g. 'eu-west-1'",
        )
    pod_account = getattr(station, "service_account_name", None)
    if identity is not None and pod_account is not None:
        _check_station_account(guard, station, identity, service_account_name)
    account_name = (
        None
        if identity is None
        else pod_account
        if pod_account is not None
        else dns_subdomain(
            guard,
            "service_account_name",
            f"{station.name}-backup" if service_account_name is None else service_account_name,
        )
    )
    source = credentials.secret if credentials.secret is not None else ExistingSecret()
    default_secret = (
        station.secret_name if source is station.secret_source else f"{station.name}-litestream"
    )
    secret_name = dns_subdomain(guard, "credentials.name", source.name or default_secret)
    if identity is None:  # with a workload identity no Secret is read
        use_secret_as(
            owner,
            guard,
            namespace=station.namespace,
            name=secret_name,
            purpose="the keys a pod reads",
            field="credentials.name",
            fix="give the S3 credentials a Secret of their own, e.g. "
            f"S3Credentials.from_secret(ExistingSecret('{station.name}-litestream'))",
        )
    return BackupCredentials(source, identity, account_name, secret_name)


def _check_station_account(
    guard: _Guard,
    station: StationDeployment,
    identity: WorkloadIdentity,
    service_account_name: str | None,
) -> None:
    """With ``identity`` on a Station that has a ServiceAccount of its own, use that one."""
    name = station.service_account_name
    if service_account_name is not None and service_account_name != name:
        raise guard.fail(
            "service_account_name",
            service_account_name,
            f"differs from the Station's own ServiceAccount {name!r} "
            "(StationDeployment(service_account=...)); a pod has one ServiceAccount",
            "drop service_account_name from S3Credentials.workload_identity(): the backups "
            "use the Station's ServiceAccount",
        )
    rendered = station.service_account
    wanted = identity.service_account_annotations()
    if rendered is not None and wanted:
        have = dict(rendered.to_json().get("metadata", {}).get("annotations") or {})
        missing = {k: v for k, v in wanted.items() if have.get(k) != v}
        if missing:
            raise guard.fail(
                "credentials",
                identity.role_arn,
                f"needs {missing} on the Station's ServiceAccount {name!r}, which the Station "
                "renders without it: the token would not be accepted for the role",
                f"pass StationDeployment(service_account=PodServiceAccount.rendered("
                f"annotations={wanted!r}))",
            )


def identity_env(identity: WorkloadIdentity | None, region: str | None) -> dict[str, str]:
    """The variables of ``identity``, and the region for the AWS SDK when one is set."""
    env = {} if identity is None else identity.environment()
    if region is not None:
        env = {**env, "AWS_REGION": region, "AWS_DEFAULT_REGION": region}
    return env


def credential_env(
    scope: Construct, keys: BackupCredentials, region: str | None
) -> dict[str, kplus.EnvValue]:
    """The credentials as cdk8s-plus values (``scope`` owns the Secret reference)."""
    if keys.identity is not None:
        return {k: env_value(v) for k, v in identity_env(keys.identity, region).items()}
    secret_ref = kplus.Secret.from_secret_name(scope, "secret-ref", keys.secret_name)
    return {
        variable: kplus.EnvValue.from_secret_value(
            kplus.SecretValue(secret=secret_ref, key=keys.credentials.key_for(variable)),
            optional=False,
        )
        for variable in CREDENTIAL_VARIABLES
    }


def credential_env_list(keys: BackupCredentials, region: str | None) -> list[dict[str, Any]]:
    """The credentials as plain pod-spec ``env`` entries."""
    if keys.identity is not None:
        return [{"name": k, "value": v} for k, v in identity_env(keys.identity, region).items()]
    return [
        {
            "name": variable,
            "valueFrom": {
                "secretKeyRef": {
                    "name": keys.secret_name,
                    "key": keys.credentials.key_for(variable),
                }
            },
        }
        for variable in CREDENTIAL_VARIABLES
    ]


def pod_credential_env(keys: BackupCredentials, region: str | None) -> list[dict[str, Any]]:
    """The credentials as the backup containers of the Station pod read them (as data)."""
    if keys.identity is not None:
        return env_values(identity_env(keys.identity, region))
    return [
        env_from_secret(variable, keys.secret_name, keys.credentials.key_for(variable))
        for variable in CREDENTIAL_VARIABLES
    ]


def setup_command(keys: BackupCredentials, namespace: str) -> str | None:
    """The ``kubectl create secret`` command for static keys (``None`` with an identity)."""
    if keys.identity is not None:
        return None
    return keys.credentials.setup_command(
        namespace=namespace, name=keys.secret_name, variables=list(CREDENTIAL_VARIABLES)
    )


def render_secret(
    owner: Construct, guard: _Guard, keys: BackupCredentials, station: StationDeployment
) -> None:
    """The credentials' Secret in the Station's namespace, if their source renders one."""
    # SecretSource._render: the package-internal protocol of the secret sources (see there).
    keys.credentials._render(
        owner,
        guard=guard,
        field="credentials",
        namespace=station.namespace,
        name=keys.secret_name,
        variables=list(CREDENTIAL_VARIABLES),
        labels=station.labels("litestream"),
        annotations=BEFORE_WORKLOADS,
    )


def render_identity(
    owner: Construct,
    guard: _Guard,
    station: StationDeployment,
    identity: WorkloadIdentity,
    *,
    name: str,
    namespace: str,
) -> k8s.KubeServiceAccount | None:
    """Mount the identity's token volume; render the pod's ServiceAccount ``name``.

    ``None`` when the Station has a ServiceAccount of its own (its render hook names it on
    the pod).
    """
    pod = station.pod
    pod.add_volume(identity.volume())
    add_step(pod, skip_containers_hook, last=True)
    if getattr(station, "service_account_name", None) is not None:
        return None
    claim_object(
        owner,
        guard,
        kind="ServiceAccount",
        namespace=namespace,
        name=name,
        field="service_account_name",
        fix="pass another service_account_name",
    )
    account = k8s.KubeServiceAccount(
        owner,
        "service-account",
        metadata=k8s.ObjectMeta(
            name=name,
            namespace=namespace,
            labels=station.labels("backup"),
            annotations=identity.service_account_annotations() or None,
        ),
        # The token is projected into the backup containers only.
        automount_service_account_token=False,
    )
    pod.use_service_account(name)
    return account
