#!/usr/bin/env bash
# The seeder's memory over a run: seeds N reports (default 300 000) with `report-portal seed`
# on a SQLite file (or, with BACKEND=postgres, a throwaway PostgreSQL 15 cluster with fsync on)
# and prints, every STEP seconds (default 10), the reports stored so far and the seeder's
# resident memory (VmRSS), then the peak (/usr/bin/time's maximum resident set size), the
# seconds and the rate.
#
#   benches/seedmem.sh                              # 300 000 reports on SQLite
#   REPORTS=30000 STEP=2 benches/seedmem.sh
#   BACKEND=postgres PG_PORT=55483 benches/seedmem.sh
#
# BIN=path uses that binary instead of the release build (to measure an older commit's).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
REPORTS=${REPORTS:-300000}
STEP=${STEP:-10}
BACKEND=${BACKEND:-sqlite}
release_binary
need python3
export PORTAL_LOG=warn PORTAL_MAIL_WORKER=false
make_work_dir
export PORTAL_DATA_DIR=$WORK/data
mkdir -p "$PORTAL_DATA_DIR"
case $BACKEND in
  postgres)
    start_postgres /tmp/report-portal-seedmem-pg.$$ -c fsync=on -c synchronous_commit=on -c full_page_writes=on
    as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres portal
    export DATABASE_URL=$PG_URL/portal
    stored() { psql -qAt "$DATABASE_URL" -c "SELECT count(*) FROM reports" 2>/dev/null || echo 0; }
    ;;
  sqlite)
    export DATABASE_URL=$WORK/portal.db
    stored() {
      python3 -c 'import sqlite3, sys
try:
    db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
    print(db.execute("SELECT coalesce(max(seq), 0) FROM reports").fetchone()[0])
except sqlite3.Error:
    print(0)' "$DATABASE_URL"
    }
    ;;
esac
"$BIN" migrate >/dev/null
echo "== $BACKEND, $REPORTS reports over 365 days, 20 organizations"
/usr/bin/time -f "peak RSS %M KB, %e s wall, %U s user, %S s system" -o "$WORK/time" \
  "$BIN" seed --reports "$REPORTS" --days 365 --organizations 20 >"$WORK/seeded" 2>/dev/null &
TIMER=$!
sleep 1
SEEDER=$(pgrep -P "$TIMER" || true)
printf '%8s %10s %10s\n' seconds reports "RSS (MB)"
started=$SECONDS
while [ -n "$SEEDER" ] && [ -e "/proc/$SEEDER" ]; do
  rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$SEEDER/status" 2>/dev/null || true)
  [ -n "$rss" ] && printf '%8d %10s %10s\n' $((SECONDS - started)) "$(stored)" "$rss"
  sleep "$STEP"
done
wait "$TIMER"
cat "$WORK/time"
python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
print("seeded %d reports in %.1f s: %.0f reports/s" % (s["reports"], s["seconds"], s["reports_per_second"]))' "$WORK/seeded"
