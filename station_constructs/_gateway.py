"""StationGateway: a Gateway (``gateway.networking.k8s.io/v1``) for Station.

One listener, and optionally a plain-HTTP listener redirecting to HTTPS.

Public import path: ``station_constructs.gateway`` (or ``station_constructs``).
"""

from __future__ import annotations

from collections.abc import Mapping

from ._app_registry import (
    check_same_app,
    check_scope,
    check_secret_unread,
    init_construct,
    use_secret_as,
)
from ._emit.objects import emit_object
from ._errors import _Guard
from ._k8s import ApiObject, Construct, claim_object, guard_for
from ._labels import object_labels
from ._read_only import ReadOnlyConstruct
from ._render import gateway as render
from ._routing import IngressTls, host_name
from ._settings.gateway import GatewayImplementation, GatewayRef
from ._settings.gateway import gateway_class_name as resolve_class_name
from ._tls import tls_secret_name
from ._validate import boolean, dns_label, dns_subdomain, labels_map, one_of, port
from ._verify.app import register
from .station import StationDeployment

__all__ = ["StationGateway"]


class StationGateway(ReadOnlyConstruct):
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
        init_construct(self, scope, id)
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
        self.gateway_class_name: str = resolve_class_name(guard, implementation, gateway_class_name)
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
        self._check_redirect(guard)
        self._claim(guard)
        self.gateway: ApiObject = emit_object(self, "Resource", self._render())
        """The Gateway, the construct's primary child ``Resource`` (escape hatch:
        ``ApiObject.of(station_gateway)``)."""
        self.redirect_route: ApiObject | None = (
            emit_object(self, "redirect", self._render_redirect()) if self.redirect_http else None
        )
        """The HTTPRoute redirecting HTTP to HTTPS (``None`` without ``redirect_http``)."""
        register(self)
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

    def _check_redirect(self, guard: _Guard) -> None:
        tls = self.tls
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

    def _claim(self, guard: _Guard) -> None:
        tls = self.tls
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

    def _render(self) -> dict[str, object]:
        tls = self.tls
        annotations = {}
        if tls is not None and tls.issuer is not None and self.tls_secret_name is not None:
            annotations[f"cert-manager.io/{tls.issuer_kind.value}"] = tls.issuer
        listener = render.GatewayListener(
            name=self.listener_name,
            port=self.port,
            hostname=self.hostname,
            tls_secret_name=self.tls_secret_name,
            route_namespace_labels=self.route_namespace_labels,
        )
        return render.gateway(
            name=self.name,
            namespace=self.namespace,
            labels=self._labels("gateway"),
            annotations=annotations,
            class_name=self.gateway_class_name,
            listener=listener,
            redirect_http=self.redirect_http,
        )

    def _render_redirect(self) -> dict[str, object]:
        return render.redirect_route(
            name=f"{self.name}-http-redirect",
            namespace=self.namespace,
            labels=self._labels("gateway-redirect"),
            gateway_name=self.name,
            hostname=self.hostname,
            https_port=self.port,
        )

    def _labels(self, component: str) -> dict[str, str]:
        if self.station is not None:
            return self.station.labels(component)
        return object_labels(self.name, component)


def _tls_secret(
    guard: _Guard, tls: IngressTls | None, name: str, station: StationDeployment | None
) -> str | None:
    keys = station.secret_name if station is not None else None
    return tls_secret_name(guard, tls, owner="gateway", owner_name=name, keys_secret=keys)


def _port(guard: _Guard, field: str, value: int | None, default: int) -> int:
    return default if value is None else port(guard, field, value)
