"""Edge authentication a Gateway API implementation attaches to a route from outside.

Envoy Gateway's ``SecurityPolicy`` and Istio's ``AuthorizationPolicy`` (``CUSTOM`` ext_authz
provider): policies you apply, which the route only references. Such a policy fails open:
until it exists (or after it is deleted) the Gateway serves Station without authentication,
and the library cannot check that it exists; so each is accepted only with
``policy_applied_first=True``. A Traefik Middleware (an ``ExtensionRef`` filter) fails closed
and needs no such promise.

Public import path: ``station_constructs.auth`` (or ``station_constructs``).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar

from ._edge_auth import EdgeAuth
from ._errors import _Guard
from ._validate import boolean, dns_subdomain

__all__ = ["EnvoySecurityPolicy", "IstioAuthorizationPolicy"]


@dataclass(frozen=True)
class _AttachedPolicy(EdgeAuth):
    """A policy of the Gateway API implementation, applied by you, named by the route."""

    policy_kind: ClassVar[str] = ""
    implementation: ClassVar[str] = ""
    name: str
    _: KW_ONLY
    policy_applied_first: bool = False

    def __post_init__(self) -> None:
        where = type(self).__name__
        guard = _Guard(where)
        dns_subdomain(guard, "name", self.name)
        applied = boolean(guard, "policy_applied_first", self.policy_applied_first)
        if not applied:
            kind = self.policy_kind
            raise guard.fail(
                "policy_applied_first",
                self.policy_applied_first,
                f"a {kind} attaches to the route from outside and fails open: until it "
                "exists (or after it is deleted) the Gateway serves Station without "
                "authentication, and the library cannot check that it exists",
                f"apply {kind} '{self.name}' before the route and pass "
                f"{where}({self.name!r}, policy_applied_first=True); or use a filter that "
                "fails closed (TraefikMiddleware on Traefik), or route only the agent MCP "
                "and let Station authenticate it (cloudship_oauth)",
            )

    def describe(self, namespace: str) -> str:
        """``<kind> <namespace>/<name> (yours to apply, first)``."""
        return f"{self.policy_kind} {namespace}/{self.name} (yours to apply, first)"

    def ingress_annotations(self, guard: _Guard, field: str, namespace: str) -> dict[str, str]:
        """Refused: an Ingress controller would not apply the policy."""
        raise guard.fail(
            field,
            self,
            "is a Gateway API policy; an Ingress controller would not apply it",
            "use NginxAuthUrl/NginxBasicAuth (ingress-nginx) or TraefikMiddleware (Traefik), "
            "or route with StationGatewayRoute",
        )

    def route_filters(
        self, guard: _Guard, field: str, implementation: str, namespace: str
    ) -> list[dict[str, Any]]:
        """None: the policy attaches from outside; refused on another implementation."""
        if implementation == self.implementation:
            return []
        expected = _POLICIES.get(implementation)
        if expected is None:
            raise guard.fail(
                field,
                f"{self.policy_kind}/{self.name}",
                f"the library knows no way {implementation.lower()} attaches authentication "
                "to an HTTPRoute (Envoy Gateway: SecurityPolicy; Istio: AuthorizationPolicy; "
                "Traefik: an ExtensionRef to a Middleware)",
                "authenticate in front of the Gateway and pass allow_unauthenticated_exposure="
                "True, or route only the agent MCP and let Station authenticate it "
                "(cloudship_oauth)",
            )
        raise guard.fail(
            field,
            self,
            f"{implementation.lower()} attaches authentication to a route with a "
            f"{expected.policy_kind}",
            f"pass {expected.__name__}({self.name!r}, policy_applied_first=True)",
        )

    def apply_first(self, namespace: str) -> str | None:
        """The policy, in ``namespace``: the route is open until it exists."""
        return (
            f"# first, your {self.policy_kind} {self.name!r} in namespace {namespace}: the "
            "route is open until it exists"
        )


@dataclass(frozen=True)
class EnvoySecurityPolicy(_AttachedPolicy):
    """An Envoy Gateway ``SecurityPolicy`` you apply, targeting the route (Envoy Gateway only).

    ``extAuth`` to oauth2-proxy, ``oidc`` or ``basicAuth``, with ``targetRefs`` naming the
    HTTPRoute.

    Args:
        name: The policy's name, in the Station's namespace.
        policy_applied_first: You confirm that the policy is applied before the route (and
            removed after it): while it is missing the route serves Station without
            authentication. Required ``True``.

    """

    policy_kind: ClassVar[str] = "SecurityPolicy"
    implementation: ClassVar[str] = "ENVOY_GATEWAY"


@dataclass(frozen=True)
class IstioAuthorizationPolicy(_AttachedPolicy):
    """An Istio ``AuthorizationPolicy`` you apply (``action: CUSTOM``, an ext_authz provider).

    It works on the Gateway's proxy: Istio's ``targetRefs`` name the Gateway, not the route,
    so the policy lives in the Gateway's namespace.

    Args:
        name: The policy's name, in the Gateway's namespace.
        policy_applied_first: You confirm that the policy is applied before the route (and
            removed after it): while it is missing the route serves Station without
            authentication. Required ``True``.

    """

    policy_kind: ClassVar[str] = "AuthorizationPolicy"
    implementation: ClassVar[str] = "ISTIO"
    in_gateway_namespace: ClassVar[bool] = True


_POLICIES: dict[str, type[_AttachedPolicy]] = {
    "ENVOY_GATEWAY": EnvoySecurityPolicy,
    "ISTIO": IstioAuthorizationPolicy,
}
