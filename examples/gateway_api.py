"""Station behind the Gateway API (gateway.networking.k8s.io/v1), with its own Gateway.

    python examples/gateway_api.py                        # Envoy Gateway (class eg)
    STATION_GATEWAY=istio python examples/gateway_api.py  # or traefik, cilium
    cdk8s synth --app "python examples/gateway_api.py"    # writes build/examples/gateway-api/

Renders the Station, a Gateway with an HTTPS listener whose certificate cert-manager issues
(its Gateway API support must be on: ``config.enableGatewayAPI: true`` in its Helm values),
and an HTTPRoute: ``/`` to the web UI and API, ``/mcp`` to the agent MCP, MCP streams never
timed out by the route. The Station's NetworkPolicy admits the Gateway's proxy pods:

* Envoy Gateway (``eg``): from ``envoy-gateway-system``;
* Istio (``istio``): from the Gateway's namespace, where Istio runs its proxy;
* Traefik (``traefik``): from the namespace Traefik is installed in (``traefik`` here;
  ``kube-system`` on k3s is the default with ``ClusterProfile.K3S``);
* Cilium (``cilium``): the per-node Envoy carries Cilium's ``ingress`` identity, which a
  Kubernetes NetworkPolicy cannot select; apply the CiliumNetworkPolicy printed below.

Who authenticates (a standard HTTPRoute has no authentication filter; see "Who can call
what" and "Authentication at the edge" in docs/reaching-station.md):

* Envoy Gateway: a ``SecurityPolicy`` named ``station-sso`` in ``station`` that you apply,
  with ``targetRefs`` naming the HTTPRoute ``station`` and ``extAuth`` to oauth2-proxy (or
  ``oidc``); Station stays in local mode behind it;
* Istio: an ``AuthorizationPolicy`` ``station-sso`` (``action: CUSTOM`` with an ext_authz
  provider such as oauth2-proxy) on the Gateway's proxy; Station in local mode;
* Traefik: the ``Middleware`` ``station-forward-auth`` in ``station`` (ForwardAuth), which
  every rule references with an ``ExtensionRef`` filter; Station in local mode;
* Cilium: no route-level authentication is known to the library, so Station authenticates
  itself: local mode off with CloudShip OAuth, which any CloudShip account's token passes
  (accepted explicitly with ``accept_any_cloudship_account=True``), and no API (its OAuth
  callers would be admins): the web UI is reached with ``kubectl port-forward``.
"""

import os
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cdk8s import App, Chart  # noqa: E402

from station_constructs import (  # noqa: E402
    AIProvider,
    ApiListener,
    EnvoySecurityPolicy,
    GatewayImplementation,
    IngressTls,
    IstioAuthorizationPolicy,
    ResourceProfile,
    StationAuth,
    StationDeployment,
    StationGateway,
    StationGatewayRoute,
    StationPort,
    StationStorage,
    TraefikMiddleware,
)
from station_constructs.guide import next_steps  # noqa: E402

implementation = GatewayImplementation(os.environ.get("STATION_GATEWAY", "eg"))
app = App(outdir=os.environ.get("CDK8S_OUTDIR", "build/examples/gateway-api"))
chart = Chart(app, "station")
edge_auth = {
    # These policies attach from outside and fail open: apply them before the route.
    GatewayImplementation.ENVOY_GATEWAY: EnvoySecurityPolicy(
        "station-sso", policy_applied_first=True
    ),
    GatewayImplementation.ISTIO: IstioAuthorizationPolicy("station-sso", policy_applied_first=True),
    GatewayImplementation.TRAEFIK: TraefikMiddleware("station-forward-auth"),
}.get(implementation)
station = StationDeployment(
    chart,
    "station",
    # Behind edge authentication Station stays in local mode; without it (Cilium) it must
    # authenticate itself: a route to a path it serves to anyone is refused. CloudShip OAuth
    # lets any CloudShip account's token in (accepted here explicitly) and makes its callers
    # admins on the API, so without edge authentication the API is not served at all.
    auth=StationAuth.local()
    if edge_auth
    else StationAuth.cloudship_oauth(
        client_id="station-example", accept_any_cloudship_account=True
    ),
    api=ApiListener.on() if edge_auth else ApiListener.off(),
    provider=AIProvider.ANTHROPIC,
    resources=ResourceProfile.PRODUCTION,
    storage=StationStorage(size="20Gi"),
)
gateway = StationGateway(
    chart,
    "gateway",
    station=station,
    implementation=implementation,
    hostname="station.example.com",
    tls=IngressTls.cert_manager("letsencrypt-prod"),  # renders secret station-tls
    redirect_http=True,  # port 80 answers with a redirect to HTTPS
)
route = StationGatewayRoute(
    chart,
    "route",
    station=station,
    gateway=gateway,
    host="station.example.com",
    data_plane_namespace="traefik" if implementation is GatewayImplementation.TRAEFIK else None,
    admit_data_plane=implementation is not GatewayImplementation.CILIUM,
    edge_auth=edge_auth,
)
app.synth()

print(next_steps(station, outdir=app.outdir), file=sys.stderr)
print(
    f"4. Point DNS for {gateway.hostname} at the Gateway's address\n"
    f"   (kubectl -n {gateway.namespace} get gateway {gateway.name}), then wait for the\n"
    f"   certificate: kubectl -n {gateway.namespace} get certificate {gateway.tls_secret_name}\n"
    + (f"   API: {route.url(StationPort.API)}   " if station.api.enabled else "   ")
    + f"MCP clients: {route.url()}\n"
    "   Web UI: the port-forward above (Station's UI calls http://localhost:8585 itself)",
    file=sys.stderr,
)
if implementation is GatewayImplementation.CILIUM:
    print(
        "5. Admit Cilium's Gateway proxy (kubectl apply -f -):\n"
        "   apiVersion: cilium.io/v2\n"
        "   kind: CiliumNetworkPolicy\n"
        f"   metadata: {{name: {station.name}-gateway, namespace: {station.namespace}}}\n"
        "   spec:\n"
        f"     endpointSelector: {{matchLabels: {{app: {station.name}}}}}\n"
        "     ingress:\n"
        "     - fromEntities: [ingress]\n"
        f"       toPorts: [{{ports: [{{port: '{station.port(StationPort.API)}'}}, "
        f"{{port: '{station.port(StationPort.AGENT_MCP)}'}}]}}]",
        file=sys.stderr,
    )
