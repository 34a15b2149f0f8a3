"""Routing rules shared by StationIngress and StationGatewayRoute.

What may be published where, and the one decision of whether an endpoint may be exposed
(:func:`check_exposure`). Ports and paths come from ``docs/station-facts.md``:

* ``/`` to the HTTP API and web UI (8585) only when the API is enabled (``STN_DEV_MODE``);
* ``/mcp`` and the agent paths (``/execute``, ``/runs/``, ``/workflow-runs/``,
  ``/workflow-approvals/``, ``/openapi.yaml``, ``/health``) to
  the agent MCP (8587); with the API disabled, ``/`` goes to 8587;
* never the management MCP (8586, no authentication) unless explicitly accepted, and never
  a path Station serves to anyone in its configuration (everything in local mode, 8587
  ``/mcp`` without CloudShip OAuth, the webhook paths without a key: ``access.ENDPOINTS``)
  unless authentication at the edge protects it or it is explicitly accepted.

Neither an Ingress nor an HTTPRoute built here rewrites paths, so a route to a path a port
does not serve is refused rather than left to answer 404.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ._errors import _Guard
from ._settings.hosts import host_name
from ._validate import boolean, one_of, sequence
from .access import Endpoint, Exposure, expose
from .station import StationDeployment, StationPort

__all__ = [
    "IngressRoute",
    "IngressTls",
    "PathType",
    "TlsIssuerKind",
    "admit_namespace",
    "allowed_exposure",
    "check_exposure",
    "covers",
    "default_routes",
    "endpoint_path",
    "host_name",
    "resolve_routes",
    "sibling_host",
]

# Paths Kubernetes, the Gateway API and every controller accept for Prefix/Exact literally.
_PATH = re.compile(r"^/[A-Za-z0-9._~/-]*$")


# What each MCP listener serves (Go ServeMux patterns; "/runs/", "/workflow-runs/" and
# "/workflow-approvals/" are subtrees [internal/mcp_agents/server.go]); neither an Ingress
# nor an HTTPRoute built here rewrites paths, so a route elsewhere on these ports could only
# answer 404.
_SERVED_PATHS: dict[StationPort, tuple[str, ...]] = {
    StationPort.AGENT_MCP: (
        "/mcp",
        "/execute",
        "/runs",
        "/workflow-runs",
        "/workflow-approvals",
        "/openapi.yaml",
        "/health",
    ),
    StationPort.MCP: ("/mcp",),
}
_SUBTREES: dict[StationPort, tuple[str, ...]] = {
    StationPort.AGENT_MCP: ("/runs", "/workflow-runs", "/workflow-approvals")
}
_SUBDOMAIN = {StationPort.API: "ui", StationPort.MCP: "manage", StationPort.AGENT_MCP: "mcp"}


def subdomain(port: StationPort) -> str:
    """The conventional sub-host for an endpoint on a host of its own (``mcp.<host>``)."""
    return _SUBDOMAIN[port]


def sibling_host(name: str, host: str) -> str:
    """A host beside ``host`` for Station ``name`` (``a.example.com`` -> ``b.example.com``).

    Same parent domain, so the same listener and wildcard certificate cover it.
    """
    labels = host.removeprefix("*.").split(".")
    parent = (
        ".".join(labels[1:]) if len(labels) > 2 and not host.startswith("*.") else ".".join(labels)
    )
    suggestion = f"{name}.{parent}"
    return suggestion if suggestion != host else f"{name}-2.{parent}"


def endpoint_path(port: StationPort) -> str:
    """Where an endpoint is reached: ``/`` for the API/UI, ``/mcp`` for the MCP servers."""
    return "/" if port is StationPort.API else "/mcp"


class TlsIssuerKind(enum.Enum):
    """Which cert-manager issuer kind issues the certificate."""

    CLUSTER_ISSUER = "cluster-issuer"
    """A ``ClusterIssuer`` (cluster-wide, e.g. ``letsencrypt-prod``): the usual choice."""
    ISSUER = "issuer"
    """An ``Issuer`` in the Station's namespace."""


class PathType(enum.Enum):
    """How an Ingress path matches (``ImplementationSpecific`` is deliberately absent)."""

    PREFIX = "Prefix"
    """The path and everything below it, by whole path elements (``/mcp`` matches
    ``/mcp`` and ``/mcp/x``, not ``/mcps``)."""
    EXACT = "Exact"
    """Only this path."""


@dataclass(frozen=True)
class IngressTls:
    """Where the Ingress's TLS certificate comes from.

    Use one of the constructors: :meth:`cert_manager` (cert-manager issues and renews the
    certificate into a Secret named after the Ingress) or :meth:`existing_secret` (a
    ``kubernetes.io/tls`` Secret you manage, e.g. a wildcard certificate).

    Args:
        issuer: Name of the cert-manager issuer. Default none.
        issuer_kind: ``CLUSTER_ISSUER`` (default) or ``ISSUER``.
        secret_name: The TLS Secret. Default with an issuer: ``<ingress name>-tls``
            (unique per Ingress: two Ingresses must not share a cert-manager Secret).
            Required without an issuer.

    """

    issuer: str | None = None
    issuer_kind: TlsIssuerKind = TlsIssuerKind.CLUSTER_ISSUER
    secret_name: str | None = None

    @classmethod
    def cert_manager(
        cls,
        issuer: str,
        *,
        kind: TlsIssuerKind = TlsIssuerKind.CLUSTER_ISSUER,
        secret_name: str | None = None,
    ) -> IngressTls:
        """A certificate issued by cert-manager's ``issuer`` (a ClusterIssuer by default)."""
        return cls(issuer=issuer, issuer_kind=kind, secret_name=secret_name)

    @classmethod
    def existing_secret(cls, secret_name: str) -> IngressTls:
        """A ``kubernetes.io/tls`` Secret that already exists in the Station's namespace."""
        return cls(secret_name=secret_name)


@dataclass(frozen=True)
class IngressRoute:
    """One path of one host, sent to one Station port.

    Args:
        port: The Station endpoint. ``StationPort.MCP`` (the unauthenticated management
            MCP) needs ``allow_unauthenticated_exposure``.
        path: Starts with ``/``. Default ``/``. Paths are not rewritten: Station receives
            the path as requested.
        path_type: Default ``PathType.PREFIX``.
        host: Default: the Ingress's ``host``. Every host is added to the certificate.

    """

    port: StationPort
    path: str = "/"
    path_type: PathType = PathType.PREFIX
    host: str | None = None


def default_routes(station: StationDeployment) -> list[IngressRoute]:
    """``/`` to the API/UI and ``/mcp`` to the agent MCP; ``/`` to the agent MCP without API."""
    if station.api.enabled:
        return [IngressRoute(StationPort.API, "/"), IngressRoute(StationPort.AGENT_MCP, "/mcp")]
    return [IngressRoute(StationPort.AGENT_MCP, "/")]


def resolve_routes(
    guard: _Guard,
    station: StationDeployment,
    routes: Sequence[IngressRoute] | None,
    default_host: str,
    *,
    kind: str,
    path_check: Callable[[str, str], None] | None = None,
) -> tuple[IngressRoute, ...]:
    """Validate ``routes`` (default :func:`default_routes`) and fill in their hosts.

    ``kind`` (``"Ingress"``, ``"HTTPRoute"``) names the object in messages; ``path_check``
    adds a controller's own path rules (``path_check(field, path)`` raises). Whether the
    routes may be exposed at all is :func:`check_exposure`'s decision, not this one's.
    """
    if routes is None:
        routes = default_routes(station)
    if not isinstance(routes, IngressRoute):
        routes = sequence(
            guard, "routes", routes, example="[IngressRoute(StationPort.AGENT_MCP, '/mcp')]"
        )
    if isinstance(routes, IngressRoute) or not routes:
        raise guard.fail(
            "routes",
            routes,
            "must be a non-empty list of IngressRoute",
            "pass e.g. routes=[IngressRoute(StationPort.AGENT_MCP, '/mcp')], or leave it "
            "out for the default routes",
        )
    resolved: list[IngressRoute] = []
    seen: dict[tuple[str, str, PathType], IngressRoute] = {}
    for i, route in enumerate(routes):
        field = f"routes[{i}]"
        if not isinstance(route, IngressRoute):
            raise guard.fail(
                field,
                route,
                "must be an IngressRoute",
                "pass IngressRoute(StationPort.AGENT_MCP, '/mcp')",
            )
        one_of(guard, f"{field}.port", route.port, StationPort)
        one_of(guard, f"{field}.path_type", route.path_type, PathType)
        if route.port not in station.served_ports:
            raise guard.fail(
                f"{field}.port",
                route.port,
                f"the Station does not serve it: port {station.ports[route.port]} (the API "
                "and web UI) listens only with api=ApiListener.on() (STN_DEV_MODE)",
                "serve the API on the StationDeployment (api=ApiListener.on()) or drop the route",
            )
        path = _path(guard, f"{field}.path", route, kind=kind, path_check=path_check)
        host = (
            default_host
            if route.host is None
            else host_name(guard, f"{field}.host", route.host, kind=kind)
        )
        key = (host, path, route.path_type)
        previous = seen.get(key)
        if previous is not None:
            fix = "route each path once"
            if previous.port is not route.port:
                fix = (
                    "give one of them its own host, e.g. IngressRoute(StationPort."
                    f"{route.port.name}, {path!r}, host='{subdomain(route.port)}.{host}')"
                )
            raise guard.fail(
                f"{field}.path",
                path,
                f"is already routed on {host} (to StationPort.{previous.port.name}); "
                f"the controller would refuse the {kind} or pick one of the routes",
                fix,
            )
        resolved_route = replace(route, path=path, host=host)
        seen[key] = resolved_route
        resolved.append(resolved_route)
    return tuple(resolved)


def check_exposure(
    guard: _Guard,
    station: StationDeployment,
    routes: Sequence[IngressRoute],
    *,
    allow: bool,
    kind: str,
    name: str,
    scheme: str,
    edge_auth: str | None = None,
    given: bool = True,
) -> tuple[tuple[Exposure, tuple[Endpoint, ...]], ...]:
    """The one decision whether ``routes`` of ``station`` may be published through ``kind``.

    Each route becomes an :class:`~station_constructs.access.Exposure` (named ``kind 'name'
    (scheme://host/path)``, protected by ``edge_auth`` when something authenticates in front)
    and goes through :func:`station_constructs.access.expose`: refused, unless ``allow``, is
    any route reaching a path Station serves to anyone under its rendered settings with no
    edge authentication, and any route to the management MCP (8586, no authentication in any
    mode); always refused is a route to an API that rejects everyone. Every construct that
    publishes Station outside its namespace (Ingress, HTTPRoute) calls this, and only this.
    ``given`` says whether the routes were passed (the field named is then ``routes[i].path``)
    or are the defaults (``routes``). Returns each exposure with the endpoints it reaches.
    """
    exposures = [
        Exposure(
            via=f"{kind} '{name}' ({scheme}://{route.host}{route.path})",
            port=route.port.value,
            path=route.path,
            exact=route.path_type is PathType.EXACT,
            edge_auth=edge_auth,
            field=f"routes[{i}].path" if given else "routes",
        )
        for i, route in enumerate(routes)
    ]
    return expose(guard, station, exposures, allow=allow)


def allowed_exposure(guard: _Guard, station: StationDeployment, given: object) -> bool:
    """``allow_unauthenticated_exposure`` as given, else the Station's own."""
    allow = boolean(guard, "allow_unauthenticated_exposure", given, allow_none=True)
    return station.allow_unauthenticated_exposure if allow is None else allow


def admit_namespace(
    guard: _Guard, station: StationDeployment, routes: Sequence[IngressRoute], namespace: str
) -> None:
    """Admit ``namespace`` through the Station's NetworkPolicy on the ports ``routes`` use.

    The policy never admits the management MCP from outside the namespace, so a route to it
    is refused here rather than left to time out.
    """
    policy = station.network_policy
    if policy is None:
        return
    ports = list(dict.fromkeys(route.port for route in routes))
    if StationPort.MCP in ports:
        raise guard.fail(
            "routes",
            StationPort.MCP,
            "the Station's NetworkPolicy never admits the management MCP (no "
            "authentication) from outside its namespace, so this route would time out",
            "drop the route, or pass network_policy=None to StationDeployment and protect "
            "8586 yourself",
        )
    policy.allow_from_namespaces([namespace], ports)


def _path(
    guard: _Guard,
    field: str,
    route: IngressRoute,
    *,
    kind: str,
    path_check: Callable[[str, str], None] | None,
) -> str:
    path = route.path
    if not isinstance(path, str) or not path.startswith("/"):
        raise guard.fail(
            field,
            path,
            "must start with '/'",
            f"write it as an absolute path, e.g. '/{path if isinstance(path, str) else ''}'",
        )
    if not _PATH.fullmatch(path) or "//" in path:
        raise guard.fail(
            field,
            path,
            "may contain only letters, digits and '/', '-', '_', '.', '~' (Prefix and Exact "
            "paths are literal: no regular expressions, queries or spaces)",
            "use a plain path such as '/mcp'",
        )
    if any(segment in (".", "..") for segment in path.split("/")):
        raise guard.fail(
            field,
            path,
            "contains a '.' or '..' segment, which proxies normalise away before matching "
            "(the Gateway API's CRD refuses them outright)",
            "write the path without dot segments, e.g. '/mcp'",
        )
    if path_check is not None:
        path_check(field, path)
    if route.port in _SERVED_PATHS and not _reaches(route.port, path):
        served = ", ".join(
            p + "/" if p in _SUBTREES.get(route.port, ()) else p for p in _SERVED_PATHS[route.port]
        )
        raise guard.fail(
            field,
            path,
            f"StationPort.{route.port.name} serves only {served}; the {kind} does not "
            "rewrite paths, so requests there would reach Station unchanged and get 404",
            f"use one of {served}, or '/' on a host of its own",
        )
    return path


def _elements(path: str) -> list[str]:
    return [p for p in path.split("/") if p]


def _reaches(port: StationPort, path: str) -> bool:
    """Whether requests matched by ``path`` can reach something ``port`` serves."""
    want = _elements(path)
    for served in _SERVED_PATHS[port]:
        have = _elements(served)
        if want == have[: len(want)]:  # the route covers a served path
            return True
    return any(want[: len(_elements(s))] == _elements(s) for s in _SUBTREES.get(port, ()))


def covers(route: IngressRoute, path: str) -> bool:
    """Whether ``route`` matches requests for ``path``."""
    if route.path_type is PathType.EXACT:
        return route.path == path
    prefix = _elements(route.path)
    return _elements(path)[: len(prefix)] == prefix
