#!/usr/bin/env bash
# OpenID Connect sign-in against a real OpenID provider on loopback: installs the certified
# `oidc-provider` npm package (tests/oidc-provider/, pinned by its package-lock.json) and runs the
# ignored tests of tests/api/oidc.rs, which start it. With TEST_DATABASE_URL set, on PostgreSQL.
# Needs Node.js (18 or later) and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v node >/dev/null || { echo "Node.js is needed for the OpenID provider tests"; exit 1; }
(cd tests/oidc-provider && npm ci --no-audit --no-fund --loglevel=error)
cargo test --locked --test api oidc:: -- --ignored
