"""Gateway API routes for Station: StationGatewayRoute (HTTPRoute) and StationGateway.

``gateway.networking.k8s.io/v1`` (standard channel, the CRDs of Gateway API v1.6.1). The
routes follow exactly the rules of :class:`~station_constructs.StationIngress` (they share
``station_constructs._routing``): ``/`` to the API/UI (8585) only with the API on, ``/mcp``
and the agent paths to the agent MCP (8587), never the management MCP (8586) unless
accepted, a local-mode Station refused unless accepted.

MCP clients hold long-lived streams (SSE / streamable HTTP). An HTTPRoute rule's
``timeouts`` (``request``, ``backendRequest``; extended support, feature
``HTTPRouteRequestTimeout``) bound the whole request, which for a stream is its whole
life; ``"0s"`` disables them. Envoy Gateway's default is 15 s, which cuts every stream, so
implementations known to support the field (Envoy Gateway, Istio, Cilium: the Gateway API
conformance reports) get ``0s`` by default; others get no ``timeouts`` unless asked for.

The Station's NetworkPolicy admits the Gateway's data plane (the proxy pods, not the
controller) on the routed ports only.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ._app_registry import (
    check_same_app,
    check_scope,
    check_secret_unread,
    reserve,
    use_secret_as,
)
from ._attach import require_station
from ._errors import _Guard
from ._k8s import ApiObjectMetadata, Construct, claim_object, guard_for
from ._labels import object_labels
from ._read_only import ReadOnlyAttributes
from ._routing import (
    IngressRoute,
    IngressTls,
    admit_namespace,
    check_exposure,
    covers,
    endpoint_path,
    host_name,
    resolve_routes,
)
from ._tls import tls_secret_name
from ._validate import (
    boolean,
    dns_label,
    dns_subdomain,
    duration_seconds,
    go_duration,
    labels_map,
    one_of,
    port,
)
from .access import Exposure
from .auth import EdgeAuth, gateway_edge_auth
from .station import ClusterProfile, StationDeployment, StationPort

__all__ = [
    "GatewayImplementation",
    "GatewayRef",
    "StationGateway",
    "StationGatewayRoute",
]

_ENVOY_GATEWAY_NAMESPACE = "envoy-gateway-system"
_K3S_TRAEFIK_NAMESPACE = "kube-system"
# The longest duration a Gateway API Duration (GEP-2257) can write in hours: 5 digits.
_MAX_TIMEOUT_SECONDS = 99999 * 3600


class GatewayImplementation(enum.Enum):
    """The Gateway API implementation serving the Gateway; it decides defaults.

    The value is the GatewayClass name the implementation's own quick-start installs.
    """

    ENVOY_GATEWAY = "eg"
    """Envoy Gateway: class ``eg``; proxies run in ``envoy-gateway-system`` (the default
    deployment mode); route timeouts supported (Envoy's default, 15 s, would cut streams)."""
    ISTIO = "istio"
    """Istio: class ``istio``; the proxy Deployment runs in the Gateway's own namespace;
    route timeouts supported."""
    TRAEFIK = "traefik"
    """Traefik (k3s's bundled proxy with its Gateway provider enabled): class ``traefik``;
    its pods run where Traefik is installed (``kube-system`` on k3s). Stream timeouts are
    entrypoint settings, as for its Ingress (see :class:`StationIngress`)."""
    CILIUM = "cilium"
    """Cilium: class ``cilium``; the proxy is the per-node Envoy, whose traffic carries
    Cilium's reserved ``ingress`` identity rather than a namespace (see
    :class:`StationGatewayRoute`'s ``admit_data_plane``); route timeouts supported."""
    OTHER = "other"
    """Any other implementation: pass the class name and the data plane's namespace."""

    @property
    def default_class_name(self) -> str | None:
        """The GatewayClass its quick-start installs (``None`` for ``OTHER``)."""
        return None if self is GatewayImplementation.OTHER else self.value

    @property
    def supports_route_timeouts(self) -> bool:
        """Whether its conformance report lists ``HTTPRouteRequestTimeout``."""
        return self in (
            GatewayImplementation.ENVOY_GATEWAY,
            GatewayImplementation.ISTIO,
            GatewayImplementation.CILIUM,
        )


@dataclass(frozen=True)
class GatewayRef:
    """An existing Gateway to attach routes to (``parentRefs`` of the HTTPRoute).

    Args:
        name: Name of the Gateway. Required.
        namespace: Its namespace. Default: the Station's. A Gateway in another namespace
            must allow routes from the Station's (its listener's ``allowedRoutes``).
        section_name: The listener to attach to (e.g. ``https``). Default: every listener
            whose hostname matches.
        port: Attach to the listeners on this port only. Extended support
            (``HTTPRouteParentRefPort``): of the conformance reports only Cilium lists it;
            prefer ``section_name``.
        implementation: Who serves it; decides the data plane's namespace and the stream
            timeouts. Default ``GatewayImplementation.OTHER``.

    """

    name: str
    namespace: str | None = None
    section_name: str | None = None
    port: int | None = None
    implementation: GatewayImplementation = GatewayImplementation.OTHER


class StationGateway(ReadOnlyAttributes, Construct):
    """A Gateway for clusters where Station owns its own (or a shared one, for tenants).

    One ``gateway.networking.k8s.io/v1`` Gateway with one listener: HTTPS on 443 with TLS
    (``https``), plain HTTP on 80 without (``http``). Pass it to
    :class:`StationGatewayRoute` as ``gateway=``.

    Args:
        scope: The chart (or any construct) to add the Gateway to.
        id: Construct id. Never used in object names.
        implementation: Who serves the Gateway (:class:`GatewayImplementation`). Required.
        hostname: The listener's host name, e.g. ``station.example.com`` or, for many
            tenants, ``*.stations.example.com``. Required: cert-manager issues for it (a
            wildcard needs a DNS-01 solver), and routes whose hosts do not match it are
            refused.
        tls: :meth:`IngressTls.cert_manager` (cert-manager's Gateway support annotates the
            Gateway and issues into ``<name>-tls``; needs cert-manager's Gateway API support
            turned on) or :meth:`IngressTls.existing_secret` (a ``kubernetes.io/tls`` Secret
            in the Gateway's namespace), or ``None`` for plain HTTP. Required.
        name: Name of the Gateway. Default: the Station's name, else ``station``.
        namespace: Namespace of the Gateway (it must exist). Default: the Station's.
        station: The Station the Gateway belongs to, if it has one of its own: its
            namespace and labels are used. Default none (a shared Gateway).
        gateway_class_name: ``spec.gatewayClassName``. Default: the implementation's usual
            class (``eg``, ``istio``, ``traefik``, ``cilium``); required with ``OTHER``.
        route_namespace_labels: Routes from namespaces carrying these labels may attach
            (``allowedRoutes`` selector). Default: only routes in the Gateway's namespace.
        port: The listener port. Default 443 with TLS, 80 without.
        redirect_http: Also listen for plain HTTP on port 80 (listener ``http``) and
            redirect every request there to HTTPS (301), with an HTTPRoute
            ``<name>-http-redirect`` in the Gateway's namespace. Needs ``tls``. Default
            ``False``.

    """

    def __init__(  # noqa: PLR0913 - keyword-only configuration, each documented above
        self,
        scope: Construct,
        id: str,
        *,
        implementation: GatewayImplementation,
        hostname: str,
        tls: IngressTls | None,
        name: str | None = None,
        namespace: str | None = None,
        station: StationDeployment | None = None,
        gateway_class_name: str | None = None,
        route_namespace_labels: Mapping[str, str] | None = None,
        port: int | None = None,
        redirect_http: bool = False,
    ) -> None:
        check_scope(scope, id, "StationGateway", self)
        super().__init__(scope, id)
        guard = guard_for("StationGateway", self)
        if station is not None and not isinstance(station, StationDeployment):
            raise guard.fail(
                "station",
                type(station).__name__,
                "must be the StationDeployment the Gateway belongs to, or None",
                "pass station=StationDeployment(...), or leave it out for a shared Gateway",
            )
        if station is not None:
            check_same_app(self, guard, station)
        self.station: StationDeployment | None = station
        """The Station owning the Gateway (``None`` for a shared one)."""
        one_of(guard, "implementation", implementation, GatewayImplementation)
        self.implementation: GatewayImplementation = implementation
        """Who serves the Gateway."""
        default_ns = station.namespace if station is not None else None
        if namespace is None and default_ns is None:
            raise guard.fail(
                "namespace",
                None,
                "is required for a Gateway that belongs to no Station",
                "pass namespace='gateway' (an existing namespace), or station=",
            )
        self.namespace: str = dns_label(guard, "namespace", namespace or default_ns)
        """Namespace of the Gateway."""
        default_name = station.name if station is not None else "station"
        self.name: str = dns_subdomain(guard, "name", default_name if name is None else name)
        """Name of the Gateway."""
        self.hostname: str = host_name(guard, "hostname", hostname, kind="Gateway")
        """The listener's host name."""
        self.gateway_class_name: str = _class_name(guard, implementation, gateway_class_name)
        """``spec.gatewayClassName``."""
        self.route_namespace_labels: dict[str, str] = labels_map(
            guard, "route_namespace_labels", route_namespace_labels
        )
        """Labels a namespace needs for its routes to attach (empty: same namespace only)."""
        self.tls: IngressTls | None = tls
        """The TLS settings (``None``: plain HTTP)."""
        self.tls_secret_name: str | None = _tls_secret(guard, tls, self.name, station)
        """The Secret holding the certificate (``None`` without TLS)."""
        default_port = 80 if tls is None else 443
        self.port: int = _port(guard, "port", port, default_port)
        """The listener port."""
        self.listener_name: str = "http" if tls is None else "https"
        """Name of the listener routes attach to (``sectionName``)."""
        self.redirect_http: bool = boolean(guard, "redirect_http", redirect_http)
        """Whether plain HTTP on port 80 is redirected to HTTPS."""
        if self.redirect_http and tls is None:
            raise guard.fail(
                "redirect_http",
                True,
                "redirects to HTTPS, and this Gateway has no TLS listener",
                "pass tls=IngressTls.cert_manager(...) or .existing_secret(...), or drop "
                "redirect_http",
            )
        if self.redirect_http and self.port == 80:
            raise guard.fail(
                "port",
                80,
                "is taken by the HTTP listener that redirect_http adds",
                "use 443 (the default) for the HTTPS listener",
            )
        claim_object(
            self,
            guard,
            kind="Gateway",
            namespace=self.namespace,
            name=self.name,
            field="name",
            fix="give each StationGateway its own name=",
        )
        if self.tls_secret_name is not None:
            use_secret_as(
                self,
                guard,
                namespace=self.namespace,
                name=self.tls_secret_name,
                purpose="a TLS certificate",
                field="tls.secret_name",
                fix="use a Secret of its own, e.g. the default '<gateway name>-tls'",
            )
        if tls is not None and tls.issuer is not None and self.tls_secret_name is not None:
            check_secret_unread(
                self,
                guard,
                namespace=self.namespace,
                name=self.tls_secret_name,
                field="tls.secret_name",
            )
            claim_object(
                self,
                guard,
                kind="Secret",
                namespace=self.namespace,
                name=self.tls_secret_name,
                field="tls.secret_name",
                fix="give each Gateway its own tls secret_name (the default, <name>-tls, is)",
            )
        if self.redirect_http:
            claim_object(
                self,
                guard,
                kind="HTTPRoute",
                namespace=self.namespace,
                name=f"{self.name}-http-redirect",
                field="name",
                fix="give each StationGateway its own name=",
            )
        self.gateway = self._render(self.port)
        """The Gateway (escape hatch: ``ApiObject.of(gateway.gateway)``)."""
        self.redirect_route: Construct | None = (
            self._render_redirect() if self.redirect_http else None
        )
        """The HTTPRoute redirecting HTTP to HTTPS (``None`` without ``redirect_http``)."""
        self._lock_attributes()

    @property
    def ref(self) -> GatewayRef:
        """A :class:`GatewayRef` to this Gateway's listener."""
        return GatewayRef(
            self.name,
            namespace=self.namespace,
            section_name=self.listener_name,
            implementation=self.implementation,
        )

    @property
    def scheme(self) -> str:
        """``https`` with TLS, else ``http``."""
        return "http" if self.tls is None else "https"

    def admits_host(self, host: str) -> bool:
        """Whether a route host intersects the listener's host name (Gateway API rules)."""
        mine, theirs = self.hostname, host
        if mine == theirs:
            return True
        for wild, other in ((mine, theirs), (theirs, mine)):
            if wild.startswith("*.") and other.endswith(wild[1:]):
                return True
        return False

    def _render(self, port_number: int) -> Construct:
        from ._imports.io.k8s.networking import gateway as gw

        annotations: dict[str, str] = {}
        tls = self.tls
        listener_tls = None
        if tls is not None and self.tls_secret_name is not None:
            if tls.issuer is not None:
                annotations[f"cert-manager.io/{tls.issuer_kind.value}"] = tls.issuer
            listener_tls = gw.GatewaySpecListenersTls(
                mode=gw.GatewaySpecListenersTlsMode.TERMINATE,
                certificate_refs=[
                    gw.GatewaySpecListenersTlsCertificateRefs(
                        name=self.tls_secret_name, kind="Secret", group=""
                    )
                ],
            )
        if self.route_namespace_labels:
            namespaces = gw.GatewaySpecListenersAllowedRoutesNamespaces(
                from_=gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR,
                selector=gw.GatewaySpecListenersAllowedRoutesNamespacesSelector(
                    match_labels=self.route_namespace_labels
                ),
            )
        else:
            namespaces = gw.GatewaySpecListenersAllowedRoutesNamespaces(
                from_=gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME
            )
        kinds = [
            gw.GatewaySpecListenersAllowedRoutesKinds(
                kind="HTTPRoute", group="gateway.networking.k8s.io"
            )
        ]
        listeners = [
            gw.GatewaySpecListeners(
                name=self.listener_name,
                port=port_number,
                protocol="HTTP" if tls is None else "HTTPS",
                hostname=self.hostname,
                tls=listener_tls,
                allowed_routes=gw.GatewaySpecListenersAllowedRoutes(
                    namespaces=namespaces, kinds=kinds
                ),
            )
        ]
        if self.redirect_http:
            # Only the Gateway's own redirect route may attach to the plain-HTTP listener.
            listeners.append(
                gw.GatewaySpecListeners(
                    name="http",
                    port=80,
                    protocol="HTTP",
                    hostname=self.hostname,
                    allowed_routes=gw.GatewaySpecListenersAllowedRoutes(
                        namespaces=gw.GatewaySpecListenersAllowedRoutesNamespaces(
                            from_=gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME
                        ),
                        kinds=kinds,
                    ),
                )
            )
        return gw.Gateway(
            self,
            "Resource",
            metadata=ApiObjectMetadata(
                name=self.name,
                namespace=self.namespace,
                labels=self._labels("gateway"),
                annotations=annotations or None,
            ),
            spec=gw.GatewaySpec(
                gateway_class_name=self.gateway_class_name,
                listeners=listeners,
            ),
        )

    def _labels(self, component: str) -> dict[str, str]:
        if self.station is not None:
            return self.station.labels(component)
        return object_labels(self.name, component)

    def _render_redirect(self) -> Construct:
        from ._imports.io.k8s.networking import gateway as gw

        return gw.HttpRoute(
            self,
            "redirect",
            metadata=ApiObjectMetadata(
                name=f"{self.name}-http-redirect",
                namespace=self.namespace,
                labels=self._labels("gateway-redirect"),
            ),
            spec=gw.HttpRouteSpec(
                parent_refs=[
                    gw.HttpRouteSpecParentRefs(
                        name=self.name,
                        namespace=self.namespace,
                        section_name="http",
                        kind="Gateway",
                        group="gateway.networking.k8s.io",
                    )
                ],
                hostnames=[self.hostname],
                rules=[
                    gw.HttpRouteSpecRules(
                        filters=[
                            gw.HttpRouteSpecRulesFilters(
                                type=gw.HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
                                request_redirect=gw.HttpRouteSpecRulesFiltersRequestRedirect(
                                    scheme=gw.HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS,
                                    port=None if self.port == 443 else self.port,
                                    status_code=gw.HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301,
                                ),
                            )
                        ]
                    )
                ],
            ),
        )


class StationGatewayRoute(ReadOnlyAttributes, Construct):
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
            :meth:`EdgeAuth.traefik_middleware` (Traefik: an ``ExtensionRef`` filter to a
            Middleware in the Station's namespace, rendered on every rule), or
            :meth:`EdgeAuth.gateway_policy` naming the policy you apply to the route (Envoy
            Gateway ``SecurityPolicy`` with ``extAuth``/``oidc``/``basicAuth``; Istio
            ``AuthorizationPolicy`` with a ``CUSTOM`` ext_authz provider). Needs the Station's
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
        super().__init__(scope, id)
        guard = guard_for("StationGatewayRoute", self)
        self._guard = guard
        require_station(self, guard, station, 'to route to')
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

        allow_given = boolean(
            guard,
            "allow_unauthenticated_exposure",
            allow_unauthenticated_exposure,
            allow_none=True,
        )
        allow = station.allow_unauthenticated_exposure if allow_given is None else allow_given
        self.allow_unauthenticated_exposure: bool = allow
        """Whether unauthenticated endpoints may be routed."""
        self.routes: tuple[IngressRoute, ...] = resolve_routes(
            guard, station, routes, self.host, kind="HTTPRoute"
        )
        """Every route, with its host filled in, in output order."""
        self.edge_auth: EdgeAuth | None = edge_auth
        """Authentication in front of every rule (``None``: none)."""
        edge: str | None = None
        self._middleware: str | None = None
        if edge_auth is not None:
            edge, self._middleware = gateway_edge_auth(
                guard, "edge_auth", edge_auth, self.implementation.name, self.namespace
            )
        self.exposures: tuple[Exposure, ...] = tuple(
            exposure
            for exposure, _ in check_exposure(
                guard,
                station,
                self.routes,
                allow=allow,
                kind="HTTPRoute",
                name=self.name,
                scheme=self.scheme,
                edge_auth=edge,
                given=routes is not None,
            )
        )
        """Each route as an exposure, checked against who can call what."""
        self.hosts: tuple[str, ...] = tuple(dict.fromkeys(r.host or self.host for r in self.routes))
        """Every host, the main host first when it is routed."""
        self._check_gateway_admits(guard)
        self._reserve_routes(guard)
        self.stream_timeout: str | None = self._timeout(guard, stream_timeout)
        """The rules' ``timeouts.request``/``backendRequest`` (``None``: not rendered)."""
        self.route_names: dict[str, str] = self._names(guard)
        """The HTTPRoute name for each host."""
        admit = boolean(guard, "admit_data_plane", admit_data_plane)
        self.data_plane_namespace: str | None = self._admit_data_plane(
            guard, data_plane_namespace, admit
        )
        """The data plane's namespace admitted by the Station's NetworkPolicy (``None`` when
        nothing was admitted)."""
        self.http_routes: list[Construct] = [
            self._render(i, h) for i, h in enumerate(self.route_names)
        ]
        """The HTTPRoutes, one per host, in ``hosts`` order."""
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

    # ------------------------------------------------------------------ resolution
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
                fix=f"give each Station its own host, e.g. host='{self.station.name}."
                f"{host.removeprefix('*.')}'",
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

    def _timeout(self, guard: _Guard, value: str | int | None) -> str | None:
        if value is None:
            return "0s" if self.implementation.supports_route_timeouts else None
        seconds = duration_seconds(guard, "stream_timeout", value)
        if seconds > _MAX_TIMEOUT_SECONDS:
            raise guard.fail(
                "stream_timeout",
                value,
                "is longer than a Gateway API duration can write (99999h)",
                "pass '0s' to disable the timeout, or a shorter duration",
            )
        if seconds and seconds < 1:
            raise guard.fail(
                "stream_timeout",
                value,
                "would cut every MCP stream within a second",
                "pass '0s' (no timeout) or at least a few minutes, e.g. '1h'",
            )
        return "0s" if seconds == 0 else go_duration(math.ceil(seconds))

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
            namespace = _default_data_plane(implementation, self.parent, self.station)
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

    # ------------------------------------------------------------------ rendering
    def _render(self, index: int, host: str) -> Construct:
        from ._imports.io.k8s.networking import gateway as gw

        station = self.station
        parent = self.parent
        path_type = {
            "Prefix": gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX,
            "Exact": gw.HttpRouteSpecRulesMatchesPathType.EXACT,
        }
        timeouts = (
            None
            if self.stream_timeout is None
            else gw.HttpRouteSpecRulesTimeouts(
                request=self.stream_timeout, backend_request=self.stream_timeout
            )
        )
        # Traefik's Gateway provider applies a Middleware through an ExtensionRef filter.
        filters = (
            None
            if self._middleware is None
            else [
                gw.HttpRouteSpecRulesFilters(
                    type=gw.HttpRouteSpecRulesFiltersType.EXTENSION_REF,
                    extension_ref=gw.HttpRouteSpecRulesFiltersExtensionRef(
                        group="traefik.io", kind="Middleware", name=self._middleware
                    ),
                )
            ]
        )
        rules = [
            gw.HttpRouteSpecRules(
                matches=[
                    gw.HttpRouteSpecRulesMatches(
                        path=gw.HttpRouteSpecRulesMatchesPath(
                            type=path_type[route.path_type.value], value=route.path
                        )
                    )
                ],
                backend_refs=[
                    gw.HttpRouteSpecRulesBackendRefs(
                        name=station.service_name,
                        kind="Service",
                        group="",
                        port=station.ports[route.port],
                    )
                ],
                timeouts=timeouts,
                filters=filters,
            )
            for route in self.routes
            if route.host == host
        ]
        return gw.HttpRoute(
            self,
            f"route-{index}",
            metadata=ApiObjectMetadata(
                name=self.route_names[host],
                namespace=self.namespace,
                labels=station.labels("gateway-route"),
            ),
            spec=gw.HttpRouteSpec(
                parent_refs=[
                    gw.HttpRouteSpecParentRefs(
                        name=parent.name,
                        namespace=parent.namespace,
                        section_name=parent.section_name,
                        port=parent.port,
                        kind="Gateway",
                        group="gateway.networking.k8s.io",
                    )
                ],
                hostnames=[host],
                rules=rules,
            ),
        )


def _class_name(guard: _Guard, implementation: GatewayImplementation, given: str | None) -> str:
    if given is not None and not (isinstance(given, str) and given):
        raise guard.fail(
            "gateway_class_name",
            given,
            "must be a non-empty GatewayClass name",
            "pass e.g. gateway_class_name='eg', or leave it out",
        )
    name = given or implementation.default_class_name
    if name is None:
        raise guard.fail(
            "gateway_class_name",
            given,
            "is required with GatewayImplementation.OTHER (there is no usual class to assume)",
            "pass the GatewayClass name, e.g. gateway_class_name='nginx'",
        )
    return dns_subdomain(guard, "gateway_class_name", name)


def _tls_secret(
    guard: _Guard, tls: IngressTls | None, name: str, station: StationDeployment | None
) -> str | None:
    keys = station.secret_name if station is not None else None
    return tls_secret_name(guard, tls, owner="gateway", owner_name=name, keys_secret=keys)


def _port(guard: _Guard, field: str, value: int | None, default: int) -> int:
    return default if value is None else port(guard, field, value)


def _default_data_plane(
    implementation: GatewayImplementation, parent: GatewayRef, station: StationDeployment
) -> str | None:
    if implementation is GatewayImplementation.ENVOY_GATEWAY:
        return _ENVOY_GATEWAY_NAMESPACE
    if implementation is GatewayImplementation.ISTIO:
        return parent.namespace
    if implementation is GatewayImplementation.TRAEFIK and station.profile is ClusterProfile.K3S:
        return _K3S_TRAEFIK_NAMESPACE
    return None
