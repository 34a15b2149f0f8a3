"""Station's own authentication by CloudShip OAuth (:class:`CloudShipOAuth`).

Not public: built by ``StationAuth.cloudship_oauth(...)``, read as ``station.auth.oauth``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._errors import _Guard
from ._validate import boolean, free_text, http_url, sequence

__all__ = ["CLOUDSHIP_INTROSPECT_URL", "CloudShipOAuth"]

# Default introspection endpoint of Station (v0.23.0 and v0.25.0) [internal/config/config.go].
CLOUDSHIP_INTROSPECT_URL = "https://app.cloudshipai.com/oauth/introspect/"


@dataclass(frozen=True)
class CloudShipOAuth:
    """Station's CloudShip OAuth (``STN_CLOUDSHIP_OAUTH_*``): bearer tokens checked at CloudShip.

    With local mode off, Station (v0.23.0 and v0.25.0) then wraps the agent MCP listener
    (8587) in a check that every request except ``/health`` carries ``Authorization: Bearer
    <token>`` that CloudShip's introspection endpoint reports active (or a user API key
    ``sk-…``, which nothing can create), and the API (8585) accepts the same tokens **as
    admins** (the admin-only routes let CloudShip OAuth callers through): such a caller can
    add MCP servers with arbitrary commands. Unauthenticated MCP clients get a 401 whose
    ``WWW-Authenticate`` header points at CloudShip's OAuth discovery document. Station
    checks only that the token is active: **any** CloudShip account's token is accepted, not
    only your organisation's, and the client id is never sent to introspection (the
    sources, per release: ``docs/station-facts.md``).

    So exposing the API with OAuth alone is refused (authenticate at the edge), and
    exposing the agent MCP with OAuth alone needs ``accept_any_cloudship_account=True``
    (or edge authentication, or a LoadBalancer's source ranges).

    Only ``client_id`` and ``introspect_url`` are used by the server (OAuth counts as
    enabled only with a client id, ``IsEnabled``); the other URLs are passed through for
    Station's configuration and are read by nothing yet. No client secret exists (public
    client); nothing here is secret.

    Args:
        client_id: The OAuth client id registered at CloudShip (``STN_CLOUDSHIP_OAUTH_CLIENT_ID``).
        introspect_url: Token introspection endpoint (``STN_CLOUDSHIP_OAUTH_INTROSPECT_URL``).
            Default: Station's, ``https://app.cloudshipai.com/oauth/introspect/``.
        auth_url: ``STN_CLOUDSHIP_OAUTH_AUTH_URL``. Default: Station's.
        token_url: ``STN_CLOUDSHIP_OAUTH_TOKEN_URL``. Default: Station's.
        redirect_uri: ``STN_CLOUDSHIP_OAUTH_REDIRECT_URI``. Default: Station's.
        scopes: ``STN_CLOUDSHIP_OAUTH_SCOPES`` (joined with spaces). Default: Station's
            (``read stations``).
        accept_any_cloudship_account: Accept that any CloudShip account's token reaches the
            agent MCP when it is exposed outside the cluster with nothing else in front.
            Default ``False``. Never enough for the API (its OAuth callers are admins).

    """

    client_id: str
    introspect_url: str | None = None
    auth_url: str | None = None
    token_url: str | None = None
    redirect_uri: str | None = None
    scopes: Sequence[str] | None = None
    accept_any_cloudship_account: bool = False

    def settings(self, guard: _Guard, field: str) -> dict[str, str]:
        """The ConfigMap entries for these settings; raises on bad input.

        ``field`` prefixes the names in messages (``auth.client_id``); empty for
        the bare names (``client_id``), as ``StationAuth.cloudship_oauth`` reports them.
        """
        if not isinstance(self, CloudShipOAuth):  # pragma: no cover - called on instances
            raise guard.fail(field, self, "must be CloudShipOAuth(...)", "pass CloudShipOAuth")
        field = f"{field}." if field else ""
        boolean(guard, f"{field}accept_any_cloudship_account", self.accept_any_cloudship_account)
        client_id = free_text(
            guard,
            f"{field}client_id",
            self.client_id,
            fix="pass the client id registered at CloudShip, e.g. 'station-prod'",
        )
        settings = {
            "STN_CLOUDSHIP_OAUTH_ENABLED": "true",
            "STN_CLOUDSHIP_OAUTH_CLIENT_ID": client_id,
        }
        urls = {
            "STN_CLOUDSHIP_OAUTH_INTROSPECT_URL": ("introspect_url", self.introspect_url),
            "STN_CLOUDSHIP_OAUTH_AUTH_URL": ("auth_url", self.auth_url),
            "STN_CLOUDSHIP_OAUTH_TOKEN_URL": ("token_url", self.token_url),
            "STN_CLOUDSHIP_OAUTH_REDIRECT_URI": ("redirect_uri", self.redirect_uri),
        }
        for variable, (name, value) in urls.items():
            if value is not None:
                example = "https://app.cloudshipai.com/oauth/introspect/"
                settings[variable] = http_url(guard, f"{field}{name}", value, example=example)
        if self.scopes is not None:
            scopes = sequence(guard, f"{field}scopes", self.scopes, example="['read', 'stations']")
            words = [
                free_text(guard, f"{field}scopes[]", s, fix="pass single words, e.g. 'read'")
                for s in scopes
            ]
            if not words or any(" " in w for w in words):
                raise guard.fail(
                    f"{field}scopes",
                    list(scopes),
                    "must list at least one scope, each a single word",
                    "pass e.g. scopes=['read', 'stations'], or leave it out",
                )
            settings["STN_CLOUDSHIP_OAUTH_SCOPES"] = " ".join(words)
        return settings
