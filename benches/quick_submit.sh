#!/usr/bin/env bash
# A quick load run of single submissions: starts the release server on a fresh database,
# creates a vetted organization and a credential, and drives POST /api/v1/reports with wrk
# (Debian package `wrk`) for DURATION seconds at CONCURRENCY connections.
#
#   benches/quick_submit.sh                                   # SQLite in a temporary folder
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench benches/quick_submit.sh
#
# Prints wrk's summary; "Requests/sec" is reports stored per second (every request is a new report).
set -euo pipefail
cd "$(dirname "$0")/.."
CONCURRENCY=${CONCURRENCY:-16}
DURATION=${DURATION:-15}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
cargo build --release --quiet
BIN=target/release/report-portal
WORK=$(mktemp -d)
export PORTAL_DATA_DIR=$WORK PORTAL_LOG=warn
export PORTAL_BIND=127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ORG=$($BIN org create --name "Load Test" --vetted | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
CRED=$($BIN credential create --org "$ORG")
CLIENT_ID=$(echo "$CRED" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])')
SECRET=$(echo "$CRED" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])')
$BIN serve &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -sf "http://$PORTAL_BIND/readyz" >/dev/null && break; sleep 0.1; done
export TOKEN=$(curl -sf -u "$CLIENT_ID:$SECRET" -d grant_type=client_credentials "http://$PORTAL_BIND/api/v1/auth/token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
echo "backend: ${DATABASE_URL:-sqlite}, concurrency $CONCURRENCY, ${DURATION}s"
wrk -t2 -c"$CONCURRENCY" -d"${DURATION}s" --latency -s benches/submit.lua "http://$PORTAL_BIND"
