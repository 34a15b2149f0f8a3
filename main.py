"""The default Station app: `cdk8s synth` (or `python main.py`) writes it to dist/.

Honours CDK8S_OUTDIR like every cdk8s app. After synthesizing it prints the next steps
(to stderr, so stdout stays clean for tools that parse it). ``./dev.sh synth`` runs it on
Node 24 from node_modules/ (``JSII_NODE``).
"""

import sys

from cdk8s import App, Chart

from station_constructs import StationDeployment, next_steps

app = App()
chart = Chart(app, "station")
StationDeployment(chart, "station")
app.synth()

print(next_steps(app), file=sys.stderr)
