"""StationDeployment: the complete, guarded manifest set for one Station server.

Station is one Go process with its whole state in one SQLite file, so this construct
renders exactly one pod, on one ReadWriteOnce volume, stopped before a new one starts.
What Station really does at runtime (variables, ports, UID) is documented next to each
setting below; see ``docs/station-facts.md`` in the project's sources.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from ._app_registry import check_scope, init_construct
from ._composing import StationReferences
from ._k8s import ApiObject, Chart, Construct, guard_for, k8s, kplus
from ._read_only import Published, Referenced, Rendered
from ._renamed import former_attribute, former_name, refuse_former
from ._render.pod import StationPod
from ._seed import ConfigPolicy
from ._settings.input import StationInput
from ._settings.station import (
    DEFAULT_IMAGE,
    AccessMode,
    AIProvider,
    ClusterProfile,
    ImagePullPolicy,
    ResourceProfile,
    Resources,
    RetainedStorageClass,
    StationPort,
    StationStorage,
)
from ._station_api import attach_to, security_context
from ._station_choices import StationChoices
from ._station_former import STATION_FORMER, STATION_FORMER_ATTRIBUTES, STATION_FORMER_NAMES
from ._station_render import render_station, station_labels
from ._station_settings import resolve_station
from ._validate import one_of
from ._verify.app import note_station
from .access import AuthSettings, Exposure
from .network import NetworkPolicyOptions, StationNetworkPolicy
from .options import ApiListener, CloudShip, ConfigDirectory, ExternalService, StationAuth
from .placement import PodExtras, PodPlacement, PodServiceAccount
from .releases import StationRelease
from .secrets import SecretSource

__all__ = [
    "AIProvider",
    "AccessMode",
    "ClusterProfile",
    "ConfigPolicy",
    "ImagePullPolicy",
    "ResourceProfile",
    "Resources",
    "RetainedStorageClass",
    "StationDeployment",
    "StationPort",
    "StationStorage",
    "DEFAULT_IMAGE",
]


def __getattr__(name: str) -> object:
    """Refuse a 0.1 name of this module (``STATION_FORMER_NAMES``) with its new spelling."""
    raise former_name(__name__, name, STATION_FORMER_NAMES)


class StationDeployment(Construct):
    """Station on Kubernetes: Namespace, ConfigMap, Secret wiring, PVC, Deployment, Services.

    Every argument is keyword-only and optional; the defaults reproduce the hand-written
    manifests' object names (``station``, ``station-config``, ``station-secrets``,
    ``station-data``) with their defects corrected. Bad input raises
    :class:`~station_constructs.StationConfigError` here, at construct time. There is
    always exactly one replica, replaced with ``Recreate`` (SQLite has one writer): these are
    not arguments. The 0.1 keyword arguments are refused with their new spelling
    ("Migrating from 0.1" in ``docs/upgrades.md``).

    Args:
        scope: The chart (or any construct) to add the objects to.
        id: Construct id. Never used in object names: renaming it changes nothing deployed.
        name: Name of the Deployment and Service, and the prefix of derived names
            (``<name>-config``, ``<name>-data``, ``<name>-secrets``, ``<name>-external``).
            Default ``station``.
        namespace: Namespace of every object. Default ``station``.
        create_namespace: Render the Namespace (with Pod Security "restricted" enforced).
            Default ``True``; ``False`` to deploy into an existing namespace. Cluster
            namespaces (``default``, ``kube-*``) are never rendered: they need ``False``.
        image: Station image, pinned. Default :data:`DEFAULT_IMAGE`. Images built with
            ``stn build env NAME --tag T`` (``station-NAME:T``) work the same way. The tag
            of an official image (``ghcr.io/cloudshipai/station:vX``) selects the release
            whose rules the guards apply (``station_constructs.releases``).
        allow_unpinned_image: Accept ``:latest`` or an untagged image. Default ``False``.
        station_release: The Station release the image was built from (a key of
            ``station_constructs.releases.RELEASES``, e.g. ``"v0.25.0"``), for an image
            whose reference does not say it: a digest alone, an unknown tag, an image built
            with ``stn build env``. Default: read from the official image's tag; otherwise
            the conservative model (the worst of every supported release: every 8587 path
            may reach the agent MCP, the webhooks may be open without a key, only the
            providers every release starts).
        image_pull_policy: Default ``IF_NOT_PRESENT`` (cdk8s-plus would render ``Always``).
        image_pull_secrets: Names of Secrets for a private registry. Default none.
        storage: The data volume. Default ``StationStorage()`` (10Gi, RWO, ``station-data``).
            ``None`` is refused.
        provider: The AI provider Station uses (``STN_AI_PROVIDER``). Default OpenAI.
        extra_providers: Further providers whose keys agents may use; each key is required.
        model: ``STN_AI_MODEL``. Default: Station's per-provider default.
        ai_base_url: ``STN_AI_BASE_URL`` for OpenAI-compatible endpoints. Default none.
        secret: Where the secret values come from. Default
            ``ExistingSecret("<name>-secrets")``; see ``station_constructs.secrets``.
        secret_variables: Further variables read from the Secret (e.g. ``GITHUB_TOKEN`` for
            an MCP server). Each is required.
        auth: Who Station itself authenticates (:class:`~station_constructs.StationAuth`).
            Default ``StationAuth.local()`` (``STATION_LOCAL_MODE=true``, as the hand-written
            manifests): safe inside the cluster (the NetworkPolicy keeps other namespaces
            out) and behind authentication at the edge (``StationIngress(edge_auth=...)``).
            ``StationAuth.cloudship_oauth(...)``: CloudShip tokens on the agent MCP and the
            API (any CloudShip account's, its API callers admins: exposing the API with it
            alone is refused). ``StationAuth.webhook_key()``: the webhook paths need
            ``STN_WEBHOOK_API_KEY`` from the Secret; the agent MCP stays open and the API
            rejects every request (a :class:`~station_constructs.StationAccessWarning`
            while it is served: nothing can create a user API key). See "Who can call
            what" in ``docs/reaching-station.md``.
        api: The HTTP API and web UI (:class:`~station_constructs.ApiListener`,
            ``STN_DEV_MODE``, ``API_PORT``). Default ``ApiListener.on()`` (port 8585);
            ``ApiListener.off()`` serves only the MCP ports.
        mcp_port: ``MCP_PORT``, the management MCP port. Default 8586; the agent MCP
            listens on ``mcp_port + 1`` (8587).
        serve_environment: ``STATION_SERVE_ENVIRONMENT``. Default: Station's ``default``.
            Station creates only ``default``; any other environment must already exist in
            the database (create it through the UI/API first), or the agent MCP never
            listens: ``seed-home`` then stops the pod with that fix in its log.
        otlp_endpoint: Turns tracing on (``STN_TELEMETRY_ENABLED=true``,
            ``OTEL_EXPORTER_OTLP_ENDPOINT``): the collector's OTLP/HTTP base URL without a
            path, e.g. ``http://otel-collector.observability:4318``. Station has no separate
            switch: the same setting turns on its usage analytics, sent to PostHog
            (``https://us.i.posthog.com``), which restricted egress must then admit.
        cloudship: The CloudShip integration (:class:`~station_constructs.CloudShip`);
            its key ``STN_CLOUDSHIP_KEY`` is then required in the Secret.
            ``CloudShip.connected(telemetry=..., bundle_id=...)`` opens CloudShip's
            remote-control channel (``STN_CLOUDSHIP_ENABLED``): whoever controls the
            CloudShip account lists and runs agents and updates prompts, over the pod's
            outbound connection; its hosts are checked against ``network_policy.egress``.
            ``CloudShip.bundle(bundle_id)`` installs a bundle at start with the key alone.
            Default ``None``. Telemetry is rendered off (``STN_TELEMETRY_ENABLED=false``)
            unless ``telemetry=True`` or ``otlp_endpoint`` asks for it; Station would
            otherwise export to ``http://localhost:4318`` or, with CloudShip on, to CloudShip.
        env: Further non-secret variables for the ConfigMap. Names that look secret
            (``*KEY*``, ``*TOKEN*``, the words ``PAT``, ``WEBHOOK``, ``DSN``...) and values
            shaped like credentials (``user:password@`` URLs, ``sk-``, ``ghp_``, ``AKIA``...,
            PEM blocks) are refused: use ``secret_variables``. So is every name that would
            override a setting the construct manages, including its ``STN_``/``STATION_``
            twins (``STATION_DATABASE``, ``STATION_API_PORT``...).
        resources: A :class:`ResourceProfile` or custom :class:`Resources`.
            Default ``ResourceProfile.STANDARD``.
        startup_timeout: How long Station may take to sync environments and connect MCP
            servers before the startup probe gives up. Default ``5m``. MCP servers are
            discovered one at a time; a stdio server can take 60-90 s with cold caches.
        read_only_root_filesystem: Default ``True``: the root filesystem is read-only and
            Station's writable paths (``$HOME``, ``/tmp``, ``/workspace``) are emptyDir
            volumes; ``$HOME`` is seeded from the image so environments baked in with
            ``stn build env`` stay visible.
        config_directory: Where ``~/.config/station`` lives
            (:class:`~station_constructs.ConfigDirectory`). Default
            ``ConfigDirectory.on_volume()``: on the data volume, seeded from the image at
            every start (``policy=ConfigPolicy.IMAGE_WINS``: the image's files overwrite the
            volume's; ``VOLUME_WINS``: only files new to the image are added).
            ``ConfigDirectory.from_image()``: from the image alone.
        persist_tool_caches: Keep the npx/uvx caches (``~/.npm``, ``~/.cache``) on the
            data volume (``tool-caches/``) so stdio MCP servers are not downloaded again
            at every start. Default ``False``; the caches then use the volume's space.
        scratch_size_limit: Size limit of each of those emptyDir volumes. Default ``2Gi``.
        termination_grace_period: Default ``30s`` (Station needs ~8 s to stop).
        external_service: The ``<name>-external`` Service
            (:class:`~station_constructs.ExternalService`):
            ``ExternalService.load_balancer(ports=..., source_ranges=..., annotations=...)``
            or ``ExternalService.node_port(ports=..., node_ports=..., annotations=...)``.
            Default ``None`` (none). Its ports default to the API (if served) and the agent
            MCP; the management MCP needs ``allow_unauthenticated_exposure``.
        profile: :class:`ClusterProfile` defaults for the target cluster. Default
            ``GENERIC``; ``K3S`` uses the ``local-path`` StorageClass unless
            ``storage.storage_class`` is set, and makes StationIngress default to Traefik.
        allow_unauthenticated_exposure: Accept exposing an endpoint that Station serves to
            anyone (see "Who can call what" in ``docs/reaching-station.md``: 8587 ``/mcp``
            without CloudShip OAuth, the webhook paths without a key, everything in local
            mode, the management MCP) outside the cluster with nothing authenticating in
            front of it. A VPN or firewall is your authentication. Default ``False``.
        network_policy: The pod's NetworkPolicy (see ``station_constructs.network``).
            Default ``NetworkPolicyOptions()``: same-namespace pods reach Station's served
            ports, the external Service's ports (if any) are open, nothing else gets in;
            NATS (4222) and the management MCP (8586) are never admitted from outside the
            namespace; egress is open. ``None`` renders no NetworkPolicy (opt-out).
        labels: Extra labels for every object (never used in selectors).
        annotations: Extra annotations for the Deployment's pods. An unconfined AppArmor
            profile is refused in the restricted Namespace this construct renders.
        placement: Node selector, tolerations, affinity, priority class and runtime class
            of the pod (:class:`~station_constructs.PodPlacement`). Default none.
        service_account: The pod's ServiceAccount
            (:class:`~station_constructs.PodServiceAccount`): an existing one or one rendered
            with annotations; its token mounted only when asked for. Default: the
            namespace's default account, token not mounted.
        pod_extras: Pod labels, extra volumes and mounts, init containers, sidecars, host
            aliases and DNS config (:class:`~station_constructs.PodExtras`), checked against
            the single writer, the data volume and the "restricted" Pod Security Standard.
            Default none.
        data_chart: A Chart (of the same App) for the objects that keep the data: the
            Namespace and the claim (when rendered) and the key Secret's ExternalSecret or
            SealedSecret. It is written to a file of its own, applied first and without
            ``--prune``, so an ApplySet (``kubectl apply --prune --applyset``) over the
            Station's file never holds, so never deletes, them (see docs/day-2.md). Default
            none: they are in the Station's Chart.

    """

    def __init__(  # noqa: PLR0913 - keyword-only configuration, each documented above
        self,
        scope: Construct,
        id: str,
        *,
        name: str = "station",
        namespace: str = "station",
        create_namespace: bool = True,
        image: str = DEFAULT_IMAGE,
        allow_unpinned_image: bool = False,
        station_release: str | None = None,
        image_pull_policy: ImagePullPolicy = ImagePullPolicy.IF_NOT_PRESENT,
        image_pull_secrets: Sequence[str] = (),
        storage: StationStorage | None = StationStorage(),  # noqa: B008 - frozen dataclass
        provider: AIProvider = AIProvider.OPENAI,
        extra_providers: Sequence[AIProvider] = (),
        model: str | None = None,
        ai_base_url: str | None = None,
        secret: SecretSource | None = None,
        secret_variables: Sequence[str] = (),
        auth: StationAuth = StationAuth.local(),  # noqa: B008 - frozen value
        api: ApiListener = ApiListener.on(),  # noqa: B008 - frozen value
        mcp_port: int = 8586,
        serve_environment: str | None = None,
        otlp_endpoint: str | None = None,
        cloudship: CloudShip | None = None,
        env: Mapping[str, str] | None = None,
        resources: ResourceProfile | Resources = ResourceProfile.STANDARD,
        startup_timeout: str | int = "5m",
        read_only_root_filesystem: bool = True,
        config_directory: ConfigDirectory = ConfigDirectory.on_volume(),  # noqa: B008
        persist_tool_caches: bool = False,
        scratch_size_limit: str = "2Gi",
        termination_grace_period: str | int = "30s",
        external_service: ExternalService | None = None,
        allow_unauthenticated_exposure: bool = False,
        network_policy: NetworkPolicyOptions | None = NetworkPolicyOptions(),  # noqa: B008
        profile: ClusterProfile = ClusterProfile.GENERIC,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        placement: PodPlacement | None = None,
        service_account: PodServiceAccount | None = None,
        pod_extras: PodExtras | None = None,
        data_chart: Chart | None = None,
        **former: object,
    ) -> None:
        check_scope(scope, id, "StationDeployment", self)
        init_construct(self, scope, id)
        self._guard = guard = guard_for("StationDeployment", self)
        refuse_former(guard, former, STATION_FORMER, _ACCEPTED)
        given = StationInput.of(guard, locals())  # every keyword argument, the unions flat
        # Settings resolved into one frozen value (the first bad argument raises), rendered.
        self._settings = settings = resolve_station(self, guard, given)
        exposed = settings.external_ports
        self._choices = StationChoices.of(
            auth, api, cloudship, config_directory, external_service, exposed
        )
        self._objects = render_station(
            self,
            self,
            scope,
            guard,
            settings,
            data_chart=given.data_chart,
            network_policy=given.network_policy,
        )
        self._refs = StationReferences(self, settings)
        note_station(self)

    # Settings (_station_settings.py), read-only.
    profile = Published[ClusterProfile]("The cluster profile whose defaults were applied.")
    name = Published[str]("Name of the Deployment and the ClusterIP Service.")
    namespace = Published[str]("Namespace of every object.")
    config_map_name = Published[str]("Name of the ConfigMap with the non-secret settings.")
    pvc_name = Published[str]("Name of the PersistentVolumeClaim holding ``/data``.")
    service_name = Published[str]("Name of the ClusterIP Service.")
    external_service_name = Published[str | None]("Name of the external Service, if any.")
    secret_source = Published[SecretSource]("Where the Secret comes from.")
    secret_name = Published[str]("Name of the Secret the pod reads its keys from.")
    image = Published[str]("The Station image.")
    release = Published[StationRelease]("The Station release whose rules the guards apply.")
    ports = Published[dict[StationPort, int]]("Port number of each endpoint (API included).")
    served_ports = Published[tuple[StationPort, ...]]("The ports Station listens on.")
    provider = Published[AIProvider]("The provider in ``STN_AI_PROVIDER``.")
    providers = Published[tuple[AIProvider, ...]]("Every provider whose key is wired.")
    secret_variables = Published[tuple[str, ...]]("Every variable read from the Secret.")
    settings = Published[dict[str, str]]("The ConfigMap's data (the non-secret settings).")
    auth_settings = Published[AuthSettings]("What decides who can call what.")
    resources = Published[Resources]("The effective resources.")
    startup_timeout_seconds = Published[int]("Seconds the startup probe allows.")
    storage = Published[StationStorage]("The data volume settings.")
    persist_tool_caches = Published[bool]("Whether npx/uvx caches live on the data volume.")
    serve_environment = Published[str | None]("The environment served (``None``: default).")
    exposures = Published[list[Exposure]]("Every place outside the cluster reaching Station.")
    allow_unauthenticated_exposure = Published[bool]("Unauthenticated exposure accepted.")
    selector_labels = Published[dict[str, str]]("The immutable pod selector (``app: <name>``).")
    # The union arguments as given (_station_choices.py), read-only.
    auth = Published[StationAuth]("Who Station authenticates (``auth=``).", source="_choices")
    api = Published[ApiListener](
        "The API listener: ``api.enabled``, ``api.port``.", source="_choices"
    )
    cloudship = Published[CloudShip | None]("The CloudShip integration, if any.", source="_choices")
    config_directory = Published[ConfigDirectory](
        "Where ``~/.config/station`` lives, and whose files win.", source="_choices"
    )
    external_service_options = Published[ExternalService | None](
        "The external Service's value, its ``ports`` resolved (``None``: no such Service).",
        source="_choices",
    )
    # Objects (_station_render.py), read-only.
    namespace_object = Rendered[ApiObject | None]("The Namespace, if rendered.")
    config_map = Rendered[k8s.KubeConfigMap]("The ConfigMap of non-secret settings.")
    storage_class = Rendered[ApiObject | None]("The RetainedStorageClass, if rendered.")
    pvc = Rendered[k8s.KubePersistentVolumeClaim | None]("The data claim, if rendered.")
    deployment = Rendered[ApiObject]("The Deployment (``ApiObject.of(station)``).")
    pod = Rendered[StationPod]("The pod, open to additions until synthesis.")
    service_account = Rendered[k8s.KubeServiceAccount | None]("The ServiceAccount, if rendered.")
    service_account_name = Rendered[str | None]("The pod's ServiceAccount (None: default).")
    service = Rendered[kplus.Service]("The ClusterIP Service reaching every served port.")
    external_service = Rendered[kplus.Service | None]("The external Service, if any.")
    data_chart = Rendered[Chart | None]("The Chart of the data's objects, if kept apart.")
    extensions = Rendered[dict[str, Construct]]("Attached constructs, one per kind.")
    network_policy = Rendered[StationNetworkPolicy | None]("The pod's NetworkPolicy, if any.")
    termination_grace_period_seconds = Published[int]("The pod's grace period.", source="pod")
    # cdk8s-plus references (_composing.py), made on first use.
    config_map_ref = Referenced[kplus.IConfigMap]("The ConfigMap, as a reference.")
    secret_ref = Referenced[kplus.ISecret]("The key Secret, as a reference.")
    claim_ref = Referenced[kplus.IPersistentVolumeClaim]("The data claim, as a reference.")
    data_volume = Referenced[kplus.Volume]("The data claim as a volume named ``data``.")
    pods = Referenced[kplus.Pods]("The Station's pod, as a cdk8s-plus selector.")

    def labels(self, component: str) -> dict[str, str]:
        """Metadata labels for an object of this Station playing ``component``."""
        return station_labels(self._settings, component)

    def port(self, which: StationPort) -> int:
        """The port number of ``which`` (e.g. ``StationPort.AGENT_MCP`` -> 8587)."""
        one_of(self._guard, "which", which, StationPort)
        return self.ports[which]

    def url(self, which: StationPort) -> str:
        """In-cluster URL of an endpoint, e.g. ``http://station.station.svc.cluster.local:8587``."""
        return f"http://{self.service_name}.{self.namespace}.svc.cluster.local:{self.port(which)}"

    def ensure_termination_grace_period(
        self, seconds: int, *, reason: str | Callable[[], str]
    ) -> None:
        """Raise the pod's grace period to at least ``seconds`` (``station.pod``'s method)."""
        self.pod.ensure_termination_grace_period(seconds, reason=reason)

    def attach(self, kind: str, extension: Construct) -> None:
        """Register an attached construct (one per ``kind``); a second one is refused."""
        attach_to(self._guard, self.extensions, kind, extension)

    container_security_context = staticmethod(security_context)

    if not TYPE_CHECKING:  # type checkers keep reporting unknown attributes

        def __getattr__(self, name: str) -> object:
            """Refuse a 0.1 attribute (``STATION_FORMER_ATTRIBUTES``) with what to read now."""
            raise former_attribute(self, name, STATION_FORMER_ATTRIBUTES)

        def __setattr__(self, name: str, value: object) -> None:
            """Refuse setting a 0.1 attribute (it would change nothing); set anything else."""
            if name in STATION_FORMER_ATTRIBUTES:
                raise former_attribute(self, name, STATION_FORMER_ATTRIBUTES)
            super().__setattr__(name, value)


#: The keyword arguments StationDeployment takes (offered when a name is misspelt).
_ACCEPTED = tuple(
    p.name
    for p in inspect.signature(StationDeployment.__init__).parameters.values()
    if p.kind is inspect.Parameter.KEYWORD_ONLY
)
