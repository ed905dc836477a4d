#!/usr/bin/env bash
# Stops the Temporal server and UI started by scripts/start-cluster.sh (SIGTERM, then SIGKILL
# after 20 s). Idempotent. Postgres is left running (scripts/stop-postgres.sh stops it).
# `--purge` also drops the cluster's databases and deletes its state folder.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${GENFLOW_CLUSTER_DIR:-$ROOT/.genflow/cluster}"
DB="${GENFLOW_CLUSTER_DB:-temporal}"

log() { printf '[stop-cluster] %s\n' "$*" >&2; }

stop_pidfile() { # <pid file> <what>
  local pid
  [ -f "$1" ] || { log "$2 not running"; return 0; }
  pid="$(cat "$1")"
  # Only a process of ours: a pid reused by something else after a reboot is left alone.
  if [ -n "$pid" ] && [ -e "/proc/$pid" ] && grep -q genflow-gobin "/proc/$pid/cmdline" 2>/dev/null; then
    log "stopping $2 (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do
      [ -e "/proc/$pid" ] || break
      sleep 0.1
    done
    if [ -e "/proc/$pid" ]; then
      log "$2 still running after 20 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  else
    log "$2 not running"
  fi
  rm -f "$1"
}

stop_pidfile "$STATE/ui.pid" "temporal UI"
stop_pidfile "$STATE/server.pid" "temporal server"

if [ "${1:-}" = "--purge" ]; then
  if [ -f "$STATE/config.yaml" ]; then
    addr="$(sed -nE 's/^ *connectAddr: "?([^"]+)"?$/\1/p' "$STATE/config.yaml" | head -n1)"
    user="$(sed -nE 's/^ *user: "?([^"]*)"?$/\1/p' "$STATE/config.yaml" | head -n1)"
    if [ -z "${PG_BIN:-}" ] && [ -f "$ROOT/.genflow/machine.env" ]; then
      # shellcheck disable=SC1091
      PG_BIN="$(. "$ROOT/.genflow/machine.env" && printf '%s' "${PG_BIN:-}")"
    fi
    for d in "$DB" "${DB}_visibility"; do
      log "dropping database $d on $addr"
      "${PG_BIN:+$PG_BIN/}psql" -X -q -h "${addr%:*}" -p "${addr##*:}" -U "${user:-postgres}" -d postgres \
        -c "drop database if exists \"$d\" with (force)" || true
    done
  fi
  log "removing $STATE"
  rm -rf "$STATE"
fi
