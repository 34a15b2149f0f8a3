"""The NetworkPolicy that isolates a Station pod (rendered by StationDeployment by default).

Station listens on more than it should expose: the management MCP (8586) and the embedded
NATS server (4222, bound on all interfaces) have **no authentication**, and in local mode
nothing is authenticated at all. Without a NetworkPolicy every pod in the cluster reaches
all of them. The policy this module renders admits, on the Station pod:

* pods of the Station's own namespace, on Station's served ports (``same_namespace_ports``,
  default all of API 8585, management MCP 8586 and agent MCP 8587);
* pods of the ingress controllers' namespaces (``ingress_namespaces``), on the API and the
  agent MCP only;
* when ``external_service`` renders a LoadBalancer/NodePort Service, any source on exactly
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

from collections.abc import Mapping, Sequence

from ._app_registry import init_construct
from ._emit.deferred import emit_deferred
from ._errors import _Guard
from ._k8s import ApiObject, Construct, claim_object, guard_for
from ._read_only import ReadOnlyConstruct
from ._render import network as render
from ._render.network import Rule
from ._settings.network import (
    EgressRules,
    NetworkPolicyOptions,
    check_options,
    check_outside_host,
    cidr_list,
    configured_destinations,
    egress_settings,
    ingress_namespaces,
    namespace_list,
    policy_ports,
    refuse_exposed_mcp,
)
from ._settings.station import StationPort
from ._station_api import StationView
from ._validate import dns_subdomain, http_url, labels_map, sequence

__all__ = ["EgressRules", "NetworkPolicyOptions", "StationNetworkPolicy"]

#: What StationDeployment passes as ``_made_by``: nothing else makes a StationNetworkPolicy.
_BY_THE_STATION = object()
_EVERYWHERE = ("0.0.0.0/0", "::/0")
_SHOW_URL = object()
# With one of these in the Station's env, outside hosts are reached through the proxy.
_PROXY_VARIABLES = frozenset({"HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"})


class StationNetworkPolicy(ReadOnlyConstruct):
    """The ``networking.k8s.io/v1`` NetworkPolicy selecting one Station's pod.

    Made by :class:`~station_constructs.StationDeployment` from its ``network_policy``
    options, one per Station (``station.network_policy``); constructs added later extend it
    with the ``allow_*`` methods, which validate at once and land in the output whenever they
    are called before synthesis. It is the policy the Station's exposure checks and
    ``next_steps`` read, so only the Station makes one: a second policy built beside it would
    admit traffic none of them sees, and is refused.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        station: StationView,
        options: NetworkPolicyOptions,
        _made_by: object = None,
    ) -> None:
        if _made_by is not _BY_THE_STATION:
            raise guard_for("StationNetworkPolicy", scope).fail(
                "StationNetworkPolicy",
                id,
                "is made by the StationDeployment, one per Station: a second NetworkPolicy "
                "built beside it would admit traffic that the Station's exposure checks and "
                "next_steps never see",
                "pass StationDeployment(network_policy=NetworkPolicyOptions(...)), and add "
                "rules to station.network_policy with allow_from_namespaces, "
                "allow_from_same_namespace, allow_from_cidrs or allow_egress_to",
            )
        init_construct(self, scope, id)
        guard = guard_for("StationDeployment", scope)
        self._guard = guard
        self._rendered = False
        self._station = station
        check_options(guard, options)
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
        exposed = station.external_service_options
        self._exposed: tuple[StationPort, ...] = (
            () if exposed is None or exposed.ports is None else exposed.ports
        )
        refuse_exposed_mcp(guard, self._exposed)

        self._ingress: list[Rule] = []
        self._egress: list[Rule] | None = None
        self._egress_cidrs: list[str] = []
        self._egress_ports: list[int] = []

        self._initial_rules(options)
        if options.egress is not None:
            self._initial_egress(options.egress)

        spec = render.policy_spec(self._ingress, self._egress, station.selector_labels)
        manifest = render.network_policy(
            self.name, self.namespace, station.labels("network-policy"), spec
        )
        # A plain ApiObject, not the typed k8s.KubeNetworkPolicy: the typed class drops plain
        # port numbers after patches, so a rule added later would admit every port. Rules
        # added later cost no round trip (emit_deferred).
        self._object = emit_deferred(self, "Resource", manifest)
        self.api_object: ApiObject = self._object
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
        checked = namespace_list(self._guard, namespaces)
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
        peers = [{"ipBlock": {"cidr": c}} for c in cidr_list(self._guard, cidrs)]
        self._add(
            "network_policy.ports",
            peers,
            self._ports("network_policy.ports", ports, outside=True),
        )

    def allow_egress_to(
        self,
        url: str,
        *,
        requested_by: Construct | None = None,
        argument: str = "url",
        argument_value: object = _SHOW_URL,
    ) -> None:
        """Admit connections to the host of ``url`` when egress is restricted (else nothing).

        An IP address is admitted on the URL's port; an in-cluster Service name
        (``svc``, ``svc.ns``, ``svc.ns.svc.cluster.local``) admits its namespace (on every
        port: a Service's target port is not known here); DNS is admitted for host names.
        A host name outside the cluster cannot be named by a NetworkPolicy: it is refused
        when the egress rules list no network at all, or restrict ports without the URL's.
        LitestreamBackup calls this with its S3 endpoint; the Station with ``ai_base_url``
        and ``otlp_endpoint``.

        A refusal names the construct ``requested_by`` (default: the Station), its
        ``argument`` and the value it was given (``argument_value``, default: ``url``); a
        construct of yours passes e.g. ``requested_by=self, argument="endpoint"``.
        LitestreamBackup passes ``argument="replica.endpoint"`` and its endpoint (``None``
        for AWS S3, reached at ``https://s3.amazonaws.com``).
        """
        by = requested_by
        guard = self._guard if by is None else guard_for(type(by).__name__, by)
        url = http_url(guard, argument, url, example="http://minio.minio.svc:9000")
        self._allow_egress_to(url, guard, argument, shown=argument_value)

    # ------------------------------------------------------------------ internals
    def _initial_rules(self, options: NetworkPolicyOptions) -> None:
        """What the options admit: the same namespace, ingress namespaces, external ports."""
        guard = self._guard
        station = self._station
        same_ports = (
            station.served_ports
            if options.same_namespace_ports is None
            else options.same_namespace_ports
        )
        self._initial_same_namespace(same_ports)
        namespaces = ingress_namespaces(guard, options)
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
        if given_ingress_ports is not None and not namespaces:
            raise guard.fail(
                "network_policy.ingress_ports",
                given_ingress_ports,
                "has no effect without ingress_namespaces",
                "name the ingress controller's namespace in ingress_namespaces",
            )
        if namespaces:
            ingress_ports = (
                tuple(
                    p for p in (StationPort.API, StationPort.AGENT_MCP) if p in station.served_ports
                )
                if given_ingress_ports is None
                else tuple(given_ingress_ports)
            )
            self._add(
                "network_policy.ingress_ports",
                [render.namespace_peer(ns) for ns in namespaces],
                self._ports("network_policy.ingress_ports", ingress_ports, outside=True),
            )
        if self._exposed:
            self._add(
                "external_service.ports",
                [{"ipBlock": {"cidr": cidr}} for cidr in _EVERYWHERE],
                self._ports("external_service.ports", self._exposed, outside=True),
            )

    def _initial_egress(self, egress: EgressRules) -> None:
        """Restricted egress, and what the Station itself is configured to call."""
        station = self._station
        self._egress = self._egress_rules(egress)
        # What the Station itself is configured to call must stay reachable.
        proxied = any(k.upper() in _PROXY_VARIABLES for k in station.settings)
        for url, field in configured_destinations(station.settings):
            self._allow_egress_to(url, self._guard, field, proxied=proxied)

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
        host, number, rule = render.egress_destination(url, self.namespace)
        if rule is not None:
            self._add_egress(rule)
            if "ipBlock" in rule["to"][0]:
                return  # an address needs no DNS
        elif not proxied:
            check_outside_host(
                guard,
                field,
                url if shown is _SHOW_URL else shown,
                host,
                number,
                cidrs=self._egress_cidrs,
                ports=self._egress_ports,
            )
        self._ensure_dns()

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
            self._object.add_later("/spec/egress/-", rule)

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
        station = self._station
        numbers = policy_ports(
            self._guard,
            field,
            ports,
            outside=outside,
            namespace=self.namespace,
            served=station.served_ports,
            port_of=station.port,
        )
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
            self._object.add_later("/spec/ingress/-", rule)

    def _egress_rules(self, egress: EgressRules) -> list[Rule]:
        cidrs, namespaces, ports, allow_dns = egress_settings(
            self._guard, egress, self._station.provider.value
        )
        self._egress_cidrs, self._egress_ports = cidrs, ports
        return render.egress_rules(cidrs, namespaces, ports, allow_dns=allow_dns)
