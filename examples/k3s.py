"""k3s: local-path storage, the bundled Traefik, and the agent MCP on a fixed NodePort.

    python examples/k3s.py          # writes build/examples/k3s/
    cdk8s synth --app "python examples/k3s.py"

``ClusterProfile.K3S`` picks the ``local-path`` StorageClass and Traefik. local-path
volumes live on one node and are deleted with their claim: read the README's "k3s" section
before putting data you care about on it. The TLS Secret ``station-home-tls`` is yours to
create (``kubectl -n station create secret tls station-home-tls --cert=... --key=...``).
"""

import os
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cdk8s import App, Chart  # noqa: E402

from station_constructs import (  # noqa: E402
    ClusterProfile,
    ExternalAccess,
    IngressTls,
    ResourceProfile,
    StationDeployment,
    StationIngress,
    StationPort,
)
from station_constructs.guide import next_steps  # noqa: E402

app = App(outdir=os.environ.get("CDK8S_OUTDIR", "build/examples/k3s"))
chart = Chart(app, "station")
station = StationDeployment(
    chart,
    "station",
    profile=ClusterProfile.K3S,
    local_mode=False,
    resources=ResourceProfile.DEVELOPMENT,
    # Reachable without DNS too: http://<node-ip>:30587/mcp
    external_access=ExternalAccess.NODE_PORT,
    external_ports=[StationPort.AGENT_MCP],
    node_ports={StationPort.AGENT_MCP: 30587},
)
ingress = StationIngress(
    chart,
    "ingress",
    station=station,
    host="station.home.example.com",
    tls=IngressTls.existing_secret("station-home-tls"),
)
app.synth()

print(next_steps(station, outdir=app.outdir), file=sys.stderr)
print(
    f"4. Web UI: {ingress.url(StationPort.API)}   MCP clients: {ingress.url()}\n"
    "   or, without DNS: http://<node-ip>:30587/mcp",
    file=sys.stderr,
)
