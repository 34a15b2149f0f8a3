"""An App's resolvers (``App(resolvers=[...])``) over bodies rendered in Python.

cdk8s runs every resolver of the App over the props of an ``ApiObject`` when it synthesizes,
before the object's JSON patches; a body the library sends as a JSON patch or renders at
synthesis (``emit/objects.py``, ``emit/deferred.py``, the PrometheusRule's rules) is outside
that walk, so this module repeats it in Python, as ``cdk8s.resolve`` does it: every value,
containers before their items, the first resolver that replaces a value wins and the new
value is resolved again.

cdk8s's own three resolvers (``Lazy`` values, implicit tokens, number-or-string unions) do
nothing to plain JSON data, so an App without resolvers of its own costs two round trips,
once (asking for its resolvers); with custom resolvers, each value costs a
``ResolutionContext`` and the calls the resolver makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._k8s import (
    ApiObject,
    App,
    ImplicitTokenResolver,
    IResolver,
    LazyResolver,
    NumberStringUnionResolver,
    ResolutionContext,
    app_value,
)

__all__ = ["custom_resolvers", "resolve"]

_BUILT_IN = (LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver)


class _CustomResolvers:
    """Per App: its resolvers other than cdk8s's own (fixed when the App is created)."""

    __slots__ = ("found",)

    def __init__(self) -> None:
        self.found: tuple[IResolver, ...] | None = None


def custom_resolvers(obj: ApiObject) -> tuple[IResolver, ...]:
    """The resolvers of ``obj``'s App other than cdk8s's built-in ones, asked once per App."""
    kept = app_value(obj, _CustomResolvers)
    if kept.found is None:
        kept.found = tuple(r for r in App.of(obj).resolvers if not isinstance(r, _BUILT_IN))
    return kept.found


def resolve(obj: ApiObject, key: Sequence[str], value: Any) -> Any:
    """``value`` (at ``key`` in ``obj``) after the App's own resolvers, as cdk8s would."""
    resolvers = custom_resolvers(obj)
    return value if not resolvers else _resolve(obj, resolvers, list(key), value)


def _resolve(obj: ApiObject, resolvers: tuple[IResolver, ...], key: list[str], value: Any) -> Any:
    if value is None:
        return value
    context = ResolutionContext(obj, key, value)
    for resolver in resolvers:
        resolver.resolve(context)
        if context.replaced:
            return _resolve(obj, resolvers, key, context.replaced_value)
    if isinstance(value, list):
        return [_resolve(obj, resolvers, [*key, str(i)], v) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _resolve(obj, resolvers, [*key, k], v) for k, v in value.items()}
    return value
