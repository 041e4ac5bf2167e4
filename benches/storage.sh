#!/usr/bin/env bash
# Bytes of database per report. Seeds N reports with `report-portal seed` (default 20 000) on a
# throwaway PostgreSQL 15 cluster with fsync on (its own data folder under /tmp, port 55441, never
# the shared test server) and on a SQLite file, then prints for each backend the bytes per report
# of every table (PostgreSQL: pg_total_relation_size, so indexes and TOAST included; SQLite: the
# pages dbstat gives the table and its indexes), the whole database per report, and the seeding
# rate. The audit events are sealed first (`audit checkpoint`), as a running server's sealer would
# have done. The key store (one wrapped data key per report, a database of its own) is printed apart.
#
#   benches/storage.sh                 # both backends, 20 000 reports each
#   REPORTS=2000 BACKENDS=sqlite benches/storage.sh
#   DAYS=10 benches/storage.sh         # the same reports over 10 days instead of 365 (the
#                                      # statistics' rollups grow with days and keys, not reports)
#
# BIN=path uses that binary instead of the release build (to measure an older commit's).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
REPORTS=${REPORTS:-20000}
DAYS=${DAYS:-365}
BACKENDS=${BACKENDS:-"postgres sqlite"}
export PG_PORT=${PG_PORT:-55441}
release_binary
need python3
export PORTAL_LOG=warn PORTAL_MAIL_WORKER=false

seed() {
  "$BIN" seed --reports "$REPORTS" --days "$DAYS" --organizations 20 2>/dev/null
}

# Prints "table bytes" lines, biggest first, then the total, each divided by REPORTS.
per_report() {
  python3 -c '
import sys
reports = int(sys.argv[1])
rows = [line.split("|") for line in sys.stdin.read().split("\n") if line.strip()]
rows = sorted(((name, int(size)) for name, size in rows), key=lambda r: -r[1])
for name, size in rows:
    if size:
        print(f"  {name:32} {size / reports:9.0f}")
print("  %-32s %9.0f" % ("total", sum(s for _, s in rows) / reports))' "$REPORTS"
}

for backend in $BACKENDS; do
  make_work_dir
  export PORTAL_DATA_DIR=$WORK/data
  mkdir -p "$PORTAL_DATA_DIR"
  case $backend in
    postgres)
      PG_DIR=/tmp/report-portal-storage-pg.$$
      start_postgres "$PG_DIR" -c fsync=on -c synchronous_commit=on -c full_page_writes=on
      as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres portal
      export DATABASE_URL=$PG_URL/portal
      ;;
    sqlite)
      export DATABASE_URL=$WORK/portal.db
      ;;
  esac
  echo "== $backend, $REPORTS reports over $DAYS days"
  seed | python3 -c 'import json, sys
s = json.load(sys.stdin)
print("seeded %d reports in %.1f s: %.0f reports/s" % (s["reports"], s["seconds"], s["reports_per_second"]))'
  # What a running server would hold: its sealer links every event into the audit chain within
  # a second (events sealed after they were written cost a second row version and index entry).
  "$BIN" audit checkpoint >/dev/null
  echo "bytes per report, by table (indexes and TOAST included):"
  case $backend in
    postgres)
      psql -qAt "$DATABASE_URL" -c 'VACUUM ANALYZE' -c "
        SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'" | per_report
      echo "bytes per report, the ten largest indexes:"
      psql -qAt "$DATABASE_URL" -c "
        SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'i'
        ORDER BY 2 DESC LIMIT 10" | per_report | grep -v ' total '
      psql -qAt "$DATABASE_URL" -c "SELECT pg_database_size(current_database())" \
        | python3 -c "import sys; print(f'  database size / reports: {int(sys.stdin.read()) / $REPORTS:.0f}')"
      ;;
    sqlite)
      python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
owner = dict(db.execute("SELECT name, tbl_name FROM sqlite_schema WHERE type IN (\"table\", \"index\")"))
sizes = {}
for name, size in db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
    table = owner.get(name, name)
    sizes[table] = sizes.get(table, 0) + size
for table, size in sizes.items():
    print(f"{table}|{size}")' "$DATABASE_URL" | per_report
      python3 -c "import os; print(f'  file size / reports: {os.path.getsize(\"$DATABASE_URL\") / $REPORTS:.0f}')"
      ;;
  esac
  python3 -c "import os; print(f'  key store (keys.db) / reports: {os.path.getsize(\"$PORTAL_DATA_DIR/keys.db\") / $REPORTS:.0f}')"
  if [ "$backend" = postgres ]; then stop_postgres "$PG_DIR"; fi
  rm -rf "$WORK"
done
