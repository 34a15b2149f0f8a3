"""Production operations: keys from an external secret manager, continuous backup of the whole
state (database with Litestream, config directory with rclone) with workload identity instead
of static keys, alerts and a nightly restore drill, an Ingress with TLS whose every request is
authenticated by oauth2-proxy (edge auth), the NetworkPolicy, a VolumeSnapshot of the data
volume and a ServiceMonitor for Litestream's metrics.

Who can call what: Station stays in local mode (its own checks are off) behind oauth2-proxy.
The Ingress routes only ``/mcp``: MCP clients pass oauth2-proxy with a bearer token from your
identity provider (oauth2-proxy's ``--skip-jwt-bearer-tokens``), browsers are sent to its
sign-in page. The web UI is reached with ``kubectl port-forward`` (Kubernetes RBAC is the
authentication): in v0.23.0 and v0.25.0 it calls ``http://localhost:8585`` itself and cannot
work through an Ingress. The webhook paths are not routed; the NetworkPolicy admits only the
agent MCP from the Station's namespace and ingress-nginx (the edge) from elsewhere.

    python examples/production.py          # writes build/examples/production/
    cdk8s synth --app "python examples/production.py"   # or CDK8S_OUTDIR=... python ...

Needs in the cluster: the External Secrets Operator with a ClusterSecretStore named
``aws-secrets-manager`` holding the JSON secret ``station/prod``; an S3 bucket
``example-station-backups`` and an IAM role ``station-backups`` that may read and write it,
whose trust policy admits the ServiceAccount ``station/station-backup`` (EKS IRSA);
ingress-nginx and cert-manager with a ClusterIssuer ``letsencrypt-prod``; oauth2-proxy
(Service ``oauth2-proxy`` in namespace ``oauth2-proxy``, serving ``/oauth2`` on the same host);
the CSI snapshot controller and a VolumeSnapshotClass ``csi-aws-vsc`` for the ``gp3``
StorageClass (EBS CSI driver); kube-prometheus-stack (release ``kube-prometheus-stack``, with
kube-state-metrics) in the ``monitoring`` namespace.
"""

import os
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cdk8s import App, Chart  # noqa: E402

from station_constructs import (  # noqa: E402
    AIProvider,
    BackupAlerts,
    ConfigDirBackup,
    ExternalSecretSource,
    IngressRoute,
    IngressTls,
    LitestreamBackup,
    LitestreamServiceMonitor,
    NetworkPolicyOptions,
    NginxAuthUrl,
    RemoteRef,
    ResourceProfile,
    RestoreDrill,
    S3Credentials,
    S3Replica,
    SecretStoreKind,
    StationDeployment,
    StationIngress,
    StationPort,
    StationStorage,
    StationVolumeSnapshot,
    WorkloadIdentity,
)
from station_constructs.guide import next_steps  # noqa: E402

app = App(outdir=os.environ.get("CDK8S_OUTDIR", "build/examples/production"))
chart = Chart(app, "station")

# Station's keys: one JSON secret in AWS Secrets Manager, synced by the External Secrets
# Operator into the Secret the pod reads (station-secrets). No value is in the manifests.
keys = ExternalSecretSource(
    "aws-secrets-manager",
    store_kind=SecretStoreKind.CLUSTER_SECRET_STORE,
    remote_refs={
        "STATION_ENCRYPTION_KEY": RemoteRef("station/prod", property="encryption_key"),
        "ANTHROPIC_API_KEY": RemoteRef("station/prod", property="anthropic_api_key"),
    },
    refresh_interval="1h",
)

station = StationDeployment(
    chart,
    "station",
    # Local mode (the default): Station's own checks are off; oauth2-proxy at the Ingress
    # authenticates everything routed, and the NetworkPolicy keeps everyone else out.
    provider=AIProvider.ANTHROPIC,
    resources=ResourceProfile.PRODUCTION,
    storage=StationStorage(size="20Gi", storage_class="gp3"),
    secret=keys,
    otlp_endpoint="http://otel-collector.observability:4318",
    # Only the agent MCP for in-namespace clients; the Ingress admits its controller itself.
    network_policy=NetworkPolicyOptions(same_namespace_ports=[StationPort.AGENT_MCP]),
)

# Continuous backup to S3 with restore on an empty volume. No static keys: the backup
# containers (only they) get a token of the ServiceAccount station-backup, which EKS IRSA
# exchanges for the role's credentials. A fresh database never replicates over the backup.
backup = LitestreamBackup(
    chart,
    "backup",
    station=station,
    replica=S3Replica.aws("example-station-backups", region="eu-west-1"),
    credentials=S3Credentials.workload_identity(
        WorkloadIdentity.aws_irsa("arn:aws:iam::123456789012:role/station-backups")
    ),
)

# The other half of the state: the config directory (environments, MCP configs), synced to
# s3://example-station-backups/station/station/config every minute and restored before Station.
config_backup = ConfigDirBackup(chart, "config-backup", backup=backup, interval="60s")

# Every night at 04:17, restore the latest backup into a scratch volume and check it.
RestoreDrill(chart, "restore-drill", backup=backup, config_backup=config_backup)

# Station has no metrics endpoint; Litestream's (replication lag, errors) is scraped, and
# Prometheus's namespace is admitted to port 9090 only.
LitestreamServiceMonitor(
    chart,
    "monitor",
    station=station,
    labels={"release": "kube-prometheus-stack"},
    prometheus_namespaces=["monitoring"],
)

# Alerts for what exit codes hide: sync errors, a stalled backup, the sidecar down, the config
# backup failing, the drill failing (the last two read kube-state-metrics).
BackupAlerts(chart, "alerts", station=station, labels={"release": "kube-prometheus-stack"})

ingress = StationIngress(
    chart,
    "ingress",
    station=station,
    host="station.example.com",
    tls=IngressTls.cert_manager("letsencrypt-prod"),
    routes=[IngressRoute(StationPort.AGENT_MCP, "/mcp")],
    edge_auth=NginxAuthUrl(
        "http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth",
        signin_url="https://$host/oauth2/start?rd=$escaped_request_uri",
        response_headers=["X-Auth-Request-Email"],
    ),
)

# A snapshot is taken once per name: change the date for the next one.
snapshot = StationVolumeSnapshot(
    chart,
    "snapshot",
    station=station,
    snapshot_class="csi-aws-vsc",
    name="station-data-2026-01-15",
)

app.synth()

print(next_steps(station, outdir=app.outdir), file=sys.stderr)
print(
    f"4. Point DNS for {ingress.host} at ingress-nginx. MCP clients: {ingress.url()}\n"
    "   (with an oauth2-proxy bearer token; the web UI: the port-forward above)\n"
    f"5. kubectl -n {snapshot.namespace} get volumesnapshot {snapshot.name}  (READYTOUSE true)\n"
    f"   Backups go to {backup.replica_url} and {config_backup.url}",
    file=sys.stderr,
)
