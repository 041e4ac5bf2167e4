#!/usr/bin/env bash
# Builds a large seeded PostgreSQL database in pieces, for the measurements at ten million
# reports (`benches/stats.sh`, `benches/correlation.sh`, `benches/purge.sh` with REPORTS=0 and
# this DATABASE_URL) on a machine whose sessions are shorter than the seed: each run adds REPORTS
# reports (default 10 million) with `report-portal seed --force` and its own SEED_VALUE, to the
# cluster and the portal data folder (key store, word-hash key) kept in PG_DIR, until it is done
# or DEADLINE (a `timeout` duration, default 100m) passes. A piece cut short loses only its
# unfinished chunk (one transaction); the next run goes on from what is stored.
#
#   PG_DIR=/work/pg10m SEED_VALUE=101 benches/seed_pieces.sh           # first piece
#   PG_DIR=/work/pg10m SEED_VALUE=102 REPORTS=4000000 benches/seed_pieces.sh
#
# Each piece's organizations are new ("Seed Platform N (seed S)"), and its values are drawn
# afresh, so values are shared across pieces less than within one. PostgreSQL 15 with fsync on,
# 2 GB of shared buffers, max_wal_size 4 GB; at about 5 KB a report, ten million take some 50 GB
# of PG_DIR. Every 5 minutes PG_DIR/progress.log gets the reports stored, the database's size
# and the disk left; the server is stopped at the end of each piece.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
: "${PG_DIR:?set PG_DIR to a folder on a roomy disk, kept between pieces}"
REPORTS=${REPORTS:-10000000}
SEED_VALUE=${SEED_VALUE:-101}
PG_PORT=${PG_PORT:-55610}
release_binary
mkdir -p "$PG_DIR/portal"
if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
[ -d "$PG_DIR/data" ] || as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1 ||
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -o "-p $PG_PORT -k $PG_DIR \
    -c listen_addresses=127.0.0.1 -c shared_buffers=2GB -c max_wal_size=4GB -c fsync=on" start >/dev/null
on_exit "as_pg '$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m fast stop >/dev/null"
export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres PORTAL_DATA_DIR=$PG_DIR/portal \
  PORTAL_LOG=warn PORTAL_MAIL_WORKER=false
"$BIN" migrate >/dev/null
log() { echo "$(date -u +%FT%TZ) $*" >> "$PG_DIR/progress.log"; }
stored() {
  echo "reports=$(psql -qXAt "$DATABASE_URL" -c 'SELECT count(*) FROM reports')" \
    "db_bytes=$(psql -qXAt "$DATABASE_URL" -c "SELECT pg_database_size('postgres')")" \
    "disk_left=$(df --output=avail -B1G "$PG_DIR" | tail -n 1 | tr -d ' ')G"
}
log "piece: REPORTS=$REPORTS SEED_VALUE=$SEED_VALUE BIN=$BIN $(stored)"
(while sleep 300; do log "$(stored)"; done) &
on_exit "kill $!"
timeout --signal=INT "${DEADLINE:-100m}" "$BIN" seed --reports "$REPORTS" --days 365 \
  --organizations 20 --force --seed-value "$SEED_VALUE" >> "$PG_DIR/progress.log" 2>> "$PG_DIR/seed.err"
log "piece ended (status $?): $(stored)"
