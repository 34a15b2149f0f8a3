"""Values and constructs many tests build a Station with, defined once."""

from __future__ import annotations

from typing import Any

from cdk8s import Chart

from station_constructs import (
    IngressTls,
    LitestreamBackup,
    S3Replica,
    StationAuth,
    StationDeployment,
    StationIngress,
)

#: Station authenticates with CloudShip OAuth (local mode off).
OAUTH = StationAuth.cloudship_oauth(client_id="station-test")
#: The same, accepting that any CloudShip account's token reaches an exposed agent MCP.
ANY_ACCOUNT = StationAuth.cloudship_oauth(
    client_id="station-test", accept_any_cloudship_account=True
)


def station(chart: Chart, id: str = "station", **kwargs: Any) -> StationDeployment:
    """``StationDeployment(chart, id, **kwargs)``: a Station with the library's defaults."""
    return StationDeployment(chart, id, **kwargs)


def authed(chart: Chart, id: str = "station", **kwargs: Any) -> StationDeployment:
    """A Station that authenticates with CloudShip OAuth, any account accepted (``ANY_ACCOUNT``)."""
    kwargs.setdefault("auth", ANY_ACCOUNT)
    return StationDeployment(chart, id, **kwargs)


def backup(chart: Chart, **kwargs: Any) -> LitestreamBackup:
    """A LitestreamBackup of a new default Station to the S3 bucket ``station-backups``."""
    kwargs.setdefault("replica", S3Replica.aws("station-backups"))
    return LitestreamBackup(chart, "backup", station=station(chart), **kwargs)


def ingress(
    chart: Chart, st: StationDeployment | None = None, *, id: str = "ingress", **kwargs: Any
) -> StationIngress:
    """An Ingress at station.example.com with cert-manager TLS (issuer ``letsencrypt-prod``)
    for ``st`` (when not given, a new :func:`authed` Station)."""
    kwargs.setdefault("host", "station.example.com")
    kwargs.setdefault("tls", IngressTls.cert_manager("letsencrypt-prod"))
    return StationIngress(chart, id, station=st if st is not None else authed(chart), **kwargs)


def nginx_ingress(
    chart: Chart, st: StationDeployment | None = None, **kwargs: Any
) -> StationIngress:
    """:func:`ingress` through ingress-nginx running in the namespace ``ingress-nginx``."""
    kwargs.setdefault("controller_namespace", "ingress-nginx")
    return ingress(chart, st, **kwargs)
