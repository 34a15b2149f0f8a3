"""The Station container's resources, its startup timeout and its termination grace period.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .._errors import _Guard
from .._validate import BinaryQuantity, binary_quantity, cpu_millis, duration_seconds
from .station import ResourceProfile, Resources, _ResolvedResources


@dataclass(frozen=True)
class ResourceSettings:
    """The effective resources, parsed, and the pod's timings in whole seconds."""

    resources: Resources
    resolved: _ResolvedResources
    startup_timeout_seconds: int
    termination_grace_period_seconds: int


def resolve_resources(
    guard: _Guard,
    *,
    resources: object,
    startup_timeout: str | int,
    termination_grace_period: str | int,
) -> ResourceSettings:
    """Refuse limits below requests, sizes not in whole MiB, timings under 10 s."""
    effective = _resources(guard, resources)
    resolved = resolve_container_resources(guard, effective)
    startup = math.ceil(duration_seconds(guard, "startup_timeout", startup_timeout, minimum=10))
    # Station needs ~8 s to stop its services and flush traces.
    grace = duration_seconds(
        guard, "termination_grace_period", termination_grace_period, minimum=10
    )
    return ResourceSettings(effective, resolved, startup, math.ceil(grace))


def _resources(guard: _Guard, resources: object) -> Resources:
    if isinstance(resources, ResourceProfile):
        return resources.value
    if isinstance(resources, Resources):
        return resources
    raise guard.fail(
        "resources",
        resources,
        "must be a ResourceProfile (DEVELOPMENT, STANDARD, PRODUCTION) or Resources(...)",
        "pass e.g. resources=ResourceProfile.PRODUCTION",
    )


def resolve_container_resources(guard: _Guard, r: Resources) -> _ResolvedResources:
    """One container's requests and limits, parsed; refuses a limit below its request."""
    cpu_request = cpu_millis(guard, "resources.cpu_request", r.cpu_request)
    cpu_limit = (
        None if r.cpu_limit is None else cpu_millis(guard, "resources.cpu_limit", r.cpu_limit)
    )
    mem_request = binary_quantity(
        guard, "resources.memory_request", r.memory_request, minimum_mib=64
    )
    mem_limit = binary_quantity(guard, "resources.memory_limit", r.memory_limit, minimum_mib=64)
    for field_name, quantity in (
        ("resources.memory_request", mem_request),
        ("resources.memory_limit", mem_limit),
    ):
        whole_mebibytes(guard, field_name, quantity)
    if cpu_limit is not None and cpu_limit < cpu_request:
        raise guard.fail(
            "resources.cpu_limit",
            r.cpu_limit,
            f"is below cpu_request {r.cpu_request!r}",
            "raise the limit or lower the request",
        )
    if mem_limit.bytes < mem_request.bytes:
        raise guard.fail(
            "resources.memory_limit",
            r.memory_limit,
            f"is below memory_request {r.memory_request!r}",
            "raise the limit or lower the request",
        )
    return _ResolvedResources(cpu_request, cpu_limit, mem_request, mem_limit)


def whole_mebibytes(guard: _Guard, field_name: str, quantity: BinaryQuantity) -> None:
    """Refuse sizes cdk8s-plus would round down to whole MiB (``100000Ki`` -> ``97Mi``)."""
    if quantity.bytes % 1024**2:
        raise guard.fail(
            field_name,
            quantity.text,
            "is not a whole number of MiB; it would be rounded down when rendered",
            f"write it in Mi or Gi, e.g. '{max(1, quantity.mebibytes)}Mi'",
        )
