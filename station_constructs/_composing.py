"""What a Station offers cdk8s-plus constructs a user writes: references to select, connect, mount.

``station.service`` (a ``kplus.Service``) is the object itself; :class:`StationReferences`
(held by the Station, which exposes its properties under the same names) makes references
to the objects a Station reads (its ConfigMap, Secret and claim), the claim as a volume, and
a pod selector for network policies. Each is made on first use and then kept, so a Station
whose references nobody uses pays nothing for them. They are children of the Station with
ids starting ``ref-``; give your own children of a Station other ids.
See docs/architecture.md, "Composing".
"""

from __future__ import annotations

from ._k8s import Construct, kplus
from ._station_settings import StationSettings

__all__ = ["StationReferences"]


class StationReferences:
    """A Station's cdk8s-plus references, each made on first use (children of the Station)."""

    def __init__(self, station: Construct, settings: StationSettings) -> None:
        self._station = station
        self.namespace = settings.namespace
        self.config_map_name = settings.config_map_name
        self.secret_name = settings.secret_name
        self.pvc_name = settings.pvc_name
        self.selector_labels = settings.selector_labels
        self._secret_ref: kplus.ISecret | None = None
        self._claim_ref: kplus.IPersistentVolumeClaim | None = None
        self._data_volume: kplus.Volume | None = None
        self._config_map_ref: kplus.IConfigMap | None = None
        self._pods: kplus.Pods | None = None

    @property
    def config_map_ref(self) -> kplus.IConfigMap:
        """The Station's ConfigMap as a cdk8s-plus reference (``<name>-config``).

        For workloads in the Station's namespace: ``kplus.Env.from_config_map(...)``,
        ``kplus.Volume.from_config_map(...)``. Its values are Station's settings.
        """
        return self._config_map_reference()

    @property
    def secret_ref(self) -> kplus.ISecret:
        """The Secret the Station reads its keys from, as a cdk8s-plus reference.

        For workloads in the Station's namespace: ``kplus.EnvValue.from_secret_value(
        kplus.SecretValue(secret=station.secret_ref, key=...))``.
        """
        if self._secret_ref is None:
            self._secret_ref = kplus.Secret.from_secret_name(
                self._scope(), "ref-secret", self.secret_name
            )
        return self._secret_ref

    @property
    def claim_ref(self) -> kplus.IPersistentVolumeClaim:
        """The data volume's PersistentVolumeClaim as a cdk8s-plus reference.

        ReadWriteOnce and held by the Station's pod: another pod can mount it only when the
        Station is stopped (e.g. a restore Job run with the Deployment scaled to 0).
        """
        if self._claim_ref is None:
            self._claim_ref = kplus.PersistentVolumeClaim.from_claim_name(
                self._scope(), "ref-claim", self.pvc_name
            )
        return self._claim_ref

    @property
    def data_volume(self) -> kplus.Volume:
        """The data claim as a cdk8s-plus volume named ``data``, for your own workloads.

        ReadWriteOnce: mount it only while the Station is stopped.
        """
        if self._data_volume is None:
            self._data_volume = kplus.Volume.from_persistent_volume_claim(
                self._scope(), "ref-data-volume", self.claim_ref, name="data"
            )
        return self._data_volume

    @property
    def pods(self) -> kplus.Pods:
        """The Station's pod as a cdk8s-plus pod selector (made on first use, then kept).

        A peer for ``connections.allow_to(station.pods, ...)`` and ``kplus.NetworkPolicy``
        rules: it selects the pod by its stable selector labels in the Station's namespace.
        (``station.deployment`` as a peer would select cdk8s-plus's construct-address label,
        which the Station leaves out of its pods so that renaming a construct id never rolls
        the pod: a policy built on it would match nothing.)
        """
        pods = self._pods
        if pods is None:
            scope, labels = self._scope(), dict(self.selector_labels)
            namespaces = kplus.Namespaces.select(
                scope, "ref-pods-namespace", names=[self.namespace]
            )
            pods = kplus.Pods.select(scope, "ref-pods", labels=labels, namespaces=namespaces)
            self._pods = pods
        return pods

    def _scope(self) -> Construct:
        return self._station

    def _config_map_reference(self) -> kplus.IConfigMap:
        if self._config_map_ref is None:
            self._config_map_ref = kplus.ConfigMap.from_config_map_name(
                self._scope(), "ref-config-map", self.config_map_name
            )
        return self._config_map_ref
