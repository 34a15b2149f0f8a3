"""station-constructs: cdk8s constructs that deploy Station to Kubernetes.

Only re-exports; each construct lives in its own module.
"""

from ._errors import StationAccessWarning, StationConfigError
from ._verify.app import allow_rendered, verify_app
from ._version import __version__
from .alerts import BackupAlerts
from .auth import (
    CloudShipOAuth,
    EdgeAuth,
    EnvoySecurityPolicy,
    IstioAuthorizationPolicy,
    NginxAuthUrl,
    NginxBasicAuth,
    TraefikMiddleware,
)
from .backup_options import LitestreamMetrics, S3Credentials, S3Replica
from .config_backup import RCLONE_IMAGE, RCLONE_VERSION, ConfigDirBackup
from .gateway import GatewayImplementation, GatewayRef, StationGateway, StationGatewayRoute
from .guide import next_steps
from .iam import backup_s3_policy, backup_trust_policy
from .ingress import (
    IngressController,
    IngressRoute,
    IngressTls,
    PathType,
    StationIngress,
    TlsIssuerKind,
)
from .litestream import LITESTREAM_IMAGE, LITESTREAM_VERSION, LitestreamBackup, SidecarMode
from .monitoring import LitestreamServiceMonitor
from .network import EgressRules, NetworkPolicyOptions, StationNetworkPolicy
from .options import ApiListener, CloudShip, ConfigDirectory, ExternalService, StationAuth
from .placement import PodExtras, PodPlacement, PodServiceAccount
from .restore_drill import RestoreDrill
from .secrets import (
    ExistingSecret,
    ExternalSecretSource,
    RemoteRef,
    SealedSecretSource,
    SealingScope,
    SecretSource,
    SecretStoreKind,
    kubeseal_command,
)
from .snapshot import StationVolumeSnapshot
from .station import (
    DEFAULT_IMAGE,
    AccessMode,
    AIProvider,
    ClusterProfile,
    ConfigPersistence,
    ConfigPolicy,
    ExternalAccess,
    ImagePullPolicy,
    ResourceProfile,
    Resources,
    RetainedStorageClass,
    StationDeployment,
    StationPort,
    StationStorage,
    UpdateStrategy,
)
from .workload_identity import WorkloadIdentity

__all__ = [
    "allow_rendered",
    "verify_app",
    "__version__",
    "DEFAULT_IMAGE",
    "LITESTREAM_IMAGE",
    "LITESTREAM_VERSION",
    "RCLONE_IMAGE",
    "RCLONE_VERSION",
    "AIProvider",
    "AccessMode",
    "ApiListener",
    "CloudShip",
    "CloudShipOAuth",
    "BackupAlerts",
    "ClusterProfile",
    "ConfigDirBackup",
    "ConfigDirectory",
    "ConfigPersistence",
    "ConfigPolicy",
    "EdgeAuth",
    "EnvoySecurityPolicy",
    "EgressRules",
    "ExistingSecret",
    "ExternalAccess",
    "ExternalSecretSource",
    "ExternalService",
    "GatewayImplementation",
    "GatewayRef",
    "ImagePullPolicy",
    "IngressController",
    "IngressRoute",
    "IngressTls",
    "IstioAuthorizationPolicy",
    "LitestreamBackup",
    "LitestreamMetrics",
    "LitestreamServiceMonitor",
    "NetworkPolicyOptions",
    "NginxAuthUrl",
    "NginxBasicAuth",
    "PathType",
    "PodExtras",
    "PodPlacement",
    "PodServiceAccount",
    "RemoteRef",
    "ResourceProfile",
    "RestoreDrill",
    "Resources",
    "RetainedStorageClass",
    "S3Credentials",
    "S3Replica",
    "SealedSecretSource",
    "SealingScope",
    "SecretSource",
    "SecretStoreKind",
    "SidecarMode",
    "StationAccessWarning",
    "StationAuth",
    "StationConfigError",
    "StationDeployment",
    "StationGateway",
    "StationGatewayRoute",
    "StationIngress",
    "StationNetworkPolicy",
    "StationPort",
    "StationStorage",
    "StationVolumeSnapshot",
    "TlsIssuerKind",
    "TraefikMiddleware",
    "UpdateStrategy",
    "WorkloadIdentity",
    "backup_s3_policy",
    "backup_trust_policy",
    "kubeseal_command",
    "next_steps",
]
