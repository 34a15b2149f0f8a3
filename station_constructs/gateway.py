"""Gateway API routes for Station: StationGatewayRoute (HTTPRoute) and StationGateway.

``gateway.networking.k8s.io/v1`` (standard channel, the CRDs of Gateway API v1.6.1). The
routes follow exactly the rules of :class:`~station_constructs.StationIngress` (they share
``station_constructs._routing``): ``/`` to the API/UI (8585) only with the API on, ``/mcp``
and the agent paths to the agent MCP (8587), never the management MCP (8586) unless
accepted, a local-mode Station refused unless accepted.

MCP clients hold long-lived streams (SSE / streamable HTTP). An HTTPRoute rule's
``timeouts`` (``request``, ``backendRequest``; extended support, feature
``HTTPRouteRequestTimeout``) bound the whole request, which for a stream is its whole
life; ``"0s"`` disables them. Envoy Gateway's default is 15 s, which cuts every stream, so
implementations known to support the field (Envoy Gateway, Istio, Cilium: the Gateway API
conformance reports) get ``0s`` by default; others get no ``timeouts`` unless asked for.

The Station's NetworkPolicy admits the Gateway's data plane (the proxy pods, not the
controller) on the routed ports only.
"""

from __future__ import annotations

from ._gateway import StationGateway
from ._gateway_route import StationGatewayRoute
from ._settings.gateway import GatewayImplementation, GatewayRef

__all__ = [
    "GatewayImplementation",
    "GatewayRef",
    "StationGateway",
    "StationGatewayRoute",
]
