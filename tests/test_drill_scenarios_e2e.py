"""Issue 22's drill scenarios: backups that restore but are stale or inconsistent.

The rendered drill's containers run with the real litestream, sqlite3 and rclone against
SeaweedFS (as in tests/test_backup_e2e.py); each case damages a good backup one way and
expects ``restore-drill: ERROR`` naming it. ``pytest -s`` prints the seconds to failure.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any

import cdk8s
import pytest
from cdk8s import Chart

from station_constructs import (
    ConfigDirBackup,
    LitestreamBackup,
    RestoreDrill,
    S3Credentials,
    S3Replica,
    StationDeployment,
)
from tests.conftest import E2E_BUCKET
from tests.support.litestream_pod import LocalPod
from tests.support.litestream_proc import ReplicateProcess
from tests.support.s3proxy import OutageProxy
from tests.support.s3server import SeaweedS3
from tests.test_backup_e2e import (
    CREDENTIALS,
    run_drill,
    secrets_for,
    start_station_pod,
    write_station_state,
)


def report(message: str) -> None:
    print(f"\n[drill scenario] {message}", flush=True)


def synth(endpoint: str, namespace: str, **drill: Any) -> tuple[list[Any], ConfigDirBackup]:
    chart = Chart(cdk8s.Testing.app(), "e2e")
    station = StationDeployment(chart, "station", namespace=namespace)
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.compatible(endpoint, E2E_BUCKET),
        credentials=S3Credentials.from_secret(CREDENTIALS),
    )
    config = ConfigDirBackup(chart, "config", backup=backup, interval="5s")
    RestoreDrill(chart, "drill", backup=backup, config_backup=config, **drill)
    return list(cdk8s.Testing.synth(chart)), config


def drill(objects: list[Any], make_pod: Callable[..., LocalPod], name: str, secrets: Any) -> str:
    """Run the drill; it must fail. Its output."""
    pod = make_pod(objects, name, secrets, deployment="station-restore-drill", kind="CronJob")
    code, output = run_drill(pod)
    assert code == 1, output
    return output


def backed_up(server: SeaweedS3, objects: list[Any], make_pod: Callable[..., LocalPod]) -> None:
    """A Station's database and config directory in the bucket, the pod stopped."""
    pod = make_pod(objects, "pod", secrets_for(server))
    litestream, config_sidecar = start_station_pod(pod)
    data = pod.volume("data")
    write_station_state(data / "station.db", data / "config", runs=50)
    litestream.wait_for_log("snapshot complete", timeout=20)
    assert config_sidecar.stop(timeout=60) == 0
    assert litestream.stop(timeout=60) == 0


def put(server: SeaweedS3, key: str, body: bytes | None) -> None:
    method = "DELETE" if body is None else "PUT"
    assert server.request(method, f"/{E2E_BUCKET}/{key}", body=body or b"").status in (200, 204)


def test_a_drill_fails_on_an_inconsistent_config_directory(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, config = synth(s3_server.endpoint, "e2e-drill-config")
    backed_up(s3_server, objects, make_pod)
    secrets = secrets_for(s3_server)
    code, output = run_drill(
        make_pod(objects, "ok", secrets, deployment="station-restore-drill", kind="CronJob")
    )
    assert code == 0, output
    prefix = config.path
    # An MCP config file that is not JSON
    put(s3_server, f"{prefix}/environments/default/github.json", b"{not json")
    assert "environments/default/github.json is not valid JSON" in drill(
        objects, make_pod, "bad-json", secrets
    )
    put(s3_server, f"{prefix}/environments/default/github.json", b'{"mcpServers": {}}\n')
    # A file without its row: Station would load it as a new MCP config
    put(s3_server, f"{prefix}/environments/default/stray.json", b"{}\n")
    assert "environments/default/stray.json has no file_mcp_configs row" in drill(
        objects, make_pod, "stray", secrets
    )
    put(s3_server, f"{prefix}/environments/default/stray.json", None)
    # No config.yaml
    put(s3_server, f"{prefix}/config.yaml", None)
    assert "has no config.yaml" in drill(objects, make_pod, "no-config-yaml", secrets)


def test_a_drill_fails_on_a_stale_backup(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, _ = synth(s3_server.endpoint, "e2e-drill-stale", max_backup_age="5s")
    backed_up(s3_server, objects, make_pod)
    time.sleep(7)  # nothing uploaded since: older than max_backup_age
    output = drill(objects, make_pod, "stale", secrets_for(s3_server))
    assert "Litestream has not uploaded since" in output


@pytest.mark.parametrize("outage", ["refuse", "hang"])
def test_a_drill_fails_fast_when_s3_is_unreachable(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod], outage: str
) -> None:
    with OutageProxy(s3_server.s3_port) as proxy:
        objects, _ = synth(proxy.endpoint, f"e2e-drill-{outage}")
        getattr(proxy, outage)()
        began = time.monotonic()
        output = drill(objects, make_pod, "down", secrets_for(s3_server))
        seconds = time.monotonic() - began
    assert "restore-drill: ERROR cannot copy" in output
    report(f"S3 {outage}: the drill failed after {seconds:.1f}s")


def test_a_drill_fails_when_the_backup_went_backwards(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, _ = synth(s3_server.endpoint, "e2e-drill-hwm")
    secrets = secrets_for(s3_server)
    backed_up(s3_server, objects, make_pod)

    def ok(name: str) -> str:
        pod = make_pod(objects, name, secrets, deployment="station-restore-drill", kind="CronJob")
        code, output = run_drill(pod)
        assert code == 0, output
        return output

    assert "high-water mark txid=" in ok("first")
    # Station runs again and writes: later transactions, a higher mark
    pod = make_pod(objects, "again", secrets)
    litestream, config_sidecar = start_station_pod(pod)
    con = sqlite3.connect(pod.volume("data") / "station.db", isolation_level=None)
    for _ in range(3):
        con.execute("INSERT INTO runs (payload) VALUES (x'00')")
        time.sleep(1.5)
    con.close()
    time.sleep(2)
    assert config_sidecar.stop(timeout=60) == 0 and litestream.stop(timeout=60) == 0
    assert "high-water mark txid=" in ok("second")
    path = "e2e-drill-hwm/station/station.db"
    mark = s3_server.list_keys(E2E_BUCKET, f"{path}.drill-hwm")
    assert mark == [f"{path}.drill-hwm"]
    # The newest level-0 file disappears (a rolled-back or partly deleted backup)
    ltx = [k for k in s3_server.list_keys(E2E_BUCKET, f"{path}/") if k.endswith(".ltx")]
    newest = max(k.rsplit("-", 1)[1] for k in ltx)
    for key in ltx:
        if key.endswith("-" + newest) and "/9/" not in key:
            put(s3_server, key, None)
    output = drill(objects, make_pod, "rolled-back", secrets)
    assert "the backup went backwards: newest TXID" in output
    report("newest LTX file deleted after a good drill: the next drill failed (TXID backwards)")


def test_a_drill_fails_when_the_rows_dropped(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, _ = synth(s3_server.endpoint, "e2e-drill-rows")
    secrets = secrets_for(s3_server)
    backed_up(s3_server, objects, make_pod)
    pod = make_pod(objects, "ok", secrets, deployment="station-restore-drill", kind="CronJob")
    code, output = run_drill(pod)
    assert code == 0, output
    # Another database replaces the backup (no guard: litestream continues the TXIDs)
    station = make_pod(objects, "other", secrets)
    db = station.volume("data") / "station.db"
    write_station_state(db, station.volume("data") / "config", runs=0)
    config = station.volume("litestream-config") / "litestream.yml"
    replicate = ReplicateProcess(config=config, log_path=station.root / "unguarded.log")
    replicate.env = station.process_env("litestream")
    station.processes.append(replicate.start())
    replicate.wait_for_log("detected database behind replica", timeout=30)
    time.sleep(3)
    time.sleep(2)
    assert replicate.stop(timeout=60) == 0
    output = drill(objects, make_pod, "replaced", secrets)
    assert "the backup went backwards" in output, output
    report(f"backup replaced by another database: the drill failed: {output.strip()[-160:]!r}")
