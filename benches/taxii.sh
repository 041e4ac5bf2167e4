#!/usr/bin/env bash
# TAXII paging latency with a million objects in one collection (issue 22). Registers a partner
# and a collection with the command line, bulk-inserts OBJECTS (default 1 000 000) STIX
# indicator rows into the collection with SQL (1 000 per date_added, the way shares add them),
# starts the server and times, one request after the other:
#   - `next`: 200 pages of `limit=100` followed by `next` from the start, and 200 more from the
#     middle of the collection (by `added_after`, then `next`);
#   - `added_after`: 300 first pages of `limit=100` after a random point of the collection;
#   - `manifest`: 100 manifest pages of `limit=100` after a random point.
# Prints p50/p99/max (milliseconds) per kind. Paging is keyset on (date_added, id, version), so
# the millionth object's page should cost what the first one's does.
#
#   benches/taxii.sh                                          # SQLite, release build
#   BIN=target/debug/report-portal benches/taxii.sh           # another binary
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/taxii benches/taxii.sh   # an empty database
set -euo pipefail
. "$(dirname "$0")/lib.sh"
OBJECTS=${OBJECTS:-1000000}
release_binary
make_work_dir
export PORTAL_DATA_DIR=$WORK PORTAL_LOG=warn
lift_rate_limits
pick_bind
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

"$BIN" migrate >/dev/null
PARTNER=$("$BIN" partner create --name "Bench partner")
COLLECTION=$("$BIN" partner collection --title "Bench collection" | json "['id']")
"$BIN" partner grant --partner "$(json "['id']" <<<"$PARTNER")" --collection "$COLLECTION" >/dev/null

# Rows: object i is indicator--<uuid from i>, added at 2026-01-01 + (i / 1000) seconds.
BODY="'{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"' || oid || '\",\"created\":\"2026-01-01T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\",\"name\":\"bench\",\"description\":\"bench\",\"indicator_types\":[\"malicious-activity\"],\"pattern\":\"[url:value = ''https://example.com/' || n || ''']\",\"pattern_type\":\"stix\",\"valid_from\":\"2026-01-01T00:00:00.000Z\"}'"
START_US=1767225600000000
started=$(date +%s.%N)
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  psql -qAt "$DATABASE_URL" -c "
    INSERT INTO taxii_objects
    SELECT '$COLLECTION', oid, '2026-01-01T00:00:00.000Z', $START_US + (n / 1000) * 1000000,
           'indicator', true, true, $BODY
    FROM (SELECT n, 'indicator--' || md5(n::text)::uuid::text AS oid
          FROM generate_series(0, $OBJECTS - 1) AS n) AS g;
    ANALYZE taxii_objects;"
else
  DB=$WORK/portal.db
  sqlite3 "$DB" "
    WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < $OBJECTS - 1)
    INSERT INTO taxii_objects
    SELECT '$COLLECTION', oid, '2026-01-01T00:00:00.000Z', $START_US + (n / 1000) * 1000000,
           'indicator', 1, 1, $BODY
    FROM (SELECT n, 'indicator--' || printf('%08x-0000-4000-8000-%012x', n, n) AS oid FROM g);
    ANALYZE;"
fi
echo "inserted $OBJECTS objects in $(python3 -c "import time; print(round(time.time() - $started, 1))") s"

start_server "$WORK/server.log"
URL=http://$PORTAL_BIND
TOKEN=$(curl -fs "$URL/api/v1/auth/token" -d grant_type=client_credentials \
  --data-urlencode "client_id=$(json "['client_id']" <<<"$PARTNER")" \
  --data-urlencode "client_secret=$(json "['client_secret']" <<<"$PARTNER")" | json "['access_token']")

python3 - "$URL" "$TOKEN" "$COLLECTION" "$OBJECTS" "$START_US" <<'PY'
import json, random, sys, time, urllib.request
from datetime import datetime, timezone
url, token, collection, objects, start_us = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
base = f"{url}/taxii2/api/collections/{collection}/"
headers = {"Authorization": f"Bearer {token}", "Accept": "application/taxii+json;version=2.1"}
random.seed(1)

def get(path):
    request = urllib.request.Request(base + path, headers=headers)
    started = time.perf_counter()
    with urllib.request.urlopen(request) as answer:
        body = json.load(answer)
    return (time.perf_counter() - started) * 1000, body

def after(fraction):
    us = start_us + int(objects * fraction / 1000) * 1000000
    at = datetime.fromtimestamp(us / 1e6, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return at

def walk(first, pages):
    times, path = [], first
    for _ in range(pages):
        ms, body = get(path)
        times.append(ms)
        assert len(body.get("objects", [])) == 100, body.keys()
        path = "objects/?limit=100&next=" + body["next"]
    return times

results = {
    "next": walk("objects/?limit=100", 200) + walk(f"objects/?limit=100&added_after={after(0.5)}", 200),
    "added_after": [get(f"objects/?limit=100&added_after={after(random.random() * 0.99)}")[0]
                    for _ in range(300)],
    "manifest": [get(f"manifest/?limit=100&added_after={after(random.random() * 0.99)}")[0]
                 for _ in range(100)],
}
for kind, times in results.items():
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print(f"{kind:12} n={len(times):4}  p50={pick(0.5):7.1f} ms  p99={pick(0.99):7.1f} ms  max={times[-1]:7.1f} ms")
PY
