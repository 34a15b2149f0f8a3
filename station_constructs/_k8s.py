"""The one module that imports cdk8s, cdk8s-plus-27 and the Kubernetes L1 classes.

Everything else in the package goes through these names, so a move to another
cdk8s-plus line (``cdk8s-plus-28`` ...) is a one-file change.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar, cast

import cdk8s
import cdk8s_plus_27 as kplus
from cdk8s import (
    ApiObject,
    ApiObjectMetadata,
    ApiObjectMetadataDefinition,
    App,
    Chart,
    Duration,
    ImplicitTokenResolver,
    IResolver,
    JsonPatch,
    LazyResolver,
    NumberStringUnionResolver,
    ResolutionContext,
    Size,
)
from cdk8s_plus_27 import k8s
from constructs import Construct, IValidation, Node

from ._errors import _Guard

__all__ = [
    "ApiObject",
    "ApiObjectMetadata",
    "ApiObjectMetadataDefinition",
    "App",
    "Chart",
    "IResolver",
    "IValidation",
    "ImplicitTokenResolver",
    "LazyResolver",
    "NumberStringUnionResolver",
    "ResolutionContext",
    "Construct",
    "Duration",
    "JsonPatch",
    "Node",
    "Size",
    "cdk8s",
    "k8s",
    "kplus",
    "AppState",
    "ObjectClaims",
    "app_key",
    "app_state",
    "app_value",
    "node_of",
    "remember_app",
    "construct_path",
    "guard_for",
    "LazyPath",
    "claim_name",
    "claim_object",
    "seconds",
    "mebibytes",
    "env_value",
    "millicores",
]


# Durations, sizes and CPU amounts are immutable jsii value objects; each creation is a round
# trip to the Node runtime, so the few distinct values a Station uses are made once per process.
@lru_cache(maxsize=256)
def seconds(amount: int) -> Duration:
    """``Duration.seconds(amount)``, shared."""
    return Duration.seconds(amount)


@lru_cache(maxsize=256)
def mebibytes(amount: int) -> Size:
    """``Size.mebibytes(amount)``, shared."""
    return Size.mebibytes(amount)


@lru_cache(maxsize=256)
def millicores(amount: int) -> kplus.Cpu:
    """``kplus.Cpu.millis(amount)``, shared."""
    return kplus.Cpu.millis(amount)


@lru_cache(maxsize=4096)
def env_value(value: str) -> kplus.EnvValue:
    """``kplus.EnvValue.from_value(value)``, shared (a plain value: immutable)."""
    return kplus.EnvValue.from_value(value)


def construct_path(scope: Construct) -> str:
    """The construct's path, used to prefix error messages (``app/chart/station``)."""
    return scope.node.path or scope.node.id


class LazyPath:
    """A construct's path, looked up (once) when first read: ``str(LazyPath(scope))``."""

    __slots__ = ("_path", "_ref", "_scope")

    def __init__(self, scope: Construct) -> None:
        self._scope: Construct | None = scope
        self._ref = _jsii_ref(scope)
        self._path = ""

    def is_path_of(self, scope: Construct) -> bool:
        """Whether this is ``scope``'s path, decided without asking for any path."""
        return self._ref == _jsii_ref(scope)

    def __str__(self) -> str:
        if self._scope is not None:
            self._path, self._scope = construct_path(self._scope), None
        return self._path

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return repr(str(self))

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


def _jsii_ref(scope: Construct) -> str:
    """The jsii object reference of ``scope`` (its identity in the Node process)."""
    return getattr(getattr(scope, "__jsii_ref__", None), "ref", None) or str(id(scope))


def guard_for(kind: str, scope: Construct) -> _Guard:
    """A guard whose messages start ``kind 'path'``; the path is built only for a message."""
    return _Guard(lambda: f"{kind} '{construct_path(scope)}'")


_T = TypeVar("_T")


class AppState:
    """What the library keeps about one App, reachable only through the App's constructs.

    ``values`` holds one value per type (:func:`app_value`): the object claims, the
    app-wide reservations, the App's resolvers, the final verification's facts. Nothing
    in a module refers to it: it goes away with the App's constructs.
    """

    __slots__ = ("__weakref__", "key", "values")

    def __init__(self, key: str) -> None:
        self.key = key
        """The App's jsii reference (equal for every proxy of the same App)."""
        self.values: dict[type, object] = {}
        """One value per type, made on first use (see :meth:`value`)."""

    def value(self, kind: Callable[[], _T]) -> _T:
        """The App's one ``kind()``, made on first use (``kind`` is a type)."""
        found = self.values.get(cast("type", kind))
        if found is None:
            found = self.values[cast("type", kind)] = kind()
        return cast("_T", found)


# Construct -> its App's state, held weakly on both sides (the state refers to constructs).
# A construct never changes App, and asking for the root costs two round trips, so each
# construct asks once.
_STATES: weakref.WeakKeyDictionary[Construct, weakref.ref[AppState]] = weakref.WeakKeyDictionary()
# App key -> its state. jsii may hand out a new Python proxy for the same App on each access
# (an App made in Node: ``Testing.app()``), hence the key.
_BY_KEY: weakref.WeakValueDictionary[str, AppState] = weakref.WeakValueDictionary()
# The attribute of the App (and of the construct that first asked) that holds the state: what
# keeps it alive exactly as long as the App's constructs.
_HOLDER = "_station_constructs_app_state"


def app_state(scope: Construct) -> AppState:
    """The state of ``scope``'s App (made on first use)."""
    try:
        found = _STATES[scope]()
        if found is not None:
            return found
    except (KeyError, TypeError):
        pass
    root = scope if isinstance(scope, App) else cast("Construct", scope.node.root)
    key = _jsii_ref(root)
    state = _BY_KEY.get(key)
    if state is None:
        state = _BY_KEY[key] = AppState(key)
    for holder in (scope, root):
        if getattr(holder, _HOLDER, None) is None:
            try:
                setattr(holder, _HOLDER, state)
            except (AttributeError, TypeError):  # a proxy that takes no attributes
                pass
        _remember(holder, state)
    return state


def _remember(scope: Construct, state: AppState) -> None:
    try:
        _STATES[scope] = weakref.ref(state)
    except TypeError:  # not weakly referenceable: app_state asks when needed
        pass


def app_key(scope: Construct) -> str:
    """The identity of ``scope``'s App (its root construct's jsii reference)."""
    return app_state(scope).key


def app_value(scope: Construct, kind: Callable[[], _T]) -> _T:
    """The one ``kind()`` of ``scope``'s App, made on first use (``kind`` is a type)."""
    return app_state(scope).value(kind)


def remember_app(child: Construct, scope: Construct) -> None:
    """Record that ``child`` (being created under ``scope``) is in ``scope``'s App.

    Its Chart is recorded too when that is known without asking (see :func:`chart_of`).
    """
    _remember(child, app_state(scope))
    _remember_chart(child, scope)


# Construct -> its Chart, when known from its scope at creation (asking is a round trip).
# The Chart is held weakly too: a strong value could keep its key alive through the App.
_CHARTS: weakref.WeakKeyDictionary[Construct, weakref.ref[Chart]] = weakref.WeakKeyDictionary()


def _remember_chart(child: Construct, scope: Construct) -> None:
    """Record ``child``'s Chart when its ``scope`` is a Chart made in Python or a known child."""
    chart = scope if isinstance(scope, Chart) else _known_chart(scope)
    if chart is not None:
        _CHARTS[child] = weakref.ref(chart)


def _known_chart(scope: Construct) -> Chart | None:
    ref = _CHARTS.get(scope)
    return None if ref is None else ref()


def chart_of(scope: Construct) -> Chart:
    """``Chart.of(scope)``, without a round trip for a construct whose Chart is recorded."""
    known = _known_chart(scope)
    return known if known is not None else Chart.of(scope)


class ObjectClaims(dict[tuple[str, str | None, str], "str | LazyPath"]):
    """Per App: ``(kind, namespace, name)`` -> the owner of the rendered object."""


# Construct -> its Node (a construct keeps one Node; reading it is a round trip).
_NODES: weakref.WeakKeyDictionary[Construct, Node] = weakref.WeakKeyDictionary()


def node_of(scope: Construct) -> Node:
    """``scope.node``, asked for once per construct."""
    try:
        return _NODES[scope]
    except (KeyError, TypeError):
        pass
    node = scope.node
    try:
        _NODES[scope] = node
    except TypeError:
        pass
    return node


# Construct -> the namespace of its Chart (asking is two round trips; a Chart's is fixed).
_CHART_NAMESPACES: weakref.WeakKeyDictionary[Construct, str | None] = weakref.WeakKeyDictionary()


def chart_namespace(scope: Construct) -> str | None:
    """The namespace of ``scope``'s Chart (``None`` without one), asked once per scope."""
    try:
        return _CHART_NAMESPACES[scope]
    except (KeyError, TypeError):
        pass
    namespace = Chart.of(scope).namespace
    try:
        _CHART_NAMESPACES[scope] = namespace
    except TypeError:
        pass
    return namespace


def claim_name(
    scope: Construct, kind: str, namespace: str | None, name: str, owner: str | LazyPath
) -> str | LazyPath | None:
    """Reserve ``kind/namespace/name`` app-wide; return the previous owner's path if taken.

    Two constructs rendering the same object would make ``kubectl apply`` overwrite one with
    the other, so the library refuses that at construct time. The claims are the App's
    (:func:`app_value`), so separate Apps (e.g. separate tests) never interfere.
    """
    registry = app_value(scope, ObjectClaims)
    key = (kind, namespace, name)
    previous = registry.get(key)
    if previous is None:
        registry[key] = owner
    return previous


def claim_object(
    scope: Construct,
    guard: _Guard,
    *,
    kind: str,
    namespace: str | None,
    name: str,
    field: str,
    fix: str,
    why: str = "applying both would overwrite one with the other",
    verb: str = "rendered",
    owner: Construct | None = None,
) -> None:
    """Reserve an object app-wide (:func:`claim_name`), or raise naming who has it already.

    ``owner`` (default ``scope``) is the construct named in a later collision's message.
    """
    previous = claim_name(scope, kind, namespace, name, LazyPath(owner or scope))
    if previous is not None:
        where = f"namespace '{namespace}'" if namespace else "the cluster"
        raise guard.fail(
            field, name, f"{kind} '{name}' in {where} is already {verb} by '{previous}'; {why}", fix
        )
