"""Generate station_constructs/_verify/pod_schema.json from kubernetes-validate's schemas.

The final verification checks every built-in object the library renders (Deployment,
CronJob, Service, ServiceAccount, ConfigMap, claim, Namespace, Ingress, NetworkPolicy), as
users' patches and annotations leave it, against the strict (``additionalProperties: false``)
OpenAPI schema of each supported Kubernetes version, at synthesis and without network. The
package ships only what that needs: the definitions reachable from those kinds, without
descriptions, each distinct definition once (most are identical across versions), and per
version which one it uses.

    python scripts/extract_pod_schema.py          # rewrite the file
    python scripts/extract_pod_schema.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "station_constructs" / "_verify" / "pod_schema.json"
#: The Kubernetes versions the library supports (README, "Compatibility").
VERSIONS = ("1.27", "1.29", "1.33", "1.37")
#: The built-in objects the library renders (and users shape), by apiVersion/kind.
ROOTS = {
    "apps/v1/Deployment": "io.k8s.api.apps.v1.Deployment",
    "batch/v1/CronJob": "io.k8s.api.batch.v1.CronJob",
    "v1/Service": "io.k8s.api.core.v1.Service",
    "v1/ServiceAccount": "io.k8s.api.core.v1.ServiceAccount",
    "v1/ConfigMap": "io.k8s.api.core.v1.ConfigMap",
    "v1/PersistentVolumeClaim": "io.k8s.api.core.v1.PersistentVolumeClaim",
    "v1/Namespace": "io.k8s.api.core.v1.Namespace",
    "networking.k8s.io/v1/Ingress": "io.k8s.api.networking.v1.Ingress",
    "networking.k8s.io/v1/NetworkPolicy": "io.k8s.api.networking.v1.NetworkPolicy",
}
_KEPT = {"type", "properties", "additionalProperties", "required", "items", "enum", "oneOf", "$ref"}


def _definitions(version: str) -> dict[str, Any]:
    folder = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    data = json.loads((folder / f"v{version}.0-local-strict" / "_definitions.json").read_text())
    defs: dict[str, Any] = data["$defs"]
    return defs


def _strip(node: Any) -> Any:
    """Only what validation reads; ``$ref`` reduced to the definition's name."""
    if isinstance(node, list):
        return [_strip(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref":
            out[key] = value.rsplit("/", 1)[-1]
        elif key == "properties":
            out[key] = {name: _strip(v) for name, v in value.items()}
        elif key in _KEPT:
            out[key] = _strip(value)
    return out


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                found.add(value)
            else:
                _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def extract() -> dict[str, Any]:
    """``{"roots", "versions": {version: {name: id}}, "schemas": {id: schema}}``."""
    schemas: dict[str, Any] = {}
    versions: dict[str, dict[str, str]] = {}
    for version in VERSIONS:
        defs = {name: _strip(schema) for name, schema in _definitions(version).items()}
        names: dict[str, str] = {}
        todo = sorted(ROOTS.values())
        while todo:
            name = todo.pop()
            if name in names:
                continue
            text = json.dumps(defs[name], sort_keys=True, separators=(",", ":"))
            ident = hashlib.sha256(text.encode()).hexdigest()[:12]
            schemas[ident] = defs[name]
            names[name] = ident
            found: set[str] = set()
            _refs(defs[name], found)
            todo.extend(sorted(found - set(names)))
        versions[version] = dict(sorted(names.items()))
    return {"roots": ROOTS, "versions": versions, "schemas": dict(sorted(schemas.items()))}


def main() -> None:
    """Write (or with ``--check`` compare) the extracted schema."""
    text = json.dumps(extract(), sort_keys=True, separators=(",", ":")) + "\n"
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            sys.exit(f"{OUT.relative_to(REPO)} is out of date: run {Path(__file__).name}")
        return
    OUT.write_text(text)
    print(f"{OUT.relative_to(REPO)}: {len(text) // 1024} KiB")


if __name__ == "__main__":
    main()
