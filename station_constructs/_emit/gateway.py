"""Emit a Gateway and its HTTPRoutes as the typed Gateway API classes.

``gateway.networking.k8s.io/v1``, imported from the CRDs: one round trip to jsii's Node
process per object (the typed props are built in Python, which costs nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._k8s import ApiObjectMetadata, Construct

if TYPE_CHECKING:
    from .._gateway import StationGateway
    from .._gateway_route import StationGatewayRoute

__all__ = ["emit_gateway", "emit_http_route", "emit_redirect_route"]


def emit_gateway(gateway: StationGateway, labels: dict[str, str]) -> Construct:
    """The ``Gateway`` of ``gateway`` as its child ``Resource``."""
    from .._imports.io.k8s.networking import gateway as gw

    port_number = gateway.port
    annotations: dict[str, str] = {}
    tls = gateway.tls
    listener_tls = None
    if tls is not None and gateway.tls_secret_name is not None:
        if tls.issuer is not None:
            annotations[f"cert-manager.io/{tls.issuer_kind.value}"] = tls.issuer
        listener_tls = gw.GatewaySpecListenersTls(
            mode=gw.GatewaySpecListenersTlsMode.TERMINATE,
            certificate_refs=[
                gw.GatewaySpecListenersTlsCertificateRefs(
                    name=gateway.tls_secret_name, kind="Secret", group=""
                )
            ],
        )
    if gateway.route_namespace_labels:
        namespaces = gw.GatewaySpecListenersAllowedRoutesNamespaces(
            from_=gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR,
            selector=gw.GatewaySpecListenersAllowedRoutesNamespacesSelector(
                match_labels=gateway.route_namespace_labels
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
            name=gateway.listener_name,
            port=port_number,
            protocol="HTTP" if tls is None else "HTTPS",
            hostname=gateway.hostname,
            tls=listener_tls,
            allowed_routes=gw.GatewaySpecListenersAllowedRoutes(namespaces=namespaces, kinds=kinds),
        )
    ]
    if gateway.redirect_http:
        # Only the Gateway's own redirect route may attach to the plain-HTTP listener.
        listeners.append(
            gw.GatewaySpecListeners(
                name="http",
                port=80,
                protocol="HTTP",
                hostname=gateway.hostname,
                allowed_routes=gw.GatewaySpecListenersAllowedRoutes(
                    namespaces=gw.GatewaySpecListenersAllowedRoutesNamespaces(
                        from_=gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME
                    ),
                    kinds=kinds,
                ),
            )
        )
    return gw.Gateway(
        gateway,
        "Resource",
        metadata=ApiObjectMetadata(
            name=gateway.name,
            namespace=gateway.namespace,
            labels=labels,
            annotations=annotations or None,
        ),
        spec=gw.GatewaySpec(
            gateway_class_name=gateway.gateway_class_name,
            listeners=listeners,
        ),
    )


def emit_redirect_route(gateway: StationGateway, labels: dict[str, str]) -> Construct:
    """The HTTPRoute redirecting ``gateway``'s plain-HTTP listener to HTTPS (``redirect``)."""
    from .._imports.io.k8s.networking import gateway as gw

    return gw.HttpRoute(
        gateway,
        "redirect",
        metadata=ApiObjectMetadata(
            name=f"{gateway.name}-http-redirect",
            namespace=gateway.namespace,
            labels=labels,
        ),
        spec=gw.HttpRouteSpec(
            parent_refs=[
                gw.HttpRouteSpecParentRefs(
                    name=gateway.name,
                    namespace=gateway.namespace,
                    section_name="http",
                    kind="Gateway",
                    group="gateway.networking.k8s.io",
                )
            ],
            hostnames=[gateway.hostname],
            rules=[
                gw.HttpRouteSpecRules(
                    filters=[
                        gw.HttpRouteSpecRulesFilters(
                            type=gw.HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
                            request_redirect=gw.HttpRouteSpecRulesFiltersRequestRedirect(
                                scheme=gw.HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS,
                                port=None if gateway.port == 443 else gateway.port,
                                status_code=gw.HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301,
                            ),
                        )
                    ]
                )
            ],
        ),
    )


def emit_http_route(
    route: StationGatewayRoute, index: int, host: str, middleware: str | None
) -> Construct:
    """The HTTPRoute of ``route`` for ``host`` (child ``route-<index>``)."""
    from .._imports.io.k8s.networking import gateway as gw

    station = route.station
    parent = route.parent
    path_type = {
        "Prefix": gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX,
        "Exact": gw.HttpRouteSpecRulesMatchesPathType.EXACT,
    }
    timeouts = (
        None
        if route.stream_timeout is None
        else gw.HttpRouteSpecRulesTimeouts(
            request=route.stream_timeout, backend_request=route.stream_timeout
        )
    )
    # Traefik's Gateway provider applies a Middleware through an ExtensionRef filter.
    filters = (
        None
        if middleware is None
        else [
            gw.HttpRouteSpecRulesFilters(
                type=gw.HttpRouteSpecRulesFiltersType.EXTENSION_REF,
                extension_ref=gw.HttpRouteSpecRulesFiltersExtensionRef(
                    group="traefik.io", kind="Middleware", name=middleware
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
        for route in route.routes
        if route.host == host
    ]
    return gw.HttpRoute(
        route,
        f"route-{index}",
        metadata=ApiObjectMetadata(
            name=route.route_names[host],
            namespace=route.namespace,
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
