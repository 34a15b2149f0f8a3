"""Who checks credentials: Station's own authentication settings, and authentication at the edge.

Two ways to make an exposed Station safe (``docs/station-facts.md``, "Who can call what"):

* **Station authenticates** (local mode off): :class:`CloudShipOAuth` makes the agent MCP
  (8587) and the API (8585) accept CloudShip OAuth bearer tokens, and
  ``StationDeployment(webhook_api_key=True)`` makes the webhook paths require
  ``STN_WEBHOOK_API_KEY`` (a value from the Secret, like the provider keys).
* **The edge authenticates**: :class:`EdgeAuth` puts an authentication layer in front of
  a :class:`~station_constructs.StationIngress` (ingress-nginx external auth such as
  oauth2-proxy, an ingress-nginx basic-auth Secret, or a Traefik middleware such as
  ForwardAuth). Station may then stay in local mode behind it; the NetworkPolicy admits
  only the ingress controller from outside the namespace.

Nothing here holds secret material: client ids and URLs are settings, the basic-auth
htpasswd file and the middleware are objects you create.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from ._cloudship_oauth import CLOUDSHIP_INTROSPECT_URL as CLOUDSHIP_INTROSPECT_URL
from ._cloudship_oauth import CloudShipOAuth
from ._errors import _Guard
from ._validate import dns_label, dns_subdomain, free_text, http_url, sequence

__all__ = ["CloudShipOAuth", "EdgeAuth", "EdgeAuthKind"]

_NGINX = "nginx.ingress.kubernetes.io/"
_TRAEFIK = "traefik.ingress.kubernetes.io/"


class EdgeAuthKind(enum.Enum):
    """How the edge authenticates; each kind belongs to one controller."""

    NGINX_AUTH_URL = "nginx-auth-url"
    """ingress-nginx external authentication (``auth-url``/``auth-signin``), e.g. oauth2-proxy."""
    NGINX_BASIC = "nginx-basic"
    """ingress-nginx basic authentication from an htpasswd Secret (``auth-type: basic``)."""
    TRAEFIK_MIDDLEWARE = "traefik-middleware"
    """A Traefik Middleware (ForwardAuth to oauth2-proxy/Authelia, or BasicAuth): an Ingress
    annotation, or an ``ExtensionRef`` filter on every rule of a Gateway API HTTPRoute."""
    GATEWAY_POLICY = "gateway-policy"
    """A policy of the Gateway API implementation that you apply (Envoy Gateway
    ``SecurityPolicy`` targeting the HTTPRoute, Istio ``AuthorizationPolicy`` with a ``CUSTOM``
    provider on the Gateway's proxy). The library references it and cannot check it exists;
    such a policy attaches from outside, so the route is open until it does (it fails open):
    accepted only with ``policy_applied_first=True``."""


@dataclass(frozen=True)
class EdgeAuth:
    """Authentication in front of Station, at the ingress controller.

    Build it with a constructor: :meth:`nginx_auth_url`, :meth:`nginx_basic_auth` or
    :meth:`traefik_middleware`, and pass it to ``StationIngress(edge_auth=...)``. Every route
    of that Ingress is then protected; the Station's NetworkPolicy keeps other pods and
    networks from going around the edge.

    Gateway API: a standard ``HTTPRoute`` has no authentication filter. Implementations add
    it their own way: Envoy Gateway with a ``SecurityPolicy`` (``extAuth``, ``oidc`` or
    ``basicAuth``) targeting the route, Istio with an ``AuthorizationPolicy`` using a
    ``CUSTOM`` ext_authz provider, Traefik with an ``ExtensionRef`` filter to a
    ``Middleware``. A Gateway route construct can reuse
    :func:`station_constructs.access.expose` with a description of that protection.

    Args:
        kind: What authenticates (see :class:`EdgeAuthKind`).
        auth_url: nginx ``auth-url``: the URL nginx asks before each request (2xx lets it
            through), e.g. ``http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth``.
        signin_url: nginx ``auth-signin``: where browsers are sent on 401, e.g.
            ``https://$host/oauth2/start?rd=$escaped_request_uri``. Default none (401 only).
        response_headers: nginx ``auth-response-headers`` copied from the auth response to
            the request, e.g. ``["X-Auth-Request-Email"]``. Default none.
        secret_name: nginx basic auth: the Secret in the Station's namespace holding an
            htpasswd file under the key ``auth``.
        realm: nginx basic auth realm. Default ``Station``.
        middleware: Traefik: the Middleware's name.
        middleware_namespace: Traefik: the Middleware's namespace. Default: the Station's
            (a Gateway API ``ExtensionRef`` can only name one in the route's namespace).
        policy_kind: Gateway policy: its kind, ``SecurityPolicy`` (Envoy Gateway) or
            ``AuthorizationPolicy`` (Istio).
        policy_name: Gateway policy: its name, in the Station's namespace.
        policy_applied_first: Gateway policy: you confirm that the policy is applied before
            the route (and removed after it). An Envoy Gateway ``SecurityPolicy`` or Istio
            ``AuthorizationPolicy`` attaches from outside the route: while it is missing the
            route serves Station without authentication, unlike an nginx ``auth-url`` or a
            Traefik ``ExtensionRef`` filter, which fail closed. Default ``False``: refused.

    """

    kind: EdgeAuthKind
    auth_url: str | None = None
    signin_url: str | None = None
    response_headers: Sequence[str] = ()
    secret_name: str | None = None
    realm: str | None = None
    middleware: str | None = None
    middleware_namespace: str | None = None
    policy_kind: str | None = None
    policy_name: str | None = None
    policy_applied_first: bool = False

    @classmethod
    def nginx_auth_url(
        cls, auth_url: str, *, signin_url: str | None = None, response_headers: Sequence[str] = ()
    ) -> EdgeAuth:
        """ingress-nginx external auth (``auth-url``), e.g. oauth2-proxy's ``/oauth2/auth``."""
        return cls(
            EdgeAuthKind.NGINX_AUTH_URL,
            auth_url=auth_url,
            signin_url=signin_url,
            response_headers=tuple(response_headers),
        )

    @classmethod
    def nginx_basic_auth(cls, secret_name: str, *, realm: str = "Station") -> EdgeAuth:
        """ingress-nginx basic auth from the htpasswd Secret ``secret_name`` (key ``auth``)."""
        return cls(EdgeAuthKind.NGINX_BASIC, secret_name=secret_name, realm=realm)

    @classmethod
    def traefik_middleware(cls, name: str, *, namespace: str | None = None) -> EdgeAuth:
        """A Traefik ``Middleware`` (ForwardAuth or BasicAuth) applied to every route."""
        return cls(EdgeAuthKind.TRAEFIK_MIDDLEWARE, middleware=name, middleware_namespace=namespace)

    @classmethod
    def gateway_policy(
        cls, kind: str, name: str, *, policy_applied_first: bool = False
    ) -> EdgeAuth:
        """An implementation's auth policy that you apply; only for ``StationGatewayRoute``.

        ``EdgeAuth.gateway_policy("SecurityPolicy", "sso", policy_applied_first=True)`` for
        Envoy Gateway (``extAuth`` to oauth2-proxy, ``oidc`` or ``basicAuth``, with
        ``targetRefs`` naming the HTTPRoute); ``("AuthorizationPolicy", ...)`` for Istio
        (``action: CUSTOM`` with an ext_authz provider, on the Gateway's proxy: Istio's
        ``targetRefs`` name the Gateway, not the route). Such a policy fails open: until it
        exists the route is unauthenticated, so ``policy_applied_first=True`` (you apply it
        before the route) is required; a Traefik middleware (:meth:`traefik_middleware`)
        fails closed and needs no such promise.
        """
        return cls(
            EdgeAuthKind.GATEWAY_POLICY,
            policy_kind=kind,
            policy_name=name,
            policy_applied_first=policy_applied_first,
        )

    @property
    def controller_name(self) -> str:
        """The ``IngressController`` member name this kind belongs to (``NGINX``/``TRAEFIK``)."""
        return "TRAEFIK" if self.kind is EdgeAuthKind.TRAEFIK_MIDDLEWARE else "NGINX"

    def describe(self, namespace: str) -> str:
        """One line naming what authenticates at the edge."""
        if self.kind is EdgeAuthKind.NGINX_AUTH_URL:
            return f"ingress-nginx external auth ({self.auth_url})"
        if self.kind is EdgeAuthKind.NGINX_BASIC:
            return f"ingress-nginx basic auth (htpasswd Secret {namespace}/{self.secret_name})"
        if self.kind is EdgeAuthKind.GATEWAY_POLICY:
            return f"{self.policy_kind} {namespace}/{self.policy_name} (yours to apply, first)"
        ns = self.middleware_namespace or namespace
        return f"Traefik middleware {ns}/{self.middleware}"

    def annotations(self, guard: _Guard, field: str, namespace: str) -> dict[str, str]:
        """The Ingress annotations for this edge auth; raises on bad input."""
        one_of_kind = self.kind if isinstance(self.kind, EdgeAuthKind) else None
        if one_of_kind is None:
            raise guard.fail(
                f"{field}.kind",
                self.kind,
                "must be an EdgeAuthKind",
                "build it with EdgeAuth.nginx_auth_url(...), EdgeAuth.nginx_basic_auth(...) "
                "or EdgeAuth.traefik_middleware(...)",
            )
        if self.kind is EdgeAuthKind.GATEWAY_POLICY:
            raise guard.fail(
                f"{field}.kind",
                self.kind,
                "is a Gateway API policy; an Ingress controller would not apply it",
                "use EdgeAuth.nginx_auth_url/nginx_basic_auth (ingress-nginx) or "
                "traefik_middleware (Traefik), or route with StationGatewayRoute",
            )
        if self.kind is EdgeAuthKind.NGINX_AUTH_URL:
            return self._nginx_auth_url(guard, field)
        if self.kind is EdgeAuthKind.NGINX_BASIC:
            secret = dns_subdomain(guard, f"{field}.secret_name", self.secret_name)
            realm = free_text(
                guard, f"{field}.realm", self.realm or "Station", fix="pass e.g. 'Station'"
            )
            if '"' in realm:
                raise guard.fail(f"{field}.realm", realm, "must not contain '\"'", "drop it")
            return {
                f"{_NGINX}auth-type": "basic",
                f"{_NGINX}auth-secret": secret,
                f"{_NGINX}auth-secret-type": "auth-file",
                f"{_NGINX}auth-realm": realm,
            }
        name = dns_label(guard, f"{field}.middleware", self.middleware)
        ns = dns_label(
            guard, f"{field}.middleware_namespace", self.middleware_namespace or namespace
        )
        return {f"{_TRAEFIK}router.middlewares": f"{ns}-{name}@kubernetescrd"}

    def _nginx_auth_url(self, guard: _Guard, field: str) -> dict[str, str]:
        example = "http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth"
        url = http_url(guard, f"{field}.auth_url", self.auth_url, example=example)
        annotations = {f"{_NGINX}auth-url": url}
        if self.signin_url is not None:
            # nginx variables ($host, $escaped_request_uri) are allowed: check the URL with
            # them replaced by a plain host/path.
            probe = (
                self.signin_url.replace("$host", "example.com").replace("$escaped_request_uri", "x")
                if isinstance(self.signin_url, str)
                else self.signin_url
            )
            http_url(
                guard,
                f"{field}.signin_url",
                probe,
                example="https://$host/oauth2/start?rd=$escaped_request_uri",
            )
            annotations[f"{_NGINX}auth-signin"] = str(self.signin_url)
        headers = sequence(
            guard,
            f"{field}.response_headers",
            self.response_headers,
            example="['X-Auth-Request-Email']",
        )
        for header in headers:
            if (
                not isinstance(header, str)
                or not header
                or not all(c.isalnum() or c == "-" for c in header)
            ):
                raise guard.fail(
                    f"{field}.response_headers[]",
                    header,
                    "must be an HTTP header name (letters, digits, '-')",
                    "pass e.g. 'X-Auth-Request-Email'",
                )
        if headers:
            annotations[f"{_NGINX}auth-response-headers"] = ",".join(headers)
        return annotations


def _require_policy_applied_first(guard: _Guard, field: str, edge: EdgeAuth, kind: str) -> None:
    """Refuse a policy that attaches from outside unless the user applies it first."""
    if edge.policy_applied_first is not True:
        raise guard.fail(
            f"{field}.policy_applied_first",
            edge.policy_applied_first,
            f"a {kind} attaches to the route from outside and fails open: until it exists "
            "(or after it is deleted) the Gateway serves Station without authentication, and "
            "the library cannot check that it exists",
            f"apply {kind} '{edge.policy_name}' before the route and pass "
            f"EdgeAuth.gateway_policy({kind!r}, {edge.policy_name!r}, "
            "policy_applied_first=True); or use a filter that fails closed "
            "(EdgeAuth.traefik_middleware on Traefik), or route only the agent MCP and let "
            "Station authenticate it (auth=StationAuth.cloudship_oauth(...))",
        )


#: The policy kind each Gateway API implementation attaches authentication with.
GATEWAY_POLICY_KINDS = {"ENVOY_GATEWAY": "SecurityPolicy", "ISTIO": "AuthorizationPolicy"}


def gateway_edge_auth(
    guard: _Guard, field: str, edge: EdgeAuth, implementation: str, namespace: str
) -> tuple[str, str | None]:
    """Check ``edge`` for a Gateway API route of ``implementation`` (a member name).

    Returns its description and, for a Traefik middleware, the Middleware name the route's
    rules reference with an ``ExtensionRef`` filter (``None`` otherwise). A standard
    HTTPRoute has no authentication filter: only Traefik's ``ExtensionRef`` to a Middleware
    is rendered; Envoy Gateway's and Istio's policies attach to the route from outside.
    """
    if not isinstance(edge, EdgeAuth) or not isinstance(edge.kind, EdgeAuthKind):
        raise guard.fail(
            field,
            edge,
            "must be EdgeAuth.gateway_policy(...) or EdgeAuth.traefik_middleware(...)",
            "pass e.g. edge_auth=EdgeAuth.gateway_policy('SecurityPolicy', 'sso')",
        )
    if edge.kind is EdgeAuthKind.TRAEFIK_MIDDLEWARE and implementation in ("TRAEFIK", "OTHER"):
        name = dns_label(guard, f"{field}.middleware", edge.middleware)
        if edge.middleware_namespace not in (None, namespace):
            raise guard.fail(
                f"{field}.middleware_namespace",
                edge.middleware_namespace,
                "an HTTPRoute's ExtensionRef names a Middleware in the route's own namespace",
                f"create the Middleware in '{namespace}' and leave middleware_namespace out",
            )
        return edge.describe(namespace), name
    if edge.kind is EdgeAuthKind.GATEWAY_POLICY:
        kind = free_text(
            guard, f"{field}.policy_kind", edge.policy_kind, fix="pass e.g. 'SecurityPolicy'"
        )
        dns_subdomain(guard, f"{field}.policy_name", edge.policy_name)
        expected = GATEWAY_POLICY_KINDS.get(implementation)
        if kind == expected:
            _require_policy_applied_first(guard, field, edge, kind)
            return edge.describe(namespace), None
        if expected is None:
            raise guard.fail(
                field,
                f"{kind}/{edge.policy_name}",
                f"the library knows no way {implementation.lower()} attaches authentication to "
                "an HTTPRoute (Envoy Gateway: SecurityPolicy; Istio: AuthorizationPolicy; "
                "Traefik: an ExtensionRef to a Middleware)",
                "authenticate in front of the Gateway and pass allow_unauthenticated_exposure="
                "True, or route only the agent MCP and let Station authenticate it "
                "(auth=StationAuth.cloudship_oauth(...))",
            )
        raise guard.fail(
            f"{field}.policy_kind",
            kind,
            f"{implementation.lower()} attaches authentication to a route with a {expected}",
            f"pass EdgeAuth.gateway_policy({expected!r}, {edge.policy_name!r}, "
            "policy_applied_first=True)",
        )
    raise guard.fail(
        f"{field}.kind",
        edge.kind,
        f"is not something a {implementation.lower()} Gateway applies to an HTTPRoute",
        "use EdgeAuth.gateway_policy('SecurityPolicy', ...) for Envoy Gateway, "
        "('AuthorizationPolicy', ...) for Istio, EdgeAuth.traefik_middleware(...) for Traefik",
    )
