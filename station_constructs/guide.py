"""What to do after ``cdk8s synth``: the commands that take the manifests to a healthy pod.

:func:`next_steps` is public (``from station_constructs import next_steps``): call it in
your own app after ``app.synth()`` and print the result.
"""

from __future__ import annotations

from typing import Any

from ._apply_order import apply_steps
from ._errors import StationConfigError
from ._k8s import Construct, cdk8s
from .access import describe, markdown_reach, reach
from .station import StationDeployment, StationPort

NATS_PORT = 4222

__all__ = ["next_steps", "who_can_call_what"]


def next_steps(scope: Construct, *, outdir: str | None = None) -> str:
    """The shell commands that take the synthesized manifests of Stations to a healthy pod.

    ``scope`` is a :class:`StationDeployment`, or any construct above Stations (usually the
    App): the steps of every Station in it are returned, in construction order. For each:
    ``kubectl apply``, the ``kubectl create secret`` command for the keys it reads (values
    come from your shell, never from the library), LitestreamBackup's credentials command
    when a backup is attached, and the rollout and health checks.

    ``outdir`` is the directory the manifests were written to; default: the App's
    ``outdir`` (``dist``, or ``CDK8S_OUTDIR`` when set). Raises :class:`StationConfigError`
    when ``scope`` holds no Station.

    Example::

        app = App()
        StationDeployment(Chart(app, "station"), "station")
        app.synth()
        print(next_steps(app), file=sys.stderr)
    """
    stations = _stations_in(scope)
    if not stations:
        raise StationConfigError(
            "scope",
            scope.node.path or "<app>",
            "no StationDeployment in it",
            "pass the App (or the Chart) the Stations were created in, after creating them",
            where="next_steps",
        )
    directory = outdir if outdir is not None else _outdir_of(scope)
    return "\n".join(_station_steps(station, outdir=directory) for station in stations)


def who_can_call_what(scope: Construct) -> str:
    """A markdown who-can-call-what table per Station in ``scope``.

    Each endpoint, what Station checks under the rendered settings, and who reaches it
    (NetworkPolicy peers, external Service ports, Ingress routes and their edge
    authentication): the same facts as the last section of :func:`next_steps`.
    ``scripts/access_tables.py`` prints it for every example.
    """
    stations = _stations_in(scope)
    return "\n".join(
        f"Station {s.namespace}/{s.name}:\n\n"
        + markdown_reach(
            reach(
                s.auth_settings,
                tuple(p.value for p in s.served_ports),
                tuple(s.exposures),
                _in_cluster(s),
            )
        )
        for s in stations
    )


def _stations_in(scope: Construct) -> list[StationDeployment]:
    """``scope`` itself if it is a Station, else every Station below it (pre-order)."""
    if isinstance(scope, StationDeployment):
        return [scope]
    return [c for c in scope.node.find_all() if isinstance(c, StationDeployment)]


def _outdir_of(scope: Construct) -> str:
    """The output directory of the App that ``scope`` belongs to (``dist`` if unknown)."""
    root = scope.node.root
    outdir = getattr(root, "outdir", None) if isinstance(root, cdk8s.App) else None
    return str(outdir) if outdir else "dist"


def _station_steps(station: StationDeployment, *, outdir: str) -> str:
    """The steps for one Station (see :func:`next_steps`)."""
    ns = station.namespace
    agent = station.port(StationPort.AGENT_MCP)
    secret_cmd = station.secret_source.setup_command(
        namespace=ns, name=station.secret_name, variables=list(station.secret_variables)
    )
    steps = [
        f"Station {station.namespace}/{station.name}: manifests written to {outdir}/. Next steps:",
        "",
        *apply_steps(station, outdir),
    ]
    if secret_cmd:
        steps += [
            "",
            "2. Create the Secret (values come from your shell; the pod waits in",
            "   CreateContainerConfigError until it exists, then starts by itself):",
            *("   " + line for line in secret_cmd.splitlines()),
        ]
    else:
        steps += ["", "2. The Secret is created by its operator from the object in the manifests."]
    steps += _backup_steps(station)
    steps += _key_notes(station, bool(secret_cmd))
    steps += [
        "",
        "3. Wait for the rollout and check health:",
        f"   kubectl -n {ns} rollout status deployment/{station.name} --timeout=10m",
        f"   kubectl -n {ns} port-forward svc/{station.service_name} {agent}:{agent} &",
        f"   sleep 2; curl -fsS --retry 5 --retry-connrefused http://localhost:{agent}/health",
    ]
    steps += _ui_lines(station)
    env = station.serve_environment
    if env not in (None, "default"):
        steps += [
            "",
            f"   serve_environment={env!r}: Station creates only the environment 'default'.",
            f"   On a new volume, deploy once without serve_environment, create {env!r}",
            '   (web UI > Environments, or POST /api/v1/environments {"name": ...}), then',
            "   deploy with it again. Without it the agent MCP never listens (the startup",
            "   probe restarts the pod); from then on seed-home stops the pod, saying why.",
        ]
    release = station.release
    rules = (
        f"Station {release.tag}'s rules"
        if release.known
        else "the conservative model: the image's release is unknown, pass station_release="
    )
    steps += [
        "",
        f"Who can call what ({rules}, this configuration; kubectl port-forward",
        "reaches every port regardless, for whoever RBAC allows pods/portforward):",
    ]
    steps += [
        "   " + line
        for line in describe(
            station.auth_settings,
            tuple(p.value for p in station.served_ports),
            tuple(station.exposures),
            _in_cluster(station),
        )
    ]
    return "\n".join(steps) + "\n"


def _key_notes(station: StationDeployment, printed_command: bool) -> list[str]:
    """What the keys in the Secret do, and how to read back a generated webhook key."""
    lines = [
        "",
        "   STATION_ENCRYPTION_KEY must be set for Station to start, but Station",
        "   encrypts nothing with it: a database (and every backup of it) is readable",
        "   without it, so protect backups like the database. When restoring, reuse the",
        *(
            [
                "   old key anyway: step 2's Secret must hold it (for step 2's kubectl command,",
                "   export STATION_ENCRYPTION_KEY=<the old key> first).",
            ]
            if printed_command
            else [
                "   old key anyway: put it in the store (or the sealed value) step 2's Secret",
                "   is made from.",
            ]
        ),
    ]
    if "STN_WEBHOOK_API_KEY" in station.secret_variables and printed_command:
        key = station.secret_source.key_for("STN_WEBHOOK_API_KEY")
        lines += [
            "   STN_WEBHOOK_API_KEY is generated when unset in your shell; callers send it",
            "   as 'Authorization: Bearer <key>'. Read it back with:",
            f"   kubectl -n {station.namespace} get secret {station.secret_name} "
            f"-o jsonpath='{{.data.{key}}}' | base64 -d",
        ]
    return lines


def _ui_lines(station: StationDeployment) -> list[str]:
    """How to reach the web UI, and the browser risk while the port-forward runs."""
    if not station.api.enabled:
        return []
    api = station.port(StationPort.API)
    return [
        f"   (web UI: kubectl -n {station.namespace} port-forward svc/{station.service_name} "
        f"{api}:{api},",
        f"   then http://localhost:{api}/ - the UI calls http://localhost:{api}",
        "   itself and sends no credentials, so it works only this way, in local mode.",
        "   While that port-forward runs, any web page open in your browser can call the",
        "   API too (Station answers CORS '*'): in local mode it is an admin. Stop the",
        "   port-forward when done, and browse nothing else meanwhile.)",
    ]


def _backup_steps(station: StationDeployment) -> list[str]:
    """LitestreamBackup's credentials Secret, or its role's policies (workload identity)."""
    steps: list[str] = []
    backup = station.extensions.get("litestream")
    backup_cmd = getattr(backup, "secret_setup_command", lambda: None)()
    if backup_cmd:
        steps += [
            "",
            "   LitestreamBackup's S3 credentials (the restore init container waits for them):",
            *("   " + line for line in backup_cmd.splitlines()),
        ]
    credentials = getattr(backup, "credentials", None)
    if getattr(credentials, "identity", None) is not None:
        steps += [
            "",
            "   LitestreamBackup's role must exist before the pod starts: its policies are",
            "   backup_s3_policy(backup) and backup_trust_policy(backup, ...) (JSON; see",
            "   docs/backup-and-restore.md#credentials-without-static-keys).",
        ]
    return steps


def _in_cluster(station: StationDeployment) -> dict[str, list[str]]:
    """Who inside the cluster reaches each port: read from the rendered NetworkPolicy."""
    keys = {station.port(p): p.value for p in StationPort}
    keys[NATS_PORT] = "nats"
    policy = station.network_policy
    if policy is None:
        return {key: ["every pod in the cluster (no NetworkPolicy)"] for key in keys.values()}
    reach: dict[str, list[str]] = {}
    for rule in policy.ingress_rules:
        for port_entry in rule["ports"]:
            key = keys.get(port_entry["port"])
            if key is None:
                continue
            for peer in rule["from"]:
                text = _peer(peer, station.namespace)
                if text is not None and text not in reach.setdefault(key, []):
                    reach[key].append(text)
    return reach


def _peer(peer: dict[str, Any], namespace: str) -> str | None:
    if "ipBlock" in peer:
        # The external Service's rule: its own exposure line says which Service.
        return None
    labels = peer.get("podSelector", {}).get("matchLabels")
    pods = "pods labelled " + ",".join(f"{k}={v}" for k, v in labels.items()) if labels else "pods"
    if "namespaceSelector" in peer:
        other = peer["namespaceSelector"]["matchLabels"].get("kubernetes.io/metadata.name", "?")
        return f"{pods} in namespace {other}"
    return f"{pods} in namespace {namespace}"
