"""Settings of the Prometheus objects (ServiceMonitor, PrometheusRule).

Scrape timing, the user's labels, the namespaces Prometheus runs in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .._errors import _Guard
from .._validate import dns_label, duration_seconds, go_duration, labels_map, sequence

__all__ = ["extra_labels", "prometheus_namespaces", "scrape_timing"]


def scrape_timing(
    guard: _Guard, interval: str | int, scrape_timeout: str | int | None
) -> tuple[str, str | None]:
    """The scrape interval and timeout as Prometheus durations (timeout ``None``: unset)."""
    interval_s = duration_seconds(guard, "interval", interval, minimum=1)
    text = go_duration(interval_s)
    if scrape_timeout is None:
        return text, None
    timeout_s = duration_seconds(guard, "scrape_timeout", scrape_timeout, minimum=1)
    if timeout_s > interval_s:
        raise guard.fail(
            "scrape_timeout",
            scrape_timeout,
            f"is longer than interval {text!r}; Prometheus refuses the configuration",
            "use a timeout no longer than the interval",
        )
    return text, go_duration(timeout_s)


def extra_labels(guard: _Guard, labels: Mapping[str, str] | None) -> dict[str, str]:
    """The user's labels for the object; the construct's own keys are refused."""
    extra = labels_map(guard, "labels", labels)
    for key, value in extra.items():
        if key == "app" or key.startswith("app.kubernetes.io/"):
            raise guard.fail(
                f"labels[{key!r}]", value, "is set by the construct", "choose another key"
            )
    return extra


def prometheus_namespaces(guard: _Guard, value: Sequence[str]) -> tuple[str, ...]:
    """The namespaces Prometheus runs in, checked."""
    if isinstance(value, str):
        raise guard.fail(
            "prometheus_namespaces",
            value,
            "must be a list of namespaces, not one string",
            f"pass prometheus_namespaces=[{value!r}]",
        )
    return tuple(
        dns_label(guard, "prometheus_namespaces[]", ns)
        for ns in sequence(guard, "prometheus_namespaces", value, example="['monitoring']")
    )
