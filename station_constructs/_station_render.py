"""How a StationDeployment turns its settings into objects: render as data, then emit.

A mixin of :class:`~station_constructs.StationDeployment`. Each method calls a renderer
(``station_constructs/_render/``) and hands the result to cdk8s (``station_constructs/_emit/``):
the Namespace, the ConfigMap, the data claim, the Deployment (assembled as data, rendered at
synthesis) and the Services.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

from ._app_registry import app_key
from ._emit.deferred import DeferredObject, emit_deployment
from ._emit.plus import emit_service
from ._emit.typed import emit_config_map, emit_namespace, emit_persistent_volume_claim
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
from ._render import services as render_services
from ._render import storage as render
from ._render.pod import PodAssembly
from ._render.station_pod import (
    SEED_MOUNT,
    StationPodSettings,
    container_resources,
    scanner_suppressions,
    station_pod,
)
from ._retained_class import emit_retained_class
from ._seed import SEED_SCRIPT, ConfigPolicy, SeedPlan
from ._settings.arguments import Arguments
from ._settings.input import StationInput
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
    StationStorage,
    _ResolvedResources,
)
from ._station_settings import Resolution
from ._validate import BinaryQuantity, ImageReference
from .network import _BY_THE_STATION, StationNetworkPolicy
from .placement import apply_pod
from .secrets import SecretSource

if TYPE_CHECKING:
    from .releases import StationRelease
    from .station import StationDeployment

__all__ = ["StationRendering"]


class StationRendering:
    """Mixin: the rendering steps of a StationDeployment."""

    # Set by StationDeployment while it renders.
    name: str
    namespace: str
    config_map_name: str
    pvc_name: str
    service_name: str
    external_service_name: str | None
    config_persistence: ConfigPersistence
    secret_name: str
    secret_source: SecretSource
    secret_variables: tuple[str, ...]
    settings: dict[str, str]
    storage: StationStorage
    image: str
    image_ref: ImageReference
    release: StationRelease
    ports: dict[StationPort, int]
    served_ports: tuple[StationPort, ...]
    selector_labels: dict[str, str]
    startup_timeout_seconds: int
    termination_grace_period_seconds: int
    persist_tool_caches: bool
    serve_environment: str | None
    config_policy: ConfigPolicy
    external_access: ExternalAccess
    external_ports: tuple[StationPort, ...]
    _pod: PodAssembly
    _data_scope: Construct

    if TYPE_CHECKING:

        def _scope(self) -> Construct:
            """ComposingRefs' (the Station as a construct)."""

        def labels(self, component: str) -> dict[str, str]:
            """StationApi's (the Station's other base)."""

    def _render_namespace(self, scope: Construct) -> k8s.KubeNamespace:
        manifest = render.namespace(
            self.namespace,
            self.labels("namespace"),
            protect_from_prune=self.storage.protect_from_prune,
        )
        ns = emit_namespace(self._data_scope, "namespace", manifest)
        # A Chart with a namespace stamps it on every object, cluster-scoped ones included.
        if chart_namespace(scope if self._data_scope is self._scope() else self._data_scope):
            ApiObject.of(ns).add_json_patch(JsonPatch.remove("/metadata/namespace"))
        return ns

    def _render_config_map(self) -> k8s.KubeConfigMap:
        manifest = render.config_map(
            self.config_map_name, self.namespace, self.labels("config"), self.settings
        )
        return emit_config_map(self._scope(), "config", manifest)

    def _render_pvc(
        self, storage: StationStorage, size: BinaryQuantity
    ) -> k8s.KubePersistentVolumeClaim:
        manifest = render.persistent_volume_claim(
            self.pvc_name,
            self.namespace,
            self.labels("data"),
            access_mode=storage.access_mode.value,
            size=size.text,
            storage_class=storage.storage_class,
            volume_name=storage.volume_name,
            restore_from_snapshot=storage.restore_from_snapshot,
            protect_from_prune=storage.protect_from_prune,
        )
        return emit_persistent_volume_claim(self._data_scope, "data", manifest)

    def _keep_data_in(self, guard: _Guard, chart: object) -> Construct:
        """Where the objects that keep the data are emitted (``data_chart``, see station.py)."""
        if chart is None:
            return self._scope()
        if not isinstance(chart, Chart):
            raise guard.fail(
                "data_chart",
                chart,
                "must be a cdk8s Chart",
                "pass a Chart of the Station's App, e.g. Chart(app, 'station-data')",
            )
        if app_key(chart) != app_key(self._scope()):
            raise guard.fail(
                "data_chart",
                construct_path(chart),
                "belongs to another App: the Namespace and the claim would be written there",
                "pass a Chart of the Station's App",
            )
        if Chart.of(self._scope()) is chart:
            return self._scope()  # the Station's own Chart: nothing is kept apart
        return Construct(chart, f"{self.namespace}-{self.name}")

    def _render_deployment(
        self,
        *,
        resolved: _ResolvedResources,
        pull_policy: ImagePullPolicy,
        pull_secrets: list[str],
        read_only_root: bool,
        config_on_volume: bool,
        scratch: BinaryQuantity,
        annotations: dict[str, str],
    ) -> DeferredObject:
        """Assemble the pod as data (``render/station_pod.py``) and emit it, deferred."""
        plan = self._seed_plan(read_only_root, config_on_volume)
        settings = StationPodSettings(
            name=self.name,
            namespace=self.namespace,
            labels=self.labels("server"),
            selector=self.selector_labels,
            pod_annotations=annotations,
            scanner_annotations=scanner_suppressions(
                digest_pinned=self.image_ref.digest is not None,
                pull_always=pull_policy is ImagePullPolicy.ALWAYS,
            ),
            image=self.image,
            pull_policy=pull_policy.value,
            pull_secrets=pull_secrets,
            ports=[(p.value, self.ports[p]) for p in self.served_ports],
            probe_port=self.ports[StationPort.AGENT_MCP],
            config_map_name=self.config_map_name,
            settings=self.settings,
            secret_env=[
                (v, self.secret_name, self.secret_source.key_for(v)) for v in self.secret_variables
            ],
            resources=container_resources(resolved),
            startup_timeout_seconds=self.startup_timeout_seconds,
            grace_period_seconds=self.termination_grace_period_seconds,
            read_only_root=read_only_root,
            config_on_volume=config_on_volume,
            persist_tool_caches=self.persist_tool_caches,
            scratch_mebibytes=scratch.mebibytes,
            claim_name=self.pvc_name,
            seed_script=SEED_SCRIPT,
            seed_environment=plan.environment() if plan.needed else None,
            secret_name=self.secret_name,
        )
        self._pod = station_pod(settings)
        return emit_deployment(self._scope(), "deployment", self._pod)

    def _seed_plan(self, read_only_root: bool, config_on_volume: bool) -> SeedPlan:
        """What ``seed-home`` does for this configuration (see ``_seed.py``)."""
        home_to = SEED_MOUNT if read_only_root else None
        config_to: str | None = None
        if config_on_volume:
            config_to = f"{DATA_MOUNT}/{VOLUME_CONFIG_DIR}"
        elif home_to is not None:
            # The image's config dir, copied into the emptyDir $HOME: config.yaml only.
            config_to = home_to + CONFIG_DIR.removeprefix(HOME_DIR)
        serve = self.serve_environment
        cache_dirs = (
            [f"{DATA_MOUNT}/{sub_path}" for sub_path, _ in _TOOL_CACHES]
            if self.persist_tool_caches
            else []
        )
        return SeedPlan(
            image_home=HOME_DIR,
            image_config=CONFIG_DIR,
            home_to=home_to,
            config_to=config_to,
            policy=self.config_policy if config_on_volume else None,
            database=DATABASE_PATH,
            serve_environment=None if serve in (None, "default") else serve,
            make_dirs=tuple(cache_dirs),
            schema_version=schema_version(
                self.image_ref, self.release.tag if self.release.known else None
            ),
        )

    def _render_external_service(
        self, name: str, args: Arguments, annotations: Mapping[str, str]
    ) -> kplus.Service:
        service_type = (
            "LoadBalancer" if self.external_access is ExternalAccess.LOAD_BALANCER else "NodePort"
        )
        return self._render_service(
            name,
            service_type,
            self.external_ports,
            dict(args.node_ports or {}),
            tuple(args.load_balancer_source_ranges),
            "external",
            annotations=annotations,
        )

    def _render_service(
        self,
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
            self.namespace,
            self.labels(component),
            service_type=service_type,
            ports=[
                render_services.service_port(p.value, self.ports[p], node_ports.get(p))
                for p in ports
            ],
            selector=self.selector_labels,
            source_ranges=source_ranges,
            annotations=annotations,
        )
        return emit_service(self._scope(), f"service-{component}", manifest)

    def _render_storage(self, scope: Construct, guard: _Guard, r: Resolution) -> None:
        """The retained StorageClass (when asked for) and the claim, in that order."""
        self.storage_class: ApiObject | None = None
        """The ``RetainedStorageClass``, when this Station renders it."""
        if self.storage.retained_class is not None:
            probe = scope if self._data_scope is self._scope() else self._data_scope
            self.storage_class = emit_retained_class(
                self._data_scope,
                guard,
                self.storage.retained_class,
                namespaced_chart=chart_namespace(probe) is not None,
            )
        self.pvc: k8s.KubePersistentVolumeClaim | None = (
            self._render_pvc(self.storage, r.volumes.size) if self.storage.create else None
        )
        """The PersistentVolumeClaim, when rendered (``storage.create``)."""

    def _render_objects(
        self, scope: Construct, guard: _Guard, given: StationInput, r: Resolution
    ) -> None:
        """Render and emit every object, publishing each as a public attribute."""
        self._data_scope = self._keep_data_in(guard, given.data_chart)
        self.namespace_object: k8s.KubeNamespace | None = (
            self._render_namespace(scope) if r.args.create_namespace else None
        )
        """The Namespace, when rendered."""
        self.config_map: k8s.KubeConfigMap = self._render_config_map()
        """The ConfigMap of non-secret settings."""
        self._render_storage(scope, guard, r)
        self.secret_source._render(
            self._data_scope,
            guard=guard,
            field="secret",
            namespace=self.namespace,
            name=self.secret_name,
            variables=list(self.secret_variables),
            labels=self.labels("secrets"),
            # The key Secret holds STATION_ENCRYPTION_KEY: kept like the data.
            annotations={
                **render.BEFORE_WORKLOADS,
                **(render.PRUNE_PROTECTION if self.storage.protect_from_prune else {}),
            },
        )
        self.deployment: DeferredObject = self._render_deployment(
            resolved=r.sized.resolved,
            pull_policy=r.image.pull_policy,
            pull_secrets=r.image.pull_secrets,
            read_only_root=r.args.read_only_root_filesystem,
            config_on_volume=self.config_persistence is ConfigPersistence.VOLUME,
            scratch=r.volumes.scratch,
            annotations=r.labels.annotations,
        )
        """The Deployment, rendered at synthesis (``ApiObject.of(station.deployment)``)."""
        self.service_account: k8s.KubeServiceAccount | None = apply_pod(
            self._scope(),
            guard,
            self._pod,
            r.pod,
            namespace=self.namespace,
            labels=self.labels("service-account"),
        )
        """The ServiceAccount, when ``service_account`` asks for one to be rendered."""
        if self.service_account is not None:
            self.deployment.node.add_dependency(self.service_account)
        self.service_account_name: str | None = r.pod.service_account_name
        """The pod's ServiceAccount (``None``: the namespace's default)."""
        self.service: kplus.Service = self._render_service(
            self.service_name, "ClusterIP", self.served_ports, {}, (), "server"
        )
        """The ClusterIP Service reaching every served port."""
        self.external_service: kplus.Service | None = None
        """The LoadBalancer/NodePort Service, when ``external_access`` asks for one."""
        if self.external_service_name is not None:
            self.external_service = self._render_external_service(
                self.external_service_name, r.args, r.exposure.external_annotations
            )
        self.extensions: dict[str, Construct] = {}
        """Constructs attached to this Station (e.g. ``"litestream"``), one of each kind."""
        self.network_policy: StationNetworkPolicy | None = (
            None
            if given.network_policy is None
            else StationNetworkPolicy(
                self._scope(),
                "network-policy",
                station=cast("StationDeployment", self),
                options=given.network_policy,
                _made_by=_BY_THE_STATION,
            )
        )
        """The pod's NetworkPolicy (``None`` when opted out); attached constructs extend it
        with ``allow_from_namespaces(...)``."""
