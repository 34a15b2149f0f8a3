"""How a StationDeployment turns its arguments into settings, in four steps.

A mixin of :class:`~station_constructs.StationDeployment`. Each step calls the resolvers of
``station_constructs/_settings/`` in a fixed order (the first bad argument is the one
reported) and publishes what they resolved as the Station's public attributes; the steps
return what the rendering needs (:class:`Resolution`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._errors import _Guard
from ._labels import selector_labels
from ._seed import ConfigPolicy
from ._settings.arguments import Arguments, resolve_arguments
from ._settings.config import resolve_config, warn_if_api_unusable
from ._settings.exposure import ExposureSettings, resolve_exposure
from ._settings.image import ImageSettings, resolve_image
from ._settings.input import StationInput
from ._settings.labels import LabelSettings, resolve_labels
from ._settings.names import resolve_names
from ._settings.pod_options import ResolvedPod
from ._settings.ports import PortSettings, resolve_ports
from ._settings.providers import resolve_providers
from ._settings.resources import ResourceSettings, resolve_resources
from ._settings.single_writer import resolve_single_writer
from ._settings.station import (
    CONFIG_DIR,
    DATA_MOUNT,
    HOME_DIR,
    AIProvider,
    ClusterProfile,
    ConfigPersistence,
    ExternalAccess,
    Resources,
    StationPort,
    StationStorage,
)
from ._settings.storage import StorageSettings, resolve_storage
from ._validate import ImageReference
from .access import AuthSettings, Exposure, settings_of
from .placement import resolve_pod
from .releases import StationRelease
from .secrets import SecretSource

if TYPE_CHECKING:
    from ._k8s import Construct

__all__ = ["Resolution", "StationSettingsSteps"]


@dataclass(frozen=True)
class Resolution:
    """What the settings steps resolved that the rendering needs besides public attributes."""

    args: Arguments
    image: ImageSettings
    ports: PortSettings
    sized: ResourceSettings
    volumes: StorageSettings
    exposure: ExposureSettings
    labels: LabelSettings
    pod: ResolvedPod


class StationSettingsSteps:
    """Mixin: the settings steps of a StationDeployment."""

    if TYPE_CHECKING:
        name: str
        pvc_name: str
        secret_name: str
        secret_source: SecretSource
        secret_variables: tuple[str, ...]
        auth_settings: AuthSettings

        def _scope(self) -> Construct:
            """ComposingRefs' (the Station as a construct)."""

        def _resolve_secret(
            self, guard: _Guard, secret: SecretSource | None, name: str, namespace: str
        ) -> tuple[SecretSource, str]:
            """StationClaims'."""

        def _claim_objects(
            self,
            guard: _Guard,
            name: str,
            *,
            create_namespace: bool,
            node_ports: object,
        ) -> None:
            """StationClaims'."""

    def _resolve(self, guard: _Guard, given: StationInput) -> Resolution:
        """Every step, in order."""
        args, storage = self._resolve_identity(guard, given)
        image = self._resolve_secret_and_image(guard, given, args)
        ports = self._resolve_endpoints(guard, given, args)
        sized, volumes = self._resolve_volumes(guard, given, args, storage)
        exposure, labels, pod = self._resolve_reach(guard, given, args, ports)
        return Resolution(args, image, ports, sized, volumes, exposure, labels, pod)

    def _resolve_identity(
        self, guard: _Guard, given: StationInput
    ) -> tuple[Arguments, StationStorage]:
        """The single writer, the argument types and the names."""
        writer = resolve_single_writer(
            guard,
            storage=given.storage,
            profile=given.profile,
        )
        self.profile: ClusterProfile = writer.profile
        """The cluster profile whose defaults were applied."""
        storage = writer.storage
        args = resolve_arguments(
            guard,
            storage,
            create_namespace=given.create_namespace,
            allow_unpinned_image=given.allow_unpinned_image,
            local_mode=given.local_mode,
            webhook_api_key=given.webhook_api_key,
            enable_api=given.enable_api,
            cloudship=given.cloudship,
            cloudship_telemetry=given.cloudship_telemetry,
            read_only_root_filesystem=given.read_only_root_filesystem,
            allow_unauthenticated_exposure=given.allow_unauthenticated_exposure,
            image_pull_secrets=given.image_pull_secrets,
            extra_providers=given.extra_providers,
            secret_variables=given.secret_variables,
            external_ports=given.external_ports,
            env=given.env,
            node_ports=given.node_ports,
            external_service_annotations=given.external_service_annotations,
            labels=given.labels,
            annotations=given.annotations,
            load_balancer_source_ranges=given.load_balancer_source_ranges,
            model=given.model,
            bundle_id=given.bundle_id,
            serve_environment=given.serve_environment,
            ai_base_url=given.ai_base_url,
            otlp_endpoint=given.otlp_endpoint,
        )
        names = resolve_names(
            guard,
            name=given.name,
            namespace=given.namespace,
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
        return args, storage

    def _resolve_secret_and_image(
        self, guard: _Guard, given: StationInput, args: Arguments
    ) -> ImageSettings:
        """Where the Secret comes from, and the pinned image (its pull secrets checked)."""
        self.secret_source: SecretSource
        """Where the Secret comes from."""
        self.secret_name: str
        """Name of the Secret the pod reads its keys from."""
        self.secret_source, self.secret_name = self._resolve_secret(
            guard, given.secret, given.name, given.namespace
        )

        image_settings = resolve_image(
            guard,
            image=given.image,
            allow_unpinned=args.allow_unpinned_image,
            station_release=given.station_release,
            pull_policy=given.image_pull_policy,
            pull_secrets=args.image_pull_secrets,
            secret_name=self.secret_name,
        )
        self.image_ref: ImageReference = image_settings.image_ref
        """The parsed Station image reference."""
        self.image: str = image_settings.image
        """The Station image."""
        self.release: StationRelease = image_settings.release
        """The Station release whose rules the guards apply (read from the image's tag,
        stated with ``station_release``, or the conservative model)."""

        return image_settings

    def _resolve_endpoints(
        self, guard: _Guard, given: StationInput, args: Arguments
    ) -> PortSettings:
        """The ports, the providers and the ConfigMap's settings (and who can call what)."""
        ports = resolve_ports(
            guard,
            api_port=given.api_port,
            mcp_port=given.mcp_port,
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
            provider=given.provider,
            extra_providers=args.extra_providers,
            model=args.model,
            ai_base_url=args.ai_base_url,
            bundle_id=args.bundle_id,
            cloudship=args.cloudship,
            webhook_api_key=args.webhook_api_key,
            release=self.release,
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
            provider=given.provider,
            model=args.model,
            ai_base_url=args.ai_base_url,
            serve_environment=args.serve_environment,
            otlp_endpoint=args.otlp_endpoint,
            bundle_id=args.bundle_id,
            cloudship=args.cloudship,
            cloudship_telemetry=args.cloudship_telemetry,
            cloudship_oauth=given.cloudship_oauth,
            webhook_api_key=args.webhook_api_key,
            env=args.env,
        )
        self.settings: dict[str, str] = config.settings
        """The ConfigMap's data (non-secret settings, passed to the container whole)."""
        self.auth_settings: AuthSettings = settings_of(
            self.settings,
            self.secret_variables,
            self.release.tag,
            accept_any_account=getattr(given.cloudship_oauth, "accept_any_cloudship_account", False)
            is True,
        )
        """What decides who can call what, read back from the rendered settings."""
        # stacklevel: past the resolver, this step, _resolve, __init__ and jsii's metaclass.
        warn_if_api_unusable(guard, self.auth_settings, ports, stacklevel=6)

        return ports

    def _resolve_volumes(
        self, guard: _Guard, given: StationInput, args: Arguments, storage: StationStorage
    ) -> tuple[ResourceSettings, StorageSettings]:
        """Resources and time limits; the data volume and the scratch space."""
        sized = resolve_resources(
            guard,
            resources=given.resources,
            startup_timeout=given.startup_timeout,
            termination_grace_period=given.termination_grace_period,
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
            scratch_size_limit=given.scratch_size_limit,
            config_persistence=given.config_persistence,
            config_policy=given.config_policy,
            persist_tool_caches=given.persist_tool_caches,
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

        return sized, volumes

    def _resolve_reach(
        self, guard: _Guard, given: StationInput, args: Arguments, ports: PortSettings
    ) -> tuple[ExposureSettings, LabelSettings, ResolvedPod]:
        """Exposure outside the cluster, labels, the app-wide claims and the pod options."""
        exposure = resolve_exposure(
            guard,
            ports,
            self.auth_settings,
            name=self.name,
            external_access=given.external_access,
            external_ports=args.external_ports,
            node_ports=args.node_ports,
            allow_unauthenticated_exposure=args.allow_unauthenticated_exposure,
            external_service_annotations=args.external_service_annotations,
            source_ranges=args.load_balancer_source_ranges,
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
            guard, given.name, create_namespace=args.create_namespace, node_ports=args.node_ports
        )
        pod_options = resolve_pod(
            self._scope(),
            guard,
            placement=given.placement,
            service_account=given.service_account,
            extras=given.pod_extras,
            station_name=self.name,
            pvc_name=self.pvc_name,
            protected_paths=(DATA_MOUNT, CONFIG_DIR, HOME_DIR, "/tmp", "/workspace"),
            own_volumes=("data", "home", "tmp", "workspace")
            if args.read_only_root_filesystem
            else ("data",),
        )

        return exposure, label_settings, pod_options
