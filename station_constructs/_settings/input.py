"""The arguments of a StationDeployment as given, before any check.

``StationDeployment.__init__`` collects its keyword arguments here once and hands them to
the settings steps (``_station_settings.py``); each argument is documented on
:class:`~station_constructs.StationDeployment`. The union values (``auth=``,
``external_service=``, ``config_directory=``, ``cloudship=``, ``api=``, built only by the
factories of ``station_constructs.options``, which checked their own arguments, so each is
one of its choices) are turned here, and only here, into the flat fields the resolvers read
(:data:`FLAT_FIELDS`); the resolvers check only what the union values cannot know (the
conflicts with other arguments). Nothing else is checked yet: a value may be of any type
until its resolver has checked it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from .._errors import _Guard
from ..options import ApiListener, CloudShip, ConfigDirectory, ExternalService, StationAuth
from .station import ExternalAccess

if TYPE_CHECKING:
    from .._cloudship_oauth import CloudShipOAuth
    from .._seed import ConfigPolicy
    from ..network import NetworkPolicyOptions
    from ..placement import PodExtras, PodPlacement, PodServiceAccount
    from ..secrets import SecretSource
    from .station import (
        AIProvider,
        ClusterProfile,
        ConfigPersistence,
        ImagePullPolicy,
        ResourceProfile,
        Resources,
        StationPort,
        StationStorage,
    )

__all__ = ["FLAT_FIELDS", "StationInput"]

#: Each union argument of ``StationDeployment`` and the flat fields it becomes.
FLAT_FIELDS: dict[str, tuple[str, ...]] = {
    "auth": ("local_mode", "cloudship_oauth", "webhook_api_key"),
    "api": ("enable_api", "api_port"),
    "cloudship": ("cloudship", "cloudship_telemetry", "bundle_id"),
    "config_directory": ("config_persistence", "config_policy"),
    "external_service": (
        "external_access",
        "external_ports",
        "node_ports",
        "load_balancer_source_ranges",
        "external_service_annotations",
    ),
}


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
    def of(cls, guard: _Guard, arguments: Mapping[str, Any]) -> StationInput:
        """The fields taken from ``arguments`` (``locals()`` of ``__init__``).

        By name, except the union values, which become the flat fields of
        :data:`FLAT_FIELDS`. ``tests/test_structure.py`` checks that the fields are exactly
        the keyword arguments of ``StationDeployment`` with the unions replaced so.
        """
        flat = {
            **_auth(guard, arguments["auth"]),
            **_api(guard, arguments["api"]),
            **_cloudship(guard, arguments["cloudship"]),
            **_config_directory(guard, arguments["config_directory"]),
            **_external_service(guard, arguments["external_service"]),
        }
        return cls(
            **{f.name: flat[f.name] if f.name in flat else arguments[f.name] for f in fields(cls)}
        )


def _refuse(guard: _Guard, field: str, value: object, choices: str) -> Exception:
    shown = value if isinstance(value, bool | int | str) or value is None else type(value).__name__
    return guard.fail(field, shown, f"must be {choices}", f"pass {field}={choices}")


def _auth(guard: _Guard, auth: object) -> dict[str, Any]:
    if not isinstance(auth, StationAuth):
        choices = (
            "StationAuth.local() or StationAuth.cloudship_oauth(client_id=...) or "
            "StationAuth.webhook_key()"
        )
        raise _refuse(guard, "auth", auth, choices)
    return {
        "local_mode": auth.local_mode,
        "cloudship_oauth": auth.oauth,
        "webhook_api_key": auth.webhook_api_key,
    }


def _api(guard: _Guard, api: object) -> dict[str, Any]:
    if not isinstance(api, ApiListener):
        raise _refuse(guard, "api", api, "ApiListener.on(port=8585) or ApiListener.off()")
    return {"enable_api": api.enabled, "api_port": api.port}


def _cloudship(guard: _Guard, cloudship: object) -> dict[str, Any]:
    if cloudship is None:
        return {"cloudship": False, "cloudship_telemetry": False, "bundle_id": None}
    if isinstance(cloudship, bool):  # 0.1's spelling
        raise guard.fail(
            "cloudship",
            cloudship,
            "is a CloudShip value since station-constructs 0.2.0, not a bool",
            "pass cloudship=CloudShip.connected() (was True; telemetry= and bundle_id= are "
            "its arguments now) or leave it out (was False; a bundle alone: "
            "CloudShip.bundle('<uuid>')); see 'Migrating from 0.1' in docs/upgrades.md",
        )
    if not isinstance(cloudship, CloudShip):
        choices = "CloudShip.connected() or CloudShip.bundle(bundle_id) or None"
        raise _refuse(guard, "cloudship", cloudship, choices)
    return {
        "cloudship": cloudship.remote_control,
        "cloudship_telemetry": cloudship.telemetry,
        "bundle_id": cloudship.bundle_id,
    }


def _config_directory(guard: _Guard, directory: object) -> dict[str, Any]:
    if not isinstance(directory, ConfigDirectory):
        choices = "ConfigDirectory.on_volume() or ConfigDirectory.from_image()"
        raise _refuse(guard, "config_directory", directory, choices)
    return {"config_persistence": directory.persistence, "config_policy": directory.policy}


def _external_service(guard: _Guard, service: object) -> dict[str, Any]:
    if service is None:
        return {
            "external_access": ExternalAccess.NONE,
            "external_ports": None,
            "node_ports": None,
            "load_balancer_source_ranges": [],
            "external_service_annotations": None,
        }
    if not isinstance(service, ExternalService):
        choices = "ExternalService.load_balancer(...) or ExternalService.node_port(...) or None"
        raise _refuse(guard, "external_service", service, choices)
    return {
        "external_access": service.access,
        "external_ports": None if service.ports is None else list(service.ports),
        "node_ports": service.node_ports,
        "load_balancer_source_ranges": list(service.source_ranges),
        "external_service_annotations": service.annotations,
    }
