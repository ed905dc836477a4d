#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for tests (never the Debian cluster):
#   data under ${PG_DATA_DIR:-/tmp/genflow-pg}, TCP on 127.0.0.1:${PG_PORT:-55432} only,
#   trust auth, max_connections=200, fsync off. Creates database ${PG_DB:-genflow_test}.
# Runs the server as the `postgres` system user when invoked as root (created if missing).
# Idempotent: when a server already answers on the port, it is reused.
# Progress goes to stderr; the last line on stdout is
#   DATABASE_URL=postgres://postgres@127.0.0.1:<port>/<db>
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_PORT="${PG_PORT:-55432}"
PG_DATA_DIR="${PG_DATA_DIR:-/tmp/genflow-pg}"
PG_DB="${PG_DB:-genflow_test}"
PG_HOST=127.0.0.1
DATA="$PG_DATA_DIR/data"
LOGFILE="$PG_DATA_DIR/postgres.log"

log() { printf '[start-postgres] %s\n' "$*" >&2; }
die() { printf '[start-postgres] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- binaries
if [ -z "${PG_BIN:-}" ] && [ -f "$ROOT/.genflow/machine.env" ]; then
  # shellcheck disable=SC1091
  PG_BIN="$(. "$ROOT/.genflow/machine.env" && printf '%s' "${PG_BIN:-}")"
fi
if [ -z "${PG_BIN:-}" ] || [ ! -x "$PG_BIN/initdb" ]; then
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 | xargs -r dirname || true)"
fi
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || die "no PostgreSQL server binaries found; run scripts/setup-machine.sh"

# ---------------------------------------------------------------- who runs the server
if [ "$(id -u)" -eq 0 ]; then
  PG_USER=postgres
  if ! id -u "$PG_USER" >/dev/null 2>&1; then
    log "creating system user $PG_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER"
  fi
  # cd / so the server's user is not refused our (possibly private) working directory.
  as_pg() { (cd / && runuser -u "$PG_USER" -- "$@"); }
else
  PG_USER="$(id -un)"
  as_pg() { (cd / && "$@"); }
fi

psql_admin() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres "$@"
}

server_answers() {
  "$PG_BIN/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -t 2 >/dev/null 2>&1
}

ensure_db_and_print() {
  local exists
  # PG_FRESH=1 (CI): start from an empty database, so no state from an earlier run leaks in.
  if [ "${PG_FRESH:-0}" = "1" ]; then
    log "dropping database $PG_DB for a fresh run"
    psql_admin -c "drop database if exists \"$PG_DB\" with (force)" >/dev/null
  fi
  exists="$(psql_admin -Atc "select 1 from pg_database where datname = '$PG_DB'")"
  if [ "$exists" != "1" ]; then
    log "creating database $PG_DB"
    psql_admin -c "create database \"$PG_DB\""
  fi
  echo "DATABASE_URL=postgres://postgres@$PG_HOST:$PG_PORT/$PG_DB"
}

# ---------------------------------------------------------------- already running?
if server_answers; then
  if psql_admin -Atc 'select 1' >/dev/null 2>&1; then
    log "server already running on $PG_HOST:$PG_PORT; reusing it"
    ensure_db_and_print
    exit 0
  fi
  die "something answers on $PG_HOST:$PG_PORT but does not accept trust login as postgres; set PG_PORT"
fi

# ---------------------------------------------------------------- (re)initialise
pg_major="$("$PG_BIN/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"

init_cluster() {
  log "initdb $DATA (PostgreSQL $pg_major, owner $PG_USER)"
  rm -rf "$PG_DATA_DIR"
  mkdir -p "$PG_DATA_DIR"
  chown "$PG_USER": "$PG_DATA_DIR"
  chmod 700 "$PG_DATA_DIR"
  as_pg "$PG_BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$PG_DATA_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DATA_DIR/initdb.log" >&2; die "initdb failed"; }
}

data_looks_sane() {
  [ -d "$DATA" ] && [ -f "$DATA/PG_VERSION" ] && [ -f "$DATA/postgresql.conf" ] \
    && [ "$(cat "$DATA/PG_VERSION")" = "$pg_major" ] \
    && [ "$(stat -c %U "$DATA")" = "$PG_USER" ]
}

configure() {
  # Our settings live in genflow.conf, rewritten on every start (so PG_PORT changes apply).
  if ! grep -q "^include_if_exists = 'genflow.conf'" "$DATA/postgresql.conf"; then
    echo "include_if_exists = 'genflow.conf'" >>"$DATA/postgresql.conf"
  fi
  cat >"$DATA/genflow.conf" <<EOF
# written by scripts/start-postgres.sh: a throwaway server for tests
listen_addresses = '$PG_HOST'
port = $PG_PORT
unix_socket_directories = ''
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  cat >"$DATA/pg_hba.conf" <<EOF
# written by scripts/start-postgres.sh: trust, loopback TCP only
host all all 127.0.0.1/32 trust
EOF
  chown "$PG_USER": "$DATA/genflow.conf" "$DATA/pg_hba.conf" "$DATA/postgresql.conf"
}

clear_stale_pid() {
  # After a crash or a machine reuse, postmaster.pid may name a PID now used by another
  # process, which makes postgres refuse to start. Nothing answers on our port here.
  local pidfile="$DATA/postmaster.pid" pid
  [ -f "$pidfile" ] || return 0
  pid="$(head -n1 "$pidfile" 2>/dev/null || true)"
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = "postgres" ]; then
    log "postgres (pid $pid) still runs on $DATA but does not answer; stopping it"
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >&2 || true
  fi
  rm -f "$pidfile"
}

start_server() {
  log "starting postgres on $PG_HOST:$PG_PORT (data $DATA, log $LOGFILE)"
  as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 60 start >/dev/null
}

if data_looks_sane; then
  log "reusing data directory $DATA"
else
  [ -e "$PG_DATA_DIR" ] && log "data directory $DATA missing or broken: re-initialising"
  init_cluster
fi
configure
clear_stale_pid
if ! start_server; then
  log "start failed; last log lines:"
  tail -n 20 "$LOGFILE" >&2 2>/dev/null || true
  log "re-initialising $DATA and retrying once"
  as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
  init_cluster
  configure
  start_server || { tail -n 40 "$LOGFILE" >&2 2>/dev/null || true; die "postgres did not start"; }
fi

server_answers || die "postgres started but does not answer on $PG_HOST:$PG_PORT"
ensure_db_and_print
