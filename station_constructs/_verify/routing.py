"""Routes of different Stations that catch each other's requests, and uncovered hosts.

Plain Python over the final Ingresses, HTTPRoutes and Gateways of every chart. Matching
follows the specifications: an Ingress host ``*.example.com`` covers exactly one label and
an exact host wins over it, so Ingresses compete on equal hosts; a Gateway API hostname
``*.example.com`` covers one or more labels, so HTTPRoutes compete when their hostnames
intersect. Paths compete when one Prefix covers the other by whole elements (or are equal).
Refused when two objects of which the library rendered one send intersecting requests to
different backends, per ingress class and per Gateway listener; and a route host a listener's
(or an Ingress's) certificate does not cover.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .model import DOCS, Finding, Rendered

__all__ = ["check_routes", "hosts_intersect", "paths_intersect"]

_CHECK = "route-overlap"


@dataclass(frozen=True)
class _Route:
    obj: Rendered
    field: str
    scope: tuple[str, ...]
    host: str
    """The host (``""``: every host)."""
    path: str
    exact: bool
    backend: str


def hosts_intersect(one: str, two: str, *, gateway: bool) -> bool:
    """Whether some request host matches both (Gateway API wildcards span labels)."""
    if not one or not two or one == two:
        return bool(gateway or one == two)
    if not gateway:
        return False  # an Ingress's exact host wins over a wildcard; wildcards differ
    for wild, other in ((one, two), (two, one)):
        if wild.startswith("*.") and other.removeprefix("*").endswith(wild[1:]):
            return True
    return False


def _elements(path: str) -> list[str]:
    return [p for p in path.split("/") if p]


def paths_intersect(one: tuple[str, bool], two: tuple[str, bool]) -> bool:
    """Whether some request path matches both ``(path, exact)`` matches."""
    (p1, e1), (p2, e2) = one, two
    if e1 and e2:
        return p1 == p2
    a, b = _elements(p1), _elements(p2)
    if e1:
        return a[: len(b)] == b
    if e2:
        return b[: len(a)] == a
    return a[: len(b)] == b or b[: len(a)] == a


def check_routes(objects: Iterable[Rendered]) -> Iterator[Finding]:
    """Overlaps across objects and charts, then hosts no certificate covers."""
    listed = list(objects)
    reported: set[int] = set()
    for group in _groups([r for obj in listed for r in _routes(obj)]):
        for i, route in enumerate(group):
            for other in group[:i]:
                if id(route.obj) not in reported and _competes(route, other):
                    reported.add(id(route.obj))
                    yield _overlap(route, other)
    yield from _uncovered(listed)


def _groups(routes: list[_Route]) -> Iterator[list[_Route]]:
    """Routes that may compete: one scope, hosts under one parent domain (or every host)."""
    groups: dict[tuple[tuple[str, ...], str], list[_Route]] = {}
    everywhere: dict[tuple[str, ...], list[_Route]] = {}
    for route in routes:
        if route.host:
            parent = ".".join(route.host.removeprefix("*.").split(".")[-2:])
            groups.setdefault((route.scope, parent), []).append(route)
        else:
            everywhere.setdefault(route.scope, []).append(route)
    for (scope, _), group in groups.items():
        yield [*everywhere.get(scope, []), *group]
    for scope, group in everywhere.items():
        if not any(key[0] == scope for key in groups):
            yield group


def _competes(one: _Route, two: _Route) -> bool:
    if one.obj is two.obj or one.backend == two.backend:
        return False
    if one.obj.owner is None and two.obj.owner is None:
        return False  # two objects of the user's own: not the library's business
    gateway = one.scope[0] == "gateway"
    return hosts_intersect(one.host, two.host, gateway=gateway) and paths_intersect(
        (one.path, one.exact), (two.path, two.exact)
    )


def _overlap(route: _Route, other: _Route) -> Finding:
    host = route.host or "every host"
    return Finding(
        route.obj,
        route.field,
        f"{host}{route.path}",
        f"also matches requests {other.obj.where()} routes ({other.host or 'every host'}"
        f"{other.path}) to another backend; the controller would send them to either",
        "give each Station hosts of its own that no wildcard of the other covers, e.g. "
        f"'{route.backend.rsplit('/', 1)[-1]}.example.com'; "
        f"for a deliberate exception: allow_rendered(obj, '{_CHECK}', reason=...) (see {DOCS})",
        _CHECK,
        other.obj,
    )


def _routes(obj: Rendered) -> Iterator[_Route]:
    spec = obj.body.get("spec") or {}
    if obj.kind == "Ingress":
        annotations = (obj.body.get("metadata") or {}).get("annotations") or {}
        klass = spec.get("ingressClassName") or annotations.get("kubernetes.io/ingress.class")
        scope = ("ingress", str(klass))
        for i, rule in enumerate(spec.get("rules") or []):
            paths = (rule.get("http") or {}).get("paths") or []
            for j, path in enumerate(paths):
                service = ((path.get("backend") or {}).get("service") or {}).get("name")
                yield _Route(
                    obj,
                    f"spec.rules[{i}].http.paths[{j}].path",
                    scope,
                    rule.get("host") or "",
                    str(path.get("path") or "/"),
                    path.get("pathType") == "Exact",
                    f"{obj.namespace}/{service}",
                )
    elif obj.kind == "HTTPRoute":
        yield from _http_routes(obj, spec)


def _http_routes(obj: Rendered, spec: dict[str, Any]) -> Iterator[_Route]:
    hosts = spec.get("hostnames") or [""]
    for parent in spec.get("parentRefs") or []:
        scope = (
            "gateway",
            str(parent.get("namespace") or obj.namespace),
            str(parent.get("name")),
            str(parent.get("sectionName") or ""),
        )
        for i, rule in enumerate(spec.get("rules") or []):
            backends = sorted(
                f"{b.get('namespace') or obj.namespace}/{b.get('name')}"
                for b in rule.get("backendRefs") or []
            )
            if not backends:
                continue  # a redirect: it serves no backend
            for j, match in enumerate(rule.get("matches") or [{}]):
                path = match.get("path") or {}
                for host in hosts:
                    yield _Route(
                        obj,
                        f"spec.rules[{i}].matches[{j}].path",
                        scope,
                        host,
                        str(path.get("value") or "/"),
                        path.get("type") == "Exact",
                        ",".join(backends),
                    )


def _covered(host: str, certificate: str) -> bool:
    """Whether a certificate name covers ``host`` (a wildcard covers exactly one label)."""
    if host == certificate:
        return True
    if certificate.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and head != "*" and rest == certificate[2:]
    return False


def _uncovered(objects: list[Rendered]) -> Iterator[Finding]:
    listeners: dict[tuple[str, str, str], str] = {}
    for obj in objects:
        if obj.kind == "Gateway":
            for listener in (obj.body.get("spec") or {}).get("listeners") or []:
                if listener.get("tls") and str(listener.get("hostname", "")).startswith("*."):
                    key = (obj.namespace, obj.name, str(listener.get("name")))
                    listeners[key] = str(listener["hostname"])
    for obj in objects:
        if obj.owner is None:
            continue
        spec = obj.body.get("spec") or {}
        if obj.kind == "HTTPRoute":
            for parent in spec.get("parentRefs") or []:
                key = (
                    str(parent.get("namespace") or obj.namespace),
                    str(parent.get("name")),
                    str(parent.get("sectionName") or ""),
                )
                wildcard = listeners.get(key)
                for i, host in enumerate(spec.get("hostnames") or []):
                    if wildcard is not None and not _covered(host, wildcard):
                        yield _no_certificate(obj, f"spec.hostnames[{i}]", host, wildcard)
        elif obj.kind == "Ingress" and spec.get("tls"):
            names = [h for tls in spec["tls"] for h in tls.get("hosts") or []]
            for i, rule in enumerate(spec.get("rules") or []):
                host = rule.get("host")
                if host and not any(_covered(host, name) for name in names):
                    yield _no_certificate(obj, f"spec.rules[{i}].host", host, ", ".join(names))


def _no_certificate(obj: Rendered, field: str, host: str, names: str) -> Finding:
    return Finding(
        obj,
        field,
        host,
        f"is not covered by the certificate ({names}; a wildcard covers exactly one label): "
        "clients would refuse the TLS connection",
        "use a host one label under the wildcard (e.g. 'station.example.com' for "
        f"'*.example.com'), or a listener with a certificate of its own (see {DOCS})",
        _CHECK,
    )
