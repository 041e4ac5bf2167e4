#!/usr/bin/env bash
# Requests while a backlog of e-mail drains (issue 23). Builds a database holding BACKLOG
# (default 20 000) due notifications and nobody to receive them, starts the server with its
# defaults (e-mail worker on, rate limits lifted), and while notifications are pending (at most
# MEASURE seconds, default 20) sends, one after the other, `GET /readyz`, a token request and a
# submission, timing each, 20 ms apart; a `report-portal user create` runs once, 1 s in. Then it
# sends SIGTERM with a keep-alive connection open and times the exit (SIGKILL after 70 s). Prints
# p50/p99/max per request kind, the drain time, the CLI's time, the shutdown time, the
# notifications still pending and the log lines about undeliverable messages.
#
#   benches/backlog.sh                                                    # SQLite, release build
#   BIN=target/debug/report-portal benches/backlog.sh                     # another binary
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/backlog benches/backlog.sh   # an empty database
set -euo pipefail
. "$(dirname "$0")/lib.sh"
BACKLOG=${BACKLOG:-20000}
export MEASURE=${MEASURE:-20}
release_binary
make_work_dir
export PORTAL_DATA_DIR=$WORK PORTAL_LOG=info
# One client measuring, never throttled.
lift_rate_limits
pick_bind
echo "backend: ${DATABASE_URL:-sqlite}; binary: $BIN; backlog: $BACKLOG"
# One report to be notified about, and a credential of its organization.
queue_notifications "$BACKLOG"
ORG=$(sql "SELECT id FROM organizations LIMIT 1")
CREDENTIAL=$(PORTAL_LOG=warn $BIN credential create --org "$ORG")
CLIENT_ID=$(json_field client_id <<<"$CREDENTIAL")
SECRET=$(json_field client_secret <<<"$CREDENTIAL")
export CLIENT_ID SECRET VALID_REPORT
echo "pending before: $(sql "SELECT count(*) FROM outbox WHERE status = 'pending'")"
start_server "$WORK/server.log"
export SERVER BIN
python3 - <<'PY'
import http.client, json, os, signal, subprocess, threading, time, uuid

host, port = os.environ["PORTAL_BIND"].split(":")
measure = float(os.environ["MEASURE"])
conn = http.client.HTTPConnection(host, int(port), timeout=70)

def timed(method, path, body, headers):
    global conn
    started = time.monotonic()
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
    except (ConnectionError, http.client.RemoteDisconnected):  # the server closed it: again
        conn.close()
        conn = http.client.HTTPConnection(host, int(port), timeout=70)
        conn.request(method, path, body, headers)
        response = conn.getresponse()
    data = response.read()
    return time.monotonic() - started, response.status, data

def token():
    form = f"grant_type=client_credentials&client_id={os.environ['CLIENT_ID']}&client_secret={os.environ['SECRET']}"
    return timed("POST", "/api/v1/auth/token", form, {"content-type": "application/x-www-form-urlencoded"})

def report():
    with open(os.environ["VALID_REPORT"]) as fixture:
        report = json.load(fixture)
    report["external_id"] = f"case-{uuid.uuid4().hex}"
    return report

cli = {}
def user_create():
    time.sleep(1)
    started = time.monotonic()
    done = subprocess.run([os.environ["BIN"], "user", "create", "--email", f"u{uuid.uuid4().hex[:8]}@dhs.example",
                           "--role", "analyst"], capture_output=True, env={**os.environ, "PORTAL_LOG": "warn"})
    cli["seconds"], cli["ok"] = time.monotonic() - started, done.returncode == 0
    cli["error"] = done.stderr.decode()[-200:]
threading.Thread(target=user_create).start()

times = {"token": [], "submission": [], "readyz": []}
statuses = {}
access = None
started = time.monotonic()
end = started + measure
drained_after = None
def record(kind, took, status):
    times[kind].append(took)
    statuses.setdefault(kind, {}).setdefault(status, 0)
    statuses[kind][status] += 1
# Requests are counted while notifications are pending (as /readyz tells before each round).
while time.monotonic() < end:
    took, status, data = timed("GET", "/readyz", None, {})
    if status == 200 and json.loads(data)["outbox"]["pending"] == 0:
        drained_after = time.monotonic() - started
        break
    record("readyz", took, status)
    took, status, data = token()
    record("token", took, status)
    if status == 200:
        access = json.loads(data)["access_token"]
    if access:
        took, status, _ = timed("POST", "/api/v1/reports", json.dumps(report()),
                                {"content-type": "application/json", "authorization": f"Bearer {access}"})
        record("submission", took, status)
    time.sleep(0.02)

def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000 if values else float("nan")
for kind, values in times.items():
    print(f"{kind}: n={len(values)} p50={pct(values, .5):.0f} ms p99={pct(values, .99):.0f} ms "
          f"max={max(values, default=float('nan')) * 1000:.0f} ms statuses={statuses.get(kind)}")
print(f"backlog drained after: {drained_after:.1f} s" if drained_after else f"backlog not drained in {measure:.0f} s")
while "ok" not in cli:
    time.sleep(0.1)
print(f"user create: {cli['seconds']:.2f} s, {'ok' if cli['ok'] else 'FAILED: ' + cli['error']}")
# SIGTERM with this keep-alive connection open and idle.
server = int(os.environ["SERVER"])
started = time.monotonic()
os.kill(server, signal.SIGTERM)
while time.monotonic() - started < 70:
    try:
        with open(f"/proc/{server}/stat") as stat:
            if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                break
    except FileNotFoundError:
        break
    time.sleep(0.05)
else:
    os.kill(server, signal.SIGKILL)
print(f"shutdown after SIGTERM: {time.monotonic() - started:.2f} s")
PY
wait $SERVER 2>/dev/null || true
SERVER=
echo "pending after: $(sql "SELECT count(*) FROM outbox WHERE status = 'pending'")"
echo "log lines per undeliverable message: $(grep -c 'e-mail not delivered' "$WORK/server.log" || true); 'cannot be delivered' lines: $(grep -c 'e-mail cannot be delivered' "$WORK/server.log" || true)"
