"""The app configurations the golden files, schema checks and scanners share."""

from __future__ import annotations

from cdk8s import Chart

from station_constructs import (
    AIProvider,
    ExistingSecret,
    ExternalAccess,
    ResourceProfile,
    StationDeployment,
    StationStorage,
)


def default_app(chart: Chart) -> StationDeployment:
    """Exactly what main.py renders."""
    return StationDeployment(chart, "station")


def production_app(chart: Chart) -> StationDeployment:
    """A production StationDeployment: authentication on, sized, exposed through an LB."""
    return StationDeployment(
        chart,
        "station",
        local_mode=False,
        provider=AIProvider.ANTHROPIC,
        extra_providers=[AIProvider.OPENAI],
        model="claude-sonnet-4-5",
        resources=ResourceProfile.PRODUCTION,
        storage=StationStorage(size="20Gi", storage_class="gp3"),
        secret=ExistingSecret("station-secrets"),
        otlp_endpoint="http://otel-collector.observability:4318",
        external_access=ExternalAccess.LOAD_BALANCER,
        load_balancer_source_ranges=["203.0.113.0/24"],
        labels={"team": "platform"},
    )
