"""The Station's own part of its pod: the ``station`` container, ``seed-home``, the volumes.

Settings in (resolved by ``station_constructs._settings``), a :class:`~.pod.StationPod` out,
to which attached constructs then add their containers. What Station needs at runtime (the
UID, the writable paths, the health endpoint) is cited in ``docs/station-facts.md``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .._settings.station import (
    _HEALTH_PATH,
    _TOOL_CACHES,
    CONFIG_DIR,
    DATA_MOUNT,
    HOME_DIR,
    VOLUME_CONFIG_DIR,
    _ResolvedResources,
)
from . import containers as c
from .pod import Json, StationPod, define_volume

__all__ = [
    "CONFIG_HASH_ANNOTATION",
    "WEBHOOK_KEY",
    "SEED_MOUNT",
    "StationPodSettings",
    "container_resources",
    "scanner_suppressions",
    "small_resources",
    "station_command",
    "station_pod",
]

#: A changed ConfigMap restarts the pod (envFrom is read only at start).
CONFIG_HASH_ANNOTATION = "station-constructs/config-hash"
DATA_VOLUME = "data"
SEED_MOUNT = "/seed/home"


@dataclass(frozen=True)
class StationPodSettings:
    """Everything the Station's part of the pod is rendered from."""

    name: str
    namespace: str
    labels: Mapping[str, str]
    selector: Mapping[str, str]
    pod_annotations: Mapping[str, str]
    scanner_annotations: Mapping[str, str]
    image: str
    pull_policy: str
    pull_secrets: Sequence[str]
    ports: Sequence[tuple[str, int]]
    probe_port: int
    config_map_name: str
    settings: Mapping[str, str]
    secret_env: Sequence[tuple[str, str, str]]
    resources: Json
    startup_timeout_seconds: int
    grace_period_seconds: int
    read_only_root: bool
    config_on_volume: bool
    persist_tool_caches: bool
    scratch_mebibytes: int
    claim_name: str
    seed_script: str
    seed_environment: Mapping[str, str] | None
    secret_name: str = ""


#: The variable whose empty value Station treats as unset (webhooks open as admin).
WEBHOOK_KEY = "STN_WEBHOOK_API_KEY"


def station_command(secret_env: Sequence[tuple[str, str, str]], secret_name: str) -> list[str]:
    """The ``station`` container's command: ``stn serve``, never the image's CMD.

    A flag in an image's CMD (``stn serve --local``, ``--dev``, ``--api-port``...) beats
    every environment variable Station reads, so the command is pinned. With the webhook key
    wired, an empty key stops the container first: Station counts an empty
    ``STN_WEBHOOK_API_KEY`` as unset and then serves the webhooks to anyone as an admin.
    """
    if not any(var == WEBHOOK_KEY for var, _, _ in secret_env):
        return ["stn", "serve"]
    script = (
        f'if [ -z "${{{WEBHOOK_KEY}:-}}" ]; then '
        f"echo 'station-constructs: {WEBHOOK_KEY} is empty in Secret {secret_name}: Station "
        "would count it as unset and serve /execute and the other webhook paths to anyone as "
        f"an admin. Fix: store a key (e.g. openssl rand -hex 32) under {WEBHOOK_KEY} and "
        "restart the pod' >&2; exit 1; fi; exec stn serve"
    )
    return ["sh", "-c", script]


def config_hash(settings: Mapping[str, str]) -> str:
    """The first 16 hex digits of the settings' SHA-256 (sorted JSON)."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


def scanner_suppressions(*, digest_pinned: bool, pull_always: bool) -> dict[str, str]:
    """Checkov findings that do not apply to Station, each with the reason, on the object.

    Only findings that remain true for this configuration are suppressed: a digest-pinned
    image or pull policy Always passes those checks and gets no annotation.
    """
    reasons: list[tuple[str, str]] = [
        (
            "CKV_K8S_35",
            "Station reads provider API keys and its encryption key only from environment "
            "variables; they come from a Secret reference and never appear in the manifest",
        ),
        (
            "CKV_K8S_40",
            "the Station image's user is UID 1000 which owns its home directory; the pod "
            "runs as that non-root user with fsGroup 1000 and all capabilities dropped",
        ),
    ]
    if not digest_pinned:
        reasons.append(
            (
                "CKV_K8S_43",
                "the image is pinned to a version tag, enforced at construct time (tags can "
                "still be re-pushed); pass image with an @sha256 digest to pin it immutably",
            )
        )
    if not pull_always and not digest_pinned:
        reasons.append(
            (
                "CKV_K8S_15",
                "IfNotPresent with a pinned tag runs exactly that build and also works for "
                "images built with stn build env and imported into the node (k3s)",
            )
        )
    return {
        f"checkov.io/skip{i}": f"{check}={reason}"
        for i, (check, reason) in enumerate(sorted(reasons), start=1)
    }


def pod_security() -> Json:
    """The pod's security context: UID/GID 1000, fsGroup once per volume, seccomp."""
    return {
        # Without fsGroup a fresh volume is root-owned: "mkdir /data: permission denied".
        "fsGroup": c.POD_UID,
        # Re-chowning the whole volume at every start is what ALWAYS would do.
        "fsGroupChangePolicy": "OnRootMismatch",
        "runAsGroup": c.POD_UID,
        "runAsNonRoot": True,
        "runAsUser": c.POD_UID,
        # "restricted" Pod Security needs a seccomp profile.
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def _station_mounts(s: StationPodSettings) -> list[Json]:
    mounts = [c.mount(DATA_MOUNT, DATA_VOLUME)]
    if s.read_only_root:
        mounts += [c.mount(path, name) for name, path in _scratch_dirs()]
    if s.config_on_volume:
        # The config dir is state (Station's start-up sync prunes file-based MCP configs
        # whose files are gone, with their tools). Mounted after $HOME, inside it.
        mounts.append(c.mount(CONFIG_DIR, DATA_VOLUME, sub_path=VOLUME_CONFIG_DIR))
    if s.persist_tool_caches:
        # npx (~/.npm) and uvx (~/.cache/uv) caches survive restarts.
        mounts += [c.mount(path, DATA_VOLUME, sub_path=sub) for sub, path in _TOOL_CACHES]
    return mounts


def _scratch_dirs() -> list[tuple[str, str]]:
    return [("home", HOME_DIR), ("tmp", "/tmp"), ("workspace", "/workspace")]


def _station_container(s: StationPodSettings) -> Json:
    # 8587's /health is served in every mode; 8585 only with STN_DEV_MODE. The startup
    # probe (not initialDelaySeconds) absorbs the environment sync and MCP connections.
    probes = {
        "startup": c.http_probe(
            _HEALTH_PATH,
            s.probe_port,
            period=10,
            timeout=5,
            failure_threshold=max(1, math.ceil(s.startup_timeout_seconds / 10)),
        ),
        "liveness": c.http_probe(
            _HEALTH_PATH, s.probe_port, period=10, timeout=5, failure_threshold=3
        ),
        "readiness": c.http_probe(
            _HEALTH_PATH, s.probe_port, period=5, timeout=3, failure_threshold=3
        ),
    }
    return c.container(
        "station",
        s.image,
        pull_policy=s.pull_policy,
        command=station_command(s.secret_env, s.secret_name),
        ports=[c.port(number, name) for name, number in s.ports],
        env=[c.env_from_secret(var, secret, key) for var, secret, key in s.secret_env],
        env_from_config_maps=[s.config_map_name],
        security=c.security_context(read_only_root=s.read_only_root),
        resources=s.resources,
        probes=probes,
        mounts=_station_mounts(s),
    )


def container_resources(resolved: _ResolvedResources) -> Json:
    """The resolved requests and limits of a container."""
    return c.resources(
        cpu_request_m=resolved.cpu_request_m,
        cpu_limit_m=resolved.cpu_limit_m,
        memory_request_mi=resolved.memory_request.mebibytes,
        memory_limit_mi=resolved.memory_limit.mebibytes,
    )


def small_resources() -> Json:
    """Explicit, small resources for short helper containers."""
    return c.resources(cpu_request_m=50, cpu_limit_m=500, memory_request_mi=64, memory_limit_mi=256)


def _seed_container(s: StationPodSettings, environment: Mapping[str, str]) -> Json:
    mounts = [c.mount(SEED_MOUNT, "home")] if "SEED_HOME_TO" in environment else []
    # /data is mounted whole: this container (UID 1000) creates the subPath directories,
    # which the kubelet would create root-owned.
    mounts.append(c.mount(DATA_MOUNT, DATA_VOLUME))
    return c.container(
        "seed-home",
        s.image,
        pull_policy=s.pull_policy,
        command=["sh", "-c", s.seed_script],
        # Only the script's own inputs: no Secret, no ConfigMap reaches this container.
        env=c.env_values(environment),
        security=c.security_context(read_only_root=s.read_only_root),
        resources=small_resources(),
        mounts=mounts,
    )


def station_pod(s: StationPodSettings) -> StationPod:
    """The Station's pod: its container, ``seed-home`` when needed, and their volumes."""
    pod = StationPod(
        name=s.name,
        namespace=s.namespace,
        labels=s.labels,
        selector=s.selector,
        pod_annotations={**s.pod_annotations, CONFIG_HASH_ANNOTATION: config_hash(s.settings)},
        pod_security=pod_security(),
        grace_period_seconds=s.grace_period_seconds,
        annotations=s.scanner_annotations,
        station_container=_station_container(s),
        image_pull_secrets=s.pull_secrets,
    )
    define_volume(pod, c.claim_volume(DATA_VOLUME, s.claim_name))
    for name, _ in _scratch_dirs():
        define_volume(pod, c.empty_dir_volume(name, s.scratch_mebibytes))
    if s.seed_environment is not None:
        pod.add_init_container(_seed_container(s, s.seed_environment))
    return pod
