#!/usr/bin/env bash
# Statistics latency over many reports: seeds REPORTS reports (default 10 million) over DAYS days
# (default 400) with `report-portal seed`, starts the release server, and measures p50 and p99 of
# the statistics endpoints over the last year with an auditor's token (wrk, Debian package `wrk`):
#   summary; breakdown by category, group, organization and country; timeseries by day, week and
#   month.
# Then, on the same database, the same figures computed directly by GROUP BY over the reports
# table and its parts (pgbench with one script file per figure), and the ratio direct ÷ API.
#
#   REPORTS=1000000 benches/stats.sh
#
# Without DATABASE_URL it starts a throwaway PostgreSQL cluster (durable settings: fsync and
# synchronous_commit on, shared_buffers=$PG_SHARED_BUFFERS, default 1GB) in PG_DIR (default a
# new temporary folder; give one on a roomy disk for millions of reports) and removes it at the
# end unless KEEP_PG=1. With DATABASE_URL (an empty database) it uses that. Each figure is
# measured for DURATION seconds (default 15) at CONNECTIONS connections (default 2) after a
# 3 s warm-up. REPORTS=0 measures the database as it is (e.g. seeded by an earlier run, with
# DATABASE_URL or KEEP_PG=1). The results are printed and written to benches/results/stats.txt.
# With BENCH_DIR=folder the server's data folder is that folder: give a seeded database's own
# (e.g. `benches/seed_pieces.sh`'s PG_DIR/portal, after `report-portal audit checkpoint`), so
# that the server's audit checkpoints go on from its latest instead of walking the whole chain
# of millions of events from the first while it is measured.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
REPORTS=${REPORTS:-10000000}
DAYS=${DAYS:-400}
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-2}
RESULTS=${RESULTS:-benches/results/stats.txt}
need wrk
need pgbench postgresql-client
need psql postgresql-client
release_binary
make_work_dir "${BENCH_DIR:-}"
if [ -z "${DATABASE_URL:-}" ]; then
  start_postgres "${PG_DIR:-$(mktemp -d /tmp/stats-bench-pg.XXXXXX)}" \
    -c shared_buffers="${PG_SHARED_BUFFERS:-1GB}" -c max_wal_size=8GB -c fsync=on -c synchronous_commit=on
  export DATABASE_URL=$PG_URL/postgres
fi
# No e-mail for the seeded reports; no per-user rate limit on the measuring auditor.
export PORTAL_DATA_DIR=$WORK PORTAL_LOG=warn PORTAL_STAFF_MFA=optional PORTAL_MAIL_WORKER=false
lift_rate_limits
pick_bind
: >"$WORK/out"
say() { echo "$@" | tee -a "$WORK/out"; }

say "== statistics benchmark, $(date -u +%FT%TZ), $(nproc) cores, PostgreSQL $(psql -XAtc 'SHOW server_version' "$DATABASE_URL")"
$BIN migrate >/dev/null
if [ "$REPORTS" -gt 0 ]; then
  say "seeding $REPORTS reports over $DAYS days (report-portal seed, batches of 1000 per transaction)"
  SEEDED=$($BIN seed --reports "$REPORTS" --days "$DAYS")
  say "seeded: $SEEDED"
  psql -XqAtc 'VACUUM ANALYZE' "$DATABASE_URL"
fi
say "reports: $(psql -XAtc 'SELECT count(*) FROM reports' "$DATABASE_URL")"
say "database size: $(psql -XAtc 'SELECT pg_size_pretty(pg_database_size(current_database()))' "$DATABASE_URL")," \
  "rollup rows: $(psql -XAtc 'SELECT count(*) FROM report_counts' "$DATABASE_URL")"

start_server "$WORK/server.log"
TOKEN=$(staff_token "auditor-$(date +%s)@bench.example" auditor bench-Lantern-97-quietly)

TO=$(date -u +%F)
FROM=$(date -u -d "365 days ago" +%F)
RANGE="from=$FROM&to=$TO"

# The figures: name, API path, and the same figure by GROUP BY over the reports.
LIVE="r.mode = 'live' AND r.received_at >= '$FROM' AND r.received_at < '$TO'"
declare -a NAMES PATHS QUERIES
figure() { NAMES+=("$1"); PATHS+=("$2"); QUERIES+=("$3"); }
figure summary "/api/v1/stats/summary?$RANGE" \
  "SELECT count(*) FROM reports r WHERE $LIVE;
   SELECT status, count(*) FROM reports r WHERE $LIVE GROUP BY status;
   SELECT severity, count(*) FROM reports r WHERE $LIVE GROUP BY severity;
   SELECT category, count(*) FROM reports r WHERE $LIVE GROUP BY category;"
figure "breakdown category" "/api/v1/stats/breakdown?dimension=category&$RANGE" \
  "SELECT category, count(*) FROM reports r WHERE $LIVE GROUP BY category;"
figure "breakdown group" "/api/v1/stats/breakdown?dimension=group&$RANGE" \
  "SELECT g.code, count(*) FROM report_groups g JOIN reports r ON r.seq = g.report_seq WHERE $LIVE GROUP BY g.code;"
figure "breakdown organization" "/api/v1/stats/breakdown?dimension=organization&$RANGE" \
  "SELECT organization_id, count(*) FROM reports r WHERE $LIVE GROUP BY organization_id;"
# Countries are only in the sealed bodies (migration body_only_copies): no GROUP BY to compare ("-").
figure "breakdown country" "/api/v1/stats/breakdown?dimension=country&$RANGE" -
for interval in day week month; do
  figure "timeseries $interval" "/api/v1/stats/timeseries?interval=$interval&$RANGE" \
    "SELECT date_trunc('$interval', r.received_at), count(*) FROM reports r WHERE $LIVE GROUP BY 1;"
done

# p50 and p99 in ms from wrk's latency distribution; fails when any answer was not 2xx.
wrk_percentiles() {
  awk '
    /Non-2xx/ { print "non-2xx answers: " $0 > "/dev/stderr"; exit 1 }
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == "50.000%" || $1 == "50%" { p50 = ms($2) }
    $1 == "99.000%" || $1 == "99%" { p99 = ms($2) }
    /Requests\/sec/ { rps = $2 }
    END { printf "%.2f %.2f %.0f\n", p50, p99, rps }'
}
# p50 and p99 in ms from pgbench's per-transaction logs (latency in µs, third column).
pgbench_percentiles() {
  cat "$@" | awk '{ print $3 }' | sort -n | awk '
    { v[NR] = $1 }
    END { i50 = int(NR * 0.50 + 0.999); i99 = int(NR * 0.99 + 0.999); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1;
          printf "%.2f %.2f %d\n", v[i50] / 1000, v[i99] / 1000, NR }'
}

say ""
say "over one year ($FROM to $TO), $CONNECTIONS connections, ${DURATION}s each; latency in ms"
say "$(printf '%-24s %9s %9s %9s | %11s %11s %7s | %10s' figure 'API p50' 'API p99' 'req/s' 'direct p50' 'direct p99' 'runs' 'p99 ratio')"
for i in "${!NAMES[@]}"; do
  url="http://$PORTAL_BIND${PATHS[$i]}"
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$url")
  [ "$status" = 200 ] || { echo "${PATHS[$i]} answered $status"; exit 1; }
  wrk -t1 -c"$CONNECTIONS" -d3s -H "Authorization: Bearer $TOKEN" "$url" >/dev/null
  read -r a50 a99 rps < <(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "$url" | wrk_percentiles)
  if [ "${QUERIES[$i]}" = - ]; then
    say "$(printf '%-24s %9s %9s %9s | %11s %11s %7s | %10s' "${NAMES[$i]}" "$a50" "$a99" "$rps" - - - -)"
    continue
  fi
  echo "${QUERIES[$i]}" >"$WORK/query.sql"
  rm -f "$WORK"/pgbench_log.*
  pgbench -n -f "$WORK/query.sql" -c "$CONNECTIONS" -j "$CONNECTIONS" -T 3 "$DATABASE_URL" >/dev/null 2>&1
  (cd "$WORK" && pgbench -n -f query.sql -c "$CONNECTIONS" -j "$CONNECTIONS" -T "$DURATION" -l "$DATABASE_URL" >/dev/null 2>&1)
  read -r d50 d99 runs < <(pgbench_percentiles "$WORK"/pgbench_log.*)
  ratio=$(python3 -c "print(f'{$d99 / $a99:.0f}x')")
  say "$(printf '%-24s %9s %9s %9s | %11s %11s %7s | %10s' "${NAMES[$i]}" "$a50" "$a99" "$rps" "$d50" "$d99" "$runs" "$ratio")"
done
mkdir -p "$(dirname "$RESULTS")"
cp "$WORK/out" "$RESULTS"
echo "written to $RESULTS"
