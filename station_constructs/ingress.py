"""StationIngress: reach a Station from outside the cluster through an Ingress, with TLS.

One ``networking.k8s.io/v1`` Ingress in the Station's namespace, pointing at its ClusterIP
Service. What it routes, and why (ports and paths from ``docs/station-facts.md``):

* ``/`` to the HTTP API and web UI (8585) when the API is enabled (``STN_DEV_MODE``);
* ``/mcp`` to the agent MCP (8587). The agent server also serves ``/execute``, ``/runs/``,
  ``/workflow-runs``, ``/workflow-approvals/`` and ``/openapi.yaml``, but the web UI has
  pages under ``/runs``, so on a shared host only ``/mcp`` goes to 8587. Put the agent MCP on
  a host of its own (``IngressRoute(StationPort.AGENT_MCP, "/", host=...)``) to publish all
  of it. With the API disabled, ``/`` goes to 8587.
* never the management MCP (8586), which has no authentication, unless explicitly asked
  for; it also serves ``/mcp``, so it needs a host of its own.

MCP clients hold long-lived streams (SSE / streamable HTTP): for ingress-nginx the
Ingress carries the timeouts and buffering settings; Traefik's timeouts are entrypoint
settings, not per-Ingress (see :class:`StationIngress` for the k3s HelmChartConfig).

When the Station renders its NetworkPolicy, the Ingress admits the controller's namespace
through it, on the routed ports only (``controller_namespace``).

Every route is checked against who can call what (``station_constructs.access``): a path
Station serves to anyone in its configuration (8587 ``/mcp`` unless CloudShip OAuth is on,
the webhook paths without a key, everything in local mode) is refused unless ``edge_auth``
authenticates in front of it (or ``allow_unauthenticated_exposure``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._app_registry import check_scope, check_secret_unread, init_construct, reserve, use_secret_as
from ._attach import require_station
from ._edge_auth import EdgeAuth
from ._emit.objects import emit_object
from ._errors import _Guard
from ._k8s import ApiObject, Construct, claim_object, guard_for
from ._read_only import ReadOnlyConstruct
from ._render import ingress as render
from ._routing import (
    IngressRoute,
    IngressTls,
    PathType,
    TlsIssuerKind,
    admit_namespace,
    allowed_exposure,
    check_exposure,
    covers,
    endpoint_path,
    host_name,
    resolve_routes,
    sibling_host,
)
from ._settings.ingress import (
    IngressController,
    check_nginx_path,
    controller_namespace,
    default_controller,
    edge_annotations,
    managed_annotations,
    refuse_two_credentials,
    user_annotations,
)
from ._settings.ingress import ingress_class_name as resolve_class_name
from ._tls import tls_secret_name
from ._validate import dns_label, dns_subdomain, one_of
from ._verify.app import note_ingress
from .access import Exposure
from .station import StationDeployment, StationPort

__all__ = [
    "IngressController",
    "IngressRoute",
    "IngressTls",
    "PathType",
    "StationIngress",
    "TlsIssuerKind",
]


class StationIngress(ReadOnlyConstruct):
    """An Ingress with TLS in front of a :class:`~station_constructs.StationDeployment`.

    Every argument is keyword-only. Bad input raises
    :class:`~station_constructs.StationConfigError` here, at construct time.

    Long-lived MCP streams (SSE / streamable HTTP): for ingress-nginx the Ingress sets
    ``proxy-read-timeout`` and ``proxy-send-timeout`` (``stream_timeout``),
    ``proxy-buffering: "off"`` and ``proxy-body-size`` (``max_request_body``). Traefik has
    **no per-Ingress timeouts**: they belong to its entrypoints, configured where Traefik is
    installed; it does not buffer responses and flushes ``text/event-stream`` at once. On
    k3s, raise the ``websecure`` entrypoint's timeouts with this HelmChartConfig (``kubectl
    apply -f``, or save it in ``/var/lib/rancher/k3s/server/manifests/`` on a server)::

        apiVersion: helm.cattle.io/v1
        kind: HelmChartConfig
        metadata:
          name: traefik
          namespace: kube-system
        spec:
          valuesContent: |-
            ports:
              websecure:
                transport:
                  respondingTimeouts:
                    readTimeout: 0
                    writeTimeout: 0
                    idleTimeout: 3600s

    Args:
        scope: The chart (or any construct) to add the Ingress to.
        id: Construct id. Never used in object names.
        station: The Station to route to. Required.
        host: The public host name, e.g. ``station.example.com`` or ``*.example.com``
            (a wildcard certificate from cert-manager needs a DNS-01 solver). Required.
        tls: Required: :meth:`IngressTls.cert_manager` or :meth:`IngressTls.existing_secret`,
            or ``None`` for plain HTTP (only behind something that terminates TLS for you:
            bearer tokens would otherwise cross the network in clear text).
        name: Name of the Ingress. Default: the Station's name (``station``, as in the
            deployment guide). Must be unique in the namespace.
        controller: Default ``IngressController.TRAEFIK`` for a Station with
            ``profile=ClusterProfile.K3S``, otherwise ``IngressController.NGINX``.
        ingress_class_name: ``spec.ingressClassName``. Default: the controller's usual
            class (``nginx``, ``traefik``); required with ``IngressController.OTHER``.
        routes: What goes where. Default: ``/`` to the API/UI (if enabled) and ``/mcp`` to
            the agent MCP; with the API disabled, ``/`` to the agent MCP.
        stream_timeout: How long an idle MCP stream (SSE / streamable HTTP) stays open;
            nginx's proxy read and send timeouts. Default ``1h``. nginx only: Traefik's
            timeouts are entrypoint settings (see above).
        max_request_body: Largest request body nginx accepts (``proxy-body-size``, e.g.
            ``16m``; ``0`` for no limit). Default ``16m`` (nginx's own default is ``1m``).
            nginx only.
        annotations: Further annotations (e.g. ``nginx.ingress.kubernetes.io/whitelist-
            source-range``). Keys the construct sets are refused: use their arguments. So are
            annotations that contradict it: ``kubernetes.io/ingress.class`` (use
            ``ingress_class_name``), a ``backend-protocol`` other than HTTP, ``rewrite-target``
            / ``use-regex`` / ``app-root``, and nginx ``*-snippet`` annotations.
        controller_namespace: Namespace of the controller's pods, admitted on the routed
            ports by the Station's NetworkPolicy (when it renders one). Default
            ``ingress-nginx`` for nginx and ``kube-system`` for Traefik on k3s; required
            otherwise while there is a NetworkPolicy (a wrong guess would time out silently).
            A controller on the host network arrives from node addresses instead: admit
            those with ``station.network_policy.allow_from_cidrs(...)``.
        edge_auth: Authentication at the ingress controller for every route:
            :class:`~station_constructs.NginxAuthUrl` (e.g. oauth2-proxy) or
            :class:`~station_constructs.NginxBasicAuth` with ``IngressController.NGINX``,
            :class:`~station_constructs.TraefikMiddleware` with ``TRAEFIK``. With it, paths
            Station serves to anyone (local mode) may be routed; it needs the Station's
            NetworkPolicy, which then admits only the controller from outside the namespace.
            Default none.
        allow_unauthenticated_exposure: Accept routing paths Station serves to anyone with
            no ``edge_auth`` in front (e.g. a VPN or SSO proxy in front of the controller
            authenticates), and the management MCP. Default: the Station's own
            ``allow_unauthenticated_exposure``.

    """

    def __init__(  # noqa: PLR0913 - keyword-only configuration, each documented above
        self,
        scope: Construct,
        id: str,
        *,
        station: StationDeployment,
        host: str,
        tls: IngressTls | None,
        name: str | None = None,
        controller: IngressController | None = None,
        ingress_class_name: str | None = None,
        routes: Sequence[IngressRoute] | None = None,
        stream_timeout: str | int | None = None,
        max_request_body: str | None = None,
        annotations: Mapping[str, str] | None = None,
        controller_namespace: str | None = None,
        edge_auth: EdgeAuth | None = None,
        allow_unauthenticated_exposure: bool | None = None,
    ) -> None:
        check_scope(scope, id, "StationIngress", self)
        init_construct(self, scope, id)
        guard = guard_for("StationIngress", self)
        self._guard = guard
        require_station(self, guard, station, "to route to")
        self.station: StationDeployment = station
        """The Station behind the Ingress."""
        self.namespace: str = station.namespace
        """Namespace of the Ingress (the Station's: a backend must be in the same one)."""
        self.name: str = dns_subdomain(guard, "name", station.name if name is None else name)
        """Name of the Ingress."""
        self.host: str = host_name(guard, "host", host)
        """The main public host name."""
        # ---- controller and class -------------------------------------------------------
        controller = default_controller(station.profile) if controller is None else controller
        one_of(guard, "controller", controller, IngressController)
        self.controller: IngressController = controller
        """The controller the annotations are written for."""
        self.ingress_class_name: str = resolve_class_name(guard, controller, ingress_class_name)
        """``spec.ingressClassName``."""
        # ---- exposure guard -------------------------------------------------------------
        self.allow_unauthenticated_exposure: bool = allowed_exposure(
            guard, station, allow_unauthenticated_exposure
        )
        """Whether unauthenticated endpoints may be routed."""
        self.edge_auth: EdgeAuth | None = edge_auth
        """Authentication at the controller in front of every route (``None``: none)."""
        edge = edge_annotations(guard, controller, edge_auth, self.namespace)
        # ---- routes ---------------------------------------------------------------------
        self.routes: tuple[IngressRoute, ...] = resolve_routes(
            guard, station, routes, self.host, kind="Ingress", path_check=self._nginx_path
        )
        """Every route, with its host filled in, in output order."""
        routed = (r.host for r in self.routes if r.host is not None)
        self.hosts: tuple[str, ...] = tuple(dict.fromkeys([self.host, *routed]))
        """Every host of the Ingress (the main host first); all are on the certificate."""
        # ---- TLS ------------------------------------------------------------------------
        self.tls: IngressTls | None = tls
        """The TLS settings (``None``: plain HTTP)."""
        self.tls_secret_name: str | None = self._tls_secret(guard, tls)
        """The Secret holding the certificate (``None`` without TLS)."""
        self.exposures: tuple[Exposure, ...] = self._check_exposures(guard, routes is not None)
        """Each route as an exposure, checked against who can call what."""
        # ---- annotations ----------------------------------------------------------------
        managed, seconds = managed_annotations(
            guard, controller, tls, stream_timeout, max_request_body
        )
        self.stream_timeout_seconds: int | None = seconds
        """nginx's proxy read/send timeout in seconds (``None`` for other controllers)."""
        managed.update(edge)
        extra = user_annotations(guard, annotations, managed, self.ingress_class_name)
        self.annotations: dict[str, str] = dict(sorted({**managed, **extra}.items()))
        """Every annotation of the Ingress."""
        # ---- one owner per object, app-wide ---------------------------------------------
        self._claim_objects(guard)
        self.controller_namespace: str | None = self._admit_controller(guard, controller_namespace)
        """The controller's namespace admitted by the Station's NetworkPolicy (``None``
        when the Station renders no NetworkPolicy)."""
        self.ingress: ApiObject = emit_object(self, "Resource", self._render())
        """The Ingress, the primary child ``Resource`` (``ApiObject.of(station_ingress)``)."""
        self._lock_attributes()

    # ------------------------------------------------------------------ public helpers
    @property
    def scheme(self) -> str:
        """``https`` with TLS, else ``http``."""
        return "http" if self.tls is None else "https"

    def url(self, which: StationPort = StationPort.AGENT_MCP) -> str:
        """Public URL of an endpoint, e.g. ``https://station.example.com/mcp``.

        The API/UI's URL ends in ``/``; the MCP servers' in ``/mcp``. Raises
        :class:`~station_constructs.StationConfigError` if ``which`` is not routed there.
        """
        endpoint = endpoint_path(which)
        for route in self.routes:
            if route.port is which and covers(route, endpoint):
                return f"{self.scheme}://{route.host}{endpoint}"
        raise self._guard.fail(
            "which",
            which,
            f"is not routed to {endpoint} by this Ingress",
            "add an IngressRoute for it, or ask for a port the Ingress routes",
        )

    # ------------------------------------------------------------------ resolution
    def _check_exposures(self, guard: _Guard, given: bool) -> tuple[Exposure, ...]:
        """Check every route against who can call what; record them on the Station."""
        station = self.station
        edge = None if self.edge_auth is None else self.edge_auth.describe(self.namespace)
        checked = check_exposure(
            guard,
            station,
            self.routes,
            allow=self.allow_unauthenticated_exposure,
            kind="Ingress",
            name=self.name,
            scheme=self.scheme,
            edge_auth=edge,
            given=given,
        )
        for exposure, endpoints in checked:
            for endpoint in endpoints:
                access = endpoint.decide(station.auth_settings).access
                refuse_two_credentials(guard, self.edge_auth, endpoint.title, access, exposure)
        return tuple(exposure for exposure, _ in checked)

    def _nginx_path(self, field: str, path: str) -> None:
        check_nginx_path(self._guard, self.controller, field, path)

    def _admit_controller(self, guard: _Guard, namespace: str | None) -> str | None:
        """Let the controller's pods through the Station's NetworkPolicy to the routed ports."""
        policy = getattr(self.station, "network_policy", None)
        if policy is None:
            return (
                None if namespace is None else dns_label(guard, "controller_namespace", namespace)
            )
        namespace = controller_namespace(guard, self.controller, self.station.profile, namespace)
        admit_namespace(guard, self.station, self.routes, namespace)
        return namespace

    def _tls_secret(self, guard: _Guard, tls: IngressTls | None) -> str | None:
        secret = tls_secret_name(
            guard,
            tls,
            owner="ingress",
            owner_name=self.name,
            keys_secret=self.station.secret_name,
            unnamed=", so the controller would serve its self-signed default certificate",
        )
        if secret is not None:
            use_secret_as(
                self,
                guard,
                namespace=self.namespace,
                name=secret,
                purpose="a TLS certificate",
                field="tls.secret_name",
                fix="use a Secret of its own, e.g. the default '<ingress name>-tls'",
            )
        return secret

    def _claim_objects(self, guard: _Guard) -> None:
        self._claim("Ingress", self.name, "give each StationIngress its own name=")
        self._reserve_routes(guard)
        note_ingress(self)  # what the final verification holds the rendered Ingress to
        tls = self.tls
        if tls is not None and tls.issuer is not None and self.tls_secret_name is not None:
            check_secret_unread(
                self,
                guard,
                namespace=self.namespace,
                name=self.tls_secret_name,
                field="tls.secret_name",
            )
            # cert-manager owns this Secret; two Certificates writing it would fight.
            self._claim(
                "Secret",
                self.tls_secret_name,
                "give each Ingress its own tls secret_name (the default, <name>-tls, is)",
            )

    def _claim(self, kind: str, name: str, fix: str) -> None:
        claim_object(
            self,
            self._guard,
            kind=kind,
            namespace=self.namespace,
            name=name,
            field="name" if kind == "Ingress" else "tls.secret_name",
            fix=fix,
        )

    def _reserve_routes(self, guard: _Guard) -> None:
        """One Ingress per class, host and path in the App (controllers pick one, or refuse)."""
        for route in self.routes:
            reserve(
                self,
                guard,
                topic="ingress-route",
                key=(self.ingress_class_name, route.host, route.path, route.path_type),
                field="host",
                value=f"{route.host}{route.path}",
                problem=f"{route.path_type.value} path {route.path} on {route.host} (class "
                f"{self.ingress_class_name}) is already routed by '{{previous}}'; the "
                "controller would refuse one Ingress or send the requests to either Station",
                fix="give each Station its own host, e.g. host='"
                f"{sibling_host(self.station.name, route.host or self.host)}'",
            )

    # ------------------------------------------------------------------ rendering
    def _render(self) -> dict[str, Any]:
        station = self.station
        paths: list[render.IngressPath] = []
        for route in self.routes:
            assert route.host is not None  # resolved by resolve_routes
            paths.append((route.host, route.path, route.path_type.value, station.ports[route.port]))
        return render.ingress(
            name=self.name,
            namespace=self.namespace,
            labels=station.labels("ingress"),
            annotations=self.annotations,
            class_name=self.ingress_class_name,
            hosts=self.hosts,
            tls_secret_name=self.tls_secret_name,
            service_name=station.service_name,
            paths=paths,
        )
