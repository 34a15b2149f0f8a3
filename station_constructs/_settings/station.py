"""Station's settings vocabulary: enums, value types and constants a Station is configured with.

The first of the three steps (validated settings, renderers, emission).

Plain Python, no cdk8s: importable by every module (``network``, ``litestream``...) without
importing the StationDeployment construct, so the package has no import cycles.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from .._validate import BinaryQuantity

__all__ = [
    "AIProvider",
    "AccessMode",
    "ClusterProfile",
    "ConfigPersistence",
    "ExternalAccess",
    "ImagePullPolicy",
    "ResourceProfile",
    "Resources",
    "RetainedStorageClass",
    "StationPort",
    "StationStorage",
    "UpdateStrategy",
    "DEFAULT_IMAGE",
]

#: The image the library is tested against: a published, multi-arch Station release.
#: (``:production`` is built from a broken Dockerfile; ``:latest`` moves.)
DEFAULT_IMAGE = "ghcr.io/cloudshipai/station:v0.25.0"

#: Station's image runs as user ``station``, UID/GID 1000 (HOME /home/station).
STATION_UID = 1000
DATA_MOUNT = "/data"
DATABASE_PATH = "/data/station.db"
HOME_DIR = "/home/station"
CONFIG_DIR = "/home/station/.config/station"
#: The config directory's place on the data volume (``ConfigPersistence.VOLUME``).
VOLUME_CONFIG_DIR = "config"
_HEALTH_PATH = "/health"
_NATS_PORT = 4222
#: Opt-in tool caches on the data volume (sub path, mount path): npx keeps its packages
#: under ~/.npm, uvx (uv) under ~/.cache/uv.
_TOOL_CACHES = (
    ("tool-caches/npm", f"{HOME_DIR}/.npm"),
    ("tool-caches/cache", f"{HOME_DIR}/.cache"),
)


class AIProvider(enum.Enum):
    """An AI provider Station can use (``STN_AI_PROVIDER``)."""

    OPENAI = "openai"
    ANTHROPIC = "anthropic"
    GEMINI = "gemini"

    @property
    def key_variable(self) -> str:
        """The environment variable Station reads this provider's API key from."""
        return {
            AIProvider.OPENAI: "OPENAI_API_KEY",
            AIProvider.ANTHROPIC: "ANTHROPIC_API_KEY",
            AIProvider.GEMINI: "GEMINI_API_KEY",
        }[self]


class UpdateStrategy(enum.Enum):
    """How a new pod replaces the old one. Only ``RECREATE`` is accepted.

    ``ROLLING_UPDATE`` exists so that asking for it gets a clear explanation: a second pod
    cannot mount the ReadWriteOnce volume (the rollout hangs) or, on a multi-attach volume,
    would open the same SQLite file from two servers.
    """

    RECREATE = "Recreate"
    ROLLING_UPDATE = "RollingUpdate"


class AccessMode(enum.Enum):
    """Access mode of the data volume. ``READ_WRITE_MANY`` is refused (see StationStorage)."""

    READ_WRITE_ONCE = "ReadWriteOnce"
    READ_WRITE_ONCE_POD = "ReadWriteOncePod"
    READ_WRITE_MANY = "ReadWriteMany"


class ExternalAccess(enum.Enum):
    """How Station is reached from outside the cluster without an Ingress."""

    NONE = "None"
    LOAD_BALANCER = "LoadBalancer"
    NODE_PORT = "NodePort"


class ClusterProfile(enum.Enum):
    """Defaults for a kind of cluster. ``GENERIC`` (the default) changes nothing.

    A profile only fills in what you left unset; an explicit argument always wins.
    """

    GENERIC = "generic"
    """Any conformant cluster: the cluster's default StorageClass, nginx for Ingresses."""
    K3S = "k3s"
    """k3s: the data volume uses the ``local-path`` StorageClass and a
    :class:`~station_constructs.StationIngress` defaults to the bundled Traefik.
    ``ExternalService.load_balancer()`` is served by k3s's ServiceLB (klipper-lb), which
    listens on the chosen ports on every node; ``node_port()`` works as anywhere. local-path
    volumes live on one node's disk and are deleted with their claim (``reclaimPolicy:
    Delete``): see docs/k3s.md for keeping the data."""


class ConfigPersistence(enum.Enum):
    """Where Station's config directory (``~/.config/station``) lives.

    Station keeps environments, MCP server configs, variables and agent prompt files there,
    and its start-up sync treats that directory as the source of truth: file-based MCP
    configs whose files are gone are removed from the database with their servers and tools
    (agents are not). So the directory is state, like the database.
    """

    VOLUME = "volume"
    """On the data volume (``/data/config``, mounted at ``~/.config/station``): what is
    created at runtime (UI, API, ``stn`` commands) survives restarts and rescheduling. At
    every start ``seed-home`` brings the image's config files onto it as the policy says
    (``ConfigDirectory.on_volume(policy=...)``, :class:`ConfigPolicy`; default: the image's
    files win and files it dropped are removed), and writes a minimal ``config.yaml`` if
    there is none. Covered by VolumeSnapshots; Litestream replicates only the database. The
    default."""
    IMAGE = "image"
    """From the image at every start, as with the hand-written manifests: runtime changes to
    the directory are lost on restart (and the start-up sync then prunes the MCP configs
    created at runtime). Only for images that carry their whole configuration
    (``stn build env``)."""


class ImagePullPolicy(enum.Enum):
    """Container image pull policy. The default, ``IF_NOT_PRESENT``, fits pinned tags."""

    IF_NOT_PRESENT = "IfNotPresent"
    ALWAYS = "Always"
    NEVER = "Never"


class StationPort(enum.Enum):
    """The three ports Station serves; the value is the Service/container port name."""

    API = "api"
    """HTTP API and web UI (8585), only served with ``STN_DEV_MODE=true``."""
    MCP = "mcp"
    """Management MCP (8586). Has **no authentication**: never exposed by default."""
    AGENT_MCP = "dynamic-mcp"
    """Agent MCP (8587 = MCP port + 1): ``/mcp``, ``/execute`` and the other webhook paths,
    ``/health``. ``/mcp`` is open in every mode unless CloudShip OAuth is on (with local mode
    off), the webhook paths unless ``STN_WEBHOOK_API_KEY`` is set: see
    ``station_constructs.access``."""


@dataclass(frozen=True)
class Resources:
    """CPU and memory requests and limits of the Station container.

    Args:
        cpu_request: CPU request, e.g. ``"250m"`` or ``"0.5"``.
        memory_request: Memory request, e.g. ``"512Mi"``.
        cpu_limit: e.g. ``"1"``; ``None`` for no CPU limit (no throttling).
        memory_limit: e.g. ``"2Gi"``; must be at least ``memory_request``.

    """

    cpu_request: str = "250m"
    memory_request: str = "512Mi"
    cpu_limit: str | None = "1000m"
    memory_limit: str = "2Gi"


class ResourceProfile(enum.Enum):
    """Resource presets. ``STANDARD`` is the hand-written deployment.yaml's sizing."""

    DEVELOPMENT = Resources("100m", "256Mi", "500m", "1Gi")
    """The deployment guide's "Development" sizing."""
    STANDARD = Resources("250m", "512Mi", "1000m", "2Gi")
    """The hand-written deployment.yaml's sizing (the default)."""
    PRODUCTION = Resources("250m", "512Mi", "2000m", "4Gi")
    """The deployment guide's "Production" sizing."""


@dataclass(frozen=True)
class RetainedStorageClass:
    """A StorageClass whose volumes outlive their claim (``reclaimPolicy: Retain``).

    Dynamically provisioned volumes take the reclaim policy of their StorageClass, and the
    usual default classes (``gp3``, ``standard``, k3s's ``local-path``) delete the disk with
    the claim, so ``kubectl delete -f dist/`` or a deleted Namespace deletes the database.
    Pass one as ``StationStorage(retained_class=...)``: the Station renders this class and
    its claim uses it; a deleted claim then leaves its volume (and the data) behind, to be
    bound again (``StationStorage(volume_name=...)``) or deleted deliberately.

    Args:
        name: The StorageClass's name (cluster-wide; several Stations may share one).
        provisioner: The volume provisioner, e.g. ``ebs.csi.aws.com``,
            ``pd.csi.storage.gke.io``. Default with ``ClusterProfile.K3S``:
            ``rancher.io/local-path``; required otherwise.
        parameters: The provisioner's parameters, e.g. ``{"type": "gp3", "encrypted":
            "true"}``. Default none.

    """

    name: str
    provisioner: str | None = None
    parameters: Mapping[str, str] | None = None


@dataclass(frozen=True)
class StationStorage:
    """The persistent volume that holds ``/data/station.db``.

    Args:
        size: Requested size. Default ``10Gi`` (the guide: "start with 10Gi, monitor growth").
        storage_class: StorageClass name. Default: the cluster's default class
            (``local-path`` on k3s, ``gp3``/``standard``... elsewhere).
        access_mode: Default ``READ_WRITE_ONCE``. ``READ_WRITE_ONCE_POD`` is stricter
            (Kubernetes 1.29+ GA). ``READ_WRITE_MANY`` is refused: SQLite's locking is not
            safe on network filesystems.
        claim_name: PVC name. Default ``<station name>-data`` (``station-data``).
        create: Render the PVC (default). ``False`` uses an existing claim named
            ``claim_name`` (e.g. one restored from a VolumeSnapshot).
        volume_name: Bind to this PersistentVolume (static provisioning / re-attaching a
            retained volume). Default: dynamic provisioning.
        protect_from_prune: Annotate the PVC, and the Namespace if the construct renders it
            (deleting a Namespace deletes its PVCs), so Argo CD and Flux never prune (delete)
            them when they disappear from Git. ``kubectl delete -f dist/`` is not stopped by
            this. Default ``True``.
        restore_from_snapshot: Create the claim from this VolumeSnapshot (in the Station's
            namespace, e.g. one rendered by ``StationVolumeSnapshot``): renders the PVC's
            ``dataSource``. Kubernetes reads it only when the claim is created, so restore
            into a new ``claim_name`` (or delete the old claim first); ``size`` must be at
            least the snapshot's. Needs ``create=True`` and a CSI StorageClass (not
            ``local-path``). Default none (an empty volume).
        retained_class: Render this :class:`RetainedStorageClass` (``reclaimPolicy:
            Retain``) and provision the claim from it, so deleting the claim never deletes
            the volume. Not with ``storage_class`` (the class is this one) or
            ``volume_name``. Default none: the class's own policy (usually ``Delete``).

    """

    size: str = "10Gi"
    storage_class: str | None = None
    access_mode: AccessMode = AccessMode.READ_WRITE_ONCE
    claim_name: str | None = None
    create: bool = True
    volume_name: str | None = None
    protect_from_prune: bool = True
    restore_from_snapshot: str | None = None
    retained_class: RetainedStorageClass | None = None


@dataclass(frozen=True)
class _ResolvedResources:
    cpu_request_m: int
    cpu_limit_m: int | None
    memory_request: BinaryQuantity
    memory_limit: BinaryQuantity


_CLUSTER_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
_APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
