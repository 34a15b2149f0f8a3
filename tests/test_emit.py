"""The emitters hand cdk8s every field a renderer writes, or refuse to drop one."""

from __future__ import annotations

from typing import Any

import pytest
from cdk8s import Chart

from station_constructs._emit.typed import emit_config_map, emit_persistent_volume_claim
from station_constructs._render import storage


def test_a_config_map_field_the_typed_props_would_drop_is_refused(chart: Chart) -> None:
    manifest: dict[str, Any] = storage.config_map("c", "ns", {}, {"A": "1"})
    emit_config_map(chart, "ok", manifest)
    with pytest.raises(ValueError, match=r"would drop \['binaryData'\]"):
        emit_config_map(chart, "bad", {**manifest, "binaryData": {"b": "AA=="}})


def test_a_claim_spec_field_the_typed_props_would_drop_is_refused(chart: Chart) -> None:
    manifest: dict[str, Any] = storage.persistent_volume_claim(
        "d",
        "ns",
        {},
        access_mode="ReadWriteOnce",
        size="1Gi",
        storage_class=None,
        volume_name=None,
        restore_from_snapshot=None,
        protect_from_prune=False,
    )
    emit_persistent_volume_claim(chart, "ok", manifest)
    spec = {**manifest["spec"], "volumeMode": "Block"}
    with pytest.raises(ValueError, match=r"would drop \['volumeMode'\]"):
        emit_persistent_volume_claim(chart, "bad", {**manifest, "spec": spec})
