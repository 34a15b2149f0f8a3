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

import enum
import math
import re
from collections.abc import Mapping, Sequence

from ._app_registry import check_scope, check_secret_unread, reserve, use_secret_as
from ._attach import require_station
from ._errors import _Guard
from ._k8s import Construct, claim_object, guard_for, k8s
from ._read_only import ReadOnlyAttributes
from ._routing import (
    IngressRoute,
    IngressTls,
    PathType,
    TlsIssuerKind,
    admit_namespace,
    check_exposure,
    covers,
    endpoint_path,
    host_name,
    resolve_routes,
)
from ._tls import tls_secret_name
from ._validate import (
    annotations_map,
    boolean,
    dns_label,
    dns_subdomain,
    duration_seconds,
    one_of,
    qualified_name,
)
from .access import Access, Exposure
from .auth import EdgeAuth, EdgeAuthKind
from .settings.labels import refuse_secret_values as _refuse_secret_values
from .station import ClusterProfile, StationDeployment, StationPort

__all__ = [
    "IngressController",
    "IngressRoute",
    "IngressTls",
    "PathType",
    "StationIngress",
    "TlsIssuerKind",
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


class StationIngress(ReadOnlyAttributes, Construct):
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
            :meth:`EdgeAuth.nginx_auth_url` (e.g. oauth2-proxy) or
            :meth:`EdgeAuth.nginx_basic_auth` with ``IngressController.NGINX``,
            :meth:`EdgeAuth.traefik_middleware` with ``TRAEFIK``. With it, paths Station
            serves to anyone (local mode) may be routed; it needs the Station's NetworkPolicy,
            which then admits only the controller from outside the namespace. Default none.
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
        super().__init__(scope, id)
        guard = guard_for("StationIngress", self)
        self._guard = guard
        require_station(self, guard, station, 'to route to')
        self.station: StationDeployment = station
        """The Station behind the Ingress."""
        self.namespace: str = station.namespace
        """Namespace of the Ingress (the Station's: a backend must be in the same one)."""
        self.name: str = dns_subdomain(guard, "name", station.name if name is None else name)
        """Name of the Ingress."""
        self.host: str = host_name(guard, "host", host)
        """The main public host name."""

        # ---- controller and class -------------------------------------------------------
        if controller is None:
            k3s = station.profile is ClusterProfile.K3S
            controller = IngressController.TRAEFIK if k3s else IngressController.NGINX
        one_of(guard, "controller", controller, IngressController)
        self.controller: IngressController = controller
        """The controller the annotations are written for."""
        if ingress_class_name is not None and not (
            isinstance(ingress_class_name, str) and ingress_class_name
        ):
            raise guard.fail(
                "ingress_class_name",
                ingress_class_name,
                "must be a non-empty IngressClass name (an empty one would silently pick the "
                "cluster's default class)",
                "pass e.g. ingress_class_name='nginx', or leave it out",
            )
        class_name = ingress_class_name or controller.default_class_name
        if class_name is None:
            raise guard.fail(
                "ingress_class_name",
                ingress_class_name,
                "is required with IngressController.OTHER (there is no usual class to assume)",
                "pass the IngressClass name, e.g. ingress_class_name='haproxy'",
            )
        self.ingress_class_name: str = dns_subdomain(guard, "ingress_class_name", class_name)
        """``spec.ingressClassName``."""
        _refuse_other_controllers_class(guard, controller, self.ingress_class_name)

        # ---- exposure guard -------------------------------------------------------------
        allow_given = boolean(
            guard,
            "allow_unauthenticated_exposure",
            allow_unauthenticated_exposure,
            allow_none=True,
        )
        allow = station.allow_unauthenticated_exposure if allow_given is None else allow_given
        self.allow_unauthenticated_exposure: bool = allow
        """Whether unauthenticated endpoints may be routed."""
        self.edge_auth: EdgeAuth | None = edge_auth
        """Authentication at the controller in front of every route (``None``: none)."""
        edge_annotations = self._edge_annotations(guard, edge_auth)
        # ---- routes ---------------------------------------------------------------------
        self.routes: tuple[IngressRoute, ...] = resolve_routes(
            guard, station, routes, self.host, kind="Ingress", path_check=self._nginx_path
        )
        """Every route, with its host filled in, in output order."""
        hosts = [self.host]
        for route in self.routes:
            if route.host is not None and route.host not in hosts:
                hosts.append(route.host)
        self.hosts: tuple[str, ...] = tuple(hosts)
        """Every host of the Ingress (the main host first); all are on the certificate."""

        # ---- TLS ------------------------------------------------------------------------
        self.tls: IngressTls | None = tls
        """The TLS settings (``None``: plain HTTP)."""
        self.tls_secret_name: str | None = self._tls_secret(guard, tls)
        """The Secret holding the certificate (``None`` without TLS)."""
        self.exposures: tuple[Exposure, ...] = self._check_exposures(guard, routes is not None)
        """Each route as an exposure, checked against who can call what."""

        # ---- annotations ----------------------------------------------------------------
        self.stream_timeout_seconds: int | None = None
        """nginx's proxy read/send timeout in seconds (``None`` for other controllers)."""
        managed = self._managed_annotations(guard, stream_timeout, max_request_body)
        managed.update(edge_annotations)
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
                raise guard.fail(
                    f"annotations[{key!r}]", value, "must be a string", "quote the value"
                )
            _refuse_contradicting_annotation(guard, key, value, self.ingress_class_name)
        _refuse_secret_values(guard, "annotations", extra)
        self.annotations: dict[str, str] = dict(sorted({**managed, **extra}.items()))
        """Every annotation of the Ingress."""

        # ---- one owner per object, app-wide ---------------------------------------------
        self._claim("Ingress", self.name, "give each StationIngress its own name=")
        self._reserve_routes(guard)
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

        self.controller_namespace: str | None = self._admit_controller(guard, controller_namespace)
        """The controller's namespace admitted by the Station's NetworkPolicy (``None``
        when the Station renders no NetworkPolicy)."""

        self.ingress: k8s.KubeIngress = self._render()
        """The Ingress (escape hatch: ``ApiObject.of(ingress.ingress)``)."""
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
    def _edge_annotations(self, guard: _Guard, edge: EdgeAuth | None) -> dict[str, str]:
        """The controller annotations of ``edge``; it must belong to this controller."""
        if edge is None:
            return {}
        if not isinstance(edge, EdgeAuth):
            raise guard.fail(
                "edge_auth",
                type(edge).__name__,
                "must be an EdgeAuth or None",
                "pass e.g. edge_auth=EdgeAuth.nginx_auth_url('http://oauth2-proxy.oauth2-proxy"
                ".svc.cluster.local/oauth2/auth')",
            )
        annotations = edge.annotations(guard, "edge_auth", self.namespace)
        if self.controller.name != edge.controller_name:
            raise guard.fail(
                "edge_auth",
                edge.kind,
                f"is an {edge.controller_name.lower()} setting, but the Ingress is written for "
                f"{self.controller.name.lower()}, which would ignore its annotations and leave "
                "every route unauthenticated",
                "use EdgeAuth.traefik_middleware(...) with Traefik, EdgeAuth.nginx_auth_url or "
                "nginx_basic_auth with ingress-nginx; for another controller pass its "
                "annotations= and allow_unauthenticated_exposure=True",
            )
        return annotations

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
                self._refuse_two_credentials(guard, endpoint.title, access, exposure)
        return tuple(exposure for exposure, _ in checked)

    def _refuse_two_credentials(
        self, guard: _Guard, title: str, access: Access, exposure: Exposure
    ) -> None:
        """Basic auth at nginx and a Station token cannot share one Authorization header."""
        edge = self.edge_auth
        if edge is None or edge.kind is not EdgeAuthKind.NGINX_BASIC:
            return
        if access is Access.AUTHENTICATED:
            raise guard.fail(
                "edge_auth",
                edge.kind,
                f"basic auth at the edge and Station's own check of {title} (routed by "
                f"{exposure.via}) both need the Authorization header; nginx passes the "
                "'Basic' credentials on and Station answers 401 to every request",
                "protect the route one way: drop edge_auth (Station authenticates it), or "
                "drop cloudship_oauth/webhook_api_key and let the edge authenticate",
            )

    def _nginx_path(self, field: str, path: str) -> None:
        if self.controller is IngressController.NGINX and not _NGINX_PATH.fullmatch(path):
            raise self._guard.fail(
                field,
                path,
                "ingress-nginx (1.8+, strict-validate-path-type) rejects Prefix and Exact "
                "paths with characters other than letters, digits, '/', '-' and '_'",
                "route a parent path instead (e.g. '/' on a host of its own)",
            )

    def _admit_controller(self, guard: _Guard, namespace: str | None) -> str | None:
        """Let the controller's pods through the Station's NetworkPolicy to the routed ports."""
        policy = getattr(self.station, "network_policy", None)
        if policy is None:
            return (
                None if namespace is None else dns_label(guard, "controller_namespace", namespace)
            )
        if namespace is None:
            if self.controller is IngressController.NGINX:
                namespace = "ingress-nginx"
            elif (
                self.controller is IngressController.TRAEFIK
                and self.station.profile is ClusterProfile.K3S
            ):
                namespace = "kube-system"
            else:
                raise guard.fail(
                    "controller_namespace",
                    None,
                    f"the Station's NetworkPolicy admits only named namespaces, and where "
                    f"{self.controller.name.lower()} runs is not known",
                    "pass the namespace of the controller's pods, e.g. "
                    "controller_namespace='traefik'",
                )
        namespace = dns_label(guard, "controller_namespace", namespace)
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

    def _managed_annotations(
        self, guard: _Guard, stream_timeout: str | int | None, max_request_body: str | None
    ) -> dict[str, str]:
        managed: dict[str, str] = {}
        tls = self.tls
        if tls is not None and tls.issuer is not None:
            managed[f"cert-manager.io/{tls.issuer_kind.value}"] = tls.issuer
        if self.controller is not IngressController.NGINX:
            for field, value in (
                ("stream_timeout", stream_timeout),
                ("max_request_body", max_request_body),
            ):
                if value is not None:
                    raise guard.fail(
                        field,
                        value,
                        f"is an ingress-nginx setting; {self.controller.name.lower()} has no "
                        "per-Ingress equivalent (Traefik's timeouts belong to its entrypoints)",
                        "drop it and configure the controller itself (for Traefik on k3s, a "
                        "HelmChartConfig: see docs/k3s.md), or pass annotations= for yours",
                    )
        if self.controller is IngressController.TRAEFIK:
            entrypoint = "web" if tls is None else "websecure"
            managed[f"{_TRAEFIK}router.entrypoints"] = entrypoint
            if tls is not None:
                managed[f"{_TRAEFIK}router.tls"] = "true"
        elif self.controller is IngressController.NGINX:
            timeout = "1h" if stream_timeout is None else stream_timeout
            seconds = math.ceil(duration_seconds(guard, "stream_timeout", timeout, minimum=1))
            self.stream_timeout_seconds = seconds
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
        return managed

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
                f"{self.station.name}.{(route.host or self.host).removeprefix('*.')}'",
            )

    # ------------------------------------------------------------------ rendering
    def _render(self) -> k8s.KubeIngress:
        station = self.station
        by_host: dict[str, list[k8s.HttpIngressPath]] = {}
        for route in self.routes:
            assert route.host is not None  # resolved by resolve_routes
            by_host.setdefault(route.host, []).append(
                k8s.HttpIngressPath(
                    path=route.path,
                    path_type=route.path_type.value,
                    backend=k8s.IngressBackend(
                        service=k8s.IngressServiceBackend(
                            name=station.service_name,
                            port=k8s.ServiceBackendPort(number=station.ports[route.port]),
                        )
                    ),
                )
            )
        tls = (
            None
            if self.tls_secret_name is None
            else [k8s.IngressTls(hosts=list(self.hosts), secret_name=self.tls_secret_name)]
        )
        return k8s.KubeIngress(
            self,
            "ingress",
            metadata=k8s.ObjectMeta(
                name=self.name,
                namespace=self.namespace,
                labels=station.labels("ingress"),
                annotations=self.annotations or None,
            ),
            spec=k8s.IngressSpec(
                ingress_class_name=self.ingress_class_name,
                tls=tls,
                rules=[
                    k8s.IngressRule(host=host, http=k8s.HttpIngressRuleValue(paths=paths))
                    for host, paths in by_host.items()
                ],
            ),
        )


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
