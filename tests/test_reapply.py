"""An apply that changes nothing when nothing changed.

The quantity rules are checked against Kubernetes' own canonical forms (the table of
``k8s.io/apimachinery/pkg/api/resource/quantity_test.go``'s canonicalization cases); the
checks of tests/support/server_view.py are shown to catch each kind of problem, then run over
dist/ and every golden file (every example and every doc app runs them in test_examples.py).
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from station_constructs._render.quantities import canonical_quantity, cpu, mebibytes
from tests.support.paths import GOLDEN_DIR, REPO, require_glob
from tests.support.server_view import apply_order_problems, server_rewrites

# (as written, as the API server stores it): apimachinery's canonicalization.
CANONICAL = [
    ("1000m", "1"),
    ("2000m", "2"),
    ("1500m", "1500m"),
    ("250m", "250m"),
    ("0.5", "500m"),
    ("1.5", "1500m"),
    ("1000", "1k"),
    ("1500", "1500"),
    ("2048Mi", "2Gi"),
    ("1024Mi", "1Gi"),
    ("1536Mi", "1536Mi"),
    ("1.5Gi", "1536Mi"),
    ("1024Ki", "1Mi"),
    ("1Ki", "1Ki"),
    ("10Gi", "10Gi"),
    ("0", "0"),
    ("0Mi", "0"),
    ("0.5Ki", "512"),
    ("100M", "100M"),
    ("1000k", "1M"),
]


@pytest.mark.parametrize(("written", "stored"), CANONICAL)
def test_canonical_quantity(written: str, stored: str) -> None:
    assert canonical_quantity(written) == stored
    assert canonical_quantity(stored) == stored


@pytest.mark.parametrize("text", ["", "Mi", "ten", "1e3", "1GB", "--1"])
def test_not_a_quantity(text: str) -> None:
    with pytest.raises(ValueError, match="not a Kubernetes quantity"):
        canonical_quantity(text)


def test_renderer_helpers() -> None:
    assert [cpu(1000), cpu(250), cpu(2500)] == ["1", "250m", "2500m"]
    assert [mebibytes(2048), mebibytes(512), mebibytes(4096)] == ["2Gi", "512Mi", "4Gi"]


def _deployment(**pod: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d", "namespace": "n", "labels": {"empty": ""}},
        "spec": {
            "replicas": 1,
            "template": {"spec": {"automountServiceAccountToken": False, **pod}},
        },
    }


@pytest.mark.parametrize(
    ("pod", "problem"),
    [
        ({"hostNetwork": False}, "hostNetwork: False is dropped"),
        ({"volumes": []}, "volumes: [] is dropped"),
        ({"nodeSelector": {}}, "nodeSelector: {} is dropped"),
        ({"hostname": ""}, "hostname: '' is dropped"),
        ({"containers": [{"resources": {"limits": {"cpu": "1000m"}}}]}, "'1000m' is stored as '1'"),
        ({"volumes": [{"emptyDir": {"sizeLimit": "2048Mi"}}]}, "'2048Mi' is stored as '2Gi'"),
        ({"volumes": [{"persistentVolumeClaim": {"readOnly": False}}]}, "readOnly: False"),
    ],
)
def test_server_rewrites_are_found(pod: dict[str, Any], problem: str) -> None:
    found = server_rewrites(_deployment(**pod))
    assert len(found) == 1 and problem in found[0], found


def test_kept_values_and_custom_resources_pass() -> None:
    assert server_rewrites(_deployment(setHostnameAsFQDN=False, emptyDir={})) == []
    custom = {"apiVersion": "example.com/v1", "kind": "X", "metadata": {"name": "x"}, "spec": []}
    assert server_rewrites(custom) == []


def test_order_problems_are_found() -> None:
    account = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "a", "namespace": "n"},
    }
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}}
    assert apply_order_problems([namespace, account, _deployment()]) == []
    assert apply_order_problems([namespace, _deployment(), account]) == [
        "Deployment/d comes before ServiceAccount/a"
    ]
    assert apply_order_problems([account, namespace]) == [
        "ServiceAccount/a comes before its Namespace"
    ]


@pytest.mark.parametrize(
    "path",
    [*require_glob(REPO / "dist", "*.yaml"), *require_glob(GOLDEN_DIR, "*.yaml", at_least=9)],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_reapplying_changes_nothing(path: Any) -> None:
    objects = [o for o in yaml.safe_load_all(path.read_text()) if o]
    problems = apply_order_problems(objects) + [p for o in objects for p in server_rewrites(o)]
    assert problems == []
