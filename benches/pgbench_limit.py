#!/usr/bin/env python3
"""Prints the pgbench scripts of the database's own limit for storing reports (issue 20).

The limit is what PostgreSQL sustains when it stores the same data as the portal with nothing
else around it: per report a row with a 2 KB body (random bytes, as incompressible as a sealed
body), an id (a UUID), a unique key, a 32-byte hash and a timestamp, and ten child rows (a
16-byte key each, indexed, as the correlation keys are), in tables of their own
(`limit_reports`, `limit_children`). One transaction per report for single submissions; for
batches, BATCH reports a transaction, each table written by one multi-row insert.

    pgbench_limit.py schema             # the tables (dropped and created again)
    pgbench_limit.py script 1           # one report a transaction
    pgbench_limit.py script 100         # batches of 100

Run the scripts with `pgbench -M prepared`: the statements are planned once. Every transaction
takes new ids from two random 62-bit numbers drawn by pgbench (`:a`, `:b`), so nothing repeats.
"""

import os
import sys

SCHEMA = """DROP TABLE IF EXISTS limit_children, limit_reports;
CREATE TABLE limit_reports (
  id uuid PRIMARY KEY,
  unique_key text NOT NULL UNIQUE,
  body_hash bytea NOT NULL,
  received_at timestamptz NOT NULL,
  body bytea NOT NULL
);
CREATE TABLE limit_children (
  report_id uuid NOT NULL REFERENCES limit_reports (id),
  position smallint NOT NULL,
  key bytea NOT NULL,
  PRIMARY KEY (report_id, position)
);
CREATE INDEX limit_children_key ON limit_children (key);
"""

# The id of report number g of this transaction, and its unique key.
ID = "(lpad(to_hex(:a::bigint), 16, '0') || lpad(to_hex(:b::bigint + g), 16, '0'))::uuid"
KEY = "'limit-' || :a::bigint || '-' || (:b::bigint + g)"


def script(batch: int) -> str:
    body = "'\\x" + os.urandom(2048).hex() + "'::bytea"
    return f"""\\set a random(1, 4611686018427387903)
\\set b random(1, 4611686018427387903)
BEGIN;
INSERT INTO limit_reports (id, unique_key, body_hash, received_at, body)
  SELECT {ID}, {KEY}, sha256(convert_to({KEY}, 'UTF8')), now(), {body}
  FROM generate_series(1, {batch}) AS g;
INSERT INTO limit_children (report_id, position, key)
  SELECT {ID}, c, substr(sha256(convert_to({KEY} || '/' || c, 'UTF8')), 1, 16)
  FROM generate_series(1, {batch}) AS g, generate_series(1, 10) AS c;
COMMIT;
"""


if __name__ == "__main__":
    if sys.argv[1:] == ["schema"]:
        print(SCHEMA, end="")
    elif len(sys.argv) == 3 and sys.argv[1] == "script":
        print(script(int(sys.argv[2])), end="")
    else:
        sys.exit(__doc__)
