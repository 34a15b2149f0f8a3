"""The user's labels and pod annotations, checked against the construct's own.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .._errors import _Guard
from .._secret_material import secret_value_kind
from .station import _APPARMOR_PREFIX


@dataclass(frozen=True)
class LabelSettings:
    """Extra labels for every object, and annotations for the pod."""

    extra_labels: dict[str, str]
    annotations: dict[str, str]


def resolve_labels(
    guard: _Guard,
    *,
    labels: Mapping[str, str] | None,
    annotations: Mapping[str, str] | None,
    external_annotations: Mapping[str, str],
    restricted: bool,
) -> LabelSettings:
    """Refuse the construct's own keys, contradicting annotations and secret-shaped values."""
    extra_labels = dict(labels or {})
    for key in extra_labels:
        if key in ("app", "name") or key.startswith(
            ("app.kubernetes.io/", "pod-security.kubernetes.io/")
        ):
            raise guard.fail(
                f"labels[{key!r}]",
                extra_labels[key],
                "is set by the construct (selectors, the Namespace's name label and its "
                "Pod Security level depend on it)",
                "choose another label key",
            )
    _check_pod_annotations(guard, annotations or {}, restricted=restricted)
    refuse_secret_values(guard, "labels", extra_labels)
    refuse_secret_values(guard, "external_service.annotations", external_annotations)
    for key in annotations or {}:
        if key.startswith("station-constructs/"):
            raise guard.fail(
                f"annotations[{key!r}]",
                (annotations or {})[key],
                "is set by the construct (the config hash that restarts the pod)",
                "choose another annotation key",
            )
    return LabelSettings(extra_labels, dict(annotations or {}))


def _check_pod_annotations(
    guard: _Guard, annotations: Mapping[str, str], *, restricted: bool
) -> None:
    """Refuse pod annotations that contradict the pod or leak secrets."""
    scrape = annotations.get("prometheus.io/scrape", "").lower() == "true"
    if scrape and annotations.get("prometheus.io/port") != "9090":
        raise guard.fail(
            "annotations['prometheus.io/scrape']",
            annotations["prometheus.io/scrape"],
            "Station serves no Prometheus metrics (8585/metrics answers the web UI's HTML), so "
            "scraping this pod on "
            + (
                f"port {annotations['prometheus.io/port']}"
                if "prometheus.io/port" in annotations
                else "its ports"
            )
            + " would fail every time",
            "scrape Litestream's metrics on 9090 instead: LitestreamBackup(..., metrics="
            "LitestreamMetrics.served(prometheus_annotations=True, namespaces=['monitoring']))",
        )
    for key, value in annotations.items():
        if restricted and key.startswith(_APPARMOR_PREFIX) and value == "unconfined":
            raise guard.fail(
                f"annotations[{key!r}]",
                value,
                "the Namespace this construct renders enforces Pod Security 'restricted', "
                "which refuses an unconfined AppArmor profile: the pod would never be created",
                "drop the annotation (the runtime's default profile applies), or use "
                "'runtime/default'",
            )
    refuse_secret_values(guard, "annotations", annotations)


def refuse_secret_values(guard: _Guard, field: str, values: Mapping[str, str]) -> None:
    """Refuse label/annotation values shaped like credentials; the message omits the value."""
    for key, value in values.items():
        kind = secret_value_kind(value)
        if kind is not None:
            raise guard.fail(
                f"{field}[{key!r}]",
                "<redacted>",
                f"looks like {kind}; {field.rsplit('.', 1)[-1]} are readable by anyone who can "
                "read the object, and land in Git",
                f"remove the secret from {field} and keep it in a Secret",
            )
