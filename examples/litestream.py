"""Continuous backup of Station's whole state to MinIO (any S3-compatible store), and automatic
restore onto an empty volume: the database with Litestream, the config directory with rclone.

    python examples/litestream.py          # writes build/examples/litestream/
    cdk8s synth --app "python examples/litestream.py"

Needs in the cluster: Kubernetes 1.29+ (Litestream runs as a native sidecar; pass
``sidecar_mode=SidecarMode.CLASSIC`` for 1.27/1.28), MinIO reachable at
``minio.minio.svc.cluster.local:9000`` with a bucket ``station-backups``, and the Secret
``station-litestream`` with an access key for it (the command is printed below).
"""

import os
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cdk8s import App, Chart  # noqa: E402

from station_constructs import (  # noqa: E402
    ConfigDirBackup,
    LitestreamBackup,
    LitestreamMetrics,
    S3Replica,
    StationDeployment,
    StationStorage,
)
from station_constructs.guide import next_steps  # noqa: E402

app = App(outdir=os.environ.get("CDK8S_OUTDIR", "build/examples/litestream"))
chart = Chart(app, "station")
station = StationDeployment(
    chart,
    "station",
    storage=StationStorage(size="20Gi"),
)
backup = LitestreamBackup(
    chart,
    "backup",
    station=station,
    replica=S3Replica.compatible("http://minio.minio.svc.cluster.local:9000", "station-backups"),
    # Prometheus in "monitoring" may scrape Litestream's metrics (port 9090, /metrics).
    metrics=LitestreamMetrics.served(namespaces=["monitoring"]),
)
# Environments and MCP configs: synced to the same bucket every minute, restored first.
config_backup = ConfigDirBackup(chart, "config-backup", backup=backup)
app.synth()

print(next_steps(station, outdir=app.outdir), file=sys.stderr)
print(
    f"Backups go to {backup.replica_url} and {config_backup.url}\n"
    f"Follow them: kubectl -n {station.namespace} logs deploy/{station.name} -c litestream -f",
    file=sys.stderr,
)
