"""The default Station app: `cdk8s synth` (or `python main.py`) writes it to dist/.

Honours CDK8S_OUTDIR like every cdk8s app. After synthesizing it prints the next steps
(to stderr, so stdout stays clean for tools that parse it).
"""

import os
import sys

# jsii prints an end-of-life banner on Node 20 (stderr only); keep CI logs readable.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cdk8s import App, Chart  # noqa: E402

from station_constructs import StationDeployment, next_steps  # noqa: E402

app = App()
chart = Chart(app, "station")
StationDeployment(chart, "station")
app.synth()

print(next_steps(app), file=sys.stderr)
