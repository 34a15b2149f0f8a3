"""The Station's Deployment as data, assembled by the Station and the constructs it carries.

``StationDeployment`` creates one :class:`PodAssembly` with its own containers; attached
constructs (``LitestreamBackup``, ``ConfigDirBackup``) add theirs to it while they are
constructed, and ``PodOptions``' additions (placement, extra volumes and containers) are
applied as steps. :meth:`PodAssembly.render` renders the Deployment from it, once per
synthesis (``station_constructs._emit.deferred`` calls it, then the users' JSON patches, then
:meth:`PodAssembly.finish`), so what an attached construct adds after the Station exists is
in the output.

The rendered object keeps the shape the pod had when cdk8s-plus-27 rendered it: the
assembled part with its keys sorted, then the native-sidecar markers, the restores ordered
first, and the steps in the order they were added.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .._errors import _Guard
from .._validate import positive_int

__all__ = ["PodAssembly", "StationPod", "Step", "connect"]

Json = dict[str, Any]
#: A change to the rendered Deployment (Kubernetes JSON), applied after assembly.
Step = Callable[[Json], None]


def sorted_keys(value: Any) -> Any:
    """``value`` with every mapping's keys in sorted order (lists keep their order)."""
    if isinstance(value, Mapping):
        return {k: sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(v) for v in value]
    return value


@dataclass
class StationPod:
    """The Station's pod (``station.pod``), open to additions until the App is synthesized.

    The documented way for a construct attached to a Station, the library's own
    (``LitestreamBackup``, ``ConfigDirBackup``) or yours, to add to the Station's pod: an
    init container (:meth:`add_init_container`), a sidecar (:meth:`add_sidecar`), a volume
    (:meth:`add_volume`), a pod annotation (:meth:`add_annotation`), a longer shutdown
    (:meth:`ensure_termination_grace_period`). Containers and volumes are Kubernetes JSON
    (the shape of a pod spec's ``containers[]`` and ``volumes[]`` entries). What is added
    is rendered at synthesis and goes through the same final verification as the rest of
    the pod (the "restricted" Pod Security Standard, the single writer of the data volume,
    names, mounts and ports), so a sidecar that breaks it fails ``app.synth()`` naming it.
    See docs/composing.md, "Adding to the Station's pod".

    Volumes are listed the way cdk8s-plus listed them: those the containers mount,
    containers first then init containers, each once; then the ones :meth:`add_volume`
    added.
    """

    name: str
    namespace: str
    labels: dict[str, str]
    selector: dict[str, str]
    pod_labels: dict[str, str]
    pod_annotations: dict[str, str]
    pod_security: Json
    grace_period_seconds: int
    annotations: dict[str, str] = field(default_factory=dict)
    containers: list[Json] = field(default_factory=list)
    init_containers: list[Json] = field(default_factory=list)
    volumes: dict[str, Json] = field(default_factory=dict)
    extra_volumes: list[Json] = field(default_factory=list)
    spec_fields: Json = field(default_factory=dict)
    native_sidecars: list[str] = field(default_factory=list)
    first: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    last_steps: list[Step] = field(default_factory=list)
    _order_before: Callable[[Any], None] | None = field(default=None, init=False, repr=False)
    _guard: _Guard = field(default_factory=lambda: _Guard("StationDeployment"), init=False)
    _grace_reason: str | Callable[[], str] = field(default="", init=False, repr=False)

    # ------------------------------------------------------------------ public additions
    def add_init_container(self, container: Json, *, first: bool = False) -> None:
        """Add an init container, run to completion before Station starts.

        After the Station's own (``seed-home``), unless ``first``: then before every init
        container not added with ``first`` (restores run before ``seed-home``), in the
        order such calls are made.
        """
        self._add_init_container(container, first=first)

    def add_sidecar(self, container: Json, *, native: bool = True) -> None:
        """Add a container that runs beside Station for the pod's whole life.

        ``native`` (default): a Kubernetes native sidecar (an init container with
        ``restartPolicy: Always``, Kubernetes 1.29+), started before Station and stopped
        after it; ``False``: a second container of the pod.
        """
        if native:
            self._add_init_container(container, native_sidecar=True)
        else:
            self.add_container(container)

    def add_volume(self, volume: Json) -> None:
        """Add ``volume`` to the pod (listed after the volumes the containers mount)."""
        self.extra_volumes.append(volume)

    def ensure_termination_grace_period(
        self, seconds: int, *, reason: str | Callable[[], str]
    ) -> None:
        """Raise the pod's terminationGracePeriodSeconds to at least ``seconds``.

        For additions that need time at shutdown (Litestream's final sync). A longer
        setting (the user's, or another addition's) is kept. ``reason`` is recorded for
        error messages (or a function returning it, called only when a message needs it).
        """
        seconds = positive_int(self._guard, "seconds", seconds)
        if seconds > self.grace_period_seconds:
            self.grace_period_seconds = seconds
            self._grace_reason = reason

    def add_annotation(self, key: str, value: str) -> None:
        """Annotate the pod (its template: a changed value rolls the pod)."""
        self.pod_annotations[key] = value

    def apply_before(self, construct: Any) -> None:
        """Write the objects of ``construct`` before the Deployment in the output.

        For an attached construct's ConfigMap, Secret source or ServiceAccount: a first
        ``kubectl apply`` then creates what the pod needs first. Only within the Station's
        Chart: a dependency across Charts would make cdk8s number the output files.
        """
        if self._order_before is not None:
            self._order_before(construct)

    @property
    def termination_grace_period_seconds(self) -> int:
        """The pod's terminationGracePeriodSeconds, as raised so far."""
        return self.grace_period_seconds

    # ------------------------------------------------------------------ assembly
    def define_volume(self, volume: Json) -> None:
        """Make ``volume`` available to mounts (listed once a container mounts it)."""
        self.volumes.setdefault(volume["name"], volume)

    def add_container(self, container: Json) -> None:
        """Add a main container (after the Station's)."""
        self.containers.append(container)

    def _add_init_container(
        self, container: Json, *, native_sidecar: bool = False, first: bool = False
    ) -> None:
        """Add an init container; a native sidecar keeps running beside Station.

        ``first`` renders it before every init container not marked ``first`` (restores
        run before the Station's ``seed-home``), in the order such calls are made.
        """
        self.init_containers.append(container)
        if native_sidecar:
            self.native_sidecars.append(container["name"])
        if first and container["name"] not in self.first:
            self.first.append(container["name"])

    def add_step(self, step: Step, *, last: bool = False) -> None:
        """Change the rendered Deployment with ``step``.

        ``last`` steps run after every other step and after the users' JSON patches, so
        they see every container (:meth:`finish`).
        """
        (self.last_steps if last else self.steps).append(step)

    def raise_grace_period(self, seconds: int) -> None:
        """Make terminationGracePeriodSeconds at least ``seconds``."""
        self.grace_period_seconds = max(self.grace_period_seconds, seconds)

    # ------------------------------------------------------------------ rendering
    def _listed_volumes(self) -> list[Json]:
        listed: dict[str, Json] = {}
        for container in [*self.containers, *self.init_containers]:
            for volume_mount in container.get("volumeMounts", []):
                name = volume_mount["name"]
                if name not in listed and name in self.volumes:
                    listed[name] = self.volumes[name]
        return [*listed.values(), *self.extra_volumes]

    def _pod_spec(self) -> Json:
        spec: Json = {
            "automountServiceAccountToken": False,
            "containers": self.containers,
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": "Always",
            "securityContext": self.pod_security,
            "setHostnameAsFQDN": False,
            "terminationGracePeriodSeconds": self.grace_period_seconds,
            **self.spec_fields,
        }
        if self.init_containers:
            spec["initContainers"] = self.init_containers
        volumes = self._listed_volumes()
        if volumes:
            spec["volumes"] = volumes
        return spec

    def _assembled(self) -> Json:
        template: Json = {"labels": self.pod_labels}
        if self.pod_annotations:
            template["annotations"] = self.pod_annotations
        return {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "spec": {
                "progressDeadlineSeconds": 600,
                "replicas": 1,
                "selector": {"matchLabels": self.selector},
                "strategy": {"type": "Recreate"},
                "template": {"metadata": template, "spec": self._pod_spec()},
            },
        }

    def manifest(self, metadata: Json) -> Json:
        """The Deployment, a new object at each call: :meth:`render`, then :meth:`finish`."""
        data = self.render(metadata)
        self.finish(data)
        return data

    def render(self, metadata: Json) -> Json:
        """The Deployment with every step but the last ones (a new object at each call).

        ``metadata`` comes from cdk8s (chart labels and namespace, labels and annotations a
        user added) and is merged over the assembly's own.
        """
        data: Json = sorted_keys(self._assembled())  # new containers: the steps may edit them
        meta: Json = {"labels": dict(self.labels), "name": self.name, "namespace": self.namespace}
        if self.annotations:
            meta["annotations"] = dict(self.annotations)
        for key, value in metadata.items():
            meta[key] = {**meta.get(key, {}), **value} if isinstance(value, dict) else value
        data["metadata"] = sorted_keys(meta)
        data = {k: data[k] for k in sorted(data)}
        pod = data["spec"]["template"]["spec"]
        init = pod.get("initContainers", [])
        for container in init:
            if container["name"] in self.native_sidecars:
                container["restartPolicy"] = "Always"
        if self.first:
            rank = {name: i for i, name in enumerate(self.first)}
            init.sort(key=lambda c: rank.get(c["name"], len(rank)))
        for step in self.steps:
            step(data)
        return data

    def finish(self, data: Json) -> None:
        """The last steps, on a rendered Deployment (after the users' JSON patches)."""
        for step in self.last_steps:
            step(data)


def connect(pod: StationPod, *, guard: _Guard, order_before: Callable[[Any], None]) -> None:
    """Give ``pod`` its Station's guard (for errors) and the function behind ``apply_before``."""
    pod._guard = guard
    pod._order_before = order_before


#: The name the renderers use for :class:`StationPod`.
PodAssembly = StationPod
