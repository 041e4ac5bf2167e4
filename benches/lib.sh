# The prologue the bench scripts (benches/*.sh) and the CI scripts (.ci/run,
# .ci/schemathesis.sh) share: source it first, after `set -euo pipefail`:
#
#   . "$(dirname "$0")/../benches/lib.sh"
#
# It moves to the repository root and defines:
#   ROOT, VALID_REPORT   the repository root; the valid report fixture (tests/fixtures/valid_report.json)
#   free_port            prints a free TCP port on 127.0.0.1
#   json_field NAME      prints the field NAME of the JSON object on stdin
#   valid_report [ID]    prints the valid report fixture with external_id ID (default: a new one)
#   need TOOL [PACKAGE]  stops unless TOOL is on PATH (naming the Debian package to install)
#   release_binary       sets BIN to its absolute path: $BIN when given, else the release build
#   make_work_dir [DIR]  sets WORK: DIR (created, kept), else a new temporary folder removed at exit
#   on_exit COMMAND      runs COMMAND at exit, the last registered first (after the server stops)
#   pick_bind            exports PORTAL_BIND=127.0.0.1:<free port>, and the metrics server on any
#                        free port unless PORTAL_METRICS_BIND says otherwise
#   lift_rate_limits     exports rate limits no single measuring client reaches
#   start_server [LOG]   starts `$BIN serve` in the background (stderr to LOG if given), sets
#                        SERVER to its pid and waits until /readyz answers 200 (at most 60 s)
#   wait_ready           waits until http://$PORTAL_BIND/readyz answers 200 (at most 60 s)
#   stop_server          SIGTERM to SERVER and waits for it to finish (it may still be writing)
#   new_reporter NAME [credential create options]
#                        a vetted organization and a credential made with the CLI: sets ORG,
#                        CREDENTIAL (the CLI's JSON), CLIENT_ID, CLIENT_SECRET
#   client_token ID SECRET       prints an access token (client credentials grant)
#   staff_token EMAIL ROLE PASSWORD
#                        creates the staff user with the CLI (unless it exists) and prints the
#                        access token of its sign-in
#   sql STATEMENT        runs STATEMENT on the portal's database (DATABASE_URL, else $WORK's SQLite)
#   queue_notifications N    one seeded report and N due notifications of it
#   start_smtp_sink      a loopback relay (benches/smtp_sink.py) for the server's e-mail: exports
#                        PORTAL_SMTP_URL, sets SINK; sink_taken prints the messages it took so far
#   as_pg COMMAND...     runs COMMAND as the postgres user when we are root (initdb refuses root)
#   start_postgres DIR [-c NAME=VALUE...]
#                        a throwaway PostgreSQL cluster (binaries in PG_BIN) in DIR, on 127.0.0.1;
#                        on port PG_PORT when set, else a free one;
#                        sets PG_PORT, PG_URL (postgres://postgres@127.0.0.1:PG_PORT, append
#                        /DATABASE), PG_DATA and PG_LOG; stopped at exit and DIR removed, unless
#                        KEEP_PG=1 (then stopped cleanly and kept)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VALID_REPORT=$ROOT/tests/fixtures/valid_report.json
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
SERVER=

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

json_field() {
  python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

valid_report() {
  python3 -c 'import json, sys, uuid
report = json.load(open(sys.argv[1]))
report["external_id"] = sys.argv[2] if len(sys.argv) > 2 else f"case-{uuid.uuid4().hex}"
print(json.dumps(report))' "$VALID_REPORT" "$@"
}

need() {
  command -v "$1" >/dev/null || { echo "$1 is needed (apt-get install ${2:-$1})" >&2; exit 1; }
}

release_binary() {
  if [ -z "${BIN:-}" ]; then
    cargo build --release --quiet
    BIN=${CARGO_TARGET_DIR:-target}/release/report-portal
  fi
  BIN=$(realpath "$BIN")
}

_exit_actions=()
on_exit() {
  _exit_actions=("$1" "${_exit_actions[@]}")
}
_at_exit() {
  stop_server
  local action
  for action in "${_exit_actions[@]}"; do
    eval "$action" || true
  done
}
trap _at_exit EXIT

make_work_dir() {
  if [ -n "${1:-}" ]; then
    WORK=$1
    mkdir -p "$WORK"
  else
    WORK=$(mktemp -d /tmp/report-portal-bench.XXXXXX)
    on_exit 'rm -rf "$WORK"'
  fi
}

pick_bind() {
  PORTAL_BIND=127.0.0.1:$(free_port)
  export PORTAL_BIND PORTAL_METRICS_BIND=${PORTAL_METRICS_BIND:-127.0.0.1:0}
}

lift_rate_limits() {
  export PORTAL_RATE_LIMIT_PER_SECOND=1000000 PORTAL_RATE_LIMIT_BURST=1000000 \
    PORTAL_AUTH_RATE_LIMIT_PER_SECOND=1000000 PORTAL_AUTH_RATE_LIMIT_BURST=1000000
}

wait_ready() {
  local _
  for _ in $(seq 600); do
    curl -sf "http://$PORTAL_BIND/readyz" >/dev/null && return 0
    [ -z "$SERVER" ] || kill -0 "$SERVER" 2>/dev/null || { echo "the server exited" >&2; exit 1; }
    sleep 0.1
  done
  echo "the server at $PORTAL_BIND was not ready within 60 s" >&2
  exit 1
}

start_server() {
  if [ -n "${1:-}" ]; then
    "$BIN" serve 2>"$1" &
  else
    "$BIN" serve &
  fi
  SERVER=$!
  wait_ready
}

stop_server() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=
  fi
}

# SQL against the portal's database: DATABASE_URL's PostgreSQL, else the SQLite file in $WORK.
sql() {
  if [[ "${DATABASE_URL:-}" == postgres* ]]; then
    psql -qAt "$DATABASE_URL" -c "$1"
  else
    sqlite3 -cmd ".timeout 60000" "$WORK/portal.db" "$1"
  fi
}

# Seeds one report and queues $1 notifications of it, all due (PORTAL_DATA_DIR set, server stopped).
queue_notifications() {
  local now="strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 minute')"
  [[ "${DATABASE_URL:-}" != postgres* ]] || now="(now() at time zone 'utc' - interval '1 minute')"
  PORTAL_LOG=warn "$BIN" seed --reports 1 --organizations 1 --days 1 >/dev/null
  sql "INSERT INTO outbox (id, kind, report_id, urgent, status, attempts, next_attempt_at, created_at)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
       SELECT 'backlog-' || CAST(i AS TEXT), 'new_report', (SELECT id FROM reports LIMIT 1), false,
              'pending', 0, $now, $now FROM n"
}

# Starts benches/smtp_sink.py (a loopback relay that keeps nothing) on a free port, stopped at
# exit, and exports PORTAL_SMTP_URL to it; it writes "messages taken: N" to $WORK/sink.log on
# SIGUSR1 (see sink_taken) and when it stops. Sets SINK to its pid.
start_smtp_sink() {
  local port
  port=$(free_port)
  python3 "$ROOT/benches/smtp_sink.py" "$port" >"$WORK/sink.log" &
  SINK=$!
  on_exit "kill $SINK"
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.1; done
  export PORTAL_SMTP_URL=smtp://127.0.0.1:$port
}

# Prints how many messages the sink has taken so far.
sink_taken() {
  local lines
  lines=$(wc -l <"$WORK/sink.log")
  kill -USR1 "$SINK"
  until [ "$(wc -l <"$WORK/sink.log")" -gt "$lines" ]; do sleep 0.05; done
  tail -n 1 "$WORK/sink.log" | awk '{print $3}'
}

new_reporter() {
  local name=$1
  shift
  ORG=$("$BIN" org create --name "$name" --vetted | json_field id)
  CREDENTIAL=$("$BIN" credential create --org "$ORG" "$@")
  CLIENT_ID=$(json_field client_id <<<"$CREDENTIAL")
  CLIENT_SECRET=$(json_field client_secret <<<"$CREDENTIAL")
}

client_token() {
  curl -sf "http://$PORTAL_BIND/api/v1/auth/token" -d grant_type=client_credentials \
    --data-urlencode "client_id=$1" --data-urlencode "client_secret=$2" | json_field access_token
}

staff_token() {
  "$BIN" user create --email "$1" --role "$2" --password-stdin <<<"$3" >/dev/null 2>&1 \
    || true # made by an earlier run on this database; signing in tells
  curl -sf "http://$PORTAL_BIND/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\": \"$1\", \"password\": \"$3\"}" | json_field access_token
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local dir=$1
  shift
  [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL server binaries not found (set PG_BIN)" >&2; exit 1; }
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
  PG_PORT=${PG_PORT:-$(free_port)}
  PG_DATA=$dir/data
  PG_LOG=$dir/server.log
  PG_URL=postgres://postgres@127.0.0.1:$PG_PORT
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust --no-sync >/dev/null
  on_exit "stop_postgres '$dir'"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w \
    -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 $*" start >/dev/null
}

stop_postgres() {
  if [ "${KEEP_PG:-0}" = 1 ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$1/data" -m fast stop >/dev/null 2>&1 || true
  else
    as_pg "$PG_BIN/pg_ctl" -D "$1/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$1"
  fi
}
