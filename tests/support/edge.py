"""Edge authentication used across the route tests: one place for each constant."""

from __future__ import annotations

from station_constructs import (
    EdgeAuth,
    EnvoySecurityPolicy,
    GatewayImplementation,
    IngressController,
    IstioAuthorizationPolicy,
    NginxAuthUrl,
    TraefikMiddleware,
)

#: oauth2-proxy's auth endpoint, as ingress-nginx calls it.
OAUTH2_PROXY = "http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth"
#: Single sign-on at ingress-nginx (oauth2-proxy) and at Traefik (a ForwardAuth Middleware).
NGINX_SSO = NginxAuthUrl(OAUTH2_PROXY)
TRAEFIK_SSO = TraefikMiddleware("station-forward-auth")
#: What each Ingress controller applies (none is known for OTHER).
INGRESS_SSO: dict[IngressController, EdgeAuth] = {
    IngressController.NGINX: NGINX_SSO,
    IngressController.TRAEFIK: TRAEFIK_SSO,
}
#: What each Gateway API implementation applies (none is known for Cilium and OTHER).
GATEWAY_SSO: dict[GatewayImplementation, EdgeAuth] = {
    GatewayImplementation.ENVOY_GATEWAY: EnvoySecurityPolicy(
        "station-sso", policy_applied_first=True
    ),
    GatewayImplementation.ISTIO: IstioAuthorizationPolicy("station-sso", policy_applied_first=True),
    GatewayImplementation.TRAEFIK: TRAEFIK_SSO,
}
