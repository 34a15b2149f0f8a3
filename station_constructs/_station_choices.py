"""The union values a StationDeployment was given, kept as its public attributes.

``station.auth``, ``station.api``, ``station.cloudship``, ``station.config_directory`` and
``station.external_service_options`` read these: the values the user built with the
factories of ``station_constructs.options``, the external Service's with its ports resolved
(the API, if served, and the agent MCP when none were given).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ._factory_only import BY_FACTORY
from ._settings.station import StationPort
from .options import ApiListener, CloudShip, ConfigDirectory, ExternalService, StationAuth

__all__ = ["StationChoices"]


@dataclass(frozen=True)
class StationChoices:
    """The union arguments of one StationDeployment (documented on its attributes)."""

    auth: StationAuth
    api: ApiListener
    cloudship: CloudShip | None
    config_directory: ConfigDirectory
    external_service_options: ExternalService | None

    @staticmethod
    def of(  # noqa: PLR0913 - one per union argument
        auth: StationAuth,
        api: ApiListener,
        cloudship: CloudShip | None,
        config_directory: ConfigDirectory,
        external_service: ExternalService | None,
        exposed: tuple[StationPort, ...],
    ) -> StationChoices:
        """The values as given (checked by then), ``exposed`` the external Service's ports."""
        return StationChoices(
            auth=auth,
            api=api,
            cloudship=cloudship,
            config_directory=config_directory,
            external_service_options=None
            if external_service is None
            else dataclasses.replace(external_service, ports=exposed, _factory=BY_FACTORY),
        )
