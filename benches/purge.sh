#!/usr/bin/env bash
# Purge speed. Seeds a fresh database, then times `report-portal purge` over it.
#
# By default it starts the release server and, for SEED_SECONDS, posts realistic test-mode
# reports (2 to 5 accounts and 3 to 10 content items each, as benches/load.lua makes them;
# batches of 100 through POST /api/v1/reports/batch, driven by wrk), then purges with
# PORTAL_RETENTION_TEST_DAYS=0, which reaches every one of them.
#
# With SEED_REPORTS=N it seeds N live reports with `report-portal seed` instead (a year of
# arrivals from 20 organizations, part of them moved along the workflow; about 5 % end closed as
# `no_action`), then purges with PORTAL_RETENTION_CLOSED_DAYS=0, which reaches those closed ones
# among all the others.
#
#   benches/purge.sh                                               # SQLite in a temporary folder
#   SEED_SECONDS=600 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench benches/purge.sh
#   SEED_REPORTS=1000000 BENCH_DIR=/var/tmp/purge DATABASE_URL=postgres://… benches/purge.sh
#
# With BENCH_DIR=folder the data folder (keys included) is kept there, and a later run with the
# same folder and database purges without seeding (again, if the seeding finished: the file
# `seeded` in the folder says what it did). PURGE_BATCH sets the reports purged per
# transaction (default 200). Prints the reports seeded, the reports purged, the purge's wall time
# and reports/s.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SEED_SECONDS=${SEED_SECONDS:-60}
SEED_REPORTS=${SEED_REPORTS:-0}
export PORTAL_PURGE_BATCH_SIZE=${PURGE_BATCH:-200}
need wrk
release_binary
make_work_dir "${BENCH_DIR:-}"
export PORTAL_DATA_DIR=$WORK PORTAL_LOG=warn PORTAL_PURGE_INTERVAL_SECONDS=0 PORTAL_MAIL_WORKER=false
pick_bind
echo "backend: ${DATABASE_URL:-sqlite}"
if [ -f "$WORK/seeded" ]; then
  echo "purging the reports an earlier run seeded: $(cat "$WORK/seeded")"
elif [ "$SEED_REPORTS" != 0 ]; then
  echo "seeding $SEED_REPORTS reports with report-portal seed"
  $BIN seed --reports "$SEED_REPORTS" --days 365 --organizations 20 | tee "$WORK/seeded"
else
  new_reporter "Purge Bench" --mode test
  start_server
  TOKEN=$(client_token "$CLIENT_ID" "$CLIENT_SECRET")
  export TOKEN
  echo "seeding for ${SEED_SECONDS}s"
  BATCH=100 wrk -t2 -c8 -d"${SEED_SECONDS}s" --timeout 30s -s benches/load.lua "http://$PORTAL_BIND" > "$WORK/wrk.txt"
  echo "reports acknowledged during the run (those in flight at its end are stored too): $(awk '/^reports stored:/ {print $3}' "$WORK/wrk.txt")" | tee "$WORK/seeded"
  stop_server
fi
START=$(date +%s.%N)
RESULT=$(PORTAL_RETENTION_TEST_DAYS=0 PORTAL_RETENTION_CLOSED_DAYS=0 $BIN purge)
END=$(date +%s.%N)
PURGED=$(json_field purged <<<"$RESULT")
python3 -c "s = $END - $START; print(f'purged: $PURGED in {s:.1f} s: {$PURGED / s:.0f} reports/s (batches of $PORTAL_PURGE_BATCH_SIZE)')"
