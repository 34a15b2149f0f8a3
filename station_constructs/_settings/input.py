"""The arguments of a StationDeployment as given, before any check.

``StationDeployment.__init__`` collects its keyword arguments here once and hands them to
the settings steps (``_station_settings.py``); each argument is documented on
:class:`~station_constructs.StationDeployment`. Nothing is checked yet: a value may be of
any type until its resolver has checked it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._seed import ConfigPolicy
    from ..auth import CloudShipOAuth
    from ..network import NetworkPolicyOptions
    from ..placement import PodExtras, PodPlacement, PodServiceAccount
    from ..secrets import SecretSource
    from .station import (
        AIProvider,
        ClusterProfile,
        ConfigPersistence,
        ExternalAccess,
        ImagePullPolicy,
        ResourceProfile,
        Resources,
        StationPort,
        StationStorage,
        UpdateStrategy,
    )

__all__ = ["StationInput"]


@dataclass(frozen=True)
class StationInput:
    """Every keyword argument of ``StationDeployment``, unchecked."""

    name: str
    namespace: str
    create_namespace: bool
    image: str
    allow_unpinned_image: bool
    station_release: str | None
    image_pull_policy: ImagePullPolicy
    image_pull_secrets: Sequence[str]
    replicas: int
    strategy: UpdateStrategy
    storage: StationStorage | None
    provider: AIProvider
    extra_providers: Sequence[AIProvider]
    model: str | None
    ai_base_url: str | None
    secret: SecretSource | None
    secret_variables: Sequence[str]
    local_mode: bool
    cloudship_oauth: CloudShipOAuth | None
    webhook_api_key: bool
    enable_api: bool
    api_port: int
    mcp_port: int
    serve_environment: str | None
    otlp_endpoint: str | None
    cloudship: bool
    cloudship_telemetry: bool
    bundle_id: str | None
    env: Mapping[str, str] | None
    resources: ResourceProfile | Resources
    startup_timeout: str | int
    read_only_root_filesystem: bool
    config_persistence: ConfigPersistence
    config_policy: ConfigPolicy
    persist_tool_caches: bool
    scratch_size_limit: str
    termination_grace_period: str | int
    external_access: ExternalAccess
    external_ports: Sequence[StationPort] | None
    node_ports: Mapping[StationPort, int] | None
    load_balancer_source_ranges: Sequence[str]
    external_service_annotations: Mapping[str, str] | None
    allow_unauthenticated_exposure: bool
    network_policy: NetworkPolicyOptions | None
    profile: ClusterProfile
    labels: Mapping[str, str] | None
    annotations: Mapping[str, str] | None
    placement: PodPlacement | None
    service_account: PodServiceAccount | None
    pod_extras: PodExtras | None
    data_chart: object

    @classmethod
    def of(cls, arguments: Mapping[str, Any]) -> StationInput:
        """The fields taken from ``arguments`` (``locals()`` of ``__init__``), by name.

        ``tests/test_structure.py`` checks that the fields are exactly the keyword
        arguments of ``StationDeployment``.
        """
        return cls(**{field.name: arguments[field.name] for field in fields(cls)})
