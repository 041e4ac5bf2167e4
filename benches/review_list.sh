#!/usr/bin/env bash
# Review-list latency with many reports stored: seeds N reports (default 100000) straight into
# a PostgreSQL database with SQL (fast; the rows look like submitted ones), starts the release
# server on it, and measures GET /api/v1/review/reports with a filter, first page and a page
# deep behind a cursor, with wrk (Debian package `wrk`).
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench benches/review_list.sh
#
# The database must be empty (a fresh one); psql must be on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to an empty PostgreSQL database}"
N=${N:-100000}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
cargo build --release --quiet
BIN=target/release/report-portal
WORK=$(mktemp -d)
export PORTAL_DATA_DIR=$WORK PORTAL_LOG=warn PORTAL_STAFF_MFA=optional
export PORTAL_BIND=127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
json() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
ORG=$($BIN org create --name "Bench Org" --vetted | json id)
CLIENT=$($BIN credential create --org "$ORG" | json client_id)
echo "$(date +%T) seeding $N reports"
psql -q "$DATABASE_URL" <<SQL
INSERT INTO reports (id, organization_id, client_id, mode, external_id, service, category, severity, summary,
    detection_method, detected_at, languages, contact_name, contact_email, status, received_at, body, body_sha256)
SELECT
    -- time-ordered ids, like UUIDv7: the older the report, the smaller its id
    lpad(to_hex(1700000000000 + g * 1000), 12, '0') || '-7000-8000-' || lpad(to_hex(g), 12, '0'),
    '$ORG', '$CLIENT', 'live', 'bench-' || g,
    (ARRAY['Video', 'Chat', 'Social', 'Games'])[1 + g % 4],
    (ARRAY['recruitment', 'recruitment', 'recruitment', 'violent_content', 'threat', 'drug_trafficking'])[1 + g % 6],
    (ARRAY['low', 'medium', 'medium', 'high', 'critical'])[1 + (g / 7) % 5],
    'Seeded report number ' || g || ' for the review list benchmark.',
    'user_report', now() - (g || ' seconds')::interval, 'es', 'Desk', 'desk@example.com',
    (ARRAY['received', 'received', 'in_review', 'escalated', 'closed'])[1 + (g / 3) % 5],
    now() - (($N - g) || ' seconds')::interval, '{}', '0'
FROM generate_series(1, $N) AS g;
ANALYZE reports;
SQL
$BIN serve &
SERVER=$!
# Waits for the server to finish (it may still be writing) before its folder goes.
trap '{ kill $SERVER && wait $SERVER; } 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -sf "http://$PORTAL_BIND/readyz" >/dev/null && break; sleep 0.1; done
PASSWORD="orbit-Lantern-97-quietly"
echo "$PASSWORD" | $BIN user create --email bench@dhs.example --role analyst --password-stdin >/dev/null
TOKEN=$(curl -sf "http://$PORTAL_BIND/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"bench@dhs.example\",\"password\":\"$PASSWORD\"}" | json access_token)
CURSOR=$(python3 -c "import base64; print(base64.urlsafe_b64encode(b'%012x-7000-8000-%012x' % (1700000000000 + $N // 2 * 1000, $N // 2)).decode().rstrip('='))")
for path in "/api/v1/review/reports?severity=high&limit=50" \
            "/api/v1/review/reports?severity=high&limit=50&cursor=$CURSOR" \
            "/api/v1/review/reports?status=in_review&category=threat&limit=50&cursor=$CURSOR"; do
  echo "== GET $path"
  curl -sf -H "Authorization: Bearer $TOKEN" "http://$PORTAL_BIND$path" | python3 -c 'import json,sys; print("items:", len(json.load(sys.stdin)["items"]))'
  wrk -t2 -c8 -d10s --latency -H "Authorization: Bearer $TOKEN" "http://$PORTAL_BIND$path" | grep -E "50%|99%|Requests/sec"
done
