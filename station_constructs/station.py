"""StationDeployment: the complete, guarded manifest set for one Station server.

Station is one Go process with its whole state in one SQLite file, so this construct
renders exactly one pod, on one ReadWriteOnce volume, stopped before a new one starts.
What Station really does at runtime (variables, ports, UID) is documented next to each
setting below; see ``docs/station-facts.md`` in the project's sources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._app_registry import check_scope
from ._composing import ComposingRefs
from ._k8s import (
    Construct,
    guard_for,
    k8s,
    kplus,
)
from ._labels import selector_labels
from ._read_only import ReadOnlyAttributes
from ._seed import ConfigPolicy
from ._station_api import StationApi
from ._station_claims import StationClaims
from ._station_render import StationRendering
from ._validate import (
    ImageReference,
)
from .access import AuthSettings, Exposure, settings_of
from .auth import CloudShipOAuth
from .emit.deferred import DeferredObject
from .network import NetworkPolicyOptions, StationNetworkPolicy
from .placement import PodExtras, PodPlacement, PodServiceAccount, apply_pod, resolve_pod
from .secrets import SecretSource
from .settings.arguments import resolve_arguments
from .settings.config import resolve_config, warn_if_api_unusable
from .settings.exposure import resolve_exposure
from .settings.image import resolve_image
from .settings.labels import resolve_labels
from .settings.names import resolve_names
from .settings.ports import resolve_ports
from .settings.providers import resolve_providers
from .settings.resources import resolve_resources
from .settings.single_writer import resolve_single_writer
from .settings.station import (
    CONFIG_DIR,
    DATA_MOUNT,
    DEFAULT_IMAGE,
    HOME_DIR,
    AccessMode,
    AIProvider,
    ClusterProfile,
    ConfigPersistence,
    ExternalAccess,
    ImagePullPolicy,
    ResourceProfile,
    Resources,
    StationPort,
    StationStorage,
    UpdateStrategy,
)
from .settings.storage import resolve_storage

__all__ = [
    "AIProvider",
    "AccessMode",
    "ClusterProfile",
    "ConfigPersistence",
    "ConfigPolicy",
    "ExternalAccess",
    "ImagePullPolicy",
    "ResourceProfile",
    "Resources",
    "StationDeployment",
    "StationPort",
    "StationStorage",
    "UpdateStrategy",
    "DEFAULT_IMAGE",
]


class StationDeployment(
    StationApi, StationClaims, StationRendering, ComposingRefs, ReadOnlyAttributes, Construct
):
    """Station on Kubernetes: Namespace, ConfigMap, Secret wiring, PVC, Deployment, Services.

    Every argument is keyword-only and optional; the defaults reproduce the hand-written
    manifests' object names (``station``, ``station-config``, ``station-secrets``,
    ``station-data``) with their defects corrected. Bad input raises
    :class:`~station_constructs.StationConfigError` here, at construct time.

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
            ``stn build env NAME --tag T`` (``station-NAME:T``) work the same way.
        allow_unpinned_image: Accept ``:latest`` or an untagged image. Default ``False``.
        image_pull_policy: Default ``IF_NOT_PRESENT`` (cdk8s-plus would render ``Always``).
        image_pull_secrets: Names of Secrets for a private registry. Default none.
        replicas: Must be 1 (SQLite has one writer). Present only so 2 gets an explanation.
        strategy: Must be ``UpdateStrategy.RECREATE``.
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
        local_mode: ``STATION_LOCAL_MODE``: authentication off. Default ``True`` (as the
            hand-written manifests). Safe inside the cluster (the NetworkPolicy keeps other
            namespaces out) and behind authentication at the edge
            (``StationIngress(edge_auth=...)``). Turning it off does **not** by itself
            authenticate the agent MCP (8587 ``/mcp`` and the webhook paths stay open): see
            ``cloudship_oauth``, ``webhook_api_key``, "Who can call what" in
            ``docs/reaching-station.md``. Off without ``cloudship_oauth``, with the API on, is
            a :class:`~station_constructs.StationAccessWarning`: Station v0.23.0 then rejects
            every API and web UI request, since nothing can create a user API key. A warning,
            not an error, because in-cluster that is harmless and the agent MCP still works;
            exposing the rejecting API outside the cluster is refused.
        cloudship_oauth: :class:`~station_constructs.CloudShipOAuth`: Station checks
            ``Authorization: Bearer`` tokens at CloudShip (``STN_CLOUDSHIP_OAUTH_*``) on the
            agent MCP (every path but ``/health``) and the API. Needs ``local_mode=False``
            (Station ignores it in local mode). Default none.
        webhook_api_key: Read ``STN_WEBHOOK_API_KEY`` from the Secret (like the provider
            keys): the webhook paths (``/execute``, ``/runs/``, ``/workflow-runs``,
            ``/workflow-approvals/``) then require ``Bearer <that key>``. Needs
            ``local_mode=False`` (ignored in local mode) and cannot be combined with
            ``cloudship_oauth`` (both checks read the same header, so every webhook request
            would be rejected; OAuth alone already protects them). Default ``False``.
        enable_api: ``STN_DEV_MODE``: serve the HTTP API and web UI on ``api_port``.
            Default ``True``.
        api_port: ``API_PORT``, the HTTP API/UI port. Default 8585.
        mcp_port: ``MCP_PORT``, the management MCP port. Default 8586; the agent MCP
            listens on ``mcp_port + 1`` (8587).
        serve_environment: ``STATION_SERVE_ENVIRONMENT``. Default: Station's ``default``.
            Station creates only ``default``; any other environment must already exist in
            the database (create it through the UI/API first), or the agent MCP never
            listens: ``seed-home`` then stops the pod with that fix in its log.
        otlp_endpoint: Turns tracing on (``STN_TELEMETRY_ENABLED=true``,
            ``OTEL_EXPORTER_OTLP_ENDPOINT``): the collector's OTLP/HTTP base URL without a
            path, e.g. ``http://otel-collector.observability:4318``.
        cloudship: Enable the CloudShip integration (``STN_CLOUDSHIP_ENABLED``); its key
            ``STN_CLOUDSHIP_KEY`` is then required in the Secret. Default ``False``.
        bundle_id: ``STN_BUNDLE_ID``, a bundle installed at start. Needs ``cloudship``.
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
        config_persistence: Where ``~/.config/station`` lives: ``VOLUME`` (default) keeps
            it on the data volume, seeded from the image at every start; ``IMAGE`` takes it
            from the image alone. See :class:`ConfigPersistence`.
        config_policy: With ``VOLUME``, who wins between the image's and the volume's
            config files: ``ConfigPolicy.IMAGE_WINS`` (default; the image's files overwrite
            the volume's, files it dropped are removed) or ``VOLUME_WINS`` (only files new
            to the image are added). Files created at runtime are kept either way.
        persist_tool_caches: Keep the npx/uvx caches (``~/.npm``, ``~/.cache``) on the
            data volume (``tool-caches/``) so stdio MCP servers are not downloaded again
            at every start. Default ``False``; the caches then use the volume's space.
        scratch_size_limit: Size limit of each of those emptyDir volumes. Default ``2Gi``.
        termination_grace_period: Default ``30s`` (Station needs ~8 s to stop).
        external_access: ``ExternalAccess.LOAD_BALANCER`` or ``NODE_PORT`` renders the
            ``<name>-external`` Service. Default ``NONE``.
        external_ports: Ports the external Service exposes. Default: the API (if enabled)
            and the agent MCP. The management MCP needs ``allow_unauthenticated_exposure``.
        node_ports: Fixed node ports (30000-32767) per exposed port, for ``NODE_PORT``.
        load_balancer_source_ranges: CIDRs allowed through a LoadBalancer. Default: all.
        external_service_annotations: Annotations for the external Service, e.g. a cloud
            load balancer's ``service.beta.kubernetes.io/aws-load-balancer-scheme:
            internal``. Default none; needs ``external_access``.
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
        image_pull_policy: ImagePullPolicy = ImagePullPolicy.IF_NOT_PRESENT,
        image_pull_secrets: Sequence[str] = (),
        replicas: int = 1,
        strategy: UpdateStrategy = UpdateStrategy.RECREATE,
        storage: StationStorage | None = StationStorage(),  # noqa: B008 - frozen dataclass
        provider: AIProvider = AIProvider.OPENAI,
        extra_providers: Sequence[AIProvider] = (),
        model: str | None = None,
        ai_base_url: str | None = None,
        secret: SecretSource | None = None,
        secret_variables: Sequence[str] = (),
        local_mode: bool = True,
        cloudship_oauth: CloudShipOAuth | None = None,
        webhook_api_key: bool = False,
        enable_api: bool = True,
        api_port: int = 8585,
        mcp_port: int = 8586,
        serve_environment: str | None = None,
        otlp_endpoint: str | None = None,
        cloudship: bool = False,
        bundle_id: str | None = None,
        env: Mapping[str, str] | None = None,
        resources: ResourceProfile | Resources = ResourceProfile.STANDARD,
        startup_timeout: str | int = "5m",
        read_only_root_filesystem: bool = True,
        config_persistence: ConfigPersistence = ConfigPersistence.VOLUME,
        config_policy: ConfigPolicy = ConfigPolicy.IMAGE_WINS,
        persist_tool_caches: bool = False,
        scratch_size_limit: str = "2Gi",
        termination_grace_period: str | int = "30s",
        external_access: ExternalAccess = ExternalAccess.NONE,
        external_ports: Sequence[StationPort] | None = None,
        node_ports: Mapping[StationPort, int] | None = None,
        load_balancer_source_ranges: Sequence[str] = (),
        external_service_annotations: Mapping[str, str] | None = None,
        allow_unauthenticated_exposure: bool = False,
        network_policy: NetworkPolicyOptions | None = NetworkPolicyOptions(),  # noqa: B008
        profile: ClusterProfile = ClusterProfile.GENERIC,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        placement: PodPlacement | None = None,
        service_account: PodServiceAccount | None = None,
        pod_extras: PodExtras | None = None,
    ) -> None:
        check_scope(scope, id, "StationDeployment", self)
        super().__init__(scope, id)
        guard = guard_for("StationDeployment", self)
        self._guard = guard

        # Settings: each resolver checks one concern, in this order (the first bad argument
        # raises), and returns frozen values (station_constructs/settings/).
        writer = resolve_single_writer(
            guard, replicas=replicas, strategy=strategy, storage=storage, profile=profile
        )
        self.profile: ClusterProfile = writer.profile
        """The cluster profile whose defaults were applied."""
        storage = writer.storage
        args = resolve_arguments(
            guard,
            storage,
            external_access,
            create_namespace=create_namespace,
            allow_unpinned_image=allow_unpinned_image,
            local_mode=local_mode,
            webhook_api_key=webhook_api_key,
            enable_api=enable_api,
            cloudship=cloudship,
            read_only_root_filesystem=read_only_root_filesystem,
            allow_unauthenticated_exposure=allow_unauthenticated_exposure,
            image_pull_secrets=image_pull_secrets,
            extra_providers=extra_providers,
            secret_variables=secret_variables,
            external_ports=external_ports,
            env=env,
            node_ports=node_ports,
            external_service_annotations=external_service_annotations,
            labels=labels,
            annotations=annotations,
            load_balancer_source_ranges=load_balancer_source_ranges,
            model=model,
            bundle_id=bundle_id,
            serve_environment=serve_environment,
            ai_base_url=ai_base_url,
            otlp_endpoint=otlp_endpoint,
        )
        names = resolve_names(
            guard,
            name=name,
            namespace=namespace,
            create_namespace=args.create_namespace,
            storage=storage,
        )
        self.name: str = names.name
        """Name of the Deployment and the ClusterIP Service."""
        self.namespace: str = names.namespace
        """Namespace of every object."""
        self.config_map_name: str = names.config_map_name
        """Name of the ConfigMap with the non-secret settings."""
        self.pvc_name: str = names.pvc_name
        """Name of the PersistentVolumeClaim holding ``/data``."""
        self.service_name: str = self.name
        """Name of the ClusterIP Service."""
        self.external_service_name: str | None = None
        """Name of the external Service, if ``external_access`` renders one."""
        self.secret_source: SecretSource
        """Where the Secret comes from."""
        self.secret_name: str
        """Name of the Secret the pod reads its keys from."""
        self.secret_source, self.secret_name = self._resolve_secret(guard, secret, name, namespace)

        image_settings = resolve_image(
            guard,
            image=image,
            allow_unpinned=args.allow_unpinned_image,
            pull_policy=image_pull_policy,
            pull_secrets=args.image_pull_secrets,
            secret_name=self.secret_name,
        )
        self.image_ref: ImageReference = image_settings.image_ref
        """The parsed Station image reference."""
        self.image: str = image_settings.image
        """The Station image."""

        ports = resolve_ports(
            guard,
            api_port=api_port,
            mcp_port=mcp_port,
            enable_api=args.enable_api,
            local_mode=args.local_mode,
        )
        self.ports: dict[StationPort, int] = ports.ports
        """Port number of each Station endpoint (API present even when disabled)."""
        self.api_enabled: bool = ports.api_enabled
        """Whether the HTTP API/UI is served (``STN_DEV_MODE``)."""
        self.local_mode: bool = ports.local_mode
        """Whether authentication is off (``STATION_LOCAL_MODE``)."""
        self.served_ports: tuple[StationPort, ...] = ports.served_ports
        """The ports Station actually listens on with this configuration."""

        providers = resolve_providers(
            guard,
            provider=provider,
            extra_providers=args.extra_providers,
            model=args.model,
            ai_base_url=args.ai_base_url,
            bundle_id=args.bundle_id,
            cloudship=args.cloudship,
            webhook_api_key=args.webhook_api_key,
            secret_variables=args.secret_variables,
            secret_source=self.secret_source,
        )
        self.provider: AIProvider = providers.provider
        """The provider in ``STN_AI_PROVIDER``."""
        self.providers: tuple[AIProvider, ...] = providers.providers
        """Every provider whose key is wired (the primary first)."""
        self.secret_variables: tuple[str, ...] = providers.secret_variables
        """Every variable the pod reads from the Secret; each key must exist in it."""

        config = resolve_config(
            guard,
            ports,
            provider=provider,
            model=args.model,
            ai_base_url=args.ai_base_url,
            serve_environment=args.serve_environment,
            otlp_endpoint=args.otlp_endpoint,
            bundle_id=args.bundle_id,
            cloudship=args.cloudship,
            cloudship_oauth=cloudship_oauth,
            webhook_api_key=args.webhook_api_key,
            env=args.env,
        )
        self.settings: dict[str, str] = config.settings
        """The ConfigMap's data (non-secret settings, passed to the container whole)."""
        self.auth_settings: AuthSettings = settings_of(self.settings, self.secret_variables)
        """What decides who can call what, read back from the rendered settings."""
        # stacklevel: past this resolver, __init__ and jsii's metaclass, at the caller.
        warn_if_api_unusable(guard, self.auth_settings, ports, stacklevel=4)

        sized = resolve_resources(
            guard,
            resources=resources,
            startup_timeout=startup_timeout,
            termination_grace_period=termination_grace_period,
        )
        self.resources: Resources = sized.resources
        """The effective resources."""
        self.startup_timeout_seconds: int = sized.startup_timeout_seconds
        """Seconds the startup probe allows."""
        self.termination_grace_period_seconds: int = sized.termination_grace_period_seconds
        """The pod's terminationGracePeriodSeconds."""
        volumes = resolve_storage(
            guard,
            storage=storage,
            scratch_size_limit=scratch_size_limit,
            config_persistence=config_persistence,
            config_policy=config_policy,
            persist_tool_caches=persist_tool_caches,
        )
        self.storage: StationStorage = volumes.storage
        """The data volume settings."""
        self.config_persistence: ConfigPersistence = volumes.config_persistence
        """Where ``~/.config/station`` lives."""
        self.config_policy: ConfigPolicy = volumes.config_policy
        """Who wins between the image's and the volume's config files."""
        self.persist_tool_caches: bool = volumes.persist_tool_caches
        """Whether npx/uvx caches (``~/.npm``, ``~/.cache``) live on the data volume."""
        self.serve_environment: str | None = args.serve_environment
        """The environment Station serves (``None``: Station's ``default``)."""

        exposure = resolve_exposure(
            guard,
            ports,
            self.auth_settings,
            name=self.name,
            external_access=external_access,
            external_ports=args.external_ports,
            node_ports=args.node_ports,
            allow_unauthenticated_exposure=args.allow_unauthenticated_exposure,
            external_service_annotations=args.external_service_annotations,
        )
        self.exposures: list[Exposure] = list(exposure.exposures)
        """Every place outside the cluster that reaches this Station (the external
        Service's ports, Ingress routes), each checked by ``access.check_exposure``."""
        self.external_access: ExternalAccess = exposure.external_access
        """How Station is reachable from outside the cluster without an Ingress."""
        self.external_ports: tuple[StationPort, ...] = exposure.external_ports
        """Ports on the external Service (empty when there is none)."""
        self.allow_unauthenticated_exposure: bool = exposure.allow_unauthenticated_exposure
        """Whether the user accepted unauthenticated endpoints outside the cluster."""

        label_settings = resolve_labels(
            guard,
            labels=args.labels,
            annotations=args.annotations,
            external_annotations=exposure.external_annotations,
            restricted=args.create_namespace,
        )
        self.selector_labels: dict[str, str] = selector_labels(self.name)
        """The immutable pod selector (``app: <name>``)."""
        self._extra_labels = label_settings.extra_labels
        self._claim_objects(
            guard, name, create_namespace=args.create_namespace, node_ports=args.node_ports
        )
        pod_options = resolve_pod(
            self,
            guard,
            placement=placement,
            service_account=service_account,
            extras=pod_extras,
            station_name=self.name,
            pvc_name=self.pvc_name,
            protected_paths=(DATA_MOUNT, CONFIG_DIR, HOME_DIR, "/tmp", "/workspace"),
            own_volumes=("data", "home", "tmp", "workspace")
            if args.read_only_root_filesystem
            else ("data",),
        )

        # ---- render ---------------------------------------------------------------------
        self.namespace_object: k8s.KubeNamespace | None = (
            self._render_namespace(scope) if args.create_namespace else None
        )
        """The Namespace, when rendered."""
        self.config_map: k8s.KubeConfigMap = self._render_config_map()
        """The ConfigMap of non-secret settings."""
        self.pvc: k8s.KubePersistentVolumeClaim | None = (
            self._render_pvc(self.storage, volumes.size) if self.storage.create else None
        )
        """The PersistentVolumeClaim, when rendered (``storage.create``)."""
        self.secret_source._render(
            self,
            guard=guard,
            field="secret",
            namespace=self.namespace,
            name=self.secret_name,
            variables=list(self.secret_variables),
            labels=self.labels("secrets"),
        )
        self.deployment: DeferredObject = self._render_deployment(
            resolved=sized.resolved,
            pull_policy=image_settings.pull_policy,
            pull_secrets=image_settings.pull_secrets,
            read_only_root=args.read_only_root_filesystem,
            config_on_volume=self.config_persistence is ConfigPersistence.VOLUME,
            scratch=volumes.scratch,
            annotations=label_settings.annotations,
        )
        """The Deployment, rendered at synthesis (``ApiObject.of(station.deployment)``)."""
        self.service_account: k8s.KubeServiceAccount | None = apply_pod(
            self,
            guard,
            self._pod,
            pod_options,
            namespace=self.namespace,
            labels=self.labels("service-account"),
        )
        """The ServiceAccount, when ``service_account`` asks for one to be rendered."""
        self.service_account_name: str | None = pod_options.service_account_name
        """The pod's ServiceAccount (``None``: the namespace's default)."""
        self.service: kplus.Service = self._render_service(
            self.service_name, "ClusterIP", self.served_ports, {}, (), "server"
        )
        """The ClusterIP Service reaching every served port."""
        self.external_service: kplus.Service | None = None
        """The LoadBalancer/NodePort Service, when ``external_access`` asks for one."""
        if self.external_service_name is not None:
            self.external_service = self._render_external_service(
                self.external_service_name, args, exposure.external_annotations
            )
        self.extensions: dict[str, Construct] = {}
        """Constructs attached to this Station (e.g. ``"litestream"``), one of each kind."""
        self.network_policy: StationNetworkPolicy | None = (
            None
            if network_policy is None
            else StationNetworkPolicy(self, "network-policy", station=self, options=network_policy)
        )
        """The pod's NetworkPolicy (``None`` when opted out); attached constructs extend it
        with ``allow_from_namespaces(...)``."""
        self._lock_attributes()
