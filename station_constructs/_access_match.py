"""What follows from a who-can-call-what table alone: lookups, verdicts, coverage.

The table of a release by tag, every endpoint's verdict, the never-exposed ports, the
endpoints a route covers, the settings a rendered pod amounts to.

The rows themselves are in ``_access_table``. Public import path: ``station_constructs.access``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._access_table import AuthSettings, Endpoint, Verdict, endpoints_of
from ._releases import CONSERVATIVE, DEFAULT_RELEASE, KNOWN

__all__ = ["ENDPOINTS", "covered", "never_exposed", "settings_of", "table", "verdicts"]

_TABLES: dict[str, tuple[Endpoint, ...]] = {}


def table(release: str) -> tuple[Endpoint, ...]:
    """The table of the release tagged ``release`` (``unknown``: the conservative model)."""
    if release not in _TABLES:
        _TABLES[release] = endpoints_of(KNOWN.get(release, CONSERVATIVE))
    return _TABLES[release]


#: The table of the default image's release.
ENDPOINTS: tuple[Endpoint, ...] = table(DEFAULT_RELEASE.tag)


def verdicts(settings: AuthSettings) -> dict[str, Verdict]:
    """The verdict of every endpoint (by key) under ``settings`` (and its release)."""
    return {e.key: e.decide(settings) for e in table(settings.release)}


def never_exposed() -> tuple[str, ...]:
    """Port keys that are never admitted from outside the Station's namespace."""
    return tuple(e.port for e in ENDPOINTS if e.never_expose)


def _elements(path: str) -> list[str]:
    return [p for p in path.split("/") if p]


def _inside(want: list[str], pattern: str) -> bool:
    """A route of ``want`` lies inside ``pattern`` (or is its own redirect to the subtree)."""
    have = _elements(pattern)
    if pattern.endswith("/") and have:
        return want[: len(have)] == have
    return False


def _reaches_catch_all(
    endpoints: tuple[Endpoint, ...], owner: Endpoint, want: list[str], exact: bool
) -> bool:
    if owner.catch_all == "every":
        return True
    others = [p for e in endpoints if e.port == owner.port and e is not owner for p in e.paths]
    if any(_inside(want, p) for p in others):
        return False
    return not (exact and any(_elements(p) == want and not p.endswith("/") for p in others))


def covered(
    port: str, path: str = "/", *, exact: bool = False, release: str = DEFAULT_RELEASE.tag
) -> tuple[Endpoint, ...]:
    """The endpoints a route of ``path`` to ``port`` reaches (``/``: the whole port).

    Served paths count as prefixes (``/mcp`` covers ``/mcp/x``), so a route into a served
    subtree reaches it too: the conservative reading for a guard. A catch-all row (the
    agent MCP of v0.23.0) is reached by every route not wholly inside another row's pattern.
    """
    want = _elements(path)
    endpoints = table(release)
    found = []
    for endpoint in endpoints:
        if endpoint.port != port:
            continue
        if endpoint.catch_all:
            if _reaches_catch_all(endpoints, endpoint, want, exact):
                found.append(endpoint)
            continue
        for served in endpoint.paths:
            have = _elements(served)
            under_route = not exact and have[: len(want)] == want
            inside_served = want[: len(have)] == have
            if under_route or inside_served:
                found.append(endpoint)
                break
    return tuple(found)


def settings_of(
    values: Mapping[str, str],
    secret_variables: tuple[str, ...],
    release: str,
    *,
    accept_any_account: bool = False,
) -> AuthSettings:
    """The :class:`AuthSettings` a rendered ConfigMap and Secret variable list amount to."""
    return AuthSettings(
        local_mode=values.get("STATION_LOCAL_MODE") == "true",
        cloudship_oauth=values.get("STN_CLOUDSHIP_OAUTH_ENABLED") == "true"
        and bool(values.get("STN_CLOUDSHIP_OAUTH_CLIENT_ID")),
        webhook_key="STN_WEBHOOK_API_KEY" in secret_variables,
        cloudship=values.get("STN_CLOUDSHIP_ENABLED") == "true",
        release=release,
        accept_any_account=accept_any_account,
    )
