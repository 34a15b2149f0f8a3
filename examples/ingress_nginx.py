"""Production: Station behind ingress-nginx, with a certificate from cert-manager.

    python examples/ingress_nginx.py          # writes build/examples/ingress-nginx/
    cdk8s synth --app "python examples/ingress_nginx.py"   # or CDK8S_OUTDIR=... python ...

Needs ingress-nginx, cert-manager and a ClusterIssuer named ``letsencrypt-prod`` in the
cluster, and a DNS record for the host pointing at the ingress-nginx controller.
"""

import os
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cdk8s import App, Chart  # noqa: E402

from station_constructs import (  # noqa: E402
    AIProvider,
    IngressTls,
    ResourceProfile,
    StationDeployment,
    StationIngress,
    StationPort,
    StationStorage,
)
from station_constructs.guide import next_steps  # noqa: E402

app = App(outdir=os.environ.get("CDK8S_OUTDIR", "build/examples/ingress-nginx"))
chart = Chart(app, "station")
station = StationDeployment(
    chart,
    "station",
    local_mode=False,  # an Ingress in front of a no-auth Station is refused
    provider=AIProvider.ANTHROPIC,
    resources=ResourceProfile.PRODUCTION,
    storage=StationStorage(size="20Gi"),
)
ingress = StationIngress(
    chart,
    "ingress",
    station=station,
    host="station.example.com",
    tls=IngressTls.cert_manager("letsencrypt-prod"),  # renders secret station-tls
    annotations={"nginx.ingress.kubernetes.io/whitelist-source-range": "203.0.113.0/24"},
)
app.synth()

print(next_steps(station, outdir=app.outdir), file=sys.stderr)
print(
    f"4. Point DNS for {ingress.host} at the ingress-nginx controller, then wait for the\n"
    f"   certificate: kubectl -n {ingress.namespace} get certificate {ingress.tls_secret_name}\n"
    f"   Web UI: {ingress.url(StationPort.API)}   MCP clients: {ingress.url()}",
    file=sys.stderr,
)
