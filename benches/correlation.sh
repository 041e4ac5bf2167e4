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
# With the argument `sharers` it measures instead the cost of one submission as more earlier
# reports share its phone number, handle and URL (benches/sharers.py): on a throwaway PostgreSQL
# (fsync on, port PG_PORT) it submits until LEVELS (default "100 10000") earlier reports share
# them, settles the database (VACUUM ANALYZE, CHECKPOINT), times MEASURED (default 50) single
# submissions at each level, and prints their p50s and
# the ratio (the goal: at 10 000 sharers at most 1.3 times the p50 at 100). BIN=path measures
# another binary (an older commit's).
#
#   PG_PORT=55451 benches/correlation.sh sharers
#
# Each is measured for DURATION s (default 15) after a WARMUP s (default 10) warm-up run (which
# reads the index into memory), at each number of concurrent connections in CONNECTIONS (default
# "1 2"). Give PostgreSQL a production-like shared_buffers that holds the index (e.g. 2GB; 128MB
# is the default).
#
# The database must be empty (a fresh one) and may be given the pgcrypto extension (for the
# keys) and pg_prewarm (to read the index into memory first); psql must be on PATH. N may be set. With BENCH_DIR=folder the server's data
# folder (keys included) is kept there, and a later run with the same BENCH_DIR and database
# measures again without seeding. A database seeded by `report-portal seed` is measured as it is
# with BENCH_DIR set to the seed's data folder (its search.key), the phone numbers searched then
# being the seed's:
#
#   BENCH_DIR=/work/pg10m/portal DATABASE_URL=postgres://postgres@127.0.0.1:55610/postgres benches/correlation.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
if [ "${1:-}" = sharers ]; then
  release_binary
  make_work_dir
  export PORTAL_DATA_DIR=$WORK PORTAL_LOG=warn PORTAL_MAIL_WORKER=false
  lift_rate_limits
  pick_bind
  start_postgres "/tmp/report-portal-sharers-pg.$$" -c fsync=on -c synchronous_commit=on -c full_page_writes=on
  as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres portal
  export DATABASE_URL=$PG_URL/portal
  new_reporter "Sharers"
  start_server
  python3 benches/sharers.py "$PORTAL_BIND" "$(client_token "$CLIENT_ID" "$CLIENT_SECRET")" \
    "${LEVELS:-100 10000}" "${MEASURED:-50}"
  exit 0
fi
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
-- The server's key of a normalized value: the first 16 bytes of HMAC-SHA256(search key, "kind:value").
CREATE FUNCTION pg_temp.keyed(kind text, value text) RETURNS bytea LANGUAGE sql AS
  $$ SELECT substring(hmac(convert_to(kind || ':' || value, 'UTF8'), (SELECT key FROM bench_key), 'sha256') FROM 1 FOR 16) $$;

-- No body: the lookups measured here never read one (a review detail of these would fail).
INSERT INTO reports (id, organization_id, client_id, mode, external_id, service, category, severity,
    detection_method, detected_at, languages, status, received_at, body, body_sha256)
SELECT pg_temp.rid(g), o.org, o.client, 'live', 'bench-' || g, 'Bench Video', 'recruitment',
    (ARRAY['low', 'medium', 'medium', 'high', 'critical'])[1 + (g / 7) % 5],
    'user_report', now() - (g || ' seconds')::interval, 'es', 'received',
    now() - ((:n - g) || ' seconds')::interval, '{}', '0'
FROM generate_series(1, :n) AS g JOIN orgs o ON o.n = g % 20;
CREATE TEMP TABLE seqs AS SELECT g, r.seq FROM generate_series(1, :n) AS g JOIN reports r ON r.id = pg_temp.rid(g);

INSERT INTO correlation_places (kind, pointer) VALUES
    ('account', '/accounts/0/platform_account_id'), ('handle', '/accounts/0/handle'),
    ('phone', '/accounts/0/contact_handles/0/value'), ('url', '/content/0/url'),
    ('sha256', '/content/0/sha256'), ('pdq', '/content/0/pdq')
ON CONFLICT DO NOTHING;

CREATE TEMP TABLE bench_keys AS
SELECT pg_temp.keyed(v.kind, v.value) AS value_key, s.seq AS report_seq, p.id AS place
FROM seqs s
CROSS JOIN LATERAL (VALUES
    ('account', '11:bench video:acct-' || s.g, '/accounts/0/platform_account_id'),
    ('handle', 'recruiter' || (s.g / 3), '/accounts/0/handle'),
    ('phone', '+5255' || (10000000 + s.g / 4), '/accounts/0/contact_handles/0/value'),
    ('url', 'https://video.example.com/v/' || (s.g / 5), '/content/0/url'),
    ('sha256', encode(sha256(convert_to('media' || (s.g / 2), 'UTF8')), 'hex'), '/content/0/sha256')
) AS v (kind, value, pointer)
JOIN correlation_places p ON p.kind = v.kind AND p.pointer = v.pointer;
-- Into the layout the server's migrations made: on PostgreSQL one row per report since migration
-- `correlation_key_sets` (each key as two halves since `key_halves`), one per value and report
-- before.
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns
             WHERE table_name = 'correlation_key_sets' AND column_name = 'key_heads') THEN
    INSERT INTO correlation_key_sets (report_seq, places, key_heads, key_tails)
    SELECT report_seq, array_agg(place ORDER BY place),
      array_agg(('x' || encode(substr(value_key, 1, 8), 'hex'))::bit(64)::bigint ORDER BY place),
      array_agg(('x' || encode(substr(value_key, 9, 8), 'hex'))::bit(64)::bigint ORDER BY place)
    FROM bench_keys GROUP BY report_seq ORDER BY report_seq;
  ELSIF to_regclass('correlation_key_sets') IS NOT NULL THEN
    INSERT INTO correlation_key_sets (report_seq, places, value_keys)
    SELECT report_seq, array_agg(place ORDER BY place), array_agg(value_key ORDER BY place)
    FROM bench_keys GROUP BY report_seq ORDER BY report_seq;
  ELSE
    INSERT INTO correlation_keys (value_key, report_seq, place)
    SELECT value_key, report_seq, place FROM bench_keys;
  END IF;
END $$;

-- A family of 3 images per 3 reports: the hash, 6 bits off it, and 21 bits off it.
INSERT INTO correlation_pdq (report_seq, pdq, place)
SELECT s.seq, v.p, (SELECT id FROM correlation_places WHERE kind = 'pdq' AND pointer = '/content/0/pdq')
FROM seqs s
CROSS JOIN LATERAL (SELECT sha256(convert_to('image' || (s.g / 3), 'UTF8')) AS base) AS b
CROSS JOIN LATERAL (SELECT CASE s.g % 3
    WHEN 0 THEN base
    WHEN 1 THEN set_byte(set_byte(base, 5, get_byte(base, 5) # 15), 20, get_byte(base, 20) # 3)
    ELSE set_byte(set_byte(set_byte(base, 1, get_byte(base, 1) # 127), 9, get_byte(base, 9) # 127),
                  17, get_byte(base, 17) # 127)
    END AS p) AS v;
-- The chunk keys: rows of their own before migration `pdq_chunk_keys_in_rows`; since, PostgreSQL
-- computes them in each hash's row.
DO $$ BEGIN
  IF to_regclass('correlation_pdq_chunks') IS NOT NULL THEN
    INSERT INTO correlation_pdq_chunks (chunk_key, report_seq)
    SELECT DISTINCT (i << 16) | (get_byte(q.pdq, 2 * i) * 256 + get_byte(q.pdq, 2 * i + 1)), q.report_seq
    FROM correlation_pdq q CROSS JOIN generate_series(0, 15) AS i;
  END IF;
END $$;
SQL
echo "$(date +%T) vacuum and analyze"
KEYS=$(psql -Atc "SELECT coalesce(to_regclass('correlation_key_sets')::text, 'correlation_keys')" "$DATABASE_URL")
psql -q "$DATABASE_URL" -c "VACUUM ANALYZE reports" -c "VACUUM ANALYZE $KEYS" \
  -c "VACUUM ANALYZE correlation_pdq"
if [ "$(psql -Atc "SELECT to_regclass('correlation_pdq_chunks') IS NOT NULL" "$DATABASE_URL")" = t ]; then
  psql -q "$DATABASE_URL" -c "VACUUM ANALYZE correlation_pdq_chunks"
fi
fi
KEYS=$(psql -Atc "SELECT coalesce(to_regclass('correlation_key_sets')::text, 'correlation_keys')" "$DATABASE_URL")
psql -q -t -A -v keys="$KEYS" "$DATABASE_URL" <<'SQL'
SELECT 'index rows: ' || (SELECT count(*) FROM :keys) || ' ' || :'keys' || ', ' || (SELECT count(*) FROM correlation_pdq) || ' PDQ; size '
    || pg_size_pretty(pg_total_relation_size(:'keys') + pg_total_relation_size('correlation_pdq')
       + coalesce(pg_total_relation_size(to_regclass('correlation_pdq_chunks')), 0));
SQL

# Read the tables and indexes the lookups use into the page cache (pg_prewarm), as a server in
# service has them: the figures are of lookups, not of a cold disk after other work evicted them.
echo "$(date +%T) prewarming"
psql -q -t -A "$DATABASE_URL" -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" -c "
SELECT 'prewarmed: ' || pg_size_pretty(sum(pg_prewarm(c.oid::regclass, 'read')) * 8192) FROM pg_class c
WHERE c.relkind IN ('r', 'i') AND (c.relname LIKE 'correlation_%' OR c.relname LIKE 'reports%')"

start_server
TOKEN=$(staff_token bench@dhs.example analyst "orbit-Lantern-97-quietly")
export TOKEN

# Reports drawn by their `seq` (dense), not by sorting millions of rows.
psql -q -t -A "$DATABASE_URL" -o "$WORK/related" <<'SQL'
SELECT '/api/v1/review/reports/' || id || '/related' FROM reports
WHERE seq = ANY (ARRAY(SELECT 1 + (random() * (SELECT max(seq) - 1 FROM reports))::bigint
                       FROM generate_series(1, 1100)))
LIMIT 1000;
SQL
if [ "$(psql -Atc "SELECT EXISTS (SELECT 1 FROM reports WHERE external_id LIKE 'seed-%')" "$DATABASE_URL")" = t ]; then
  # Reports of `report-portal seed` (e.g. the pieces of benches/seed_pieces.sh, measured with
  # BENCH_DIR set to their PORTAL_DATA_DIR): its WhatsApp numbers, +1 NXX 555 01XX, of the area
  # codes 201-209, all in service (the seed draws 201-989; a number of a code not in service is
  # indexed by another key, and in pieces seeded before 9f2a514 as a handle), so that the figures
  # stay comparable with those measured before.
  psql -q -t -A "$DATABASE_URL" -o "$WORK/phone" <<'SQL'
SELECT '/api/v1/review/indicators?type=phone&value=%2B1%20' || (201 + (random() * 8)::int)
    || '%20555%2001' || lpad((random() * 99)::int::text, 2, '0')
FROM generate_series(1, 1000);
SQL
else
  psql -q -t -A -v n="$N" "$DATABASE_URL" -o "$WORK/phone" <<'SQL'
SELECT '/api/v1/review/indicators?type=phone&value=%2B52%2055%20' || (10000000 + (random() * :n)::int / 4)
FROM generate_series(1, 1000);
SQL
fi
psql -q -t -A "$DATABASE_URL" -o "$WORK/pdq" <<'SQL'
SELECT '/api/v1/review/indicators?type=pdq&value='
    || encode(set_byte(pdq, 30, get_byte(pdq, 30) # 5), 'hex')
FROM correlation_pdq ORDER BY random() LIMIT 1000;
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
