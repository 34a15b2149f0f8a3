"""The shell scripts the backup containers run (POSIX ``sh``: Debian's dash, busybox ash).

Each function returns one script, rendered into a container as ``["sh", "-c", script]``
and run by the tests exactly as rendered (``tests/test_backup_e2e.py``). The scripts
never contain ``$(`` (the kubelet expands ``$(NAME)`` in commands; backticks are used for
command substitution) and every path in them is a fixed constant, so no value a user
passes is ever interpreted by the shell.

Litestream 0.5.17 facts they rely on (measured, see ``docs/station-facts.md``):

* ``restore -if-db-not-exists`` skips when any file is at the path, even an empty one;
* ``replicate`` with a database that has no local Litestream state
  (``/data/.station.db-litestream``) and a replica that holds a backup treats the database
  as "behind replica" (logged at INFO only) and then writes the new database on top of the
  backup: after the level-0 retention the old data cannot be restored;
* ``ltx -config C -level all DB`` lists the replica's LTX files (a header line, then one
  line per file) and exits non-zero when the replica cannot be read.
"""

from __future__ import annotations

from ._litestream_scripts import (
    LITESTREAM_META_DIR,
    RESTORED_MARKER,
    litestream_replicate_script,
    litestream_restore_script,
)

__all__ = [
    "LITESTREAM_META_DIR",
    "RESTORED_MARKER",
    "config_backup_script",
    "config_restore_script",
    "litestream_replicate_script",
    "litestream_restore_script",
]

#: seed-home's first line of the minimal ``config.yaml`` it writes (``_seed.py``).
SEED_CONFIG_HEADER = "# Written before Station's first start by station-constructs (seed-home)."
#: Next to the config directory: which remote the directory was restored from or synced to.
CONFIG_MARKER_NAME = ".station-config-backup-remote"


#: Whether the config marker names this copy: ``bucket/path``, or (written by an earlier
#: version) its URL with the endpoint, in any spelling of the endpoint.
MARKER_OK = (
    'marker_ok() { [ -f "$marker" ] || return 1; m=`cat "$marker"`; m=${m#s3://}; '
    'm=${m%% endpoint=*}; [ "$m" = "$want" ]; }'
)


#: How long one periodic sync may take (a hung store fails it instead of blocking the loop).
SYNC_TIMEOUT_SECONDS = 30
#: A failing sidecar exits once no sync succeeded for its interval plus this long.
STALE_MARGIN_SECONDS = 40


def _config_paths(directory: str) -> tuple[str, str, str]:
    parent = directory.rsplit("/", 1)[0]
    return parent, f"{parent}/{CONFIG_MARKER_NAME}", f"{directory}.restoring"


def config_restore_script(
    *, directory: str, remote: str, remote_id: str, require_backup: bool
) -> str:
    """Copy the config directory's backup onto the volume when the directory is empty.

    "Empty" includes a directory holding only seed-home's own files (its minimal
    ``config.yaml``, ``.seeded-from-image`` and the image's files it lists) unless the
    marker says this directory was restored from or synced to this remote. The copy goes
    to a temporary directory on the volume, renamed into place only when it completed
    (leftovers of an interrupted copy are removed first); then the marker is written.
    """
    _, marker, tmp = _config_paths(directory)
    missing = (
        f'  echo "config-restore: ERROR no backup of the config directory at {remote} '
        '(require_backup is on)"; exit 1'
        if require_backup
        else f'  echo "config-restore: no backup at {remote}: nothing to restore (first '
        'install)"; exit 0'
    )
    return "\n".join(
        [
            "set -eu",
            f"dir={directory}",
            f"tmp={tmp}",
            f"marker={marker}",
            f"want='{remote_id}'",
            'rm -rf "$tmp"',
            MARKER_OK,
            "seed_only() {",
            '  find "$dir" ! -type d > "$tmp.list"',
            "  while IFS= read -r p; do",
            '    f=${p#"$dir/"}',
            '    case "$f" in',
            "      .seeded-from-image|.seeded-from-image.new|.seeded-from-image.old|"
            ".seeded-from-image.diff|config.yaml.tmp) continue ;;",
            f'      config.yaml) case "`head -n 1 "$p"`" in "{SEED_CONFIG_HEADER}"*) continue ;; '
            'esac; rm -f "$tmp.list"; return 1 ;;',
            "    esac",
            '    if [ -f "$dir/.seeded-from-image" ] && grep -q -x -F -e "$f" '
            '"$dir/.seeded-from-image"; then continue; fi',
            '    rm -f "$tmp.list"; return 1',
            '  done < "$tmp.list"',
            '  rm -f "$tmp.list"',
            "}",
            'if [ -d "$dir" ] && [ -n "`ls -A "$dir"`" ]; then',
            "  if marker_ok; then",
            '    echo "config-restore: $dir is not empty (restored from or synced to this '
            'backup before): not restoring"',
            "    exit 0",
            "  fi",
            "  if ! seed_only; then",
            '    echo "config-restore: $dir is not empty: not restoring"',
            "    exit 0",
            "  fi",
            "  echo \"config-restore: $dir holds only seed-home's files (its config.yaml, "
            ".seeded-from-image, the image's files): treating it as empty\"",
            "fi",
            f"if ! listing=`rclone lsf --max-depth 1 {remote}`; then",
            f'  echo "config-restore: ERROR cannot read {remote} (credentials, endpoint?): '
            'not starting Station without its config directory"',
            "  exit 1",
            "fi",
            'if [ -z "$listing" ]; then',
            missing,
            "fi",
            'mkdir -p "$tmp"',
            f'if ! rclone copy {remote} "$tmp"; then',
            '  rm -rf "$tmp"',
            f'  echo "config-restore: ERROR copying {remote} failed part-way: $dir is left as '
            'it was, the next start copies again"',
            "  exit 1",
            "fi",
            'rm -rf "$dir"',
            'mv "$tmp" "$dir"',
            'printf \'%s\\n\' "$want" > "$marker"',
            'echo "config-restore: restored $dir (`find "$dir" -type f | wc -l` files) from '
            f'{remote}"',
        ]
    )


def _check_remote_lines(remote: str) -> list[str]:
    """``check_remote``: whether this volume's directory may replace what ``remote`` holds."""
    return [
        "check_remote() {",
        "  if marker_ok; then",
        "    checked=1; return 0",
        "  fi",
        f"  if ! listing=`rclone lsf --max-depth 1 {remote}`; then",
        f'    echo "config-backup: ERROR cannot read {remote} to check it before the first sync"',
        "    return 1",
        "  fi",
        f'  if [ -n "$listing" ] && ! rclone check "$dir" {remote} >/dev/null 2>&1; then',
        f'    echo "config-backup: ERROR refusing to sync: {remote} holds a config directory '
        "backup that differs from $dir, and $dir was neither restored from it nor synced "
        "to it from this volume; syncing would replace the backup. To restore the backup: "
        "delete $dir (and $marker) from the volume and restart the pod (config-restore "
        "then restores it). To make this directory the backup on purpose: give "
        'ConfigDirBackup another path=, or move the old copy away in the bucket first."',
        "    exit 1",
        "  fi",
        '  printf \'%s\\n\' "$want" > "$marker"',
        "  checked=1",
        "}",
    ]


def _config_sync_lines(
    remote: str, history: str, max_deletes: int, final_seconds: int
) -> list[str]:
    """``sync_once`` (one sync, history and deletion cap) and ``final_sync`` (bounded)."""
    sync = (
        f'rclone sync --max-delete {max_deletes} --backup-dir "{history}/`date -u '
        f'+%Y%m%dT%H%M%SZ`" "$dir" {remote}'
    )
    return [
        "sync_once() {",
        '  if [ ! -d "$dir" ] || [ -z "`ls -A "$dir"`" ]; then',
        '    echo "config-backup: $dir is empty or missing: not syncing (an empty '
        'directory never replaces the backup)"',
        "    return 0",
        "  fi",
        '  if [ "$checked" -eq 0 ]; then',
        "    check_remote || { fails=`expr $fails + 1`; return 0; }",
        "  fi",
        # In the background: a SIGTERM then runs the final sync at once, not after it.
        f"  timeout {SYNC_TIMEOUT_SECONDS} {sync} &",
        "  rpid=$!",
        '  if wait "$rpid"; then',
        "    fails=0; ok_at=`date +%s`",
        "  else",
        "    fails=`expr $fails + 1`",
        f'    echo "config-backup: ERROR syncing $dir to {remote} failed ($fails in a row; '
        f'more than {max_deletes} deletions in one sync also fail it)"',
        "  fi",
        "}",
        "final_sync() {",
        '  [ -z "$rpid" ] || kill "$rpid" 2>/dev/null',
        '  if [ ! -d "$dir" ] || [ -z "`ls -A "$dir"`" ]; then',
        '    echo "config-backup: $dir is empty or missing: no final sync"; exit 0',
        "  fi",
        '  if [ "$checked" -eq 0 ] && ! check_remote; then',
        '    echo "config-backup: ERROR stopping before the copy could be checked: the '
        'last changes are only on the volume"',
        "    exit 1",
        "  fi",
        f"  if timeout {final_seconds} {sync}; then",
        '    echo "config-backup: final sync done"; exit 0',
        "  fi",
        f'  echo "config-backup: ERROR the final sync to {remote} failed or took over '
        f'{final_seconds}s: the last changes are only on the volume"',
        "  exit 1",
        "}",
    ]


def config_backup_script(  # noqa: PLR0913 - one value per thing the script names
    *,
    directory: str,
    remote: str,
    remote_id: str,
    history: str,
    interval_seconds: int,
    max_failures: int,
    max_deletes: int,
    final_seconds: int,
) -> str:
    """Mirror the config directory to ``remote`` every ``interval_seconds``, and at SIGTERM.

    An empty or missing directory is never synced (it would delete the backup). Before its
    first sync it checks that this volume's directory may replace what ``remote`` holds: the
    marker names this remote (``config-restore`` restored it, or an earlier sync wrote it),
    or the remote is empty, or identical to the directory (``rclone check``). Otherwise it
    logs an ERROR saying how to restore or start over, and exits 1 (the container restarts
    and ``StationConfigBackupFailing`` fires). Every sync moves the files it overwrites or
    deletes in the copy to ``history/<UTC time>`` (``--backup-dir``) and deletes at most
    ``max_deletes`` files. Each sync may take ``SYNC_TIMEOUT_SECONDS``; a failed one is logged
    and retried after at most 10 s; after ``max_failures`` failed syncs in a row, or when no
    sync succeeded for the interval + ``STALE_MARGIN_SECONDS``, the container exits 1. The
    sync at SIGTERM is bounded by ``final_seconds`` and exits 1 when it fails.
    """
    _, marker, _ = _config_paths(directory)
    retry = min(interval_seconds, 10)
    stale_after = interval_seconds + STALE_MARGIN_SECONDS
    return "\n".join(
        [
            "set -u",
            f"dir={directory}",
            f"marker={marker}",
            f"want='{remote_id}'",
            "fails=0",
            "checked=0",
            'rpid=""',
            "ok_at=`date +%s`",
            MARKER_OK,
            *_check_remote_lines(remote),
            *_config_sync_lines(remote, history, max_deletes, final_seconds),
            "trap final_sync TERM INT",
            f'echo "config-backup: syncing $dir to {remote} every {interval_seconds}s"',
            "while :; do",
            "  sync_once",
            f'  if [ "$fails" -ge {max_failures} ]; then',
            f'    echo "config-backup: ERROR {max_failures} syncs failed in a row: exiting '
            'so the container restarts"',
            "    exit 1",
            "  fi",
            "  now=`date +%s`",
            f'  if [ "$fails" -gt 0 ] && [ `expr $now - $ok_at` -ge {stale_after} ]; then',
            f'    echo "config-backup: ERROR no sync succeeded for {stale_after}s: exiting so '
            'the container restarts"',
            "    exit 1",
            "  fi",
            f'  if [ "$fails" -gt 0 ]; then sleep {retry} & else sleep {interval_seconds} & fi',
            "  wait $!",
            "done",
        ]
    )
