"""Authentication at the edge: one frozen value per provider, and what each contributes.

Each provider is its own class with only its own fields, checked when it is built:
:class:`NginxAuthUrl`, :class:`NginxBasicAuth`, :class:`TraefikMiddleware` here, the
Gateway API policies in ``_edge_policies.py``. They share the base
:class:`EdgeAuth`, which the constructs accept (``edge_auth=``) and ask what the provider
contributes: an Ingress's annotations, an HTTPRoute's rule filters, the line that names it in
who-can-call-what, whether it reads the ``Authorization`` header, and what must be applied
before the route. What depends on the construct (its controller, its implementation, its
namespace) is checked there, with the construct's guard.

Public import path: ``station_constructs.auth`` (or ``station_constructs``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar, NoReturn

from ._errors import _Guard
from ._render.gateway import middleware_filter
from ._validate import dns_label, dns_subdomain, free_text, http_url, sequence

__all__ = [
    "EdgeAuth",
    "NginxAuthUrl",
    "NginxBasicAuth",
    "TraefikMiddleware",
]

_NGINX = "nginx.ingress.kubernetes.io/"
_TRAEFIK = "traefik.ingress.kubernetes.io/"
_AUTH_URL_EXAMPLE = "http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth"
_SIGNIN_EXAMPLE = "https://$host/oauth2/start?rd=$escaped_request_uri"
_MIGRATION = "see 'Migrating from 0.1' in CHANGELOG.md and docs/upgrades.md"


class EdgeAuth:
    """Authentication in front of Station, at the ingress controller or the Gateway.

    The base of the edge-authentication providers; build one of them and pass it as
    ``edge_auth=`` to :class:`~station_constructs.StationIngress` or
    :class:`~station_constructs.StationGatewayRoute`:

    * ingress-nginx: :class:`NginxAuthUrl` (external auth, e.g. oauth2-proxy) or
      :class:`NginxBasicAuth` (an htpasswd Secret);
    * Traefik (Ingress or Gateway API): :class:`TraefikMiddleware`;
    * Gateway API policies you apply: :class:`EnvoySecurityPolicy` (Envoy Gateway),
      :class:`IstioAuthorizationPolicy` (Istio).

    Every route of the construct is then protected; the Station's NetworkPolicy keeps other
    pods and networks from going around the edge. ``EdgeAuth(...)`` itself and its 0.1
    factories (``EdgeAuth.nginx_auth_url(...)``...) are refused with the class to use.
    """

    #: The ``IngressController`` member whose annotations it writes (``None``: no Ingress).
    ingress_controller: ClassVar[str | None] = None
    #: Whether it reads the request's ``Authorization`` header (Station's tokens use it too).
    reads_authorization: ClassVar[bool] = False
    #: Whether it lives in the Gateway's namespace rather than the route's (Istio's policy).
    in_gateway_namespace: ClassVar[bool] = False

    def __new__(cls, *args: object, **kwargs: object) -> Any:  # noqa: D102 - see class
        if cls is EdgeAuth:
            _refuse_former("EdgeAuth", (args, kwargs), _ANY_PROVIDER)
        return super().__new__(cls)

    def describe(self, namespace: str) -> str:
        """One line naming what authenticates at the edge (``namespace``: the route's)."""
        raise NotImplementedError

    def ingress_annotations(self, guard: _Guard, field: str, namespace: str) -> dict[str, str]:
        """The Ingress annotations applying it; refused if no Ingress controller applies it."""
        raise guard.fail(
            field,
            self,
            "is not something an Ingress controller applies",
            _INGRESS_PROVIDERS,
        )

    def route_filters(
        self, guard: _Guard, field: str, implementation: str, namespace: str
    ) -> list[dict[str, Any]]:
        """The HTTPRoute rule filters applying it on ``implementation`` (a member name)."""
        raise guard.fail(
            field,
            self,
            f"is not something a {implementation.lower()} Gateway applies to an HTTPRoute",
            "use EnvoySecurityPolicy(...) for Envoy Gateway, IstioAuthorizationPolicy(...) for "
            "Istio, TraefikMiddleware(...) for Traefik",
        )

    def apply_first(self, namespace: str) -> str | None:
        """What must exist before the route is applied (``None``: nothing)."""
        return None

    # ------------------------------------------------------------------ 0.1 factories
    @classmethod
    def nginx_auth_url(cls, *args: object, **kwargs: object) -> NoReturn:
        """Refused: write ``NginxAuthUrl(auth_url, signin_url=..., response_headers=...)``."""
        _refuse_former("EdgeAuth.nginx_auth_url", (args, kwargs), "NginxAuthUrl(auth_url, ...)")

    @classmethod
    def nginx_basic_auth(cls, *args: object, **kwargs: object) -> NoReturn:
        """Refused: write ``NginxBasicAuth(secret_name, realm=...)``."""
        _refuse_former(
            "EdgeAuth.nginx_basic_auth", (args, kwargs), "NginxBasicAuth(secret_name, ...)"
        )

    @classmethod
    def traefik_middleware(cls, *args: object, **kwargs: object) -> NoReturn:
        """Refused: write ``TraefikMiddleware(name, namespace=...)``."""
        _refuse_former(
            "EdgeAuth.traefik_middleware", (args, kwargs), "TraefikMiddleware(name, ...)"
        )

    @classmethod
    def gateway_policy(cls, *args: object, **kwargs: object) -> NoReturn:
        """Refused: write ``EnvoySecurityPolicy(name, ...)`` or ``IstioAuthorizationPolicy``."""
        kind = args[0] if args else kwargs.get("kind")
        now = {
            "SecurityPolicy": "EnvoySecurityPolicy(name, policy_applied_first=True)",
            "AuthorizationPolicy": "IstioAuthorizationPolicy(name, policy_applied_first=True)",
        }.get(str(kind), "EnvoySecurityPolicy(name, ...) or IstioAuthorizationPolicy(name, ...)")
        _refuse_former("EdgeAuth.gateway_policy", (args, kwargs), now)


_INGRESS_PROVIDERS = (
    "use NginxAuthUrl/NginxBasicAuth (ingress-nginx) or TraefikMiddleware (Traefik), "
    "or route with StationGatewayRoute"
)
_ANY_PROVIDER = (
    "NginxAuthUrl(...), NginxBasicAuth(...), TraefikMiddleware(...), "
    "EnvoySecurityPolicy(...) or IstioAuthorizationPolicy(...)"
)


def _refuse_former(former: str, given: object, now: str) -> NoReturn:
    raise _Guard(former).fail(
        former, given, "was replaced in station-constructs 0.2.0", f"write {now} ({_MIGRATION})"
    )


@dataclass(frozen=True)
class NginxAuthUrl(EdgeAuth):
    """ingress-nginx external authentication (``auth-url``), e.g. oauth2-proxy.

    Args:
        auth_url: The URL nginx asks before each request (2xx lets it through), e.g.
            ``http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth``.
        signin_url: ``auth-signin``: where browsers are sent on 401, e.g.
            ``https://$host/oauth2/start?rd=$escaped_request_uri``. Default none (401 only).
        response_headers: ``auth-response-headers`` copied from the auth response to the
            request, e.g. ``["X-Auth-Request-Email"]``. Default none.

    """

    ingress_controller: ClassVar[str | None] = "NGINX"
    auth_url: str
    _: KW_ONLY
    signin_url: str | None = None
    response_headers: Sequence[str] = ()

    def __post_init__(self) -> None:
        guard = _Guard("NginxAuthUrl")
        http_url(guard, "auth_url", self.auth_url, example=_AUTH_URL_EXAMPLE)
        if self.signin_url is not None:
            # nginx variables ($host, $escaped_request_uri) are allowed: check the URL with
            # them replaced by a plain host/path.
            probe = (
                self.signin_url.replace("$host", "example.com").replace("$escaped_request_uri", "x")
                if isinstance(self.signin_url, str)
                else self.signin_url
            )
            http_url(guard, "signin_url", probe, example=_SIGNIN_EXAMPLE)
        headers = sequence(
            guard, "response_headers", self.response_headers, example="['X-Auth-Request-Email']"
        )
        for header in headers:
            if not isinstance(header, str) or not header or not _header_name(header):
                raise guard.fail(
                    "response_headers[]",
                    header,
                    "must be an HTTP header name (letters, digits, '-')",
                    "pass e.g. 'X-Auth-Request-Email'",
                )
        object.__setattr__(self, "response_headers", tuple(headers))

    def describe(self, namespace: str) -> str:
        """``ingress-nginx external auth (<auth_url>)``."""
        return f"ingress-nginx external auth ({self.auth_url})"

    def ingress_annotations(self, guard: _Guard, field: str, namespace: str) -> dict[str, str]:
        """``auth-url``, and ``auth-signin`` / ``auth-response-headers`` when given."""
        annotations = {f"{_NGINX}auth-url": self.auth_url}
        if self.signin_url is not None:
            annotations[f"{_NGINX}auth-signin"] = self.signin_url
        if self.response_headers:
            annotations[f"{_NGINX}auth-response-headers"] = ",".join(self.response_headers)
        return annotations


def _header_name(header: str) -> bool:
    return all(c.isalnum() or c == "-" for c in header)


@dataclass(frozen=True)
class NginxBasicAuth(EdgeAuth):
    """ingress-nginx basic authentication from an htpasswd Secret (``auth-type: basic``).

    Args:
        secret_name: The Secret in the Station's namespace holding an htpasswd file under
            the key ``auth``.
        realm: The basic-auth realm. Default ``Station``.

    """

    ingress_controller: ClassVar[str | None] = "NGINX"
    reads_authorization: ClassVar[bool] = True
    secret_name: str
    _: KW_ONLY
    realm: str = "Station"

    def __post_init__(self) -> None:
        guard = _Guard("NginxBasicAuth")
        dns_subdomain(guard, "secret_name", self.secret_name)
        realm = free_text(guard, "realm", self.realm, fix="pass e.g. 'Station'")
        if '"' in realm:
            raise guard.fail("realm", realm, "must not contain '\"'", "drop it")

    def describe(self, namespace: str) -> str:
        """``ingress-nginx basic auth (htpasswd Secret <namespace>/<secret_name>)``."""
        return f"ingress-nginx basic auth (htpasswd Secret {namespace}/{self.secret_name})"

    def ingress_annotations(self, guard: _Guard, field: str, namespace: str) -> dict[str, str]:
        """``auth-type: basic`` with the Secret (an htpasswd file) and the realm."""
        return {
            f"{_NGINX}auth-type": "basic",
            f"{_NGINX}auth-secret": self.secret_name,
            f"{_NGINX}auth-secret-type": "auth-file",
            f"{_NGINX}auth-realm": self.realm,
        }


@dataclass(frozen=True)
class TraefikMiddleware(EdgeAuth):
    """A Traefik ``Middleware`` (ForwardAuth to oauth2-proxy/Authelia, or BasicAuth).

    On an Ingress, the ``router.middlewares`` annotation; on a Gateway API HTTPRoute (Traefik
    or ``OTHER``), an ``ExtensionRef`` filter on every rule.

    Args:
        name: The Middleware's name.
        namespace: Its namespace. Default: the Station's (an HTTPRoute's ``ExtensionRef`` can
            only name one in the route's own namespace).

    """

    ingress_controller: ClassVar[str | None] = "TRAEFIK"
    name: str
    _: KW_ONLY
    namespace: str | None = None

    def __post_init__(self) -> None:
        guard = _Guard("TraefikMiddleware")
        dns_label(guard, "name", self.name)
        if self.namespace is not None:
            dns_label(guard, "namespace", self.namespace)

    def describe(self, namespace: str) -> str:
        """``Traefik middleware <namespace>/<name>``."""
        return f"Traefik middleware {self.namespace or namespace}/{self.name}"

    def ingress_annotations(self, guard: _Guard, field: str, namespace: str) -> dict[str, str]:
        """``router.middlewares: <namespace>-<name>@kubernetescrd``."""
        ns = self.namespace or namespace
        return {f"{_TRAEFIK}router.middlewares": f"{ns}-{self.name}@kubernetescrd"}

    def route_filters(
        self, guard: _Guard, field: str, implementation: str, namespace: str
    ) -> list[dict[str, Any]]:
        """An ``ExtensionRef`` filter to the Middleware (Traefik's Gateway provider)."""
        if implementation not in ("TRAEFIK", "OTHER"):
            return super().route_filters(guard, field, implementation, namespace)
        if self.namespace not in (None, namespace):
            raise guard.fail(
                f"{field}.namespace",
                self.namespace,
                "an HTTPRoute's ExtensionRef names a Middleware in the route's own namespace",
                f"create the Middleware in '{namespace}' and leave namespace out",
            )
        return [middleware_filter(self.name)]
