"""Which database schema each Station release migrates to, read from Station's source.

Station migrates its SQLite schema at start (goose, ``internal/db/migrations/NNN_*.sql``,
recorded in the ``goose_db_version`` table), and goose starts without complaint on a database
migrated further than the binary knows: an older Station started on a newer schema (a
rollback, a downgrade) then runs on tables it does not know. ``seed-home`` compares the two
before ``stn serve`` and refuses with the fix when the database is newer.

The table gives, for each newest migration, the first release that embeds it (read from the
tags of github.com/cloudshipai/station, v0.19.1 to v0.25.0). Releases after the last one read,
or images other than Station's own, are not checked: their schema is unknown here.
"""

from __future__ import annotations

from .._releases import version_of
from .._validate import ImageReference

__all__ = ["SCHEMA_FIRST_RELEASE", "SCHEMA_READ_UP_TO", "schema_version"]

#: (newest migration, first release embedding it), oldest first.
SCHEMA_FIRST_RELEASE: tuple[tuple[int, tuple[int, int, int]], ...] = (
    (36, (0, 19, 1)),
    (37, (0, 20, 0)),
    (38, (0, 21, 4)),
    (39, (0, 22, 0)),
    (40, (0, 22, 17)),
    (47, (0, 23, 0)),
    (48, (0, 24, 2)),
)
#: The newest release whose migrations were read.
SCHEMA_READ_UP_TO = (0, 25, 0)

_STATION_IMAGE = "cloudshipai/station"


def schema_version(image: ImageReference, stated_release: str | None = None) -> int | None:
    """The newest migration ``image``'s Station knows, or ``None`` when that is unknown.

    An official image's tag names its release; any other image (``stn build env``, a
    digest) or an official tag not read here is checked by the release stated for it
    (``StationDeployment(station_release=...)``), if any.
    """
    if image.path.endswith(_STATION_IMAGE) and image.tag is not None:
        found = _newest_migration(image.tag)
        if found is not None:
            return found
    return None if stated_release is None else _newest_migration(stated_release)


def _newest_migration(tag: str) -> int | None:
    release = version_of(tag)
    if release is None or release > SCHEMA_READ_UP_TO or release < SCHEMA_FIRST_RELEASE[0][1]:
        return None
    return max(version for version, first in SCHEMA_FIRST_RELEASE if first <= release)
