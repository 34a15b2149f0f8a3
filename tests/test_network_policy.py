"""The Station pod's NetworkPolicy: what it admits by default, options, later additions and
every guard. NATS (4222) and the management MCP (8586) never open to other namespaces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cdk8s import Chart

from station_constructs import (
    ApiListener,
    EgressRules,
    ExternalService,
    NetworkPolicyOptions,
    StationDeployment,
    StationNetworkPolicy,
    StationPort,
)
from tests.conftest import find, synth
from tests.support.builders import ANY_ACCOUNT, OAUTH, station
from tests.support.kube_validate import validate_manifest
from tests.support.refusals import assert_refused

# Any CloudShip account's token passes the agent MCP: accepted, so it may be exposed to the
# whole Internet (the API never is with CloudShip OAuth alone: its OAuth callers are admins).

Rule = dict[str, Any]
SAME_NAMESPACE: list[Rule] = [{"podSelector": {}}]
EVERYWHERE = [{"ipBlock": {"cidr": "0.0.0.0/0"}}, {"ipBlock": {"cidr": "::/0"}}]

#: Where a refusal of ``StationDeployment(chart, "station")`` comes from.
STATION = "StationDeployment 'test/station'"


def ports(*numbers: int) -> list[Rule]:
    return [{"port": n, "protocol": "TCP"} for n in numbers]


def from_namespace(name: str) -> Rule:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


def policy(chart: Chart, name: str = "station") -> Rule:
    return find(synth(chart), "NetworkPolicy", name)


# ------------------------------------------------------------------ behaviour


def test_default_admits_same_namespace_pods_to_served_ports_only(chart: Chart) -> None:
    s = station(chart)
    np = policy(chart)
    assert np["apiVersion"] == "networking.k8s.io/v1"
    assert np["metadata"]["namespace"] == "station"
    assert np["metadata"]["labels"]["app.kubernetes.io/component"] == "network-policy"
    assert np["spec"] == {
        "ingress": [{"from": SAME_NAMESPACE, "ports": ports(8585, 8586, 8587)}],
        "podSelector": {"matchLabels": {"app": "station"}},
        "policyTypes": ["Ingress"],
    }
    assert s.network_policy is not None
    assert s.network_policy.name == "station"
    assert s.network_policy.egress_rules is None


def test_policy_selects_exactly_the_station_pod(chart: Chart) -> None:
    station(chart, name="agents", namespace="ai")
    objects = synth(chart)
    np = find(objects, "NetworkPolicy", "agents")
    pod_labels = find(objects, "Deployment", "agents")["spec"]["template"]["metadata"]["labels"]
    selector = np["spec"]["podSelector"]["matchLabels"]
    assert selector == {"app": "agents"}
    assert selector.items() <= pod_labels.items()


def test_disabled_api_is_not_admitted(chart: Chart) -> None:
    station(chart, api=ApiListener.off())
    assert policy(chart)["spec"]["ingress"] == [
        {"from": SAME_NAMESPACE, "ports": ports(8586, 8587)}
    ]


def test_custom_ports_follow_the_station(chart: Chart) -> None:
    station(chart, api=ApiListener.on(port=9000), mcp_port=9100)
    assert policy(chart)["spec"]["ingress"][0]["ports"] == ports(9000, 9100, 9101)


def test_opt_out_renders_no_policy(chart: Chart) -> None:
    s = station(chart, network_policy=None)
    assert s.network_policy is None
    assert "NetworkPolicy" not in [o["kind"] for o in synth(chart)]


def test_ingress_controller_namespace_reaches_api_and_agent_mcp(chart: Chart) -> None:
    station(chart, network_policy=NetworkPolicyOptions(ingress_namespaces=["ingress-nginx"]))
    assert policy(chart)["spec"]["ingress"] == [
        {"from": SAME_NAMESPACE, "ports": ports(8585, 8586, 8587)},
        {"from": [from_namespace("ingress-nginx")], "ports": ports(8585, 8587)},
    ]


def test_ingress_ports_and_same_namespace_ports_are_configurable(chart: Chart) -> None:
    options = NetworkPolicyOptions(
        same_namespace_ports=[StationPort.AGENT_MCP],
        ingress_namespaces=["kube-system", "ingress-nginx"],
        ingress_ports=[StationPort.AGENT_MCP],
    )
    station(chart, network_policy=options)
    assert policy(chart)["spec"]["ingress"] == [
        {"from": SAME_NAMESPACE, "ports": ports(8587)},
        {
            "from": [from_namespace("kube-system"), from_namespace("ingress-nginx")],
            "ports": ports(8587),
        },
    ]


def test_no_same_namespace_clients_leaves_a_deny_all_policy(chart: Chart) -> None:
    station(chart, network_policy=NetworkPolicyOptions(same_namespace_ports=()))
    spec = policy(chart)["spec"]
    assert spec["ingress"] == []
    assert spec["policyTypes"] == ["Ingress"]


@pytest.mark.parametrize("lb", [True, False], ids=["LoadBalancer", "NodePort"])
def test_external_service_ports_stay_reachable(chart: Chart, lb: bool) -> None:
    # The external Service's default ports without the API (never exposed with CloudShip
    # OAuth alone): the agent MCP, open to one network (LoadBalancer) or accepted for any
    # CloudShip account (NodePort, which has no source ranges).
    station(
        chart,
        auth=OAUTH if lb else ANY_ACCOUNT,
        api=ApiListener.off(),
        external_service=ExternalService.load_balancer(source_ranges=["203.0.113.0/24"])
        if lb
        else ExternalService.node_port(),
    )
    service_type = find(synth(chart), "Service", "station-external")["spec"]["type"]
    assert service_type == ("LoadBalancer" if lb else "NodePort")
    assert policy(chart)["spec"]["ingress"][1] == {"from": EVERYWHERE, "ports": ports(8587)}


def test_api_exposed_through_the_escape_hatch_stays_reachable(chart: Chart) -> None:
    # The API reaches a LoadBalancer only through allow_unauthenticated_exposure (a VPN or
    # firewall as the authentication): every port of the external Service is admitted.
    station(
        chart,
        external_service=ExternalService.load_balancer(source_ranges=["10.8.0.0/16"]),
        allow_unauthenticated_exposure=True,
    )
    assert policy(chart)["spec"]["ingress"][1] == {"from": EVERYWHERE, "ports": ports(8585, 8587)}


def test_external_agent_mcp_only(chart: Chart) -> None:
    station(
        chart,
        auth=ANY_ACCOUNT,
        external_service=ExternalService.load_balancer(ports=[StationPort.AGENT_MCP]),
    )
    assert policy(chart)["spec"]["ingress"][1]["ports"] == ports(8587)


def test_restricted_egress_keeps_dns_and_lists_destinations(chart: Chart) -> None:
    egress = EgressRules(cidrs=["10.20.0.0/16", "2001:db8::/32"], namespaces=["proxy"], ports=[443])
    s = station(chart, network_policy=NetworkPolicyOptions(egress=egress))
    spec = policy(chart)["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    assert spec["egress"] == [
        {"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]},
        {
            "ports": ports(443),
            "to": [
                {"ipBlock": {"cidr": "10.20.0.0/16"}},
                {"ipBlock": {"cidr": "2001:db8::/32"}},
                from_namespace("proxy"),
            ],
        },
    ]
    assert s.network_policy is not None and s.network_policy.egress_rules == spec["egress"]


def test_egress_without_dns_or_port_limits(chart: Chart) -> None:
    egress = EgressRules(namespaces=["egress-proxy"], allow_dns=False)
    station(chart, network_policy=NetworkPolicyOptions(egress=egress))
    assert policy(chart)["spec"]["egress"] == [{"to": [from_namespace("egress-proxy")]}]


def test_rules_added_after_construction_land_in_the_output(chart: Chart) -> None:
    s = station(chart)
    assert s.network_policy is not None
    s.network_policy.allow_from_namespaces(["monitoring"], [9090])
    s.network_policy.allow_from_namespaces(["monitoring"], [9090])  # idempotent
    s.network_policy.allow_from_cidrs(["192.168.10.0/24"], [StationPort.AGENT_MCP])
    s.network_policy.allow_from_same_namespace([StationPort.MCP], pod_labels={"role": "admin"})
    s.network_policy.allow_from_namespaces(
        ["ci"], [StationPort.AGENT_MCP], pod_labels={"app": "runner"}
    )
    rules = policy(chart)["spec"]["ingress"]
    assert rules[1:] == [
        {"from": [from_namespace("monitoring")], "ports": ports(9090)},
        {"from": [{"ipBlock": {"cidr": "192.168.10.0/24"}}], "ports": ports(8587)},
        {"from": [{"podSelector": {"matchLabels": {"role": "admin"}}}], "ports": ports(8586)},
        {
            "from": [{**from_namespace("ci"), "podSelector": {"matchLabels": {"app": "runner"}}}],
            "ports": ports(8587),
        },
    ]
    assert s.network_policy.ingress_rules == rules


def test_added_rule_after_an_empty_policy(chart: Chart) -> None:
    s = station(chart, network_policy=NetworkPolicyOptions(same_namespace_ports=()))
    assert s.network_policy is not None
    s.network_policy.allow_from_namespaces(["monitoring"], [9090])
    assert policy(chart)["spec"]["ingress"] == [
        {"from": [from_namespace("monitoring")], "ports": ports(9090)}
    ]


def test_the_station_namespace_may_be_named_to_reach_the_management_mcp(chart: Chart) -> None:
    s = station(chart)
    assert s.network_policy is not None
    s.network_policy.allow_from_namespaces(["station"], [StationPort.MCP, 4222])
    assert policy(chart)["spec"]["ingress"][1]["ports"] == ports(8586, 4222)


def test_custom_policy_name(chart: Chart) -> None:
    station(chart, network_policy=NetworkPolicyOptions(name="station-isolation"))
    assert policy(chart, "station-isolation")


CONFIGS: list[dict[str, Any]] = [
    {},
    {"api": ApiListener.off()},
    {
        "auth": ANY_ACCOUNT,
        "external_service": ExternalService.load_balancer(ports=[StationPort.AGENT_MCP]),
    },
    {"network_policy": NetworkPolicyOptions(ingress_namespaces=["ingress-nginx"])},
    {"network_policy": NetworkPolicyOptions(egress=EgressRules(cidrs=["10.0.0.0/8"]))},
]


@pytest.mark.parametrize("config", CONFIGS)
def test_every_rule_names_its_ports_and_nothing_outside_reaches_nats_or_mcp(
    chart: Chart, config: dict[str, Any]
) -> None:
    s = station(chart, **config)
    assert s.network_policy is not None
    s.network_policy.allow_from_namespaces(["monitoring"], [9090])
    for rule in policy(chart)["spec"]["ingress"]:
        assert rule["ports"], rule  # a rule without ports would admit every port
        numbers = {p["port"] for p in rule["ports"]}
        assert 4222 not in numbers
        if rule["from"] != SAME_NAMESPACE:
            assert 8586 not in numbers, rule


# ------------------------------------------------------------------ guards


def test_fails_on_management_mcp_for_the_ingress_namespaces(chart: Chart) -> None:
    options = NetworkPolicyOptions(
        ingress_namespaces=["ingress-nginx"], ingress_ports=[StationPort.MCP]
    )
    assert_refused(
        lambda: station(chart, network_policy=options),
        field="network_policy.ingress_ports",
        value=StationPort.MCP,
        problem=[
            "management MCP (8586) has no authentication",
            "never admitted from outside the namespace 'station'",
        ],
        fix="admit only StationPort.API and StationPort.AGENT_MCP",
        where=STATION,
    )


def test_fails_on_external_management_mcp_with_a_policy(chart: Chart) -> None:
    assert_refused(
        lambda: station(
            chart,
            external_service=ExternalService.load_balancer(ports=[StationPort.MCP]),
            allow_unauthenticated_exposure=True,
        ),
        field="external_service.ports",
        value=StationPort.MCP,
        problem="never admits the management MCP",
        fix="pass network_policy=None",
        where=STATION,
    )


def test_external_management_mcp_is_possible_without_a_policy(chart: Chart) -> None:
    station(
        chart,
        external_service=ExternalService.load_balancer(ports=[StationPort.MCP]),
        allow_unauthenticated_exposure=True,
        network_policy=None,
    )
    assert find(synth(chart), "Service", "station-external")


@pytest.mark.parametrize(
    ("port", "fragment"),
    [(StationPort.MCP, "management MCP (8586)"), (8586, "management MCP (8586)"), (4222, "NATS")],
)
def test_fails_on_nats_or_management_mcp_from_other_namespaces(
    chart: Chart, port: StationPort | int, fragment: str
) -> None:
    s = station(chart)
    assert s.network_policy is not None
    np = s.network_policy
    assert_refused(
        lambda: np.allow_from_namespaces(["monitoring"], [port]),
        field="network_policy.ports",
        value=port,
        problem=[fragment, "no authentication"],
        where=STATION,
    )
    assert_refused(
        lambda: np.allow_from_cidrs(["10.0.0.0/8"], [port]),
        field="network_policy.ports",
        value=port,
        problem=fragment,
        where=STATION,
    )


@pytest.mark.parametrize(
    ("options", "field", "value", "problem", "fix"),
    [
        (
            NetworkPolicyOptions(ingress_namespaces="ingress-nginx"),
            "network_policy.ingress_namespaces",
            "ingress-nginx",
            "",
            "['ingress-nginx']",
        ),
        (
            NetworkPolicyOptions(ingress_namespaces=["Ingress_Nginx"]),
            "network_policy.ingress_namespaces[]",
            "Ingress_Nginx",
            "RFC 1123",
            "",
        ),
        (
            NetworkPolicyOptions(ingress_ports=[StationPort.AGENT_MCP]),
            "network_policy.ingress_ports",
            [StationPort.AGENT_MCP],
            "without ingress_namespaces",
            "",
        ),
        (NetworkPolicyOptions(name="Bad_Name"), "network_policy.name", "Bad_Name", "", ""),
        (
            NetworkPolicyOptions(egress=EgressRules()),
            "network_policy.egress",
            EgressRules(),
            ["admits no destination", "AI provider (openai)"],
            "None",
        ),
        (
            NetworkPolicyOptions(egress=EgressRules(cidrs=["10.0.0.1/8"])),
            "network_policy.egress.cidrs[]",
            "10.0.0.1/8",
            "host bits",
            "write '10.0.0.0/8'",
        ),
        (
            NetworkPolicyOptions(egress=EgressRules(cidrs=["10.0.0.0"])),
            "network_policy.egress.cidrs[]",
            "10.0.0.0",
            "",
            "prefix length",
        ),
        (
            NetworkPolicyOptions(egress=EgressRules(cidrs="10.0.0.0/8")),
            "network_policy.egress.cidrs",
            "10.0.0.0/8",
            "not one string",
            "",
        ),
        (
            NetworkPolicyOptions(egress=EgressRules(cidrs=["10.0.0.0/8"], ports=[0])),
            "network_policy.egress.ports[]",
            0,
            "1 to 65535",
            "",
        ),
        (NetworkPolicyOptions(egress="none"), "network_policy.egress", "str", "EgressRules(", ""),  # type: ignore[arg-type]
        (
            NetworkPolicyOptions(same_namespace_ports="api"),  # type: ignore[arg-type]
            "network_policy.same_namespace_ports",
            "api",
            "list of StationPort",
            "",
        ),
    ],
)
def test_fails_on_bad_options(
    chart: Chart,
    options: NetworkPolicyOptions,
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: station(chart, network_policy=options),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


def test_fails_on_options_of_the_wrong_type(chart: Chart) -> None:
    assert_refused(
        lambda: station(chart, network_policy=True),
        field="network_policy",
        value="bool",
        problem="NetworkPolicyOptions(...) or None",
        where=STATION,
    )


def test_fails_on_a_disabled_api_port(chart: Chart) -> None:
    options = NetworkPolicyOptions(same_namespace_ports=[StationPort.API])
    assert_refused(
        lambda: station(chart, api=ApiListener.off(), network_policy=options),
        field="network_policy.same_namespace_ports",
        value=StationPort.API,
        problem="is not served",
        where=STATION,
    )


@pytest.mark.parametrize(
    ("call", "field", "value", "problem", "fix"),
    [
        (lambda np: np.allow_from_namespaces([], [9090]), "network_policy.namespaces", [], "", ""),
        (
            lambda np: np.allow_from_namespaces("monitoring", [9090]),
            "network_policy.namespaces",
            "monitoring",
            "non-empty list",
            "['monitoring']",
        ),
        (
            lambda np: np.allow_from_namespaces(["monitoring"], []),
            "network_policy.ports",
            [],
            "",
            "",
        ),
        (
            lambda np: np.allow_from_namespaces(["monitoring"], 9090),
            "network_policy.ports",
            9090,
            "",
            "",
        ),
        (
            lambda np: np.allow_from_namespaces(["monitoring"], [70000]),
            "network_policy.ports[]",
            70000,
            "",
            "",
        ),
        (
            lambda np: np.allow_from_cidrs(["10.0.0.0/33"], [9090]),
            "network_policy.cidrs[]",
            "10.0.0.0/33",
            "",
            "",
        ),
        (lambda np: np.allow_from_cidrs([], [9090]), "network_policy.cidrs", [], "", ""),
        (
            lambda np: np.allow_from_same_namespace([9090], pod_labels={"role": "a b"}),
            "network_policy.pod_labels['role']",
            "a b",
            "",
            "",
        ),
    ],
)
def test_fails_on_bad_additions(
    chart: Chart,
    call: Callable[[Any], object],
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    s = station(chart)
    assert_refused(
        lambda: call(s.network_policy),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


def test_fails_when_two_policies_share_a_name(chart: Chart) -> None:
    StationDeployment(chart, "a", name="a", create_namespace=False)
    assert_refused(
        lambda: StationDeployment(
            chart,
            "b",
            name="b",
            create_namespace=False,
            network_policy=NetworkPolicyOptions(name="a"),
        ),
        field="network_policy.name",
        value="a",
        problem="already rendered by 'test/a'",
        fix="NetworkPolicyOptions(name=...)",
        where="StationDeployment 'test/b'",
    )


def test_only_the_station_makes_its_policy(chart: Chart) -> None:
    """A StationNetworkPolicy built beside the Station's would admit traffic its checks and
    next_steps never see: refused before anything joins the app."""
    s = station(chart)
    error = assert_refused(
        lambda: StationNetworkPolicy(
            chart, "mine", station=s, options=NetworkPolicyOptions(name="mine")
        ),
        field="StationNetworkPolicy",
        value="mine",
        problem="made by the StationDeployment",
        fix="station.network_policy with allow_from_namespaces",
    )
    assert error.where == "StationNetworkPolicy 'test'"
    assert chart.node.try_find_child("mine") is None
    assert [p["metadata"]["name"] for p in synth(chart) if p["kind"] == "NetworkPolicy"] == [
        "station"
    ]


@pytest.mark.parametrize("version", ["1.27", "1.37"])
@pytest.mark.parametrize("config", CONFIGS)
def test_policy_is_schema_valid(chart: Chart, config: dict[str, Any], version: str) -> None:
    s = station(chart, **config)
    assert s.network_policy is not None
    s.network_policy.allow_from_namespaces(["monitoring"], [9090], pod_labels={"app": "prom"})
    s.network_policy.allow_from_cidrs(["10.1.0.0/16", "fd00::/8"], [StationPort.AGENT_MCP])
    assert validate_manifest(policy(chart), version, strict=True) == []
