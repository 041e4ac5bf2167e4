#!/usr/bin/env bash
# Runs schemathesis (every check, 100 examples per operation) against the server binary $1 on the
# database $2 (a postgres:// URL; a fresh SQLite file when absent), with a token of the right role
# for each operation (see schemathesis.toml). schemathesis is installed from PyPI into .ci/.venv
# on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "$1")
DB_URL=${2:-}

VENV=.ci/.venv
SCHEMATHESIS_VERSION=4.32.5
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi

WORK=$(mktemp -d /tmp/report-portal-schemathesis.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PORTAL_DATA_DIR=$WORK/data PORTAL_BIND=127.0.0.1:$PORT PORTAL_METRICS_BIND=127.0.0.1:0 \
    PORTAL_WORKERS=2 PORTAL_LOG=warn PORTAL_TOKEN_TTL_SECONDS=7200
# Raised limits let every example reach the handler; SCHEMATHESIS_DEFAULT_RATE_LIMITS=1 keeps the
# defaults, so that many examples are answered 429, which the document must describe.
if [ -z "${SCHEMATHESIS_DEFAULT_RATE_LIMITS:-}" ]; then
    export PORTAL_RATE_LIMIT_PER_SECOND=100000 PORTAL_RATE_LIMIT_BURST=100000 \
        PORTAL_AUTH_RATE_LIMIT_PER_SECOND=100000 PORTAL_AUTH_RATE_LIMIT_BURST=100000
fi
unset DATABASE_URL
if [ -n "$DB_URL" ]; then export DATABASE_URL=$DB_URL; fi

"$BIN" migrate >/dev/null
"$BIN" serve 2>"$WORK/server.log" &
SERVER=$!
stop_server() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap stop_server EXIT
URL=http://127.0.0.1:$PORT
for _ in $(seq 100); do
    curl -fs "$URL/healthz" >/dev/null && break
    sleep 0.1
done

field() { python3 -c "import json, sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
ORG=$("$BIN" org create --name "Schemathesis Co" --vetted | field id)
CREDENTIAL=$("$BIN" credential create --org "$ORG")
export REPORTER_TOKEN
REPORTER_TOKEN=$(curl -fs "$URL/api/v1/auth/token" -d grant_type=client_credentials \
    --data-urlencode "client_id=$(field client_id <<<"$CREDENTIAL")" \
    --data-urlencode "client_secret=$(field client_secret <<<"$CREDENTIAL")" | field access_token)
staff_token() {
    local password="correct horse battery staple $1 7f3a"
    "$BIN" user create --email "$1@dhs.example" --role "$1" --password-stdin <<<"$password" >/dev/null
    curl -fs "$URL/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"email\": \"$1@dhs.example\", \"password\": \"$password\"}" | field access_token
}
export ANALYST_TOKEN SUPERVISOR_TOKEN ADMIN_TOKEN AUDITOR_TOKEN
ANALYST_TOKEN=$(staff_token analyst)
SUPERVISOR_TOKEN=$(staff_token supervisor)
ADMIN_TOKEN=$(staff_token admin)
AUDITOR_TOKEN=$(staff_token auditor)

# A referred report, for the supervisors' operations (legal holds, release) to act on.
post() {
    curl -fs "$URL$1" -H "authorization: Bearer $2" -H 'content-type: application/json' -d "$3"
}
export REFERRED_REPORT_ID
REFERRED_REPORT_ID=$(post /api/v1/reports "$REPORTER_TOKEN" '{"external_id": "schemathesis-1",
    "service": "Example Chat", "category": "recruitment", "severity": "high",
    "summary": "Account offering paid security work with travel.", "detection_method": "user_report",
    "detected_at": "2026-01-01T00:00:00Z", "accounts": [{"platform_account_id": "u-1",
    "role": "recruiter", "action_taken": "suspended"}],
    "contact": {"name": "Desk", "email": "desk@example.com"}}' | field id)
TRANSITIONS=/api/v1/review/reports/$REFERRED_REPORT_ID/transitions
post "$TRANSITIONS" "$ANALYST_TOKEN" '{"to": "in_review", "reason": "triage"}' >/dev/null
post "$TRANSITIONS" "$ANALYST_TOKEN" '{"to": "referred", "reason": "for investigation",
    "referral": {"agency": "HSI", "reference": "ST-1"}}' >/dev/null

# Two passes: the admin operations last, since they deactivate users, change their roles, suspend
# organizations and revoke credentials, which would leave the other operations nothing but 401s.
run_schemathesis() {
    "$VENV/bin/schemathesis" --config-file .ci/schemathesis.toml run "$URL/api-docs/openapi.json" \
        --url "$URL" --checks all --max-examples 100 --workers 2 --no-color \
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
