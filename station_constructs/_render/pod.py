"""The Station's Deployment as data, assembled by the Station and the constructs it carries.

``StationDeployment`` creates one :class:`StationPod` with its own containers; attached
constructs (``LitestreamBackup``, ``ConfigDirBackup``) add theirs to it while they are
constructed, and ``PodOptions``' additions (placement, extra volumes and containers) are
applied as steps. :func:`render` renders the Deployment from it, once per synthesis
(``station_constructs._emit.deferred`` calls it, then the users' JSON patches, then
:func:`finish`), so what an attached construct adds after the Station exists is in the
output.

The rendered object keeps the shape the pod had when cdk8s-plus-27 rendered it: the
assembled part with its keys sorted, then the native-sidecar markers, the restores ordered
first, and the steps in the order they were added.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._errors import _Guard
from .._validate import dns_subdomain, positive_int

__all__ = [
    "StationPod",
    "Step",
    "add_step",
    "connect",
    "define_volume",
    "finish",
    "manifest",
    "metadata_of",
    "render",
]

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


class StationPod:
    """The Station's pod (``station.pod``), open to additions until the App is synthesized.

    The documented way for a construct attached to a Station, the library's own
    (``LitestreamBackup``, ``ConfigDirBackup``) or yours, to add to the Station's pod: an
    init container (:meth:`add_init_container`), a sidecar (:meth:`add_sidecar`), a volume
    (:meth:`add_volume`), a pod annotation (:meth:`add_annotation`), an annotation of the
    Deployment (:meth:`add_deployment_annotation`), the pod's ServiceAccount
    (:meth:`use_service_account`), a longer shutdown
    (:meth:`ensure_termination_grace_period`), and objects applied before the Deployment
    (:meth:`apply_before`). Containers and volumes are Kubernetes JSON (the shape of a pod
    spec's ``containers[]`` and ``volumes[]`` entries). What is added is rendered at
    synthesis and goes through the same final verification as the rest of the pod (the
    "restricted" Pod Security Standard, the single writer of the data volume, names, mounts
    and ports), so a sidecar that breaks it fails ``app.synth()`` naming it. See
    docs/composing.md, "Adding to the Station's pod".

    Made by the ``StationDeployment`` (not by users); its state is private and changes only
    through these methods (the library's own steps use this module's functions).

    Volumes are listed the way cdk8s-plus listed them: those the containers mount,
    containers first then init containers, each once; then the ones :meth:`add_volume`
    added.
    """

    def __init__(  # noqa: PLR0913 - the Deployment's fixed parts, given by the Station
        self,
        *,
        name: str,
        namespace: str,
        labels: Mapping[str, str],
        selector: Mapping[str, str],
        pod_annotations: Mapping[str, str],
        pod_security: Json,
        grace_period_seconds: int,
        annotations: Mapping[str, str],
        station_container: Json,
        image_pull_secrets: Sequence[str] = (),
    ) -> None:
        self._name = name
        self._namespace = namespace
        self._labels = dict(labels)
        self._selector = dict(selector)
        self._pod_labels = dict(labels)
        self._pod_annotations = dict(pod_annotations)
        self._pod_security = pod_security
        self._grace_period_seconds = grace_period_seconds
        self._annotations = dict(annotations)
        self._containers: list[Json] = [station_container]
        self._init_containers: list[Json] = []
        self._volumes: dict[str, Json] = {}
        self._extra_volumes: list[Json] = []
        self._spec_fields: Json = {}
        if image_pull_secrets:
            self._spec_fields["imagePullSecrets"] = [{"name": n} for n in image_pull_secrets]
        self._native_sidecars: list[str] = []
        self._first: list[str] = []
        self._steps: list[Step] = []
        self._last_steps: list[Step] = []
        self._order_before: Callable[[Any], None] | None = None
        self._guard = _Guard("StationDeployment")
        self._grace_reason: str | Callable[[], str] = ""
        self._service_account: str | None = None

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
        after it; ``False``: a second container of the pod (after the Station's).
        """
        if native:
            self._add_init_container(container, native_sidecar=True)
        else:
            self._containers.append(container)

    def add_volume(self, volume: Json) -> None:
        """Add ``volume`` to the pod (listed after the volumes the containers mount)."""
        self._extra_volumes.append(volume)

    def add_annotation(self, key: str, value: str) -> None:
        """Annotate the pod (its template: a changed value rolls the pod)."""
        self._pod_annotations[key] = value

    def add_deployment_annotation(self, key: str, value: str) -> None:
        """Annotate the Deployment itself (not its pod: a changed value rolls nothing).

        For what describes the Deployment to tools, e.g. a scanner's suppression of a check
        (``checkov.io/skip...``) that your sidecar needs.
        """
        self._annotations[key] = value

    def use_service_account(self, name: str) -> None:
        """Run the pod as the ServiceAccount ``name`` (its ``serviceAccountName``).

        For an attached construct that renders the ServiceAccount a workload identity
        needs (``LitestreamBackup`` with ``S3Credentials.workload_identity()``). A Station
        given a ServiceAccount of its own (``StationDeployment(service_account=...)``)
        keeps it: read ``station.service_account_name`` first. A pod has one
        ServiceAccount: a second, different name is refused.
        """
        name = dns_subdomain(self._guard, "service_account_name", name)
        if self._service_account not in (None, name):
            raise self._guard.fail(
                "service_account_name",
                name,
                f"differs from the ServiceAccount {self._service_account!r} the pod was "
                "given before; a pod has one ServiceAccount",
                f"use {self._service_account!r} for both",
            )
        self._service_account = name
        self._spec_fields["serviceAccountName"] = name

    def ensure_termination_grace_period(
        self, seconds: int, *, reason: str | Callable[[], str]
    ) -> None:
        """Raise the pod's terminationGracePeriodSeconds to at least ``seconds``.

        For additions that need time at shutdown (Litestream's final sync). A longer
        setting (the user's, or another addition's) is kept. ``reason`` is recorded for
        error messages (or a function returning it, called only when a message needs it).
        """
        seconds = positive_int(self._guard, "seconds", seconds)
        if seconds > self._grace_period_seconds:
            self._grace_period_seconds = seconds
            self._grace_reason = reason

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
        return self._grace_period_seconds

    # ------------------------------------------------------------------ assembly
    def _add_init_container(
        self, container: Json, *, native_sidecar: bool = False, first: bool = False
    ) -> None:
        """Add an init container; a native sidecar keeps running beside Station.

        ``first`` renders it before every init container not marked ``first`` (restores
        run before the Station's ``seed-home``), in the order such calls are made.
        """
        self._init_containers.append(container)
        if native_sidecar:
            self._native_sidecars.append(container["name"])
        if first and container["name"] not in self._first:
            self._first.append(container["name"])

    # ------------------------------------------------------------------ rendering
    def _listed_volumes(self) -> list[Json]:
        listed: dict[str, Json] = {}
        for container in [*self._containers, *self._init_containers]:
            for volume_mount in container.get("volumeMounts", []):
                name = volume_mount["name"]
                if name not in listed and name in self._volumes:
                    listed[name] = self._volumes[name]
        return [*listed.values(), *self._extra_volumes]

    def _pod_spec(self) -> Json:
        spec: Json = {
            "automountServiceAccountToken": False,
            "containers": self._containers,
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": "Always",
            "securityContext": self._pod_security,
            "setHostnameAsFQDN": False,
            "terminationGracePeriodSeconds": self._grace_period_seconds,
            **self._spec_fields,
        }
        if self._init_containers:
            spec["initContainers"] = self._init_containers
        volumes = self._listed_volumes()
        if volumes:
            spec["volumes"] = volumes
        return spec

    def _assembled(self) -> Json:
        template: Json = {"labels": self._pod_labels}
        if self._pod_annotations:
            template["annotations"] = self._pod_annotations
        return {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "spec": {
                "progressDeadlineSeconds": 600,
                "replicas": 1,
                "selector": {"matchLabels": self._selector},
                "strategy": {"type": "Recreate"},
                "template": {"metadata": template, "spec": self._pod_spec()},
            },
        }

    def _render(self, metadata: Json) -> Json:
        """The Deployment with every step but the last ones (a new object at each call).

        ``metadata`` comes from cdk8s (chart labels and namespace, labels and annotations a
        user added) and is merged over the assembly's own.
        """
        data: Json = sorted_keys(self._assembled())  # new containers: the steps may edit them
        meta: Json = {
            "labels": dict(self._labels),
            "name": self._name,
            "namespace": self._namespace,
        }
        if self._annotations:
            meta["annotations"] = dict(self._annotations)
        for key, value in metadata.items():
            meta[key] = {**meta.get(key, {}), **value} if isinstance(value, dict) else value
        data["metadata"] = sorted_keys(meta)
        data = {k: data[k] for k in sorted(data)}
        pod = data["spec"]["template"]["spec"]
        init = pod.get("initContainers", [])
        for container in init:
            if container["name"] in self._native_sidecars:
                container["restartPolicy"] = "Always"
        if self._first:
            rank = {name: i for i, name in enumerate(self._first)}
            init.sort(key=lambda c: rank.get(c["name"], len(rank)))
        for step in self._steps:
            step(data)
        return data

    def _finish(self, data: Json) -> None:
        for step in self._last_steps:
            step(data)


# ---------------------------------------------------------------------- the library's side
# What only the library does with a pod (the Station that makes it, the renderers of the
# backup containers, PodOptions, the Deployment's emitter): functions of this module, so
# the pod's public API stays the one documented above.
def connect(pod: StationPod, *, guard: _Guard, order_before: Callable[[Any], None]) -> None:
    """Give ``pod`` its Station's guard (for errors) and the function behind ``apply_before``."""
    pod._guard = guard
    pod._order_before = order_before


def define_volume(pod: StationPod, volume: Json) -> None:
    """Make ``volume`` available to mounts (listed once a container mounts it, the first kept)."""
    pod._volumes.setdefault(volume["name"], volume)


def add_step(pod: StationPod, step: Step, *, last: bool = False) -> None:
    """Change ``pod``'s rendered Deployment with ``step``.

    ``last`` steps run after every other step and after the users' JSON patches, so they
    see every container (:func:`finish`).
    """
    (pod._last_steps if last else pod._steps).append(step)


def metadata_of(pod: StationPod) -> tuple[str, str, dict[str, str]]:
    """The Deployment's name, namespace and labels, as the emitter creates it."""
    return pod._name, pod._namespace, pod._labels


def render(pod: StationPod, metadata: Json) -> Json:
    """``pod``'s Deployment with every step but the last ones (a new object at each call).

    ``metadata`` comes from cdk8s (chart labels and namespace, labels and annotations a
    user added) and is merged over the assembly's own.
    """
    return pod._render(metadata)


def finish(pod: StationPod, data: Json) -> None:
    """The last steps, on a rendered Deployment (after the users' JSON patches)."""
    pod._finish(data)


def manifest(pod: StationPod, metadata: Json) -> Json:
    """The Deployment, a new object at each call: :func:`render`, then :func:`finish`."""
    data = render(pod, metadata)
    finish(pod, data)
    return data
