"""What the Station pod's NetworkPolicy admits: the options, and the checks of its rules.

Plain values and checks (no cdk8s): ``station_constructs.network`` decides what to admit
with them and ``station_constructs._render.network`` writes the rules.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from .._errors import _Guard
from .._validate import boolean, dns_label, port, sequence
from ..access import never_exposed
from .station import AIProvider, StationPort

__all__ = [
    "EgressRules",
    "NetworkPolicyOptions",
    "PolicyStation",
    "check_options",
    "check_outside_host",
    "configured_destinations",
    "checked_cidr",
    "cidr_list",
    "egress_settings",
    "ingress_namespaces",
    "namespace_list",
    "policy_ports",
    "refuse_exposed_mcp",
]

_NATS_PORT = 4222


class PolicyStation(Protocol):
    """What a Station's NetworkPolicy reads of its Station (a StationDeployment has it all)."""

    _guard: _Guard
    name: str
    namespace: str
    served_ports: tuple[StationPort, ...]
    external_ports: tuple[StationPort, ...]
    selector_labels: dict[str, str]
    settings: dict[str, str]
    provider: AIProvider

    def port(self, which: StationPort) -> int:
        """The port number of ``which``."""

    def labels(self, component: str) -> dict[str, str]:
        """Metadata labels for an object of the Station playing ``component``."""


@dataclass(frozen=True)
class EgressRules:
    """Restrict where the Station pod may connect to (otherwise egress is open).

    Station calls its AI providers' HTTPS APIs, MCP servers started by Station download
    packages (npx/uvx) and call their own services, Litestream (if attached, it shares the
    pod) writes to its S3 endpoint and the OTLP exporter to its collector. What the app itself
    configures is added for you: an IP address on its port, an in-cluster Service name
    (``svc.ns...``) as its namespace, and cluster DNS (kube-system, 53) when one is a host
    name. A host outside the cluster cannot be named by a NetworkPolicy: list its network in
    ``cidrs`` (with its port in ``ports``); with no ``cidrs`` at all, or ports that exclude it,
    the construct that configures it is refused. Everything else (the AI provider's API, MCP
    servers' downloads) must be listed, or it stops working.

    Args:
        cidrs: Destination networks, e.g. an egress proxy's or NAT gateway's range. Any port
            unless ``ports`` is set.
        namespaces: Destination namespaces (every pod in them), e.g. an in-cluster proxy,
            OTLP collector or S3 server.
        ports: Restrict the ``cidrs`` and ``namespaces`` destinations to these TCP ports
            (e.g. ``[443]``). Default: any port.
        allow_dns: Admit DNS (UDP and TCP 53) to any destination. Default ``True``; without
            it no host name resolves.

    """

    cidrs: Sequence[str] = ()
    namespaces: Sequence[str] = ()
    ports: Sequence[int] = ()
    allow_dns: bool = True


@dataclass(frozen=True)
class NetworkPolicyOptions:
    """What the Station pod's NetworkPolicy admits.

    ``StationDeployment(network_policy=None)`` renders no policy at all (opt-out).

    Args:
        same_namespace_ports: Ports pods in the Station's namespace may reach. Default
            (``None``): every port Station serves (API if enabled, management MCP, agent
            MCP); ``()`` admits no same-namespace client.
        ingress_namespaces: Namespaces of ingress controllers (or other in-cluster clients)
            that may reach ``ingress_ports``, e.g. ``["ingress-nginx"]``, or ``["kube-system"]``
            for k3s's Traefik. Matched by the ``kubernetes.io/metadata.name`` label every
            namespace carries. Default none.
        ingress_ports: What ``ingress_namespaces`` may reach. Default: the API (if enabled)
            and the agent MCP. The management MCP (no authentication) is refused.
        egress: :class:`EgressRules` to restrict outgoing connections. Default ``None``:
            egress is not restricted.
        name: Name of the NetworkPolicy. Default: the Station's name.

    """

    same_namespace_ports: Sequence[StationPort] | None = None
    ingress_namespaces: Sequence[str] = ()
    ingress_ports: Sequence[StationPort] | None = None
    egress: EgressRules | None = None
    name: str | None = None


def check_options(guard: _Guard, options: object) -> None:
    """Refuse options that are not :class:`NetworkPolicyOptions`."""
    if not isinstance(options, NetworkPolicyOptions):
        raise guard.fail(
            "network_policy",
            type(options).__name__,
            "must be NetworkPolicyOptions(...) or None",
            "pass network_policy=NetworkPolicyOptions(...), or None to render no policy",
        )


def refuse_exposed_mcp(guard: _Guard, external_ports: Collection[StationPort]) -> None:
    """The policy never admits 8586 from outside: an external Service for it would time out."""
    exposed_mcp = StationPort.MCP in external_ports
    if exposed_mcp:
        raise guard.fail(
            "external_ports",
            StationPort.MCP,
            "the NetworkPolicy never admits the management MCP (no authentication) from "
            "outside the namespace, so the external Service's port for it would time out",
            "drop StationPort.MCP from external_ports, or pass network_policy=None and "
            "protect 8586 yourself",
        )


def namespace_list(guard: _Guard, namespaces: Sequence[str]) -> list[str]:
    """The namespaces of ``allow_from_namespaces``, checked."""
    if isinstance(namespaces, str) or not namespaces:
        raise guard.fail(
            "network_policy.namespaces",
            namespaces,
            "must be a non-empty list of namespaces",
            "pass e.g. ['monitoring']",
        )
    return [
        dns_label(guard, "network_policy.namespaces[]", n)
        for n in sequence(guard, "network_policy.namespaces", namespaces, example="['monitoring']")
    ]


def cidr_list(guard: _Guard, cidrs: Sequence[str]) -> list[str]:
    """The networks of ``allow_from_cidrs``, checked."""
    if isinstance(cidrs, str) or not cidrs:
        raise guard.fail(
            "network_policy.cidrs",
            cidrs,
            "must be a non-empty list of CIDRs",
            "pass e.g. ['10.0.0.0/8']",
        )
    return [
        checked_cidr(guard, "network_policy.cidrs[]", c)
        for c in sequence(guard, "network_policy.cidrs", cidrs, example="['10.0.0.0/8']")
    ]


def ingress_namespaces(guard: _Guard, options: NetworkPolicyOptions) -> list[str]:
    """``options.ingress_namespaces``, checked."""
    if isinstance(options.ingress_namespaces, str):
        raise guard.fail(
            "network_policy.ingress_namespaces",
            options.ingress_namespaces,
            "must be a list of namespaces, not one string",
            f"pass ingress_namespaces=[{options.ingress_namespaces!r}]",
        )
    return [
        dns_label(guard, "network_policy.ingress_namespaces[]", ns)
        for ns in sequence(
            guard,
            "network_policy.ingress_namespaces",
            options.ingress_namespaces,
            example="['ingress-nginx']",
        )
    ]


def policy_ports(  # noqa: PLR0913 - the port, where it comes from, and the Station's ports
    guard: _Guard,
    field: str,
    ports: Sequence[StationPort | int],
    *,
    outside: bool,
    namespace: str,
    served: Collection[StationPort],
    port_of: Callable[[StationPort], int],
) -> list[int]:
    """The port numbers of ``ports``, in order, once each; ``outside``: from other namespaces.

    Ports the who-can-call-what table marks "never expose" (the management MCP, NATS) are
    refused from outside ``namespace``.
    """
    if isinstance(ports, str | int | StationPort) or not ports:
        raise guard.fail(
            field, ports, "must be a non-empty list of ports", "pass e.g. [StationPort.API]"
        )
    ports = sequence(guard, field, ports, example="[StationPort.API]")
    numbers: list[int] = []
    by_number = {port_of(p): p for p in StationPort}
    for item in ports:
        if isinstance(item, StationPort):
            if item not in served:
                raise guard.fail(
                    field,
                    item,
                    "is not served: the API listens only with enable_api=True",
                    "enable the API or drop StationPort.API",
                )
            number = port_of(item)
        else:
            number = port(guard, f"{field}[]", item)
        which = by_number.get(number)
        # The ports the who-can-call-what table marks "never expose" (access.py).
        key = "nats" if number == _NATS_PORT else (None if which is None else which.value)
        if outside and key in never_exposed():
            what = (
                f"the management MCP ({number})"
                if which is StationPort.MCP
                else f"Station's embedded NATS ({number})"
            )
            raise guard.fail(
                field,
                item,
                f"{what} has no authentication and is never admitted from outside the "
                f"namespace '{namespace}'",
                "admit only StationPort.API and StationPort.AGENT_MCP from other namespaces "
                "and networks; run the management client in the Station's namespace",
            )
        if number not in numbers:
            numbers.append(number)
    return numbers


def egress_settings(
    guard: _Guard, egress: EgressRules, provider: str
) -> tuple[list[str], list[str], list[int], bool]:
    """``egress`` checked: its networks, namespaces, ports and whether DNS is admitted."""
    if not isinstance(egress, EgressRules):
        raise guard.fail(
            "network_policy.egress",
            type(egress).__name__,
            "must be EgressRules(...) or None",
            "pass egress=EgressRules(cidrs=[...]) or leave egress open with None",
        )
    for field, value in (("cidrs", egress.cidrs), ("namespaces", egress.namespaces)):
        if isinstance(value, str):
            raise guard.fail(
                f"network_policy.egress.{field}",
                value,
                "must be a list, not one string",
                f"pass [{value!r}]",
            )
    cidrs = [
        checked_cidr(guard, "network_policy.egress.cidrs[]", c)
        for c in sequence(
            guard, "network_policy.egress.cidrs", egress.cidrs, example="['10.0.0.0/8']"
        )
    ]
    namespaces = [
        dns_label(guard, "network_policy.egress.namespaces[]", n)
        for n in sequence(
            guard, "network_policy.egress.namespaces", egress.namespaces, example="['proxy']"
        )
    ]
    if not cidrs and not namespaces:
        raise guard.fail(
            "network_policy.egress",
            egress,
            "admits no destination: Station could not reach its AI provider "
            f"({provider}) and would fail every agent run",
            "list the provider's (or your egress proxy's) CIDRs in cidrs or the proxy's "
            "namespace in namespaces, or pass egress=None to leave egress open",
        )
    ports = [
        port(guard, "network_policy.egress.ports[]", p)
        for p in sequence(guard, "network_policy.egress.ports", egress.ports, example="[443]")
    ]
    allow_dns = boolean(guard, "network_policy.egress.allow_dns", egress.allow_dns)
    return cidrs, namespaces, ports, allow_dns


# Where Station connects when CloudShip features are on (the defaults of Station's
# config.Load, v0.23.0 and v0.25.0: docs/station-facts.md, "Releases").
_CLOUDSHIP_LIGHTHOUSE = "https://lighthouse.cloudshipai.com:443"
_CLOUDSHIP_API = "https://api.cloudshipai.com"
_CLOUDSHIP_TELEMETRY = "https://telemetry.cloudshipai.com"
_CLOUDSHIP_INTROSPECT = "https://app.cloudshipai.com/oauth/introspect/"
# Telemetry on also turns on Station's usage analytics (PostHog) [internal/telemetry/
# posthog.go, NewTelemetryService(cfg.TelemetryEnabled) in cmd/main/main.go].
_POSTHOG = "https://us.i.posthog.com"


def configured_destinations(settings: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every URL the rendered settings make Station call, with the argument that set it."""
    found = [
        (settings[key], field)
        for key, field in (
            ("STN_AI_BASE_URL", "ai_base_url"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "otlp_endpoint"),
        )
        if key in settings
    ]
    if settings.get("STN_TELEMETRY_ENABLED") == "true":
        found.append(
            (
                _POSTHOG,
                "otlp_endpoint" if "STN_TELEMETRY_ENDPOINT" in settings else "cloudship_telemetry",
            )
        )
    if settings.get("STN_CLOUDSHIP_ENABLED") == "true":
        found += [(_CLOUDSHIP_LIGHTHOUSE, "cloudship"), (_CLOUDSHIP_API, "cloudship")]
        to_cloudship = "STN_TELEMETRY_ENDPOINT" not in settings
        if settings.get("STN_TELEMETRY_ENABLED") == "true" and to_cloudship:
            found.append((_CLOUDSHIP_TELEMETRY, "cloudship_telemetry"))
    if "STN_BUNDLE_ID" in settings:
        found.append((_CLOUDSHIP_API, "bundle_id"))
    if settings.get("STN_CLOUDSHIP_OAUTH_ENABLED") == "true":
        url = settings.get("STN_CLOUDSHIP_OAUTH_INTROSPECT_URL", _CLOUDSHIP_INTROSPECT)
        found.append((url, "cloudship_oauth.introspect_url"))
    return found


def check_outside_host(  # noqa: PLR0913 - the URL, its host and port, and the egress rules
    guard: _Guard,
    field: str,
    url: object,
    host: str,
    number: int,
    *,
    cidrs: Sequence[str],
    ports: Sequence[int],
) -> None:
    """Refuse a host outside the cluster that the egress rules certainly do not admit."""
    if not cidrs:
        raise guard.fail(
            field,
            url,
            f"{host} is outside the cluster, and the NetworkPolicy's egress admits no "
            "network (only namespaces); a NetworkPolicy cannot name hosts, so every "
            "connection there would time out",
            f"add {host}'s address range (or your egress proxy's) to "
            "EgressRules(cidrs=[...]), or pass egress=None to leave egress open",
        )
    allowed = ports
    if allowed and number not in allowed:
        raise guard.fail(
            field,
            url,
            f"connects to port {number}, which the NetworkPolicy's egress does not admit "
            f"(EgressRules ports {sorted(allowed)})",
            f"add {number} to EgressRules(ports=[...]), or pass egress=None",
        )


def checked_cidr(guard: _Guard, field: str, value: object) -> str:
    """A CIDR in canonical form (``10.0.0.0/8``, ``2001:db8::/32``)."""
    try:
        network = ipaddress.ip_network(value if isinstance(value, str) else "", strict=False)
    except ValueError:
        network = None
    if network is None or not isinstance(value, str) or "/" not in value:
        raise guard.fail(
            field,
            value,
            "must be a CIDR such as '10.0.0.0/8' or '2001:db8::/32'",
            "write the network with its prefix length",
        )
    if str(network) != value:
        raise guard.fail(
            field,
            value,
            f"is not a network address (host bits set, or not in canonical form: {network})",
            f"write '{network}'",
        )
    return value
