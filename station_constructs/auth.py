"""Who checks credentials: Station's own authentication settings, and authentication at the edge.

Two ways to make an exposed Station safe (``docs/station-facts.md``, "Who can call what"):

* **Station authenticates** (local mode off):
  ``StationDeployment(auth=StationAuth.cloudship_oauth(...))`` makes the agent MCP
  (8587) and the API (8585) accept CloudShip OAuth bearer tokens, and
  ``StationDeployment(auth=StationAuth.webhook_key())`` makes the webhook paths require
  ``STN_WEBHOOK_API_KEY`` (a value from the Secret, like the provider keys).
* **The edge authenticates**: an :class:`EdgeAuth` provider puts an authentication layer in
  front of a :class:`~station_constructs.StationIngress` or
  :class:`~station_constructs.StationGatewayRoute`: :class:`NginxAuthUrl` (ingress-nginx
  external auth such as oauth2-proxy), :class:`NginxBasicAuth` (an htpasswd Secret),
  :class:`TraefikMiddleware` (e.g. ForwardAuth), :class:`EnvoySecurityPolicy` or
  :class:`IstioAuthorizationPolicy` (policies you apply). Station may then stay in local mode
  behind it; the NetworkPolicy admits only the controller (or the Gateway's proxies) from
  outside the namespace.

Nothing here holds secret material: client ids and URLs are settings, the basic-auth
htpasswd file and the middleware are objects you create.
"""

from __future__ import annotations

from ._cloudship_oauth import CLOUDSHIP_INTROSPECT_URL as CLOUDSHIP_INTROSPECT_URL
from ._edge_auth import EdgeAuth, NginxAuthUrl, NginxBasicAuth, TraefikMiddleware
from ._edge_policies import EnvoySecurityPolicy, IstioAuthorizationPolicy
from ._renamed import Former, former_name

__all__ = [
    "EdgeAuth",
    "EnvoySecurityPolicy",
    "IstioAuthorizationPolicy",
    "NginxAuthUrl",
    "NginxBasicAuth",
    "TraefikMiddleware",
]


#: Former names of this module, refused with what to write now (one release).
_FORMER_NAMES = {
    "EdgeAuthKind": Former(
        problem="was replaced in station-constructs 0.2.0: each kind is a class of its own",
        now="NginxAuthUrl(...), NginxBasicAuth(...), TraefikMiddleware(...), "
        "EnvoySecurityPolicy(...) or IstioAuthorizationPolicy(...)",
    ),
    "CloudShipOAuth": Former(
        now="auth=StationAuth.cloudship_oauth(client_id=..., ...) (the same arguments; "
        "the Station reports them as station.auth.oauth)"
    ),
}


def __getattr__(name: str) -> object:
    """Refuse the 0.1 ``EdgeAuthKind`` and the former ``CloudShipOAuth`` with what replaces them."""
    raise former_name(__name__, name, _FORMER_NAMES)
