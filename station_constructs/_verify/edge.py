"""Edge authentication undone by the rendered Ingress.

Plain Python over Kubernetes JSON. A ``StationIngress`` decides at construct time whether its
routes may be published (edge authentication, Station's own); labels, annotations and JSON
patches added afterwards can undo that decision. Checked on the final Ingress: the
authentication annotations still as written, the class still the controller's, and none of
the ingress-nginx annotations that bypass or nullify authentication or TLS (``satisfy:
any``, a constant ``auth-cache-key``, redirects, ``ssl-redirect: "false"``, snippets), and a
basic-auth Secret that is not the Station's key Secret.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .model import DOCS, Finding, IngressFacts, Rendered, StationFacts

__all__ = ["check_edge"]

_CHECK = "edge-auth"
_NGINX = "nginx.ingress.kubernetes.io/"
_REDIRECTS = (f"{_NGINX}permanent-redirect", f"{_NGINX}temporal-redirect")


def check_edge(
    obj: Rendered, facts: IngressFacts, stations: dict[tuple[str, str], StationFacts]
) -> Iterator[Finding]:
    """Every way the final Ingress weakens what its StationIngress checked."""
    metadata = obj.body.get("metadata") or {}
    annotations: dict[str, Any] = metadata.get("annotations") or {}
    spec = obj.body.get("spec") or {}

    def finding(field: str, value: Any, problem: str, fix: str) -> Finding:
        return Finding(
            obj,
            field,
            value,
            problem,
            f"{fix}; for a deliberate exception: allow_rendered(ingress.ingress, "
            f"'{_CHECK}', reason=...) (see {DOCS})",
            _CHECK,
        )

    class_name = spec.get("ingressClassName")
    if class_name != facts.class_name or "kubernetes.io/ingress.class" in annotations:
        shown = annotations.get("kubernetes.io/ingress.class", class_name)
        yield finding(
            "spec.ingressClassName",
            shown,
            f"the annotations are written for the {facts.controller} controller (class "
            f"'{facts.class_name}'); another controller ignores them, edge authentication "
            "included",
            "pass ingress_class_name= (with the matching controller=) to StationIngress "
            "instead of patching the class",
        )
    if facts.edge_auth:
        for key, value in facts.managed.items():
            if annotations.get(key) != value:
                yield finding(
                    f"metadata.annotations[{key!r}]",
                    annotations.get(key),
                    f"was {value!r} as StationIngress wrote it: a patch or add_annotation "
                    "changed or removed it, and the routes were admitted because of it",
                    "change edge_auth= on StationIngress instead of the annotation",
                )
    yield from _nginx(annotations, facts, stations, finding)


def _nginx(
    annotations: dict[str, Any],
    facts: IngressFacts,
    stations: dict[tuple[str, str], StationFacts],
    finding: Any,
) -> Iterator[Finding]:
    if facts.controller != "nginx":
        return
    field = "metadata.annotations"
    auth = facts.edge_auth
    if auth and str(annotations.get(f"{_NGINX}satisfy", "")).lower() == "any":
        yield finding(
            f"{field}['{_NGINX}satisfy']",
            "any",
            "lets a request through when either the IP allow-list or the authentication "
            "passes: from allowed addresses (or with no allow-list, from anywhere) nobody "
            "authenticates",
            "drop the annotation (the default 'all' needs both)",
        )
    cache_key = annotations.get(f"{_NGINX}auth-cache-key")
    if auth and isinstance(cache_key, str) and "$" not in cache_key:
        yield finding(
            f"{field}['{_NGINX}auth-cache-key']",
            cache_key,
            "is a constant: nginx caches one authentication answer for every user, so after "
            "one user signs in everyone is let through",
            "key the cache per credential, e.g. '$http_authorization$cookie__oauth2_proxy', "
            "or drop it",
        )
    for key in _REDIRECTS:
        if key in annotations:
            yield finding(
                f"{field}[{key!r}]",
                annotations[key],
                "sends every request elsewhere before routing: the Station's routes and their "
                "authentication never apply",
                "drop the annotation, or redirect with a separate Ingress",
            )
    if facts.tls and str(annotations.get(f"{_NGINX}ssl-redirect", "")).lower() == "false":
        yield finding(
            f"{field}['{_NGINX}ssl-redirect']",
            "false",
            "serves the routes over plain HTTP too: tokens and API keys would cross the "
            "network in clear text",
            "drop the annotation (HTTPS is enforced by default with tls=)",
        )
    for key in annotations:
        if key.startswith(_NGINX) and key.endswith("snippet"):
            yield finding(
                f"{field}[{key!r}]",
                "<snippet>",
                "raw nginx configuration can rewrite or skip the authentication and routing "
                "the construct checked (and is off by default in ingress-nginx 1.9+)",
                "use a dedicated annotation, or the controller's ConfigMap",
            )
    secret = annotations.get(f"{_NGINX}auth-secret")
    station = stations.get(facts.station)
    if station is not None and secret in (
        station.key_secret,
        f"{facts.namespace}/{station.key_secret}",
    ):
        yield finding(
            f"{field}['{_NGINX}auth-secret']",
            secret,
            "is the Station's key Secret: nginx would read its API keys as an htpasswd file "
            "(and a leaked htpasswd hash leaks the keys' Secret)",
            "create an htpasswd Secret of its own, e.g. NginxBasicAuth('station-basic-auth')",
        )
