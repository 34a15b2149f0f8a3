"""Emit a rendered PrometheusRule as the typed ``monitoring.coreos.com/v1`` class.

Three round trips to jsii's Node process, however many rules: the object is created with
its metadata and an empty spec, and the spec is added as one JSON patch. (Typed rules would
cost one more per rule: each ``expr`` is a ``PrometheusRuleSpecGroupsRulesExpr`` made by a
static call.) The class maps its JSON through its bindings after patches, so the patch holds
the spec as its props (``expr`` as ``{"value": ...}``, maps with their keys sorted, as
cdk8s sorts the props it is given).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._k8s import ApiObjectMetadata, Construct, JsonPatch, remember_app
from .resolve import resolve

if TYPE_CHECKING:
    from .._imports.com.coreos.monitoring import PrometheusRule

__all__ = ["emit_prometheus_rule"]


def emit_prometheus_rule(scope: Construct, id: str, manifest: Mapping[str, Any]) -> PrometheusRule:
    """A rendered PrometheusRule (``render.alerts.prometheus_rule``) as ``scope/id``."""
    from .._imports.com.coreos import monitoring

    meta = manifest["metadata"]
    rule = monitoring.PrometheusRule(
        scope,
        id,
        metadata=ApiObjectMetadata(
            name=meta["name"], namespace=meta["namespace"], labels=meta["labels"]
        ),
        spec=monitoring.PrometheusRuleSpec(),
    )
    groups = [
        {"name": group["name"], "rules": [_rule_props(r) for r in group["rules"]]}
        for group in manifest["spec"]["groups"]
    ]
    remember_app(rule, scope)
    # cdk8s resolves an object's props, never its patches: the App's resolvers run here.
    rule.add_json_patch(JsonPatch.add("/spec", resolve(rule, ["spec"], {"groups": groups})))
    return rule


def _rule_props(rule: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "alert": rule["alert"],
        "annotations": dict(sorted(rule["annotations"].items())),
        "expr": {"value": rule["expr"]},
        "for": rule["for"],
        "labels": dict(sorted(rule["labels"].items())),
    }
