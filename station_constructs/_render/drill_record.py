"""The restore drill's high-water mark: what the last good drill saw, kept beside the backup.

Renderer step; no cdk8s. ``drill-database`` writes ``/drill/hwm`` (the replica's newest TXID,
the restored database's rows in all tables, the newest file's time); ``drill-record`` (the
rclone image, last) compares it with the mark of the previous successful drill, stored as one
object next to the replica (``<path>.drill-hwm``), and fails when the backup went backwards:
an older TXID or newest file (a rolled-back or replaced backup), or fewer rows than
``max_row_loss_percent`` allows (a replaced lineage continues the TXID sequence with another
database). Only a drill that passed moves the mark, and never down.
"""

from __future__ import annotations

from .drill import DRILL_DIR, HWM_FILE

__all__ = ["drill_record_script"]


def drill_record_script(*, remote: str, max_row_loss_percent: int) -> str:
    """Compare ``/drill/hwm`` with the mark at ``remote``; fail when it went backwards.

    Then store the new mark (the higher of each value is kept implicitly: a drill that
    went backwards fails before it writes).
    """
    keep = 100 - max_row_loss_percent
    return "\n".join(
        [
            "set -u",
            'fail() { echo "restore-drill: ERROR $*"; exit 1; }',
            'get() { sed -n "s/^$1=//p" "$2" | head -n 1; }',
            f"new={HWM_FILE}; old={DRILL_DIR}/hwm.previous",
            '[ -s "$new" ] || fail "no high-water mark from drill-database"',
            f'listing=`rclone lsf {remote}` || fail "cannot read the high-water mark {remote}"',
            'if [ -n "$listing" ]; then',
            f'  rclone cat {remote} > "$old" || fail "cannot read {remote}"',
            '  ot=`get txid "$old"`; nt=`get txid "$new"`',
            '  if [ "`printf \'%d\' "0x${nt:-0}"`" -lt "`printf \'%d\' "0x${ot:-0}"`" ]; then',
            '    fail "the backup went backwards: newest TXID $nt, an earlier drill saw $ot '
            '(a rolled-back or replaced backup)"',
            "  fi",
            '  on=`get newest "$old"`; nn=`get newest "$new"`',
            '  [ "${nn:-0}" -ge "${on:-0}" ] || fail "the backup went backwards: its newest '
            'file is older than the newest an earlier drill saw"',
            '  orows=`get rows "$old"`; nrows=`get rows "$new"`',
            f'  if [ `expr "${{nrows:-0}}" \\* 100` -lt `expr "${{orows:-0}}" \\* {keep}` ]; then',
            '    fail "the backup went backwards: $nrows rows in all tables, an earlier drill '
            f"restored $orows (more than {max_row_loss_percent}% fewer: a replaced "
            'database?)"',
            "  fi",
            "fi",
            f'rclone copyto "$new" {remote} || fail "cannot store the high-water mark at {remote}"',
            "echo \"restore-drill: OK high-water mark `tr '\\n' ' ' < \"$new\"`\"",
        ]
    )
