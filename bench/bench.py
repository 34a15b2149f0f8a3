"""Benchmark: wall time, CPU time and peak memory of synthesizing Station apps, x a floor.

Each scenario runs in a fresh process (the jsii Node runtime is part of the cost users pay),
`--runs` times; the median wall time, the median CPU time (user + system, the Python process
and its Node child: it moves less than wall time when other work shares the machine) and the
median peak resident memory (the Python process plus its Node child, read from /proc just
before exit) are printed, each with its ratio to the floor: the smallest possible
cdk8s-plus-27 app, one Deployment. With ``--before``, the two checkouts take turns run by run.

The processes run as an installed package runs: with its bytecode cached (pip compiles it at
install). A machine that sets PYTHONDONTWRITEBYTECODE would otherwise recompile this
package and the imported CRD bindings in every run, which the floor, whose packages were
compiled at install, never pays; so the variable is unset for the benchmark's processes and
each scenario runs once, unmeasured, before the measured runs.

    ./dev.sh bench            # or: python bench/bench.py --runs 5
    python bench/bench.py --before ../old-checkout   # before and after, in one run
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]

# Each scenario is a small program; {build} is where it differs.
PROGRAM = """
import os, sys, json, tempfile
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
sys.path.insert(0, {repo!r})
# Count the round trips to jsii's Node process: every request the kernel sends (object
# creations, property gets and sets, method calls, callback completions) is one message.
from jsii._kernel.providers import process as _jsii_process
_send = _jsii_process._NodeProcess.send
trips = [0]
def _counted(self, *args, **kwargs):
    trips[0] += 1
    return _send(self, *args, **kwargs)
_jsii_process._NodeProcess.send = _counted
import cdk8s
app = cdk8s.App(outdir=tempfile.mkdtemp())
AFTER_SYNTH = []
{build}
app.synth()
for step in AFTER_SYNTH:
    step()

def hwm_kib(pid):
    for line in open(f"/proc/{{pid}}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0

children = []
for task in os.listdir("/proc/self/task"):
    with open(f"/proc/self/task/{{task}}/children") as fh:
        children += [int(p) for p in fh.read().split()]
print(json.dumps({{
    "peak_kib": hwm_kib("self") + sum(hwm_kib(p) for p in children), "trips": trips[0]
}}))
"""

FLOOR = """
import cdk8s_plus_27 as kplus
chart = cdk8s.Chart(app, "floor")
kplus.Deployment(chart, "d", containers=[kplus.ContainerProps(image="nginx:1.27")])
"""

# As main.py: the default Station and, after synthesis, its next steps (AFTER_SYNTH).
DEFAULT = """
from station_constructs import StationDeployment, next_steps
StationDeployment(cdk8s.Chart(app, "station"), "station")
AFTER_SYNTH.append(lambda: next_steps(app))
"""

PRODUCTION = """
from tests.support.apps import full_production_app
chart = cdk8s.Chart(app, "production")
for i in range({count}):
    full_production_app(chart, suffix="" if {count} == 1 else f"-{{i}}")
"""

TENANTS = """
from tests.support.apps import gateway_tenants_app
gateway_tenants_app(cdk8s.Chart(app, "tenants"), {count})
"""


class Measured(NamedTuple):
    """Medians of one scenario on one checkout."""

    wall: float  # seconds
    cpu: float  # seconds of CPU, the process and its Node child (user + system)
    peak: float  # MiB
    trips: int


def _once(command: list[str], repo: Path, env: dict[str, str]) -> Measured:
    """One fresh process: wall time, CPU time, peak memory, jsii round trips."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=repo, env=env)
    wall = time.perf_counter() - start
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (now.ru_utime - used.ru_utime) + (now.ru_stime - used.ru_stime)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return Measured(wall, cpu, result["peak_kib"] / 1024, result["trips"])


def run(build: str, runs: int, repos: list[Path]) -> list[Measured]:
    """Medians of ``runs`` fresh processes for each checkout, the checkouts taking turns.

    Taking turns run by run, a machine busy for a while slows every checkout alike. CPU time
    moves less than wall time when other work shares the machine.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = [[sys.executable, "-c", PROGRAM.format(repo=str(r), build=build)] for r in repos]
    for command, repo in zip(commands, repos, strict=True):
        # Unmeasured: writes the bytecode caches, as installing the package would have.
        subprocess.run(command, capture_output=True, text=True, check=True, cwd=repo, env=env)
    samples: list[list[Measured]] = [[] for _ in repos]
    for _ in range(runs):
        for taken, command, repo in zip(samples, commands, repos, strict=True):
            taken.append(_once(command, repo, env))
    return [
        Measured(
            statistics.median(m.wall for m in taken),
            statistics.median(m.cpu for m in taken),
            statistics.median(m.peak for m in taken),
            taken[-1].trips,
        )
        for taken in samples
    ]


def scenarios(max_stations: int) -> list[tuple[str, str]]:
    """(label, program) of every scenario, the floor first."""
    found = [
        ("floor: one cdk8s-plus-27 Deployment", FLOOR),
        ("default app (main.py)", DEFAULT),
    ]
    for count in (1, 10, 100):
        if count <= max_stations:
            label = "full production app" if count == 1 else f"{count} full production Stations"
            found.append((label, PRODUCTION.format(count=count)))
    if max_stations >= 100:
        found.append(("100 tenants behind one Gateway", TENANTS.format(count=100)))
    return found


def main() -> None:
    """Run every scenario and print one table (with ``--before``, both checkouts side by side)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-stations", type=int, default=100)
    parser.add_argument(
        "--repo", type=Path, default=REPO, help="checkout to measure (e.g. an older commit's)"
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="another checkout (e.g. a worktree of an older commit) measured in the same run, "
        "taking turns with this one run by run, against the same floor",
    )
    args = parser.parse_args()
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    floor: Measured | None = None
    trips: dict[str, int] = {}
    before_columns = (
        f" {'before s':>8} {'x floor':>8} {'cpu s':>6} {'x floor':>8} {'trips':>7}"
        if args.before
        else ""
    )
    print(
        f"{'scenario':42} {'wall s':>8} {'x floor':>8} {'cpu s':>6} {'x floor':>8}"
        f" {'peak MiB':>9} {'x floor':>8} {'jsii trips':>10}{before_columns}"
    )
    for label, build in scenarios(args.max_stations):
        repos = [args.repo] if args.before is None or floor is None else [args.before, args.repo]
        *earlier, now = run(build, args.runs, repos)
        floor = floor or now
        trips[label] = now.trips
        before = "".join(
            f" {b.wall:8.3f} {b.wall / floor.wall:8.2f} {b.cpu:6.2f} {b.cpu / floor.cpu:8.2f}"
            f" {b.trips:7d}"
            for b in earlier
        )
        print(
            f"{label:42} {now.wall:8.3f} {now.wall / floor.wall:8.2f} {now.cpu:6.2f}"
            f" {now.cpu / floor.cpu:8.2f} {now.peak:9.1f} {now.peak / floor.peak:8.2f}"
            f" {now.trips:10d}{before}"
        )
    print(f"runs per scenario: {args.runs} (medians)")
    one, many = trips.get("full production app"), trips.get("100 full production Stations")
    if one is not None and many is not None:
        print(f"jsii round trips per extra full production Station: {(many - one) / 99:.1f}")


if __name__ == "__main__":
    main()
