"""The app configurations the golden files, schema checks and scanners share."""

from __future__ import annotations

from collections.abc import Mapping

from cdk8s import Chart
from cdk8s_plus_27 import k8s

from station_constructs import (
    DEFAULT_IMAGE,
    AIProvider,
    BackupAlerts,
    ClusterProfile,
    ConfigDirBackup,
    EnvoySecurityPolicy,
    ExistingSecret,
    ExternalSecretSource,
    ExternalService,
    GatewayImplementation,
    IngressRoute,
    IngressTls,
    LitestreamBackup,
    LitestreamMetrics,
    LitestreamServiceMonitor,
    NetworkPolicyOptions,
    NginxAuthUrl,
    NginxBasicAuth,
    PodExtras,
    PodPlacement,
    PodServiceAccount,
    RemoteRef,
    ResourceProfile,
    RestoreDrill,
    S3Credentials,
    S3Replica,
    SecretStoreKind,
    SidecarMode,
    StationAuth,
    StationDeployment,
    StationGateway,
    StationGatewayRoute,
    StationIngress,
    StationPort,
    StationStorage,
    StationVolumeSnapshot,
    TraefikMiddleware,
    WorkloadIdentity,
)


def default_app(chart: Chart) -> StationDeployment:
    """Exactly what main.py renders."""
    return StationDeployment(chart, "station")


def production_app(
    chart: Chart,
    image: str = DEFAULT_IMAGE,
    station_release: str | None = None,
    env: Mapping[str, str] | None = None,
) -> StationDeployment:
    """A production StationDeployment: CloudShip OAuth, sized, the agent MCP exposed through
    an LB open to one network (examples/load_balancer.py; the API, whose OAuth callers are
    admins, is never exposed with OAuth alone). ``station_release`` states the release of an
    image whose tag does not name one; ``env`` is the Station's ``env=``."""
    return StationDeployment(
        chart,
        "station",
        image=image,
        station_release=station_release,
        auth=StationAuth.cloudship_oauth(client_id="station-example"),
        external_service=ExternalService.load_balancer(
            ports=[StationPort.AGENT_MCP], source_ranges=["203.0.113.0/24"]
        ),
        provider=AIProvider.ANTHROPIC,
        extra_providers=[AIProvider.OPENAI],
        model="claude-sonnet-4-5",
        resources=ResourceProfile.PRODUCTION,
        storage=StationStorage(size="20Gi", storage_class="gp3"),
        secret=ExistingSecret("station-secrets"),
        otlp_endpoint="http://otel-collector.observability:4318",
        labels={"team": "platform"},
        env=env,
    )


def ingress_production_app(chart: Chart) -> StationIngress:
    """Production: ingress-nginx with basic auth and a cert-manager certificate, Station in
    local mode behind it (examples/ingress_nginx.py)."""
    station = StationDeployment(
        chart,
        "station",
        provider=AIProvider.ANTHROPIC,
        resources=ResourceProfile.PRODUCTION,
        storage=StationStorage(size="20Gi"),
    )
    return StationIngress(
        chart,
        "ingress",
        station=station,
        host="station.example.com",
        tls=IngressTls.cert_manager("letsencrypt-prod"),
        edge_auth=NginxBasicAuth("station-basic-auth"),
        annotations={"nginx.ingress.kubernetes.io/whitelist-source-range": "203.0.113.0/24"},
    )


def k3s_app(chart: Chart) -> StationIngress:
    """k3s: local-path storage, Traefik Ingress behind ForwardAuth (examples/k3s.py)."""
    station = StationDeployment(
        chart,
        "station",
        profile=ClusterProfile.K3S,
        resources=ResourceProfile.DEVELOPMENT,
    )
    return StationIngress(
        chart,
        "ingress",
        station=station,
        host="station.home.example.com",
        tls=IngressTls.existing_secret("station-home-tls"),
        edge_auth=TraefikMiddleware("station-forward-auth"),
    )


def litestream_app(chart: Chart) -> LitestreamBackup:
    """Backup and automatic restore of the database (Litestream) and the config directory
    (rclone) to MinIO (examples/litestream.py)."""
    station = StationDeployment(
        chart,
        "station",
        storage=StationStorage(size="20Gi"),
    )
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.compatible(
            "http://minio.minio.svc.cluster.local:9000", "station-backups"
        ),
        metrics=LitestreamMetrics.served(namespaces=["monitoring"]),
    )
    ConfigDirBackup(chart, "config-backup", backup=backup)
    return backup


def full_production_app(
    chart: Chart,
    suffix: str = "",
    image: str = DEFAULT_IMAGE,
    station_release: str | None = None,
    env: Mapping[str, str] | None = None,
) -> StationDeployment:
    """Everything at once, as examples/production.py: ExternalSecret keys, Litestream and the
    config-directory backup with IRSA, alerts, a restore drill, ServiceMonitor, Ingress behind
    oauth2-proxy, VolumeSnapshot, NetworkPolicy.

    ``suffix`` makes every name unique, so many can share one app (the benchmark);
    ``station_release`` states the release of an image whose tag does not name one; ``env``
    is the Station's ``env=``."""
    store = "aws-secrets-manager"
    kind = SecretStoreKind.CLUSTER_SECRET_STORE
    station = StationDeployment(
        chart,
        f"station{suffix}",
        name=f"station{suffix}",
        namespace=f"station{suffix}",
        image=image,
        station_release=station_release,
        provider=AIProvider.ANTHROPIC,
        resources=ResourceProfile.PRODUCTION,
        storage=StationStorage(size="20Gi", storage_class="gp3"),
        secret=ExternalSecretSource(
            store,
            store_kind=kind,
            remote_refs={
                "STATION_ENCRYPTION_KEY": RemoteRef("station/prod", property="encryption_key"),
                "ANTHROPIC_API_KEY": RemoteRef("station/prod", property="anthropic_api_key"),
            },
        ),
        otlp_endpoint="http://otel-collector.observability:4318",
        network_policy=NetworkPolicyOptions(same_namespace_ports=[StationPort.AGENT_MCP]),
        env=env,
    )
    backup = LitestreamBackup(
        chart,
        f"backup{suffix}",
        station=station,
        replica=S3Replica.aws("example-station-backups", region="eu-west-1"),
        credentials=S3Credentials.workload_identity(
            WorkloadIdentity.aws_irsa("arn:aws:iam::123456789012:role/station-backups")
        ),
    )
    config_backup = ConfigDirBackup(chart, f"config-backup{suffix}", backup=backup)
    RestoreDrill(chart, f"restore-drill{suffix}", backup=backup, config_backup=config_backup)
    BackupAlerts(
        chart, f"alerts{suffix}", station=station, labels={"release": "kube-prometheus-stack"}
    )
    LitestreamServiceMonitor(
        chart,
        f"monitor{suffix}",
        station=station,
        labels={"release": "kube-prometheus-stack"},
        prometheus_namespaces=["monitoring"],
    )
    StationIngress(
        chart,
        f"ingress{suffix}",
        station=station,
        host=f"station{suffix}.example.com",
        tls=IngressTls.cert_manager("letsencrypt-prod"),
        routes=[IngressRoute(StationPort.AGENT_MCP, "/mcp")],
        edge_auth=NginxAuthUrl(
            "http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth",
            signin_url="https://$host/oauth2/start?rd=$escaped_request_uri",
            response_headers=["X-Auth-Request-Email"],
        ),
    )
    StationVolumeSnapshot(
        chart,
        f"snapshot{suffix}",
        station=station,
        snapshot_class="csi-aws-vsc",
        name=f"station{suffix}-data-2026-01-15",
    )
    return station


def digest_station_with_litestream(chart: Chart) -> LitestreamBackup:
    """A digest-pinned Station (no image suppressions of its own) with the default,
    tag-pinned Litestream: the sidecar's image findings must still be explained."""
    station = StationDeployment(
        chart,
        "station",
        image="ghcr.io/cloudshipai/station@sha256:" + "0123456789abcdef" * 4,
    )
    return LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.aws("station-backups"),
    )


def platform_app(chart: Chart) -> StationDeployment:
    """A Station placed and wired as a platform team would (examples/pod_placement.py):
    placement, an IRSA ServiceAccount, a CA bundle, an init container, a sidecar reading the
    data volume, host aliases, DNS options, and Litestream as a classic sidecar (valid from
    Kubernetes 1.27, like the other schema cases)."""
    station = StationDeployment(
        chart,
        "station",
        placement=PodPlacement(
            node_selector={"kubernetes.io/arch": "arm64"},
            tolerations=[
                k8s.Toleration(key="dedicated", operator="Equal", value="ai", effect="NoSchedule")
            ],
            affinity=k8s.Affinity(
                node_affinity=k8s.NodeAffinity(
                    required_during_scheduling_ignored_during_execution=k8s.NodeSelector(
                        node_selector_terms=[
                            k8s.NodeSelectorTerm(
                                match_expressions=[
                                    k8s.NodeSelectorRequirement(
                                        key="topology.kubernetes.io/zone",
                                        operator="In",
                                        values=["eu-west-1a"],
                                    )
                                ]
                            )
                        ]
                    )
                )
            ),
            priority_class_name="station-high",
            runtime_class_name="gvisor",
        ),
        service_account=PodServiceAccount.rendered(
            annotations={"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/station"}
        ),
        pod_extras=PodExtras(
            labels={"sidecar.istio.io/inject": "false"},
            volumes=[
                k8s.Volume(name="corp-ca", config_map=k8s.ConfigMapVolumeSource(name="corp-ca"))
            ],
            volume_mounts=[
                k8s.VolumeMount(name="corp-ca", mount_path="/etc/ssl/corp", read_only=True)
            ],
            init_containers=[
                k8s.Container(
                    name="wait-for-proxy",
                    image="busybox:1.36.1",
                    command=["sh", "-c", "until nslookup egress-proxy.proxy; do sleep 2; done"],
                    resources=_resources(),
                    security_context=k8s.SecurityContext(read_only_root_filesystem=True),
                )
            ],
            sidecars=[
                k8s.Container(
                    name="db-size-exporter",
                    image="ghcr.io/example/db-size-exporter:1.4.0",
                    args=["--path=/data/station.db", "--listen=:9102"],
                    ports=[k8s.ContainerPort(container_port=9102, name="db-metrics")],
                    volume_mounts=[
                        k8s.VolumeMount(name="data", mount_path="/data", read_only=True)
                    ],
                    resources=_resources(),
                    liveness_probe=_probe(),
                    readiness_probe=_probe(),
                    security_context=k8s.SecurityContext(read_only_root_filesystem=True),
                )
            ],
            host_aliases=[k8s.HostAlias(ip="10.20.0.5", hostnames=["llm.internal"])],
            dns_config=k8s.PodDnsConfig(options=[k8s.PodDnsConfigOption(name="ndots", value="2")]),
        ),
    )
    LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.aws("station-backups"),
        sidecar_mode=SidecarMode.CLASSIC,
    )
    return station


def _resources() -> k8s.ResourceRequirements:
    return k8s.ResourceRequirements(
        requests={
            "cpu": k8s.Quantity.from_string("10m"),
            "memory": k8s.Quantity.from_string("16Mi"),
        },
        limits={
            "cpu": k8s.Quantity.from_string("100m"),
            "memory": k8s.Quantity.from_string("64Mi"),
        },
    )


def _probe() -> k8s.Probe:
    return k8s.Probe(
        http_get=k8s.HttpGetAction(path="/metrics", port=k8s.IntOrString.from_number(9102)),
        period_seconds=30,
    )


def gateway_tenants_app(chart: Chart, count: int) -> StationGateway:
    """``count`` Stations, one namespace and host each, behind one shared Envoy Gateway
    (examples/gateway_tenants.py; the benchmark runs it at 100)."""
    admitted = {"stations.example.com/gateway": "shared"}
    gateway = StationGateway(
        chart,
        "gateway",
        name="stations",
        namespace="gateway",
        implementation=GatewayImplementation.ENVOY_GATEWAY,
        hostname="*.stations.example.com",
        tls=IngressTls.existing_secret("stations-wildcard-tls"),
        route_namespace_labels=admitted,
    )
    for i in range(count):
        tenant = f"tenant-{i:03d}"
        station = StationDeployment(
            chart,
            tenant,
            namespace=tenant,
            resources=ResourceProfile.DEVELOPMENT,
            labels=admitted,
        )
        StationGatewayRoute(
            chart,
            f"{tenant}-route",
            station=station,
            gateway=gateway,
            host=f"{tenant}.stations.example.com",
            edge_auth=EnvoySecurityPolicy("sso", policy_applied_first=True),
        )
    return gateway


def gateway_app(chart: Chart) -> StationGatewayRoute:
    """Envoy Gateway: a Gateway of the Station's own with cert-manager, and its HTTPRoute
    behind an Envoy Gateway SecurityPolicy (examples/gateway_api.py)."""
    station = StationDeployment(chart, "station")
    gateway = StationGateway(
        chart,
        "gateway",
        station=station,
        implementation=GatewayImplementation.ENVOY_GATEWAY,
        hostname="station.example.com",
        tls=IngressTls.cert_manager("letsencrypt-prod"),
    )
    return StationGatewayRoute(
        chart,
        "route",
        station=station,
        gateway=gateway,
        host="station.example.com",
        edge_auth=EnvoySecurityPolicy("station-sso", policy_applied_first=True),
    )
