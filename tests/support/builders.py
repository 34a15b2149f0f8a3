"""Values many tests build a Station with, defined once."""

from __future__ import annotations

from station_constructs import StationAuth

#: Station authenticates with CloudShip OAuth (local mode off).
OAUTH = StationAuth.cloudship_oauth(client_id="station-test")
#: The same, accepting that any CloudShip account's token reaches an exposed agent MCP.
ANY_ACCOUNT = StationAuth.cloudship_oauth(
    client_id="station-test", accept_any_cloudship_account=True
)
