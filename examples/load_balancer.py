"""A LoadBalancer Service for the agent MCP, authenticated by Station itself (CloudShip OAuth).

    python examples/load_balancer.py          # writes build/examples/load-balancer/
    cdk8s synth --app "python examples/load_balancer.py"

A Service exposes whole ports and cannot authenticate, so Station must: with CloudShip
OAuth (``StationAuth.cloudship_oauth``), every request to 8587 but ``/health`` needs a
bearer token that CloudShip reports active (MCP clients discover where to get one from the
401's ``WWW-Authenticate`` header). Any active CloudShip account's token passes, not only
your organisation's, so the Service is open to one network (``source_ranges``); without
that the exposure is refused unless ``accept_any_cloudship_account=True`` accepts it.
Renders ``station-external`` (type LoadBalancer) with 8587 only. The API
(8585) is never exposed with OAuth alone (its OAuth callers are admins): the web UI, which
calls ``http://localhost:8585`` itself, is reached with ``kubectl port-forward``, and the
unauthenticated management MCP (8586) stays inside the cluster. The Service speaks plain
HTTP: terminate TLS at the load balancer (the Service's ``annotations``) before sending
tokens across networks you do not trust.
On k3s the same Service is served by ServiceLB on every node's address.
"""

import os
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cdk8s import App, Chart  # noqa: E402

from station_constructs import (  # noqa: E402
    ExternalService,
    StationAuth,
    StationDeployment,
    StationPort,
)
from station_constructs.guide import next_steps  # noqa: E402

app = App(outdir=os.environ.get("CDK8S_OUTDIR", "build/examples/load-balancer"))
chart = Chart(app, "station")
station = StationDeployment(
    chart,
    "station",
    # The OAuth client registered at CloudShip (not a secret: public client).
    auth=StationAuth.cloudship_oauth(client_id="station-example"),
    external_service=ExternalService.load_balancer(
        ports=[StationPort.AGENT_MCP],
        source_ranges=["203.0.113.0/24"],  # your office / VPN range
    ),
)
app.synth()

print(next_steps(station, outdir=app.outdir), file=sys.stderr)
print(
    f"4. kubectl -n {station.namespace} get svc {station.external_service_name}"
    "   # EXTERNAL-IP, then http://<EXTERNAL-IP>:8587/mcp",
    file=sys.stderr,
)
