"""The Station pod's NetworkPolicy as plain data: peers, rules, spec, the whole object.

Pure functions of already validated settings (``station_constructs.network`` validates and
decides what to admit; ``station_constructs._emit`` hands the result to cdk8s).
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "DNS_PORT",
    "Rule",
    "dns_ports",
    "egress_destination",
    "egress_rules",
    "ingress_rule",
    "namespace_peer",
    "network_policy",
    "policy_spec",
    "tcp_ports",
]

Rule = dict[str, Any]

NAMESPACE_LABEL = "kubernetes.io/metadata.name"
DNS_PORT = 53


def egress_destination(url: str, own_namespace: str) -> tuple[str, int, Rule | None]:
    """The host and port of ``url``, and the egress rule that admits them.

    An IP address: itself on the port; an in-cluster Service name (``svc``, ``svc.ns``,
    ``svc.ns.svc...``): its namespace (``own_namespace`` for a bare name), on every port;
    any other host name: ``None`` (a NetworkPolicy cannot name it).
    """
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
        return host, number, {"ports": [{"port": number, "protocol": "TCP"}], "to": [block]}
    labels = host.split(".")
    if len(labels) <= 2 or labels[2] == "svc":
        namespace = labels[1] if len(labels) > 1 else own_namespace
        return host, number, {"to": [namespace_peer(namespace)]}
    return host, number, None


def namespace_peer(namespace: str, pod_labels: Mapping[str, str] | None = None) -> Rule:
    """A peer: every pod (or the pods with ``pod_labels``) of one namespace."""
    peer: Rule = {"namespaceSelector": {"matchLabels": {NAMESPACE_LABEL: namespace}}}
    if pod_labels:
        peer["podSelector"] = {"matchLabels": dict(pod_labels)}
    return peer


def tcp_ports(numbers: Iterable[int]) -> list[Rule]:
    """TCP port entries, in the order given."""
    return [{"port": n, "protocol": "TCP"} for n in numbers]


def dns_ports() -> list[Rule]:
    """Cluster DNS: port 53 over UDP and TCP."""
    return [{"port": DNS_PORT, "protocol": "UDP"}, {"port": DNS_PORT, "protocol": "TCP"}]


def ingress_rule(peers: list[Rule], ports: list[Rule]) -> Rule:
    """An ingress rule admitting ``peers`` on ``ports``."""
    return {"from": peers, "ports": ports}


def egress_rules(
    cidrs: Sequence[str], namespaces: Sequence[str], ports: Sequence[int], *, allow_dns: bool
) -> list[Rule]:
    """Egress to ``cidrs`` and ``namespaces`` on ``ports`` (every port if none), DNS first."""
    port_list = tcp_ports(dict.fromkeys(ports))
    rules: list[Rule] = []
    if allow_dns:
        rules.append({"ports": dns_ports()})
    peers: list[Rule] = [{"ipBlock": {"cidr": c}} for c in cidrs]
    peers += [namespace_peer(n) for n in namespaces]
    rules.append({"ports": port_list, "to": peers} if port_list else {"to": peers})
    return rules


def policy_spec(
    ingress: Sequence[Rule], egress: Sequence[Rule] | None, selector: Mapping[str, str]
) -> Rule:
    """The policy's spec; ``egress=None`` leaves egress open (only Ingress is a policy type)."""
    spec: Rule = {}
    if egress is not None:
        spec["egress"] = egress
    spec["ingress"] = list(ingress)
    spec["podSelector"] = {"matchLabels": dict(selector)}
    spec["policyTypes"] = ["Ingress", "Egress"] if egress is not None else ["Ingress"]
    return spec


def network_policy(name: str, namespace: str, labels: Mapping[str, str], spec: Rule) -> Rule:
    """The whole NetworkPolicy object."""
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
        "spec": spec,
    }
