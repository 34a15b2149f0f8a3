"""Issue 22's database scenarios, end to end with the real litestream against SeaweedFS.

Each test plays one scenario an operator met with the rendered containers (replaced
database, rolled-back volume, two writers, another spelling of the endpoint, an S3 outage)
and checks what the backup still holds afterwards. ``pytest -s`` prints the numbers that
docs/backup-and-restore.md's scenario table quotes (rows lost, seconds to detection).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest

from tests.support.litestream_pod import LocalPod
from tests.support.litestream_proc import ReplicateProcess
from tests.support.s3proxy import OutageProxy
from tests.support.s3server import SeaweedS3
from tests.test_backup_e2e import count, restored_rows, secrets_for, seed_backup, synth


def report(message: str) -> None:
    print(f"\n[scenario] {message}", flush=True)


def other_database(path: Path, rows: int) -> None:
    """A different Station database (its own rows), written next to the real one."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, note TEXT)")
    con.executemany("INSERT INTO runs (note) VALUES (?)", [("other",)] * rows)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


class Writer:
    """Station's writes: one row per ``period`` seconds in WAL mode, counted when committed."""

    def __init__(self, db: Path, period: float = 0.05) -> None:
        self.db, self.period, self.committed = db, period, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        con = sqlite3.connect(self.db, isolation_level=None, timeout=10)
        con.execute("PRAGMA journal_mode=WAL")
        while not self._stop.is_set():
            con.execute("INSERT INTO runs (note) VALUES ('live')")
            self.committed += 1
            time.sleep(self.period)
        con.close()

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(timeout=10)
        return self.committed


def exit_within(process: ReplicateProcess, timeout: float) -> tuple[int, float]:
    """Wait for the sidecar to exit on its own: (exit code, seconds)."""
    began = time.monotonic()
    code = process.wait(timeout=timeout)
    return code, time.monotonic() - began


def test_a_replaced_database_on_a_volume_with_a_marker_is_refused(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, backup, _ = synth(s3_server, "e2e-replaced")
    pod = make_pod(objects, "pod", secrets_for(s3_server))
    seed_backup(pod, rows=300)
    data = pod.volume("data")
    assert (data / ".station-db-restored").exists() and (data / ".station.db-litestream").is_dir()
    # The operator copies another database into place (a new file), marker and state stay
    other_database(data / "other.db", rows=40)
    os.replace(data / "other.db", data / "station.db")
    sidecar = pod.start("litestream", log_name="replaced.log")
    code, seconds = exit_within(sidecar, 60)
    assert code == 1, sidecar.log_text()
    assert "is not the database restored or created here" in sidecar.log_text()
    assert restored_rows(pod, backup) == 300
    report(f"replaced database over a marker: refused in {seconds:.1f}s, 0 of 300 rows lost")


def test_a_database_replaced_under_the_running_sidecar_stops_it(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, backup, _ = synth(s3_server, "e2e-replaced-live")
    pod = make_pod(objects, "pod", secrets_for(s3_server))
    seed_backup(pod, rows=90)
    data = pod.volume("data")
    sidecar = pod.start("litestream", log_name="live.log")
    with Writer(data / "station.db") as writer:
        time.sleep(4)
    good = 90 + writer.committed
    time.sleep(3)  # every good row shipped
    other_database(data / "other.db", rows=40)
    began = time.monotonic()
    os.replace(data / "other.db", data / "station.db")
    code = sidecar.wait(timeout=30)
    seconds = time.monotonic() - began
    assert code == 1
    assert "was replaced under the sidecar" in sidecar.log_text()
    rows = restored_rows(pod, backup)
    report(
        f"database replaced under the running sidecar: stopped in {seconds:.1f}s; the latest "
        f"restore holds {rows} rows ({good} good rows written)"
    )
    assert rows == good


def test_another_spelling_of_the_endpoint_is_the_same_replica(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, backup, _ = synth(s3_server, "e2e-spelling")
    pod = make_pod(objects, "volume", secrets_for(s3_server))
    seed_backup(pod, rows=30)
    assert "127.0.0.1" in backup.replica_url
    # The same bucket and path, the endpoint written as localhost
    endpoint = s3_server.endpoint.replace("127.0.0.1", "localhost")
    objects2, backup2, _ = synth_with_endpoint(s3_server, "e2e-spelling", endpoint)
    assert backup2.replica_url != backup.replica_url
    same_volume = make_pod(objects2, "volume", secrets_for(s3_server))
    sidecar = same_volume.start("litestream", log_name="respelled.log")
    sidecar.wait_for_log("replicating to", timeout=30)
    time.sleep(3)
    assert sidecar.poll() is None, sidecar.log_text()
    assert sidecar.stop(timeout=60) == 0, sidecar.log_text()
    assert restored_rows(same_volume, backup2) == 30


def synth_with_endpoint(server: SeaweedS3, namespace: str, endpoint: str) -> Any:
    """``synth`` with another endpoint URL for the same server."""

    class Respelled:
        def __getattr__(self, name: str) -> Any:
            return endpoint if name == "endpoint" else getattr(server, name)

    return synth(cast(SeaweedS3, Respelled()), namespace)


def test_a_rolled_back_volume_is_refused(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, backup, _ = synth(s3_server, "e2e-rollback")
    pod = make_pod(objects, "pod", secrets_for(s3_server))
    seed_backup(pod, rows=60)
    data = pod.volume("data")
    snapshot = pod.root / "snapshot"
    shutil.copytree(data, snapshot)  # a VolumeSnapshot of the stopped pod
    sidecar = pod.start("litestream", log_name="after-snapshot.log")
    with Writer(data / "station.db") as writer:
        time.sleep(3)
    time.sleep(2)
    assert sidecar.stop(timeout=60) == 0
    newer = 60 + writer.committed
    # The volume comes back from the snapshot: the same file (inode) with the old content
    with (data / "station.db").open("r+b") as db:
        db.truncate(0)
        db.write((snapshot / "station.db").read_bytes())
    for name in ("station.db-wal", "station.db-shm"):
        (data / name).unlink(missing_ok=True)
    shutil.rmtree(data / ".station.db-litestream")
    shutil.copytree(snapshot / ".station.db-litestream", data / ".station.db-litestream")
    assert count(data / "station.db", "runs") == 60
    rolled = pod.start("litestream", log_name="rolled-back.log")
    code, seconds = exit_within(rolled, 60)
    assert code == 1, rolled.log_text()
    assert "is behind it (local TXID" in rolled.log_text()
    assert restored_rows(pod, backup) == newer
    report(f"rolled-back volume: refused in {seconds:.1f}s; 0 of {newer} rows lost")


def test_two_stations_on_one_replica_stop_replicating(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, _, _ = synth(s3_server, "e2e-two-writers")
    secrets = secrets_for(s3_server)
    first = make_pod(objects, "first", secrets)
    seed_backup(first, rows=30)
    a = first.start("litestream", log_name="a.log")
    # A second Station (another cluster, the same bucket and path) restores the backup ...
    second = make_pod(objects, "second", secrets)
    assert second.run("litestream-restore").returncode == 0
    b = second.start("litestream", log_name="b.log")
    began = time.monotonic()
    # ... and both write
    with (
        Writer(first.volume("data") / "station.db", 0.2),
        Writer(second.volume("data") / "station.db", 0.2),
    ):
        deadline = time.monotonic() + 60
        while a.poll() is None and b.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
    seconds = time.monotonic() - began
    stopped = [p for p in (a, b) if p.poll() is not None]
    assert stopped, "neither sidecar noticed the other writer"
    assert all(p.returncode == 1 for p in stopped)
    assert any(
        "is ahead of" in p.log_text() or "written by another Station" in p.log_text()
        for p in stopped
    )
    report(f"two Stations on one replica: {len(stopped)} sidecar(s) stopped after {seconds:.1f}s")


@pytest.mark.parametrize("outage", ["refuse", "hang"])
def test_an_s3_outage_is_seen_within_a_minute_and_the_volume_keeps_every_write(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod], outage: str
) -> None:
    with OutageProxy(s3_server.s3_port) as proxy:
        objects, backup, _ = synth_with_endpoint(s3_server, f"e2e-outage-{outage}", proxy.endpoint)
        pod = make_pod(objects, "pod", secrets_for(s3_server))
        seed_backup(pod, rows=30)
        data = pod.volume("data")
        sidecar = pod.start("litestream", log_name="outage.log")
        with Writer(data / "station.db") as writer:
            time.sleep(3)
            before_outage = writer.committed
            getattr(proxy, outage)()
            began = time.monotonic()
            code = sidecar.wait(timeout=120)
            detected = time.monotonic() - began
            during = writer.committed - before_outage
        assert code == 1
        assert "is confirmed in" in sidecar.log_text(), sidecar.log_text()
        # The kubelet restarts it; S3 comes back; every write reaches the backup
        restarted = pod.start("litestream", log_name="restarted.log")
        time.sleep(2)
        proxy.restore()
        # As in a pod, the writes that follow are the test once litestream itself runs: its
        # guard's start-up waits for S3, and a SIGTERM before that is another scenario.
        restarted.wait_for_log("replicating to", timeout=60)
        with Writer(data / "station.db") as more:
            time.sleep(3)
        time.sleep(3)
        assert restarted.stop(timeout=60) == 0, restarted.log_text()
        total = 30 + writer.committed + more.committed
        assert restored_rows(pod, backup) == total
    report(
        f"S3 {outage}: the sidecar exited 1 after {detected:.0f}s (StationBackupFailing at the "
        f"restart); {during} rows written meanwhile were only on the volume; after S3 came back "
        f"all {total} rows restored"
    )


def test_a_final_sync_that_cannot_reach_s3_is_bounded_and_exits_1(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    with OutageProxy(s3_server.s3_port) as proxy:
        objects, backup, _ = synth_with_endpoint(s3_server, "e2e-final-outage", proxy.endpoint)
        pod = make_pod(objects, "pod", secrets_for(s3_server))
        seed_backup(pod, rows=30)
        sidecar = pod.start("litestream", log_name="final.log")
        time.sleep(2)
        proxy.hang()
        with Writer(pod.volume("data") / "station.db") as writer:
            time.sleep(2)
        began = time.monotonic()
        code = sidecar.stop(timeout=60)
        seconds = time.monotonic() - began
        assert code == 1
        assert "ERROR the final sync did not ship local TXID" in sidecar.log_text()
        grace = backup.required_grace_period_seconds
        assert seconds < grace, (seconds, grace)
    report(
        f"final sync against a hung S3: exit 1 after {seconds:.1f}s (grace period {grace}s); "
        f"{writer.committed} rows stay on the volume"
    )
