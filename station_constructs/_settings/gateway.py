"""A Gateway's settings: who serves it and the Gateway a route attaches to.

And the defaults that follow from the implementation: class name, data plane namespace,
stream timeouts.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from .._errors import _Guard
from .._validate import dns_subdomain, duration_seconds, go_duration
from .station import ClusterProfile

__all__ = [
    "GatewayImplementation",
    "GatewayRef",
    "default_data_plane",
    "gateway_class_name",
    "stream_timeout",
]

_ENVOY_GATEWAY_NAMESPACE = "envoy-gateway-system"
_K3S_TRAEFIK_NAMESPACE = "kube-system"
# The longest duration a Gateway API Duration (GEP-2257) can write in hours: 5 digits.
_MAX_TIMEOUT_SECONDS = 99999 * 3600


class GatewayImplementation(enum.Enum):
    """The Gateway API implementation serving the Gateway; it decides defaults.

    The value is the GatewayClass name the implementation's own quick-start installs.
    """

    ENVOY_GATEWAY = "eg"
    """Envoy Gateway: class ``eg``; proxies run in ``envoy-gateway-system`` (the default
    deployment mode); route timeouts supported (Envoy's default, 15 s, would cut streams)."""
    ISTIO = "istio"
    """Istio: class ``istio``; the proxy Deployment runs in the Gateway's own namespace;
    route timeouts supported."""
    TRAEFIK = "traefik"
    """Traefik (k3s's bundled proxy with its Gateway provider enabled): class ``traefik``;
    its pods run where Traefik is installed (``kube-system`` on k3s). Stream timeouts are
    entrypoint settings, as for its Ingress (see :class:`StationIngress`)."""
    CILIUM = "cilium"
    """Cilium: class ``cilium``; the proxy is the per-node Envoy, whose traffic carries
    Cilium's reserved ``ingress`` identity rather than a namespace (see
    :class:`StationGatewayRoute`'s ``admit_data_plane``); route timeouts supported."""
    OTHER = "other"
    """Any other implementation: pass the class name and the data plane's namespace."""

    @property
    def default_class_name(self) -> str | None:
        """The GatewayClass its quick-start installs (``None`` for ``OTHER``)."""
        return None if self is GatewayImplementation.OTHER else self.value

    @property
    def supports_route_timeouts(self) -> bool:
        """Whether its conformance report lists ``HTTPRouteRequestTimeout``."""
        return self in (
            GatewayImplementation.ENVOY_GATEWAY,
            GatewayImplementation.ISTIO,
            GatewayImplementation.CILIUM,
        )


@dataclass(frozen=True)
class GatewayRef:
    """An existing Gateway to attach routes to (``parentRefs`` of the HTTPRoute).

    Args:
        name: Name of the Gateway. Required.
        namespace: Its namespace. Default: the Station's. A Gateway in another namespace
            must allow routes from the Station's (its listener's ``allowedRoutes``).
        section_name: The listener to attach to (e.g. ``https``). Default: every listener
            whose hostname matches.
        port: Attach to the listeners on this port only. Extended support
            (``HTTPRouteParentRefPort``): of the conformance reports only Cilium lists it;
            prefer ``section_name``.
        implementation: Who serves it; decides the data plane's namespace and the stream
            timeouts. Default ``GatewayImplementation.OTHER``.

    """

    name: str
    namespace: str | None = None
    section_name: str | None = None
    port: int | None = None
    implementation: GatewayImplementation = GatewayImplementation.OTHER


def gateway_class_name(
    guard: _Guard, implementation: GatewayImplementation, given: str | None
) -> str:
    """``spec.gatewayClassName``: ``given``, else the implementation's usual class."""
    if given is not None and not (isinstance(given, str) and given):
        raise guard.fail(
            "gateway_class_name",
            given,
            "must be a non-empty GatewayClass name",
            "pass e.g. gateway_class_name='eg', or leave it out",
        )
    name = given or implementation.default_class_name
    if name is None:
        raise guard.fail(
            "gateway_class_name",
            given,
            "is required with GatewayImplementation.OTHER (there is no usual class to assume)",
            "pass the GatewayClass name, e.g. gateway_class_name='nginx'",
        )
    return dns_subdomain(guard, "gateway_class_name", name)


def default_data_plane(
    implementation: GatewayImplementation, parent_namespace: str | None, profile: ClusterProfile
) -> str | None:
    """Where the implementation's proxy pods run, when known (``None`` otherwise)."""
    if implementation is GatewayImplementation.ENVOY_GATEWAY:
        return _ENVOY_GATEWAY_NAMESPACE
    if implementation is GatewayImplementation.ISTIO:
        return parent_namespace
    if implementation is GatewayImplementation.TRAEFIK and profile is ClusterProfile.K3S:
        return _K3S_TRAEFIK_NAMESPACE
    return None


def stream_timeout(
    guard: _Guard, value: str | int | None, implementation: GatewayImplementation
) -> str | None:
    """An HTTPRoute rule's ``timeouts`` (``None``: not rendered)."""
    if value is None:
        return "0s" if implementation.supports_route_timeouts else None
    seconds = duration_seconds(guard, "stream_timeout", value)
    if seconds > _MAX_TIMEOUT_SECONDS:
        raise guard.fail(
            "stream_timeout",
            value,
            "is longer than a Gateway API duration can write (99999h)",
            "pass '0s' to disable the timeout, or a shorter duration",
        )
    if seconds and seconds < 1:
        raise guard.fail(
            "stream_timeout",
            value,
            "would cut every MCP stream within a second",
            "pass '0s' (no timeout) or at least a few minutes, e.g. '1h'",
        )
    return "0s" if seconds == 0 else go_duration(math.ceil(seconds))
