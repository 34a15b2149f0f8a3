"""k3s: local-path storage and the bundled Traefik, with a ForwardAuth middleware in front.

    python examples/k3s.py          # writes build/examples/k3s/
    cdk8s synth --app "python examples/k3s.py"

``ClusterProfile.K3S`` picks the ``local-path`` StorageClass and Traefik. local-path
volumes live on one node and are deleted with their claim: read docs/k3s.md
before putting data you care about on it. The TLS Secret ``station-home-tls`` is yours to
create (``kubectl -n station create secret tls station-home-tls --cert=... --key=...``), and so
is the Traefik ``Middleware`` ``station-forward-auth`` in the ``station`` namespace (a
ForwardAuth to Authelia or oauth2-proxy, or a BasicAuth): every route goes through it, and
Station stays in local mode behind it. A NodePort would bypass the middleware, so there is
none: with local mode on it would be refused.
"""

import os
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cdk8s import App, Chart  # noqa: E402

from station_constructs import (  # noqa: E402
    ClusterProfile,
    IngressTls,
    ResourceProfile,
    StationDeployment,
    StationIngress,
    StationPort,
    TraefikMiddleware,
)
from station_constructs.guide import next_steps  # noqa: E402

app = App(outdir=os.environ.get("CDK8S_OUTDIR", "build/examples/k3s"))
chart = Chart(app, "station")
station = StationDeployment(
    chart,
    "station",
    profile=ClusterProfile.K3S,
    resources=ResourceProfile.DEVELOPMENT,
)
ingress = StationIngress(
    chart,
    "ingress",
    station=station,
    host="station.home.example.com",
    tls=IngressTls.existing_secret("station-home-tls"),
    edge_auth=TraefikMiddleware("station-forward-auth"),
)
app.synth()

print(next_steps(station, outdir=app.outdir), file=sys.stderr)
print(
    f"4. MCP clients: {ingress.url()} (through the station-forward-auth middleware)\n"
    f"   API: {ingress.url(StationPort.API)}; the web UI: the port-forward above",
    file=sys.stderr,
)
