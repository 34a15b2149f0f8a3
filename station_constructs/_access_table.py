"""Who can call what, the table: each port and path of Station and who may call it.

One table per Station release (:func:`endpoints_of`, built from ``_releases``): its types
and rows. What follows from a table alone (lookups, verdicts, the endpoints a route covers)
is in ``_access_match``. Public import path: ``station_constructs.access``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from ._releases import DEFAULT_RELEASE, ReleaseFacts

__all__ = [
    "AGENT_MCP",
    "API",
    "CLOUDSHIP",
    "MCP",
    "NATS",
    "Access",
    "AuthSettings",
    "Endpoint",
    "Verdict",
    "endpoints_of",
]

# Port keys: the StationPort values (kept as strings so this module imports nothing of
# station.py), plus Station's embedded NATS and CloudShip's remote-control channel (an
# outbound connection from the pod: no Service port, no NetworkPolicy ingress rule).
API, MCP, AGENT_MCP, NATS, CLOUDSHIP = "api", "mcp", "dynamic-mcp", "nats", "cloudship"


class Access(enum.Enum):
    """What Station does with a request to an endpoint."""

    OPEN = "open"
    """Anyone who reaches it is served (often as an admin)."""
    AUTHENTICATED = "authenticated"
    """A credential of this Station is checked (e.g. ``STN_WEBHOOK_API_KEY``)."""
    ANY_CLOUDSHIP_ACCOUNT = "any CloudShip account"
    """A CloudShip OAuth token is checked, and any active CloudShip account's passes: no
    organisation or client check (the client id is never sent to introspection)."""
    REJECTS_ALL = "rejects everyone"
    """Every request is refused: no credential that Station accepts can exist."""
    OFF = "off"
    """The endpoint does not exist under these settings."""

    @property
    def reads_bearer(self) -> bool:
        """Station reads the ``Authorization: Bearer`` header to decide."""
        return self in (Access.AUTHENTICATED, Access.ANY_CLOUDSHIP_ACCOUNT)


@dataclass(frozen=True)
class AuthSettings:
    """The Station settings that decide access (what the ConfigMap and Secret render).

    Args:
        local_mode: ``STATION_LOCAL_MODE=true``.
        cloudship_oauth: ``STN_CLOUDSHIP_OAUTH_ENABLED=true`` with a client id.
        webhook_key: ``STN_WEBHOOK_API_KEY`` is set (from the Secret).
        cloudship: ``STN_CLOUDSHIP_ENABLED=true``: CloudShip's remote-control channel.
        release: The Station release whose rules apply (a tag of ``_releases.KNOWN``, or
            ``unknown`` for the conservative model).
        accept_any_account: The user accepted that any CloudShip account's token passes
            (``StationAuth.cloudship_oauth(..., accept_any_cloudship_account=True)``).

    """

    local_mode: bool
    cloudship_oauth: bool = False
    webhook_key: bool = False
    cloudship: bool = False
    release: str = DEFAULT_RELEASE.tag
    accept_any_account: bool = False


@dataclass(frozen=True)
class Verdict:
    """Who may call an endpoint under given settings.

    Args:
        access: Open, authenticated, any CloudShip account, rejecting everyone, or off.
        who: Who gets in and as whom, e.g. ``Bearer <STN_WEBHOOK_API_KEY>``.
        admin: Whoever gets in can change Station's configuration (add MCP servers with
            arbitrary commands, write settings, install bundles): command execution in the
            pod. Running agents (``/mcp``, the webhooks) does not count.

    """

    access: Access
    who: str
    admin: bool = False


@dataclass(frozen=True)
class Endpoint:
    """One row of the table: a set of paths on one port and Station's rule for them.

    Args:
        key: Short stable name, e.g. ``agent-mcp``.
        port: The StationPort value (``api``, ``mcp``, ``dynamic-mcp``), ``nats`` or
            ``cloudship``.
        paths: The paths (Go ServeMux patterns, treated as prefixes); ``/`` is the whole port.
        title: How the documentation's table names it.
        rule: Station's rule, quoted in refusals.
        source: Where in Station's source the rule lives (file:line at the release tag).
        decide: The verdict under given :class:`AuthSettings`.
        harmless: Open by design and harmless (health, the API description).
        never_expose: Has no authentication in any mode: never admitted from outside the
            namespace.
        station_fix: How to make Station itself authenticate it (``None``: it cannot).
        catch_all: ``unmatched``: the handler of every path of the port that no other
            row's pattern matches; ``every``: assume any path of the port may reach it (an
            unknown release); ``''``: only its own paths.

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
    catch_all: str = ""


_ADMIN = "anyone, as the admin user 1"
_ANY_TOKEN = "Bearer <any active CloudShip OAuth token>"


def _api(s: AuthSettings) -> Verdict:
    if s.local_mode:
        return Verdict(Access.OPEN, _ADMIN, admin=True)
    if s.cloudship_oauth:
        return Verdict(
            Access.ANY_CLOUDSHIP_ACCOUNT,
            f"{_ANY_TOKEN}, as an admin (admin-only routes let CloudShip OAuth callers "
            "through); the web UI sends no token and cannot use it",
            admin=True,
        )
    return Verdict(
        Access.REJECTS_ALL,
        "nobody: every request needs a user API key and no code path creates one",
    )


def _agent_mcp(s: AuthSettings) -> Verdict:
    if s.local_mode:
        return Verdict(Access.OPEN, _ADMIN)
    if s.cloudship_oauth:
        return Verdict(Access.ANY_CLOUDSHIP_ACCOUNT, f"{_ANY_TOKEN}: runs the agents")
    return Verdict(Access.OPEN, "anyone: the MCP tool handlers never look at the caller")


def _webhooks(release: ReleaseFacts) -> Callable[[AuthSettings], Verdict]:
    def decide(s: AuthSettings) -> Verdict:
        if s.local_mode:
            return Verdict(Access.OPEN, "anyone, as admin (STN_WEBHOOK_API_KEY is ignored)")
        if s.cloudship_oauth and s.webhook_key:
            return Verdict(
                Access.REJECTS_ALL,
                "nobody: the OAuth check and the webhook-key check read the same "
                "Authorization header",
            )
        if s.webhook_key:
            return Verdict(Access.AUTHENTICATED, "Bearer <STN_WEBHOOK_API_KEY>, as admin")
        if s.cloudship_oauth and release.webhooks_open_without_key:
            return Verdict(Access.ANY_CLOUDSHIP_ACCOUNT, f"{_ANY_TOKEN}, then as an admin")
        if s.cloudship_oauth:
            return Verdict(
                Access.ANY_CLOUDSHIP_ACCOUNT, f"{_ANY_TOKEN}, as a non-admin user: runs agents"
            )
        if release.webhooks_open_without_key:
            return Verdict(Access.OPEN, "anyone, as admin")
        return Verdict(
            Access.REJECTS_ALL,
            "nobody: a bearer token is required, and without STN_WEBHOOK_API_KEY only user "
            "API keys count, which no code path creates",
        )

    return decide


def _public(s: AuthSettings) -> Verdict:
    return Verdict(Access.OPEN, "anyone")


def _openapi(s: AuthSettings) -> Verdict:
    # The OAuth wrapper lets only /health through without a token.
    if s.cloudship_oauth and not s.local_mode:
        return Verdict(Access.ANY_CLOUDSHIP_ACCOUNT, _ANY_TOKEN)
    return Verdict(Access.OPEN, "anyone")


def _never(_: AuthSettings) -> Verdict:
    return Verdict(Access.OPEN, "anyone: no authentication in any mode")


def _cloudship(s: AuthSettings) -> Verdict:
    if not s.cloudship:
        return Verdict(Access.OFF, "nobody: not connected (no CloudShip.connected())")
    return Verdict(
        Access.AUTHENTICATED,
        "CloudShip, for whoever controls the CloudShip account of STN_CLOUDSHIP_KEY: lists "
        "and executes agents and updates their prompts over the pod's outbound connection, "
        "which no NetworkPolicy ingress rule or edge authentication sees",
    )


def _agent_mcp_row(release: ReleaseFacts) -> Endpoint:
    catch_all = (
        "" if not release.agent_mcp_catch_all else ("unmatched" if release.known else "every")
    )
    paths = ("/",) if catch_all else release.agent_mcp_paths
    title = "8587 `/mcp`" if not catch_all else "8587 `/mcp` and every path no other row names"
    return Endpoint(
        key="agent-mcp",
        port=AGENT_MCP,
        paths=paths,
        title=title,
        rule="the agent MCP is open in every mode unless CloudShip OAuth is enabled with "
        "local mode off (then any active CloudShip account's token passes)"
        + ("; every 8587 path no other handler matches is the agent MCP" if catch_all else ""),
        source=release.source("routing") + "; " + release.source("oauth-wrapper"),
        decide=_agent_mcp,
        station_fix="pass auth=StationAuth.cloudship_oauth(client_id=..., "
        "accept_any_cloudship_account=True)",
        catch_all=catch_all,
    )


def _webhook_row(release: ReleaseFacts) -> Endpoint:
    paths = release.webhook_paths
    listed = ", ".join(f"`{p}`" for p in paths)
    return Endpoint(
        key="webhooks",
        port=AGENT_MCP,
        paths=paths,
        title=f"8587 {listed}",
        rule=f"{', '.join(paths)} run agents as an admin "
        + (
            "for anyone unless STN_WEBHOOK_API_KEY is set (an empty value counts as unset)"
            if release.webhooks_open_without_key
            else "only with 'Bearer <STN_WEBHOOK_API_KEY>'; without the key they reject everyone"
        ),
        source=release.source("webhooks"),
        decide=_webhooks(release),
        station_fix="pass auth=StationAuth.webhook_key() (STN_WEBHOOK_API_KEY from the Secret)",
    )


def _openapi_rows(release: ReleaseFacts) -> tuple[Endpoint, ...]:
    if "/openapi.yaml" not in release.public_paths:
        return ()
    return (
        Endpoint(
            key="agent-openapi",
            port=AGENT_MCP,
            paths=("/openapi.yaml",),
            title="8587 `/openapi.yaml`",
            rule="the API description is served to anyone, or with CloudShip OAuth to any "
            "active CloudShip account",
            source=release.source("oauth-wrapper"),
            decide=_openapi,
            harmless=True,
        ),
    )


def endpoints_of(release: ReleaseFacts) -> tuple[Endpoint, ...]:
    """The who-can-call-what table of ``release`` (a row per endpoint, in document order)."""
    nats = "4222" if release.nats_port else "(a random port)"
    return (
        Endpoint(
            key="api",
            port=API,
            paths=("/api/v1/",),
            title="8585 `/api/v1/*` (what the web UI calls)",
            rule="in local mode /api/v1 serves everyone as user 1 (admin); with local mode off "
            "every request needs a user API key (no code path creates one) or, with CloudShip "
            "OAuth enabled, any active CloudShip token, whose caller is an admin",
            source="internal/auth/middleware.go Authenticate; " + release.source("oauth-admin"),
            decide=_api,
            station_fix=None,
        ),
        Endpoint(
            key="api-public",
            port=API,
            paths=("/",),
            title="8585 every other path (`/health`, `/debug`, the web UI's page and assets)",
            rule="only the /api/v1 group is authenticated; the rest is served to anyone",
            source=release.source("api-public"),
            decide=_public,
            harmless=True,
        ),
        _agent_mcp_row(release),
        _webhook_row(release),
        Endpoint(
            key="agent-public",
            port=AGENT_MCP,
            paths=("/health",),
            title="8587 `/health`",
            rule="health is served to anyone, in every mode",
            source=release.source("routing"),
            decide=_public,
            harmless=True,
        ),
        *_openapi_rows(release),
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
            title=f"embedded NATS {nats}",
            rule="the embedded NATS server binds all interfaces without authentication",
            source=release.source("nats"),
            decide=_never,
            never_expose=True,
        ),
        Endpoint(
            key="cloudship",
            port=CLOUDSHIP,
            paths=("/",),
            title="CloudShip remote control (outbound from the pod)",
            rule="with CloudShip.connected() Station dials CloudShip and takes commands from it",
            source="cmd/main/server.go (remote control service)",
            decide=_cloudship,
        ),
    )
