#!/usr/bin/env bash
# Purge speed: starts the release server on a fresh database, seeds it for SEED_SECONDS with
# realistic test-mode reports (2 to 5 accounts and 3 to 10 content items each, as
# benches/load.lua makes them; batches of 100 through POST /api/v1/reports/batch, driven by
# wrk), stops it, then times `report-portal purge` with
# PORTAL_RETENTION_TEST_DAYS=0, which purges every one of them (PURGE_BATCH reports per
# transaction).
#
#   benches/purge.sh                                               # SQLite in a temporary folder
#   SEED_SECONDS=600 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench benches/purge.sh
#
# Prints the reports seeded, the reports purged, the purge's wall time and reports/s.
set -euo pipefail
cd "$(dirname "$0")/.."
SEED_SECONDS=${SEED_SECONDS:-60}
export PORTAL_PURGE_BATCH_SIZE=${PURGE_BATCH:-200}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/report-portal
WORK=$(mktemp -d)
export PORTAL_DATA_DIR=$WORK PORTAL_LOG=warn PORTAL_PURGE_INTERVAL_SECONDS=0 PORTAL_MAIL_WORKER=false
export PORTAL_BIND=127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
ORG=$($BIN org create --name "Purge Bench" --vetted | json '["id"]')
CRED=$($BIN credential create --org "$ORG" --mode test)
CLIENT_ID=$(echo "$CRED" | json '["client_id"]')
SECRET=$(echo "$CRED" | json '["client_secret"]')
$BIN serve &
SERVER=$!
# Waits for the server to finish (it may still be writing) before its folder goes.
trap '{ kill $SERVER && wait $SERVER; } 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -sf "http://$PORTAL_BIND/readyz" >/dev/null && break; sleep 0.1; done
export TOKEN=$(curl -sf -u "$CLIENT_ID:$SECRET" -d grant_type=client_credentials "http://$PORTAL_BIND/api/v1/auth/token" | json '["access_token"]')
echo "backend: ${DATABASE_URL:-sqlite}; seeding for ${SEED_SECONDS}s"
BATCH=100 wrk -t2 -c8 -d"${SEED_SECONDS}s" --timeout 30s -s benches/load.lua "http://$PORTAL_BIND" > "$WORK/wrk.txt"
echo "reports seeded: $(awk '/^reports stored:/ {print $3}' "$WORK/wrk.txt")"
kill $SERVER; wait $SERVER 2>/dev/null || true
START=$(date +%s.%N)
RESULT=$(PORTAL_RETENTION_TEST_DAYS=0 $BIN purge)
END=$(date +%s.%N)
PURGED=$(echo "$RESULT" | json '["purged"]')
python3 -c "s = $END - $START; print(f'purged: $PURGED in {s:.1f} s: {$PURGED / s:.0f} reports/s (batches of $PORTAL_PURGE_BATCH_SIZE)')"
