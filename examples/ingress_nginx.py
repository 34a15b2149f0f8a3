"""Production: Station behind ingress-nginx with basic authentication at the edge, and a
certificate from cert-manager.

Station stays in local mode; ingress-nginx asks every request for the user names and
passwords of the htpasswd Secret ``station-basic-auth`` (create it yourself: see the printed
next steps). Browsers prompt; MCP clients and webhook callers send ``Authorization: Basic``.
The web UI (v0.23.0 and v0.25.0) calls ``http://localhost:8585`` itself, so use it through
``kubectl port-forward``; ``/`` here serves the API to authenticated clients.

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
    NginxBasicAuth,
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
    # Local mode (the default): the edge authenticates; the NetworkPolicy admits only
    # ingress-nginx from outside the namespace.
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
    edge_auth=NginxBasicAuth("station-basic-auth"),
    annotations={"nginx.ingress.kubernetes.io/whitelist-source-range": "203.0.113.0/24"},
)
app.synth()

print(next_steps(station, outdir=app.outdir), file=sys.stderr)
print(
    "   The users: htpasswd -c auth alice && kubectl -n station create secret generic "
    "station-basic-auth --from-file=auth\n"
    f"4. Point DNS for {ingress.host} at the ingress-nginx controller, then wait for the\n"
    f"   certificate: kubectl -n {ingress.namespace} get certificate {ingress.tls_secret_name}\n"
    f"   API: {ingress.url(StationPort.API)}   MCP clients: {ingress.url()} (basic auth)\n"
    "   Web UI: the port-forward above (Station's UI calls http://localhost:8585 itself)",
    file=sys.stderr,
)
