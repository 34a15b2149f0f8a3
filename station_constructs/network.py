"""The NetworkPolicy that isolates a Station pod (rendered by StationDeployment by default).

Station listens on more than it should expose: the management MCP (8586) and the embedded
NATS server (4222, bound on all interfaces) have **no authentication**, and in local mode
nothing is authenticated at all. Without a NetworkPolicy every pod in the cluster reaches
all of them. The policy this module renders admits, on the Station pod:

* pods of the Station's own namespace, on Station's served ports (``same_namespace_ports``,
  default all of API 8585, management MCP 8586 and agent MCP 8587);
* pods of the ingress controllers' namespaces (``ingress_namespaces``), on the API and the
  agent MCP only;
* when ``external_access`` renders a LoadBalancer/NodePort Service, any source on exactly
  the ports that Service exposes: after kube-proxy's SNAT the pod may see a node address
  rather than the client, so an ``ipBlock`` of the client ranges would silently drop
  traffic; the LoadBalancer's ``loadBalancerSourceRanges`` is where clients are filtered;
* whatever attached constructs add with :meth:`StationNetworkPolicy.allow_from_namespaces`
  and friends (e.g. Prometheus scraping Litestream's 9090 from a monitoring namespace).

Nothing is ever admitted to 4222 or 8586 from outside the namespace. Egress stays open (Station
calls its AI providers, MCP servers fetch packages) unless :class:`EgressRules` restrict it.

Rules are explicit peer + port pairs; a rule without ports (which would admit every port,
NATS included) is never rendered. Kubelet probes and ``kubectl port-forward`` are not
affected by NetworkPolicies on the usual CNIs (Calico, Cilium, k3s's kube-router...). A
NetworkPolicy only has an effect when the cluster's network plugin enforces it (k3s does by
default; flannel alone does not).
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._errors import _Guard
from ._k8s import (
    ApiObject,
    Construct,
    JsonPatch,
    claim_object,
    guard_for,
)
from ._read_only import ReadOnlyAttributes
from ._validate import boolean, dns_label, dns_subdomain, http_url, labels_map, port, sequence
from .access import never_exposed
from .emit.objects import emit_object
from .render import network as render
from .settings.station import StationPort

if TYPE_CHECKING:
    from .station import StationDeployment

__all__ = ["EgressRules", "NetworkPolicyOptions", "StationNetworkPolicy"]

_NATS_PORT = 4222
_EVERYWHERE = ("0.0.0.0/0", "::/0")
_SHOW_URL = object()
# With one of these in the Station's env, outside hosts are reached through the proxy.
_PROXY_VARIABLES = frozenset({"HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"})


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


Rule = dict[str, Any]


class StationNetworkPolicy(ReadOnlyAttributes, Construct):
    """The ``networking.k8s.io/v1`` NetworkPolicy selecting one Station's pod.

    Rendered by :class:`~station_constructs.StationDeployment` (``station.network_policy``)
    from its ``network_policy`` options; constructs added later extend it with the
    ``allow_from_*`` methods, which validate at once and land in the output whenever they
    are called before synthesis.

    Args:
        scope: The StationDeployment (the policy is part of it).
        id: Construct id.
        station: The Station whose pod the policy selects.
        options: What to admit.

    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        station: StationDeployment,
        options: NetworkPolicyOptions,
    ) -> None:
        super().__init__(scope, id)
        guard = guard_for("StationDeployment", scope)
        self._guard = guard
        self._rendered = False
        self.station: StationDeployment = station
        """The Station whose pod the policy selects."""
        if not isinstance(options, NetworkPolicyOptions):
            raise guard.fail(
                "network_policy",
                type(options).__name__,
                "must be NetworkPolicyOptions(...) or None",
                "pass network_policy=NetworkPolicyOptions(...), or None to render no policy",
            )
        self.namespace: str = station.namespace
        """Namespace of the policy (the Station's)."""
        self.name: str = dns_subdomain(
            guard, "network_policy.name", options.name if options.name else station.name
        )
        """Name of the NetworkPolicy."""
        claim_object(
            self,
            guard,
            kind="NetworkPolicy",
            namespace=self.namespace,
            name=self.name,
            field="network_policy.name",
            owner=scope,
            fix="give each Station its own name=, or pass NetworkPolicyOptions(name=...)",
        )

        exposed_mcp = StationPort.MCP in station.external_ports
        if exposed_mcp:
            raise guard.fail(
                "external_ports",
                StationPort.MCP,
                "the NetworkPolicy never admits the management MCP (no authentication) from "
                "outside the namespace, so the external Service's port for it would time out",
                "drop StationPort.MCP from external_ports, or pass network_policy=None and "
                "protect 8586 yourself",
            )

        self._ingress: list[Rule] = []
        self._egress: list[Rule] | None = None
        self._egress_cidrs: list[str] = []
        self._egress_ports: list[int] = []

        same_ports = (
            station.served_ports
            if options.same_namespace_ports is None
            else options.same_namespace_ports
        )
        self._initial_same_namespace(same_ports)
        if isinstance(options.ingress_namespaces, str):
            raise guard.fail(
                "network_policy.ingress_namespaces",
                options.ingress_namespaces,
                "must be a list of namespaces, not one string",
                f"pass ingress_namespaces=[{options.ingress_namespaces!r}]",
            )
        ingress_namespaces = [
            dns_label(guard, "network_policy.ingress_namespaces[]", ns)
            for ns in sequence(
                guard,
                "network_policy.ingress_namespaces",
                options.ingress_namespaces,
                example="['ingress-nginx']",
            )
        ]
        given_ingress_ports = (
            None
            if options.ingress_ports is None
            else sequence(
                guard,
                "network_policy.ingress_ports",
                options.ingress_ports,
                example="[StationPort.AGENT_MCP]",
            )
        )
        if given_ingress_ports is not None and not ingress_namespaces:
            raise guard.fail(
                "network_policy.ingress_ports",
                given_ingress_ports,
                "has no effect without ingress_namespaces",
                "name the ingress controller's namespace in ingress_namespaces",
            )
        if ingress_namespaces:
            ingress_ports = (
                tuple(
                    p for p in (StationPort.API, StationPort.AGENT_MCP) if p in station.served_ports
                )
                if given_ingress_ports is None
                else tuple(given_ingress_ports)
            )
            self._add(
                "network_policy.ingress_ports",
                [render.namespace_peer(ns) for ns in ingress_namespaces],
                self._ports("network_policy.ingress_ports", ingress_ports, outside=True),
            )
        if station.external_ports:
            self._add(
                "external_ports",
                [{"ipBlock": {"cidr": cidr}} for cidr in _EVERYWHERE],
                self._ports("external_ports", station.external_ports, outside=True),
            )
        if options.egress is not None:
            self._egress = self._egress_rules(options.egress)
            # What the Station itself is configured to call must stay reachable.
            for setting, field in (
                ("STN_AI_BASE_URL", "ai_base_url"),
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "otlp_endpoint"),
            ):
                if setting in station.settings:
                    self._allow_egress_to(
                        station.settings[setting],
                        station._guard,
                        field,
                        proxied=any(k.upper() in _PROXY_VARIABLES for k in station.settings),
                    )

        spec = render.policy_spec(self._ingress, self._egress, station.selector_labels)
        manifest = render.network_policy(
            self.name, self.namespace, station.labels("network-policy"), spec
        )
        # A plain ApiObject (emit_object), not the typed k8s.KubeNetworkPolicy: the typed class
        # drops plain port numbers after patches, so a rule added later would admit every port.
        self.api_object: ApiObject = emit_object(self, "Resource", manifest)
        """The NetworkPolicy (escape hatch: ``add_json_patch``)."""
        self._rendered = True
        self._lock_attributes()

    # ------------------------------------------------------------------ public API
    @property
    def ingress_rules(self) -> list[Rule]:
        """A copy of the ingress rules, in output order."""
        return [dict(rule) for rule in self._ingress]

    @property
    def egress_rules(self) -> list[Rule] | None:
        """A copy of the egress rules, or ``None`` when egress is not restricted."""
        return None if self._egress is None else [dict(rule) for rule in self._egress]

    def allow_from_namespaces(
        self,
        namespaces: Sequence[str],
        ports: Sequence[StationPort | int],
        *,
        pod_labels: Mapping[str, str] | None = None,
    ) -> None:
        """Admit pods of other ``namespaces`` (optionally only those with ``pod_labels``).

        The management MCP and NATS (4222) are refused unless the only namespace is the
        Station's own. For example a StationIngress admits its controller's namespace, and
        Prometheus's namespace may scrape Litestream's metrics port (9090).
        """
        if isinstance(namespaces, str) or not namespaces:
            raise self._guard.fail(
                "network_policy.namespaces",
                namespaces,
                "must be a non-empty list of namespaces",
                "pass e.g. ['monitoring']",
            )
        checked = [
            dns_label(self._guard, "network_policy.namespaces[]", n)
            for n in sequence(
                self._guard, "network_policy.namespaces", namespaces, example="['monitoring']"
            )
        ]
        outside = any(n != self.namespace for n in checked)
        labels = self._pod_labels(pod_labels)
        peers = [render.namespace_peer(n, labels) for n in checked]
        self._add(
            "network_policy.ports",
            peers,
            self._ports("network_policy.ports", ports, outside=outside),
        )

    def allow_from_same_namespace(
        self,
        ports: Sequence[StationPort | int],
        *,
        pod_labels: Mapping[str, str] | None = None,
    ) -> None:
        """Admit pods of the Station's namespace (optionally only those with ``pod_labels``)."""
        labels = self._pod_labels(pod_labels)
        peer: Rule = {"podSelector": {"matchLabels": labels} if labels else {}}
        self._add(
            "network_policy.ports",
            [peer],
            self._ports("network_policy.ports", ports, outside=False),
        )

    def allow_from_cidrs(self, cidrs: Sequence[str], ports: Sequence[StationPort | int]) -> None:
        """Admit sources in ``cidrs`` (e.g. a node network or a VPN range).

        The management MCP and NATS (4222) are refused. Remember that traffic through a
        Service may arrive with a node's address instead of the client's.
        """
        if isinstance(cidrs, str) or not cidrs:
            raise self._guard.fail(
                "network_policy.cidrs",
                cidrs,
                "must be a non-empty list of CIDRs",
                "pass e.g. ['10.0.0.0/8']",
            )
        peers = [
            {"ipBlock": {"cidr": _cidr(self._guard, "network_policy.cidrs[]", c)}}
            for c in sequence(self._guard, "network_policy.cidrs", cidrs, example="['10.0.0.0/8']")
        ]
        self._add(
            "network_policy.ports",
            peers,
            self._ports("network_policy.ports", ports, outside=True),
        )

    def allow_egress_to(self, url: str) -> None:
        """Admit connections to the host of ``url`` when egress is restricted (else nothing).

        An IP address is admitted on the URL's port; an in-cluster Service name
        (``svc``, ``svc.ns``, ``svc.ns.svc.cluster.local``) admits its namespace (on every
        port: a Service's target port is not known here); DNS is admitted for host names.
        A host name outside the cluster cannot be named by a NetworkPolicy: it is refused
        when the egress rules list no network at all, or restrict ports without the URL's.
        LitestreamBackup calls this with its S3 endpoint; the Station with ``ai_base_url``
        and ``otlp_endpoint``.
        """
        url = http_url(self._guard, "url", url, example="http://minio.minio.svc:9000")
        self._allow_egress_to(url, self._guard, "url")

    # ------------------------------------------------------------------ internals
    def _allow_egress_to(
        self,
        url: str,
        guard: _Guard,
        field: str,
        *,
        proxied: bool = False,
        shown: object = _SHOW_URL,
    ) -> None:
        """:meth:`allow_egress_to`; errors name ``field`` (showing ``shown`` if given)."""
        if self._egress is None:
            return
        parts = urllib.parse.urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        number = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is not None:
            prefix = 32 if address.version == 4 else 128
            block = {"ipBlock": {"cidr": f"{address}/{prefix}"}}
            self._add_egress({"ports": [{"port": number, "protocol": "TCP"}], "to": [block]})
            return
        labels = host.split(".")
        if len(labels) <= 2 or labels[2] == "svc":
            namespace = labels[1] if len(labels) > 1 else self.namespace
            self._add_egress({"to": [render.namespace_peer(namespace)]})
        elif not proxied:
            self._check_outside_host(
                url if shown is _SHOW_URL else shown, host, number, guard, field
            )
        self._ensure_dns()

    def _check_outside_host(
        self, url: object, host: str, number: int, guard: _Guard, field: str
    ) -> None:
        """Refuse a host outside the cluster that the egress rules certainly do not admit."""
        if not self._egress_cidrs:
            raise guard.fail(
                field,
                url,
                f"{host} is outside the cluster, and the NetworkPolicy's egress admits no "
                "network (only namespaces); a NetworkPolicy cannot name hosts, so every "
                "connection there would time out",
                f"add {host}'s address range (or your egress proxy's) to "
                "EgressRules(cidrs=[...]), or pass egress=None to leave egress open",
            )
        allowed = self._egress_ports
        if allowed and number not in allowed:
            raise guard.fail(
                field,
                url,
                f"connects to port {number}, which the NetworkPolicy's egress does not admit "
                f"(EgressRules ports {sorted(allowed)})",
                f"add {number} to EgressRules(ports=[...]), or pass egress=None",
            )

    def _ensure_dns(self) -> None:
        """Admit cluster DNS (kube-system, port 53) unless DNS is already admitted."""
        for rule in self._egress or []:
            if render.dns_ports()[0] in rule.get("ports", []):
                return
        kube_system = render.namespace_peer("kube-system")
        self._add_egress({"ports": render.dns_ports(), "to": [kube_system]})

    def _add_egress(self, rule: Rule) -> None:
        assert self._egress is not None
        if rule in self._egress:
            return
        self._egress.append(rule)
        if self._rendered:
            self.api_object.add_json_patch(JsonPatch.add("/spec/egress/-", rule))

    def _initial_same_namespace(self, ports: Sequence[StationPort]) -> None:
        if isinstance(ports, str):
            raise self._guard.fail(
                "network_policy.same_namespace_ports",
                ports,
                "must be a list of StationPort",
                "pass e.g. [StationPort.AGENT_MCP], or () to admit no same-namespace client",
            )
        ports = sequence(
            self._guard,
            "network_policy.same_namespace_ports",
            ports,
            example="[StationPort.AGENT_MCP]",
        )
        if ports:
            self._add(
                "network_policy.same_namespace_ports",
                [{"podSelector": {}}],
                self._ports("network_policy.same_namespace_ports", ports, outside=False),
            )

    def _ports(
        self, field: str, ports: Sequence[StationPort | int], *, outside: bool
    ) -> list[Rule]:
        station = self.station
        if isinstance(ports, str | int | StationPort) or not ports:
            raise self._guard.fail(
                field, ports, "must be a non-empty list of ports", "pass e.g. [StationPort.API]"
            )
        ports = sequence(self._guard, field, ports, example="[StationPort.API]")
        numbers: list[int] = []
        by_number = {station.port(p): p for p in StationPort}
        for item in ports:
            if isinstance(item, StationPort):
                if item not in station.served_ports:
                    raise self._guard.fail(
                        field,
                        item,
                        "is not served: the API listens only with enable_api=True",
                        "enable the API or drop StationPort.API",
                    )
                number = station.port(item)
            else:
                number = port(self._guard, f"{field}[]", item)
            which = by_number.get(number)
            # The ports the who-can-call-what table marks "never expose" (access.py).
            key = "nats" if number == _NATS_PORT else (None if which is None else which.value)
            if outside and key in never_exposed():
                what = (
                    f"the management MCP ({number})"
                    if which is StationPort.MCP
                    else f"Station's embedded NATS ({number})"
                )
                raise self._guard.fail(
                    field,
                    item,
                    f"{what} has no authentication and is never admitted from outside the "
                    f"namespace '{self.namespace}'",
                    "admit only StationPort.API and StationPort.AGENT_MCP from other namespaces "
                    "and networks; run the management client in the Station's namespace",
                )
            if number not in numbers:
                numbers.append(number)
        return render.tcp_ports(numbers)

    def _pod_labels(self, labels: Mapping[str, str] | None) -> dict[str, str]:
        return labels_map(self._guard, "network_policy.pod_labels", labels)

    def _add(self, field: str, peers: list[Rule], ports: list[Rule]) -> None:
        if not ports:  # pragma: no cover - _ports never returns an empty list
            raise self._guard.fail(field, ports, "a rule needs ports", "pass ports")
        rule = render.ingress_rule(peers, ports)
        if rule in self._ingress:
            return
        self._ingress.append(rule)
        if self._rendered:
            self.api_object.add_json_patch(JsonPatch.add("/spec/ingress/-", rule))

    def _egress_rules(self, egress: EgressRules) -> list[Rule]:
        guard = self._guard
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
            _cidr(guard, "network_policy.egress.cidrs[]", c)
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
                f"({self.station.provider.value}) and would fail every agent run",
                "list the provider's (or your egress proxy's) CIDRs in cidrs or the proxy's "
                "namespace in namespaces, or pass egress=None to leave egress open",
            )
        ports = [
            port(guard, "network_policy.egress.ports[]", p)
            for p in sequence(guard, "network_policy.egress.ports", egress.ports, example="[443]")
        ]
        allow_dns = boolean(guard, "network_policy.egress.allow_dns", egress.allow_dns)
        self._egress_cidrs, self._egress_ports = cidrs, ports
        return render.egress_rules(cidrs, namespaces, ports, allow_dns=allow_dns)


def _cidr(guard: _Guard, field: str, value: object) -> str:
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
