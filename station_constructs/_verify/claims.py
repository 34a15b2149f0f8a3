"""Each Station's data claim, mounted by that Station's pod only.

Plain Python over Kubernetes JSON. SQLite has one writer: a claim holding a Station's
database mounted by another Station's pod (through ``PodExtras``, a JSON patch or
``station.claim_ref``), or by any other long-running workload of the app, would either hang
(ReadWriteOnce on another node) or open the database twice. A ``Job`` may mount it (the
documented restore, run while the Station is stopped); a ``CronJob`` only read-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .model import DOCS, Finding, Rendered, StationFacts, containers_of, pod_prefix, pod_spec_of

__all__ = ["check_claims"]

_CHECK = "data-claim"
#: The containers of a Station's pod that write its data volume (the library's own).
OWN_WRITERS = frozenset(
    {"station", "seed-home", "litestream", "litestream-restore", "config-restore", "config-backup"}
)


def check_claims(
    objects: Iterable[Rendered], stations: dict[tuple[str, str], StationFacts]
) -> Iterator[Finding]:
    """Every mount of a Station's data claim by a pod that is not that Station's."""
    claims = {(s.namespace, s.claim): s for s in stations.values()}
    if not claims:
        return
    for obj in objects:
        spec = pod_spec_of(obj.body)
        if spec is None:
            continue
        for i, volume in enumerate(spec.get("volumes") or []):
            claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            station = claims.get((obj.namespace, str(claim)))
            if station is not None and _own(obj, station):
                yield from _other_writers(obj, spec, str(volume.get("name")), station)
                continue
            if station is None:
                continue
            writable = _writable(
                spec,
                str(volume.get("name")),
                bool((volume.get("persistentVolumeClaim") or {}).get("readOnly")),
            )
            if obj.kind == "Job" or (obj.kind == "CronJob" and not writable):
                continue
            stations_pod = (obj.namespace, obj.name) in stations and obj.kind == "Deployment"
            yield _finding(obj, i, str(claim), station, writable, stations_pod)


def _own(obj: Rendered, station: StationFacts) -> bool:
    return obj.kind == "Deployment" and obj.name == station.deployment


def _writable(spec: dict[str, object], volume: str, claim_read_only: bool) -> bool:
    if claim_read_only:
        return False
    for _, _, container in containers_of(spec):
        for mount in container.get("volumeMounts") or []:
            if mount.get("name") == volume and not mount.get("readOnly"):
                return True
    return False


def _finding(
    obj: Rendered, i: int, claim: str, station: StationFacts, writable: bool, stations_pod: bool
) -> Finding:
    other = "another Station's pod" if stations_pod else f"a {obj.kind}"
    mode = "read-write" if writable else "read-only"
    return Finding(
        obj,
        f"{pod_prefix(obj.kind)}.volumes[{i}].persistentVolumeClaim.claimName",
        claim,
        f"is the data claim of '{station.owner}', mounted {mode} by {other}: SQLite has one "
        "writer, and a ReadWriteOnce claim serves one pod (the other hangs or opens the "
        "database twice)",
        "read the Station's data through its API or a backup (LitestreamBackup), or mount "
        f"it from a Job while the Station is stopped (see {DOCS})",
        _CHECK,
    )


def _other_writers(
    obj: Rendered, spec: dict[str, Any], volume: str, station: StationFacts
) -> Iterator[Finding]:
    """Containers of the Station's own pod, not the library's, mounting the data writable."""
    for key, i, container in containers_of(spec):
        if container.get("name") in OWN_WRITERS:
            continue
        for j, mount in enumerate(container.get("volumeMounts") or []):
            if mount.get("name") == volume and not mount.get("readOnly"):
                yield Finding(
                    obj,
                    f"{pod_prefix(obj.kind)}.{key}[{i}].volumeMounts[{j}].readOnly",
                    mount.get("readOnly"),
                    f"container '{container.get('name')}' mounts the data volume of "
                    f"'{station.owner}' writable: Station (and its backups) must be the only "
                    "writer of its SQLite database",
                    f"mount it with readOnly: true (see {DOCS})",
                    _CHECK,
                )
