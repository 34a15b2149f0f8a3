"""The platform team's pod options added to the rendered Station pod, as data.

Renderer step (see ``docs/architecture.md``); no cdk8s. The additions are checked in
``settings/pod_options.py`` and ``settings/pod_containers.py``; this is the step that puts
them into the Deployment (after the pod is assembled, so they come after the construct's own
volumes, mounts and containers).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .._settings.pod_options import ResolvedPod

__all__ = ["pod_options_step"]

Json = dict[str, Any]


def pod_options_step(resolved: ResolvedPod) -> Callable[[Json], None]:
    """A render step adding ``resolved`` to a rendered Deployment."""
    account = resolved.service_account

    def step(data: Json) -> None:
        # A copy per synthesis: the rendered object must not share values with the options.
        added = copy.deepcopy(resolved)
        template = data["spec"]["template"]
        if added.labels:
            template["metadata"].setdefault("labels", {}).update(added.labels)
        pod = template["spec"]
        pod.update(added.spec)
        if account is not None:
            pod["serviceAccountName"] = account.name
            pod["automountServiceAccountToken"] = account.automount_token
        if added.volumes:
            pod["volumes"] = [*pod.get("volumes", []), *added.volumes]
        station = next(c for c in pod["containers"] if c["name"] == "station")
        if added.volume_mounts:
            station["volumeMounts"] = [*station.get("volumeMounts", []), *added.volume_mounts]
        if added.init_containers:
            pod["initContainers"] = [*pod.get("initContainers", []), *added.init_containers]
        if added.sidecars:
            pod["containers"] = [*pod["containers"], *added.sidecars]

    return step
