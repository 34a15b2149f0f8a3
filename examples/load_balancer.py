"""A LoadBalancer Service for the API/UI and the agent MCP, open to one network only.

    python examples/load_balancer.py          # writes build/examples/load-balancer/
    cdk8s synth --app "python examples/load_balancer.py"

Renders ``station-external`` (type LoadBalancer) with ports 8585 and 8587 only; the
unauthenticated management MCP (8586) stays inside the cluster. On k3s the same Service is
served by ServiceLB on every node's address.
"""

import os
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cdk8s import App, Chart  # noqa: E402

from station_constructs import ExternalAccess, StationDeployment  # noqa: E402
from station_constructs.guide import next_steps  # noqa: E402

app = App(outdir=os.environ.get("CDK8S_OUTDIR", "build/examples/load-balancer"))
chart = Chart(app, "station")
station = StationDeployment(
    chart,
    "station",
    local_mode=False,  # exposure of a no-auth Station is refused
    external_access=ExternalAccess.LOAD_BALANCER,
    load_balancer_source_ranges=["203.0.113.0/24"],  # your office / VPN range
)
app.synth()

print(next_steps(station, outdir=app.outdir), file=sys.stderr)
print(
    f"4. kubectl -n {station.namespace} get svc {station.external_service_name}"
    "   # EXTERNAL-IP, then http://<EXTERNAL-IP>:8587/mcp",
    file=sys.stderr,
)
