"""The ConfigMap's settings: Station's non-secret configuration and the user's ``env``.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._env import MANAGED_VARIABLES, TEXT_SETTINGS, managed_fix, rendered
from .._errors import StationAccessWarning, _Guard
from .._secret_material import secret_name_word, secret_value_kind
from .._validate import env_name
from ..access import AuthSettings
from ..auth import CloudShipOAuth
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
    webhook_api_key: bool,
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
        **rendered("api_port", "API_PORT", str(api_port)),
        **rendered("", "DATABASE_URL", DATABASE_PATH),
        **rendered("mcp_port", "MCP_PORT", str(mcp_port)),
        **rendered("local_mode", "STATION_LOCAL_MODE", _bool(ports.local_mode)),
        **rendered("provider", "STN_AI_PROVIDER", provider.value),
        **rendered("enable_api", "STN_DEV_MODE", _bool(ports.api_enabled)),
    }
    for setting in TEXT_SETTINGS:
        value = texts[setting.argument]
        if value is not None:
            if not isinstance(value, str) or not value.strip():
                raise guard.fail(
                    setting.argument,
                    value,
                    "must be a non-empty string",
                    "pass a value or leave it out",
                )
            settings.update(dict.fromkeys(setting.renders, value))
    otlp_endpoint = texts["otlp_endpoint"]
    _telemetry(guard, settings, otlp_endpoint, cloudship_telemetry, cloudship=cloudship)
    if cloudship:
        settings.update(rendered("cloudship", "STN_CLOUDSHIP_ENABLED", "true"))
    settings.update(station_auth(guard, cloudship_oauth, webhook_api_key, ports.local_mode))
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
                f"{guard.where}: local_mode=False without cloudship_oauth: Station "
                "rejects every API and web UI request (port "
                f"{ports.ports[StationPort.API]}), because nothing can create a user API "
                "key; the agent MCP keeps working. Fix: enable_api=False if you need only "
                "the MCP, cloudship_oauth=CloudShipOAuth(...), or local_mode=True (inside "
                "the cluster or behind edge_auth= on StationIngress or StationGatewayRoute)",
                StationAccessWarning,
                stacklevel=stacklevel,
            )


def _telemetry(
    guard: _Guard,
    settings: dict[str, str],
    otlp_endpoint: str | None,
    cloudship_telemetry: bool,
    *,
    cloudship: bool,
) -> None:
    """Telemetry off unless ``otlp_endpoint`` or ``cloudship_telemetry`` asks for it.

    Station's default exports to localhost:4318, or with CloudShip on to CloudShip
    [internal/config/config.go, ApplyTelemetryDefaults].
    """
    if cloudship_telemetry and (otlp_endpoint is not None or not cloudship):
        raise guard.fail(
            "cloudship_telemetry",
            True,
            "sends traces to CloudShip, which needs cloudship=True and no otlp_endpoint "
            "(Station exports to one endpoint)",
            "pass cloudship=True and drop otlp_endpoint, or drop cloudship_telemetry",
        )
    enabled = _bool(otlp_endpoint is not None or cloudship_telemetry)
    # Both spellings config.Load reads, so an image's own ENV cannot win.
    settings.update(rendered("otlp_endpoint", "STN_TELEMETRY_ENABLED", enabled))
    # STN_TELEMETRY_ENDPOINT (rendered with OTEL_EXPORTER_OTLP_ENDPOINT, see _env.py) is
    # applied after OTEL_EXPORTER_OTLP_ENDPOINT [internal/config/config.go Load].
    if otlp_endpoint is not None and not otlp_endpoint.startswith(("http://", "https://")):
        raise guard.fail(
            "otlp_endpoint",
            otlp_endpoint,
            "must be an http(s) URL of an OTLP/HTTP collector",
            "pass e.g. 'http://otel-collector.observability:4318'",
        )


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


def station_auth(
    guard: _Guard, oauth: CloudShipOAuth | None, webhook_key: bool, local_mode: bool
) -> dict[str, str]:
    """ConfigMap entries for Station's own authentication; refuses ineffective settings."""
    if oauth is None:
        settings: dict[str, str] = {}
    elif not isinstance(oauth, CloudShipOAuth):
        raise guard.fail(
            "cloudship_oauth",
            type(oauth).__name__,
            "must be CloudShipOAuth(...) or None",
            "pass cloudship_oauth=CloudShipOAuth(client_id='...')",
        )
    else:
        settings = oauth.settings(guard, "cloudship_oauth")
    # Station (v0.23.0, v0.25.0) consults neither in local mode: the API middleware is not installed
    # [internal/api/v1/base.go RegisterRoutes], the agent MCP's OAuth wrapper needs
    # !localMode [internal/mcp_agents/server.go Start], and authenticateWebhookRequest
    # returns the local admin before it looks at the key.
    given_settings = (("cloudship_oauth", oauth is not None), ("webhook_api_key", webhook_key))
    for field, given in given_settings:
        if given and local_mode:
            raise guard.fail(
                field,
                oauth if field == "cloudship_oauth" else webhook_key,
                "has no effect in local mode: Station authenticates nothing while "
                "STATION_LOCAL_MODE=true",
                "pass local_mode=False as well, or drop it",
            )
    if oauth is not None and webhook_key:
        raise guard.fail(
            "webhook_api_key",
            True,
            "with cloudship_oauth, Station checks a webhook request twice against the same "
            "'Authorization: Bearer' header (a CloudShip token first, then equality with "
            "STN_WEBHOOK_API_KEY), so every webhook request would be rejected (see "
            "docs/reaching-station.md#who-can-call-what)",
            "drop webhook_api_key (CloudShip OAuth tokens then protect the webhook paths), "
            "or drop cloudship_oauth",
        )
    return settings


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
