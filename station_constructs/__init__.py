"""station-constructs: cdk8s constructs that deploy Station to Kubernetes.

Every public name is imported from here (``from station_constructs import StationDeployment``)
and loads on first use: an app loads the modules of the names it uses, so a default app
(``main.py``) never loads the Ingress, Gateway API, backup and monitoring modules or the CRD
bindings.

The ``if TYPE_CHECKING:`` block below is the table of public names, one line each
(``from .module import Name as Name``): type checkers and IDEs read it as the imports it is,
and at run time ``__getattr__`` imports a name's module the first time the name is asked for.
Adding a public name is adding its line there (and documenting it: ``tests/test_structure.py``
checks that each one has a docstring and is listed in ``docs/architecture.md``).
"""

from __future__ import annotations

import re as _re
from importlib import import_module as _import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._errors import StationAccessWarning as StationAccessWarning
    from ._errors import StationConfigError as StationConfigError
    from ._verify.app import allow_rendered as allow_rendered
    from ._verify.app import verify_app as verify_app
    from ._version import __version__ as __version__
    from .alerts import BackupAlerts as BackupAlerts
    from .auth import EdgeAuth as EdgeAuth
    from .auth import EnvoySecurityPolicy as EnvoySecurityPolicy
    from .auth import IstioAuthorizationPolicy as IstioAuthorizationPolicy
    from .auth import NginxAuthUrl as NginxAuthUrl
    from .auth import NginxBasicAuth as NginxBasicAuth
    from .auth import TraefikMiddleware as TraefikMiddleware
    from .backup_options import LitestreamMetrics as LitestreamMetrics
    from .backup_options import S3Credentials as S3Credentials
    from .backup_options import S3Replica as S3Replica
    from .config_backup import RCLONE_IMAGE as RCLONE_IMAGE
    from .config_backup import RCLONE_VERSION as RCLONE_VERSION
    from .config_backup import ConfigDirBackup as ConfigDirBackup
    from .gateway import GatewayImplementation as GatewayImplementation
    from .gateway import GatewayRef as GatewayRef
    from .gateway import StationGateway as StationGateway
    from .gateway import StationGatewayRoute as StationGatewayRoute
    from .guide import next_steps as next_steps
    from .guide import who_can_call_what as who_can_call_what
    from .iam import backup_s3_policy as backup_s3_policy
    from .iam import backup_trust_policy as backup_trust_policy
    from .ingress import IngressController as IngressController
    from .ingress import IngressRoute as IngressRoute
    from .ingress import IngressTls as IngressTls
    from .ingress import PathType as PathType
    from .ingress import StationIngress as StationIngress
    from .ingress import TlsIssuerKind as TlsIssuerKind
    from .litestream import LITESTREAM_IMAGE as LITESTREAM_IMAGE
    from .litestream import LITESTREAM_VERSION as LITESTREAM_VERSION
    from .litestream import LitestreamBackup as LitestreamBackup
    from .litestream import SidecarMode as SidecarMode
    from .monitoring import LitestreamServiceMonitor as LitestreamServiceMonitor
    from .network import EgressRules as EgressRules
    from .network import NetworkPolicyOptions as NetworkPolicyOptions
    from .network import StationNetworkPolicy as StationNetworkPolicy
    from .options import ApiListener as ApiListener
    from .options import CloudShip as CloudShip
    from .options import ConfigDirectory as ConfigDirectory
    from .options import ExternalService as ExternalService
    from .options import StationAuth as StationAuth
    from .placement import PodExtras as PodExtras
    from .placement import PodPlacement as PodPlacement
    from .placement import PodServiceAccount as PodServiceAccount
    from .pod import StationPod as StationPod
    from .restore_drill import RestoreDrill as RestoreDrill
    from .secrets import ExistingSecret as ExistingSecret
    from .secrets import ExternalSecretSource as ExternalSecretSource
    from .secrets import RemoteRef as RemoteRef
    from .secrets import SealedSecretSource as SealedSecretSource
    from .secrets import SealingScope as SealingScope
    from .secrets import SecretSource as SecretSource
    from .secrets import SecretStoreKind as SecretStoreKind
    from .secrets import kubeseal_command as kubeseal_command
    from .snapshot import StationVolumeSnapshot as StationVolumeSnapshot
    from .station import DEFAULT_IMAGE as DEFAULT_IMAGE
    from .station import AccessMode as AccessMode
    from .station import AIProvider as AIProvider
    from .station import ClusterProfile as ClusterProfile
    from .station import ConfigPolicy as ConfigPolicy
    from .station import ImagePullPolicy as ImagePullPolicy
    from .station import ResourceProfile as ResourceProfile
    from .station import Resources as Resources
    from .station import RetainedStorageClass as RetainedStorageClass
    from .station import StationDeployment as StationDeployment
    from .station import StationPort as StationPort
    from .station import StationStorage as StationStorage
    from .workload_identity import WorkloadIdentity as WorkloadIdentity


def _public_names() -> dict[str, str]:
    """Public name -> the module it is imported from, read from the ``TYPE_CHECKING`` block."""
    with open(__file__, encoding="utf-8") as source:
        text = source.read()
    found = {}
    for line in text.split("\nif TYPE_CHECKING:\n", 1)[1].splitlines():
        if not line.startswith(" ") and line.strip():
            break  # the end of the block
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        matched = _LINE.fullmatch(line)
        if matched is None:
            raise ImportError(f"{__file__}: not a public name's line: {line!r}")
        module, name = matched.groups()
        found[name] = module
    return found


_LINE = _re.compile(r"    from (\.[\w.]*) import (\w+) as \2")
_PUBLIC = _public_names()
__all__ = sorted(_PUBLIC)
#: Former names (0.1's, or earlier 0.2 development builds') whose module refuses them with
#: what to write now, for one release (not in ``__all__``).
_FORMER = {
    "CloudShipOAuth": ".auth",
    "ConfigPersistence": ".station",
    "EdgeAuthKind": ".auth",
    "ExternalAccess": ".station",
    "UpdateStrategy": ".station",
}


if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        """Load a public name (or a public module, ``station_constructs.releases``) on first use."""
        module = _PUBLIC.get(name) or _FORMER.get(name)
        if module is not None:  # a former name's module refuses it with the new spelling
            value = getattr(_import_module(module, __name__), name)
        elif not name.startswith("_"):
            try:
                value = _import_module(f".{name}", __name__)
            except ModuleNotFoundError as missing:
                if missing.name != f"{__name__}.{name}":
                    raise
                raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    """The public names."""
    return list(__all__)
