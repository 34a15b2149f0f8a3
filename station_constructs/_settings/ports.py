"""Station's ports: the API, the management MCP and the agent MCP (mcp_port + 1).

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._errors import _Guard
from .._validate import port
from .station import _NATS_PORT, StationPort


@dataclass(frozen=True)
class PortSettings:
    """Port number of each endpoint, and which ones Station serves."""

    ports: dict[StationPort, int]
    api_enabled: bool
    local_mode: bool
    served_ports: tuple[StationPort, ...]


def resolve_ports(
    guard: _Guard, *, api_port: int, mcp_port: int, enable_api: bool, local_mode: bool
) -> PortSettings:
    """Refuse colliding ports, the embedded NATS port and an agent MCP past 65535.

    ``api_port`` was checked as a port by ``ApiListener.on``, the only way to give one.
    """
    mcp_port = port(guard, "mcp_port", mcp_port)
    if mcp_port == 65535:
        raise guard.fail(
            "mcp_port",
            mcp_port,
            "the agent MCP listens on mcp_port + 1, which must exist",
            "pass mcp_port <= 65534",
        )
    agent_port = mcp_port + 1
    if api_port in (mcp_port, agent_port):
        raise guard.fail(
            "api.port",
            api_port,
            f"collides with the MCP ports ({mcp_port}, and {agent_port} for the agent MCP)",
            "choose distinct ports, e.g. api=ApiListener.on(port=8585), mcp_port=8586",
        )
    for field_name, number in (("api.port", api_port), ("mcp_port", mcp_port)):
        if _NATS_PORT in (number, number + (1 if field_name == "mcp_port" else 0)):
            raise guard.fail(
                field_name,
                number,
                f"Station's embedded NATS already listens on {_NATS_PORT}",
                "choose another port",
            )
    api_enabled = bool(enable_api)
    return PortSettings(
        ports={
            StationPort.API: api_port,
            StationPort.MCP: mcp_port,
            StationPort.AGENT_MCP: agent_port,
        },
        api_enabled=api_enabled,
        local_mode=bool(local_mode),
        served_ports=tuple(p for p in StationPort if p is not StationPort.API or api_enabled),
    )
