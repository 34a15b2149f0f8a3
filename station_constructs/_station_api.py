"""What a StationDeployment offers the code around it: labels, ports, URLs, attachments.

A mixin of :class:`~station_constructs.StationDeployment`: the methods users and the
attached constructs (``LitestreamBackup``, ``ConfigDirBackup``...) call on a Station.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ._emit.deferred import DeferredObject
from ._errors import _Guard
from ._k8s import Construct, construct_path, kplus
from ._labels import object_labels
from ._render.pod import PodAssembly, StationPod
from ._settings.station import STATION_UID, StationPort
from ._validate import boolean, one_of

__all__ = ["StationApi"]


class StationApi:
    """Mixin: the public helpers of a StationDeployment."""

    # Set by StationDeployment while it renders.
    name: str
    namespace: str
    service_name: str
    ports: dict[StationPort, int]
    termination_grace_period_seconds: int
    extensions: dict[str, Construct]
    _extra_labels: dict[str, str]
    _guard: _Guard
    _pod: PodAssembly
    deployment: DeferredObject

    if TYPE_CHECKING:

        def _set_internal(self, name: str, value: object) -> None:
            """ReadOnlyAttributes' (the Station's other base)."""

    def labels(self, component: str) -> dict[str, str]:
        """Metadata labels for an object of this Station playing ``component``."""
        return {**self._extra_labels, **object_labels(self.name, component)}

    def port(self, which: StationPort) -> int:
        """The port number of ``which`` (e.g. ``StationPort.AGENT_MCP`` -> 8587)."""
        one_of(self._guard, "which", which, StationPort)
        return self.ports[which]

    def url(self, which: StationPort) -> str:
        """In-cluster URL of an endpoint, e.g. ``http://station.station.svc.cluster.local:8587``."""
        return f"http://{self.service_name}.{self.namespace}.svc.cluster.local:{self.port(which)}"

    @property
    def pod(self) -> StationPod:
        """The pod, open to additions until synthesis (see :class:`StationPod`)."""
        return self._pod

    def ensure_termination_grace_period(
        self, seconds: int, *, reason: str | Callable[[], str]
    ) -> None:
        """Raise the pod's grace period to at least ``seconds`` (``station.pod``'s method)."""
        self._pod.ensure_termination_grace_period(seconds, reason=reason)
        self._set_internal("termination_grace_period_seconds", self._pod.grace_period_seconds)

    def attach(self, kind: str, extension: Construct) -> None:
        """Register an attached construct (one per ``kind``); a second one is refused."""
        previous = self.extensions.get(kind)
        if previous is not None:
            raise self._guard.fail(
                kind,
                construct_path(extension),
                f"this Station already has a {kind} attached ('{construct_path(previous)}'); "
                "two would render conflicting containers and configuration",
                f"attach one {kind} per Station and configure everything on it",
            )
        self.extensions[kind] = extension

    @staticmethod
    def container_security_context(
        *, read_only_root: bool = True
    ) -> kplus.ContainerSecurityContextProps:
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
