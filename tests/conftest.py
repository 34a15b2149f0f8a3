"""Shared fixtures: a fresh App/Chart per test, synth helpers, repository paths."""

from __future__ import annotations

import os
from pathlib import Path

# Node 24 from node_modules/ (./dev.sh setup) runs jsii's kernel and the tests' Node scripts,
# as under ./dev.sh, also when pytest is started directly.
_NODE = Path(__file__).resolve().parents[1] / "node_modules" / ".bin" / "node"
if _NODE.exists():
    os.environ.setdefault("JSII_NODE", str(_NODE))
    os.environ["PATH"] = f"{_NODE.parent}{os.pathsep}{os.environ['PATH']}"

from collections.abc import Callable, Iterator  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

import pytest  # noqa: E402
from cdk8s import App, Chart, Testing  # noqa: E402

from tests.support.paths import REPO  # noqa: E402

if TYPE_CHECKING:
    from tests.support.litestream_pod import LocalPod

Manifest = dict[str, Any]


@pytest.fixture
def chart() -> Chart:
    """An empty chart in a fresh app (GIVEN)."""
    return Chart(Testing.app(), "test")


@pytest.fixture
def new_chart() -> Callable[..., Chart]:
    """Factory for further charts in fresh apps."""

    def make(namespace: str | None = None) -> Chart:
        return Chart(App(outdir=str(REPO / "build" / "unused")), "test", namespace=namespace)

    return make


def synth(chart: Chart) -> list[Manifest]:
    """The chart's objects as plain dicts, in output order."""
    return list(Testing.synth(chart))


def find(objects: list[Manifest], kind: str, name: str) -> Manifest:
    """The one object of ``kind`` named ``name``; fails the test if absent or duplicated."""
    hits = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    present = [(o["kind"], o["metadata"]["name"]) for o in objects]
    assert len(hits) == 1, f"expected one {kind}/{name}, found {len(hits)} in {present}"
    return hits[0]


def pod_spec(objects: list[Manifest], name: str = "station") -> Manifest:
    """The pod spec of Deployment ``name``."""
    spec: Manifest = find(objects, "Deployment", name)["spec"]["template"]["spec"]
    return spec


def container(
    objects: list[Manifest], name: str = "station", container_name: str = "station"
) -> Manifest:
    """A container of Deployment ``name`` by container name."""
    spec = pod_spec(objects, name)
    for c in spec["containers"] + spec.get("initContainers", []):
        if c["name"] == container_name:
            result: Manifest = c
            return result
    raise AssertionError(f"no container {container_name}")


#: The bucket every end-to-end test uses (each test under its own key prefix).
E2E_BUCKET = "station-backups"


@pytest.fixture(scope="session")
def s3_server() -> Any:
    """One SeaweedFS S3 server for the whole test session (start-up costs ~3 s, stop ~2 s)."""
    from tests.support.s3server import SeaweedS3

    server = SeaweedS3(buckets=[E2E_BUCKET], stop_timeout=2.0)
    with server:
        yield server


@pytest.fixture
def make_pod(tmp_path: Path) -> Iterator[Callable[..., LocalPod]]:
    """LocalPod factory (``tests/support/litestream_pod.py``).

    ``make(objects, name, secrets, deployment=..., kind=...)``; whatever a test leaves running
    is killed afterwards.
    """
    from tests.support.litestream_pod import LocalPod  # noqa: PLC0415 - e2e tests only

    pods: list[LocalPod] = []

    def make(objects: list[Any], name: str, secrets: Any, **workload: str) -> LocalPod:
        pod = LocalPod(objects, tmp_path / name, secrets=secrets, **workload)
        pods.append(pod)
        return pod

    yield make
    for pod in pods:
        pod.kill()
