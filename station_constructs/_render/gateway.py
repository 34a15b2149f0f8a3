"""A StationGateway's Gateway and a StationGatewayRoute's HTTPRoutes as data.

``gateway.networking.k8s.io/v1``. Pure functions of already validated settings
(``station_constructs._gateway`` and ``_gateway_route`` validate); every mapping's keys in
sorted order, as cdk8s writes the props of an object it is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .pod import sorted_keys

__all__ = [
    "GatewayListener",
    "ParentRef",
    "RouteRule",
    "gateway",
    "http_route",
    "middleware_filter",
    "redirect_route",
]

_API_VERSION = "gateway.networking.k8s.io/v1"
_GROUP = "gateway.networking.k8s.io"
_PATH_TYPES = {"Prefix": "PathPrefix", "Exact": "Exact"}


@dataclass(frozen=True)
class GatewayListener:
    """The Gateway's listener: name, port, host name, TLS Secret, admitted namespaces."""

    name: str
    port: int
    hostname: str
    tls_secret_name: str | None
    route_namespace_labels: Mapping[str, str]


@dataclass(frozen=True)
class ParentRef:
    """The Gateway (listener) an HTTPRoute attaches to."""

    name: str
    namespace: str | None
    section_name: str | None = None
    port: int | None = None


@dataclass(frozen=True)
class RouteRule:
    """One routed path: path type (``Prefix``/``Exact``), path, Service port number."""

    path_type: str
    path: str
    port: int


def _metadata(
    name: str, namespace: str, labels: Mapping[str, str], annotations: Mapping[str, str]
) -> dict[str, Any]:
    return {
        "name": name,
        "namespace": namespace,
        "labels": dict(labels),
        "annotations": dict(annotations) or None,
    }


def _allowed_routes(selector: Mapping[str, str]) -> dict[str, Any]:
    namespaces: dict[str, Any] = {"from": "Same"}
    if selector:
        namespaces = {"from": "Selector", "selector": {"matchLabels": dict(selector)}}
    return {"kinds": [{"group": _GROUP, "kind": "HTTPRoute"}], "namespaces": namespaces}


def gateway(  # noqa: PLR0913 - one value per field of the object
    *,
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    annotations: Mapping[str, str],
    class_name: str,
    listener: GatewayListener,
    redirect_http: bool,
) -> dict[str, Any]:
    """The Gateway: the listener, and the plain-HTTP one of ``redirect_http`` after it."""
    tls = listener.tls_secret_name
    main: dict[str, Any] = {
        "name": listener.name,
        "port": listener.port,
        "protocol": "HTTP" if tls is None else "HTTPS",
        "hostname": listener.hostname,
        "allowedRoutes": _allowed_routes(listener.route_namespace_labels),
    }
    if tls is not None:
        main["tls"] = {
            "mode": "Terminate",
            "certificateRefs": [{"name": tls, "kind": "Secret", "group": ""}],
        }
    listeners = [main]
    if redirect_http:
        # Only the Gateway's own redirect route may attach to the plain-HTTP listener.
        listeners.append(
            {
                "name": "http",
                "port": 80,
                "protocol": "HTTP",
                "hostname": listener.hostname,
                "allowedRoutes": _allowed_routes({}),
            }
        )
    return {
        "apiVersion": _API_VERSION,
        "kind": "Gateway",
        "metadata": _metadata(name, namespace, labels, annotations),
        "spec": sorted_keys({"gatewayClassName": class_name, "listeners": listeners}),
    }


def _parent_ref(parent: ParentRef) -> dict[str, Any]:
    ref: dict[str, Any] = {"name": parent.name, "kind": "Gateway", "group": _GROUP}
    optional = {
        "namespace": parent.namespace,
        "sectionName": parent.section_name,
        "port": parent.port,
    }
    ref.update({k: v for k, v in optional.items() if v is not None})
    return ref


def redirect_route(
    *,
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    gateway_name: str,
    hostname: str,
    https_port: int,
) -> dict[str, Any]:
    """The HTTPRoute on the Gateway's ``http`` listener redirecting to HTTPS (301)."""
    redirect: dict[str, Any] = {"scheme": "https", "statusCode": 301}
    if https_port != 443:
        redirect["port"] = https_port
    parent = ParentRef(gateway_name, namespace, section_name="http")
    spec = {
        "parentRefs": [_parent_ref(parent)],
        "hostnames": [hostname],
        "rules": [{"filters": [{"type": "RequestRedirect", "requestRedirect": redirect}]}],
    }
    return {
        "apiVersion": _API_VERSION,
        "kind": "HTTPRoute",
        "metadata": _metadata(name, namespace, labels, {}),
        "spec": sorted_keys(spec),
    }


def http_route(  # noqa: PLR0913 - one value per field of the object
    *,
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    parent: ParentRef,
    host: str,
    service_name: str,
    rules: Sequence[RouteRule],
    stream_timeout: str | None,
    filters: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """An HTTPRoute for ``host``: one rule per path, each with ``filters`` and timeouts."""
    rendered = []
    for rule in rules:
        one: dict[str, Any] = {
            "matches": [{"path": {"type": _PATH_TYPES[rule.path_type], "value": rule.path}}],
            "backendRefs": [
                {"name": service_name, "kind": "Service", "group": "", "port": rule.port}
            ],
        }
        if stream_timeout is not None:
            one["timeouts"] = {"request": stream_timeout, "backendRequest": stream_timeout}
        if filters:
            one["filters"] = [dict(f) for f in filters]
        rendered.append(one)
    spec = {"parentRefs": [_parent_ref(parent)], "hostnames": [host], "rules": rendered}
    return {
        "apiVersion": _API_VERSION,
        "kind": "HTTPRoute",
        "metadata": _metadata(name, namespace, labels, {}),
        "spec": sorted_keys(spec),
    }


def middleware_filter(name: str) -> dict[str, Any]:
    """A rule filter applying the Traefik ``Middleware`` ``name`` (Traefik's Gateway provider)."""
    return {
        "type": "ExtensionRef",
        "extensionRef": {"group": "traefik.io", "kind": "Middleware", "name": name},
    }
