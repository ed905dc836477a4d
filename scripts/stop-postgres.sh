#!/usr/bin/env bash
# Stops the throwaway test server started by scripts/start-postgres.sh.
# Idempotent: nothing to do when it is not running. `--purge` also deletes its data.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_DATA_DIR="${PG_DATA_DIR:-/tmp/genflow-pg}"
DATA="$PG_DATA_DIR/data"

log() { printf '[stop-postgres] %s\n' "$*" >&2; }

if [ -z "${PG_BIN:-}" ] && [ -f "$ROOT/.genflow/machine.env" ]; then
  # shellcheck disable=SC1091
  PG_BIN="$(. "$ROOT/.genflow/machine.env" && printf '%s' "${PG_BIN:-}")"
fi
if [ -z "${PG_BIN:-}" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n1 | xargs -r dirname || true)"
fi

if [ "$(id -u)" -eq 0 ] && id -u postgres >/dev/null 2>&1; then
  as_pg() { (cd / && runuser -u postgres -- "$@"); }
else
  as_pg() { (cd / && "$@"); }
fi

if [ -f "$DATA/postmaster.pid" ] && [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/pg_ctl" ]; then
  if as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    log "stopping postgres ($DATA)"
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null \
      || as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null
  else
    log "postgres not running ($DATA has a stale postmaster.pid)"
  fi
else
  log "postgres not running ($DATA)"
fi

if [ "${1:-}" = "--purge" ]; then
  log "removing $PG_DATA_DIR"
  rm -rf "$PG_DATA_DIR"
fi
