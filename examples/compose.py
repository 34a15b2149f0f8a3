"""Composing Station into a larger app: two teams' Stations and a client that calls them.

    python examples/compose.py          # writes build/examples/compose/

Each team gets its own Station in its own namespace (names, volumes and selectors never
collide; the library refuses duplicates). The platform's own workload, a cdk8s-plus
Deployment in the ``agents-gateway`` namespace, reads each Station's agent MCP URL from the
construct, and each Station's NetworkPolicy admits that namespace on the agent MCP port only.
"""

import os

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import cdk8s_plus_27 as kplus  # noqa: E402
from cdk8s import ApiObjectMetadata, App, Chart  # noqa: E402

from station_constructs import (  # noqa: E402
    AIProvider,
    ResourceProfile,
    StationDeployment,
    StationPort,
)

app = App(outdir=os.environ.get("CDK8S_OUTDIR", "build/examples/compose"))

stations = Chart(app, "stations")
teams = {
    "research": StationDeployment(
        stations,
        "research",
        name="station",
        namespace="team-research",
        provider=AIProvider.ANTHROPIC,
        local_mode=False,
        resources=ResourceProfile.PRODUCTION,
    ),
    "support": StationDeployment(
        stations,
        "support",
        name="station",
        namespace="team-support",
        local_mode=False,
    ),
}

gateway = Chart(app, "gateway", namespace="agents-gateway")
kplus.Namespace(gateway, "namespace", metadata=ApiObjectMetadata(name="agents-gateway"))
client = kplus.Deployment(
    gateway,
    "gateway",
    metadata=ApiObjectMetadata(name="agents-gateway"),
    security_context=kplus.PodSecurityContextProps(user=10001, group=10001, ensure_non_root=True),
)
container = client.add_container(
    name="gateway",
    image="ghcr.io/example/agents-gateway:1.4.2",
    image_pull_policy=kplus.ImagePullPolicy.IF_NOT_PRESENT,
    port_number=8080,
)
for team, station in teams.items():
    # Effective names and ports are readable back from the construct.
    container.env.add_variable(
        f"STATION_{team.upper()}_MCP_URL",
        kplus.EnvValue.from_value(station.url(StationPort.AGENT_MCP) + "/mcp"),
    )
    assert station.network_policy is not None  # rendered unless network_policy=None
    station.network_policy.allow_from_namespaces(["agents-gateway"], [StationPort.AGENT_MCP])

app.synth()
