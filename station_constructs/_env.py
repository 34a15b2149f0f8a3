"""Every environment-backed setting of StationDeployment, declared once.

Each :class:`EnvSetting` names the StationDeployment argument that sets it, the variables the
ConfigMap gets, the names Station reads (which ``env=`` and ``secret_variables=`` refuse), the
check of a text argument, the fix a refusal gives and the line of the generated docs
(``docs/parameters.md``, "Environment variables"). The argument checks
(``_settings/arguments.py``), the ConfigMap (``_settings/config.py``), the refusals and the
docs table (``scripts/params_table.py``) all read :data:`SETTINGS`.

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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ._errors import _Guard
from ._validate import free_text, http_url, otlp_base_url, station_environment
from ._validate_text import bundle_uuid

__all__ = [
    "MANAGED_VARIABLES",
    "SETTINGS",
    "TEXT_SETTINGS",
    "EnvSetting",
    "managed_fix",
    "check_texts",
    "rendered",
    "setting",
]

Check = Callable[[_Guard, str, Any], str]


@dataclass(frozen=True)
class EnvSetting:
    """One setting Station reads from its environment, and how the construct sets it."""

    argument: str
    """The StationDeployment argument that sets it (``""``: none, the construct decides)."""
    reads: tuple[str, ...]
    """The names Station reads without prefix; ``env=`` refuses each with ``STN_`` and
    ``STATION_`` before it."""
    fix: str
    """What to pass instead of one of those variables in ``env=``."""
    doc: str
    """The line of the generated docs table."""
    renders: tuple[str, ...] = ()
    """The ConfigMap keys the construct writes (``()``: Station's default, or the Secret)."""
    bare: tuple[str, ...] = ()
    """Names of ``reads`` Station (or the OS) also reads without a prefix."""
    check: Check | None = None
    """For an optional text argument: checks it and returns the value rendered."""
    source: str = ""
    """The ``StationInput`` field a text setting is read from, when it is not ``argument``
    itself (a value inside a union, e.g. ``bundle_id`` of ``cloudship=CloudShip...``)."""

    @property
    def key(self) -> str:
        """The name the checked text is kept under: ``source``, else ``argument``."""
        return self.source or self.argument

    @property
    def refused(self) -> tuple[str, ...]:
        """Every variable name ``env=`` and ``secret_variables=`` refuse for this setting."""
        twins = [f"{prefix}{base}" for base in self.reads for prefix in ("STN_", "STATION_")]
        return (*twins, *self.bare)


def _model(guard: _Guard, field: str, value: Any) -> str:
    return free_text(guard, field, value, fix="pass a model name such as 'gpt-4o', or leave it out")


def _bundle_id(guard: _Guard, field: str, value: Any) -> str:
    return bundle_uuid(guard, field, value, fix="pass the CloudShip bundle id, or leave it out")


def _ai_base_url(guard: _Guard, field: str, value: Any) -> str:
    return http_url(guard, field, value, example="https://llm.internal/v1")


_DATA = "leave it out: the database must stay on the volume at /data/station.db"
_CLOUDSHIP_HOSTS = "leave it out: the library checks egress to CloudShip's own hosts"
_OAUTH = "pass auth=StationAuth.cloudship_oauth(...) instead of env"

#: Every managed setting. The optional text arguments are checked in this order.
SETTINGS: tuple[EnvSetting, ...] = (
    EnvSetting(
        "model",
        ("AI_MODEL",),
        "pass model= instead of env",
        "The model (Station's per-provider default without it).",
        renders=("STN_AI_MODEL",),
        check=_model,
    ),
    EnvSetting(
        "cloudship",
        ("BUNDLE_ID",),
        "pass cloudship=CloudShip.bundle(...) instead of env",
        "A CloudShip bundle (a UUID) installed at start; needs `STN_CLOUDSHIP_KEY`.",
        renders=("STN_BUNDLE_ID",),
        check=_bundle_id,
        source="bundle_id",
    ),
    EnvSetting(
        "serve_environment",
        ("SERVE_ENVIRONMENT",),
        "pass serve_environment= instead of env",
        "The environment Station serves (Station's `default` without it).",
        renders=("STATION_SERVE_ENVIRONMENT",),
        check=station_environment,
    ),
    EnvSetting(
        "ai_base_url",
        ("AI_BASE_URL",),
        "pass ai_base_url= instead of env",
        "An OpenAI-compatible endpoint.",
        renders=("STN_AI_BASE_URL",),
        check=_ai_base_url,
    ),
    EnvSetting(
        "otlp_endpoint",
        ("TELEMETRY_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_ENDPOINT"),
        "pass otlp_endpoint= instead of env",
        "The OTLP/HTTP collector traces go to (it turns telemetry on).",
        renders=("OTEL_EXPORTER_OTLP_ENDPOINT", "STN_TELEMETRY_ENDPOINT"),
        bare=("OTEL_EXPORTER_OTLP_ENDPOINT",),
        check=otlp_base_url,
    ),
    EnvSetting(
        "",
        ("DATABASE_URL", "DATABASE"),
        _DATA,
        "The database file, `/data/station.db` on the data volume.",
        renders=("DATABASE_URL", "STATION_DATABASE", "STATION_DATABASE_URL", "STN_DATABASE_URL"),
        bare=("DATABASE_URL",),
    ),
    EnvSetting(
        "auth",
        ("LOCAL_MODE",),
        "pass auth=StationAuth.local() or another StationAuth instead of env",
        "Authentication off (`true`) or on.",
        renders=("STATION_LOCAL_MODE",),
    ),
    EnvSetting(
        "api",
        ("DEV_MODE",),
        "pass api=ApiListener.on() / ApiListener.off() instead of env",
        "Whether the HTTP API and web UI are served.",
        renders=("STN_DEV_MODE", "STATION_DEV_MODE"),
    ),
    EnvSetting(
        "api",
        ("API_PORT",),
        "pass api=ApiListener.on(port=...) instead of env",
        "The HTTP API and web UI port.",
        renders=("API_PORT", "STATION_API_PORT"),
        bare=("API_PORT",),
    ),
    EnvSetting(
        "mcp_port",
        ("MCP_PORT",),
        "pass mcp_port= instead of env",
        "The management MCP port (the agent MCP listens on the next one).",
        renders=("MCP_PORT", "STATION_MCP_PORT"),
        bare=("MCP_PORT",),
    ),
    EnvSetting(
        "provider",
        ("AI_PROVIDER",),
        "pass provider=AIProvider.X instead of env",
        "The AI provider.",
        renders=("STN_AI_PROVIDER",),
    ),
    EnvSetting(
        "otlp_endpoint",
        ("TELEMETRY_ENABLED",),
        "pass otlp_endpoint= (it turns telemetry on) instead of env",
        "Telemetry (and usage analytics) on only with `otlp_endpoint` or CloudShip telemetry.",
        renders=("STN_TELEMETRY_ENABLED", "STATION_TELEMETRY_ENABLED"),
    ),
    EnvSetting(
        "cloudship",
        ("TELEMETRY_PROVIDER",),
        "pass otlp_endpoint= or CloudShip.connected(telemetry=True) instead",
        "Where traces go: `otlp_endpoint` or `CloudShip.connected(telemetry=True)`.",
    ),
    EnvSetting(
        "cloudship",
        ("CLOUDSHIP_ENABLED",),
        "pass cloudship=CloudShip.connected() instead of env",
        "The CloudShip integration (its key `STN_CLOUDSHIP_KEY` comes from the Secret).",
        renders=("STN_CLOUDSHIP_ENABLED",),
    ),
    # Where CloudShip's channel, bundles and OAuth go: the egress checks and the
    # who-can-call-what row are derived from Station's defaults.
    EnvSetting(
        "",
        ("CLOUDSHIP_ENDPOINT", "CLOUDSHIP_BASE_URL", "CLOUDSHIP_API_URL"),
        _CLOUDSHIP_HOSTS,
        "CloudShip's hosts: Station's own, which the egress checks know.",
    ),
    EnvSetting(
        "",
        ("CLOUDSHIP_USE_TLS",),
        "leave it out: CloudShip's channel stays on TLS",
        "CloudShip's channel stays on TLS.",
    ),
    EnvSetting(
        "",
        ("CLOUDSHIP_BUNDLE_REGISTRY_URL",),
        "leave it out: bundles come from CloudShip's own host",
        "Bundles come from CloudShip's own host.",
    ),
    # Station's own authentication (station_constructs.access reads these back).
    EnvSetting(
        "auth",
        tuple(
            f"CLOUDSHIP_OAUTH_{name}"
            for name in (
                "ENABLED",
                "CLIENT_ID",
                "AUTH_URL",
                "TOKEN_URL",
                "INTROSPECT_URL",
                "REDIRECT_URI",
                "SCOPES",
            )
        ),
        _OAUTH,
        "CloudShip OAuth on the agent MCP and the API: `StationAuth.cloudship_oauth(...)` renders "
        "`STN_CLOUDSHIP_OAUTH_*`.",
    ),
    EnvSetting(
        "auth",
        ("WEBHOOK_API_KEY",),
        "pass auth=StationAuth.webhook_key() instead",
        "The webhook paths' key: `STN_WEBHOOK_API_KEY`, read from the Secret.",
    ),
    EnvSetting(
        "",
        ("HOME",),
        "leave it out: $HOME is /home/station, writable and seeded from the image",
        "`$HOME`: `/home/station`, writable and seeded from the image.",
        bare=("HOME",),
    ),
    EnvSetting(
        "config_directory",
        ("XDG_CONFIG_HOME", "CONFIG_DIR"),
        "choose where the config directory lives with config_directory=",
        "Where the config directory lives.",
        bare=("XDG_CONFIG_HOME",),
    ),
)

#: The optional text arguments, each rendered as is under its ``renders`` keys when given.
TEXT_SETTINGS: tuple[EnvSetting, ...] = tuple(s for s in SETTINGS if s.check is not None)

# Variable name -> what to pass instead of it in env=.
_FIX: dict[str, str] = {name: s.fix for s in SETTINGS for name in s.refused}

#: Every variable name env= and secret_variables= refuse.
MANAGED_VARIABLES: frozenset[str] = frozenset(_FIX)


def managed_fix(name: str) -> str | None:
    """What to pass instead of the managed variable ``name``; ``None`` if it is not managed."""
    return _FIX.get(name)


def setting(argument: str, variable: str) -> EnvSetting:
    """The declaration of ``argument`` that renders ``variable``."""
    return next(s for s in SETTINGS if s.argument == argument and variable in s.renders)


def rendered(argument: str, variable: str, value: str) -> dict[str, str]:
    """The ConfigMap entries of the setting of ``argument`` that renders ``variable``."""
    return dict.fromkeys(setting(argument, variable).renders, value)


def check_texts(guard: _Guard, raw: Mapping[str, Any]) -> dict[str, str | None]:
    """Each optional text argument in ``raw`` checked (``None`` where it is not given)."""
    checked: dict[str, str | None] = {}
    for s in TEXT_SETTINGS:
        value = raw[s.key]
        checked[s.key] = None if value is None or s.check is None else s.check(guard, s.key, value)
    return checked
