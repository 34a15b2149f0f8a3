"""How a StationDeployment turns its settings into objects: render as data, then emit.

Plain functions: :func:`render_station` calls a renderer (``station_constructs/_render/``)
for each object and hands the result to cdk8s (``station_constructs/_emit/``): the Namespace,
the ConfigMap, the data claim, the Deployment (assembled as data, rendered at synthesis) and
the Services. It returns them as one value, :class:`StationObjects`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ._app_registry import app_key
from ._emit.deferred import DeferredObject, emit_deployment
from ._emit.objects import emit_object
from ._emit.plus import emit_service
from ._emit.typed import emit_config_map, emit_persistent_volume_claim
from ._errors import _Guard
from ._k8s import (
    ApiObject,
    Chart,
    Construct,
    JsonPatch,
    chart_namespace,
    construct_path,
    k8s,
    kplus,
)
from ._labels import object_labels
from ._render import services as render_services
from ._render import storage as render
from ._render.pod import StationPod, connect
from ._render.station_pod import (
    SEED_MOUNT,
    StationPodSettings,
    container_resources,
    scanner_suppressions,
    station_pod,
)
from ._retained_class import emit_retained_class
from ._seed import SEED_SCRIPT, SeedPlan
from ._settings.schema import schema_version
from ._settings.station import (
    _TOOL_CACHES,
    CONFIG_DIR,
    DATA_MOUNT,
    DATABASE_PATH,
    HOME_DIR,
    VOLUME_CONFIG_DIR,
    ConfigPersistence,
    ExternalAccess,
    ImagePullPolicy,
    StationPort,
)
from ._station_api import StationView, order_before
from ._station_settings import StationSettings
from .network import _BY_THE_STATION, NetworkPolicyOptions, StationNetworkPolicy
from .placement import apply_pod

__all__ = ["StationObjects", "render_station", "station_labels"]


@dataclass(frozen=True)
class StationObjects:
    """What a Station rendered (documented on the Station's attributes of the same names)."""

    data_scope: Construct
    data_chart: Chart | None
    namespace_object: ApiObject | None
    config_map: k8s.KubeConfigMap
    storage_class: ApiObject | None
    pvc: k8s.KubePersistentVolumeClaim | None
    pod: StationPod
    deployment: DeferredObject
    service_account: k8s.KubeServiceAccount | None
    service_account_name: str | None
    service: kplus.Service
    external_service: kplus.Service | None
    extensions: dict[str, Construct]
    network_policy: StationNetworkPolicy | None


def station_labels(s: StationSettings, component: str) -> dict[str, str]:
    """Metadata labels for an object of the Station ``s`` playing ``component``."""
    return {**s.extra_labels, **object_labels(s.name, component)}


def render_station(  # noqa: PLR0913 - the Station, as a construct and as what its policy reads
    station: Construct,
    view: StationView,
    scope: Construct,
    guard: _Guard,
    s: StationSettings,
    *,
    data_chart: object,
    network_policy: NetworkPolicyOptions | None,
) -> StationObjects:
    """Render and emit every object of the Station ``station`` (a child of ``scope``).

    ``view`` is the Station too: its NetworkPolicy, rendered last, reads its settings.
    """
    data_scope, kept_in = _keep_data_in(station, guard, s, data_chart)
    namespace_object = (
        _render_namespace(station, scope, data_scope, s) if s.args.create_namespace else None
    )
    manifest = render.config_map(
        s.config_map_name, s.namespace, station_labels(s, "config"), s.settings
    )
    config_map = emit_config_map(station, "config", manifest)
    storage_class, pvc = _render_storage(station, scope, data_scope, guard, s)
    s.secret_source._render(
        data_scope,
        guard=guard,
        field="secret",
        namespace=s.namespace,
        name=s.secret_name,
        variables=list(s.secret_variables),
        labels=station_labels(s, "secrets"),
        # The key Secret holds STATION_ENCRYPTION_KEY: kept like the data.
        annotations={
            **render.BEFORE_WORKLOADS,
            **(render.PRUNE_PROTECTION if s.storage.protect_from_prune else {}),
        },
    )
    pod = station_pod(_pod_settings(s))
    deployment = emit_deployment(station, "Resource", pod)
    connect(pod, guard=guard, order_before=order_before(station, deployment))
    service_account = apply_pod(
        station,
        guard,
        pod,
        s.pod,
        namespace=s.namespace,
        labels=station_labels(s, "service-account"),
    )
    if service_account is not None:
        deployment.node.add_dependency(service_account)
    service = _render_service(
        station, s, s.service_name, "ClusterIP", s.served_ports, {}, (), "server"
    )
    external_service = None
    if s.external_service_name is not None:
        external_service = _render_external_service(station, s)
    return StationObjects(
        data_scope=data_scope,
        data_chart=kept_in,
        namespace_object=namespace_object,
        config_map=config_map,
        storage_class=storage_class,
        pvc=pvc,
        pod=pod,
        deployment=deployment,
        service_account=service_account,
        service_account_name=s.pod.service_account_name,
        service=service,
        external_service=external_service,
        extensions={},
        network_policy=None
        if network_policy is None
        else StationNetworkPolicy(
            station,
            "network-policy",
            station=view,
            options=network_policy,
            _made_by=_BY_THE_STATION,
        ),
    )


def _render_namespace(
    station: Construct, scope: Construct, data_scope: Construct, s: StationSettings
) -> ApiObject:
    manifest = render.namespace(
        s.namespace,
        station_labels(s, "namespace"),
        protect_from_prune=s.storage.protect_from_prune,
    )
    ns = emit_object(data_scope, "namespace", manifest)
    # A Chart with a namespace stamps it on every object, cluster-scoped ones included.
    if chart_namespace(scope if data_scope is station else data_scope):
        ns.add_json_patch(JsonPatch.remove("/metadata/namespace"))
    return ns


def _keep_data_in(
    station: Construct, guard: _Guard, s: StationSettings, chart: object
) -> tuple[Construct, Chart | None]:
    """Where the objects that keep the data are emitted (``data_chart``, see station.py)."""
    if chart is None:
        return station, None
    if not isinstance(chart, Chart):
        raise guard.fail(
            "data_chart",
            chart,
            "must be a cdk8s Chart",
            "pass a Chart of the Station's App, e.g. Chart(app, 'station-data')",
        )
    if app_key(chart) != app_key(station):
        raise guard.fail(
            "data_chart",
            construct_path(chart),
            "belongs to another App: the Namespace and the claim would be written there",
            "pass a Chart of the Station's App",
        )
    if Chart.of(station) is chart:
        return station, None  # the Station's own Chart: nothing is kept apart
    return Construct(chart, f"{s.namespace}-{s.name}"), chart


def _render_storage(
    station: Construct, scope: Construct, data_scope: Construct, guard: _Guard, s: StationSettings
) -> tuple[ApiObject | None, k8s.KubePersistentVolumeClaim | None]:
    """The retained StorageClass (when asked for) and the claim, in that order."""
    storage_class = None
    storage = s.storage
    if storage.retained_class is not None:
        probe = scope if data_scope is station else data_scope
        storage_class = emit_retained_class(
            data_scope,
            guard,
            storage.retained_class,
            namespaced_chart=chart_namespace(probe) is not None,
        )
    if not storage.create:
        return storage_class, None
    manifest = render.persistent_volume_claim(
        s.pvc_name,
        s.namespace,
        station_labels(s, "data"),
        access_mode=storage.access_mode.value,
        size=s.volumes.size.text,
        storage_class=storage.storage_class,
        volume_name=storage.volume_name,
        restore_from_snapshot=storage.restore_from_snapshot,
        protect_from_prune=storage.protect_from_prune,
    )
    return storage_class, emit_persistent_volume_claim(data_scope, "data", manifest)


def _pod_settings(s: StationSettings) -> StationPodSettings:
    """What the Station's part of the pod is rendered from (``render/station_pod.py``)."""
    image = s.image_settings
    read_only_root = s.args.read_only_root_filesystem
    config_on_volume = s.config_persistence is ConfigPersistence.VOLUME
    plan = _seed_plan(s, read_only_root, config_on_volume)
    return StationPodSettings(
        name=s.name,
        namespace=s.namespace,
        labels=station_labels(s, "server"),
        selector=s.selector_labels,
        pod_annotations=s.labels.annotations,
        scanner_annotations=scanner_suppressions(
            digest_pinned=s.image_ref.digest is not None,
            pull_always=image.pull_policy is ImagePullPolicy.ALWAYS,
        ),
        image=s.image,
        pull_policy=image.pull_policy.value,
        pull_secrets=image.pull_secrets,
        ports=[(p.value, s.ports[p]) for p in s.served_ports],
        probe_port=s.ports[StationPort.AGENT_MCP],
        config_map_name=s.config_map_name,
        settings=s.settings,
        secret_env=[(v, s.secret_name, s.secret_source.key_for(v)) for v in s.secret_variables],
        resources=container_resources(s.sized.resolved),
        startup_timeout_seconds=s.startup_timeout_seconds,
        grace_period_seconds=s.sized.termination_grace_period_seconds,
        read_only_root=read_only_root,
        config_on_volume=config_on_volume,
        persist_tool_caches=s.persist_tool_caches,
        scratch_mebibytes=s.volumes.scratch.mebibytes,
        claim_name=s.pvc_name,
        seed_script=SEED_SCRIPT,
        seed_environment=plan.environment() if plan.needed else None,
        secret_name=s.secret_name,
    )


def _seed_plan(s: StationSettings, read_only_root: bool, config_on_volume: bool) -> SeedPlan:
    """What ``seed-home`` does for this configuration (see ``_seed.py``)."""
    home_to = SEED_MOUNT if read_only_root else None
    config_to: str | None = None
    if config_on_volume:
        config_to = f"{DATA_MOUNT}/{VOLUME_CONFIG_DIR}"
    elif home_to is not None:
        # The image's config dir, copied into the emptyDir $HOME: config.yaml only.
        config_to = home_to + CONFIG_DIR.removeprefix(HOME_DIR)
    serve = s.serve_environment
    cache_dirs = (
        [f"{DATA_MOUNT}/{sub_path}" for sub_path, _ in _TOOL_CACHES]
        if s.persist_tool_caches
        else []
    )
    return SeedPlan(
        image_home=HOME_DIR,
        image_config=CONFIG_DIR,
        home_to=home_to,
        config_to=config_to,
        policy=s.config_policy if config_on_volume else None,
        database=DATABASE_PATH,
        serve_environment=None if serve in (None, "default") else serve,
        make_dirs=tuple(cache_dirs),
        schema_version=schema_version(s.image_ref, s.release.tag if s.release.known else None),
    )


def _render_external_service(station: Construct, s: StationSettings) -> kplus.Service:
    service_type = (
        "LoadBalancer" if s.external_access is ExternalAccess.LOAD_BALANCER else "NodePort"
    )
    return _render_service(
        station,
        s,
        str(s.external_service_name),
        service_type,
        s.external_ports,
        dict(s.args.node_ports or {}),
        tuple(s.args.load_balancer_source_ranges),
        "external",
        annotations=s.exposure.external_annotations,
    )


def _render_service(  # noqa: PLR0913 - one value per field of the Service
    station: Construct,
    s: StationSettings,
    name: str,
    service_type: str,
    ports: Sequence[StationPort],
    node_ports: Mapping[StationPort, int],
    source_ranges: Sequence[str],
    component: str,
    *,
    annotations: Mapping[str, str] | None = None,
) -> kplus.Service:
    manifest = render_services.service(
        name,
        s.namespace,
        station_labels(s, component),
        service_type=service_type,
        ports=[render_services.service_port(p.value, s.ports[p], node_ports.get(p)) for p in ports],
        selector=s.selector_labels,
        source_ranges=source_ranges,
        annotations=annotations,
    )
    return emit_service(station, f"service-{component}", manifest)
