"""The shell scripts of the two Litestream containers (POSIX ``sh``: dash, busybox ash).

Same rules as ``_backup_scripts``: no ``$(`` (the kubelet expands ``$(NAME)``), every path a
fixed constant, no user value interpreted by the shell. Litestream 0.5.17 facts they rely
on (measured with the real binary, ``tests/test_litestream_guard_e2e.py``):

* after ``restore`` the volume holds only the database; ``replicate`` then logs "detected
  database behind replica" and continues the replica's TXID sequence, exactly as it does
  for a *new* database over a backup (which it replaces): Litestream cannot tell the two
  apart, so the scripts record which database the restore (or the first start) produced;
* ``replicate`` keeps one local LTX file per transaction in
  ``/data/.station.db-litestream/ltx/0/<min>-<max>.ltx``: the newest name is the local TXID;
* ``ltx -config C -level all DB`` lists the replica's files (header, then ``level min_txid
  max_txid size created``) and exits non-zero when the replica cannot be read; against a
  refusing or hung endpoint it retries for minutes, so every call is bounded by ``timeout``;
* during an S3 outage ``litestream_sync_error_count`` stays 0 and failed PUTs are not
  counted: the only way to see an outage is to compare the local TXID with the replica's.
"""

from __future__ import annotations

__all__ = [
    "IDENTITY_CHECK_SECONDS",
    "LAG_LIMIT_SECONDS",
    "LITESTREAM_META_DIR",
    "RESTORED_MARKER",
    "litestream_replicate_script",
    "litestream_restore_script",
]

#: The database's identity on the volume: which replica (``bucket/path``) it belongs to, its
#: inode, and the TXID it was restored at. Written by the restore, or at the first start.
RESTORED_MARKER = "/data/.station-db-restored"
#: Where Litestream keeps its local state for ``/data/station.db``.
LITESTREAM_META_DIR = "/data/.station.db-litestream"
#: How long one read of the replica may take (the guard's slow path fits the startup probe).
LIST_TIMEOUT_SECONDS = 20
#: Every this many seconds the running sidecar compares the local TXID with the replica's.
IDENTITY_CHECK_SECONDS = 10
#: How long one of those comparisons may wait for the replica's listing.
CHECK_TIMEOUT_SECONDS = 5
#: A local transaction not in the replica after this long is an outage: the sidecar logs an
#: ERROR and exits 1 (the restart is what ``StationBackupFailing`` sees).
LAG_LIMIT_SECONDS = 40
#: How long the check after the final sync may take (inside the grace period's margin).
FINAL_CHECK_SECONDS = 4


def _helpers(*, config: str, database: str, replica_id: str) -> list[str]:
    """Shell functions shared by both scripts: the marker, inodes and TXIDs."""
    return [
        f"db={database}",
        f"marker={RESTORED_MARKER}",
        f"meta={LITESTREAM_META_DIR}",
        f"want='{replica_id}'",
        'field() { [ -f "$marker" ] && sed -n "s/^$1=//p" "$marker" | head -n 1; }',
        "inode() { ls -di \"$db\" 2>/dev/null | awk '{print $1}'; }",
        'local_txid() { ls "$meta/ltx/0" 2>/dev/null | sed -n '
        "'s/^[0-9a-f]*-\\([0-9a-f]\\{16\\}\\)\\.ltx$/\\1/p' | sort | tail -n 1; }",
        "num() { printf '%d' \"0x${1:-0}\"; }",
        # Sets listing, files (the replica's LTX files) and rtx (its newest TXID).
        "remote_txid() {",
        f'  listing=`timeout "${{1:-{LIST_TIMEOUT_SECONDS}}}" litestream ltx -config {config} '
        '-level all "$db" 2>&1` || return 1',
        "  files=`printf '%s\\n' \"$listing\" | tail -n +2 | grep -c . || true`",
        "  rtx=`printf '%s\\n' \"$listing\" | tail -n +2 | awk 'NF >= 3 {print $3}' | sort "
        "| tail -n 1`",
        "}",
        "record() {",
        '  printf \'replica=%s\\ninode=%s\\ntxid=%s\\n\' "$want" "$1" "$2" > "$marker.tmp"',
        '  mv "$marker.tmp" "$marker"',
        "}",
    ]


def litestream_restore_script(
    *, config: str, database: str, replica: str, replica_id: str, require_backup: bool
) -> str:
    """Restore ``database`` from the replica when the volume has none (or an empty file).

    An empty database file (0 bytes, no WAL) is removed first: ``-if-db-not-exists`` would
    otherwise skip the restore. Before restoring, a stale ``-wal``/``-shm`` (SQLite would
    apply it to the restored file) and Litestream's state of the old database are removed.
    After it, the marker records the database's identity: the replica's ``bucket/path``,
    the restored file's inode and the replica's TXID. With ``require_backup`` a missing
    backup fails the container.
    """
    if_replica = "" if require_backup else " -if-replica-exists"
    return "\n".join(
        [
            "set -eu",
            *_helpers(config=config, database=database, replica_id=replica_id),
            'if [ -f "$db" ] && [ ! -s "$db" ] && [ ! -s "$db-wal" ]; then',
            '  echo "litestream-restore: $db is an empty file (0 bytes, no WAL): removing it '
            'so the backup can be restored"',
            '  rm -f "$db"',
            "fi",
            'if [ -e "$db" ]; then',
            '  echo "litestream-restore: $db exists: not restoring"',
            "  exit 0",
            "fi",
            'for stale in "$db-wal" "$db-shm" "$meta"; do',
            '  if [ -e "$stale" ]; then',
            '    echo "litestream-restore: removing $stale, left from a database that is gone"',
            '    rm -rf "$stale"',
            "  fi",
            "done",
            'rm -f "$marker"',
            f'echo "litestream-restore: restoring $db from {replica}"',
            f'litestream restore -config {config}{if_replica} "$db"',
            'if [ ! -e "$db" ]; then',
            f'  echo "litestream-restore: no backup at {replica}: Station starts with a new '
            'database (first install)"',
            "  exit 0",
            "fi",
            'remote_txid || { echo "litestream-restore: ERROR cannot read the replica after '
            'restoring: $listing"; rm -f "$db"; exit 1; }',
            'record "`inode`" "$rtx"',
            'echo "litestream-restore: restored $db (TXID $rtx, inode `inode`)"',
        ]
    )


def _refuse_lines(replica: str) -> list[str]:
    """``refuse WHY``: the ERROR line naming both ways out, then exit 1."""
    return [
        "refuse() {",
        f'  echo "litestream: ERROR refusing to replicate: {replica} holds a backup '
        "($files LTX files, TXID $rtx) but $1; replicating would replace the backup. "
        "To restore the backup: delete $db, $db-wal, $db-shm, $marker and the directory "
        f"{LITESTREAM_META_DIR} from the volume and restart the pod (litestream-restore "
        "then restores it; the config directory /data/config is restored only when it is "
        "missing or holds only seed-home's files). To start a new lineage on purpose: "
        "give LitestreamBackup another path=, or move the old backup away in the bucket "
        'first."',
        "  exit 1",
        "}",
    ]


def _guard_lines(replica: str) -> list[str]:
    """Decide from the database on the volume and the replica whether to replicate."""
    return [
        'had=`field replica`; rec_inode=`field inode`; rec_txid=`field txid`; legacy=""',
        # A marker of an earlier version holds the replica's URL; a volume of a version
        # that wrote no marker has only Litestream's state: trusted once, if the TXIDs agree.
        'if [ -z "$had" ] && [ -f "$marker" ]; then',
        "  had=`sed -n '1s|^s3://\\([^?]*\\).*$|\\1|p' \"$marker\"`; legacy=1",
        'elif [ ! -f "$marker" ] && [ -d "$meta" ]; then had=$want; legacy=1; fi',
        "cur=`inode`",
        "if ! remote_txid; then",
        '  if [ -n "$cur" ] && [ "$had" = "$want" ] && [ "$cur" = "$rec_inode" ]; then',
        f'    echo "litestream: WARNING cannot read the replica at {replica} ($listing); '
        "replicating anyway: $db is the database restored or created here (inode $cur); "
        'its TXID is checked against the replica once it answers"',
        "    return 0",
        "  fi",
        f'  echo "litestream: ERROR cannot read the replica at {replica} to check it before '
        'replicating: $listing"',
        "  exit 1",
        "fi",
        'if [ "$files" -eq 0 ]; then record "$cur" ""; return 0; fi',
        '[ -n "$cur" ] || refuse "there is no database on the volume (did litestream-restore '
        'run?)"',
        'if [ "$had" != "$want" ]; then',
        '  if [ -n "$had" ]; then refuse "this volume\'s database belongs to the replica $had, '
        'not to $want"; fi',
        '  refuse "$db was neither restored from it nor replicated from this volume before '
        '(a new or empty database)"',
        "fi",
        'if [ -z "$legacy" ] && [ "$cur" != "$rec_inode" ]; then',
        '  refuse "$db is not the database restored or created here (inode $cur, recorded '
        '${rec_inode:-none}): it was replaced"',
        "fi",
        'loc=`local_txid`; [ -n "$loc" ] || loc=$rec_txid',
        '[ -n "$loc" ] || refuse "nothing on the volume says which transaction $db holds"',
        'if [ "`num "$loc"`" -lt "`num "$rtx"`" ]; then',
        '  refuse "$db is behind it (local TXID $loc): a rolled-back volume, or another '
        'Station writes to it"',
        "fi",
        'record "$cur" "$rec_txid"',
    ]


def _watch_lines(replica: str) -> list[str]:
    """While ``litestream replicate`` runs: the inode every second, the TXIDs regularly."""
    return [
        # Whether the replica's newest level-0 file is not the one written here (size and
        # timestamp, from the LTX header at byte 32): another writer uploaded its own.
        "foreign() {",
        '  f=`ls "$meta/ltx/0" 2>/dev/null | grep -e "-$rtx\\.ltx$" | tail -n 1`',
        '  [ -n "$f" ] || return 1',
        "  size=`wc -c < \"$meta/ltx/0/$f\" | tr -d ' '`",
        "  ms=`od -An -tx1 -j 32 -N 8 \"$meta/ltx/0/$f\" | tr -d ' \\n'`",
        "  sec=`printf '%d' \"0x$ms\"`; sec=`expr $sec / 1000`",
        '  when=`date -u -d "@$sec" +%Y-%m-%dT%H:%M:%SZ`',
        '  theirs=`printf \'%s\\n\' "$listing" | awk -v t="$rtx" \'$1 == 0 && $3 == t '
        "{print $4, $5}' | tail -n 1`",
        '  [ -n "$theirs" ] && [ "$theirs" != "$size $when" ]',
        "}",
        # Uploads keep up when everything local at the previous check is in the replica now;
        # ok_at is then that check's time. No such moment for LAG_LIMIT_SECONDS: an outage.
        "check_txids() {",
        "  now=`date +%s`",
        f"  if remote_txid {CHECK_TIMEOUT_SECONDS}; then",
        # Read after the listing: a file is written locally before it is uploaded, so a
        # replica ahead of it is another writer, never a race.
        "    loc=`local_txid`",
        '    if [ -n "$loc" ] && [ "`num "$rtx"`" -gt "`num "$loc"`" ]; then',
        f'      echo "litestream: ERROR the replica {replica} is ahead of $db (replica TXID '
        '$rtx, local $loc): another Station or volume writes to it; stopping"',
        '      kill -KILL "$pid"; exit 1',
        "    fi",
        "    if foreign; then",
        f'      echo "litestream: ERROR the replica {replica} holds TXID $rtx written by '
        "another Station or volume (size and time $theirs, here $size $when): two writers "
        "replace each other's backup; stopping\"",
        '      kill -KILL "$pid"; exit 1',
        "    fi",
        '    if [ -z "$prev_loc" ] || [ "`num "$rtx"`" -ge "`num "$prev_loc"`" ]; then',
        '      [ -z "$lagging" ] || echo "litestream: uploads resumed (replica TXID $rtx)"',
        '      ok_at=$prev_at; lagging=""',
        "    fi",
        "    prev_loc=$loc; prev_at=$now",
        "  else",
        f'    echo "litestream: ERROR cannot read the replica at {replica}: $listing"',
        "  fi",
        f"  if [ `expr $now - $ok_at` -ge {LAG_LIMIT_SECONDS} ]; then",
        f'    echo "litestream: ERROR nothing written here since `expr $now - $ok_at`s ago is '
        f"confirmed in {replica} (S3 down, slow, or refusing? local TXID ${{loc:-?}}, "
        "replica ${rtx:-unreadable}): exiting so the container restarts and "
        'StationBackupFailing fires; the writes stay on the volume"',
        '    kill -KILL "$pid"; exit 1',
        "  fi",
        '  [ `expr $now - $ok_at` -lt 15 ] || { [ -n "$lagging" ] || echo "litestream: WARNING '
        'uploads are behind (local TXID ${loc:-?}, replica ${rtx:-unreadable})"; lagging=1; }',
        "}",
        "watch_inode() {",
        '  cur=`inode`; [ -n "$cur" ] || return 0',
        "  rec=`field inode`",
        '  if [ -z "$rec" ]; then record "$cur" ""; echo "litestream: $db created (inode '
        '$cur)"; return 0; fi',
        '  if [ "$cur" != "$rec" ]; then',
        '    kill -KILL "$pid"',
        '    echo "litestream: ERROR $db was replaced under the sidecar (inode $cur, was '
        '$rec): stopped replicating so it cannot replace the backup"',
        "    exit 1",
        "  fi",
        "}",
    ]


def _stop_lines(shutdown_sync_seconds: int) -> list[str]:
    """At SIGTERM: Litestream's final sync, then proof that it shipped the local TXID.

    Litestream is killed ``shutdown-sync-timeout`` + 1 s after the SIGTERM: against a hung
    endpoint it does not stop by itself.
    """
    return [
        "stop() {",
        '  kill -TERM "$pid"',
        f'  ( sleep {shutdown_sync_seconds + 1}; kill -KILL "$pid" 2>/dev/null ) &',
        "  killer=$!",
        '  wait "$pid"; rc=$?',
        '  kill "$killer" 2>/dev/null',
        "  loc=`local_txid`",
        f'  if [ -n "$loc" ] && ! {{ remote_txid {FINAL_CHECK_SECONDS} && '
        '[ "`num "$rtx"`" -ge "`num "$loc"`" ]; }; then',
        '    echo "litestream: ERROR the final sync did not ship local TXID $loc (replica: '
        '${rtx:-unreadable}): those writes are only on the volume"',
        "    exit 1",
        "  fi",
        '  echo "litestream: stopped (exit $rc), replica at TXID ${rtx:-?}"',
        "  exit $rc",
        "}",
    ]


def litestream_replicate_script(
    *, config: str, database: str, replica: str, replica_id: str, shutdown_sync_seconds: int
) -> str:
    """Check the database's identity, run ``litestream replicate``, and keep checking.

    Before replicating (``guard``): allowed when the replica holds no backup, or when the
    marker names this replica's ``bucket/path`` (not its URL's spelling), the database's
    inode is the one recorded, and its TXID (Litestream's local state, else the restored
    one) is not behind the replica's. While it runs: a replaced database file stops it at
    once (exit 1), a replica ahead of the database (another writer) too, and a local
    transaction missing from the replica after ``LAG_LIMIT_SECONDS`` (an outage) makes it
    exit 1 so the restart shows. At SIGTERM the final sync's result is checked: exit 1 when
    the local TXID did not reach the replica.
    """
    return "\n".join(
        [
            "set -u",
            *_helpers(config=config, database=database, replica_id=replica_id),
            *_refuse_lines(replica),
            "guard() {",
            *(f"  {line}" for line in _guard_lines(replica)),
            "}",
            "guard",
            *_watch_lines(replica),
            *_stop_lines(shutdown_sync_seconds),
            f"litestream replicate -config {config} &",
            "pid=$!",
            "trap stop TERM INT",
            'prev_loc=""; prev_at=`date +%s`; ok_at=$prev_at; lagging=""; n=0',
            'while kill -0 "$pid" 2>/dev/null; do',
            "  sleep 1 & wait $!",
            "  watch_inode",
            "  n=`expr $n + 1`",
            f"  [ `expr $n % {IDENTITY_CHECK_SECONDS}` -ne 0 ] || check_txids",
            "done",
            'wait "$pid"; rc=$?',
            'echo "litestream: ERROR litestream replicate exited ($rc)"',
            "exit 1",
        ]
    )
