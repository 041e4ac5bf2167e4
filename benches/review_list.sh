#!/usr/bin/env bash
# Review-list latency with many reports stored: seeds N reports (default 100000) straight into
# a PostgreSQL database with SQL (fast; the rows look like submitted ones), starts the release
# server on it, and measures GET /api/v1/review/reports with a filter, first page and a page
# deep behind a cursor, with wrk (Debian package `wrk`), each for DURATION seconds (default 10).
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench benches/review_list.sh
#
# The database must be empty (a fresh one); psql must be on PATH.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
: "${DATABASE_URL:?set DATABASE_URL to an empty PostgreSQL database}"
N=${N:-100000}
need wrk
release_binary
make_work_dir
export PORTAL_DATA_DIR=$WORK PORTAL_LOG=warn PORTAL_STAFF_MFA=optional
pick_bind
new_reporter "Bench Org"
echo "$(date +%T) seeding $N reports"
# Only the columns the list reads: the free text lives in the sealed body, which it never opens.
psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" <<SQL
INSERT INTO reports (id, organization_id, client_id, mode, external_id, service, category, severity,
    detection_method, detected_at, languages, status, received_at, body, body_sha256)
SELECT
    -- time-ordered ids, like UUIDv7: the older the report, the smaller its id
    lpad(to_hex(1700000000000 + g * 1000), 12, '0') || '-7000-8000-' || lpad(to_hex(g), 12, '0'),
    '$ORG', '$CLIENT_ID', 'live', 'bench-' || g,
    (ARRAY['Video', 'Chat', 'Social', 'Games'])[1 + g % 4],
    (ARRAY['recruitment', 'recruitment', 'recruitment', 'violent_content', 'threat', 'drug_trafficking'])[1 + g % 6],
    (ARRAY['low', 'medium', 'medium', 'high', 'critical'])[1 + (g / 7) % 5],
    'user_report', now() - (g || ' seconds')::interval, 'es',
    (ARRAY['received', 'received', 'in_review', 'escalated', 'closed'])[1 + (g / 3) % 5],
    now() - (($N - g) || ' seconds')::interval, '{}', '0'
FROM generate_series(1, $N) AS g;
ANALYZE reports;
SQL
start_server
TOKEN=$(staff_token bench@dhs.example analyst "orbit-Lantern-97-quietly")
CURSOR=$(python3 -c "import base64; print(base64.urlsafe_b64encode(b'%012x-7000-8000-%012x' % (1700000000000 + $N // 2 * 1000, $N // 2)).decode().rstrip('='))")
for path in "/api/v1/review/reports?severity=high&limit=50" \
            "/api/v1/review/reports?severity=high&limit=50&cursor=$CURSOR" \
            "/api/v1/review/reports?status=in_review&category=threat&limit=50&cursor=$CURSOR"; do
  echo "== GET $path"
  curl -sf -H "Authorization: Bearer $TOKEN" "http://$PORTAL_BIND$path" | python3 -c 'import json,sys; print("items:", len(json.load(sys.stdin)["items"]))'
  wrk -t2 -c8 -d"${DURATION:-10}s" --latency -H "Authorization: Bearer $TOKEN" "http://$PORTAL_BIND$path" | grep -E "50%|99%|Requests/sec"
done
