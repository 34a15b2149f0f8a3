"""What the constructs of one App must not share, and which App a construct belongs to.

:func:`~station_constructs._k8s.claim_object` keeps one owner per rendered object. This
module keeps the other things two constructs of one App must not both use, although neither
renders them: a data claim two pods would mount, a PersistentVolume two claims would bind, a
Litestream replica two databases would write, an Ingress host and path two Ingresses would
route, a Secret an operator owns while another construct reads it under the same name. Every
check runs when the second construct is created, so the error points at that line.

What is taken is kept with the App (:func:`~station_constructs._k8s.app_value`), so separate
Apps never interfere and nothing outlives the App.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from ._errors import _Guard
from ._k8s import (
    Chart,
    Construct,
    LazyPath,
    ObjectClaims,
    app_key,
    app_value,
    construct_path,
    remember_app,
)

__all__ = [
    "app_key",
    "check_scope",
    "check_same_app",
    "check_secret_unread",
    "init_construct",
    "note_secret_reader",
    "reservations",
    "reserve",
    "use_secret_as",
]


class Reservations(dict[tuple[str, Hashable], Any]):
    """Per App: (topic, key) -> path of the construct that holds it (built for a message)."""


def reservations(scope: Construct) -> Reservations:
    """What the constructs of ``scope``'s App have taken (:func:`reserve` and the rest)."""
    return app_value(scope, Reservations)


def reserve(
    scope: Construct,
    guard: _Guard,
    *,
    topic: str,
    key: Hashable,
    field: str,
    value: Any,
    problem: str,
    fix: str,
) -> None:
    """Take ``key`` of ``topic`` app-wide for ``scope``, or raise if another construct has it.

    ``problem`` may contain ``{previous}``, replaced by the holder's construct path.
    """
    taken = reservations(scope)
    previous = taken.get((topic, key))
    if previous is not None and not _same_holder(previous, scope):
        raise guard.fail(field, value, problem.format(previous=previous), fix)
    taken[(topic, key)] = LazyPath(scope)


def _same_holder(holder: str | LazyPath, scope: Construct) -> bool:
    """Whether ``holder`` (a reservation's owner) is ``scope``; paths only for plain strings."""
    if isinstance(holder, LazyPath):
        return holder.is_path_of(scope)
    return holder == construct_path(scope)


# ---------------------------------------------------------------- Secrets: owner vs readers
def note_secret_reader(
    scope: Construct, guard: _Guard, *, namespace: str, name: str, field: str
) -> None:
    """Record that ``scope`` reads Secret ``namespace/name`` made by someone else (by hand).

    Refused when an operator-backed source (ExternalSecret, SealedSecret) or cert-manager
    already owns that Secret in this App: the operator writes only its own keys and replaces
    the Secret, so keys created by hand for this reader would vanish or never be there.
    """
    owner = app_value(scope, ObjectClaims).get(("Secret", namespace, name))
    if owner is not None:
        raise guard.fail(
            f"{field}.name",
            name,
            f"Secret '{name}' in namespace '{namespace}' is produced and owned by "
            f"'{owner}' (an operator writes exactly its own keys into it); reading it "
            "through another source leaves the keys this construct needs missing",
            "pass the same source instance to both constructs (e.g. credentials="
            "S3Credentials.from_secret(station.secret_source)) so one object provides every "
            "key, or give this "
            f"source its own name=, e.g. '{name}-extra'",
        )
    reservations(scope).setdefault(("secret-reader", (namespace, name)), LazyPath(scope))


def check_secret_unread(
    scope: Construct, guard: _Guard, *, namespace: str, name: str, field: str
) -> None:
    """Refuse to produce Secret ``namespace/name`` that another construct reads as its own."""
    reader = reservations(scope).get(("secret-reader", (namespace, name)))
    if reader is not None:
        raise guard.fail(
            field,
            name,
            f"Secret '{name}' in namespace '{namespace}' is already read by '{reader}' as a "
            "Secret you create yourself; an operator producing it would replace its keys "
            "with its own",
            f"give this one its own name (e.g. '{name}-managed'), or pass this same source "
            "to the other construct too",
        )


def use_secret_as(
    scope: Construct,
    guard: _Guard,
    *,
    namespace: str,
    name: str,
    purpose: str,
    field: str,
    fix: str,
) -> None:
    """Record that ``scope`` reads Secret ``namespace/name`` as ``purpose``; refuse a mix.

    One Secret cannot be both a TLS certificate (``kubernetes.io/tls``: ``tls.crt``,
    ``tls.key``) and the keys a pod reads as environment variables.
    """
    taken = reservations(scope)
    previous = taken.get(("secret-purpose", (namespace, name)))
    if previous is not None and previous[0] != purpose:
        other_purpose, holder = previous
        raise guard.fail(
            field,
            name,
            f"Secret '{name}' in namespace '{namespace}' is already used by '{holder}' as "
            f"{other_purpose}; one Secret cannot hold both a TLS certificate and the keys a "
            "pod reads, and cert-manager would overwrite the keys",
            fix,
        )
    taken.setdefault(("secret-purpose", (namespace, name)), (purpose, LazyPath(scope)))


# ---------------------------------------------------------------- scope and App
def check_scope(scope: object, id: object, what: str, child: Construct | None = None) -> None:
    """Refuse a scope that is not a construct under a Chart, and an empty or taken ``id``.

    Runs before ``Construct.__init__``, which would raise a jsii ``RuntimeError`` or
    ``TypeError`` for each of these. ``child``, the construct about to be created, is
    recorded as belonging to ``scope``'s App (which saves asking for it later).
    """
    where = f"{what} '{id}'" if isinstance(id, str) and id else what
    guard = _Guard(where)
    if not isinstance(scope, Construct):
        raise guard.fail(
            "scope",
            type(scope).__name__,
            "must be a construct (a cdk8s Chart or a construct inside one)",
            f"pass the chart first: {what}(chart, 'station', ...) with chart = Chart(app, "
            "'station')",
        )
    if not isinstance(id, str) or not id:
        raise _Guard(f"{what} in '{construct_path(scope)}'").fail(
            "id",
            id,
            "must be a non-empty string (only an App, the root, has an empty id)",
            f"pass a short id such as {what}(chart, 'station', ...)",
        )
    guard = _Guard(lambda: f"{what} '{_child_path(scope, id)}'")
    if not _has_chart(scope):
        raise guard.fail(
            "scope",
            construct_path(scope) or type(scope).__name__,
            "is not inside a cdk8s Chart; only a Chart's objects are synthesized",
            f"create a chart and pass it: chart = Chart(app, 'station'); {what}(chart, "
            f"{id!r}, ...)",
        )
    # A taken id is refused by Construct.__init__ (see init_construct), which saves asking first.
    if child is not None:
        remember_app(child, scope)


def init_construct(construct: Construct, scope: Construct, id: str) -> None:
    """``Construct.__init__(construct, scope, id)``; a taken id raises StationConfigError.

    Each of the library's constructs calls this in place of ``super().__init__(scope, id)``
    (after :func:`check_scope`). cdk8s refuses a second child with the same id in
    ``Construct.__init__`` with a jsii ``RuntimeError``; this turns it into the library's
    message (the construct's path, the id, the fix) without asking cdk8s about the id
    beforehand, which would cost a round trip. It also records the construct's App and
    Chart, known from its scope.
    """
    try:
        Construct.__init__(construct, scope, id)
    except RuntimeError as error:
        if "There is already a Construct with name" not in str(error):
            raise
        what = type(construct).__name__
        raise _Guard(lambda: f"{what} '{_child_path(scope, id)}'").fail(
            "id",
            id,
            f"'{construct_path(scope)}' already has a construct with this id",
            f"give each construct in one scope its own id, e.g. '{id}-2'",
        ) from None
    # A child is in its scope's App and Chart: known without asking (see app_key).
    remember_app(construct, scope)


def check_same_app(scope: Construct, guard: _Guard, station: Construct) -> None:
    """Refuse attaching ``scope`` (in one App) to a Station of another App."""
    if app_key(scope) != app_key(station):
        raise guard.fail(
            "station",
            construct_path(station),
            "belongs to another App: its pod would be changed in that App's output while "
            "this construct's objects land in this one (or nowhere)",
            "create this construct in a chart of the Station's App, or create the Station "
            "in this App",
        )


def _child_path(scope: Construct, id: object) -> str:
    parent = construct_path(scope)
    return f"{parent}/{id}" if parent else str(id)


def _has_chart(scope: Construct) -> bool:
    # A Chart made in Python is recognised without a round trip; others are asked for.
    return isinstance(scope, Chart) or any(Chart.is_chart(node) for node in scope.node.scopes)
