#!/usr/bin/env bash
# Starts a real Temporal cluster on this machine, without containers, idempotently:
#   - the Temporal server (frontend, history, matching and worker services in one process,
#     4 history shards) on PostgreSQL with SQL visibility, and the Temporal Web UI;
#   - both built from the Go module proxy with `go install` (GOTOOLCHAIN=go1.27.3) into
#     ${GENFLOW_GOBIN:-$HOME/.cache/genflow-gobin} — outside the repository, so a fresh clone
#     on the same machine reuses them. A cold build takes about 6 minutes on 2 cores (the
#     server; the SQL tool and the UI add well under a minute);
#   - Postgres from scripts/start-postgres.sh unless GENFLOW_CLUSTER_PG=host:port names one
#     (user ${GENFLOW_CLUSTER_PG_USER:-postgres}, trust or GENFLOW_CLUSTER_PG_PASSWORD);
#   - databases ${GENFLOW_CLUSTER_DB:-temporal} and ${GENFLOW_CLUSTER_DB:-temporal}_visibility,
#     schema applied with Temporal's SQL tool (setup-schema -v 0.0 + update-schema: a no-op
#     when already current);
#   - the `default` namespace and genflow's search attributes (domain/search-attributes.ts).
# Ports (loopback only): frontend ${GENFLOW_CLUSTER_PORT:-17233} (gRPC), +1 history, +2 matching,
# +6 worker, +10 frontend HTTP, membership ports 1000 below each; UI ${GENFLOW_CLUSTER_UI_PORT:-18233}.
# State (config, pid files, logs): ${GENFLOW_CLUSTER_DIR:-.genflow/cluster}.
# GENFLOW_CLUSTER_BUILD_ONLY=1 builds (or finds) the binaries and exits; GENFLOW_CLUSTER_NO_BUILD=1
# fails instead of building.
# Progress goes to stderr; the last two lines on stdout are
#   TEMPORAL_ADDRESS=127.0.0.1:<port>
#   TEMPORAL_UI=http://127.0.0.1:<port>
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEMPORAL_VERSION=v1.32.2
# The newest ui-server whose dependencies the module proxy serves here (v2.58.x needs
# go.temporal.io/api v1.64.0, which it refuses); it speaks to a v1.32 server.
UI_VERSION=v2.56.4
GO_TOOLCHAIN="${GENFLOW_GO_TOOLCHAIN:-go1.27.3}"
GOBIN_ROOT="${GENFLOW_GOBIN:-$HOME/.cache/genflow-gobin}"
STATE="${GENFLOW_CLUSTER_DIR:-$ROOT/.genflow/cluster}"
PORT="${GENFLOW_CLUSTER_PORT:-17233}"
UI_PORT="${GENFLOW_CLUSTER_UI_PORT:-18233}"
DB="${GENFLOW_CLUSTER_DB:-temporal}"
VIS_DB="${DB}_visibility"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
HOST=127.0.0.1

log() { printf '[start-cluster] %s\n' "$*" >&2; }
die() { printf '[start-cluster] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- binaries
SERVER_DIR="$GOBIN_ROOT/temporal-$TEMPORAL_VERSION"
UI_DIR="$GOBIN_ROOT/ui-$UI_VERSION"
SERVER_BIN="$SERVER_DIR/server"
SQL_BIN="$SERVER_DIR/sql"
UI_BIN="$UI_DIR/server"

# The version a Go binary was built from, or empty (no go, or not a Go binary).
built_version() {
  command -v go >/dev/null 2>&1 || return 0
  GOTOOLCHAIN=local go version -m "$1" 2>/dev/null | awk -v m="$2" '$1 == "mod" && $2 == m { print $3; exit }'
}

# A machine without Go gets the toolchain the way `GOTOOLCHAIN` itself fetches it: the module
# golang.org/toolchain from the Go module proxy, unpacked under the cache folder.
ensure_go() {
  command -v go >/dev/null 2>&1 && return 0
  local arch dir zip proxy
  case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) die "no go, and no toolchain for $(uname -m)" ;; esac
  dir="$GOBIN_ROOT/toolchain/golang.org/toolchain@v0.0.1-$GO_TOOLCHAIN.linux-$arch"
  if [ ! -x "$dir/bin/go" ]; then
    proxy="${GOPROXY:-https://proxy.golang.org}"
    proxy="${proxy%%,*}"
    zip="$GOBIN_ROOT/toolchain/$GO_TOOLCHAIN.zip"
    mkdir -p "$GOBIN_ROOT/toolchain"
    log "no go on PATH: fetching $GO_TOOLCHAIN from $proxy"
    curl -fsSL -o "$zip" "$proxy/golang.org/toolchain/@v/v0.0.1-$GO_TOOLCHAIN.linux-$arch.zip" || die "could not fetch the Go toolchain"
    python3 -m zipfile -e "$zip" "$GOBIN_ROOT/toolchain" || die "could not unpack $zip"
    chmod -R u+x "$dir/bin" "$dir/pkg/tool"
    rm -f "$zip"
  fi
  PATH="$dir/bin:$PATH"
}

go_install() { # <dir> <package@version>
  # The test lane asks for no build: a 6-minute surprise inside `npm test` helps no one.
  [ "${GENFLOW_CLUSTER_NO_BUILD:-0}" != "1" ] || die "$2 is not built in $1 (GENFLOW_CLUSTER_NO_BUILD=1; run scripts/setup-machine.sh)"
  ensure_go
  local started=$SECONDS
  log "building $2 into $1 (cold: the server takes about 6 minutes on 2 cores)"
  mkdir -p "$1"
  GOTOOLCHAIN="$GO_TOOLCHAIN" GOBIN="$1" go install "$2" >&2 \
    || die "go install $2 failed"
  log "built $2 in $((SECONDS - started)) s"
}

ensure_binaries() {
  mkdir -p "$GOBIN_ROOT"
  # One build at a time per cache, whoever asks (CI setup, the test lane, a developer).
  exec 8>"$GOBIN_ROOT/.build.lock"
  flock 8
  local name
  for name in server sql; do
    [ -x "$SERVER_DIR/$name" ] && continue
    # A plain `GOBIN=$GOBIN_ROOT go install …/cmd/server@$TEMPORAL_VERSION` (as in the issue) is
    # adopted when it is that version: a hard link, no copy of 160 MB.
    if [ -x "$GOBIN_ROOT/$name" ] && [ "$(built_version "$GOBIN_ROOT/$name" go.temporal.io/server)" = "$TEMPORAL_VERSION" ]; then
      mkdir -p "$SERVER_DIR"
      ln -f "$GOBIN_ROOT/$name" "$SERVER_DIR/$name" 2>/dev/null || cp "$GOBIN_ROOT/$name" "$SERVER_DIR/$name"
      log "using $GOBIN_ROOT/$name ($TEMPORAL_VERSION)"
    fi
  done
  [ -x "$SERVER_BIN" ] || go_install "$SERVER_DIR" "go.temporal.io/server/cmd/server@$TEMPORAL_VERSION"
  [ -x "$SQL_BIN" ] || go_install "$SERVER_DIR" "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_VERSION"
  [ -x "$UI_BIN" ] || go_install "$UI_DIR" "github.com/temporalio/ui-server/v2/cmd/server@$UI_VERSION"
  flock -u 8
}

ensure_binaries
log "binaries: $SERVER_BIN, $SQL_BIN, $UI_BIN"
if [ "${GENFLOW_CLUSTER_BUILD_ONLY:-0}" = "1" ]; then exit 0; fi

if [ -z "${TEMPORAL_CLI_PATH:-}" ] && [ -f "$ROOT/.genflow/machine.env" ]; then
  # shellcheck disable=SC1091
  TEMPORAL_CLI_PATH="$(. "$ROOT/.genflow/machine.env" && printf '%s' "${TEMPORAL_CLI_PATH:-}")"
fi
TEMPORAL_CLI="${TEMPORAL_CLI_PATH:-$(command -v temporal || true)}"
[ -n "$TEMPORAL_CLI" ] && [ -x "$TEMPORAL_CLI" ] || die "no temporal CLI (TEMPORAL_CLI_PATH); run scripts/setup-machine.sh"
if [ -z "${PG_BIN:-}" ] && [ -f "$ROOT/.genflow/machine.env" ]; then
  # shellcheck disable=SC1091
  PG_BIN="$(. "$ROOT/.genflow/machine.env" && printf '%s' "${PG_BIN:-}")"
fi
PSQL="${PG_BIN:+$PG_BIN/}psql"

mkdir -p "$STATE"
exec 9>"$STATE/.lock"
flock 9

# ---------------------------------------------------------------- Postgres
if [ -n "${GENFLOW_CLUSTER_PG:-}" ]; then
  PG_HOST="${GENFLOW_CLUSTER_PG%:*}"
  PG_PORT="${GENFLOW_CLUSTER_PG##*:}"
else
  url="$(PG_DB="$DB" bash "$ROOT/scripts/start-postgres.sh" | tail -n1)"
  url="${url#DATABASE_URL=postgres://}"
  url="${url#*@}"
  PG_HOST="${url%%:*}"
  url="${url#*:}"
  PG_PORT="${url%%/*}"
fi
PG_USER="${GENFLOW_CLUSTER_PG_USER:-postgres}"
PG_PASSWORD="${GENFLOW_CLUSTER_PG_PASSWORD:-}"

psql_admin() {
  PGPASSWORD="$PG_PASSWORD" "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"
}
for d in "$DB" "$VIS_DB"; do
  if [ "$(psql_admin -Atc "select 1 from pg_database where datname = '$d'")" != "1" ]; then
    log "creating database $d"
    psql_admin -c "create database \"$d\""
  fi
done

sql_tool() { # <db> <args…>
  local db="$1"; shift
  "$SQL_BIN" --plugin postgres12 --endpoint "$PG_HOST" --port "$PG_PORT" --user "$PG_USER" \
    --password "$PG_PASSWORD" --database "$db" "$@" >>"$STATE/schema.log" 2>&1 \
    || { tail -n 20 "$STATE/schema.log" >&2; die "temporal sql tool failed on $db: $*"; }
}
# The schemas are embedded in the tool; both steps do nothing on a current database.
log "schema: $DB, $VIS_DB (log $STATE/schema.log)"
sql_tool "$DB" setup-schema -v 0.0
sql_tool "$DB" update-schema --schema-name postgresql/v12/temporal
sql_tool "$VIS_DB" setup-schema -v 0.0
sql_tool "$VIS_DB" update-schema --schema-name postgresql/v12/visibility

# ---------------------------------------------------------------- config
# Modelled on the module's config/development-postgres12.yaml; every port on loopback and
# clear of the dev server's (7233/8233), archival off, metrics and pprof off.
service_block() { # <name> <grpc port>
  cat <<EOF
  $1:
    rpc:
      grpcPort: $2
      membershipPort: $(($2 - 1000))
      bindOnIP: $HOST
EOF
}
datastore() { # <name> <db> <max conns>
  cat <<EOF
    $1:
      sql:
        pluginName: postgres12
        databaseName: $2
        connectAddr: "$PG_HOST:$PG_PORT"
        connectProtocol: tcp
        user: "$PG_USER"
        password: "$PG_PASSWORD"
        maxConns: $3
        maxIdleConns: $3
        maxConnLifetime: 1h
EOF
}
config="$STATE/config.yaml.new"
{
  cat <<EOF
# written by scripts/start-cluster.sh
log:
  stdout: true
  level: ${GENFLOW_CLUSTER_LOG_LEVEL:-warn}
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
EOF
  datastore default "$DB" 20
  datastore visibility "$VIS_DB" 10
  cat <<EOF
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: $HOST
services:
EOF
  service_block frontend "$PORT"
  echo "      httpPort: $((PORT + 10))"
  service_block history "$((PORT + 1))"
  service_block matching "$((PORT + 2))"
  service_block worker "$((PORT + 6))"
  cat <<EOF
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: $HOST:$PORT
      httpAddress: $HOST:$((PORT + 10))
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: $STATE/dynamicconfig.yaml
  pollInterval: 10s
EOF
} >"$config"
mv -f "$config" "$STATE/config.yaml"
cat >"$STATE/dynamicconfig.yaml" <<EOF
# written by scripts/start-cluster.sh
limit.maxIDLength:
  - value: 255
# A search attribute registered a moment ago is usable at once (else up to a minute later).
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
EOF

mkdir -p "$STATE/ui/config"
cat >"$STATE/ui/config/cluster.yaml" <<EOF
# written by scripts/start-cluster.sh
temporalGrpcAddress: $HOST:$PORT
host: $HOST
port: $UI_PORT
enableUi: true
defaultNamespace: $NAMESPACE
disableNewsFetch: true
notifyOnNewVersion: false
refreshInterval: 0s
cors:
  cookieInsecure: true
  allowOrigins: []
EOF

# ---------------------------------------------------------------- processes
alive() { # <pid file> <binary>: the process of the pid file runs that binary
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1")"
  [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" = "$(readlink -f "$2")" ]
}

healthy() {
  "$TEMPORAL_CLI" operator cluster health --address "$HOST:$PORT" --command-timeout 3s 2>/dev/null | grep -q SERVING
}

if alive "$STATE/server.pid" "$SERVER_BIN"; then
  log "temporal server already running (pid $(cat "$STATE/server.pid"))"
else
  log "starting temporal server $TEMPORAL_VERSION on $HOST:$PORT (log $STATE/server.log)"
  # setsid: the server outlives this script and is not hit by the caller's Ctrl-C.
  setsid "$SERVER_BIN" --config-file "$STATE/config.yaml" --allow-no-auth start >>"$STATE/server.log" 2>&1 </dev/null &
  echo $! >"$STATE/server.pid"
fi

started=$SECONDS
until healthy; do
  alive "$STATE/server.pid" "$SERVER_BIN" || { tail -n 30 "$STATE/server.log" >&2; die "temporal server exited"; }
  [ $((SECONDS - started)) -lt 120 ] || { tail -n 30 "$STATE/server.log" >&2; die "frontend not serving after 120 s"; }
  sleep 0.5
done
log "frontend serving after $((SECONDS - started)) s"

if alive "$STATE/ui.pid" "$UI_BIN"; then
  log "temporal UI already running (pid $(cat "$STATE/ui.pid"))"
else
  log "starting temporal UI $UI_VERSION on http://$HOST:$UI_PORT (log $STATE/ui.log)"
  (cd "$STATE/ui" && exec setsid "$UI_BIN" --root "$STATE/ui" --config config --env cluster start >>"$STATE/ui.log" 2>&1 </dev/null) &
  echo $! >"$STATE/ui.pid"
fi

# ---------------------------------------------------------------- namespace, search attributes
cli() { "$TEMPORAL_CLI" "$@" --address "$HOST:$PORT" --command-timeout 10s; }
until cli operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; do
  cli operator namespace create --namespace "$NAMESPACE" --retention 72h >/dev/null 2>&1 || true
  [ $((SECONDS - started)) -lt 120 ] || die "could not create namespace $NAMESPACE"
  sleep 0.5
done

# Keys and types straight from domain/search-attributes.ts, so the two cannot drift apart.
mapfile -t wanted < <(sed -nE "s/.*defineSearchAttributeKey\('([A-Za-z0-9_]+)', SearchAttributeType\.([A-Z_]+)\).*/\1 \2/p" "$ROOT/domain/search-attributes.ts")
[ "${#wanted[@]}" -gt 0 ] || die "no search attributes found in domain/search-attributes.ts"
# The frontend describes a namespace as soon as it is written, but the operator service reads it
# through the namespace cache, which refreshes every few seconds: until then it answers "Namespace
# default is not found" (seen under load in CI). Retry that, and only that, for up to two minutes.
while :; do
  existing="$(cli operator search-attribute list --namespace "$NAMESPACE" 2>/dev/null || true)"
  args=()
  for entry in "${wanted[@]}"; do
    name="${entry% *}"
    case "${entry#* }" in
      KEYWORD) type=Keyword ;; TEXT) type=Text ;; INT) type=Int ;; DOUBLE) type=Double ;;
      BOOL) type=Bool ;; DATETIME) type=Datetime ;; KEYWORD_LIST) type=KeywordList ;;
      *) die "unknown search attribute type ${entry#* } for $name" ;;
    esac
    grep -qw "$name" <<<"$existing" || args+=(--name "$name" --type "$type")
  done
  [ "${#args[@]}" -gt 0 ] || break
  log "registering search attributes: ${args[*]}"
  if out="$(cli operator search-attribute create --namespace "$NAMESPACE" "${args[@]}" 2>&1)"; then break; fi
  case "$out" in
    *"not found"*|*"Unavailable"*|*"unavailable"*|*"deadline exceeded"*) ;;
    *) printf '%s\n' "$out" >&2; die "could not register search attributes" ;;
  esac
  [ $((SECONDS - started)) -lt 120 ] || { printf '%s\n' "$out" >&2; die "could not register search attributes after 120 s"; }
  log "namespace not ready for search attributes yet ($out); retrying"
  sleep 1
done

until curl -fsS -o /dev/null "http://$HOST:$UI_PORT/"; do
  alive "$STATE/ui.pid" "$UI_BIN" || { tail -n 20 "$STATE/ui.log" >&2; die "temporal UI exited"; }
  [ $((SECONDS - started)) -lt 60 ] || die "temporal UI not answering after 60 s"
  sleep 0.3
done

flock -u 9
echo "TEMPORAL_ADDRESS=$HOST:$PORT"
echo "TEMPORAL_UI=http://$HOST:$UI_PORT"
