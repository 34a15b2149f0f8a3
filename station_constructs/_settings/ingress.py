"""An Ingress's settings: the controller and its class, and the annotations.

The annotations the construct manages (cert-manager, Traefik's entrypoint, nginx's stream
timeouts and buffering, edge authentication) and the user's, checked against them.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .._edge_auth import EdgeAuth
from .._errors import _Guard
from .._validate import annotations_map, dns_label, dns_subdomain, duration_seconds, qualified_name
from ..access import Access, Exposure
from .labels import refuse_secret_values
from .station import ClusterProfile

if TYPE_CHECKING:
    from .._routing import IngressTls

__all__ = [
    "IngressController",
    "check_nginx_path",
    "default_controller",
    "controller_namespace",
    "edge_annotations",
    "ingress_class_name",
    "managed_annotations",
    "refuse_two_credentials",
    "user_annotations",
]

# ingress-nginx (1.8+, strict-validate-path-type) admits only these for Prefix/Exact.
_NGINX_PATH = re.compile(r"^/[A-Za-z0-9_/-]*$")
_NGINX_SIZE = re.compile(r"^[0-9]+[kKmMgG]?$")
_NGINX = "nginx.ingress.kubernetes.io/"
_TRAEFIK = "traefik.ingress.kubernetes.io/"


class IngressController(enum.Enum):
    """The Ingress controller that serves the Ingress; it decides the annotations set."""

    NGINX = "nginx"
    """ingress-nginx (``kubernetes/ingress-nginx``): class ``nginx``; stream timeouts,
    buffering and body size are set as annotations."""
    TRAEFIK = "traefik"
    """Traefik (k3s's bundled controller): class ``traefik``; routed to the ``websecure``
    entrypoint (``web`` without TLS). Stream timeouts are entrypoint settings, not
    per-Ingress: see :class:`StationIngress`."""
    OTHER = "other"
    """Any other controller: pass ``ingress_class_name``; no controller annotations are
    set, so configure stream timeouts for it yourself (``annotations=``)."""

    @property
    def default_class_name(self) -> str | None:
        """The IngressClass the controller installs by default (``None`` for ``OTHER``)."""
        return {"nginx": "nginx", "traefik": "traefik"}.get(self.value)


def default_controller(profile: ClusterProfile) -> IngressController:
    """Traefik on k3s, ingress-nginx elsewhere."""
    return IngressController.TRAEFIK if profile is ClusterProfile.K3S else IngressController.NGINX


def ingress_class_name(guard: _Guard, controller: IngressController, given: str | None) -> str:
    """``spec.ingressClassName``: ``given``, else the controller's usual class."""
    if given is not None and not (isinstance(given, str) and given):
        raise guard.fail(
            "ingress_class_name",
            given,
            "must be a non-empty IngressClass name (an empty one would silently pick the "
            "cluster's default class)",
            "pass e.g. ingress_class_name='nginx', or leave it out",
        )
    class_name = given or controller.default_class_name
    if class_name is None:
        raise guard.fail(
            "ingress_class_name",
            given,
            "is required with IngressController.OTHER (there is no usual class to assume)",
            "pass the IngressClass name, e.g. ingress_class_name='haproxy'",
        )
    name = dns_subdomain(guard, "ingress_class_name", class_name)
    _refuse_other_controllers_class(guard, controller, name)
    return name


def check_nginx_path(guard: _Guard, controller: IngressController, field: str, path: str) -> None:
    """Refuse a path ingress-nginx's strict path validation would reject."""
    if controller is IngressController.NGINX and not _NGINX_PATH.fullmatch(path):
        raise guard.fail(
            field,
            path,
            "ingress-nginx (1.8+, strict-validate-path-type) rejects Prefix and Exact "
            "paths with characters other than letters, digits, '/', '-' and '_'",
            "route a parent path instead (e.g. '/' on a host of its own)",
        )


def edge_annotations(
    guard: _Guard, controller: IngressController, edge: EdgeAuth | None, namespace: str
) -> dict[str, str]:
    """The controller annotations of ``edge``; it must belong to this controller."""
    if edge is None:
        return {}
    if not isinstance(edge, EdgeAuth):
        raise guard.fail(
            "edge_auth",
            type(edge).__name__,
            "must be an EdgeAuth provider or None",
            "pass e.g. edge_auth=NginxAuthUrl('http://oauth2-proxy.oauth2-proxy"
            ".svc.cluster.local/oauth2/auth')",
        )
    annotations = edge.ingress_annotations(guard, "edge_auth", namespace)
    owner = edge.ingress_controller
    if controller.name != owner:
        raise guard.fail(
            "edge_auth",
            edge,
            f"is an {str(owner).lower()} setting, but the Ingress is written for "
            f"{controller.name.lower()}, which would ignore its annotations and leave "
            "every route unauthenticated",
            "use TraefikMiddleware(...) with Traefik, NginxAuthUrl(...) or NginxBasicAuth(...) "
            "with ingress-nginx; for another controller pass its annotations= and "
            "allow_unauthenticated_exposure=True",
        )
    return annotations


def controller_namespace(
    guard: _Guard, controller: IngressController, profile: ClusterProfile, given: str | None
) -> str:
    """The namespace of the controller's pods: ``given``, else where it usually runs."""
    namespace = given
    if namespace is None:
        if controller is IngressController.NGINX:
            namespace = "ingress-nginx"
        elif controller is IngressController.TRAEFIK and profile is ClusterProfile.K3S:
            namespace = "kube-system"
        else:
            raise guard.fail(
                "controller_namespace",
                None,
                f"the Station's NetworkPolicy admits only named namespaces, and where "
                f"{controller.name.lower()} runs is not known",
                "pass the namespace of the controller's pods, e.g. controller_namespace='traefik'",
            )
    return dns_label(guard, "controller_namespace", namespace)


def refuse_two_credentials(
    guard: _Guard, edge: EdgeAuth | None, title: str, access: Access, exposure: Exposure
) -> None:
    """Basic auth at nginx and a Station token cannot share one Authorization header."""
    if edge is None or not edge.reads_authorization:
        return
    if access.reads_bearer:
        raise guard.fail(
            "edge_auth",
            edge,
            f"basic auth at the edge and Station's own check of {title} (routed by "
            f"{exposure.via}) both need the Authorization header; nginx passes the "
            "'Basic' credentials on and Station answers 401 to every request",
            "protect the route one way: drop edge_auth (Station authenticates it), or "
            "keep auth=StationAuth.local() (the default) and let the edge authenticate",
        )


def managed_annotations(
    guard: _Guard,
    controller: IngressController,
    tls: IngressTls | None,
    stream_timeout: str | int | None,
    max_request_body: str | None,
) -> tuple[dict[str, str], int | None]:
    """The annotations the construct sets, and nginx's stream timeout in seconds."""
    managed: dict[str, str] = {}
    seconds: int | None = None
    if tls is not None and tls.issuer is not None:
        managed[f"cert-manager.io/{tls.issuer_kind.value}"] = tls.issuer
    if controller is not IngressController.NGINX:
        for field, value in (
            ("stream_timeout", stream_timeout),
            ("max_request_body", max_request_body),
        ):
            if value is not None:
                raise guard.fail(
                    field,
                    value,
                    f"is an ingress-nginx setting; {controller.name.lower()} has no "
                    "per-Ingress equivalent (Traefik's timeouts belong to its entrypoints)",
                    "drop it and configure the controller itself (for Traefik on k3s, a "
                    "HelmChartConfig: see docs/k3s.md), or pass annotations= for yours",
                )
    if controller is IngressController.TRAEFIK:
        entrypoint = "web" if tls is None else "websecure"
        managed[f"{_TRAEFIK}router.entrypoints"] = entrypoint
        if tls is not None:
            managed[f"{_TRAEFIK}router.tls"] = "true"
    elif controller is IngressController.NGINX:
        timeout = "1h" if stream_timeout is None else stream_timeout
        seconds = math.ceil(duration_seconds(guard, "stream_timeout", timeout, minimum=1))
        body = "16m" if max_request_body is None else max_request_body
        if not isinstance(body, str) or not _NGINX_SIZE.fullmatch(body):
            raise guard.fail(
                "max_request_body",
                body,
                "must be an nginx size: a whole number with an optional k, m or g",
                "pass e.g. '16m', or '0' for no limit",
            )
        managed.update(
            {
                # MCP streams (SSE / streamable HTTP) stay open for a long time and must
                # reach the client as they are written, not when a buffer fills.
                f"{_NGINX}proxy-body-size": body,
                f"{_NGINX}proxy-buffering": "off",
                f"{_NGINX}proxy-read-timeout": str(seconds),
                f"{_NGINX}proxy-send-timeout": str(seconds),
            }
        )
    return managed, seconds


def user_annotations(
    guard: _Guard,
    annotations: Mapping[str, str] | None,
    managed: Mapping[str, str],
    class_name: str,
) -> dict[str, str]:
    """The user's ``annotations``, checked against the managed ones and what Station serves."""
    extra = annotations_map(guard, "annotations", annotations)
    for key, value in extra.items():
        qualified_name(guard, "annotations", key)
        if key in managed:
            raise guard.fail(
                f"annotations[{key!r}]",
                value,
                "is set by the construct",
                _managed_fix(key),
            )
        if not isinstance(value, str):
            raise guard.fail(f"annotations[{key!r}]", value, "must be a string", "quote the value")
        _refuse_contradicting_annotation(guard, key, value, class_name)
    refuse_secret_values(guard, "annotations", extra)
    return extra


_SNIPPET = re.compile(rf"^{re.escape(_NGINX)}[a-z-]*snippet$")


def _refuse_contradicting_annotation(guard: _Guard, key: str, value: str, class_name: str) -> None:
    """Refuse annotations that contradict what the Ingress renders or what Station serves."""
    field = f"annotations[{key!r}]"
    if key == "kubernetes.io/ingress.class":
        raise guard.fail(
            field,
            value,
            f"is the deprecated class annotation, next to spec.ingressClassName={class_name!r} "
            "that the construct sets; controllers disagree about which one wins",
            f"drop the annotation and pass ingress_class_name={value!r} (with the controller= "
            "that serves that class)",
        )
    if key == f"{_NGINX}backend-protocol" and value.upper() != "HTTP":
        raise guard.fail(
            field,
            value,
            "Station serves plain HTTP on every port; nginx would speak "
            f"{value} to it and every request would fail",
            "drop the annotation (HTTP is the default); TLS ends at the Ingress",
        )
    if key in (f"{_NGINX}rewrite-target", f"{_NGINX}use-regex", f"{_NGINX}app-root"):
        raise guard.fail(
            field,
            value,
            "the routes are literal paths checked against what Station serves (/mcp, /execute, "
            "/health, the UI at /); rewriting or regex matching sends requests elsewhere (404)",
            "drop the annotation and route the paths Station serves, or put the agent MCP on "
            "a host of its own: IngressRoute(StationPort.AGENT_MCP, '/', host='mcp.example.com')",
        )
    if _SNIPPET.fullmatch(key):
        raise guard.fail(
            field,
            "<snippet>",
            "raw nginx configuration: ingress-nginx ignores snippet annotations by default "
            "(allow-snippet-annotations=false since 1.9) and they were the door of "
            "CVE-2025-1974, so the setting silently does nothing or is a risk",
            "use the dedicated annotation for the setting (e.g. "
            "nginx.ingress.kubernetes.io/whitelist-source-range) or configure the "
            "controller's ConfigMap",
        )


def _managed_fix(key: str) -> str:
    """The argument that sets the managed annotation ``key``."""
    if key.startswith(f"{_NGINX}auth-") or key == f"{_TRAEFIK}router.middlewares":
        return "authentication at the edge is set by edge_auth=; drop the annotation"
    if key.startswith("cert-manager.io/"):
        return "choose the issuer with tls=IngressTls.cert_manager('letsencrypt-prod', kind=...)"
    if key in (f"{_NGINX}proxy-read-timeout", f"{_NGINX}proxy-send-timeout"):
        return "pass stream_timeout='2h' instead"
    if key == f"{_NGINX}proxy-body-size":
        return "pass max_request_body='64m' instead"
    if key.startswith(_TRAEFIK):
        return "the entrypoint and TLS follow tls=; pass tls=None for plain HTTP (entrypoint web)"
    return "drop it: MCP streams need buffering off, which the construct always sets"


def _refuse_other_controllers_class(
    guard: _Guard, controller: IngressController, class_name: str
) -> None:
    """Refuse the other known controller's class: the annotations would be for the wrong one."""
    for other in (IngressController.NGINX, IngressController.TRAEFIK):
        if other is not controller and class_name == other.default_class_name:
            raise guard.fail(
                "ingress_class_name",
                class_name,
                f"is {other.name.lower()}'s class, but the annotations (stream timeouts, "
                f"entrypoints) are written for controller={controller}; {other.name.lower()} "
                "would ignore them",
                f"pass controller=IngressController.{other.name} (its default class is "
                f"{class_name!r}), or the class of your {controller.name.lower()} controller",
            )
