"""The ConfigMap's settings: Station's non-secret configuration and the user's ``env``.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._cloudship_oauth import CloudShipOAuth
from .._env import MANAGED_VARIABLES, TEXT_SETTINGS, managed_fix, rendered
from .._errors import StationAccessWarning, _Guard
from .._secret_material import secret_name_word, secret_value_kind
from .._validate import env_name
from ..access import AuthSettings
from .ports import PortSettings
from .station import DATABASE_PATH, AIProvider, StationPort


@dataclass(frozen=True)
class ConfigSettings:
    """The ConfigMap's data, sorted by key (passed to the container whole)."""

    settings: dict[str, str]


def _bool(value: bool) -> str:
    return "true" if value else "false"


def resolve_config(  # noqa: PLR0913 - keyword-only, one per StationDeployment argument
    guard: _Guard,
    ports: PortSettings,
    *,
    provider: AIProvider,
    texts: Mapping[str, str | None],
    cloudship: bool,
    cloudship_telemetry: bool,
    cloudship_oauth: CloudShipOAuth | None,
    env: Mapping[str, Any] | None,
) -> ConfigSettings:
    """Station's settings for these arguments, then the user's ``env``, checked.

    ``texts`` are the optional text arguments (``_env.TEXT_SETTINGS``) by argument name.
    """
    api_port, mcp_port = ports.ports[StationPort.API], ports.ports[StationPort.MCP]
    # Station's viper looks up STATION_<KEY> before every name bound with BindEnv, and
    # images built with `stn build env` set STATION_API_PORT/STATION_MCP_PORT
    # [pkg/builder/docker_builder.go]: the STATION_ spellings are what make the user's
    # values win there; the bare and STN_ spellings stay for the code that reads them
    # directly (config.Load's defaults) [internal/config/config.go]. STATION_DATABASE
    # overrides every database setting in config.Load. Container env beats image ENV.
    settings: dict[str, str] = {
        **rendered("api", "API_PORT", str(api_port)),
        **rendered("", "DATABASE_URL", DATABASE_PATH),
        **rendered("mcp_port", "MCP_PORT", str(mcp_port)),
        **rendered("auth", "STATION_LOCAL_MODE", _bool(ports.local_mode)),
        **rendered("provider", "STN_AI_PROVIDER", provider.value),
        **rendered("api", "STN_DEV_MODE", _bool(ports.api_enabled)),
    }
    for setting in TEXT_SETTINGS:
        value = texts[setting.key]
        if value is not None:
            if not isinstance(value, str) or not value.strip():
                raise guard.fail(
                    setting.key,
                    value,
                    "must be a non-empty string",
                    "pass a value or leave it out",
                )
            settings.update(dict.fromkeys(setting.renders, value))
    otlp_endpoint = texts["otlp_endpoint"]
    _telemetry(guard, settings, otlp_endpoint, cloudship_telemetry)
    if cloudship:
        settings.update(rendered("cloudship", "STN_CLOUDSHIP_ENABLED", "true"))
    settings.update(station_auth(guard, cloudship_oauth))
    _add_env(guard, settings, env)
    return ConfigSettings(dict(sorted(settings.items())))


def warn_if_api_unusable(
    guard: _Guard, auth: AuthSettings, ports: PortSettings, *, stacklevel: int
) -> None:
    """Warn (``StationAccessWarning``) when Station would reject every API request.

    That is: the API is served, not in local mode, and nothing (CloudShip OAuth) can create
    a user API key. ``stacklevel`` points at the code that built the construct.
    """
    if not auth.local_mode and not auth.cloudship_oauth:
        if ports.api_enabled:
            warnings.warn(
                f"{guard.where}: local mode off without CloudShip OAuth "
                "(auth=StationAuth.webhook_key()): Station rejects every API and web UI "
                f"request (port {ports.ports[StationPort.API]}), because nothing can create a "
                "user API key; the agent MCP keeps working. Fix: api=ApiListener.off() if you "
                "need only the MCP, auth=StationAuth.cloudship_oauth(...), or "
                "auth=StationAuth.local() (inside the cluster or behind edge_auth= on "
                "StationIngress or StationGatewayRoute)",
                StationAccessWarning,
                stacklevel=stacklevel,
            )


def _telemetry(
    guard: _Guard,
    settings: dict[str, str],
    otlp_endpoint: str | None,
    cloudship_telemetry: bool,
) -> None:
    """Telemetry off unless ``otlp_endpoint`` or ``CloudShip.connected(telemetry=True)`` asks.

    Station's default exports to localhost:4318, or with CloudShip on to CloudShip
    [internal/config/config.go, ApplyTelemetryDefaults].
    """
    if cloudship_telemetry and otlp_endpoint is not None:
        raise guard.fail(
            "cloudship.telemetry",
            True,
            "sends traces to CloudShip, and Station exports to one endpoint: not with "
            "otlp_endpoint",
            "drop otlp_endpoint, or pass CloudShip.connected() without telemetry=True",
        )
    enabled = _bool(otlp_endpoint is not None or cloudship_telemetry)
    # Both spellings config.Load reads, so an image's own ENV cannot win.
    settings["STN_TELEMETRY_ENABLED"] = enabled
    settings["STATION_TELEMETRY_ENABLED"] = enabled
    if otlp_endpoint is not None:
        if not otlp_endpoint.startswith(("http://", "https://")):
            raise guard.fail(
                "otlp_endpoint",
                otlp_endpoint,
                "must be an http(s) URL of an OTLP/HTTP collector",
                "pass e.g. 'http://otel-collector.observability:4318'",
            )
        # STN_TELEMETRY_ENDPOINT is applied after OTEL_EXPORTER_OTLP_ENDPOINT
        # [internal/config/config.go Load].
        settings["STN_TELEMETRY_ENDPOINT"] = otlp_endpoint


def _add_env(guard: _Guard, settings: dict[str, str], env: Mapping[str, Any] | None) -> None:
    for key, value in (env or {}).items():
        env_name(guard, "env", key)
        if key in settings or key in MANAGED_VARIABLES:
            raise guard.fail(
                f"env[{key!r}]",
                value,
                "is managed by the construct (Station would let it override the "
                "construct's own setting)",
                managed_fix(key) or f"use the dedicated argument for {key} instead of env",
            )
        if secret_name_word(key) is not None:
            raise guard.fail(
                f"env[{key!r}]",
                "<redacted>",
                "looks like a secret; env values land in a ConfigMap in plain text",
                f"put {key} in the Secret and pass secret_variables=[{key!r}]",
            )
        if not isinstance(value, str):
            raise guard.fail(
                f"env[{key!r}]", value, "must be a string", "quote the value, e.g. 'true'"
            )
        _refuse_secret_value(guard, f"env[{key!r}]", key, value)
        settings[key] = value


def station_auth(guard: _Guard, oauth: CloudShipOAuth | None) -> dict[str, str]:
    """ConfigMap entries for Station's own authentication by CloudShip OAuth, if chosen.

    ``StationAuth``'s factories take one of local mode, CloudShip OAuth (local mode off) and
    a webhook key (local mode off), so nothing here can be ineffective or conflicting.
    """
    return {} if oauth is None else oauth.settings(guard, "auth")


def _refuse_secret_value(guard: _Guard, field: str, key: str, value: str) -> None:
    """Refuse an ``env=`` value shaped like a credential; the message omits the value."""
    kind = secret_value_kind(value)
    if kind is None:
        return
    fix = f"put {key} in the Secret and pass secret_variables=[{key!r}]"
    if kind == "a URL with a user name and password":
        fix = (
            "drop the user name and password from the URL; if the service needs them, put "
            f"the whole URL in the Secret and pass secret_variables=[{key!r}]"
        )
    raise guard.fail(
        field,
        "<redacted>",
        f"looks like {kind}; env values land in a ConfigMap in plain text",
        fix,
    )
