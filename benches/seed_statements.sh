#!/usr/bin/env bash
# Where a seed's database time goes. Seeds REPORTS reports (default 300 000) with
# `report-portal seed` on a throwaway PostgreSQL 15 cluster with fsync on and pg_stat_statements
# loaded, then prints the seed's summary and the 25 statements that took PostgreSQL the most
# time: seconds, calls, rows, milliseconds a call, share of all statements' time.
#
#   benches/seed_statements.sh
#   REPORTS=50000 benches/seed_statements.sh
#
# BIN=path uses that binary instead of the release build (to measure an older commit's).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
REPORTS=${REPORTS:-300000}
release_binary
need psql postgresql-client
make_work_dir
start_postgres "$(mktemp -d /tmp/seed-statements-pg.XXXXXX)" -c shared_buffers=2GB -c max_wal_size=8GB -c fsync=on \
  -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all
export DATABASE_URL=$PG_URL/postgres PORTAL_DATA_DIR=$WORK PORTAL_LOG=warn PORTAL_MAIL_WORKER=false
"$BIN" migrate >/dev/null
psql -qXAt "$DATABASE_URL" -c "CREATE EXTENSION pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
"$BIN" seed --reports "$REPORTS" --days 365 --organizations 20 2>/dev/null
psql -X "$DATABASE_URL" -c "
  SELECT round(total_exec_time::numeric / 1000, 1) AS s, calls, rows,
         round((total_exec_time / calls)::numeric, 2) AS ms_a_call,
         round((100 * total_exec_time / sum(total_exec_time) OVER ())::numeric, 1) AS pct,
         left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS statement
  FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25"
psql -XAt "$DATABASE_URL" -c "SELECT 'all statements, s: ' || round(sum(total_exec_time)::numeric / 1000, 1) FROM pg_stat_statements"
