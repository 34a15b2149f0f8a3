"""The final verification as a cdk8s validation, registered once per App.

The first library construct of an App registers it (``register``); at every synthesis
(``app.synth()``, ``Testing.synth``) cdk8s runs it before writing anything: it reads each
chart's objects once (``chart.to_json()``, the users' labels, annotations and JSON patches
applied), names each object's construct from the object claims the constructs made, and
raises the first finding as a :class:`~station_constructs.StationConfigError`. Through
jsii the error reaches the caller of ``app.synth()`` as a ``RuntimeError`` with the same
message; :func:`verify_app` raises the ``StationConfigError`` itself.
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import jsii

from .._emit.synthesis import read as synthesis_read
from .._emit.synthesis import reading, verified_now
from .._errors import StationConfigError, _Guard
from .._k8s import (
    ApiObject,
    App,
    AppState,
    Chart,
    Construct,
    IValidation,
    LazyPath,
    ObjectClaims,
    app_state,
    node_of,
)
from ..access import Exposure
from .model import Facts, Finding, IngressFacts, Rendered, StationFacts
from .run import findings

__all__ = [
    "allow_rendered",
    "facts_of",
    "note_ingress",
    "note_station",
    "register",
    "verify_app",
]

_RUNNING: set[str] = set()  # the keys of the Apps being verified now
_CHECKS = ("pod", "data-claim", "secret-material", "edge-auth", "route-overlap", "exposure")


def facts_of(scope: Construct) -> Facts:
    """The facts of ``scope``'s App; registers the verification on first use."""
    values = app_state(scope).values
    facts = cast("Facts | None", values.get(Facts))
    if facts is None:
        facts = values[Facts] = Facts()
        node_of(scope).add_validation(_Verification(scope))
    return facts


register = facts_of


@jsii.implements(IValidation)
class _Verification:
    """The cdk8s validation: runs the final verification over the construct's App."""

    def __init__(self, scope: Construct) -> None:
        self._scope = scope
        self._app = app_state(scope)
        self._root: Construct | None = None

    def validate(self) -> list[str]:
        """Raise the first finding (cdk8s would prefix a returned message with a path)."""
        if self._app.key in _RUNNING or verified_now(self._app):
            # Reading a chart's objects made cdk8s validate the App again, or cdk8s
            # validates before writing a chart of the synthesis verified already.
            return []
        if self._root is None:
            self._root = App.of(self._scope)  # one round trip (node.root costs two)
        _run(self._root, self._app)
        return []


def verify_app(app: Construct) -> None:
    """Run the final verification over every chart of ``app``; raise the first finding.

    cdk8s runs it at every synthesis; call it yourself to get the
    :class:`~station_constructs.StationConfigError` (jsii hands ``app.synth()``'s caller a
    ``RuntimeError`` with the same message).
    """
    root = cast("Construct", app.node.root)
    _run(root, app_state(root))


def _run(root: Construct, app: AppState) -> None:
    if app.key in _RUNNING:
        return
    _RUNNING.add(app.key)
    try:
        with reading(app):
            _verify(root, app)
    finally:
        _RUNNING.discard(app.key)


def _verify(root: Construct, app: AppState) -> None:
    facts = cast("Facts | None", app.values.get(Facts)) or Facts()
    owners = app.value(ObjectClaims)
    objects: list[Rendered] = []
    for chart in _charts(root):
        where = LazyPath(chart)
        for read in chart.to_json():
            body = synthesis_read(read)
            meta = body.get("metadata") or {}
            claim = (str(body.get("kind")), meta.get("namespace"), str(meta.get("name")))
            objects.append(Rendered(body, where, owners.get(claim)))
    for found in findings(objects, facts):
        raise _error(found)


def _charts(root: Construct) -> list[Chart]:
    if isinstance(root, App):
        return list(root.charts)
    return [c for c in root.node.find_all() if isinstance(c, Chart)]


def _error(found: Finding) -> StationConfigError:
    return _Guard(found.obj.where()).fail(found.field, found.value, found.problem, found.fix)


def allow_rendered(obj: Construct, check: str, *, reason: str) -> None:
    """Waive the final verification's ``check`` for ``obj`` (an ApiObject), deliberately.

    ``check`` is one of ``pod``, ``data-claim``, ``secret-material``, ``edge-auth``,
    ``route-overlap``, ``exposure``; ``reason`` (required) says why, for whoever reviews the
    app. Waiving ``edge-auth`` on a StationIngress's Ingress also says so wherever the
    Station's exposures are reported (``next_steps``): its routes are no longer simply
    "behind" the edge authentication.
    """
    guard = _Guard("allow_rendered")
    if check not in _CHECKS:
        raise guard.fail("check", check, f"is not a check: one of {', '.join(_CHECKS)}", "pass one")
    if not isinstance(reason, str) or not reason.strip():
        raise guard.fail(
            "reason",
            reason,
            "is required",
            "say why the exception is deliberate, e.g. "
            "reason='a VPN authenticates in front of the controller'",
        )
    api = obj if isinstance(obj, ApiObject) else ApiObject.of(obj)
    namespace = api.metadata.namespace or "default"
    kind, name = api.kind, api.name
    facts = facts_of(api)
    facts.allowed[(check, kind, namespace, name)] = reason
    ingress = facts.ingresses.get((namespace, name))
    if check == "edge-auth" and kind == "Ingress" and ingress is not None:
        station = facts.stations.get(ingress.station)
        if station is not None:
            _mark_weakened(station.station.exposures, f"Ingress '{name}' (", reason)


def _mark_weakened(exposures: list[Exposure], via: str, reason: str) -> None:
    """Say in each exposure through ``via`` that its edge authentication check was waived."""
    for i, exposure in enumerate(exposures):
        if exposure.via.startswith(via) and exposure.edge_auth:
            note = f"{exposure.edge_auth}, weakened on purpose ({reason})"
            exposures[i] = dataclasses.replace(exposure, edge_auth=note)


def note_station(station: Any) -> None:
    """Record a StationDeployment's Deployment, data claim and key Secret (and register)."""
    facts = facts_of(station)
    facts.stations[(station.namespace, station.name)] = StationFacts(
        namespace=station.namespace,
        deployment=station.name,
        claim=station.pvc_name,
        key_secret=station.secret_name,
        owner=LazyPath(station),
        service=station.service_name,
        external_services=tuple(filter(None, [station.external_service_name])),
        pod_labels=dict(station.selector_labels),
        ports={number: port.value for port, number in station.ports.items()},
        station=station,
    )


def note_ingress(ingress: Any) -> None:
    """Record what a StationIngress checked its Ingress's routes against (and register)."""
    facts = facts_of(ingress)
    edge = ingress.edge_auth
    managed = {}
    if edge is not None:
        managed = {k: v for k, v in ingress.annotations.items() if _is_auth(k)}
    facts.ingresses[(ingress.namespace, ingress.name)] = IngressFacts(
        namespace=ingress.namespace,
        name=ingress.name,
        controller=ingress.controller.value,
        class_name=ingress.ingress_class_name,
        edge_auth=edge is not None,
        managed=managed,
        tls=ingress.tls is not None,
        station=(ingress.station.namespace, ingress.station.name),
        owner=LazyPath(ingress),
    )


def _is_auth(key: str) -> bool:
    return key.startswith("nginx.ingress.kubernetes.io/auth-") or key.endswith("router.middlewares")
