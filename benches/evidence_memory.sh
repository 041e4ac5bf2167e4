#!/usr/bin/env bash
# Peak memory of the server while a large evidence file streams in and out: starts the release
# server under /usr/bin/time -v on a fresh SQLite database, uploads SIZE (default 1G, a PNG
# signature then zeros) with curl, downloads it back as an analyst, checks the SHA-256, stops
# the server and prints its "Maximum resident set size" beside a baseline run with no upload.
#
#   benches/evidence_memory.sh            # SIZE=1G
#   SIZE=200M benches/evidence_memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-1G}
cargo build --release --quiet
BIN=$(realpath "${CARGO_TARGET_DIR:-target}/release/report-portal")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export PORTAL_DATA_DIR=$WORK PORTAL_LOG=warn PORTAL_MAX_EVIDENCE_BYTES=$((4 * 1024 * 1024 * 1024)) PORTAL_STAFF_MFA=optional
export PORTAL_BIND=127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
json() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }

{ printf '\x89PNG\r\n\x1a\n'; head -c "$SIZE" /dev/zero; } > "$WORK/big.png"
ORG=$($BIN org create --name "Memory Test" --vetted | json id)
CRED=$($BIN credential create --org "$ORG")
PASSWORD="orbit-Lantern-97-quietly"
echo "$PASSWORD" | $BIN user create --email mem@dhs.example --role analyst --password-stdin >/dev/null

serve() { /usr/bin/time -v -o "$WORK/time-$1.txt" "$BIN" serve & SERVER=$!; \
  for _ in $(seq 100); do curl -sf "http://$PORTAL_BIND/readyz" >/dev/null && break; sleep 0.1; done; }
# SIGINT to the server itself (time, its parent, ignores it while waiting).
stop() { pkill -INT -P "$SERVER"; wait "$SERVER" || true; grep "Maximum resident" "$WORK/time-$1.txt"; }

serve idle
echo -n "baseline (started, idle):   "; stop idle

serve upload
TOKEN=$(curl -sf -u "$(echo "$CRED" | json client_id):$(echo "$CRED" | json client_secret)" \
  -d grant_type=client_credentials "http://$PORTAL_BIND/api/v1/auth/token" | json access_token)
REPORT=$(curl -sf "http://$PORTAL_BIND/api/v1/reports" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"external_id":"mem-1","service":"Video","category":"recruitment",
  "severity":"high","summary":"A report to attach a very large evidence file to.","detection_method":"user_report",
  "detected_at":"2026-11-20T14:30:00Z","accounts":[{"platform_account_id":"1","role":"recruiter","action_taken":"none"}],
  "contact":{"name":"Desk","email":"desk@example.com"}}' | json id)
START=$(date +%s.%N)
curl -sf "http://$PORTAL_BIND/api/v1/reports/$REPORT/evidence" -H "Authorization: Bearer $TOKEN" \
  -F "file=@$WORK/big.png" -F "sha256=$(sha256sum "$WORK/big.png" | cut -d' ' -f1)" > "$WORK/evidence.json"
echo "uploaded $(json size < "$WORK/evidence.json") bytes in $(python3 -c "import time; print(round(time.time() - $START, 1))") s"
STAFF=$(curl -sf "http://$PORTAL_BIND/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"mem@dhs.example\",\"password\":\"$PASSWORD\"}" | json access_token)
curl -sf -H "Authorization: Bearer $STAFF" \
  "http://$PORTAL_BIND/api/v1/review/reports/$REPORT/evidence/$(json id < "$WORK/evidence.json")" | sha256sum | cut -d' ' -f1 > "$WORK/down.sha"
[ "$(cat "$WORK/down.sha")" = "$(json sha256 < "$WORK/evidence.json")" ] && echo "downloaded: same SHA-256"
du -sh "$WORK/evidence"
echo -n "after a $SIZE upload and download: "; stop upload
