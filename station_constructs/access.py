"""Who can call what: Station's access control as its code does it, and where it is exposed.

One table per Station release (:data:`ENDPOINTS` is the default image's, v0.25.0; the
others through ``station_constructs.releases``) states for each port and path who may call
it under the rendered settings (local mode, CloudShip OAuth, webhook key, CloudShip),
quoting the rule and the source it comes from at that release's tag
(``docs/station-facts.md``, "Who can call what"). Everything else derives from it:

* the exposure guards of ``StationDeployment`` (LoadBalancer/NodePort), ``StationIngress``
  and any future route construct (:func:`check_exposure`);
* the NetworkPolicy's never-admitted ports (:func:`never_exposed`);
* the "who can call what" lines of ``guide.next_steps`` (:func:`describe`);
* the table in ``docs/reaching-station.md`` (:func:`markdown_table`, params_table.py).

Public (``__all__``): the value types a user meets, as ``station.auth_settings``,
``station.exposures`` and a release's table (``station_constructs.releases``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from ._access_match import ENDPOINTS as ENDPOINTS  # kept importable from here, not public
from ._access_match import covered as covered
from ._access_match import never_exposed as never_exposed
from ._access_match import settings_of as settings_of
from ._access_match import table
from ._access_match import verdicts as verdicts
from ._access_table import AGENT_MCP as AGENT_MCP  # port keys, as before the split
from ._access_table import API as API
from ._access_table import CLOUDSHIP as CLOUDSHIP
from ._access_table import MCP as MCP
from ._access_table import NATS, Access, AuthSettings, Endpoint, Verdict
from ._errors import StationConfigError, _Guard
from ._releases import DEFAULT_RELEASE

# The types a user meets (``station.auth_settings``, ``station.exposures``, a release's table);
# the functions below are the library's own, called by the constructs that expose Station.
__all__ = ["Access", "AuthSettings", "Endpoint", "Exposure", "Verdict"]


@dataclass(frozen=True)
class Exposure:
    """One place where a port (or a path of it) is reachable from outside the cluster.

    Args:
        via: What exposes it, e.g. ``Ingress 'station' (https://station.example.com)``.
        port: The StationPort value.
        path: The routed path (``/`` for a whole port, e.g. on a LoadBalancer).
        exact: The route matches only ``path`` itself.
        edge_auth: What authenticates in front of Station, or ``None``.
        field: The argument that made the exposure (named in refusals). Default:
            ``external_service.ports``.
        value: The value named in refusals. Default: ``path``.
        restricted: Only some source networks reach it (a LoadBalancer's
            ``loadBalancerSourceRanges`` narrower than the whole Internet).

    """

    via: str
    port: str
    path: str = "/"
    exact: bool = False
    edge_auth: str | None = None
    field: str = "external_service.ports"
    value: object = None
    restricted: bool = False

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
    endpoints = covered(
        exposure.port, exposure.path, exact=exposure.exact, release=settings.release
    )
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
            open_to_many = verdict.access is Access.OPEN or (
                verdict.access is Access.ANY_CLOUDSHIP_ACCOUNT and verdict.admin
            )
            if exposure.edge_auth and open_to_many and not endpoint.harmless:
                bypassable = exposure
    if bypassable is not None and station.network_policy is None and not allow:
        raise guard.fail(
            edge_field,
            bypassable.edge_auth,
            "protects paths Station serves to anyone (or to any CloudShip account, as an "
            "admin), but the Station renders no NetworkPolicy: every pod in the cluster "
            "reaches them directly, around the edge",
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
    rule = f"Station {settings.release}: '{endpoint.rule}' (docs/station-facts.md)"
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
            (
                f"expose it only once Station can authenticate it ({endpoint.station_fix}), or "
                if endpoint.station_fix
                else ""
            )
            + "run Station in local mode behind edge auth (edge_auth= on StationIngress or "
            "StationGatewayRoute), or do not expose it (for 8585: reach the UI with kubectl "
            "port-forward)",
        )
    if (
        verdict.access is Access.ANY_CLOUDSHIP_ACCOUNT
        and not endpoint.harmless
        and exposure.edge_auth is None
        and not allow
    ):
        return _any_account_refusal(settings, exposure, endpoint, verdict, where)
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
            "NginxAuthUrl(...) / NginxBasicAuth(...) / TraefikMiddleware(...)) "
            "or StationGatewayRoute(edge_auth=EnvoySecurityPolicy(...) / "
            "IstioAuthorizationPolicy(...) / TraefikMiddleware(...)), "
            + (
                f"or (2) make Station authenticate it: {endpoint.station_fix}; "
                if endpoint.station_fix
                else "or (2) do not expose it (reach it with kubectl port-forward); "
            )
            + "allow_unauthenticated_exposure=True accepts it if a VPN or firewall is your "
            "authentication",
        )
    return None


def _any_account_refusal(
    settings: AuthSettings, exposure: Exposure, endpoint: Endpoint, verdict: Verdict, where: str
) -> Callable[[_Guard], StationConfigError] | None:
    """Exposure where any CloudShip account's token passes: never for admins, else accepted."""
    edge = (
        "authenticate at the edge: StationIngress(edge_auth=...) or "
        "StationGatewayRoute(edge_auth=...)"
    )
    if verdict.admin:
        service = exposure.field.startswith("external_service")
        return lambda g: g.fail(
            exposure.field,
            exposure.shown,
            f"{where} with only CloudShip OAuth in front: any active CloudShip account's "
            "token passes, as an admin who can add MCP servers that run arbitrary commands "
            "in the pod",
            f"{edge}, or reach it with kubectl port-forward"
            + (" (ports=[StationPort.AGENT_MCP] exposes the MCP alone)" if service else ""),
        )
    if settings.accept_any_account or exposure.restricted:
        return None
    return lambda g: g.fail(
        exposure.field,
        exposure.shown,
        f"{where} with only CloudShip OAuth in front: any active CloudShip account's token "
        "passes, not only your organisation's",
        f"{edge}; or limit the sources (ExternalService.load_balancer(source_ranges=...)); "
        "or accept it with StationAuth.cloudship_oauth(..., accept_any_cloudship_account=True)",
    )


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
    for endpoint in table(settings.release):
        if endpoint.port == CLOUDSHIP:
            if settings.cloudship:
                rows.append((endpoint, endpoint.decide(settings), ["CloudShip (outbound)"]))
            continue
        if endpoint.port not in served and endpoint.port != NATS:
            continue
        sources = list(in_cluster.get(endpoint.port, []))
        for exposure in exposures:
            reached = covered(
                exposure.port, exposure.path, exact=exposure.exact, release=settings.release
            )
            if endpoint in reached:
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


#: The release :data:`ENDPOINTS` describes (the default image's).
ENDPOINTS_RELEASE = DEFAULT_RELEASE.tag

#: The settings combinations the documentation's table shows, in column order.
README_COLUMNS: tuple[tuple[str, AuthSettings], ...] = (
    ("local mode on", AuthSettings(local_mode=True)),
    ("local mode off, nothing else", AuthSettings(local_mode=False)),
    ("`StationAuth.webhook_key()`", AuthSettings(local_mode=False, webhook_key=True)),
    ("`StationAuth.cloudship_oauth(...)`", AuthSettings(local_mode=False, cloudship_oauth=True)),
    ("any `auth` + `CloudShip.connected()`", AuthSettings(local_mode=False, cloudship=True)),
)


def markdown_table(
    columns: tuple[tuple[str, AuthSettings], ...] = README_COLUMNS, release: str = ENDPOINTS_RELEASE
) -> str:
    """The who-can-call-what table of ``docs/reaching-station.md`` for ``release``."""
    header = "| endpoint | " + " | ".join(name for name, _ in columns) + " | exposable |"
    rows = [header, "|---|" + "---|" * len(columns) + "---|"]
    for endpoint in table(release):
        cells = []
        for _, given in columns:
            settings = replace(given, release=release)
            verdict = endpoint.decide(settings)
            cells.append(_md(f"**{verdict.access.value}**: {verdict.who}"))
        if endpoint.port == CLOUDSHIP:
            exposable = "not a port: an outbound connection (CloudShip.connected())"
        elif endpoint.never_expose:
            exposable = "never (refused; not admitted from other namespaces)"
        elif endpoint.harmless:
            exposable = "yes"
        else:
            exposable = "when authenticated by Station or at the edge"
        rows.append(f"| {endpoint.title} | " + " | ".join(cells) + f" | {exposable} |")
    return "\n".join(rows) + "\n"
