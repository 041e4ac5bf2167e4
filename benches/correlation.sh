#!/usr/bin/env bash
# Correlation latency with many reports stored: seeds N reports (default 1000000) from 20
# organizations straight into a PostgreSQL database with SQL, with their correlation index
# (5 keyed-hash indicators and one PDQ hash each; every phone number shared by 4 reports,
# handle by 3, URL by 5, SHA-256 by 2; PDQ hashes in families of 3 within 21 bits), starts the
# release server on it, and measures with wrk (Debian package `wrk`), each over 1000 different
# reports or values:
#   - GET /api/v1/review/reports/{id}/related (exact and PDQ near matches)
#   - GET /api/v1/review/indicators?type=phone (exact search)
#   - GET /api/v1/review/indicators?type=pdq   (near search: 2 bits off a stored hash)
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench benches/correlation.sh
#
# Each is measured for DURATION s (default 15) after a WARMUP s (default 10) warm-up run (which
# reads the index into memory), at each number of concurrent connections in CONNECTIONS (default
# "1 2"). Give PostgreSQL a production-like shared_buffers that holds the index (e.g. 2GB; 128MB
# is the default).
#
# The database must be empty (a fresh one) and may be given the pgcrypto extension (for the
# keyed hashes) and pg_prewarm (to read the index into memory first); psql must be on PATH. N may be set. With BENCH_DIR=folder the server's data
# folder (keys included) is kept there, and a later run with the same BENCH_DIR and database
# measures again without seeding.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
: "${DATABASE_URL:?set DATABASE_URL to an empty PostgreSQL database}"
N=${N:-1000000}
CONNECTIONS=${CONNECTIONS:-"1 2"}
need wrk
release_binary
make_work_dir "${BENCH_DIR:-}"
# The figures are latencies of the lookups, not of the rate limit.
export PORTAL_DATA_DIR=$WORK PORTAL_LOG=warn PORTAL_STAFF_MFA=optional
lift_rate_limits
pick_bind
if [ -f "$WORK/search.key" ] && [ "$(psql -Atc 'SELECT count(*) > 0 FROM reports' "$DATABASE_URL")" = t ]; then
  echo "$(date +%T) measuring the reports already in the database"
else
# The search key, known here so that the seeded keyed hashes are the server's.
KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
(umask 077; echo "$KEY" > "$WORK/search.key")
for i in $(seq 20); do
  new_reporter "Bench Org $i"
done
echo "$(date +%T) seeding $N reports and their correlation index"
psql -q -v ON_ERROR_STOP=1 -v n="$N" -v key="$KEY" "$DATABASE_URL" <<'SQL'
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TEMP TABLE bench_key AS SELECT decode(:'key', 'hex') AS key;
CREATE TEMP TABLE orgs AS
  SELECT (row_number() OVER (ORDER BY o.id)) - 1 AS n, o.id AS org, c.client_id AS client
  FROM organizations o JOIN credentials c ON c.organization_id = o.id;
-- Time-ordered ids, like UUIDv7: the older the report, the smaller its id.
CREATE FUNCTION pg_temp.rid(g bigint) RETURNS text IMMUTABLE LANGUAGE sql AS
  $$ SELECT lpad(to_hex(1700000000000 + g * 1000), 12, '0') || '-7000-8000-' || lpad(to_hex(g), 12, '0') $$;
-- The server's keyed hash of a normalized value: HMAC-SHA256(search key, "kind:value").
CREATE FUNCTION pg_temp.keyed(kind text, value text) RETURNS text LANGUAGE sql AS
  $$ SELECT encode(hmac(convert_to(kind || ':' || value, 'UTF8'), (SELECT key FROM bench_key), 'sha256'), 'hex') $$;

-- No body: the lookups measured here never read one (a review detail of these would fail).
INSERT INTO reports (id, organization_id, client_id, mode, external_id, service, category, severity,
    detection_method, detected_at, languages, status, received_at, body, body_sha256)
SELECT pg_temp.rid(g), o.org, o.client, 'live', 'bench-' || g, 'Bench Video', 'recruitment',
    (ARRAY['low', 'medium', 'medium', 'high', 'critical'])[1 + (g / 7) % 5],
    'user_report', now() - (g || ' seconds')::interval, 'es', 'received',
    now() - ((:n - g) || ' seconds')::interval, '{}', '0'
FROM generate_series(1, :n) AS g JOIN orgs o ON o.n = g % 20;

INSERT INTO indicator_index (value_hash, report_id, kind, organization_id, mode, pointer)
SELECT pg_temp.keyed(v.kind, v.value), pg_temp.rid(g), v.kind, o.org, 'live', v.pointer
FROM generate_series(1, :n) AS g JOIN orgs o ON o.n = g % 20
CROSS JOIN LATERAL (VALUES
    ('account', '11:bench video:acct-' || g, '/accounts/0/platform_account_id'),
    ('handle', 'recruiter' || (g / 3), '/accounts/0/handle'),
    ('phone', '+5255' || (10000000 + g / 4), '/accounts/0/contact_handles/0/value'),
    ('url', 'https://video.example.com/v/' || (g / 5), '/content/0/url'),
    ('sha256', encode(sha256(convert_to('media' || (g / 2), 'UTF8')), 'hex'), '/content/0/sha256')
) AS v (kind, value, pointer);

-- A family of 3 images per 3 reports: the hash, 6 bits off it, and 21 bits off it.
INSERT INTO pdq_index (report_id, pdq, organization_id, mode, pointer,
    c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15)
SELECT pg_temp.rid(g), encode(p, 'hex'), o.org, 'live', '/content/0/pdq',
    get_byte(p, 0) * 256 + get_byte(p, 1), get_byte(p, 2) * 256 + get_byte(p, 3),
    get_byte(p, 4) * 256 + get_byte(p, 5), get_byte(p, 6) * 256 + get_byte(p, 7),
    get_byte(p, 8) * 256 + get_byte(p, 9), get_byte(p, 10) * 256 + get_byte(p, 11),
    get_byte(p, 12) * 256 + get_byte(p, 13), get_byte(p, 14) * 256 + get_byte(p, 15),
    get_byte(p, 16) * 256 + get_byte(p, 17), get_byte(p, 18) * 256 + get_byte(p, 19),
    get_byte(p, 20) * 256 + get_byte(p, 21), get_byte(p, 22) * 256 + get_byte(p, 23),
    get_byte(p, 24) * 256 + get_byte(p, 25), get_byte(p, 26) * 256 + get_byte(p, 27),
    get_byte(p, 28) * 256 + get_byte(p, 29), get_byte(p, 30) * 256 + get_byte(p, 31)
FROM generate_series(1, :n) AS g JOIN orgs o ON o.n = g % 20
CROSS JOIN LATERAL (SELECT sha256(convert_to('image' || (g / 3), 'UTF8')) AS base) AS b
CROSS JOIN LATERAL (SELECT CASE g % 3
    WHEN 0 THEN base
    WHEN 1 THEN set_byte(set_byte(base, 5, get_byte(base, 5) # 15), 20, get_byte(base, 20) # 3)
    ELSE set_byte(set_byte(set_byte(base, 1, get_byte(base, 1) # 127), 9, get_byte(base, 9) # 127),
                  17, get_byte(base, 17) # 127)
    END AS p) AS v;
SQL
echo "$(date +%T) vacuum and analyze"
psql -q "$DATABASE_URL" -c "VACUUM ANALYZE reports" -c "VACUUM ANALYZE indicator_index" -c "VACUUM ANALYZE pdq_index"
fi
psql -q -t -A "$DATABASE_URL" <<'SQL'
SELECT 'index rows: ' || (SELECT count(*) FROM indicator_index) || ' exact, ' || (SELECT count(*) FROM pdq_index) || ' PDQ; size '
    || pg_size_pretty(pg_total_relation_size('indicator_index') + pg_total_relation_size('pdq_index'));
SQL

# Read the tables and indexes the lookups use into the page cache (pg_prewarm), as a server in
# service has them: the figures are of lookups, not of a cold disk after other work evicted them.
echo "$(date +%T) prewarming"
psql -q -t -A "$DATABASE_URL" -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" -c "
SELECT 'prewarmed: ' || pg_size_pretty(sum(pg_prewarm(c.oid::regclass, 'read')) * 8192) FROM pg_class c
WHERE c.relkind IN ('r', 'i') AND (c.relname LIKE 'pdq_index%' OR c.relname LIKE 'indicator_index%'
    OR c.relname LIKE 'reports%')"

start_server
TOKEN=$(staff_token bench@dhs.example analyst "orbit-Lantern-97-quietly")
export TOKEN

psql -q -t -A "$DATABASE_URL" -o "$WORK/related" \
  -c "SELECT '/api/v1/review/reports/' || id || '/related' FROM reports ORDER BY random() LIMIT 1000"
psql -q -t -A -v n="$N" "$DATABASE_URL" -o "$WORK/phone" <<'SQL'
SELECT '/api/v1/review/indicators?type=phone&value=%2B52%2055%20' || (10000000 + (random() * :n)::int / 4)
FROM generate_series(1, 1000);
SQL
psql -q -t -A "$DATABASE_URL" -o "$WORK/pdq" <<'SQL'
SELECT '/api/v1/review/indicators?type=pdq&value='
    || encode(set_byte(decode(pdq, 'hex'), 30, get_byte(decode(pdq, 'hex'), 30) # 5), 'hex')
FROM pdq_index ORDER BY random() LIMIT 1000;
SQL
for name in related phone pdq; do
  first=$(head -n 1 "$WORK/$name")
  echo "== $name, e.g. GET $first"
  curl -sf -H "Authorization: Bearer $TOKEN" "http://$PORTAL_BIND$first" \
    | python3 -c 'import json,sys; b=json.load(sys.stdin); print("items:", len(b["items"]))'
  PATHS="$WORK/$name" wrk -t1 -c2 -d"${WARMUP:-10}s" -s benches/paths.lua "http://$PORTAL_BIND" >/dev/null
  for connections in $CONNECTIONS; do
    echo "-- $connections connection(s)"
    PATHS="$WORK/$name" wrk -t1 -c"$connections" -d"${DURATION:-15}s" --latency -s benches/paths.lua "http://$PORTAL_BIND" \
      | grep -E "50%|90%|99%|Requests/sec|Non-2xx"
  done
done
