"""Issue 22's config-directory scenarios, end to end with the real rclone against SeaweedFS.

An S3 outage (refused, hung) while the ``config-backup`` sidecar runs and at its final
sync, and a deleted ``environments/`` directory: what the copy and its history hold
afterwards, and how long until the sidecar exits (which ``StationConfigBackupFailing``
sees). ``pytest -s`` prints the numbers docs/backup-and-restore.md quotes.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cdk8s
import pytest
from cdk8s import Chart

from station_constructs import (
    ConfigDirBackup,
    LitestreamBackup,
    S3Credentials,
    S3Replica,
    StationDeployment,
)
from tests.conftest import E2E_BUCKET
from tests.support.litestream_pod import LocalPod
from tests.support.litestream_proc import ReplicateProcess
from tests.support.s3proxy import OutageProxy
from tests.support.s3server import SeaweedS3
from tests.test_backup_e2e import CONFIG_FILES, CREDENTIALS, digests, secrets_for, wait_for


def report(message: str) -> None:
    print(f"\n[config scenario] {message}", flush=True)


def synth(endpoint: str, namespace: str, **options: Any) -> tuple[list[Any], ConfigDirBackup]:
    chart = Chart(cdk8s.Testing.app(), "e2e")
    station = StationDeployment(chart, "station", namespace=namespace)
    backup = LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.compatible(endpoint, E2E_BUCKET),
        credentials=S3Credentials.from_secret(CREDENTIALS),
    )
    config = ConfigDirBackup(chart, "config", backup=backup, interval="5s", **options)
    return list(cdk8s.Testing.synth(chart)), config


def write_config(directory: Path) -> None:
    for relative, data in CONFIG_FILES.items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def keys(server: SeaweedS3, prefix: str) -> set[str]:
    return {k.removeprefix(prefix + "/") for k in server.list_keys(E2E_BUCKET, prefix + "/")}


def start_synced(
    server: SeaweedS3, pod: LocalPod, config: ConfigDirBackup
) -> tuple[ReplicateProcess, Path]:
    """The config-backup sidecar over Station's config files, once its first sync is in."""
    directory = pod.volume("data") / "config"
    write_config(directory)
    sidecar = pod.start("config-backup")
    wait_for(lambda: keys(server, config.path) == set(CONFIG_FILES), 30, "the first sync")
    return sidecar, directory


@pytest.mark.parametrize("outage", ["refuse", "hang"])
def test_an_outage_is_logged_at_every_sync_and_ends_in_a_restart(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod], outage: str
) -> None:
    with OutageProxy(s3_server.s3_port) as proxy:
        objects, config = synth(proxy.endpoint, f"e2e-config-{outage}")
        pod = make_pod(objects, "pod", secrets_for(s3_server))
        sidecar, _ = start_synced(s3_server, pod, config)
        getattr(proxy, outage)()
        began = time.monotonic()
        code = sidecar.wait(timeout=300)
        seconds = time.monotonic() - began
    log = sidecar.log_text()
    assert code == 1
    assert "ERROR 5 syncs failed in a row" in log or "ERROR no sync succeeded for 45s" in log
    failures = log.count("config-backup: ERROR syncing")
    assert failures >= 1
    for n in range(1, failures + 1):
        assert f"failed ({n} in a row" in log
    report(
        f"S3 {outage}: {failures} failed syncs logged, config-backup exited 1 after {seconds:.0f}s"
    )


def test_the_final_sync_against_a_hung_s3_is_bounded_and_exits_1(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    with OutageProxy(s3_server.s3_port) as proxy:
        objects, config = synth(proxy.endpoint, "e2e-config-final")
        pod = make_pod(objects, "pod", secrets_for(s3_server))
        sidecar, directory = start_synced(s3_server, pod, config)
        proxy.hang()
        (directory / "environments/default/late.json").write_bytes(b"{}\n")
        began = time.monotonic()
        code = sidecar.stop(timeout=60)
        seconds = time.monotonic() - began
    assert code == 1
    assert "ERROR the final sync" in sidecar.log_text()
    assert seconds < 15  # FINAL_SYNC_SECONDS: the grace period's share of this sync
    report(f"final sync against a hung S3: exit 1 after {seconds:.1f}s (bounded at 12s)")


def rclone(pod: LocalPod, *args: str) -> None:
    result = subprocess.run(
        ["rclone", *args],
        env=pod.process_env("config-backup"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_a_deleted_directory_is_kept_in_the_history_and_restores_to_a_point_in_time(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, config = synth(s3_server.endpoint, "e2e-config-history")
    pod = make_pod(objects, "pod", secrets_for(s3_server))
    sidecar, directory = start_synced(s3_server, pod, config)
    before = digests(directory)
    # The operator removes environments/ on the running pod; the next sync mirrors it
    shutil.rmtree(directory / "environments")
    wait_for(lambda: keys(s3_server, config.path) == {"config.yaml"}, 30, "the deletion")
    assert sidecar.stop(timeout=30) == 0
    # The volume is lost: the copy alone brings back 1 file, the history the rest
    history = keys(s3_server, f"{config.path}-history")
    assert {h.split("/", 1)[1] for h in history} == set(CONFIG_FILES) - {"config.yaml"}
    restored = pod.root / "restored"
    rclone(pod, "copy", config.remote, str(restored))
    copy_only = len(digests(restored))
    # Point in time: the copy, then each history folder after that time, newest first
    for stamp in sorted({h.split("/", 1)[0] for h in history}, reverse=True):
        rclone(pod, "copy", f"{config.history}/{stamp}", str(restored))
    assert digests(restored) == before
    report(
        f"rm -rf environments/: the copy alone restores {copy_only} of {len(before)} files; "
        f"with the history all {len(before)}"
    )


def test_a_sync_that_would_delete_more_than_max_deletes_fails(
    s3_server: SeaweedS3, make_pod: Callable[..., LocalPod]
) -> None:
    objects, config = synth(s3_server.endpoint, "e2e-config-cap", max_deletes=3)
    pod = make_pod(objects, "pod", secrets_for(s3_server))
    sidecar, directory = start_synced(s3_server, pod, config)
    shutil.rmtree(directory / "environments")
    sidecar.wait_for_log(r"ERROR syncing .* failed \(1 in a row", timeout=30)
    assert sidecar.stop(timeout=30) == 1  # the final sync is refused too
    remaining = keys(s3_server, config.path)
    assert len(set(CONFIG_FILES) - remaining) <= 3
    report(
        f"max_deletes=3, rm -rf environments/ (6 files): the sync failed and was logged; "
        f"{len(remaining)} of {len(CONFIG_FILES)} files still in the copy"
    )
