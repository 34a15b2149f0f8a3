"""The external Service of a StationDeployment (:class:`ExternalService`).

Public import path: ``station_constructs.options`` (or ``station_constructs``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import InitVar, dataclass

from ._errors import _Guard
from ._factory_only import BY_FACTORY, refuse_direct
from ._settings.station import ExternalAccess, StationPort
from ._validate import annotations_map, mapping, one_of, sequence
from ._validate_text import cidr

__all__ = ["ExternalService"]


@dataclass(frozen=True, repr=False)
class ExternalService:
    """The ``<name>-external`` Service: a LoadBalancer or a NodePort, and what it exposes.

    ``StationDeployment(external_service=...)``; default ``None`` (no external Service).
    A Service exposes whole ports and cannot authenticate: each port must be safe by
    Station's own rules (``auth=``) or ``allow_unauthenticated_exposure=True``. Build it
    with a factory.

    Attributes:
        access: A LoadBalancer or a NodePort (a private enum: the Service's type is
            ``station.external_service.type``).
        ports: The exposed ports; ``None``: the API (if served) and the agent MCP (as
            ``station.external_service_options`` reports it: resolved).
        node_ports: Fixed node ports per exposed port (NodePort only).
        source_ranges: CIDRs a LoadBalancer admits (LoadBalancer only).
        annotations: Annotations of the Service.

    """

    access: ExternalAccess
    ports: tuple[StationPort, ...] | None = None
    node_ports: Mapping[StationPort, int] | None = None
    source_ranges: tuple[str, ...] = ()
    annotations: Mapping[str, str] | None = None

    _factory: InitVar[object] = None

    def __post_init__(self, _factory: object) -> None:
        """Refuse a direct call: build it with a factory."""
        refuse_direct(
            self,
            _factory,
            "ExternalService.load_balancer(ports=..., source_ranges=..., annotations=...) or "
            "ExternalService.node_port(ports=..., node_ports=..., annotations=...)",
        )

    def __repr__(self) -> str:
        """The factory call that builds this value."""
        factory = "load_balancer" if self.access is ExternalAccess.LOAD_BALANCER else "node_port"
        given = {
            "ports": None if self.ports is None else list(self.ports),
            "node_ports": self.node_ports,
            "source_ranges": list(self.source_ranges) or None,
            "annotations": self.annotations,
        }
        shown = ", ".join(f"{k}={v!r}" for k, v in given.items() if v is not None)
        return f"ExternalService.{factory}({shown})"

    @staticmethod
    def load_balancer(
        *,
        ports: Sequence[StationPort] | None = None,
        source_ranges: Sequence[str] = (),
        annotations: Mapping[str, str] | None = None,
    ) -> ExternalService:
        """A ``LoadBalancer`` Service (on k3s served by ServiceLB on every node).

        Args:
            ports: Ports to expose. Default: the API (if served) and the agent MCP. The
                management MCP needs ``allow_unauthenticated_exposure``.
            source_ranges: CIDRs allowed through the load balancer
                (``loadBalancerSourceRanges``). Default: all.
            annotations: Annotations for the Service, e.g. a cloud load balancer's
                ``service.beta.kubernetes.io/aws-load-balancer-scheme: internal``.

        """
        guard = _Guard("ExternalService.load_balancer")
        ranges = tuple(
            cidr(guard, "source_ranges[]", r)
            for r in sequence(guard, "source_ranges", source_ranges, example="['203.0.113.0/24']")
        )
        return ExternalService(
            ExternalAccess.LOAD_BALANCER,
            ports=_ports(guard, ports),
            source_ranges=ranges,
            annotations=_annotations(guard, annotations),
            _factory=BY_FACTORY,
        )

    @staticmethod
    def node_port(
        *,
        ports: Sequence[StationPort] | None = None,
        node_ports: Mapping[StationPort, int] | None = None,
        annotations: Mapping[str, str] | None = None,
    ) -> ExternalService:
        """A ``NodePort`` Service: each exposed port on every node's address.

        Args:
            ports: Ports to expose. Default: the API (if served) and the agent MCP. The
                management MCP needs ``allow_unauthenticated_exposure``.
            node_ports: Fixed node ports (30000-32767) per exposed port. Default: chosen
                by Kubernetes.
            annotations: Annotations for the Service.

        """
        guard = _Guard("ExternalService.node_port")
        chosen = _ports(guard, ports)
        fixed = _node_ports(guard, node_ports, chosen)
        return ExternalService(
            ExternalAccess.NODE_PORT,
            ports=chosen,
            node_ports=fixed,
            annotations=_annotations(guard, annotations),
            _factory=BY_FACTORY,
        )


def _ports(guard: _Guard, ports: object) -> tuple[StationPort, ...] | None:
    if ports is None:
        return None
    given = sequence(guard, "ports", ports, example="[StationPort.AGENT_MCP]")
    chosen = tuple(one_of(guard, "ports[]", p, StationPort) for p in given)
    if not chosen or len(set(chosen)) != len(chosen):
        raise guard.fail(
            "ports",
            given,
            "must list at least one port, each once",
            "pass e.g. [StationPort.AGENT_MCP]",
        )
    return chosen  # type: ignore[return-value]


def _annotations(guard: _Guard, annotations: object) -> dict[str, str] | None:
    if annotations is None:
        return None
    return annotations_map(guard, "annotations", annotations)


def _node_ports(
    guard: _Guard, node_ports: object, chosen: tuple[StationPort, ...] | None
) -> dict[StationPort, int] | None:
    if node_ports is None:
        return None
    fixed = mapping(guard, "node_ports", node_ports, example="{StationPort.AGENT_MCP: 30087}")
    for which, number in fixed.items():
        one_of(guard, "node_ports[]", which, StationPort)
        if chosen is not None and which not in chosen:
            raise guard.fail(
                f"node_ports[{which}]",
                number,
                "names a port that is not exposed",
                "add it to ports or drop it",
            )
        if isinstance(number, bool) or not isinstance(number, int) or not 30000 <= number <= 32767:
            raise guard.fail(
                f"node_ports[{which}]",
                number,
                "must be in the default NodePort range 30000-32767",
                "pick a free port in 30000-32767, or leave it out to let Kubernetes choose",
            )
    if len(set(fixed.values())) != len(fixed):
        raise guard.fail("node_ports", fixed, "uses a node port twice", "use distinct ports")
    return fixed
