"""The ``seed-home`` init container: what it does to ``$HOME`` and the config directory.

One POSIX ``sh`` script (:data:`SEED_SCRIPT`, run by the Station image's ``/bin/sh``; it
also runs under busybox), parameterized only by environment variables that
:meth:`SeedPlan.environment` renders. The tests run this exact script over temporary
"image" and "volume" trees. What Station does with the directory is in
``docs/station-facts.md``, section "The config directory, config.yaml and the start-up sync".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["ConfigPolicy"]

#: The init container's name. Stable: other constructs order their init containers
#: relative to it (a restore of the database or of the config directory runs first).
SEED_CONTAINER_NAME = "seed-home"

#: On the volume, next to Station's files: the image's file list at the last start.
MANIFEST_NAME = ".seeded-from-image"


class ConfigPolicy(enum.Enum):
    """Who wins when the image and the volume both have a file of the config directory.

    Applies to ``ConfigPersistence.VOLUME``. Either way ``config.yaml`` is never taken
    from the image and an existing one is never modified (see "State on the volume" in
    ``docs/station-pod.md``), and a file the image never carried is never touched.
    """

    IMAGE_WINS = "image-wins"
    """The image's files are the source of truth (the deployment guide's ``stn build env``
    workflow). At every start each file the image carries is copied over the volume's copy,
    so edits made at runtime (UI, API) to those files are reverted at the next restart; a
    file the image carried at the previous start but no longer carries is deleted from the
    volume, even if it was edited since. The default."""
    VOLUME_WINS = "volume-wins"
    """The volume's files are the source of truth (teams that edit through the UI/API).
    Nothing on the volume is overwritten or deleted; a file is copied from the image only
    when the image carries it for the first time and the volume has no file at that path.
    An image file deleted at runtime stays deleted; a changed image file is not applied
    (switch to ``IMAGE_WINS`` for one rollout to apply the image's environments)."""


# Why a minimal config.yaml, and why it is enough (Station v0.23.0 and v0.25.0):
# - cmd/main/commands.go, runServe: when $STATION_CONFIG_DIR/config.yaml does not exist and a
#   provider key is in the environment, it calls autoInitializeConfig, which generates a
#   random encryption_key, viper.Set()s it (overriding STATION_ENCRYPTION_KEY for that run)
#   and viper.WriteConfig()s every setting viper knows, env-bound secrets included, into the
#   file. When the file exists (any content), that branch is skipped.
# - runServe then reads viper.GetString("encryption_key"), which cmd/main/main.go initConfig
#   binds to STATION_ENCRYPTION_KEY (environment over file), and every other setting comes
#   from the environment through internal/config/config.go Load (bindEnvVars). So the file
#   needs no secret; database_url only repeats DATABASE_URL for readers of the file.
#
# POSIX sh; every command is in Ubuntu's base image and in busybox (no comm: Debian's
# busybox lacks it). Inputs (environment):
#   SEED_IMAGE_HOME, SEED_IMAGE_CONFIG  the image's $HOME and config directory
#   SEED_HOME_TO          copy the image's $HOME here (an emptyDir mounted as $HOME)
#   SEED_CONFIG_TO        Station's config directory as this container sees it
#   SEED_POLICY           image-wins | volume-wins: seed SEED_CONFIG_TO from the image
#                         (unset: SEED_CONFIG_TO already holds the image's copy)
#   SEED_DATABASE         the database file (config.yaml's database_url)
#   SEED_SERVE_ENVIRONMENT  refuse to start when the database lacks this environment
#   SEED_SCHEMA_VERSION   refuse to start when the database's schema (goose_db_version) is
#                         newer than this, the newest migration the image's Station knows
#   SEED_MKDIR            directories to create (space-separated), e.g. tool caches
SEED_SCRIPT = r"""set -eu
img_home=${SEED_IMAGE_HOME:-/home/station}
img_config=${SEED_IMAGE_CONFIG:-/home/station/.config/station}
m=.seeded-from-image
say() { printf 'seed-home: %s\n' "$*"; }
image_files() {
  [ -d "$img_config" ] || return 0
  (cd "$img_config" && find . \( -type f -o -type l \) -print) | sed 's|^\./||' |
    grep -v -x -e config.yaml -e "$m" | LC_ALL=C sort -u
}
only_in() {
  if [ -s "$1" ]; then grep -v -x -F -f "$1" "$2" || :; else cat "$2"; fi
}
safe() { case "/$1/" in //*|*/../*|*/./*) return 1 ;; esac; }
prune_up() {
  d=$(dirname "$1/$2")
  while [ "$d" != "$1" ] && rmdir "$d" 2>/dev/null; do d=$(dirname "$d"); done
}
put() {
  mkdir -p "$(dirname "$1/$2")"
  if [ -f "$1/$2" ] && [ ! -L "$1/$2" ] && [ ! -L "$img_config/$2" ] &&
    cmp -s "$img_config/$2" "$1/$2"; then return 0; fi
  rm -f "$1/$2"
  cp -P "$img_config/$2" "$1/$2"
  say "from the image: $2"
}
seed_config() {
  to=$1
  mkdir -p "$to"
  image_files >"$to/$m.new"
  if [ -f "$to/$m" ]; then LC_ALL=C sort -u "$to/$m" >"$to/$m.old"; else : >"$to/$m.old"; fi
  case $SEED_POLICY in
  image-wins)
    only_in "$to/$m.new" "$to/$m.old" >"$to/$m.diff"
    while IFS= read -r f; do
      safe "$f" || { say "ignored unsafe entry: $f"; continue; }
      if [ -f "$to/$f" ] || [ -L "$to/$f" ]; then
        rm -f "$to/$f"
        prune_up "$to" "$f"
        say "removed (no longer in the image): $f"
      fi
    done <"$to/$m.diff"
    while IFS= read -r f; do put "$to" "$f"; done <"$to/$m.new"
    ;;
  volume-wins)
    only_in "$to/$m.old" "$to/$m.new" >"$to/$m.diff"
    while IFS= read -r f; do
      if [ ! -e "$to/$f" ] && [ ! -L "$to/$f" ]; then put "$to" "$f"; fi
    done <"$to/$m.diff"
    ;;
  *) say "unknown SEED_POLICY '$SEED_POLICY'"; exit 2 ;;
  esac
  mv "$to/$m.new" "$to/$m"
  rm -f "$to/$m.old" "$to/$m.diff"
}
minimal_config() {
  if [ -e "$1/config.yaml" ] || [ -L "$1/config.yaml" ]; then
    say "kept $1/config.yaml unchanged"
    return 0
  fi
  mkdir -p "$1"
  {
    echo "# Written before Station's first start by station-constructs (seed-home). Without"
    echo "# it, stn serve writes this file itself: a generated encryption key and every"
    echo "# environment-bound setting, secrets included, in plain text. Station reads its"
    echo "# key and settings from the environment, which wins over this file."
    printf 'database_url: %s\n' "$SEED_DATABASE"
  } >"$1/config.yaml.tmp"
  mv "$1/config.yaml.tmp" "$1/config.yaml"
  say "wrote a minimal $1/config.yaml (no secrets)"
}
check_environment() {
  e=$SEED_SERVE_ENVIRONMENT
  if [ ! -s "$SEED_DATABASE" ]; then
    say "no database yet: Station creates only the environment 'default'; '$e' must be"
    say "created (UI or API) before the agent MCP on port MCP_PORT+1 can start"
    return 0
  fi
  command -v sqlite3 >/dev/null 2>&1 || { say "no sqlite3: '$e' not checked"; return 0; }
  n=$(sqlite3 -readonly "$SEED_DATABASE" \
    "SELECT count(*) FROM environments WHERE name = '$e';" 2>&1) ||
    { say "environment '$e' not checked: $n"; return 0; }
  [ "$n" != 0 ] && return 0
  say "environment '$e' does not exist in $SEED_DATABASE; Station creates only 'default',"
  say "and without '$e' the agent MCP never listens. Fix: deploy without serve_environment,"
  say "create '$e' (web UI > Environments, or POST /api/v1/environments), then set it again"
  exit 1
}
check_schema() {
  [ -s "$SEED_DATABASE" ] || return 0
  command -v sqlite3 >/dev/null 2>&1 || { say "no sqlite3: schema version not checked"; return 0; }
  v=$(sqlite3 -readonly "$SEED_DATABASE" \
    "SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied;" 2>&1) ||
    { say "schema version not checked: $v"; return 0; }
  case $v in '' | *[!0-9]*) say "schema version not checked: $v"; return 0 ;; esac
  [ "$v" -le "$SEED_SCHEMA_VERSION" ] && return 0
  say "$SEED_DATABASE is at schema version $v; this image's Station knows up to"
  say "$SEED_SCHEMA_VERSION: a newer Station migrated it, and this one would run on tables it does"
  say "not know. Fix: deploy the newer image again, or restore the backup from before the"
  say "upgrade (point in time) onto an empty volume, then roll back (docs/day-2.md#rolling-back)"
  exit 1
}
# Read-only, before anything is written: an older Station never starts on a newer schema.
if [ -n "${SEED_SCHEMA_VERSION:-}" ]; then check_schema; fi
if [ -n "${SEED_HOME_TO:-}" ]; then cp -R "$img_home/." "$SEED_HOME_TO/"; fi
for d in ${SEED_MKDIR:-}; do mkdir -p "$d"; done
if [ -n "${SEED_CONFIG_TO:-}" ]; then
  if [ -n "${SEED_POLICY:-}" ]; then seed_config "$SEED_CONFIG_TO"; fi
  minimal_config "$SEED_CONFIG_TO"
fi
if [ -n "${SEED_SERVE_ENVIRONMENT:-}" ]; then check_environment; fi
"""


@dataclass(frozen=True)
class SeedPlan:
    """What one pod's ``seed-home`` container does; ``None``/empty fields are skipped.

    Attributes:
        image_home: The image's ``$HOME``.
        image_config: The image's config directory.
        home_to: Where the image's ``$HOME`` is copied (an emptyDir mounted as ``$HOME``).
        config_to: Station's config directory as the init container sees it; a minimal
            ``config.yaml`` is written there when none exists.
        policy: Seed ``config_to`` from the image with this policy (``None``: ``config_to``
            is the copy ``home_to`` already holds).
        database: The database file.
        serve_environment: Refuse to start when the database lacks this environment.
        make_dirs: Directories to create as UID 1000 (e.g. tool caches on the volume).
        schema_version: Refuse to start when the database's schema is newer than this (the
            newest migration the image's Station knows; ``None``: unknown, not checked).

    """

    image_home: str
    image_config: str
    home_to: str | None
    config_to: str | None
    policy: ConfigPolicy | None
    database: str
    serve_environment: str | None = None
    make_dirs: tuple[str, ...] = ()
    schema_version: int | None = None

    @property
    def needed(self) -> bool:
        """Whether the init container has anything to do."""
        return bool(
            self.home_to
            or self.config_to
            or self.serve_environment
            or self.make_dirs
            or self.schema_version is not None
        )

    def environment(self) -> dict[str, str]:
        """The init container's environment: the script's inputs, none of them secret."""
        values = {
            "SEED_IMAGE_HOME": self.image_home,
            "SEED_IMAGE_CONFIG": self.image_config,
            "SEED_HOME_TO": self.home_to,
            "SEED_CONFIG_TO": self.config_to,
            "SEED_POLICY": None if self.policy is None else self.policy.value,
            "SEED_DATABASE": self.database,
            "SEED_SERVE_ENVIRONMENT": self.serve_environment,
            "SEED_MKDIR": " ".join(self.make_dirs) or None,
            "SEED_SCHEMA_VERSION": (
                None if self.schema_version is None else str(self.schema_version)
            ),
        }
        return {k: v for k, v in values.items() if v is not None}
