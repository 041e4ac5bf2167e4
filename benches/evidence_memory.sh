#!/usr/bin/env bash
# Peak memory of the server while a large evidence file streams in and out: starts the release
# server under /usr/bin/time -v on a fresh SQLite database, uploads SIZE (default 1G, a PNG
# signature then zeros) with curl, downloads it back as an analyst, checks the SHA-256, stops
# the server and prints its "Maximum resident set size" beside a baseline run with no upload.
#
#   benches/evidence_memory.sh            # SIZE=1G
#   SIZE=200M benches/evidence_memory.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SIZE=${SIZE:-1G}
release_binary
make_work_dir
export PORTAL_DATA_DIR=$WORK PORTAL_LOG=warn PORTAL_STAFF_MFA=optional PORTAL_MAX_EVIDENCE_BYTES=$((4 * 1024 * 1024 * 1024))
pick_bind

{ printf '\x89PNG\r\n\x1a\n'; head -c "$SIZE" /dev/zero; } > "$WORK/big.png"
new_reporter "Memory Test"

# The server under /usr/bin/time (SERVER is time's pid).
serve() { /usr/bin/time -v -o "$WORK/time-$1.txt" "$BIN" serve & SERVER=$!; wait_ready; }
# SIGINT to the server itself (time, its parent, ignores it while waiting).
stop() { pkill -INT -P "$SERVER"; wait "$SERVER" || true; SERVER=; grep "Maximum resident" "$WORK/time-$1.txt"; }

serve idle
echo -n "baseline (started, idle):   "; stop idle

serve upload
TOKEN=$(client_token "$CLIENT_ID" "$CLIENT_SECRET")
REPORT=$(curl -sf "http://$PORTAL_BIND/api/v1/reports" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d "$(valid_report mem-1)" | json_field id)
START=$(date +%s.%N)
curl -sf "http://$PORTAL_BIND/api/v1/reports/$REPORT/evidence" -H "Authorization: Bearer $TOKEN" \
  -F "file=@$WORK/big.png" -F "sha256=$(sha256sum "$WORK/big.png" | cut -d' ' -f1)" > "$WORK/evidence.json"
echo "uploaded $(json_field size < "$WORK/evidence.json") bytes in $(python3 -c "import time; print(round(time.time() - $START, 1))") s"
STAFF=$(staff_token mem@dhs.example analyst "orbit-Lantern-97-quietly")
curl -sf -H "Authorization: Bearer $STAFF" \
  "http://$PORTAL_BIND/api/v1/review/reports/$REPORT/evidence/$(json_field id < "$WORK/evidence.json")" | sha256sum | cut -d' ' -f1 > "$WORK/down.sha"
[ "$(cat "$WORK/down.sha")" = "$(json_field sha256 < "$WORK/evidence.json")" ] && echo "downloaded: same SHA-256"
du -sh "$WORK/evidence"
echo -n "after a $SIZE upload and download: "; stop upload
