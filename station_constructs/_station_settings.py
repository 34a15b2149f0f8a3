"""How a StationDeployment turns its arguments into one frozen value, :class:`StationSettings`.

Plain functions: :func:`resolve_station` calls the resolvers of
``station_constructs/_settings/`` in a fixed order (the first bad argument is the one
reported), claims the Station's objects app-wide on the way (``_station_claims.py``) and
returns everything the rendering and the Station's public attributes need.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._errors import _Guard
from ._k8s import Construct
from ._labels import selector_labels
from ._seed import ConfigPolicy
from ._settings.arguments import Arguments, resolve_arguments
from ._settings.config import resolve_config, warn_if_api_unusable
from ._settings.exposure import ExposureSettings, resolve_exposure
from ._settings.image import ImageSettings, resolve_image
from ._settings.input import StationInput
from ._settings.labels import LabelSettings, resolve_labels
from ._settings.names import Names, resolve_names
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
from ._station_claims import claim_objects, resolve_secret
from ._validate import ImageReference
from .access import AuthSettings, Exposure, settings_of
from .placement import resolve_pod
from .releases import StationRelease
from .secrets import SecretSource

__all__ = ["StationSettings", "resolve_station"]


@dataclass(frozen=True)
class StationSettings:
    """Everything resolved from a StationDeployment's arguments (documented on the Station).

    The fields up to ``selector_labels`` are the Station's public attributes of the same
    names, except the flat facts only the library reads (``image_ref``, ``api_enabled``,
    ``local_mode``, ``config_persistence``, ``config_policy``, ``external_access``,
    ``external_ports``: the Station publishes the union values instead, ``station.auth``,
    ``station.api``...); the rest is what only the rendering needs.
    """

    profile: ClusterProfile
    name: str
    namespace: str
    config_map_name: str
    pvc_name: str
    service_name: str
    external_service_name: str | None
    secret_source: SecretSource
    secret_name: str
    image_ref: ImageReference
    image: str
    release: StationRelease
    ports: dict[StationPort, int]
    api_enabled: bool
    local_mode: bool
    served_ports: tuple[StationPort, ...]
    provider: AIProvider
    providers: tuple[AIProvider, ...]
    secret_variables: tuple[str, ...]
    settings: dict[str, str]
    auth_settings: AuthSettings
    resources: Resources
    startup_timeout_seconds: int
    storage: StationStorage
    config_persistence: ConfigPersistence
    config_policy: ConfigPolicy
    persist_tool_caches: bool
    serve_environment: str | None
    exposures: list[Exposure]
    external_access: ExternalAccess
    external_ports: tuple[StationPort, ...]
    allow_unauthenticated_exposure: bool
    selector_labels: dict[str, str]
    # What only the rendering needs.
    extra_labels: dict[str, str]
    args: Arguments
    image_settings: ImageSettings
    port_settings: PortSettings
    sized: ResourceSettings
    volumes: StorageSettings
    exposure: ExposureSettings
    labels: LabelSettings
    pod: ResolvedPod


def resolve_station(station: Construct, guard: _Guard, given: StationInput) -> StationSettings:
    """Every step, in order; the first bad argument raises."""
    profile, args, storage, names = _identity(guard, given)
    secret_source, secret_name = resolve_secret(
        station, guard, given.secret, given.name, given.namespace
    )
    image = resolve_image(
        guard,
        image=given.image,
        allow_unpinned=args.allow_unpinned_image,
        station_release=given.station_release,
        pull_policy=given.image_pull_policy,
        pull_secrets=args.image_pull_secrets,
        secret_name=secret_name,
    )
    ports, providers, config, auth = _endpoints(guard, given, args, image, secret_source)
    sized = resolve_resources(
        guard,
        resources=given.resources,
        startup_timeout=given.startup_timeout,
        termination_grace_period=given.termination_grace_period,
    )
    volumes = resolve_storage(
        guard,
        storage=storage,
        scratch_size_limit=given.scratch_size_limit,
        config_persistence=given.config_persistence,
        config_policy=given.config_policy,
        persist_tool_caches=given.persist_tool_caches,
    )
    exposure, labels, external_service_name, pod = _reach(
        station, guard, given, args, ports, auth, names, volumes.storage
    )
    return StationSettings(
        profile=profile,
        name=names.name,
        namespace=names.namespace,
        config_map_name=names.config_map_name,
        pvc_name=names.pvc_name,
        service_name=names.name,
        external_service_name=external_service_name,
        secret_source=secret_source,
        secret_name=secret_name,
        image_ref=image.image_ref,
        image=image.image,
        release=image.release,
        ports=ports.ports,
        api_enabled=ports.api_enabled,
        local_mode=ports.local_mode,
        served_ports=ports.served_ports,
        provider=providers[0],
        providers=providers[1],
        secret_variables=providers[2],
        settings=config,
        auth_settings=auth,
        resources=sized.resources,
        startup_timeout_seconds=sized.startup_timeout_seconds,
        storage=volumes.storage,
        config_persistence=volumes.config_persistence,
        config_policy=volumes.config_policy,
        persist_tool_caches=volumes.persist_tool_caches,
        serve_environment=args.serve_environment,
        exposures=list(exposure.exposures),
        external_access=exposure.external_access,
        external_ports=exposure.external_ports,
        allow_unauthenticated_exposure=exposure.allow_unauthenticated_exposure,
        selector_labels=selector_labels(names.name),
        extra_labels=labels.extra_labels,
        args=args,
        image_settings=image,
        port_settings=ports,
        sized=sized,
        volumes=volumes,
        exposure=exposure,
        labels=labels,
        pod=pod,
    )


def _identity(
    guard: _Guard, given: StationInput
) -> tuple[ClusterProfile, Arguments, StationStorage, Names]:
    """The single writer, the argument types and the names."""
    writer = resolve_single_writer(
        guard,
        storage=given.storage,
        profile=given.profile,
    )
    storage = writer.storage
    # Every argument as given, by name (StationInput's fields are StationDeployment's).
    args = resolve_arguments(guard, storage, vars(given))
    names = resolve_names(
        guard,
        name=given.name,
        namespace=given.namespace,
        create_namespace=args.create_namespace,
        storage=storage,
    )
    return writer.profile, args, storage, names


def _endpoints(
    guard: _Guard,
    given: StationInput,
    args: Arguments,
    image: ImageSettings,
    secret_source: SecretSource,
) -> tuple[
    PortSettings,
    tuple[AIProvider, tuple[AIProvider, ...], tuple[str, ...]],
    dict[str, str],
    AuthSettings,
]:
    """The ports, the providers and the ConfigMap's settings (and who can call what)."""
    ports = resolve_ports(
        guard,
        api_port=given.api_port,
        mcp_port=given.mcp_port,
        enable_api=args.enable_api,
        local_mode=args.local_mode,
    )
    providers = resolve_providers(
        guard,
        provider=given.provider,
        extra_providers=args.extra_providers,
        model=args.model,
        ai_base_url=args.ai_base_url,
        bundle_id=args.bundle_id,
        cloudship=args.cloudship,
        webhook_api_key=args.webhook_api_key,
        release=image.release,
        secret_variables=args.secret_variables,
        secret_source=secret_source,
    )
    config = resolve_config(
        guard,
        ports,
        provider=given.provider,
        texts=args.texts,
        cloudship=args.cloudship,
        cloudship_telemetry=args.cloudship_telemetry,
        cloudship_oauth=given.cloudship_oauth,
        env=args.env,
    )
    auth = settings_of(
        config.settings,
        providers.secret_variables,
        image.release.tag,
        accept_any_account=getattr(given.cloudship_oauth, "accept_any_cloudship_account", False)
        is True,
    )
    # stacklevel: past the resolver, this step, resolve_station, __init__ and jsii's metaclass.
    warn_if_api_unusable(guard, auth, ports, stacklevel=6)
    found = (providers.provider, providers.providers, providers.secret_variables)
    return ports, found, config.settings, auth


def _reach(  # noqa: PLR0913 - the earlier steps' results
    station: Construct,
    guard: _Guard,
    given: StationInput,
    args: Arguments,
    ports: PortSettings,
    auth: AuthSettings,
    names: Names,
    storage: StationStorage,
) -> tuple[ExposureSettings, LabelSettings, str | None, ResolvedPod]:
    """Exposure outside the cluster, labels, the app-wide claims and the pod options."""
    exposure = resolve_exposure(
        guard,
        ports,
        auth,
        name=names.name,
        external_access=given.external_access,
        external_ports=args.external_ports,
        node_ports=args.node_ports,
        allow_unauthenticated_exposure=args.allow_unauthenticated_exposure,
        external_service_annotations=args.external_service_annotations,
        source_ranges=args.load_balancer_source_ranges,
    )
    label_settings = resolve_labels(
        guard,
        labels=args.labels,
        annotations=args.annotations,
        external_annotations=exposure.external_annotations,
        restricted=args.create_namespace,
    )
    external_service_name = claim_objects(
        station,
        guard,
        given.name,
        names,
        storage=storage,
        external_access=exposure.external_access,
        create_namespace=args.create_namespace,
        node_ports=args.node_ports,
    )
    pod_options = resolve_pod(
        station,
        guard,
        placement=given.placement,
        service_account=given.service_account,
        extras=given.pod_extras,
        station_name=names.name,
        pvc_name=names.pvc_name,
        protected_paths=(DATA_MOUNT, CONFIG_DIR, HOME_DIR, "/tmp", "/workspace"),
        own_volumes=("data", "home", "tmp", "workspace")
        if args.read_only_root_filesystem
        else ("data",),
    )
    return exposure, label_settings, external_service_name, pod_options
