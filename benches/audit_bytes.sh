#!/usr/bin/env bash
# Bytes of the audit log an event, as the API writes it: single submissions by wrk
# (benches/load.lua) at CONCURRENCY connections for DURATION seconds on a throwaway PostgreSQL 15
# (fsync on), then the server stopped, the log sealed (`audit checkpoint`) and vacuumed. Prints
# the events, how many the sealer had to update afterwards (those not sealed as they were
# written: pg_stat_user_tables' updates), and audit_events' bytes (table and indexes) an event.
#
#   benches/audit_bytes.sh            # CONCURRENCY=16 DURATION=20; BIN=path measures that build
set -euo pipefail
. "$(dirname "$0")/lib.sh"
CONCURRENCY=${CONCURRENCY:-16}
DURATION=${DURATION:-20}
export PG_PORT=${PG_PORT:-55443}
need wrk
release_binary
make_work_dir
PG_DIR=$(mktemp -d /tmp/report-portal-pg.XXXXXX)
start_postgres "$PG_DIR" -c fsync=on -c synchronous_commit=on
psql -q "$PG_URL/postgres" -c "CREATE DATABASE audit" >/dev/null
export DATABASE_URL=$PG_URL/audit PORTAL_DATA_DIR=$WORK/data PORTAL_LOG=error PORTAL_MAIL_WORKER=false
mkdir -p "$PORTAL_DATA_DIR"
lift_rate_limits
pick_bind
new_reporter "Audit Bytes"
start_server
TOKEN=$(client_token "$CLIENT_ID" "$CLIENT_SECRET")
export TOKEN
BATCH=0 wrk -t2 -c"$CONCURRENCY" -d"${DURATION}s" --timeout 10s -s benches/load.lua \
  "http://$PORTAL_BIND" | awk '/^RESULT/ {print "submitted:", $3, "reports/s"}'
stop_server
"$BIN" audit checkpoint >/dev/null
psql -q "$DATABASE_URL" -c "VACUUM ANALYZE audit_events"
psql -qAt -F ' ' "$DATABASE_URL" -c "
  SELECT count(*), (SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'audit_events'),
         pg_relation_size('audit_events'), pg_total_relation_size('audit_events')
  FROM audit_events" | {
  read -r events updated table total
  python3 -c "import sys
e, u, t, a = map(int, sys.argv[1:])
print(f'events: {e}, sealed afterwards: {u} ({100 * u / e:.0f} %)')
print(f'audit_events bytes an event: table {t / e:.0f}, with its indexes {a / e:.0f}')" \
    "$events" "$updated" "$table" "$total"
}
stop_postgres "$PG_DIR"
