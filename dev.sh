#!/usr/bin/env bash
# One entry point for set-up, synth and tests, on a fresh machine or an existing checkout.
#
#   ./dev.sh synth   set up (Python venv, pinned cdk8s CLI) and synthesize main.py into dist/
#   ./dev.sh test    set up everything (incl. checkov) and run lint, types and the test suite
#   ./dev.sh setup   only the set-up; ./dev.sh bench  the benchmark
#
# Needs Python 3.11+, Node and npm, and apt (Debian) for promtool and sqlite3. Re-running is
# cheap: each install step is skipped while the file that pins it is unchanged.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

python_bin() {
  for c in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 &&
      "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$c"; return 0
    fi
  done
  echo "dev.sh: Python 3.11 or newer is required" >&2; exit 1
}

START=$SECONDS
# Progress on stderr with the seconds since the start, so a slow step shows where the time goes.
say() { echo "dev.sh [$((SECONDS - START))s]: $*" >&2; }

stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

setup_python() {
  local want
  want=$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -c1-16)
  if [ ! -x .venv/bin/python ]; then "$(python_bin)" -m venv .venv; fi
  if ! stamp_ok .venv/.station-stamp "$want"; then
    say "installing Python dependencies into .venv"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r requirements-dev.txt
    # The checkout itself goes on the venv's path (a .pth file, what an editable install
    # amounts to here, without setuptools' build and its warning boxes); the wheel is
    # built and tested separately (tests/test_wheel.py, tests/test_packaging.py).
    .venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' |
      { read -r site; echo "$ROOT" > "$site/station-constructs-checkout.pth"; }
    echo "$want" > .venv/.station-stamp
  fi
}

setup_node() {
  local want
  want=$(cat package.json package-lock.json | sha256sum | cut -c1-16)
  if ! [ -x node_modules/.bin/cdk8s ] || ! stamp_ok node_modules/.station-stamp "$want"; then
    say "installing the pinned cdk8s CLI into node_modules"
    npm ci --no-audit --no-fund --loglevel=error >&2
    echo "$want" > node_modules/.station-stamp
  fi
}

setup_checkov() {
  local want
  want=$(sha256sum requirements-checkov.txt | cut -c1-16)
  if [ ! -x .venv-checkov/bin/python ]; then "$(python_bin)" -m venv .venv-checkov; fi
  if ! stamp_ok .venv-checkov/.station-stamp "$want"; then
    say "installing checkov into .venv-checkov (isolated: its pins clash with jsii's)"
    .venv-checkov/bin/python -m pip install --quiet --upgrade pip
    .venv-checkov/bin/python -m pip install --quiet -r requirements-checkov.txt
    echo "$want" > .venv-checkov/.station-stamp
  fi
}

# Run set-up steps side by side (they wait mostly on downloads and unpacking); fail if any fails.
in_parallel() {
  local pids=() pid
  for step in "$@"; do "$step" & pids+=("$!"); done
  for pid in "${pids[@]}"; do wait "$pid"; done
}

# promtool (rule checks and rule unit tests) comes from Debian's prometheus package, the
# sqlite3 shell (the restore drill's checks; the Litestream image ships the same Debian one)
# from Debian's sqlite3 package, and busybox (the seed script must run under it as well as
# under dash) from busybox-static: each unpacked under .tools/ without installing (or
# starting) anything, and only when it is not already on the machine.
unpack_deb() {  # unpack_deb PACKAGE: .tools/PACKAGE/usr/bin/...
  say "unpacking Debian's $1 package into .tools/$1"
  rm -rf ".tools/deb-$1" && mkdir -p ".tools/deb-$1"
  # The download runs as the calling user (apt's _apt sandbox user cannot write here).
  local get=(apt-get -qq -o APT::Sandbox::User="$(id -un)" download "$1")
  (cd ".tools/deb-$1" && "${get[@]}" >&2) ||
    { apt-get update -qq >&2 && (cd ".tools/deb-$1" && "${get[@]}" >&2); }
  dpkg-deb -x ".tools/deb-$1"/"$1"_*.deb ".tools/$1"
  rm -rf ".tools/deb-$1"
}

setup_debian_tools() {
  if ! [ -x .tools/prometheus/usr/bin/promtool ] && ! command -v promtool >/dev/null 2>&1; then
    unpack_deb prometheus
  fi
  if ! [ -x .tools/sqlite3/usr/bin/sqlite3 ] && ! command -v sqlite3 >/dev/null 2>&1; then
    unpack_deb sqlite3
  fi
  if ! [ -x .tools/busybox-static/bin/busybox ] && ! command -v busybox >/dev/null 2>&1; then
    unpack_deb busybox-static
  fi
}

setup_all() { in_parallel setup_python setup_node setup_checkov setup_debian_tools; }

export PATH="$ROOT/.venv/bin:$ROOT/node_modules/.bin:$PATH"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"

cmd=${1:-}
shift || true
case "$cmd" in
  setup)
    setup_all ;;
  synth)
    in_parallel setup_python setup_node
    cdk8s synth --no-check-upgrade "$@" ;;
  test)
    setup_all
    say "ruff"; ruff check .
    say "mypy"; mypy station_constructs tests examples bench scripts main.py
    # Two workers (the CI machine has two cores), whole files per worker so module-scoped
    # fixtures (the wheel build, the checkov scans, the S3 server) are made once each.
    say "pytest"; pytest -n "${STATION_TEST_WORKERS:-2}" --dist loadfile "$@"
    say "done" ;;
  bench)
    setup_python
    python bench/bench.py "$@" ;;
  *)
    sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
