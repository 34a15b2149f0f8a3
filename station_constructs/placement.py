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

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._errors import _Guard
from ._k8s import Construct, claim_object, k8s
from ._validate import (
    annotations_map,
    boolean,
    dns_label,
    dns_subdomain,
    host_name,
    image_reference,
    labels_map,
    sequence,
)
from .render.pod import PodAssembly

__all__ = ["PodExtras", "PodPlacement", "PodServiceAccount"]

Json = dict[str, Any]

#: Volumes and containers the Station pod has (or gets from LitestreamBackup).
RESERVED_VOLUMES = frozenset({"data", "home", "tmp", "workspace", "litestream-config"})
RESERVED_CONTAINERS = frozenset({"station", "seed-home", "litestream", "litestream-restore"})
#: Volume types the "restricted" Pod Security Standard admits.
_RESTRICTED_VOLUME_TYPES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)
_SYSTEM_PRIORITY = ("system-cluster-critical", "system-node-critical")
_TOLERATION_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


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


@dataclass(frozen=True)
class ResolvedPod:
    """The checked pod-spec additions, in Kubernetes JSON (internal)."""

    spec: Json
    labels: dict[str, str]
    volumes: list[Json]
    volume_mounts: list[Json]
    init_containers: list[Json]
    sidecars: list[Json]
    service_account: PodServiceAccount | None
    service_account_name: str | None

    @property
    def empty(self) -> bool:
        """Whether nothing is added (the pod renders exactly as without options)."""
        return not (
            self.spec
            or self.labels
            or self.volumes
            or self.volume_mounts
            or self.init_containers
            or self.sidecars
            or self.service_account
        )


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
        spec.update(_placement(scope, guard, placement))
    sa_name = None
    if service_account is not None:
        sa_name = _service_account(guard, service_account, station_name)
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
        labels = _pod_labels(guard, extras.labels)
        converted = _convert(scope, guard, extras)
        volumes = _volumes(guard, converted.get("volumes", []), pvc_name)
        mounts = _station_mounts(guard, extras, volumes, protected_paths)
        names: set[str] = set(RESERVED_CONTAINERS)
        init = [
            _container(guard, f"pod_extras.init_containers[{i}]", c, volumes, own_volumes, names)
            for i, c in enumerate(converted.get("initContainers", []))
        ]
        sidecars = [
            _container(guard, f"pod_extras.sidecars[{i}]", c, volumes, own_volumes, names)
            for i, c in enumerate(converted.get("containers", []))
        ]
        for key in ("hostAliases", "dnsConfig"):
            if converted.get(key):
                spec[key] = converted[key]
        _check_hosts(guard, spec)
    return ResolvedPod(spec, labels, volumes, mounts, init, sidecars, service_account, sa_name)


def apply_pod(
    scope: Construct,
    guard: _Guard,
    pod_assembly: PodAssembly,
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
    if account is not None and account.create and resolved.service_account_name is not None:
        claim_object(
            scope,
            guard,
            kind="ServiceAccount",
            namespace=namespace,
            name=resolved.service_account_name,
            field="service_account.name",
            fix="give each Station its own ServiceAccount name, or share an existing one "
            "with PodServiceAccount.existing(...)",
        )
        rendered = k8s.KubeServiceAccount(
            scope,
            "service-account",
            metadata=k8s.ObjectMeta(
                name=resolved.service_account_name,
                namespace=namespace,
                labels=labels,
                annotations=dict(account.annotations or {}) or None,
            ),
            # The token is mounted by the pod setting only, when asked for.
            automount_service_account_token=False,
        )

    def hook(data: Json) -> None:
        template = data["spec"]["template"]
        if resolved.labels:
            template["metadata"].setdefault("labels", {}).update(resolved.labels)
        pod = template["spec"]
        pod.update(resolved.spec)
        if account is not None:
            pod["serviceAccountName"] = resolved.service_account_name
            pod["automountServiceAccountToken"] = account.automount_token
        if resolved.volumes:
            pod["volumes"] = [*pod.get("volumes", []), *resolved.volumes]
        station = next(c for c in pod["containers"] if c["name"] == "station")
        if resolved.volume_mounts:
            station["volumeMounts"] = [*station.get("volumeMounts", []), *resolved.volume_mounts]
        if resolved.init_containers:
            pod["initContainers"] = [*pod.get("initContainers", []), *resolved.init_containers]
        if resolved.sidecars:
            pod["containers"] = [*pod["containers"], *resolved.sidecars]

    pod_assembly.add_step(hook)
    return rendered


# ---------------------------------------------------------------------- placement
def _placement(scope: Construct, guard: _Guard, placement: PodPlacement) -> Json:
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
    converted = _pod_json(scope, tolerations=tolerations or None, affinity=placement.affinity)
    for i, toleration in enumerate(converted.get("tolerations", [])):
        _toleration(guard, f"placement.tolerations[{i}]", toleration)
    for key in ("tolerations", "affinity"):
        if converted.get(key):
            spec[key] = converted[key]
    if placement.priority_class_name is not None:
        name = dns_subdomain(guard, "placement.priority_class_name", placement.priority_class_name)
        if name in _SYSTEM_PRIORITY:
            raise guard.fail(
                "placement.priority_class_name",
                name,
                "is reserved for cluster components: the API server admits it only in "
                "kube-system by default",
                "create a PriorityClass of your own (e.g. 'station-high') and name it here",
            )
        spec["priorityClassName"] = name
    if placement.runtime_class_name is not None:
        spec["runtimeClassName"] = dns_subdomain(
            guard, "placement.runtime_class_name", placement.runtime_class_name
        )
    return spec


def _toleration(guard: _Guard, where: str, toleration: Json) -> None:
    operator = toleration.get("operator", "Equal")
    if operator not in ("Equal", "Exists"):
        raise guard.fail(
            f"{where}.operator", operator, "must be 'Equal' or 'Exists'", "pass operator='Equal'"
        )
    if operator == "Exists" and toleration.get("value"):
        raise guard.fail(
            f"{where}.value",
            toleration["value"],
            "must be empty with operator 'Exists' (the API server rejects it)",
            "drop value, or use operator='Equal'",
        )
    if not toleration.get("key") and operator != "Exists":
        raise guard.fail(
            f"{where}.key",
            toleration.get("key"),
            "may be empty only with operator 'Exists' (which then tolerates every taint)",
            "name the taint's key",
        )
    effect = toleration.get("effect")
    if effect not in (None, "", *_TOLERATION_EFFECTS):
        raise guard.fail(
            f"{where}.effect",
            effect,
            f"must be one of {', '.join(_TOLERATION_EFFECTS)} (or empty for all)",
            "pass e.g. effect='NoSchedule'",
        )
    if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
        raise guard.fail(
            f"{where}.toleration_seconds",
            toleration["tolerationSeconds"],
            "applies only to effect 'NoExecute'",
            "pass effect='NoExecute' or drop toleration_seconds",
        )


# ---------------------------------------------------------------------- identity
def _service_account(guard: _Guard, account: PodServiceAccount, station_name: str) -> str:
    if not isinstance(account, PodServiceAccount):
        raise guard.fail(
            "service_account",
            type(account).__name__,
            "must be PodServiceAccount(...) or None",
            "pass PodServiceAccount.existing('station') or PodServiceAccount.rendered(...)",
        )
    create = boolean(guard, "service_account.create", account.create)
    boolean(guard, "service_account.automount_token", account.automount_token)
    annotations = annotations_map(guard, "service_account.annotations", account.annotations)
    if account.name is None and not create:
        raise guard.fail(
            "service_account.name",
            None,
            "is required for an existing ServiceAccount",
            "pass PodServiceAccount.existing('name'), or PodServiceAccount.rendered() to "
            "render one",
        )
    if annotations and not create:
        raise guard.fail(
            "service_account.annotations",
            annotations,
            "apply only to a ServiceAccount the construct renders",
            "use PodServiceAccount.rendered(annotations=...), or annotate yours directly",
        )
    name = dns_subdomain(guard, "service_account.name", account.name or station_name)
    if name == "default":
        raise guard.fail(
            "service_account.name",
            name,
            "is the namespace's default ServiceAccount, shared by every pod there; a cloud "
            "role bound to it would reach every pod",
            "use a ServiceAccount of Station's own, e.g. PodServiceAccount.rendered()",
        )
    return name


# ---------------------------------------------------------------------- extras
def _pod_labels(guard: _Guard, labels: Mapping[str, str] | None) -> dict[str, str]:
    checked = labels_map(guard, "pod_extras.labels", labels)
    for key, value in checked.items():
        if key == "app" or key.startswith("app.kubernetes.io/"):
            raise guard.fail(
                f"pod_extras.labels[{key!r}]",
                value,
                "is set by the construct: the Deployment's selector, the Services and the "
                "NetworkPolicy select the pod by it",
                "choose another label key",
            )
    return checked


def _convert(scope: Construct, guard: _Guard, extras: PodExtras) -> Json:
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
    return _pod_json(
        scope,
        volumes=values["volumes"] or None,
        init_containers=values["init_containers"] or None,
        containers=values["sidecars"] or None,
        host_aliases=values["host_aliases"] or None,
        dns_config=extras.dns_config,
    )


def _volumes(guard: _Guard, volumes: list[Json], pvc_name: str) -> list[Json]:
    seen: set[str] = set()
    for i, volume in enumerate(volumes):
        where = f"pod_extras.volumes[{i}]"
        name = dns_label(guard, f"{where}.name", volume.get("name"))
        if name in RESERVED_VOLUMES or name in seen:
            raise guard.fail(
                f"{where}.name",
                name,
                "is already a volume of the Station pod"
                + (" (the construct's own)" if name in RESERVED_VOLUMES else ""),
                "choose another name",
            )
        seen.add(name)
        kinds = [k for k in volume if k != "name"]
        if len(kinds) != 1:
            raise guard.fail(
                where, kinds, "must set exactly one volume source", "pass e.g. config_map=..."
            )
        kind = kinds[0]
        if kind not in _RESTRICTED_VOLUME_TYPES:
            raise guard.fail(
                where,
                kind,
                "is a volume type the 'restricted' Pod Security Standard (enforced in the "
                "Station's namespace) refuses"
                + (": a hostPath exposes the node's filesystem" if kind == "hostPath" else ""),
                "use configMap, secret, projected, downwardAPI, emptyDir, "
                "persistentVolumeClaim, csi or ephemeral",
            )
        claim = volume.get("persistentVolumeClaim", {}).get("claimName")
        if claim == pvc_name:
            raise guard.fail(
                f"{where}.persistent_volume_claim.claim_name",
                claim,
                "is the Station's data volume; mounting it again under another name bypasses "
                "the single-writer guard",
                "mount the volume named 'data' read-only in a sidecar instead",
            )
    return volumes


def _station_mounts(
    guard: _Guard, extras: PodExtras, volumes: list[Json], protected: Sequence[str]
) -> list[Json]:
    converted = _mounts_json(extras)
    names = {v["name"] for v in volumes}
    paths: set[str] = set()
    for i, mount in enumerate(converted):
        where = f"pod_extras.volume_mounts[{i}]"
        if mount.get("name") not in names:
            raise guard.fail(
                f"{where}.name",
                mount.get("name"),
                "is not one of pod_extras.volumes (the Station's own volumes are mounted by "
                "the construct)",
                "add the volume to pod_extras.volumes, or mount one of them",
            )
        path = _mount_path(guard, f"{where}.mount_path", mount.get("mountPath"), protected)
        if path in paths:
            raise guard.fail(f"{where}.mount_path", path, "is mounted twice", "use one mount")
        paths.add(path)
    return converted


def _mount_path(guard: _Guard, where: str, path: object, protected: Sequence[str]) -> str:
    """A mount path that hides none of the construct's mount points (``protected``).

    The first two (data volume, config directory) are protected with everything below them.
    """
    if not isinstance(path, str) or not path.startswith("/"):
        raise guard.fail(where, path, "must be an absolute path", "pass e.g. '/etc/ssl/extra'")
    clean = "/" + "/".join(p for p in path.split("/") if p)
    if clean == "/":
        raise guard.fail(where, path, "would hide the whole filesystem", "mount a directory")
    for i, own in enumerate(protected):
        hides = own == clean or own.startswith(clean + "/")
        inside = i < 2 and clean.startswith(own + "/")
        if hides or inside:
            raise guard.fail(
                where,
                path,
                f"{'hides' if hides else 'is inside'} {own}, which the construct mounts (the "
                "data volume, the config directory or a writable scratch directory)",
                "mount somewhere else, e.g. under /etc or /opt",
            )
    return path


def _container(
    guard: _Guard,
    where: str,
    container: Json,
    volumes: list[Json],
    own_volumes: Sequence[str],
    names: set[str],
) -> Json:
    name = dns_label(guard, f"{where}.name", container.get("name"))
    if name in names:
        raise guard.fail(
            f"{where}.name",
            name,
            "is already a container of the Station pod"
            + (" (the construct's own)" if name in RESERVED_CONTAINERS else ""),
            "choose another name",
        )
    names.add(name)
    image_reference(guard, f"{where}.image", container.get("image"), allow_unpinned=False)
    for i, port_spec in enumerate(container.get("ports", [])):
        if port_spec.get("hostPort"):
            raise guard.fail(
                f"{where}.ports[{i}].host_port",
                port_spec["hostPort"],
                "binds a port on the node, which the Pod Security Standards refuse",
                "drop host_port; reach the container through a Service",
            )
    known = {v["name"] for v in volumes} | set(own_volumes)
    for i, mount in enumerate(container.get("volumeMounts", [])):
        volume = mount.get("name")
        if volume not in known:
            raise guard.fail(
                f"{where}.volume_mounts[{i}].name",
                volume,
                "is not a volume of the Station pod",
                "add it to pod_extras.volumes",
            )
        if volume == "data" and not mount.get("readOnly"):
            raise guard.fail(
                f"{where}.volume_mounts[{i}]",
                "data",
                "mounts the Station's data volume writable: Station must be the only "
                "writer of its SQLite database",
                "pass read_only=True",
            )
    container["securityContext"] = _restricted(
        guard, f"{where}.security_context", container.get("securityContext") or {}
    )
    return container


def _restricted(guard: _Guard, where: str, context: Json) -> Json:
    """The container's security context, completed to the "restricted" profile, or refused."""

    def refuse(field_name: str, value: object, problem: str, fix: str) -> Exception:
        return guard.fail(
            f"{where}.{field_name}",
            value,
            f"{problem}; the Station's namespace enforces the 'restricted' Pod Security "
            "Standard, so the pod would be rejected",
            fix,
        )

    if context.get("privileged"):
        raise refuse("privileged", True, "a privileged container", "drop privileged")
    if context.get("allowPrivilegeEscalation"):
        raise refuse(
            "allow_privilege_escalation", True, "allows privilege escalation", "pass False"
        )
    if context.get("runAsNonRoot") is False or context.get("runAsUser") == 0:
        value = context.get("runAsUser", context.get("runAsNonRoot"))
        raise refuse("run_as_user", value, "runs as root", "run as a non-root UID (e.g. 1000)")
    if context.get("procMount") not in (None, "Default"):
        raise refuse("proc_mount", context["procMount"], "unmasks /proc", "drop proc_mount")
    seccomp = (context.get("seccompProfile") or {}).get("type")
    if seccomp == "Unconfined":
        raise refuse("seccomp_profile", seccomp, "turns seccomp off", "drop seccomp_profile")
    if (context.get("windowsOptions") or {}).get("hostProcess"):
        raise refuse("windows_options.host_process", True, "a host process", "drop it")
    capabilities = dict(context.get("capabilities") or {})
    added = [c for c in capabilities.get("add", []) if c != "NET_BIND_SERVICE"]
    if added:
        raise refuse(
            "capabilities.add", added, "adds capabilities", "add none (NET_BIND_SERVICE only)"
        )
    drop = capabilities.get("drop")
    if drop is not None and "ALL" not in drop:
        raise refuse("capabilities.drop", drop, "does not drop ALL", "pass drop=['ALL']")
    capabilities["drop"] = drop or ["ALL"]
    return {**context, "allowPrivilegeEscalation": False, "capabilities": capabilities}


def _check_hosts(guard: _Guard, spec: Json) -> None:
    for i, alias in enumerate(spec.get("hostAliases", [])):
        where = f"pod_extras.host_aliases[{i}]"
        try:
            ipaddress.ip_address(alias.get("ip", ""))
        except ValueError:
            raise guard.fail(
                f"{where}.ip", alias.get("ip"), "must be an IP address", "pass e.g. '10.0.0.5'"
            ) from None
        hostnames = alias.get("hostnames") or []
        if not hostnames or not all(isinstance(h, str) and host_name(h) for h in hostnames):
            raise guard.fail(
                f"{where}.hostnames",
                hostnames,
                "must be a non-empty list of host names",
                "pass e.g. hostnames=['llm.internal']",
            )
    servers = (spec.get("dnsConfig") or {}).get("nameservers") or []
    if len(servers) > 3:
        raise guard.fail(
            "pod_extras.dns_config.nameservers",
            servers,
            "lists more than 3 nameservers (the API server's limit)",
            "keep at most 3",
        )
    for server in servers:
        try:
            ipaddress.ip_address(server)
        except ValueError:
            raise guard.fail(
                "pod_extras.dns_config.nameservers[]",
                server,
                "must be an IP address",
                "pass e.g. '10.96.0.10'",
            ) from None


# ---------------------------------------------------------------------- conversion
def _typed(guard: _Guard, where: str, value: object, cls: type) -> None:
    if not isinstance(value, cls):
        raise guard.fail(
            where,
            type(value).__name__,
            f"must be a k8s.{cls.__name__} (from cdk8s_plus_27 import k8s)",
            f"pass k8s.{cls.__name__}(...)",
        )


def _pod_json(scope: Construct, **spec: Any) -> Json:
    """Kubernetes JSON of typed pod-spec fields, rendered through a throwaway KubePod."""
    containers = spec.pop("containers", None)
    scratch = Construct(scope, "pod-options-scratch")
    try:
        pod = k8s.KubePod(
            scratch,
            "pod",
            spec=k8s.PodSpec(containers=containers or [k8s.Container(name="placeholder")], **spec),
        )
        rendered: Json = pod.to_json()["spec"]
    finally:
        scope.node.try_remove_child("pod-options-scratch")
    if not containers:
        rendered.pop("containers", None)
    return rendered


def _mounts_json(extras: PodExtras) -> list[Json]:
    mounts = list(extras.volume_mounts)
    if not mounts:
        return []
    # VolumeMount is a plain struct: its fields map one to one.
    return [
        {
            key: value
            for key, value in (
                ("mountPath", m.mount_path),
                ("mountPropagation", m.mount_propagation),
                ("name", m.name),
                ("readOnly", m.read_only),
                ("subPath", m.sub_path),
                ("subPathExpr", m.sub_path_expr),
            )
            if value is not None
        }
        for m in mounts
    ]
