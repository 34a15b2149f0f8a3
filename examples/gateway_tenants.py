"""Many tenants behind one Gateway: N Stations, one namespace and one host name each.

    python examples/gateway_tenants.py                    # 3 tenants
    STATION_TENANTS=100 python examples/gateway_tenants.py
    cdk8s synth --app "python examples/gateway_tenants.py"  # writes build/examples/gateway-tenants/

One shared Envoy Gateway (namespace ``gateway``) terminates TLS for
``*.stations.example.com`` with a wildcard certificate you provide (a ``kubernetes.io/tls``
Secret ``stations-wildcard-tls`` in ``gateway``; cert-manager can issue it with a DNS-01
solver). Each tenant gets its own namespace (labelled so the Gateway's listener accepts its
routes), its own Station, volume and NetworkPolicy, and an HTTPRoute for
``<tenant>.stations.example.com``. Tenants cannot reach each other: each NetworkPolicy
admits only the tenant's own namespace and the Gateway's proxies.

Each tenant's Station stays in local mode behind an Envoy Gateway ``SecurityPolicy`` named
``sso`` in the tenant's namespace (yours to apply: ``extAuth`` or ``oidc`` for that tenant's
users, ``targetRefs`` naming the tenant's HTTPRoute ``station``). CloudShip OAuth would not
separate tenants: Station accepts any active CloudShip token.
"""

import os

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cdk8s import App, Chart  # noqa: E402
from cdk8s_plus_27 import k8s  # noqa: E402

from station_constructs import (  # noqa: E402
    EnvoySecurityPolicy,
    GatewayImplementation,
    IngressTls,
    ResourceProfile,
    StationDeployment,
    StationGateway,
    StationGatewayRoute,
)

TENANTS = int(os.environ.get("STATION_TENANTS", "3"))
DOMAIN = "stations.example.com"
ADMITTED = {"stations.example.com/gateway": "shared"}

app = App(outdir=os.environ.get("CDK8S_OUTDIR", "build/examples/gateway-tenants"))
shared = Chart(app, "gateway")
k8s.KubeNamespace(shared, "namespace", metadata=k8s.ObjectMeta(name="gateway"))
gateway = StationGateway(
    shared,
    "gateway",
    name="stations",
    namespace="gateway",
    implementation=GatewayImplementation.ENVOY_GATEWAY,
    hostname=f"*.{DOMAIN}",
    tls=IngressTls.existing_secret("stations-wildcard-tls"),
    route_namespace_labels=ADMITTED,
)
for i in range(TENANTS):
    tenant = f"tenant-{i:03d}"
    chart = Chart(app, tenant)
    station = StationDeployment(
        chart,
        "station",
        namespace=tenant,
        resources=ResourceProfile.DEVELOPMENT,
        labels=ADMITTED,  # labels the Namespace too: the listener admits its routes
    )
    StationGatewayRoute(
        chart,
        "route",
        station=station,
        gateway=gateway,
        host=f"{tenant}.{DOMAIN}",
        edge_auth=EnvoySecurityPolicy("sso", policy_applied_first=True),
    )
app.synth()
