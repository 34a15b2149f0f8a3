"""Exposure outside the cluster without an Ingress: the external Service and its ports.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .._errors import _Guard
from ..access import AuthSettings, Exposure, check_exposure
from .ports import PortSettings
from .station import ExternalAccess, StationPort


@dataclass(frozen=True)
class ExposureSettings:
    """How Station is reachable from outside, and every port so exposed, each checked."""

    external_access: ExternalAccess
    external_ports: tuple[StationPort, ...]
    allow_unauthenticated_exposure: bool
    external_annotations: dict[str, str]
    exposures: tuple[Exposure, ...]


def resolve_exposure(  # noqa: PLR0913 - keyword-only, one per StationDeployment argument
    guard: _Guard,
    ports: PortSettings,
    auth: AuthSettings,
    *,
    name: str,
    external_access: ExternalAccess,
    external_ports: Sequence[StationPort] | None,
    node_ports: Mapping[StationPort, int] | None,
    allow_unauthenticated_exposure: bool,
    external_service_annotations: Mapping[str, str] | None,
    source_ranges: Sequence[str] = (),
) -> ExposureSettings:
    """Refuse exposing an unserved or unauthenticated port, or a node port for neither.

    ``ExternalService``'s factories checked the ports, node ports, ranges and annotations
    and allow only the settings of their kind of Service.
    """
    chosen = _chosen_ports(guard, ports, external_access, external_ports)
    # A Service exposes whole ports, and has no authentication of its own: each port
    # must be safe by Station's own rules (access.py).
    exposures: list[Exposure] = []
    for p in chosen:
        exposure = Exposure(
            via=f"the {external_access.value} Service '{name}-external' "
            f"(port {ports.ports[p]}, StationPort.{p.name})",
            port=p.value,
            field="external_service.ports" if external_ports is not None else "external_service",
            value=p
            if external_ports is not None
            else _service_call(
                external_access, node_ports, source_ranges, external_service_annotations
            ),
            restricted=narrow(source_ranges),
        )
        check_exposure(guard, auth, exposure, allow=allow_unauthenticated_exposure)
        exposures.append(exposure)
    _check_node_ports(guard, chosen, node_ports)
    external_annotations = dict(external_service_annotations or {})
    return ExposureSettings(
        external_access,
        chosen,
        allow_unauthenticated_exposure,
        external_annotations,
        tuple(exposures),
    )


#: The most addresses source ranges may admit and still count as "some networks": a /8.
_NARROW_IPV4 = 2**24
_NARROW_IPV6 = 2**96  # a /32


def narrow(source_ranges: Sequence[str]) -> bool:
    """Whether ``source_ranges`` admit only some networks, not the Internet in pieces.

    In all at most a /8 of IPv4 and a /32 of IPv6: ``0.0.0.0/1`` + ``128.0.0.0/1`` is the
    whole Internet and does not count.
    """
    if not source_ranges:
        return False
    networks = [ipaddress.ip_network(r, strict=False) for r in source_ranges]
    v4 = sum(n.num_addresses for n in networks if n.version == 4)
    v6 = sum(n.num_addresses for n in networks if n.version == 6)
    return v4 <= _NARROW_IPV4 and v6 <= _NARROW_IPV6


class _Spelled(str):
    """A value a message shows as written (its repr is itself): a factory call."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def _service_call(
    access: ExternalAccess,
    node_ports: Mapping[StationPort, int] | None,
    source_ranges: Sequence[str],
    annotations: Mapping[str, str] | None,
) -> _Spelled:
    """The ``ExternalService`` factory call with the default ports (annotation values hidden).

    As ``ExternalService``'s repr, except that an annotation's value is not copied into a
    message (the labels step refuses secret-shaped ones later).
    """
    factory = "load_balancer" if access is ExternalAccess.LOAD_BALANCER else "node_port"
    given = {
        "node_ports": repr(dict(node_ports)) if node_ports else None,
        "source_ranges": repr(list(source_ranges)) if source_ranges else None,
        "annotations": "{...}" if annotations else None,
    }
    shown = ", ".join(f"{k}={v}" for k, v in given.items() if v is not None)
    return _Spelled(f"ExternalService.{factory}({shown})")


def _chosen_ports(
    guard: _Guard,
    ports: PortSettings,
    access: ExternalAccess,
    chosen_ports: Sequence[StationPort] | None,
) -> tuple[StationPort, ...]:
    if access is ExternalAccess.NONE:
        return ()
    if chosen_ports is None:
        return tuple(p for p in (StationPort.API, StationPort.AGENT_MCP) if p in ports.served_ports)
    for p in chosen_ports:
        if p not in ports.served_ports:
            raise guard.fail(
                "external_service.ports",
                p,
                "is not served: the API listens only with api=ApiListener.on() (STN_DEV_MODE)",
                "serve the API (api=ApiListener.on()) or drop StationPort.API from ports",
            )
    return tuple(chosen_ports)


def _check_node_ports(
    guard: _Guard,
    chosen: tuple[StationPort, ...],
    node_ports: Mapping[StationPort, int] | None,
) -> None:
    """A node port for a port the default ports leave out (the API when it is off)."""
    for node_port_of, number in (node_ports or {}).items():
        if node_port_of not in chosen:
            raise guard.fail(
                f"external_service.node_ports[{node_port_of}]",
                number,
                "names a port that is not exposed (the API is not served)",
                "add it to ports= with the API served, or drop it",
            )
