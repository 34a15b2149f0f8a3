"""The Station pod's NetworkPolicy as plain data: peers, rules, spec, the whole object.

Pure functions of already validated settings (``station_constructs.network`` validates and
decides what to admit; ``station_constructs._emit`` hands the result to cdk8s).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "DNS_PORT",
    "Rule",
    "dns_ports",
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
