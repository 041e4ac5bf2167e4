#!/usr/bin/env bash
# Runs schemathesis (every check, 100 examples per operation) against the server binary $1 on the
# database $2 (a postgres:// URL; a fresh SQLite file when absent), with a token of the right role
# for each operation (see schemathesis.toml). schemathesis is installed from PyPI into .ci/.venv
# on first use.
set -euo pipefail
. "$(dirname "$0")/../benches/lib.sh"
BIN=$(realpath "$1")
DB_URL=${2:-}

VENV=.ci/.venv
SCHEMATHESIS_VERSION=4.32.5
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi

make_work_dir
export PORTAL_DATA_DIR=$WORK/data PORTAL_WORKERS=2 PORTAL_LOG=warn PORTAL_TOKEN_TTL_SECONDS=7200 \
    PORTAL_STAFF_MFA=optional
# Raised limits let every example reach the handler; SCHEMATHESIS_DEFAULT_RATE_LIMITS=1 keeps the
# defaults, so that many examples are answered 429, which the document must describe.
if [ -z "${SCHEMATHESIS_DEFAULT_RATE_LIMITS:-}" ]; then
    lift_rate_limits
fi
pick_bind
unset DATABASE_URL
if [ -n "$DB_URL" ]; then export DATABASE_URL=$DB_URL; fi

"$BIN" migrate >/dev/null
start_server "$WORK/server.log"
URL=http://$PORTAL_BIND

new_reporter "Schemathesis Co"
export REPORTER_TOKEN
REPORTER_TOKEN=$(client_token "$CLIENT_ID" "$CLIENT_SECRET")
staff_token_of() {
    staff_token "$1@dhs.example" "$1" "correct horse battery staple $1 7f3a"
}
export ANALYST_TOKEN SUPERVISOR_TOKEN ADMIN_TOKEN AUDITOR_TOKEN
ANALYST_TOKEN=$(staff_token_of analyst)
SUPERVISOR_TOKEN=$(staff_token_of supervisor)
ADMIN_TOKEN=$(staff_token_of admin)
AUDITOR_TOKEN=$(staff_token_of auditor)

# A referred report, for the supervisors' operations (legal holds, release) to act on.
post() {
    curl -fs "$URL$1" -H "authorization: Bearer $2" -H 'content-type: application/json' -d "$3"
}
export REFERRED_REPORT_ID
REFERRED_REPORT_ID=$(post /api/v1/reports "$REPORTER_TOKEN" "$(valid_report schemathesis-1)" | json_field id)
TRANSITIONS=/api/v1/review/reports/$REFERRED_REPORT_ID/transitions
post "$TRANSITIONS" "$ANALYST_TOKEN" '{"to": "in_review", "reason": "triage"}' >/dev/null
post "$TRANSITIONS" "$ANALYST_TOKEN" '{"to": "referred", "reason": "for investigation",
    "referral": {"agency": "HSI", "reference": "ST-1"}}' >/dev/null

# Two passes: the admin operations last, since they deactivate users, change their roles, suspend
# organizations and revoke credentials, which would leave the other operations nothing but 401s.
# One worker: with two, Hypothesis parses its lambdas' sources from two threads at once, and
# CPython 3.11's AST builder then fails now and then with "AST constructor recursion depth
# mismatch" (python/cpython#106905, HypothesisWorks/hypothesis#4364): a crash of the tool, seen
# once in CI on GET /api/v1/audit/events, not an answer of the portal.
run_schemathesis() {
    "$VENV/bin/schemathesis" --config-file .ci/schemathesis.toml run "$URL/api-docs/openapi.json" \
        --url "$URL" --checks all --max-examples 100 --workers 1 --no-color \
        --request-timeout 30 --suppress-health-check too_slow "$@"
}
run_schemathesis --exclude-tag admin
# The supervisors' operations must have acted on the referred report, not only refused.
curl -fs "$URL/api/v1/review/reports/$REFERRED_REPORT_ID" -H "authorization: Bearer $SUPERVISOR_TOKEN" |
    python3 -c 'import collections, json, sys
kinds = collections.Counter(event["kind"] for event in json.load(sys.stdin)["timeline"])
print("the referred report'"'"'s timeline:", dict(kinds))
sys.exit(kinds["hold"] == 0 or kinds["hold_lifted"] == 0 or kinds["release"] != 1)'
run_schemathesis --include-tag admin
