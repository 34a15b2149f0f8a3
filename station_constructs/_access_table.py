"""Who can call what, the table: each port and path of Station and who may call it.

:data:`ENDPOINTS` and what follows from it alone (verdicts, never-exposed ports, the
endpoints a route covers). Public import path: ``station_constructs.access``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = [
    "AGENT_MCP",
    "API",
    "ENDPOINTS",
    "MCP",
    "NATS",
    "Access",
    "AuthSettings",
    "Endpoint",
    "Verdict",
    "covered",
    "never_exposed",
    "settings_of",
    "verdicts",
]

# Port keys: the StationPort values (kept as strings so this module imports nothing of
# station.py), plus Station's embedded NATS.
API, MCP, AGENT_MCP, NATS = "api", "mcp", "dynamic-mcp", "nats"


class Access(enum.Enum):
    """What Station does with a request to an endpoint."""

    OPEN = "open"
    """Anyone who reaches it is served (often as an admin)."""
    AUTHENTICATED = "authenticated"
    """A credential is checked."""
    REJECTS_ALL = "rejects everyone"
    """Every request is refused: no credential that Station accepts can exist."""


@dataclass(frozen=True)
class AuthSettings:
    """The Station settings that decide access (what the ConfigMap and Secret render).

    Args:
        local_mode: ``STATION_LOCAL_MODE=true``.
        cloudship_oauth: ``STN_CLOUDSHIP_OAUTH_ENABLED=true`` with a client id.
        webhook_key: ``STN_WEBHOOK_API_KEY`` is set (from the Secret).

    """

    local_mode: bool
    cloudship_oauth: bool = False
    webhook_key: bool = False


@dataclass(frozen=True)
class Verdict:
    """Who may call an endpoint under given settings.

    Args:
        access: Open, authenticated, or rejecting everyone.
        who: Who gets in and as whom, e.g. ``Bearer <STN_WEBHOOK_API_KEY>``.

    """

    access: Access
    who: str


@dataclass(frozen=True)
class Endpoint:
    """One row of the table: a set of paths on one port and Station's rule for them.

    Args:
        key: Short stable name, e.g. ``agent-mcp``.
        port: The StationPort value (``api``, ``mcp``, ``dynamic-mcp``) or ``nats``.
        paths: The paths (Go ServeMux patterns, treated as prefixes); ``/`` is the whole port.
        title: How the documentation's table names it.
        rule: Station's rule, quoted in refusals.
        source: Where in Station's source the rule lives.
        decide: The verdict under given :class:`AuthSettings`.
        harmless: Open by design and harmless (health, the API description).
        never_expose: Has no authentication in any mode: never admitted from outside the
            namespace.
        station_fix: How to make Station itself authenticate it (``None``: it cannot).

    """

    key: str
    port: str
    paths: tuple[str, ...]
    title: str
    rule: str
    source: str
    decide: Callable[[AuthSettings], Verdict]
    harmless: bool = False
    never_expose: bool = False
    station_fix: str | None = None


def _api(s: AuthSettings) -> Verdict:
    if s.local_mode:
        return Verdict(Access.OPEN, "anyone, as the admin user 1")
    if s.cloudship_oauth:
        return Verdict(
            Access.AUTHENTICATED,
            "Bearer <CloudShip OAuth token> (non-admin: admin-only routes answer 403); the "
            "web UI sends no token and cannot use it",
        )
    return Verdict(
        Access.REJECTS_ALL,
        "nobody: every request needs a user API key and no code path creates one",
    )


def _agent_mcp(s: AuthSettings) -> Verdict:
    if s.local_mode:
        return Verdict(Access.OPEN, "anyone, as the admin user 1")
    if s.cloudship_oauth:
        return Verdict(Access.AUTHENTICATED, "Bearer <CloudShip OAuth token> (any active one)")
    return Verdict(Access.OPEN, "anyone: the MCP tool handlers never look at the caller")


def _webhooks(s: AuthSettings) -> Verdict:
    if s.local_mode:
        return Verdict(Access.OPEN, "anyone, as admin (STN_WEBHOOK_API_KEY is ignored)")
    if s.cloudship_oauth and s.webhook_key:
        return Verdict(
            Access.REJECTS_ALL,
            "nobody: the OAuth check and the webhook-key check read the same Authorization header",
        )
    if s.cloudship_oauth:
        return Verdict(Access.AUTHENTICATED, "Bearer <CloudShip OAuth token>, then as admin")
    if s.webhook_key:
        return Verdict(Access.AUTHENTICATED, "Bearer <STN_WEBHOOK_API_KEY>, as admin")
    return Verdict(Access.OPEN, "anyone, as admin")


def _public(s: AuthSettings) -> Verdict:
    if s.cloudship_oauth and not s.local_mode:
        return Verdict(Access.OPEN, "anyone (/openapi.yaml needs a CloudShip OAuth token)")
    return Verdict(Access.OPEN, "anyone")


def _never(_: AuthSettings) -> Verdict:
    return Verdict(Access.OPEN, "anyone: no authentication in any mode")


#: The table: every endpoint of Station v0.23.0 and its access rule.
ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        key="api",
        port=API,
        paths=("/",),
        title="8585 `/api/v1/*` (and the web UI that calls it)",
        rule="in local mode /api/v1 serves everyone as user 1 (admin); with local mode off "
        "every request needs 'Authorization: Bearer' with a user API key (no code path "
        "creates one) or, with CloudShip OAuth enabled, an active CloudShip token",
        source="internal/auth/middleware.go Authenticate; internal/api/v1/base.go RegisterRoutes",
        decide=_api,
        station_fix="pass cloudship_oauth=CloudShipOAuth(client_id=...) with local_mode=False",
    ),
    Endpoint(
        key="agent-mcp",
        port=AGENT_MCP,
        paths=("/mcp",),
        title="8587 `/mcp`",
        rule="8587 /mcp is open in every mode unless CloudShip OAuth is enabled with local "
        "mode off: only then is the listener wrapped in an auth check, and the MCP tool "
        "handlers never read the user",
        source="internal/mcp_agents/server.go Start, wrapWithOAuthDiscovery",
        decide=_agent_mcp,
        station_fix="pass cloudship_oauth=CloudShipOAuth(client_id=...) with local_mode=False",
    ),
    Endpoint(
        key="webhooks",
        port=AGENT_MCP,
        paths=("/execute", "/runs/", "/workflow-runs", "/workflow-approvals/"),
        title="8587 `/execute`, `/runs/`, `/workflow-runs`, `/workflow-approvals/`",
        rule="/execute, /runs/, /workflow-runs and /workflow-approvals/ run as an admin for "
        "anyone unless STN_WEBHOOK_API_KEY is set (ignored in local mode) or CloudShip "
        "OAuth wraps the listener",
        source="internal/mcp_agents/server.go authenticateWebhookRequest",
        decide=_webhooks,
        station_fix="pass webhook_api_key=True with local_mode=False (STN_WEBHOOK_API_KEY "
        "from the Secret)",
    ),
    Endpoint(
        key="agent-public",
        port=AGENT_MCP,
        paths=("/health", "/openapi.yaml"),
        title="8587 `/health`, `/openapi.yaml`",
        rule="health and the API description are served to anyone",
        source="internal/mcp_agents/server.go Start",
        decide=_public,
        harmless=True,
    ),
    Endpoint(
        key="management-mcp",
        port=MCP,
        paths=("/",),
        title="8586 management MCP",
        rule="the management MCP has no authentication, even with local mode off",
        source="docs/station-facts.md, Ports and health",
        decide=_never,
        never_expose=True,
    ),
    Endpoint(
        key="nats",
        port=NATS,
        paths=("/",),
        title="4222 embedded NATS",
        rule="the embedded NATS server binds all interfaces without authentication",
        source="docs/station-facts.md, Ports and health",
        decide=_never,
        never_expose=True,
    ),
)


def verdicts(settings: AuthSettings) -> dict[str, Verdict]:
    """The verdict of every endpoint (by key) under ``settings``."""
    return {e.key: e.decide(settings) for e in ENDPOINTS}


def never_exposed() -> tuple[str, ...]:
    """Port keys that are never admitted from outside the Station's namespace."""
    return tuple(e.port for e in ENDPOINTS if e.never_expose)


def _elements(path: str) -> list[str]:
    return [p for p in path.split("/") if p]


def covered(port: str, path: str = "/", *, exact: bool = False) -> tuple[Endpoint, ...]:
    """The endpoints a route of ``path`` to ``port`` reaches (``/``: the whole port).

    Served paths count as prefixes (``/mcp`` covers ``/mcp/x``), so a route into a served
    subtree reaches it too: the conservative reading for a guard.
    """
    want = _elements(path)
    found = []
    for endpoint in ENDPOINTS:
        if endpoint.port != port:
            continue
        for served in endpoint.paths:
            have = _elements(served)
            under_route = not exact and have[: len(want)] == want
            inside_served = want[: len(have)] == have
            if under_route or inside_served:
                found.append(endpoint)
                break
    return tuple(found)


def settings_of(values: Mapping[str, str], secret_variables: tuple[str, ...]) -> AuthSettings:
    """The :class:`AuthSettings` a rendered ConfigMap and Secret variable list amount to."""
    return AuthSettings(
        local_mode=values.get("STATION_LOCAL_MODE") == "true",
        cloudship_oauth=values.get("STN_CLOUDSHIP_OAUTH_ENABLED") == "true"
        and bool(values.get("STN_CLOUDSHIP_OAUTH_CLIENT_ID")),
        webhook_key="STN_WEBHOOK_API_KEY" in secret_variables,
    )
