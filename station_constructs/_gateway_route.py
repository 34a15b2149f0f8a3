"""StationGatewayRoute: HTTPRoutes that publish a Station through a Gateway.

Public import path: ``station_constructs.gateway`` (or ``station_constructs``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._app_registry import check_scope, init_construct, reserve
from ._attach import require_station
from ._edge_auth import EdgeAuth
from ._emit.objects import emit_object
from ._errors import _Guard
from ._gateway import StationGateway
from ._k8s import ApiObject, Construct, claim_object, guard_for
from ._read_only import ReadOnlyConstruct
from ._render import gateway as render
from ._routing import (
    IngressRoute,
    admit_namespace,
    allowed_exposure,
    check_exposure,
    covers,
    endpoint_path,
    host_name,
    resolve_routes,
    sibling_host,
)
from ._settings.gateway import (
    GatewayImplementation,
    GatewayRef,
    default_data_plane,
)
from ._settings.gateway import (
    stream_timeout as resolve_stream_timeout,
)
from ._validate import boolean, dns_label, dns_subdomain, one_of, port
from ._verify.app import register
from .access import Exposure
from .station import StationDeployment, StationPort

__all__ = ["StationGatewayRoute"]


class StationGatewayRoute(ReadOnlyConstruct):
    """HTTPRoutes that publish a :class:`~station_constructs.StationDeployment` through a Gateway.

    The routing rules and guards are :class:`~station_constructs.StationIngress`'s (same
    :class:`~station_constructs.IngressRoute` values). An HTTPRoute's host names apply to
    all its rules, so each host gets its own HTTPRoute: ``<name>`` for ``host`` and
    ``<name>-<first label of the host>`` for the others.

    Args:
        scope: The chart (or any construct) to add the routes to.
        id: Construct id. Never used in object names.
        station: The Station to route to. Required.
        gateway: The Gateway: a :class:`StationGateway`, or a :class:`GatewayRef` to an
            existing one (name, namespace, listener ``section_name``, port). Required.
        host: The public host name, e.g. ``station.example.com``. Required.
        name: Name of the (first) HTTPRoute. Default: the Station's name.
        routes: What goes where (:class:`~station_constructs.IngressRoute`). Default: ``/``
            to the API/UI (if enabled) and ``/mcp`` to the agent MCP; with the API disabled,
            ``/`` to the agent MCP.
        stream_timeout: ``timeouts.request`` and ``timeouts.backendRequest`` of every rule:
            how long a request (an MCP stream's whole life) may take. ``0`` or ``"0s"``
            disables them. Default ``"0s"`` for implementations known to support route
            timeouts (Envoy Gateway, Istio, Cilium), otherwise not rendered (Traefik's
            timeouts are entrypoint settings). Idle-stream timeouts are the proxy's own
            (Envoy Gateway: ClientTrafficPolicy).
        data_plane_namespace: Namespace of the Gateway's proxy pods, admitted on the routed
            ports by the Station's NetworkPolicy (when it renders one). Default
            ``envoy-gateway-system`` for Envoy Gateway, the Gateway's namespace for Istio,
            ``kube-system`` for Traefik on k3s; required otherwise.
        admit_data_plane: Admit the data plane through the Station's NetworkPolicy. Default
            ``True``. Cilium's proxy reaches pods with its reserved ``ingress`` identity,
            which a Kubernetes NetworkPolicy cannot select: admit it with a
            CiliumNetworkPolicy (``fromEntities: [ingress]``) and pass ``False``.
        edge_auth: Authentication in front of every rule. A standard HTTPRoute has no
            authentication filter, so it depends on the implementation:
            :class:`~station_constructs.TraefikMiddleware` (Traefik: an ``ExtensionRef``
            filter to a Middleware in the Station's namespace, rendered on every rule),
            :class:`~station_constructs.EnvoySecurityPolicy` (Envoy Gateway, with
            ``extAuth``/``oidc``/``basicAuth``) or
            :class:`~station_constructs.IstioAuthorizationPolicy` (Istio, a ``CUSTOM``
            ext_authz provider), naming the policy you apply. Needs the Station's
            NetworkPolicy. Default none.
        allow_unauthenticated_exposure: Accept routing paths Station serves to anyone with
            no ``edge_auth`` (e.g. a VPN in front of the Gateway), and the management MCP.
            Default: the Station's own ``allow_unauthenticated_exposure``.

    """

    def __init__(  # noqa: PLR0913 - keyword-only configuration, each documented above
        self,
        scope: Construct,
        id: str,
        *,
        station: StationDeployment,
        gateway: StationGateway | GatewayRef,
        host: str,
        name: str | None = None,
        routes: Sequence[IngressRoute] | None = None,
        stream_timeout: str | int | None = None,
        data_plane_namespace: str | None = None,
        admit_data_plane: bool = True,
        edge_auth: EdgeAuth | None = None,
        allow_unauthenticated_exposure: bool | None = None,
    ) -> None:
        check_scope(scope, id, "StationGatewayRoute", self)
        init_construct(self, scope, id)
        guard = guard_for("StationGatewayRoute", self)
        self._guard = guard
        require_station(self, guard, station, "to route to")
        self.station: StationDeployment = station
        """The Station behind the routes."""
        self.namespace: str = station.namespace
        """Namespace of the HTTPRoutes (the Station's: backends are in the same one)."""
        self.name: str = dns_subdomain(guard, "name", station.name if name is None else name)
        """Name of the HTTPRoute for ``host``."""
        self.parent: GatewayRef = self._parent(guard, gateway)
        """The Gateway (listener) the routes attach to."""
        self.gateway: StationGateway | None = (
            gateway if isinstance(gateway, StationGateway) else None
        )
        """The StationGateway, when the routes attach to one rendered here."""
        self.implementation: GatewayImplementation = self.parent.implementation
        """Who serves the Gateway."""
        self.host: str = host_name(guard, "host", host, kind="HTTPRoute")
        """The main public host name."""

        self.allow_unauthenticated_exposure: bool = allowed_exposure(
            guard, station, allow_unauthenticated_exposure
        )
        """Whether unauthenticated endpoints may be routed."""
        self.routes: tuple[IngressRoute, ...] = resolve_routes(
            guard, station, routes, self.host, kind="HTTPRoute"
        )
        """Every route, with its host filled in, in output order."""
        self.edge_auth: EdgeAuth | None = edge_auth
        """Authentication in front of every rule (``None``: none)."""
        edge, self._filters = self._edge(guard, edge_auth)
        self.exposures: tuple[Exposure, ...] = self._exposures(guard, edge, routes is not None)
        """Each route as an exposure, checked against who can call what."""
        self.hosts: tuple[str, ...] = tuple(dict.fromkeys(r.host or self.host for r in self.routes))
        """Every host, the main host first when it is routed."""
        self._check_gateway_admits(guard)
        self._reserve_routes(guard)
        self.stream_timeout: str | None = resolve_stream_timeout(
            guard, stream_timeout, self.implementation
        )
        """The rules' ``timeouts.request``/``backendRequest`` (``None``: not rendered)."""
        self.route_names: dict[str, str] = self._names(guard)
        """The HTTPRoute name for each host."""
        admit = boolean(guard, "admit_data_plane", admit_data_plane)
        self.data_plane_namespace: str | None = self._admit_data_plane(
            guard, data_plane_namespace, admit
        )
        """The data plane's namespace admitted by the Station's NetworkPolicy (``None`` when
        nothing was admitted)."""
        self.http_routes: list[ApiObject] = [
            emit_object(self, "Resource" if i == 0 else f"route-{i}", self._render(host))
            for i, host in enumerate(self.route_names)
        ]
        """The HTTPRoutes, one per host, in ``hosts`` order; the first is the construct's
        primary child ``Resource`` (``ApiObject.of(route)``), the others ``route-<n>``."""
        register(self)
        self._lock_attributes()

    # ------------------------------------------------------------------ public helpers
    @property
    def scheme(self) -> str:
        """``http`` for a :class:`StationGateway` without TLS, else ``https``."""
        if self.gateway is not None:
            return self.gateway.scheme
        return "https"

    def url(self, which: StationPort = StationPort.AGENT_MCP) -> str:
        """Public URL of an endpoint, e.g. ``https://station.example.com/mcp``.

        ``https`` unless the routes attach to a :class:`StationGateway` without TLS (the
        scheme of an existing Gateway's listener is not known here).
        """
        endpoint = endpoint_path(which)
        port_suffix = ""
        if self.gateway is not None and self.gateway.port != (
            443 if self.scheme == "https" else 80
        ):
            port_suffix = f":{self.gateway.port}"
        for route in self.routes:
            if route.port is which and covers(route, endpoint):
                return f"{self.scheme}://{route.host}{port_suffix}{endpoint}"
        raise self._guard.fail(
            "which",
            which,
            f"is not routed to {endpoint} by these HTTPRoutes",
            "add an IngressRoute for it, or ask for a port the routes serve",
        )

    # ------------------------------------------------------------------ rendering
    def _render(self, host: str) -> dict[str, object]:
        """The HTTPRoute for ``host``: the routes on that host, in order."""
        station, parent = self.station, self.parent
        return render.http_route(
            name=self.route_names[host],
            namespace=self.namespace,
            labels=station.labels("gateway-route"),
            parent=render.ParentRef(
                parent.name, parent.namespace, parent.section_name, parent.port
            ),
            host=host,
            service_name=station.service_name,
            rules=[
                render.RouteRule(r.path_type.value, r.path, station.ports[r.port])
                for r in self.routes
                if r.host == host
            ],
            stream_timeout=self.stream_timeout,
            filters=self._filters,
        )

    # ------------------------------------------------------------------ resolution
    def _edge(
        self, guard: _Guard, edge_auth: EdgeAuth | None
    ) -> tuple[str | None, list[dict[str, Any]]]:
        """The edge authentication's description and its rule filters (none: ``None``)."""
        if edge_auth is None:
            return None, []
        if not isinstance(edge_auth, EdgeAuth):
            problem = "must be EnvoySecurityPolicy, IstioAuthorizationPolicy or TraefikMiddleware"
            fix = "pass e.g. edge_auth=EnvoySecurityPolicy('sso', policy_applied_first=True)"
            raise guard.fail("edge_auth", edge_auth, problem, fix)
        namespace = self.namespace
        filters = edge_auth.route_filters(guard, "edge_auth", self.implementation.name, namespace)
        if edge_auth.in_gateway_namespace:
            # Istio reads an AuthorizationPolicy that targets a Gateway in its namespace.
            namespace = self.parent.namespace or self.namespace
        return edge_auth.describe(namespace), filters

    def _exposures(self, guard: _Guard, edge: str | None, given: bool) -> tuple[Exposure, ...]:
        return tuple(
            exposure
            for exposure, _ in check_exposure(
                guard,
                self.station,
                self.routes,
                allow=self.allow_unauthenticated_exposure,
                kind="HTTPRoute",
                name=self.name,
                scheme=self.scheme,
                edge_auth=edge,
                given=given,
            )
        )

    def _reserve_routes(self, guard: _Guard) -> None:
        """One route per Gateway listener, host and path in the App (else requests stray)."""
        ref = self.parent
        parent = (ref.namespace or self.namespace, ref.name, ref.section_name)
        for route in self.routes:
            host = route.host or self.host
            reserve(
                self,
                guard,
                topic="gateway-route",
                key=(parent, host, route.path, route.path_type),
                field="host",
                value=f"{host}{route.path}",
                problem=f"{route.path_type.value} path {route.path} on {host} (Gateway "
                f"{parent[0]}/{parent[1]}) is already routed by '{{previous}}'; the Gateway "
                "would send the requests to only one of the Stations",
                fix="give each Station its own host, e.g. host='"
                f"{sibling_host(self.station.name, host)}'",
            )

    def _parent(self, guard: _Guard, gateway: object) -> GatewayRef:
        if isinstance(gateway, StationGateway):
            return gateway.ref
        if not isinstance(gateway, GatewayRef):
            raise guard.fail(
                "gateway",
                type(gateway).__name__,
                "must be a StationGateway or a GatewayRef",
                "pass gateway=GatewayRef('shared', namespace='gateway', section_name='https') "
                "for an existing Gateway",
            )
        dns_subdomain(guard, "gateway.name", gateway.name)
        namespace = self.station.namespace if gateway.namespace is None else gateway.namespace
        dns_label(guard, "gateway.namespace", namespace)
        if gateway.section_name is not None:
            dns_label(guard, "gateway.section_name", gateway.section_name)
        if gateway.port is not None:
            port(guard, "gateway.port", gateway.port)
        one_of(guard, "gateway.implementation", gateway.implementation, GatewayImplementation)
        return GatewayRef(
            gateway.name, namespace, gateway.section_name, gateway.port, gateway.implementation
        )

    def _check_gateway_admits(self, guard: _Guard) -> None:
        gateway = self.gateway
        if gateway is None:
            return
        for host in self.hosts:
            if not gateway.admits_host(host):
                raise guard.fail(
                    "host",
                    host,
                    f"does not match the Gateway's listener host name {gateway.hostname!r}, so "
                    "the Gateway would not accept the route",
                    f"use a host under {gateway.hostname!r}, or a Gateway whose hostname covers it",
                )
        if self.namespace == gateway.namespace:
            return
        labels = gateway.route_namespace_labels
        if not labels:
            raise guard.fail(
                "gateway",
                f"{gateway.namespace}/{gateway.name}",
                f"admits routes only from its own namespace, not from '{self.namespace}'",
                "pass route_namespace_labels= to the StationGateway and put those labels on "
                "the Station's namespace (StationDeployment(labels=...))",
            )
        namespace_object = self.station.namespace_object
        if namespace_object is None:
            return  # an existing namespace: its labels are not known here
        have = self.station.labels("namespace")
        missing = {k: v for k, v in labels.items() if have.get(k) != v}
        if missing:
            raise guard.fail(
                "gateway",
                f"{gateway.namespace}/{gateway.name}",
                f"admits routes only from namespaces labelled {labels}, and the Station's "
                f"namespace '{self.namespace}' lacks {missing}",
                f"pass labels={missing} to the StationDeployment (they label its Namespace)",
            )

    def _names(self, guard: _Guard) -> dict[str, str]:
        names: dict[str, str] = {}
        for i, host in enumerate(self.hosts):
            if host == self.host:
                name = self.name
            else:
                label = host.split(".")[0].replace("*", "wildcard")
                name = f"{self.name}-{label}"
                if name in names.values():  # two hosts with one first label
                    name = f"{name}-{i}"
                name = dns_subdomain(guard, "name", name)
            claim_object(
                self,
                self._guard,
                kind="HTTPRoute",
                namespace=self.namespace,
                name=name,
                field="name",
                fix="give each StationGatewayRoute its own name=",
            )
            names[host] = name
        return names

    def _admit_data_plane(self, guard: _Guard, namespace: str | None, admit: bool) -> str | None:
        policy = self.station.network_policy
        if namespace is not None:
            namespace = dns_label(guard, "data_plane_namespace", namespace)
        if policy is None or not admit:
            if namespace is not None and not admit:
                raise guard.fail(
                    "data_plane_namespace",
                    namespace,
                    "has no effect with admit_data_plane=False",
                    "drop one of the two",
                )
            return None
        implementation = self.implementation
        if implementation is GatewayImplementation.CILIUM and namespace is None:
            raise guard.fail(
                "admit_data_plane",
                True,
                "Cilium's Gateway proxy is the per-node Envoy; it reaches the pod with Cilium's "
                "reserved 'ingress' identity, which a Kubernetes NetworkPolicy cannot select, "
                "so the route would time out",
                "admit it with a CiliumNetworkPolicy on the Station pod (ingress fromEntities: "
                "[ingress], the routed ports) and pass admit_data_plane=False, or pass "
                "network_policy=None to the StationDeployment",
            )
        if namespace is None:
            namespace = default_data_plane(
                implementation, self.parent.namespace, self.station.profile
            )
        if namespace is None:
            raise guard.fail(
                "data_plane_namespace",
                None,
                "the Station's NetworkPolicy admits only named namespaces, and where "
                f"{implementation.name.lower()}'s proxy pods run is not known",
                "pass the namespace of the Gateway's proxy pods, e.g. "
                "data_plane_namespace='traefik'",
            )
        admit_namespace(guard, self.station, self.routes, namespace)
        return namespace
