"""station-constructs: cdk8s constructs that deploy Station to Kubernetes.

Only re-exports; each construct lives in its own module.
"""

from ._errors import StationConfigError
from .secrets import ExistingSecret, SecretSource
from .station import (
    DEFAULT_IMAGE,
    AccessMode,
    AIProvider,
    ExternalAccess,
    ImagePullPolicy,
    ResourceProfile,
    Resources,
    StationDeployment,
    StationPort,
    StationStorage,
    UpdateStrategy,
)

__all__ = [
    "DEFAULT_IMAGE",
    "AIProvider",
    "AccessMode",
    "ExistingSecret",
    "ExternalAccess",
    "ImagePullPolicy",
    "ResourceProfile",
    "Resources",
    "SecretSource",
    "StationConfigError",
    "StationDeployment",
    "StationPort",
    "StationStorage",
    "UpdateStrategy",
]
