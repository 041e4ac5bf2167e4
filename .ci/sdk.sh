#!/usr/bin/env bash
# The generated clients (clients/): regenerates both from openapi/openapi.json and fails on drift
# (as ops.rs does for the document), then runs each client's test against the server binary $1
# (default: the debug build `cargo test` made) on the database $DATABASE_URL (a postgres:// URL;
# a fresh SQLite file when unset). Python: openapi-python-client (with ruff for its post hooks),
# standardwebhooks and jwcrypto, pinned, from PyPI into the shared venv .ci/.venv. TypeScript:
# openapi-typescript, openapi-fetch, jose and standardwebhooks from npm, pinned by
# clients/typescript/package-lock.json (`npm ci`; Node.js 18 or later).
set -euo pipefail
. "$(dirname "$0")/../benches/lib.sh"
BIN=$(realpath "${1:-${CARGO_TARGET_DIR:-target}/debug/report-portal}")
DB_URL=${DATABASE_URL:-}

VENV=.ci/.venv
pinned() { # NAME VERSION: installs NAME==VERSION into the venv unless it is there
    "$VENV/bin/pip" show "$1" 2>/dev/null | grep -q "^Version: $2$" && return
    [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "$1==$2"
}
pinned openapi-python-client 0.29.1
pinned ruff 0.17.6
pinned standardwebhooks 1.3.0
pinned jwcrypto 1.6.1
need npm nodejs
(cd clients/typescript && npm ci --no-audit --no-fund --loglevel=error)

echo "== regenerating the clients"
PATH=$ROOT/$VENV/bin:$PATH "$VENV/bin/openapi-python-client" generate --path openapi/openapi.json \
    --output-path clients/python/report_portal_client --meta none \
    --config clients/python/generator.yaml --overwrite >/dev/null
(cd clients/typescript && npx openapi-typescript ../../openapi/openapi.json -o src/schema.d.ts >/dev/null)
untracked=$(git ls-files --others --exclude-standard -- clients/)
if ! git diff --exit-code --stat -- clients/ || [ -n "$untracked" ]; then
    echo "$untracked"
    echo "the clients differ from openapi/openapi.json: run bash .ci/sdk.sh and commit clients/" >&2
    exit 1
fi
"$VENV/bin/pip" install --quiet ./clients/python
rm -rf clients/python/build clients/python/*.egg-info

echo "== the clients against the server"
make_work_dir
export PORTAL_DATA_DIR=$WORK/data PORTAL_WORKERS=2 PORTAL_LOG=warn
pick_bind
unset DATABASE_URL
if [ -n "$DB_URL" ]; then export DATABASE_URL=$DB_URL; fi
"$BIN" migrate >/dev/null
start_server "$WORK/server.log"
# A test-mode credential: its webhook endpoints may be a receiver on loopback.
new_reporter "SDK Co" --mode test
export PORTAL_URL=http://$PORTAL_BIND CLIENT_ID CLIENT_SECRET REPORT_FILE=$VALID_REPORT

valid_report "sdk-example-python-$(date +%s%N)" >"$WORK/python-report.json"
(cd clients/python && "$ROOT/$VENV/bin/python" example.py "$WORK/python-report.json")
(cd clients/python && "$ROOT/$VENV/bin/python" -m unittest -v test_sdk 2>&1)
(cd clients/typescript && npx tsc -p .)
valid_report "sdk-example-typescript-$(date +%s%N)" >"$WORK/typescript-report.json"
(cd clients/typescript && node dist/example.js "$WORK/typescript-report.json")
(cd clients/typescript && node --test dist/test/)
