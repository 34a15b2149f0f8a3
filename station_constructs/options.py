"""Either-or settings of a StationDeployment, as values built by static factories.

Each class is a union (as in cdk8s-plus): you pick one of its factories, and each factory
takes only the arguments that mean something for that choice, so an illegal combination
(source ranges on a NodePort Service, an API port with the API off, a config policy with
nothing on the volume...) cannot be written. Each factory checks its own arguments and
raises :class:`~station_constructs.StationConfigError` naming the factory and the argument.
The factories are the only way to build a value: a direct call of the class (or
``dataclasses.replace`` on a value) is refused with an error naming the factories, so every
value the library reads is one of the choices below.

    StationDeployment(
        chart,
        "station",
        auth=StationAuth.cloudship_oauth(client_id="station-prod"),
        external_service=ExternalService.load_balancer(
            ports=[StationPort.AGENT_MCP], source_ranges=["203.0.113.0/24"]
        ),
        api=ApiListener.off(),
    )
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import InitVar, dataclass

from ._cloudship_oauth import CloudShipOAuth
from ._errors import _Guard
from ._external_service import ExternalService
from ._factory_only import BY_FACTORY, refuse_direct
from ._seed import ConfigPolicy
from ._settings.station import ConfigPersistence
from ._validate import boolean, one_of
from ._validate import port as _port
from ._validate_text import bundle_uuid

__all__ = ["ApiListener", "CloudShip", "ConfigDirectory", "ExternalService", "StationAuth"]


@dataclass(frozen=True, repr=False)
class StationAuth:
    """Who Station itself authenticates: local mode, CloudShip OAuth, or a webhook key.

    ``StationDeployment(auth=...)``; default :meth:`local`. What each choice leaves open is
    in "Who can call what" (``docs/reaching-station.md``). Build it with a factory.

    Attributes:
        local_mode: ``STATION_LOCAL_MODE``: whether Station authenticates nothing.
        oauth: The CloudShip OAuth settings (:meth:`cloudship_oauth`), else ``None``.
        webhook_api_key: Whether the webhook paths need ``STN_WEBHOOK_API_KEY``
            (:meth:`webhook_key`).

    """

    local_mode: bool
    oauth: CloudShipOAuth | None = None
    webhook_api_key: bool = False

    _factory: InitVar[object] = None

    def __post_init__(self, _factory: object) -> None:
        """Refuse a direct call: build it with a factory."""
        refuse_direct(
            self,
            _factory,
            "StationAuth.local(), StationAuth.cloudship_oauth(client_id=...) or "
            "StationAuth.webhook_key()",
        )

    def __repr__(self) -> str:
        """The factory call that builds this value."""
        if self.oauth is not None:
            return f"StationAuth.cloudship_oauth(client_id={self.oauth.client_id!r}, ...)"
        return "StationAuth.webhook_key()" if self.webhook_api_key else "StationAuth.local()"

    @staticmethod
    def local() -> StationAuth:
        """Local mode (``STATION_LOCAL_MODE=true``): Station authenticates nothing (the default).

        As the hand-written manifests. Safe inside the cluster (the NetworkPolicy keeps
        other namespaces out) and behind authentication at the edge
        (``StationIngress(edge_auth=...)``); exposing it outside the cluster with nothing in
        front is refused.
        """
        return StationAuth(local_mode=True, _factory=BY_FACTORY)

    @staticmethod
    def cloudship_oauth(  # noqa: PLR0913 - one keyword per STN_CLOUDSHIP_OAUTH_* setting
        client_id: str,
        *,
        introspect_url: str | None = None,
        auth_url: str | None = None,
        token_url: str | None = None,
        redirect_uri: str | None = None,
        scopes: Sequence[str] | None = None,
        accept_any_cloudship_account: bool = False,
    ) -> StationAuth:
        """Local mode off; Station checks ``Authorization: Bearer`` tokens at CloudShip.

        On the agent MCP (every path but ``/health``, and the webhook paths) and the API.
        Any active CloudShip account's token passes, and on the API its caller is an admin:
        exposing the API with OAuth alone is refused (authenticate at the edge); exposing
        the agent MCP needs ``accept_any_cloudship_account=True``, edge authentication or a
        LoadBalancer's ``source_ranges``. The webhook paths are protected by the same tokens
        (so no webhook key: both would be checked against one header). Read at Station's tags
        v0.23.0 and v0.25.0 (``internal/mcp_agents/server.go``'s OAuth wrapper,
        ``internal/api/v1/base.go`` ``requireAdminInServerMode``); the paths each release
        serves: ``docs/reaching-station.md``.

        Args:
            client_id: The OAuth client id registered at CloudShip
                (``STN_CLOUDSHIP_OAUTH_CLIENT_ID``); not a secret (public client).
            introspect_url: ``STN_CLOUDSHIP_OAUTH_INTROSPECT_URL``. Default: Station's,
                ``https://app.cloudshipai.com/oauth/introspect/``.
            auth_url: ``STN_CLOUDSHIP_OAUTH_AUTH_URL``. Default: Station's.
            token_url: ``STN_CLOUDSHIP_OAUTH_TOKEN_URL``. Default: Station's.
            redirect_uri: ``STN_CLOUDSHIP_OAUTH_REDIRECT_URI``. Default: Station's.
            scopes: ``STN_CLOUDSHIP_OAUTH_SCOPES`` (joined with spaces). Default: Station's.
            accept_any_cloudship_account: Accept that any CloudShip account's token reaches
                the agent MCP when it is exposed outside the cluster with nothing else in
                front. Default ``False``. Never enough for the API (its OAuth callers are
                admins).

        """
        oauth = CloudShipOAuth(
            client_id=client_id,
            introspect_url=introspect_url,
            auth_url=auth_url,
            token_url=token_url,
            redirect_uri=redirect_uri,
            scopes=scopes,
            accept_any_cloudship_account=accept_any_cloudship_account,
        )
        oauth.settings(_Guard("StationAuth.cloudship_oauth"), "")
        return StationAuth(local_mode=False, oauth=oauth, _factory=BY_FACTORY)

    @staticmethod
    def webhook_key() -> StationAuth:
        """Local mode off; the webhook paths need ``Bearer <STN_WEBHOOK_API_KEY>``.

        The key is read from the Secret (like the provider keys); an empty value counts as
        unset in Station (the webhooks would be open as admin), so the ``station`` container
        refuses to start with an empty key. The agent MCP (``/mcp``) stays open, and the API
        rejects every request (nothing can create a user API key): pass
        ``api=ApiListener.off()`` unless you reach it some other way.
        """
        return StationAuth(local_mode=False, webhook_api_key=True, _factory=BY_FACTORY)


@dataclass(frozen=True, repr=False)
class ConfigDirectory:
    """Where Station's config directory (``~/.config/station``) lives.

    ``StationDeployment(config_directory=...)``; default :meth:`on_volume`. Station keeps
    environments, MCP server configs, variables and agent prompt files there, and its
    start-up sync treats the directory as the source of truth, so it is state, like the
    database. Build it with a factory; a Station reports it as ``station.config_directory``.

    Attributes:
        persistence: On the data volume or in the image (a private enum: compare the value
            with ``ConfigDirectory.from_image()`` instead).
        policy: Who wins between the image's and the volume's files (on the volume).

    """

    persistence: ConfigPersistence
    policy: ConfigPolicy = ConfigPolicy.IMAGE_WINS

    _factory: InitVar[object] = None

    def __post_init__(self, _factory: object) -> None:
        """Refuse a direct call: build it with a factory."""
        refuse_direct(
            self, _factory, "ConfigDirectory.on_volume(policy=...) or ConfigDirectory.from_image()"
        )

    def __repr__(self) -> str:
        """The factory call that builds this value."""
        if self.persistence is ConfigPersistence.IMAGE:
            return "ConfigDirectory.from_image()"
        if self.policy is ConfigPolicy.IMAGE_WINS:
            return "ConfigDirectory.on_volume()"
        return f"ConfigDirectory.on_volume(policy=ConfigPolicy.{self.policy.name})"

    @staticmethod
    def on_volume(policy: ConfigPolicy = ConfigPolicy.IMAGE_WINS) -> ConfigDirectory:
        """On the data volume (``/data/config``), seeded from the image at every start.

        What is created at runtime (UI, API, ``stn`` commands) survives restarts; a minimal
        ``config.yaml`` is written if there is none. Covered by VolumeSnapshots and
        ``ConfigDirBackup``; Litestream replicates only the database.

        Args:
            policy: Who wins between the image's and the volume's config files:
                ``ConfigPolicy.IMAGE_WINS`` (default; the image's files overwrite the
                volume's, files it dropped are removed) or ``VOLUME_WINS`` (only files new
                to the image are added). Files created at runtime are kept either way.

        """
        one_of(_Guard("ConfigDirectory.on_volume"), "policy", policy, ConfigPolicy)
        return ConfigDirectory(ConfigPersistence.VOLUME, policy, _factory=BY_FACTORY)

    @staticmethod
    def from_image() -> ConfigDirectory:
        """From the image at every start, as with the hand-written manifests.

        Runtime changes to the directory are lost on restart (and the start-up sync then
        prunes the MCP configs created at runtime). Only for images that carry their whole
        configuration (``stn build env``).
        """
        return ConfigDirectory(ConfigPersistence.IMAGE, _factory=BY_FACTORY)


@dataclass(frozen=True, repr=False)
class CloudShip:
    """Station's CloudShip integration: the connected mode, or a bundle installed at start.

    ``StationDeployment(cloudship=...)``; default ``None`` (no CloudShip). Both read the key
    ``STN_CLOUDSHIP_KEY`` from the Secret. Build it with a factory.

    Attributes:
        remote_control: Whether ``STN_CLOUDSHIP_ENABLED`` (the remote-control channel) is on.
        telemetry: Whether traces go to CloudShip's telemetry endpoint.
        bundle_id: ``STN_BUNDLE_ID``, or ``None``.

    """

    remote_control: bool
    telemetry: bool = False
    bundle_id: str | None = None

    _factory: InitVar[object] = None

    def __post_init__(self, _factory: object) -> None:
        """Refuse a direct call: build it with a factory."""
        refuse_direct(
            self,
            _factory,
            "CloudShip.connected(telemetry=..., bundle_id=...) or CloudShip.bundle(bundle_id)",
        )

    def __repr__(self) -> str:
        """The factory call that builds this value."""
        if not self.remote_control:
            return f"CloudShip.bundle({self.bundle_id!r})"
        given = {"telemetry": self.telemetry or None, "bundle_id": self.bundle_id}
        shown = ", ".join(f"{k}={v!r}" for k, v in given.items() if v is not None)
        return f"CloudShip.connected({shown})"

    @staticmethod
    def connected(*, telemetry: bool = False, bundle_id: str | None = None) -> CloudShip:
        """Connect to CloudShip (``STN_CLOUDSHIP_ENABLED=true``).

        This opens CloudShip's remote-control channel: whoever controls the CloudShip
        account lists and runs agents and updates prompts, over the pod's outbound
        connection (a row of "Who can call what"). Its hosts
        (``lighthouse.cloudshipai.com:443``, ``api.cloudshipai.com:443``) are checked
        against ``network_policy.egress``.

        Args:
            telemetry: Send traces to CloudShip's telemetry endpoint (like ``otlp_endpoint``,
                which it excludes, it also turns on PostHog usage analytics). Default
                ``False``: telemetry is rendered off (``STN_TELEMETRY_ENABLED=false``)
                unless this or ``otlp_endpoint`` asks for it.
            bundle_id: Also install this bundle (a UUID) at start (``STN_BUNDLE_ID``).

        """
        guard = _Guard("CloudShip.connected")
        return CloudShip(
            True,
            telemetry=boolean(guard, "telemetry", telemetry),
            bundle_id=None if bundle_id is None else _bundle_id(guard, bundle_id),
            _factory=BY_FACTORY,
        )

    @staticmethod
    def bundle(bundle_id: str) -> CloudShip:
        """Install this bundle (a UUID) from CloudShip at start (``STN_BUNDLE_ID``).

        The bundle is downloaded with the key alone: CloudShip's remote-control channel
        stays closed (use :meth:`connected` with ``bundle_id=`` for both).

        Args:
            bundle_id: The bundle's UUID from CloudShip.

        """
        checked = _bundle_id(_Guard("CloudShip.bundle"), bundle_id)
        return CloudShip(False, bundle_id=checked, _factory=BY_FACTORY)


def _bundle_id(guard: _Guard, bundle_id: object) -> str:
    return bundle_uuid(guard, "bundle_id", bundle_id, fix="pass the CloudShip bundle id")


@dataclass(frozen=True, repr=False)
class ApiListener:
    """Station's HTTP API and web UI (``STN_DEV_MODE``, ``API_PORT``).

    ``StationDeployment(api=...)``; default :meth:`on` (port 8585). Build it with a factory.

    Attributes:
        enabled: Whether the API and web UI are served.
        port: The API's port (rendered even when off, as Station reads it).

    """

    enabled: bool
    port: int = 8585

    _factory: InitVar[object] = None

    def __post_init__(self, _factory: object) -> None:
        """Refuse a direct call: build it with a factory."""
        refuse_direct(self, _factory, "ApiListener.on(port=...) or ApiListener.off()")

    def __repr__(self) -> str:
        """The factory call that builds this value."""
        if not self.enabled:
            return "ApiListener.off()"
        return "ApiListener.on()" if self.port == 8585 else f"ApiListener.on(port={self.port})"

    @staticmethod
    def on(port: int = 8585) -> ApiListener:
        """Serve the HTTP API and web UI on ``port`` (``STN_DEV_MODE=true``, ``API_PORT``).

        Args:
            port: The API/UI port. Default 8585.

        """
        return ApiListener(True, _port(_Guard("ApiListener.on"), "port", port), _factory=BY_FACTORY)

    @staticmethod
    def off() -> ApiListener:
        """Do not serve the API and web UI (``STN_DEV_MODE=false``): only the MCP ports."""
        return ApiListener(False, _factory=BY_FACTORY)
