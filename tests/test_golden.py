"""Golden files: the refactoring safety net. Regenerate with UPDATE_GOLDEN=1 after a
deliberate change, and review the diff like any other code change."""

from __future__ import annotations

import os
from collections.abc import Callable

import cdk8s
import pytest
import yaml
from cdk8s import Chart

from tests.support import apps
from tests.support.paths import GOLDEN_DIR

CASES: dict[str, Callable[[Chart], object]] = {
    "default": apps.default_app,
    "production": apps.production_app,
    "ingress_production": apps.ingress_production_app,
    "k3s": apps.k3s_app,
    "litestream": apps.litestream_app,
    "platform": apps.platform_app,
    "gateway": apps.gateway_app,
    # Every construct at once, and a shared Gateway with tenants' routes: added before the
    # rendering core was rebuilt (issue 13) and rendered by the old core first.
    "full_production": apps.full_production_app,
    "gateway_tenants": lambda chart: apps.gateway_tenants_app(chart, 3),
}


def render(build: Callable[[Chart], object]) -> str:
    chart = Chart(cdk8s.Testing.app(), "golden")
    build(chart)
    text: str = yaml.safe_dump_all(cdk8s.Testing.synth(chart), sort_keys=False)
    return text


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str) -> None:
    path = GOLDEN_DIR / f"{case}.yaml"
    text = render(CASES[case])
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text)
    assert path.exists(), f"missing {path}; run UPDATE_GOLDEN=1 pytest tests/test_golden.py"
    assert text == path.read_text(), (
        f"{case} output changed; if deliberate, UPDATE_GOLDEN=1 and review"
    )
