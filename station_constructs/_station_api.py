"""What a StationDeployment offers the code around it that is not a setting: plain functions.

The Station's methods (``attach``, ``container_security_context``) call these, and the
Station hands its pod the function that orders an attached construct's objects first.
:class:`StationView` is what a construct the Station itself renders (its NetworkPolicy)
reads of it, so that its module need not import the Station's (no import cycle).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from ._emit.deferred import DeferredObject
from ._errors import _Guard
from ._k8s import Construct, chart_of, construct_path, kplus
from ._settings.station import STATION_UID, AIProvider, StationPort
from ._validate import boolean

if TYPE_CHECKING:
    from ._external_service import ExternalService

__all__ = ["StationView", "attach_to", "order_before", "security_context"]


class StationView(Protocol):
    """What the Station's NetworkPolicy reads of a StationDeployment."""

    @property
    def name(self) -> str:
        """Name of the Deployment and the ClusterIP Service."""

    @property
    def namespace(self) -> str:
        """Namespace of every object."""

    @property
    def provider(self) -> AIProvider:
        """The provider in ``STN_AI_PROVIDER``."""

    @property
    def settings(self) -> dict[str, str]:
        """The ConfigMap's data."""

    @property
    def served_ports(self) -> tuple[StationPort, ...]:
        """The ports Station listens on."""

    @property
    def external_service_options(self) -> ExternalService | None:
        """The external Service's value, its ports resolved."""

    @property
    def selector_labels(self) -> dict[str, str]:
        """The immutable pod selector."""

    def labels(self, component: str) -> dict[str, str]:
        """Metadata labels for an object of this Station playing ``component``."""

    def port(self, which: StationPort) -> int:
        """The port number of ``which``."""


def order_before(station: Construct, deployment: DeferredObject) -> Callable[[object], None]:
    """A function writing an attached construct's objects before the Deployment.

    Only within one Chart: a dependency across Charts would make cdk8s number the output
    files (``0000-...``), renaming them.
    """

    def before(owner: object) -> None:
        if chart_of(owner) is chart_of(station):  # type: ignore[arg-type]
            deployment.node.add_dependency(owner)

    return before


def attach_to(
    guard: _Guard, extensions: dict[str, Construct], kind: str, extension: Construct
) -> None:
    """Register ``extension`` in ``extensions`` (one per ``kind``); a second one is refused."""
    previous = extensions.get(kind)
    if previous is not None:
        raise guard.fail(
            kind,
            construct_path(extension),
            f"this Station already has a {kind} attached ('{construct_path(previous)}'); "
            "two would render conflicting containers and configuration",
            f"attach one {kind} per Station and configure everything on it",
        )
    extensions[kind] = extension


def security_context(*, read_only_root: bool = True) -> kplus.ContainerSecurityContextProps:
    """The Station pod's container security context, for your cdk8s-plus containers.

    Non-root UID/GID 1000 (the image's ``station`` user; root is never needed), no
    privilege escalation: the "restricted" Pod Security Standard. cdk8s-plus would
    default to UID 25000, which does not own Station's home. cdk8s-plus-27 cannot drop
    ``ALL`` capabilities: add ``capabilities: {drop: [ALL]}`` with a JSON patch (the
    Station's own containers have it).
    """
    boolean(
        _Guard("StationDeployment.container_security_context"), "read_only_root", read_only_root
    )
    return kplus.ContainerSecurityContextProps(
        ensure_non_root=True,
        user=STATION_UID,
        group=STATION_UID,
        privileged=False,
        allow_privilege_escalation=False,
        read_only_root_filesystem=read_only_root,
    )
