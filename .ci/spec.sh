#!/usr/bin/env bash
# Validates the OpenAPI document the server serves with openapi-spec-validator (a standard
# OpenAPI 3.1 validator, from PyPI into the shared venv .ci/.venv, pinned), through the ignored
# test spec_fixes::the_served_document_passes_a_standard_validator. $TEST_DATABASE_URL, when
# set, runs it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.ci/.venv
VALIDATOR_VERSION=0.9.0
if ! "$VENV/bin/pip" show openapi-spec-validator 2>/dev/null | grep -q "^Version: $VALIDATOR_VERSION$"; then
    [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "openapi-spec-validator==$VALIDATOR_VERSION"
fi
OPENAPI_SPEC_VALIDATOR="$(realpath "$VENV/bin/openapi-spec-validator")" \
    cargo test --locked --test api spec_fixes:: -- --ignored
