"""The cost of one submission as more earlier reports share its values (benches/correlation.sh
sharers): every report carries the same WhatsApp number, handle and profile URL (its account id
and media its own). Submits reports in batches of 100 until LEVEL earlier reports hold them, then
times MEASURED single submissions (POST /api/v1/reports, one at a time on one kept-alive
connection), for each level of LEVELS, after the seeding's own aftermath (autovacuum, dirty
buffers) is settled with VACUUM ANALYZE and CHECKPOINT on DATABASE_URL; prints the p50 and p90 of each level and the ratio of the
last level's p50 to the first's.

    python3 benches/sharers.py HOST:PORT TOKEN "100 10000" 50
"""

import http.client
import json
import os
import subprocess
import secrets
import statistics
import sys
import time

host, token, levels, measured = sys.argv[1], sys.argv[2], sys.argv[3].split(), int(sys.argv[4])
connection = http.client.HTTPConnection(host, timeout=60)
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
with open("tests/fixtures/valid_report.json") as fixture:
    template = json.load(fixture)


def report():
    """The valid report with the shared number, handle and profile URL, and its own account id,
    media and external id."""
    mine = secrets.token_hex(16)
    body = json.loads(json.dumps(template))
    body["external_id"] = f"sharer-{mine}"
    body["accounts"][0]["platform_account_id"] = f"acct-{mine}"
    body["content"][0]["url"] = f"https://video.example.com/v/{mine}"
    body["content"][0]["account_ref"] = f"acct-{mine}"
    body["content"][0]["sha256"] = secrets.token_hex(32)
    body["content"][0].pop("md5")
    return body


def post(path, body):
    connection.request("POST", path, json.dumps(body), headers)
    answer = connection.getresponse()
    answer.read()
    if answer.status not in (200, 201, 207):
        sys.exit(f"{path} answered {answer.status}")


stored = 0
first_p50 = None
for level in map(int, levels):
    while stored < level:
        count = min(100, level - stored)
        post("/api/v1/reports/batch", {"reports": [report() for _ in range(count)]})
        stored += count
    # The level's figure, not the seeding's: its dead rows vacuumed, statistics read, dirty
    # buffers written, as on a database in service.
    subprocess.run(
        ["psql", "-q", os.environ["DATABASE_URL"], "-c", "VACUUM ANALYZE", "-c", "CHECKPOINT"],
        check=True,
    )
    times = []
    for _ in range(measured):
        started = time.perf_counter()
        post("/api/v1/reports", report())
        times.append((time.perf_counter() - started) * 1000)
    stored += measured
    p50 = statistics.median(times)
    p90 = statistics.quantiles(times, n=10)[-1]
    first_p50 = first_p50 or p50
    print(f"{level:>7} sharers: p50 {p50:6.1f} ms, p90 {p90:6.1f} ms ({measured} submissions)")
print(f"p50 at {levels[-1]} / p50 at {levels[0]}: {p50 / first_p50:.2f}")
