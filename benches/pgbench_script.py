#!/usr/bin/env python3
"""Turns the statements the server sent to PostgreSQL for one submission into a pgbench script.

Reads a PostgreSQL server log written with `log_statement=all` and
`log_line_prefix='%p|'` while the server stored exactly one submission (a single report or one
batch), finds the transaction that inserted into "reports", and prints it as a pgbench script:
the same statements in the same transaction, each parameter written in as a literal, except
that every id, external id and indicator hash becomes a value new in every transaction (built
on txid_current()), and the rollup shard varies from one transaction to the next as the server's
does. The report keys (`seq`) the server drew from the sequence `reports_seq` are drawn again in
every transaction: the statement that drew them becomes one that draws as many and keeps a base
in a setting local to the transaction, and each key the server then wrote (recognized by its
value: the capture starts the sequence at SEQ_START, see benches/load.sh) becomes that base plus
its offset. Run with `pgbench -M prepared`: pgbench sends each statement as a prepared one, as
the server does.

    pgbench_script.py server.log ORGANIZATION_ID > single.sql

The organization's id (a UUID like the fresh ones) is kept as it is: its reports must belong to
an organization that exists.
"""

import re
import sys

ENTRY = re.compile(r"^(\d+)\|.*?(LOG|DETAIL):\s+(.*)$")
STATEMENT = re.compile(r"^(?:statement|execute [^:]+):\s+(.*)$", re.S)
PARAMETER = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
# The values that must be new in every transaction: ids (UUIDv7) and the benchmark's external ids.
FRESH = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|load-[0-9a-z-]+"
QUOTED_FRESH = re.compile(rf"'({FRESH})'")
ARRAY = re.compile(r"'\{([^}']*)\}'")
SHARDS = 8
# Where benches/load.sh starts `reports_seq` before the capture: keys from here on are the drawn
# ones (no other number in a submission's statements comes near it).
SEQ_START = 1_000_000_000
DRAW = re.compile(r"SELECT nextval\('reports_seq'\) AS seq FROM generate_series\(1, '?(\d+)'?\) ORDER BY 1")
DRAWN = re.compile(r"'?\b(1\d{9})\b'?")
# Keys a transaction may use above its base: the base is a million times its largest drawn key.
SPAN = 1_000_000


def entries(lines):
    """(pid, kind, text) per log entry, continuation lines joined."""
    current = None
    for line in lines:
        match = ENTRY.match(line)
        if match:
            if current:
                yield current
            current = [match.group(1), match.group(2), match.group(3)]
        elif current:
            current[2] += "\n" + line.rstrip("\n")
    if current:
        yield current


def statements(lines):
    """(pid, sql) per statement, with its parameters written in."""
    pending = None
    for pid, kind, text in entries(lines):
        if kind == "LOG":
            if pending:
                yield pending
            match = STATEMENT.match(text)
            pending = (pid, match.group(1).strip()) if match else None
        elif kind == "DETAIL" and pending and text.startswith("parameters:"):
            values = dict(PARAMETER.findall(text))
            sql = re.sub(r"\$(\d+)\b", lambda m: values[m.group(1)], pending[1])
            pending = (pending[0], sql)
    if pending:
        yield pending


def submission(lines):
    """The statements of the transaction that inserted into "reports"."""
    by_pid = {}
    for pid, sql in statements(lines):
        transaction = by_pid.setdefault(pid, [])
        if sql.upper().startswith("BEGIN"):
            transaction.clear()
        transaction.append(sql)
        if sql.upper() == "COMMIT" and any('INSERT INTO "reports"' in s for s in transaction):
            return list(transaction)
    sys.exit("no committed transaction inserting into reports in the log")


def script(transaction, organization_id):
    names = {}

    def fresh(value):
        """The value's stand-in: the same within a transaction, new in every transaction."""
        if value == organization_id:
            return f"'{value}'"
        name = names.setdefault(value, len(names))
        return f"(CAST(txid_current() AS text) || '-{name}')"

    def fresh_key(value):
        """A 16-byte correlation key's stand-in, new in every transaction like `fresh`."""
        name = names.setdefault(value, len(names))
        return f"decode(md5(CAST(txid_current() AS text) || '-{name}'), 'hex')"

    def fresh_half(value):
        """A 64-bit half of a correlation key's stand-in, new in every transaction like `fresh`."""
        name = names.setdefault(value, len(names))
        return (
            "CAST(CAST('x' || substr(md5(CAST(txid_current() AS text) || "
            f"'-{name}'), 1, 16) AS bit(64)) AS bigint)"
        )

    def array(match):
        keys = re.findall(r'"\\\\x([0-9a-f]{32})"', match.group(1))
        if keys and len(keys) == match.group(1).count(",") + 1:
            # Correlation keys (bytea): each report's own, as the benchmark's indicators mostly
            # are, or every transaction would match every earlier one.
            return "CAST(ARRAY[" + ", ".join(fresh_key(k) for k in keys) + "] AS bytea[])"
        if re.fullmatch(r"-?\d+(,-?\d+)*", match.group(1)):
            numbers = match.group(1).split(",")
            if correlation_keys and all(abs(int(n)) >= 2**32 for n in numbers):
                # Halves of correlation keys (PostgreSQL's `key_heads` and `key_tails`): new in
                # every transaction too, each half the same wherever it recurs.
                return "CAST(ARRAY[" + ", ".join(fresh_half(n) for n in numbers) + "] AS bigint[])"
            if any(SEQ_START < int(n) < SEQ_START + SPAN for n in numbers):
                # Reports' keys drawn in the transaction (read back by `seq = ANY(...)`): an
                # array of numbers that `DRAWN` below turns into the transaction's own.
                return "CAST(ARRAY[" + ", ".join(numbers) + "] AS bigint[])"
            # Numbers (the search words' keys): the literal as it was, typed by its column.
            return match.group(0)
        elements = [
            fresh(e) if re.fullmatch(FRESH, e) else "'" + e.replace("'", "''") + "'"
            for e in match.group(1).split(",")
            if e
        ]
        return "CAST(ARRAY[" + ", ".join(elements) + "] AS text[])"

    body = []
    for sql in transaction:
        # pgbench reads `:name` anywhere as a variable, even inside a string ("preserved":true
        # in a report's body): such colons are written as chr(58); a cast (`$1::bytea[]`) stays.
        sql = re.sub(r"(?<!:):(?=[A-Za-z_])", "' || chr(58) || '", sql)
        correlation_keys = "correlation_key_sets" in sql
        sql = ARRAY.sub(array, sql)
        sql = QUOTED_FRESH.sub(lambda m: fresh(m.group(1)), sql)
        sql = re.sub(r"'\\x([0-9a-f]{32})'", lambda m: fresh_key(m.group(1)), sql)
        if 'INSERT INTO "indicator_index"' in sql:
            # The benchmark's indicators are mostly each report's own: so are the script's, or
            # every transaction would match every earlier one.
            sql = re.sub(r"'([0-9a-f]{64})'", lambda m: fresh(m.group(1)), sql)
        if 'INSERT INTO "audit_events"' in sql:
            # Events written sealed (the transaction got the sealer's lock) carry their position
            # in the chain, unique: each row's becomes one of the transaction's own, from the top
            # of its SPAN down (its reports' keys take the bottom). (The script cannot branch on
            # the lock as the server does: every transaction writes its events sealed.)
            rows = iter(range(SPAN - 1, 0, -1))
            sql = re.sub(
                r"'\d+'(, '[0-9a-f]{64}', '[0-9a-f]{64}'\))",
                lambda m: f"(CAST(current_setting('bench.seq_base') AS bigint) + {next(rows)})"
                + m.group(1),
                sql,
            )
        if 'INSERT INTO "report_counts"' in sql:
            # (day, dimension, key, shard, count): the shard is the fourth value of each row,
            # drawn per transaction as the server draws it per request.
            sql = re.sub(
                r"(\('[^']*', '[^']*', '(?:[^']|'')*', )'?\d+'?(, '?-?\d+'?\))",
                rf"\1CAST(txid_current() % {SHARDS} AS int)\2",
                sql,
            )
        drawn = DRAW.fullmatch(sql)
        if drawn:
            # Draws as many keys as the server did and keeps a base for the transaction (a
            # setting local to it: a pgbench variable would be one more parameter per key, and
            # pgbench allows 255): a SPAN times the largest drawn key, so that no two
            # transactions' keys (base + offset < SPAN) meet.
            sql = (
                f"SELECT set_config('bench.seq_base', CAST(max(seq) * {SPAN} AS text), true) "
                "FROM (SELECT nextval('reports_seq') AS seq "
                f"FROM generate_series(1, {drawn.group(1)})) AS drawn"
            )
        sql = DRAWN.sub(
            lambda m: "(CAST(current_setting('bench.seq_base') AS bigint) + "
            f"{int(m.group(1)) - SEQ_START})"
            if SEQ_START < int(m.group(1)) < SEQ_START + SPAN
            else m.group(0),
            sql,
        )
        body.append(sql.replace("\n", " ") + ";")
    return "\n".join(body) + "\n"


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8", errors="replace") as log:
        sys.stdout.write(script(submission(log), sys.argv[2]))
