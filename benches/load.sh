#!/usr/bin/env bash
# The load benchmark: how close the API comes to the rate at which its database can durably
# store reports. One command:
#
#   benches/load.sh       # DURATION=20 CONCURRENCY=16 BATCH_CONCURRENCY=4 HIGH_CONCURRENCY=64
#
# It starts a throwaway PostgreSQL (fsync and synchronous_commit on; on port PG_PORT if set), the
# release server on it, creates an organization and a credential, and drives realistic reports
# (benches/load.lua: 2-5 accounts, 3-10 content items) with wrk:
#   - single submissions at CONCURRENCY connections on a freshly migrated database (no statistics
#     yet: the plans PostgreSQL caches in the first seconds are made on empty tables);
#   - then, after some load and VACUUM ANALYZE, single submissions at CONCURRENCY and at
#     HIGH_CONCURRENCY connections, at half of the CONCURRENCY peak (wrk with a pause after each
#     answer, see RATE in load.lua), and batches of 100 at BATCH_CONCURRENCY, CONCURRENCY and
#     HIGH_CONCURRENCY connections, then again in the reverse order (each concurrency's two runs
#     fall, on average, at the same point of the database's growth and of the machine's drift:
#     the rates compared are the means of each pair); each run counts its 429 and 503 answers.
# Then two limits on the same PostgreSQL, each at the same concurrency as the API runs they
# divide:
#   - the database's own limit (issue 20): pgbench -M prepared at CONCURRENCY clients storing the
#     same data with nothing else, into scratch tables of its own (benches/pgbench_limit.py: per
#     report a 2 KB body, an id, a unique key, a hash and a timestamp, and ten child rows; one
#     transaction a report, or 100 reports a transaction with multi-row inserts), measured three
#     times through the run and divided by as its median (the machine's speed drifts);
#   - the replay: pgbench sending the very statements the server sent for one submission,
#     captured from PostgreSQL's statement log and turned into a script by
#     benches/pgbench_script.py (same statements, same transaction, prepared; fresh ids in every
#     transaction): the server's own overhead, at CONCURRENCY and BATCH_CONCURRENCY clients.
# It prints reports/s, p50/p99 latency, 429 and 503 counts, the server's peak RSS, the ratios
# API / limit, where a single report's CPU time goes (the server's and PostgreSQL's in the API
# run, PostgreSQL's under the replay), and does the single and batch runs again on SQLite
# (synchronous=FULL). Results go to benches/results/load.txt. WORK_DIR=folder keeps the work
# folder (the captured scripts single.sql and batch.sql among it) there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
CONCURRENCY=${CONCURRENCY:-16}
BATCH_CONCURRENCY=${BATCH_CONCURRENCY:-4}
HIGH_CONCURRENCY=${HIGH_CONCURRENCY:-64}
DURATION=${DURATION:-20}
RESULTS=${RESULTS:-benches/results/load.txt}

need wrk
need pgbench postgresql-client
release_binary
make_work_dir "${WORK_DIR:-}"
start_postgres "$(mktemp -d /tmp/report-portal-pg.XXXXXX)" -c shared_buffers=512MB -c max_connections=200 \
  "-c log_line_prefix='%p|'" -c fsync=on -c synchronous_commit=on
psql -q "$PG_URL/postgres" -c "CREATE DATABASE bench" >/dev/null
psql -q "$PG_URL/postgres" -c "CREATE DATABASE fresh" >/dev/null
# The database's own limit, in scratch tables beside the server's.
python3 benches/pgbench_limit.py schema | psql -q "$PG_URL/bench" 2>/dev/null

# Starts the server on $1 (a database URL; empty for SQLite in the data folder) with the data
# folder $2, creating an organization and credential there the first time; sets SERVER, TOKEN.
serve() {
  if [ -n "$1" ]; then export DATABASE_URL=$1; else unset DATABASE_URL; fi
  # The per-credential rate limit would cap the benchmark: it measures the storing. Mail goes to
  # .eml files in the data folder, as it would go out by SMTP: the worker's work is counted.
  export PORTAL_DATA_DIR=$2 PORTAL_LOG=error PORTAL_NOTIFY_TO=desk@dhs.example
  lift_rate_limits
  pick_bind
  mkdir -p "$2"
  if [ ! -f "$2/credential.json" ]; then
    new_reporter "Load Test"
    echo "$ORG" > "$2/organization"
    echo "$CREDENTIAL" > "$2/credential.json"
  fi
  start_server
  TOKEN=$(client_token "$(json_field client_id < "$2/credential.json")" \
    "$(json_field client_secret < "$2/credential.json")")
  export TOKEN
}
# Stops the server, keeping its peak RSS in PEAK_RSS_MB.
stop() {
  PEAK_RSS_MB=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status")
  stop_server
}
# wrk at $1 connections with BATCH=$2 (and RATE, see load.lua); prints
# "reports/s p50 p99 429s 503s errors" (reports/s counts the reports stored; the latencies are
# those of every answer, 429s included; errors are wrk's: answers other than 2xx and 3xx, and
# requests without an answer within its 10 s timeout).
api() {
  BATCH=$2 wrk -t2 -c"$1" -d"${DURATION}s" --timeout 10s -s benches/load.lua "http://$PORTAL_BIND" \
    | awk '/^RESULT/ {print $3, $5, $7, $11, $13, $9}'
}
# pgbench at $1 connections with script $2 for $3 seconds (default DURATION); prints transactions/s.
limit() {
  pgbench -n -M prepared -c "$1" -j 2 -T "${3:-$DURATION}" -D run="pgb$RANDOM" -f "$2" "$PG_URL/bench" \
    > "$WORK/pgbench.txt" 2>&1 || { cat "$WORK/pgbench.txt" >&2; exit 1; }
  awk '/^tps = / {printf "%.0f", $3}' "$WORK/pgbench.txt"
}
# CPU clock ticks (user + system, with those of ended children) of the processes $@, and of the
# throwaway PostgreSQL cluster (the postmaster, its children, and through it those that ended).
ticks() { for pid in "$@"; do awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || true; done | awk '{s += $1} END {print s + 0}'; }
pg_ticks() { local pm; pm=$(head -1 "$PG_DATA/postmaster.pid"); ticks "$pm" $(pgrep -P "$pm"); }
# Microseconds of CPU per report from ticks $1 to $2 over $3 reports.
per_report() { python3 -c "import sys, os; n = float(sys.argv[3]); print(round((int(sys.argv[2]) - int(sys.argv[1])) * 1e6 / os.sysconf('SC_CLK_TCK') / n) if n else 'n/a')" "$1" "$2" "$3"; }
ratio() { python3 -c "import sys; d = float(sys.argv[2]); print(f'{float(sys.argv[1]) / d:.2f}' if d else 'n/a')" "$1" "$2"; }

# The limit, measured three times (after the first API run, between the single and batch runs,
# and at the end), since this machine's speed changes within minutes: the ratios divide by the
# median of the three, and all three are printed.
python3 benches/pgbench_limit.py script 1 > "$WORK/limit-single.sql"
python3 benches/pgbench_limit.py script 100 > "$WORK/limit-batch.sql"
SINGLE_LIMITS=() BATCH_LIMITS=()
limit_sample() {
  psql -q "$PG_URL/bench" -c "VACUUM ANALYZE limit_reports, limit_children"
  SINGLE_LIMITS+=("$(limit "$CONCURRENCY" "$WORK/limit-single.sql")")
  BATCH_LIMITS+=("$(( $(limit "$CONCURRENCY" "$WORK/limit-batch.sql") * 100 ))")
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

# Single submissions on a freshly migrated database of their own: no statistics yet.
serve "$PG_URL/fresh" "$WORK/data-fresh"
read -r FRESH FRESH_P50 FRESH_P99 FRESH_429 FRESH_503 FRESH_ERRORS <<< "$(api "$CONCURRENCY" 0)"
stop
# Like the server's tables, the limit's have rows and statistics before they are measured:
# measured on empty tables, the first limit came out at a fifth of the two later ones (437
# against 2 031 and 2 384 reports/s; 409 against 2 876 and 2 236).
limit "$CONCURRENCY" "$WORK/limit-single.sql" 5 >/dev/null
limit_sample

# The statements of one single submission and of one batch, as the server sends them.
serve "$PG_URL/bench" "$WORK/data-pg"
stop
# Report keys from here on are recognizable in the log (see SEQ_START in pgbench_script.py).
psql -q "$PG_URL/bench" -c "SELECT setval('reports_seq', 1000000000)" >/dev/null
PGOPTIONS="-c log_statement=all" serve "$PG_URL/bench" "$WORK/data-pg"
: > "$PG_LOG"
BATCH=0 wrk -t1 -c1 -d1s -s benches/load.lua "http://$PORTAL_BIND" >/dev/null
python3 benches/pgbench_script.py "$PG_LOG" "$(cat "$WORK/data-pg/organization")" > "$WORK/single.sql"
mkdir -p "$(dirname "$RESULTS")"
cp "$WORK/single.sql" "$(dirname "$RESULTS")/pgbench-single.sql"
: > "$PG_LOG"
BATCH=100 wrk -t1 -c1 -d2s -s benches/load.lua "http://$PORTAL_BIND" >/dev/null
python3 benches/pgbench_script.py "$PG_LOG" "$(cat "$WORK/data-pg/organization")" > "$WORK/batch.sql"
stop
unset PGOPTIONS
echo "captured: $(grep -c ';$' "$WORK/single.sql") statements a single submission, $(grep -c ';$' "$WORK/batch.sql") a batch of 100"
# A database in service has statistics: without them, the plans PostgreSQL caches for the
# server's prepared statements in its first seconds (on near-empty tables, before autovacuum
# analyzes them) scan whole tables, and keep doing so as they grow. Some reports, then ANALYZE,
# then a fresh server; pgbench runs later, on analyzed tables too.
serve "$PG_URL/bench" "$WORK/data-pg"
BATCH=0 wrk -t2 -c"$CONCURRENCY" -d5s -s benches/load.lua "http://$PORTAL_BIND" >/dev/null
stop
psql -q "$PG_URL/bench" -c "VACUUM ANALYZE"

serve "$PG_URL/bench" "$WORK/data-pg"
SERVER_T0=$(ticks "$SERVER") PG_T0=$(pg_ticks)
read -r SINGLE SINGLE_P50 SINGLE_P99 SINGLE_429 SINGLE_503 SINGLE_ERRORS <<< "$(api "$CONCURRENCY" 0)"
SERVER_T1=$(ticks "$SERVER") PG_T1=$(pg_ticks)
# Half of that peak, offered at a steady rate (see RATE in load.lua).
read -r HALF HALF_P50 HALF_P99 HALF_429 HALF_503 HALF_ERRORS <<< "$(RATE=$(( SINGLE / 2 )) CONNECTIONS=$CONCURRENCY api "$CONCURRENCY" 0)"
read -r HIGH HIGH_P50 HIGH_P99 HIGH_429 HIGH_503 HIGH_ERRORS <<< "$(api "$HIGH_CONCURRENCY" 0)"
limit_sample
# Batches at the three concurrencies, then in the reverse order: every batch run adds 20 000 to
# 40 000 reports, and the machine's speed drifts, so a single pass in one order favoured the first
# concurrency (benches/results/2026-12-23-batch-order.md).
BATCH_RUNS=()
for clients in "$BATCH_CONCURRENCY" "$CONCURRENCY" "$HIGH_CONCURRENCY" \
  "$HIGH_CONCURRENCY" "$CONCURRENCY" "$BATCH_CONCURRENCY"; do
  BATCH_RUNS+=("$clients $(api "$clients" 100)")
done
stop
PG_RSS=$PEAK_RSS_MB
PG_T2=$(pg_ticks)
REPLAY=$(limit "$CONCURRENCY" "$WORK/single.sql")
PG_T3=$(pg_ticks)
BATCH_REPLAY=$(( $(limit "$BATCH_CONCURRENCY" "$WORK/batch.sql") * 100 ))
limit_sample
SINGLE_LIMIT=$(median "${SINGLE_LIMITS[@]}") BATCH_LIMIT=$(median "${BATCH_LIMITS[@]}")
LOAD_PG=$(cut -d' ' -f1-3 /proc/loadavg)

serve "" "$WORK/data-sqlite"
read -r LITE LITE_P50 LITE_P99 LITE_429 LITE_503 LITE_ERRORS <<< "$(api "$CONCURRENCY" 0)"
read -r LITE_HIGH LITE_HIGH_P50 LITE_HIGH_P99 LITE_HIGH_429 LITE_HIGH_503 LITE_HIGH_ERRORS <<< "$(api "$HIGH_CONCURRENCY" 0)"
read -r LITE_BATCHED LITE_BATCH_P50 LITE_BATCH_P99 LITE_BATCH_429 LITE_BATCH_503 LITE_BATCH_ERRORS <<< "$(api "$BATCH_CONCURRENCY" 100)"
stop
LITE_RSS=$PEAK_RSS_MB

# One line of the table: what, clients, reports/s, p50, p99, 429s, 503s, errors, and the limit it
# is divided by (empty: none).
row() {
  local ratio_text="-"
  [ -z "$9" ] || ratio_text=$(ratio "$3" "$9")
  printf "  %-24s %3s clients %5s reports/s  p50 %7s ms  p99 %7s ms  429: %5s  503: %4s  errors: %5s  ÷ limit %s\n" \
    "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$ratio_text"
}
{
  echo "benches/load.sh on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, binary $(basename "$BIN") $(git rev-parse --short HEAD 2>/dev/null || true)"
  echo "load average after the PostgreSQL runs: $LOAD_PG; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "DURATION=${DURATION}s CONCURRENCY=$CONCURRENCY BATCH_CONCURRENCY=$BATCH_CONCURRENCY HIGH_CONCURRENCY=$HIGH_CONCURRENCY"
  echo
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') (fsync=on, synchronous_commit=on), server peak RSS ${PG_RSS} MB"
  echo "  the database's own limit (benches/pgbench_limit.py, $CONCURRENCY clients): single $SINGLE_LIMIT reports/s (median of ${SINGLE_LIMITS[*]}), batches of 100 $BATCH_LIMIT reports/s (median of ${BATCH_LIMITS[*]})"
  echo "  the replay of the server's statements (benches/pgbench_script.py): single $REPLAY reports/s ($CONCURRENCY clients), batches of 100 $BATCH_REPLAY reports/s ($BATCH_CONCURRENCY clients)"
  row "single, fresh database" "$CONCURRENCY" "$FRESH" "$FRESH_P50" "$FRESH_P99" "$FRESH_429" "$FRESH_503" "$FRESH_ERRORS" "$SINGLE_LIMIT"
  row "single" "$CONCURRENCY" "$SINGLE" "$SINGLE_P50" "$SINGLE_P99" "$SINGLE_429" "$SINGLE_503" "$SINGLE_ERRORS" "$SINGLE_LIMIT"
  row "single at half of peak" "$CONCURRENCY" "$HALF" "$HALF_P50" "$HALF_P99" "$HALF_429" "$HALF_503" "$HALF_ERRORS" "$SINGLE_LIMIT"
  row "single" "$HIGH_CONCURRENCY" "$HIGH" "$HIGH_P50" "$HIGH_P99" "$HIGH_429" "$HIGH_503" "$HIGH_ERRORS" "$SINGLE_LIMIT"
  for run in "${BATCH_RUNS[@]}"; do
    read -r clients rate p50 p99 too_many unavailable errors <<< "$run"
    row "batches of 100" "$clients" "$rate" "$p50" "$p99" "$too_many" "$unavailable" "$errors" "$BATCH_LIMIT"
  done
  printf '%s\n' "${BATCH_RUNS[@]}" | python3 -c '
import sys
runs = {}
for line in sys.stdin:
    clients, rate = line.split()[:2]
    runs.setdefault(clients, []).append(float(rate))
means = {clients: sum(rates) / len(rates) for clients, rates in runs.items()}
best = max(means.values())
print("  batches of 100, mean of the runs at each concurrency: " + ", ".join(
    f"{clients} clients {mean:.0f} ({mean / best:.2f} of the best)" for clients, mean in means.items()))'
  printf "  API ÷ replay: single %s, batches of 100 (%s clients) %s\n" "$(ratio "$SINGLE" "$REPLAY")" \
    "$BATCH_CONCURRENCY" "$(ratio "$(cut -d' ' -f2 <<< "${BATCH_RUNS[0]}")" "$BATCH_REPLAY")"
  printf "  CPU per single report: API run: server %s µs + PostgreSQL %s µs | replay: PostgreSQL %s µs\n" \
    "$(per_report "$SERVER_T0" "$SERVER_T1" "$(( SINGLE * DURATION ))")" \
    "$(per_report "$PG_T0" "$PG_T1" "$(( SINGLE * DURATION ))")" \
    "$(per_report "$PG_T2" "$PG_T3" "$(( REPLAY * DURATION ))")"
  echo "SQLite (synchronous=FULL), server peak RSS ${LITE_RSS} MB"
  row "single" "$CONCURRENCY" "$LITE" "$LITE_P50" "$LITE_P99" "$LITE_429" "$LITE_503" "$LITE_ERRORS" ""
  row "single" "$HIGH_CONCURRENCY" "$LITE_HIGH" "$LITE_HIGH_P50" "$LITE_HIGH_P99" "$LITE_HIGH_429" "$LITE_HIGH_503" "$LITE_HIGH_ERRORS" ""
  row "batches of 100" "$BATCH_CONCURRENCY" "$LITE_BATCHED" "$LITE_BATCH_P50" "$LITE_BATCH_P99" "$LITE_BATCH_429" "$LITE_BATCH_503" "$LITE_BATCH_ERRORS" ""
} | tee "$RESULTS"
