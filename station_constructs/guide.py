"""What to do after ``cdk8s synth``: the commands printed by ``main.py`` and the examples."""

from __future__ import annotations

from .station import StationDeployment, StationPort

__all__ = ["next_steps"]


def next_steps(station: StationDeployment, *, outdir: str = "dist") -> str:
    """The shell commands that take ``station``'s synthesized manifests to a healthy pod."""
    ns = station.namespace
    agent = station.port(StationPort.AGENT_MCP)
    secret_cmd = station.secret_source.setup_command(
        namespace=ns, name=station.secret_name, variables=list(station.secret_variables)
    )
    steps = [f"Station manifests written to {outdir}/. Next steps:", "", "1. Apply them:"]
    steps.append(f"   kubectl apply -f {outdir}/")
    if secret_cmd:
        steps += [
            "",
            "2. Create the Secret (values come from your shell; the pod waits in",
            "   CreateContainerConfigError until it exists, then starts by itself):",
            *("   " + line for line in secret_cmd.splitlines()),
        ]
    else:
        steps += ["", "2. The Secret is created by its operator from the object in the manifests."]
    backup = station.extensions.get("litestream")
    backup_cmd = getattr(backup, "secret_setup_command", lambda: None)()
    if backup_cmd:
        steps += [
            "",
            "   LitestreamBackup's S3 credentials (the restore init container waits for them):",
            *("   " + line for line in backup_cmd.splitlines()),
        ]
    steps += [
        "",
        "   Keep the encryption key with your backups: a restored database (Litestream,",
        "   VolumeSnapshot) is unreadable without the same STATION_ENCRYPTION_KEY; to",
        "   restore, reuse the old key (export it before running the command above).",
        "",
        "3. Wait for the rollout and check health:",
        f"   kubectl -n {ns} rollout status deployment/{station.name} --timeout=10m",
        f"   kubectl -n {ns} port-forward svc/{station.service_name} {agent}:{agent} &",
        f"   curl -fsS http://localhost:{agent}/health",
    ]
    if station.api_enabled:
        api = station.port(StationPort.API)
        steps.append(
            f"   (web UI: kubectl -n {ns} port-forward svc/{station.service_name} {api}:{api})"
        )
    return "\n".join(steps) + "\n"
