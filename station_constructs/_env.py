"""The environment variables StationDeployment manages, and what to pass instead of each.

Station reads most settings through viper with ``AutomaticEnv`` and the prefix
``STATION``, looked up *before* the names bound with ``BindEnv``
[internal/config/config.go ``InitViper``/``bindEnvVars``; cmd/main/main.go ``initConfig``],
and ``config.Load`` then lets some ``STN_`` names and ``STATION_DATABASE`` override the
result. So each managed setting that viper reads can be overridden by its bare name, its
``STN_`` twin and its ``STATION_`` twin; ``env=`` refuses all three (docs/station-facts.md,
"Configuration"). ``STN_WEBHOOK_*`` has no ``STATION_`` twin in Station, and
``STN_AI_PROVIDER``/``STN_AI_MODEL``/``STN_AI_BASE_URL`` win over theirs whenever set;
refusing every twin anyway costs nothing and keeps one rule.
"""

from __future__ import annotations

# Setting (without STN_/STATION_ prefix) -> what to do instead of passing it in env=.
_FIX = {
    "DATABASE_URL": "leave it out: the database must stay on the volume at /data/station.db",
    "DATABASE": "leave it out: the database must stay on the volume at /data/station.db",
    "LOCAL_MODE": "pass auth=StationAuth.local() or another StationAuth instead of env",
    "DEV_MODE": "pass api=ApiListener.on() / ApiListener.off() instead of env",
    "API_PORT": "pass api=ApiListener.on(port=...) instead of env",
    "MCP_PORT": "pass mcp_port= instead of env",
    "AI_PROVIDER": "pass provider=AIProvider.X instead of env",
    "AI_MODEL": "pass model= instead of env",
    "AI_BASE_URL": "pass ai_base_url= instead of env",
    "SERVE_ENVIRONMENT": "pass serve_environment= instead of env",
    "TELEMETRY_ENABLED": "pass otlp_endpoint= (it turns telemetry on) instead of env",
    "TELEMETRY_ENDPOINT": "pass otlp_endpoint= instead of env",
    "OTEL_EXPORTER_OTLP_ENDPOINT": "pass otlp_endpoint= instead of env",
    "OTEL_ENDPOINT": "pass otlp_endpoint= instead of env",
    "CLOUDSHIP_ENABLED": "pass cloudship=CloudShip.connected() instead of env",
    # Where CloudShip's channel, bundles and OAuth go: the egress checks and the
    # who-can-call-what row are derived from Station's defaults.
    "CLOUDSHIP_ENDPOINT": "leave it out: the library checks egress to CloudShip's own hosts",
    "CLOUDSHIP_USE_TLS": "leave it out: CloudShip's channel stays on TLS",
    "CLOUDSHIP_BASE_URL": "leave it out: the library checks egress to CloudShip's own hosts",
    "CLOUDSHIP_API_URL": "leave it out: the library checks egress to CloudShip's own hosts",
    "CLOUDSHIP_BUNDLE_REGISTRY_URL": "leave it out: bundles come from CloudShip's own host",
    "TELEMETRY_PROVIDER": "pass otlp_endpoint= or CloudShip.connected(telemetry=True) instead",
    "BUNDLE_ID": "pass cloudship=CloudShip.bundle(...) instead of env",
    # Station's own authentication (station_constructs.access reads these back).
    "CLOUDSHIP_OAUTH_ENABLED": "pass auth=StationAuth.cloudship_oauth(...) instead of env",
    "CLOUDSHIP_OAUTH_CLIENT_ID": "pass auth=StationAuth.cloudship_oauth(...) instead of env",
    "CLOUDSHIP_OAUTH_AUTH_URL": "pass auth=StationAuth.cloudship_oauth(...) instead of env",
    "CLOUDSHIP_OAUTH_TOKEN_URL": "pass auth=StationAuth.cloudship_oauth(...) instead of env",
    "CLOUDSHIP_OAUTH_INTROSPECT_URL": "pass auth=StationAuth.cloudship_oauth(...) instead of env",
    "CLOUDSHIP_OAUTH_REDIRECT_URI": "pass auth=StationAuth.cloudship_oauth(...) instead of env",
    "CLOUDSHIP_OAUTH_SCOPES": "pass auth=StationAuth.cloudship_oauth(...) instead of env",
    "WEBHOOK_API_KEY": "pass auth=StationAuth.webhook_key() instead",
    "HOME": "leave it out: $HOME is /home/station, writable and seeded from the image",
    "XDG_CONFIG_HOME": "choose where the config directory lives with config_directory=",
    "CONFIG_DIR": "choose where the config directory lives with config_directory=",
}
# Settings Station (or the OS) also reads without a prefix.
_BARE = frozenset(
    {
        "DATABASE_URL",
        "API_PORT",
        "MCP_PORT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "HOME",
        "XDG_CONFIG_HOME",
    }
)

#: Every variable name env= and secret_variables= refuse.
MANAGED_VARIABLES: frozenset[str] = frozenset(
    {f"{prefix}{base}" for base in _FIX for prefix in ("STN_", "STATION_")} | _BARE
)


def managed_fix(name: str) -> str | None:
    """What to pass instead of the managed variable ``name``; ``None`` if it is not managed."""
    if name not in MANAGED_VARIABLES:
        return None
    for prefix in ("STATION_", "STN_", ""):
        if name.startswith(prefix) and name[len(prefix) :] in _FIX:
            return _FIX[name[len(prefix) :]]
    return None  # pragma: no cover - every managed name has a base in _FIX
