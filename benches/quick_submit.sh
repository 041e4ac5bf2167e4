#!/usr/bin/env bash
# A quick load run of submissions: starts the release server on a fresh database, creates a
# vetted organization and a credential, and drives POST /api/v1/reports (or, with BATCH=N,
# POST /api/v1/reports/batch with N reports a request) with wrk (Debian package `wrk`) for
# DURATION seconds at CONCURRENCY connections.
#
#   benches/quick_submit.sh                                   # single, SQLite in a temporary folder
#   BATCH=100 benches/quick_submit.sh                         # batches of 100
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench benches/quick_submit.sh
#   DATABASE_URL=... PG_DATA=/path/to/cluster benches/quick_submit.sh   # counts PostgreSQL's CPU too
#   PERF=/tmp/submit.perf benches/quick_submit.sh             # and profiles the server with perf
#   MAIL=1 benches/quick_submit.sh                            # with the e-mail worker (see below)
#
# Prints wrk's summary, "reports/s" (reports stored per second; every report is new), the
# server's peak RSS and the CPU time per report (user + system) of the server and, for a local
# PostgreSQL whose data folder PG_DATA names, of its processes: costs that other load on the
# machine hardly changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
CONCURRENCY=${CONCURRENCY:-16}
DURATION=${DURATION:-15}
export BATCH=${BATCH:-0}
need wrk
release_binary
make_work_dir
# What a submission costs: no rate limit (it would cap the run), and by default no e-mail
# worker. With MAIL=1 the worker e-mails every report, as in service, to a loopback relay
# (benches/smtp_sink.py); the run then also prints the messages sent while wrk ran, and those
# still to send when it ended.
export PORTAL_DATA_DIR=$WORK PORTAL_LOG=error PORTAL_MAIL_WORKER=false
if [ "${MAIL:-0}" = 1 ]; then
  export PORTAL_MAIL_WORKER=true PORTAL_NOTIFY_TO=desk@dhs.example
  start_smtp_sink
fi
lift_rate_limits
pick_bind
new_reporter "Load Test"
start_server
TOKEN=$(client_token "$CLIENT_ID" "$CLIENT_SECRET")
export TOKEN
echo "backend: ${DATABASE_URL:-sqlite}, concurrency $CONCURRENCY, ${DURATION}s, batch ${BATCH}"
# A database in service has statistics. Without them PostgreSQL plans the server's prepared
# statements on near-empty tables, caches plans that scan whole tables, and keeps them until
# autovacuum analyzes (see benches/load.sh): WARMUP seconds (default 5) of the same load, then
# (PostgreSQL) ANALYZE, which makes the server plan again, before the measured run.
WARMUP=${WARMUP:-5}
if [ "$WARMUP" != 0 ]; then
  wrk -t1 -c"$CONCURRENCY" -d"${WARMUP}s" --timeout 10s -s benches/load.lua "http://$PORTAL_BIND" >/dev/null
  [ -z "${DATABASE_URL:-}" ] || psql -q "$DATABASE_URL" -c "VACUUM ANALYZE"
fi
# CPU clock ticks (user + system) of the server, and of the PostgreSQL cluster in PG_DATA (its
# backends, and through the postmaster's children's times those that ended).
ticks() { for pid in "$@"; do awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || true; done | awk '{s += $1} END {print s + 0}'; }
server_cpu() { ticks "$SERVER"; }
pg_cpu() {
  [ -n "${PG_DATA:-}" ] || { echo 0; return; }
  local postmaster; postmaster=$(head -1 "$PG_DATA/postmaster.pid")
  ticks "$postmaster" $(pgrep -P "$postmaster")
}
SERVER_BEFORE=$(server_cpu) PG_BEFORE=$(pg_cpu)
[ "${MAIL:-0}" != 1 ] || MAILED_BEFORE=$(sink_taken)
# PERF=file: a perf profile of the server (cpu-clock samples) while wrk runs; read it with
# `perf report -i file --no-children --sort dso,symbol`.
if [ -n "${PERF:-}" ]; then
  perf record -e cpu-clock -F 999 -p "$SERVER" -o "$PERF" -- sleep "$DURATION" 2>/dev/null &
fi
wrk -t"$(( CONCURRENCY < 2 ? 1 : 2 ))" -c"$CONCURRENCY" -d"${DURATION}s" --timeout 10s --latency -s benches/load.lua \
  "http://$PORTAL_BIND" | tee "$WORK/wrk.txt"
STORED=$(awk '/^reports stored:/ {print $3}' "$WORK/wrk.txt")
per_report() { echo $(( ($1 - $2) * 1000000 / $(getconf CLK_TCK) / STORED )); }
echo "CPU per report: server $(per_report "$(server_cpu)" "$SERVER_BEFORE") µs${PG_DATA:+, PostgreSQL $(per_report "$(pg_cpu)" "$PG_BEFORE") µs}"
if [ "${MAIL:-0}" = 1 ]; then
  echo "e-mail sent during the run: $(( $(sink_taken) - MAILED_BEFORE )), still to send at its end: $(sql "SELECT count(*) FROM outbox WHERE status = 'pending'")"
fi
echo "server peak RSS: $(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status") MB"
