#!/usr/bin/env bash
# Checks partner sharing with the OASIS tools (tests/stix_tools.py): every bundle validates with
# 0 errors and 0 warnings in stix2-validator and parses with stix2, and taxii2-client reads the
# TAXII server as a partner's platform would. Runs against the server binary $1 on the database
# $2 (a postgres:// URL; a fresh SQLite file when absent). The pinned tools are installed from
# PyPI into .ci/.venv on first use.
set -euo pipefail
. "$(dirname "$0")/../benches/lib.sh"
BIN=$(realpath "$1")
DB_URL=${2:-}

VENV=.ci/.venv
STIX2_VERSION=3.0.2
VALIDATOR_VERSION=3.3.2
TAXII2_CLIENT_VERSION=2.3.0
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
if ! "$VENV/bin/python" - <<PY 2>/dev/null; then
import importlib.metadata as m
assert m.version("stix2") == "$STIX2_VERSION"
assert m.version("stix2-validator") == "$VALIDATOR_VERSION"
assert m.version("taxii2-client") == "$TAXII2_CLIENT_VERSION"
PY
    "$VENV/bin/pip" install --quiet "stix2==$STIX2_VERSION" \
        "stix2-validator==$VALIDATOR_VERSION" "taxii2-client==$TAXII2_CLIENT_VERSION"
fi

make_work_dir
export PORTAL_DATA_DIR=$WORK/data PORTAL_WORKERS=2 PORTAL_LOG=warn PORTAL_STAFF_MFA=optional
lift_rate_limits
pick_bind
unset DATABASE_URL
if [ -n "$DB_URL" ]; then export DATABASE_URL=$DB_URL; fi

"$BIN" migrate >/dev/null
start_server "$WORK/server.log"
URL=http://$PORTAL_BIND
"$VENV/bin/python" tests/stix_tools.py "$BIN" "$URL"
