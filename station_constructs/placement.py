"""Pod placement, identity and additions for the Station pod, as platform teams set them.

Three option objects for :class:`~station_constructs.StationDeployment`:

* :class:`PodPlacement` (``placement=``): node selector, tolerations, affinity, priority
  class, runtime class;
* :class:`PodServiceAccount` (``service_account=``): an existing ServiceAccount by name, or
  one rendered with annotations (e.g. IRSA's ``eks.amazonaws.com/role-arn``); its API token
  is mounted only when asked for;
* :class:`PodExtras` (``pod_extras=``): pod labels, extra volumes and mounts, extra init
  containers and sidecars, host aliases, DNS config.

Kubernetes-shaped values (tolerations, affinity, volumes, containers, host aliases, DNS
config) are cdk8s-plus-27's typed ``k8s`` structs (``from cdk8s_plus_27 import k8s``). They
are converted to Kubernetes JSON once, checked, and added to the rendered pod.

Refused, with the reason: anything that breaks the single writer (a second container writing
the data volume, or the claim mounted again under another name), the "restricted" Pod
Security Standard the Station's namespace enforces (privileged, host paths and ports, added
capabilities, root, privilege escalation, non-restricted volume types), and the data volume
and Station's own paths and names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._errors import _Guard
from ._k8s import Construct, claim_object, k8s
from ._render.pod import StationPod, add_step
from ._render.pod_options import pod_options_step
from ._settings.k8s_json import k8s_json
from ._settings.pod_containers import RESERVED_CONTAINERS as RESERVED_CONTAINERS
from ._settings.pod_containers import RESERVED_VOLUMES as RESERVED_VOLUMES
from ._settings.pod_containers import (
    check_container,
    check_station_mounts,
    check_volumes,
    mounts_json,
)
from ._settings.pod_options import (
    ResolvedPod,
    ServiceAccountSettings,
    check_hosts,
    check_toleration,
    pod_labels,
    priority_class,
    resolve_service_account,
)
from ._validate import dns_subdomain, labels_map, sequence

__all__ = ["PodExtras", "PodPlacement", "PodServiceAccount"]

Json = dict[str, Any]


@dataclass(frozen=True)
class PodPlacement:
    """Where the Station pod may run.

    Args:
        node_selector: Node labels the pod requires, e.g.
            ``{"kubernetes.io/arch": "arm64"}``. Default none.
        tolerations: ``k8s.Toleration`` values for tainted nodes. Default none.
        affinity: ``k8s.Affinity`` (node affinity, pod (anti-)affinity). Default none.
        priority_class_name: A PriorityClass, so Station is not the first pod evicted.
            ``system-*`` classes are refused (reserved for ``kube-system``). Default none.
        runtime_class_name: A RuntimeClass (e.g. ``gvisor``, ``kata``). Default none.

    """

    node_selector: Mapping[str, str] | None = None
    tolerations: Sequence[k8s.Toleration] = ()
    affinity: k8s.Affinity | None = None
    priority_class_name: str | None = None
    runtime_class_name: str | None = None


@dataclass(frozen=True)
class PodServiceAccount:
    """The Station pod's ServiceAccount (workload identity).

    Use :meth:`existing` for one you manage, or :meth:`rendered` to have the construct render
    it (e.g. with ``eks.amazonaws.com/role-arn`` for IRSA, or
    ``iam.gke.io/gcp-service-account`` for GKE Workload Identity).

    Args:
        name: Name of the ServiceAccount. Required for an existing one; default for a
            rendered one: the Station's name.
        create: Render the ServiceAccount. Default ``False`` (it exists).
        annotations: Annotations of the rendered ServiceAccount. Default none.
        automount_token: Mount the ServiceAccount's API token into the pod. Default
            ``False``: Station never calls the Kubernetes API. Cloud identity webhooks (EKS
            IRSA, GKE) inject their own projected token without it.

    """

    name: str | None = None
    create: bool = False
    annotations: Mapping[str, str] | None = None
    automount_token: bool = False

    @classmethod
    def existing(cls, name: str, *, automount_token: bool = False) -> PodServiceAccount:
        """A ServiceAccount that already exists in the Station's namespace."""
        return cls(name=name, automount_token=automount_token)

    @classmethod
    def rendered(
        cls,
        *,
        name: str | None = None,
        annotations: Mapping[str, str] | None = None,
        automount_token: bool = False,
    ) -> PodServiceAccount:
        """A ServiceAccount rendered with the Station (default name: the Station's)."""
        return cls(
            name=name,
            create=True,
            annotations=dict(annotations or {}),
            automount_token=automount_token,
        )


@dataclass(frozen=True)
class PodExtras:
    """Additions to the Station pod.

    Args:
        labels: Labels of the pod only (e.g. a mesh's or cost allocation's). ``app`` and
            ``app.kubernetes.io/*`` are refused (selectors and policies depend on them).
        volumes: Extra ``k8s.Volume`` values. Only the types the "restricted" Pod Security
            Standard admits (configMap, secret, projected, downwardAPI, emptyDir,
            persistentVolumeClaim, csi, ephemeral); never a second mount of the data claim.
        volume_mounts: Extra ``k8s.VolumeMount`` values for the Station container, of
            ``volumes``. Never over ``/data``, the config directory, ``$HOME``, ``/tmp`` or
            ``/workspace``.
        init_containers: Extra ``k8s.Container`` values run before Station, after the
            construct's own init containers.
        sidecars: Extra ``k8s.Container`` values running beside Station. They may mount
            the data volume (``data``) read-only only: Station is the only writer.
        host_aliases: ``k8s.HostAlias`` values (``/etc/hosts`` entries).
        dns_config: ``k8s.PodDnsConfig`` (nameservers, searches, options).

    Extra containers get the restricted security context (no privilege escalation, all
    capabilities dropped; non-root UID 1000 from the pod) unless they set those fields,
    and a setting that breaks it is refused. Their images must be pinned.

    """

    labels: Mapping[str, str] | None = None
    volumes: Sequence[k8s.Volume] = ()
    volume_mounts: Sequence[k8s.VolumeMount] = ()
    init_containers: Sequence[k8s.Container] = ()
    sidecars: Sequence[k8s.Container] = ()
    host_aliases: Sequence[k8s.HostAlias] = ()
    dns_config: k8s.PodDnsConfig | None = None


def resolve_pod(
    scope: Construct,
    guard: _Guard,
    *,
    placement: PodPlacement | None,
    service_account: PodServiceAccount | None,
    extras: PodExtras | None,
    station_name: str,
    pvc_name: str,
    protected_paths: Sequence[str],
    own_volumes: Sequence[str],
) -> ResolvedPod:
    """Check the three option objects and convert them to Kubernetes JSON."""
    spec: Json = {}
    if placement is not None:
        spec.update(_placement(guard, placement))
    account = None
    if service_account is not None:
        account = _service_account(guard, service_account, station_name)
    labels: dict[str, str] = {}
    volumes: list[Json] = []
    mounts: list[Json] = []
    init: list[Json] = []
    sidecars: list[Json] = []
    if extras is not None:
        if not isinstance(extras, PodExtras):
            raise guard.fail(
                "pod_extras",
                type(extras).__name__,
                "must be PodExtras(...) or None",
                "pass pod_extras=PodExtras(volumes=[...], sidecars=[...])",
            )
        labels = pod_labels(guard, extras.labels)
        converted = _convert(guard, extras)
        volumes = check_volumes(guard, converted.get("volumes", []), pvc_name)
        mounts = check_station_mounts(
            guard, mounts_json(extras.volume_mounts), volumes, protected_paths
        )
        names: set[str] = set(RESERVED_CONTAINERS)
        init = [
            check_container(
                guard, f"pod_extras.init_containers[{i}]", c, volumes, own_volumes, names
            )
            for i, c in enumerate(converted.get("initContainers", []))
        ]
        sidecars = [
            check_container(guard, f"pod_extras.sidecars[{i}]", c, volumes, own_volumes, names)
            for i, c in enumerate(converted.get("containers", []))
        ]
        for key in ("hostAliases", "dnsConfig"):
            if converted.get(key):
                spec[key] = converted[key]
        check_hosts(guard, spec)
    return ResolvedPod(spec, labels, volumes, mounts, init, sidecars, account)


def apply_pod(
    scope: Construct,
    guard: _Guard,
    pod_assembly: StationPod,
    resolved: ResolvedPod,
    *,
    namespace: str,
    labels: dict[str, str],
) -> k8s.KubeServiceAccount | None:
    """Add ``resolved`` to the rendered pod; render the ServiceAccount if asked to."""
    if resolved.empty:
        return None
    account = resolved.service_account
    rendered = None
    if account is not None and account.create:
        claim_object(
            scope,
            guard,
            kind="ServiceAccount",
            namespace=namespace,
            name=account.name,
            field="service_account.name",
            fix="give each Station its own ServiceAccount name, or share an existing one "
            "with PodServiceAccount.existing(...)",
        )
        rendered = k8s.KubeServiceAccount(
            scope,
            "service-account",
            metadata=k8s.ObjectMeta(
                name=account.name,
                namespace=namespace,
                labels=labels,
                annotations=account.annotations or None,
            ),
            # The token is mounted by the pod setting only, when asked for.
            automount_service_account_token=False,
        )
    add_step(pod_assembly, pod_options_step(resolved))
    return rendered


# ------------------------------------------- the option objects, to Kubernetes JSON
def _placement(guard: _Guard, placement: PodPlacement) -> Json:
    if not isinstance(placement, PodPlacement):
        raise guard.fail(
            "placement",
            type(placement).__name__,
            "must be PodPlacement(...) or None",
            "pass placement=PodPlacement(node_selector={...}, tolerations=[...])",
        )
    spec: Json = {}
    selector = labels_map(guard, "placement.node_selector", placement.node_selector)
    if selector:
        spec["nodeSelector"] = selector
    tolerations = sequence(
        guard,
        "placement.tolerations",
        placement.tolerations,
        example="[k8s.Toleration(key='dedicated', operator='Equal', value='ai', "
        "effect='NoSchedule')]",
    )
    for i, item in enumerate(tolerations):
        _typed(guard, f"placement.tolerations[{i}]", item, k8s.Toleration)
    if placement.affinity is not None:
        _typed(guard, "placement.affinity", placement.affinity, k8s.Affinity)
    converted = _pod_spec_json(tolerations=tolerations or None, affinity=placement.affinity)
    for i, toleration in enumerate(converted.get("tolerations", [])):
        check_toleration(guard, f"placement.tolerations[{i}]", toleration)
    for key in ("tolerations", "affinity"):
        if converted.get(key):
            spec[key] = converted[key]
    if placement.priority_class_name is not None:
        spec["priorityClassName"] = priority_class(guard, placement.priority_class_name)
    if placement.runtime_class_name is not None:
        spec["runtimeClassName"] = dns_subdomain(
            guard, "placement.runtime_class_name", placement.runtime_class_name
        )
    return spec


def _service_account(
    guard: _Guard, account: PodServiceAccount, station_name: str
) -> ServiceAccountSettings:
    if not isinstance(account, PodServiceAccount):
        raise guard.fail(
            "service_account",
            type(account).__name__,
            "must be PodServiceAccount(...) or None",
            "pass PodServiceAccount.existing('station') or PodServiceAccount.rendered(...)",
        )
    return resolve_service_account(
        guard,
        name=account.name,
        create=account.create,
        annotations=account.annotations,
        automount_token=account.automount_token,
        station_name=station_name,
    )


def _convert(guard: _Guard, extras: PodExtras) -> Json:
    lists: dict[str, tuple[str, type]] = {
        "volumes": ("[k8s.Volume(name='ca', config_map=...)]", k8s.Volume),
        "volume_mounts": ("[k8s.VolumeMount(name='ca', mount_path='/etc/ca')]", k8s.VolumeMount),
        "init_containers": ("[k8s.Container(name='wait', image='busybox:1.36')]", k8s.Container),
        "sidecars": ("[k8s.Container(name='proxy', image='...:1.0')]", k8s.Container),
        "host_aliases": ("[k8s.HostAlias(ip='10.0.0.5', hostnames=['llm'])]", k8s.HostAlias),
    }
    values: dict[str, list[Any]] = {}
    for name, (example, cls) in lists.items():
        items = sequence(guard, f"pod_extras.{name}", getattr(extras, name), example=example)
        for i, item in enumerate(items):
            _typed(guard, f"pod_extras.{name}[{i}]", item, cls)
        values[name] = items
    if extras.dns_config is not None:
        _typed(guard, "pod_extras.dns_config", extras.dns_config, k8s.PodDnsConfig)
    return _pod_spec_json(
        volumes=values["volumes"] or None,
        init_containers=values["init_containers"] or None,
        containers=values["sidecars"] or None,
        host_aliases=values["host_aliases"] or None,
        dns_config=extras.dns_config,
    )


def _typed(guard: _Guard, where: str, value: object, cls: type) -> None:
    if not isinstance(value, cls):
        raise guard.fail(
            where,
            type(value).__name__,
            f"must be a k8s.{cls.__name__} (from cdk8s_plus_27 import k8s)",
            f"pass k8s.{cls.__name__}(...)",
        )


def _pod_spec_json(**spec: Any) -> Json:
    """Kubernetes JSON of typed pod-spec fields (``None`` ones left out), read in Python."""
    rendered: Json = k8s_json({key: value for key, value in spec.items() if value is not None})
    return {_SPEC_NAMES.get(key, key): value for key, value in rendered.items()}


# The PodSpec fields converted, by their Python names' camelCase spelling.
_SPEC_NAMES = {
    "init_containers": "initContainers",
    "host_aliases": "hostAliases",
    "dns_config": "dnsConfig",
}
