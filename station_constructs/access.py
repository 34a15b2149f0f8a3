"""Who can call what: Station's access control as its code does it, and where it is exposed.

One table, :data:`ENDPOINTS`, states for each port and path of Station v0.23.0 who may call
it under the rendered settings (local mode, CloudShip OAuth, webhook key), quoting the rule
and the source it comes from (``docs/station-facts.md``, "Who can call what"). Everything
else derives from it:

* the exposure guards of ``StationDeployment`` (LoadBalancer/NodePort), ``StationIngress``
  and any future route construct (:func:`check_exposure`);
* the NetworkPolicy's never-admitted ports (:func:`never_exposed`);
* the "who can call what" lines of ``guide.next_steps`` (:func:`describe`);
* the table in ``docs/reaching-station.md`` (:func:`markdown_table`, params_table.py).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ._errors import StationConfigError, _Guard

__all__ = [
    "ENDPOINTS",
    "Access",
    "AuthSettings",
    "Endpoint",
    "Exposable",
    "Exposure",
    "Verdict",
    "check_exposure",
    "covered",
    "describe",
    "expose",
    "markdown_reach",
    "markdown_table",
    "never_exposed",
    "reach",
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


@dataclass(frozen=True)
class Exposure:
    """One place where a port (or a path of it) is reachable from outside the cluster.

    Args:
        via: What exposes it, e.g. ``Ingress 'station' (https://station.example.com)``.
        port: The StationPort value.
        path: The routed path (``/`` for a whole port, e.g. on a LoadBalancer).
        exact: The route matches only ``path`` itself.
        edge_auth: What authenticates in front of Station, or ``None``.
        field: The argument that made the exposure (named in refusals).
        value: The value named in refusals. Default: ``path``.

    """

    via: str
    port: str
    path: str = "/"
    exact: bool = False
    edge_auth: str | None = None
    field: str = "external_ports"
    value: object = None

    @property
    def shown(self) -> object:
        """The value a refusal names: ``value``, or the path."""
        return self.path if self.value is None else self.value


def check_exposure(
    guard: _Guard, settings: AuthSettings, exposure: Exposure, *, allow: bool
) -> tuple[Endpoint, ...]:
    """Refuse ``exposure`` if it puts an unprotected endpoint outside the cluster.

    An endpoint is refused when Station serves it to anyone under ``settings`` and nothing
    at the edge authenticates (unless ``allow``: the explicit escape hatch), when it has no
    authentication at all (unless ``allow``), or when Station rejects every request to it
    (an exposure that can only be a mistake). Returns the endpoints exposed.
    """
    endpoints = covered(exposure.port, exposure.path, exact=exposure.exact)
    for endpoint in endpoints:
        problem = _refusal(settings, exposure, endpoint, allow=allow)
        if problem is not None:
            raise problem(guard)
    return endpoints


class Exposable(Protocol):
    """What :func:`expose` needs of a Station (``StationDeployment`` has all of it)."""

    auth_settings: AuthSettings
    exposures: list[Exposure]

    @property
    def network_policy(self) -> object | None:
        """The Station's NetworkPolicy construct, or ``None``."""


def expose(
    guard: _Guard,
    station: Exposable,
    exposures: Sequence[Exposure],
    *,
    allow: bool,
    edge_field: str = "edge_auth",
) -> tuple[tuple[Exposure, tuple[Endpoint, ...]], ...]:
    """Check ``exposures`` (one construct's routes) and record them on ``station``.

    The entry point for every construct that exposes Station outside the cluster
    (``StationIngress`` today; a Gateway API route construct the same way): each exposure
    passes :func:`check_exposure`, and edge authentication protecting paths that Station
    serves to anyone needs the Station's NetworkPolicy, or every pod could go around the
    edge. Returns each exposure with the endpoints it reaches.
    """
    checked = []
    bypassable: Exposure | None = None
    for exposure in exposures:
        endpoints = check_exposure(guard, station.auth_settings, exposure, allow=allow)
        checked.append((exposure, endpoints))
        for endpoint in endpoints:
            verdict = endpoint.decide(station.auth_settings)
            if exposure.edge_auth and verdict.access is Access.OPEN and not endpoint.harmless:
                bypassable = exposure
    if bypassable is not None and station.network_policy is None and not allow:
        raise guard.fail(
            edge_field,
            bypassable.edge_auth,
            "protects paths Station serves to anyone, but the Station renders no "
            "NetworkPolicy: every pod in the cluster reaches them directly, around the edge",
            "keep StationDeployment's network_policy (the default), or pass "
            "allow_unauthenticated_exposure=True",
        )
    station.exposures.extend(exposures)
    return tuple(checked)


def _refusal(
    settings: AuthSettings, exposure: Exposure, endpoint: Endpoint, *, allow: bool
) -> Callable[[_Guard], StationConfigError] | None:
    verdict = endpoint.decide(settings)
    paths = ", ".join(endpoint.paths)
    where = f"{exposure.via} exposes {endpoint.title} outside the cluster"
    rule = f"Station v0.23.0: '{endpoint.rule}' [{endpoint.source}]"
    if endpoint.never_expose and not allow:
        return lambda g: g.fail(
            exposure.field,
            exposure.shown,
            f"{where}; {rule}",
            "drop it (run management clients inside the namespace, e.g. kubectl "
            "port-forward), or pass allow_unauthenticated_exposure=True",
        )
    if verdict.access is Access.REJECTS_ALL:
        return lambda g: g.fail(
            exposure.field,
            exposure.shown,
            f"{where}, and with these settings Station rejects every request to it "
            f"({verdict.who}); {rule}",
            f"expose it only once Station can authenticate it ({endpoint.station_fix}), or "
            "run Station in local mode behind edge auth (edge_auth= on StationIngress or "
            "StationGatewayRoute), or do not expose it (for 8585: reach the UI with kubectl "
            "port-forward)",
        )
    if (
        verdict.access is Access.OPEN
        and not endpoint.harmless
        and not endpoint.never_expose
        and exposure.edge_auth is None
        and not allow
    ):
        mode = "local mode is on" if settings.local_mode else "local mode is off"
        return lambda g: g.fail(
            exposure.field,
            exposure.shown,
            f"{where} with nothing authenticating in front: Station serves {paths} to "
            f"{verdict.who} ({mode}); {rule}",
            "(1) authenticate at the edge: publish it through StationIngress(edge_auth="
            "EdgeAuth.nginx_auth_url(...) / nginx_basic_auth(...) / traefik_middleware(...)) "
            "or StationGatewayRoute(edge_auth=EdgeAuth.gateway_policy(...) / "
            "traefik_middleware(...)), "
            f"or (2) make Station authenticate it: {endpoint.station_fix}; "
            "allow_unauthenticated_exposure=True accepts it if a VPN or firewall is your "
            "authentication",
        )
    return None


def reach(
    settings: AuthSettings,
    served: tuple[str, ...],
    exposures: tuple[Exposure, ...],
    in_cluster: Mapping[str, list[str]],
) -> list[tuple[Endpoint, Verdict, list[str]]]:
    """Per endpoint listening: Station's verdict and who reaches it.

    ``in_cluster`` maps a port key to who inside the cluster reaches it (from the
    NetworkPolicy); exposures add the places outside the cluster.
    """
    rows = []
    for endpoint in ENDPOINTS:
        if endpoint.port not in served and endpoint.port != NATS:
            continue
        sources = list(in_cluster.get(endpoint.port, []))
        for exposure in exposures:
            if endpoint in covered(exposure.port, exposure.path, exact=exposure.exact):
                edge = f" behind {exposure.edge_auth}" if exposure.edge_auth else ""
                sources.append(f"{exposure.via}{edge}")
        rows.append((endpoint, endpoint.decide(settings), sources or ["only kubectl port-forward"]))
    return rows


def describe(
    settings: AuthSettings,
    served: tuple[str, ...],
    exposures: tuple[Exposure, ...],
    in_cluster: Mapping[str, list[str]],
) -> list[str]:
    """Lines saying, per served endpoint, who may call it and from where (see :func:`reach`)."""
    lines = []
    for endpoint, verdict, sources in reach(settings, served, exposures, in_cluster):
        lines.append(f"{endpoint.title}: {verdict.access.value}, {verdict.who}")
        lines.append("    reachable from: " + "; ".join(sources))
    return lines


def markdown_reach(rows: list[tuple[Endpoint, Verdict, list[str]]]) -> str:
    """The rows of :func:`reach` as a markdown table (one app's who-can-call-what)."""
    out = ["| endpoint | Station checks | reachable from |", "|---|---|---|"]
    for endpoint, verdict, sources in rows:
        who = _md(f"**{verdict.access.value}**: {verdict.who}")
        out.append(f"| {endpoint.title} | {who} | {_md('; '.join(sources))} |")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


#: The settings combinations the documentation's table shows, in column order.
README_COLUMNS: tuple[tuple[str, AuthSettings], ...] = (
    ("local mode on", AuthSettings(local_mode=True)),
    ("local mode off, nothing else", AuthSettings(local_mode=False)),
    ("off + `webhook_api_key`", AuthSettings(local_mode=False, webhook_key=True)),
    ("off + `cloudship_oauth`", AuthSettings(local_mode=False, cloudship_oauth=True)),
)


def markdown_table(columns: tuple[tuple[str, AuthSettings], ...] = README_COLUMNS) -> str:
    """The who-can-call-what table of ``docs/reaching-station.md``, from :data:`ENDPOINTS`."""
    header = "| endpoint | " + " | ".join(name for name, _ in columns) + " | exposable |"
    rows = [header, "|---|" + "---|" * len(columns) + "---|"]
    for endpoint in ENDPOINTS:
        cells = []
        for _, settings in columns:
            verdict = endpoint.decide(settings)
            cells.append(_md(f"**{verdict.access.value}**: {verdict.who}"))
        if endpoint.never_expose:
            exposable = "never (refused; not admitted from other namespaces)"
        elif endpoint.harmless:
            exposable = "yes"
        else:
            exposable = "when authenticated by Station or at the edge"
        rows.append(f"| {endpoint.title} | " + " | ".join(cells) + f" | {exposable} |")
    return "\n".join(rows) + "\n"


def settings_of(values: Mapping[str, str], secret_variables: tuple[str, ...]) -> AuthSettings:
    """The :class:`AuthSettings` a rendered ConfigMap and Secret variable list amount to."""
    return AuthSettings(
        local_mode=values.get("STATION_LOCAL_MODE") == "true",
        cloudship_oauth=values.get("STN_CLOUDSHIP_OAUTH_ENABLED") == "true"
        and bool(values.get("STN_CLOUDSHIP_OAUTH_CLIENT_ID")),
        webhook_key="STN_WEBHOOK_API_KEY" in secret_variables,
    )
