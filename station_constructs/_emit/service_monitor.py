"""Emit a ServiceMonitor as the typed ``monitoring.coreos.com/v1`` class.

One round trip to jsii's Node process: the typed props are built in Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .._k8s import ApiObjectMetadata, Construct

if TYPE_CHECKING:
    from .._imports.com.coreos.monitoring import ServiceMonitor

__all__ = ["emit_service_monitor"]


def emit_service_monitor(  # noqa: PLR0913 - one value per field of the object
    scope: Construct,
    id: str,
    *,
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    selector_labels: Mapping[str, str],
    port_name: str,
    interval: str,
    scrape_timeout: str | None,
) -> ServiceMonitor:
    """A ServiceMonitor scraping ``port_name`` over HTTP at ``/metrics``.

    The Services scraped are those with ``selector_labels`` in ``namespace``.
    """
    from .._imports.com.coreos import monitoring

    return monitoring.ServiceMonitor(
        scope,
        id,
        metadata=ApiObjectMetadata(name=name, namespace=namespace, labels=dict(labels)),
        spec=monitoring.ServiceMonitorSpec(
            selector=monitoring.ServiceMonitorSpecSelector(match_labels=dict(selector_labels)),
            namespace_selector=monitoring.ServiceMonitorSpecNamespaceSelector(
                match_names=[namespace]
            ),
            endpoints=[
                monitoring.ServiceMonitorSpecEndpoints(
                    port=port_name,
                    path="/metrics",
                    scheme=monitoring.ServiceMonitorSpecEndpointsScheme.HTTP,
                    interval=interval,
                    scrape_timeout=scrape_timeout,
                )
            ],
        ),
    )
