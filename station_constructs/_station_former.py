"""StationDeployment's former keyword arguments, former names of its module: what to write now.

Read by ``StationDeployment.__init__`` through ``_renamed.refuse_former``; the same rows are
in the migration tables of ``CHANGELOG.md`` and ``docs/upgrades.md``.
"""

from __future__ import annotations

from ._renamed import Former

__all__ = ["STATION_FORMER", "STATION_FORMER_ATTRIBUTES", "STATION_FORMER_NAMES"]

_SERVICE = "external_service=ExternalService.load_balancer(...) or ExternalService.node_port(...)"

#: Each former keyword argument of StationDeployment, and its new spelling.
STATION_FORMER: dict[str, Former] = {
    "local_mode": Former(
        now="auth=StationAuth.local() (True, the default), or for False "
        "auth=StationAuth.cloudship_oauth(...) or auth=StationAuth.webhook_key() (local mode "
        "off with neither authenticated nothing and made the API reject every request)"
    ),
    "cloudship_oauth": Former(
        now="auth=StationAuth.cloudship_oauth(client_id=..., ...) with CloudShipOAuth's "
        "arguments (it implies local_mode=False)"
    ),
    "webhook_api_key": Former(now="auth=StationAuth.webhook_key() (it implies local_mode=False)"),
    "enable_api": Former(now="api=ApiListener.on() (True, the default) or api=ApiListener.off()"),
    "api_port": Former(now="api=ApiListener.on(port=...)"),
    "cloudship_telemetry": Former(now="cloudship=CloudShip.connected(telemetry=True)"),
    "bundle_id": Former(
        now="cloudship=CloudShip.bundle('<uuid>') (the key alone), or with the former "
        "cloudship=True: cloudship=CloudShip.connected(bundle_id='<uuid>')"
    ),
    "config_persistence": Former(
        now="config_directory=ConfigDirectory.on_volume() (VOLUME, the default) or "
        "config_directory=ConfigDirectory.from_image() (IMAGE)"
    ),
    "config_policy": Former(
        now="config_directory=ConfigDirectory.on_volume(policy=ConfigPolicy.VOLUME_WINS)"
    ),
    "external_access": Former(now=f"{_SERVICE} (NONE: leave it out)"),
    "external_ports": Former(now=f"{_SERVICE} with ports=[...]"),
    "node_ports": Former(now="external_service=ExternalService.node_port(node_ports={...})"),
    "load_balancer_source_ranges": Former(
        now="external_service=ExternalService.load_balancer(source_ranges=[...])"
    ),
    "external_service_annotations": Former(now=f"{_SERVICE} with annotations={{...}}"),
    "replicas": Former(
        problem="is not an argument any more: Station keeps all state in one SQLite file on a "
        "ReadWriteOnce volume, and SQLite has one writer, so a second replica cannot mount "
        "it, or would corrupt it; StationDeployment always runs exactly one",
        now="nothing: drop replicas=; for availability add LitestreamBackup (continuous "
        "backup and automatic restore) so a lost node costs a restart, not data",
    ),
    "strategy": Former(
        problem="is not an argument any more: a rolling update starts the new pod before "
        "the old one stops, and it cannot attach the ReadWriteOnce volume (the rollout "
        "hangs) or would open the SQLite database twice (SQLite has one writer); "
        "StationDeployment always replaces the pod with Recreate",
        now="nothing: drop strategy= (Recreate stops the old pod first)",
    ),
}

#: 0.1 names ``station_constructs.station`` no longer exports, refused with what to write now.
STATION_FORMER_NAMES: dict[str, Former] = {
    "ExternalAccess": Former(
        now="external_service=ExternalService.load_balancer(...) or "
        "ExternalService.node_port(...) (NONE: leave external_service out); the Station "
        "reports it as station.external_service_options"
    ),
    "ConfigPersistence": Former(
        now="config_directory=ConfigDirectory.on_volume() (VOLUME) or "
        "ConfigDirectory.from_image() (IMAGE); the Station reports it as "
        "station.config_directory"
    ),
    "UpdateStrategy": Former(
        problem="was removed in station-constructs 0.2.0: StationDeployment always replaces "
        "its pod with Recreate (SQLite has one writer) and strategy= is not an argument",
        now="nothing: drop strategy= and the import",
    ),
}

#: StationDeployment's attributes of 0.1 that 0.2 no longer has, and what to read now.
STATION_FORMER_ATTRIBUTES: dict[str, Former] = {
    "local_mode": Former(now="station.auth.local_mode"),
    "api_enabled": Former(now="station.api.enabled"),
    "config_persistence": Former(
        now="station.config_directory (== ConfigDirectory.from_image() for IMAGE)"
    ),
    "config_policy": Former(now="station.config_directory.policy"),
    "external_access": Former(
        now="station.external_service_options (None: no external Service), or the "
        "rendered Service's station.external_service.type"
    ),
    "external_ports": Former(now="station.external_service_options.ports"),
    "image_ref": Former(
        problem="was removed in station-constructs 0.2.0 (a parse of the image reference)",
        now="station.image (the reference) and station.release (the release it runs)",
    ),
}
