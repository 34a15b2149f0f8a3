"""Station's ports published by objects the library's exposure guards never saw.

Plain Python over Kubernetes JSON. ``StationIngress``, ``StationGatewayRoute`` and
``StationDeployment(external_service=...)`` check each exposure against who can call what when
they are created. An Ingress or HTTPRoute of the user's own that routes to a Station's
Service, a Service of type LoadBalancer or NodePort selecting a Station's pod, or the
Station's Service patched into one, publishes Station around those checks: each route or
port is put through the same decision (:func:`refusal`, the one adapter to
``station_constructs.access``), with nothing known to authenticate in front.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .._errors import StationConfigError, _Guard
from ..access import Exposure, check_exposure
from .model import DOCS, Finding, Rendered, StationFacts

__all__ = ["check_exposures", "refusal"]

_CHECK = "exposure"


def refusal(station: Any, exposure: Exposure) -> StationConfigError | None:
    """The refusal of ``exposure`` by ``station``'s access rules, or ``None`` (the adapter)."""
    try:
        check_exposure(
            _Guard(""),
            station.auth_settings,
            exposure,
            allow=station.allow_unauthenticated_exposure,
        )
    except StationConfigError as error:
        return error
    return None


def check_exposures(
    objects: Iterable[Rendered], stations: dict[tuple[str, str], StationFacts]
) -> Iterator[Finding]:
    """Every route or port of an unchecked object that the access rules refuse."""
    for obj in objects:
        for station, field, port, path, exact in _published(obj, stations):
            exposure = Exposure(
                via=f"{obj.kind} '{obj.namespace}/{obj.name}'",
                port=port,
                path=path,
                exact=exact,
                field=field,
            )
            error = refusal(station.station, exposure)
            if error is not None:
                yield Finding(
                    obj,
                    field,
                    f"{path} ({port})",
                    f"bypasses the library's checks: {error.problem.split('; Station v')[0]}",
                    "use StationIngress/StationGatewayRoute with edge_auth=, or "
                    f"allow_rendered(obj, '{_CHECK}', reason=...) (see {DOCS})",
                    _CHECK,
                )
                break


def _published(
    obj: Rendered, stations: dict[tuple[str, str], StationFacts]
) -> Iterator[tuple[StationFacts, str, str, str, bool]]:
    spec = obj.body.get("spec") or {}
    if obj.kind == "Ingress" and obj.owner is None:
        for i, rule in enumerate(spec.get("rules") or []):
            for j, path in enumerate((rule.get("http") or {}).get("paths") or []):
                service = (path.get("backend") or {}).get("service") or {}
                found = _station_port(stations, obj.namespace, service)
                if found is not None:
                    field = f"spec.rules[{i}].http.paths[{j}].backend.service"
                    exact = path.get("pathType") == "Exact"
                    yield found[0], field, found[1], str(path.get("path") or "/"), exact
    elif obj.kind == "HTTPRoute" and obj.owner is None:
        yield from _http_route(obj, spec, stations)
    elif obj.kind == "Service" and spec.get("type") in ("LoadBalancer", "NodePort"):
        yield from _service(obj, spec, stations)


def _http_route(
    obj: Rendered, spec: dict[str, Any], stations: dict[tuple[str, str], StationFacts]
) -> Iterator[tuple[StationFacts, str, str, str, bool]]:
    for i, rule in enumerate(spec.get("rules") or []):
        for j, backend in enumerate(rule.get("backendRefs") or []):
            namespace = str(backend.get("namespace") or obj.namespace)
            ref = {"name": backend.get("name"), "port": {"number": backend.get("port")}}
            found = _station_port(stations, namespace, ref)
            if found is None:
                continue
            for match in rule.get("matches") or [{}]:
                path = match.get("path") or {}
                exact = path.get("type") == "Exact"
                value = (
                    str(path.get("value") or "/")
                    if path.get("type") != "RegularExpression"
                    else "/"
                )
                yield found[0], f"spec.rules[{i}].backendRefs[{j}]", found[1], value, exact


def _service(
    obj: Rendered, spec: dict[str, Any], stations: dict[tuple[str, str], StationFacts]
) -> Iterator[tuple[StationFacts, str, str, str, bool]]:
    selector = spec.get("selector") or {}
    for station in stations.values():
        if station.namespace != obj.namespace or (obj.name in station.external_services):
            continue
        if not selector or any(station.pod_labels.get(k) != v for k, v in selector.items()):
            continue
        for i, port in enumerate(spec.get("ports") or []):
            target = port.get("targetPort", port.get("port"))
            name = station.ports.get(target) if isinstance(target, int) else target
            if name in station.ports.values():
                yield station, f"spec.ports[{i}]", str(name), "/", False


def _station_port(
    stations: dict[tuple[str, str], StationFacts],
    namespace: str,
    service: dict[str, Any],
) -> tuple[StationFacts, str] | None:
    for station in stations.values():
        if station.namespace != namespace or service.get("name") != station.service:
            continue
        port = service.get("port") or {}
        number, name = port.get("number"), port.get("name")
        found = station.ports.get(number) if number is not None else name
        if found in station.ports.values():
            return station, str(found)
    return None
