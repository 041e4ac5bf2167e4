#!/usr/bin/env python3
"""Fault tests: the real server binary under a stream of submissions while things break.

1. kill: the server is killed with SIGKILL in the middle of the stream (SQLite), then restarted.
2. postgres: PostgreSQL is stopped for a while under the stream, then started again; the server
   must answer 503 with Retry-After and problem+json meanwhile, fail /readyz, stay up, and serve
   again within 5 seconds of the database's return.

After each, every report that got a 201 must be readable, and each must have its new-report
e-mail delivered (as a `.eml` file, the transport used when no SMTP server is configured).
SMTP being down is covered by tests/api/mail.rs
(reports_keep_arriving_while_smtp_is_down_and_all_are_delivered_when_it_is_back).

Usage: tests/faults.py BINARY [--pg-bin DIR]   (without --pg-bin only the kill test runs)
Standard library only.
"""

import argparse
import email
import email.policy
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

# Seconds the server may take to serve again once PostgreSQL is back (the bound).
RECOVERY_LIMIT = 5.0
CLIENTS = 4


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def request(method, url, body=None, token=None, form=None, timeout=15):
    """Answers (status, headers, body bytes); raises OSError when there is no HTTP answer."""
    headers = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["content-type"] = "application/json"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["content-type"] = "application/x-www-form-urlencoded"
    if token:
        headers["authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


VALID_REPORT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "valid_report.json")


def report(external_id):
    """The valid report fixture (tests/fixtures/valid_report.json) with `external_id`."""
    with open(VALID_REPORT) as fixture:
        body = json.load(fixture)
    body["external_id"] = external_id
    return body


class Portal:
    """One data folder and database, and the server process serving them."""

    def __init__(self, binary, workdir, database_url=None):
        self.binary = binary
        self.data_dir = os.path.join(workdir, "data")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            PORTAL_DATA_DIR=self.data_dir,
            PORTAL_BIND=f"127.0.0.1:{self.port}",
            # Any free port: several servers may run on this machine at once.
            PORTAL_METRICS_BIND="127.0.0.1:0",
            PORTAL_WORKERS="2",
            PORTAL_LOG="warn",
            PORTAL_MAIL_POLL_SECONDS="0.5",
            # A killed worker's claims go to its successor after this.
            PORTAL_MAIL_LEASE_SECONDS="3",
            PORTAL_RATE_LIMIT_PER_SECOND="100000",
            PORTAL_RATE_LIMIT_BURST="100000",
            PORTAL_DB_TIMEOUT_SECONDS="2",
            PORTAL_PUBLIC_URL="https://portal.example",
            PORTAL_NOTIFY_TO="analysts@dhs.example",
        )
        self.env.pop("DATABASE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.log = open(os.path.join(workdir, "server.log"), "ab")
        self.process = None

    def cli(self, *args):
        out = subprocess.run(
            [self.binary, *args], env=self.env, check=True, capture_output=True
        ).stdout
        return json.loads(out)

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "serve"], env=self.env, stdout=self.log, stderr=self.log
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request("GET", f"{self.url}/healthz", timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                fail(f"the server exited with {self.process.returncode}; see its log")
            time.sleep(0.1)
        fail("the server did not start within 30 s")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def reporter_token(self):
        org = self.cli("org", "create", "--name", "Fault Test Co", "--vetted")
        credential = self.cli("credential", "create", "--org", org["id"])
        status, _, body = request(
            "POST",
            f"{self.url}/api/v1/auth/token",
            form={
                "grant_type": "client_credentials",
                "client_id": credential["client_id"],
                "client_secret": credential["client_secret"],
            },
        )
        if status != 200:
            fail(f"no token: {status} {body!r}")
        return json.loads(body)["access_token"]

    def delivered_report_ids(self):
        """The report ids named by the e-mail written so far (whole messages: the worker writes
        each to a `.eml.partial` file first, then renames it)."""
        text = []
        mail_dir = os.path.join(self.data_dir, "mail")
        for name in os.listdir(mail_dir) if os.path.isdir(mail_dir) else []:
            if not name.endswith(".eml"):
                continue
            with open(os.path.join(mail_dir, name), "rb") as f:
                message = email.message_from_binary_file(f, policy=email.policy.default)
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    text.append(part.get_content())
        return "\n".join(text)


class Stream:
    """Client threads submitting reports without pause, recording every answer."""

    def __init__(self, portal, token):
        self.portal = portal
        self.token = token
        self.lock = threading.Lock()
        self.acknowledged = []  # report ids that got a 201
        self.statuses = {}  # status (or "no answer") -> count
        self.bad_unavailable = []  # 503s without Retry-After or problem+json
        self.last_201_at = None
        self.running = True
        self.threads = [threading.Thread(target=self.run) for _ in range(CLIENTS)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.running = False
        for thread in self.threads:
            thread.join()

    def run(self):
        while self.running:
            body = report(f"fault-{uuid.uuid4().hex}")
            try:
                status, headers, answer = request(
                    "POST", f"{self.portal.url}/api/v1/reports", body, self.token
                )
            except OSError:
                status, headers, answer = "no answer", {}, b""
                time.sleep(0.05)
            with self.lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status == 201:
                    self.acknowledged.append(json.loads(answer)["id"])
                    self.last_201_at = time.monotonic()
                elif status == 503:
                    if not headers.get("retry-after") or headers.get(
                        "content-type"
                    ) != "application/problem+json":
                        self.bad_unavailable.append(dict(headers))

    def acked(self):
        with self.lock:
            return len(self.acknowledged)

    def wait_for_acks(self, count, within=60):
        deadline = time.monotonic() + within
        while self.acked() < count:
            if time.monotonic() > deadline:
                fail(f"fewer than {count} reports acknowledged within {within} s: {self.statuses}")
            time.sleep(0.05)


def check_nothing_lost(portal, token, acknowledged):
    """Every acknowledged report is readable and named by a delivered e-mail."""
    found = 0
    for report_id in acknowledged:
        status, _, _ = request("GET", f"{portal.url}/api/v1/reports/{report_id}", token=token)
        found += status == 200
    deadline = time.monotonic() + 60
    while True:
        mail = portal.delivered_report_ids()
        notified = sum(report_id in mail for report_id in acknowledged)
        if notified == len(acknowledged) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    print(f"  reports acknowledged (201): {len(acknowledged)}")
    print(f"  reports found:              {found}")
    print(f"  notifications delivered:    {notified}")
    if found != len(acknowledged) or notified != len(acknowledged):
        fail("an acknowledged report or its notification is missing")


def kill_test(binary):
    print("== SIGKILL in the middle of a stream of submissions (SQLite)", flush=True)
    with tempfile.TemporaryDirectory() as workdir:
        portal = Portal(binary, workdir)
        try:
            portal.start()
            token = portal.reporter_token()
            with Stream(portal, token) as stream:
                for round_ in range(3):
                    stream.wait_for_acks(stream.acked() + 50)
                    portal.kill()
                    print(f"  killed after {stream.acked()} acknowledgements", flush=True)
                    time.sleep(0.5)
                    portal.start()
                stream.wait_for_acks(stream.acked() + 50)
            print(f"  answers: {stream.statuses}")
            unexpected = {s: n for s, n in stream.statuses.items() if s not in (201, "no answer")}
            if unexpected:
                fail(f"unexpected answers: {unexpected}")
            check_nothing_lost(portal, token, stream.acknowledged)
        finally:
            portal.stop()


def as_postgres(args):
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *args] if os.getuid() == 0 else list(args)


def postgres_test(binary, pg_bin):
    print("== PostgreSQL stopped and started under a stream of submissions", flush=True)
    with tempfile.TemporaryDirectory() as workdir:
        pg_dir = os.path.join(workdir, "pg")
        os.mkdir(pg_dir)
        if os.getuid() == 0:
            shutil.chown(workdir, "postgres")
            shutil.chown(pg_dir, "postgres")
        pg_port = free_port()
        pg_ctl = [os.path.join(pg_bin, "pg_ctl"), "-D", os.path.join(pg_dir, "data"), "-w"]
        pg_options = [
            "-l",
            os.path.join(pg_dir, "server.log"),
            "-o",
            f"-p {pg_port} -k {pg_dir} -c listen_addresses=127.0.0.1 -c fsync=off",
        ]
        quiet = {"stdout": subprocess.DEVNULL, "check": True}
        subprocess.run(
            as_postgres([os.path.join(pg_bin, "initdb"), "-D", os.path.join(pg_dir, "data"),
                         "-U", "postgres", "-A", "trust", "--no-sync"]),
            **quiet,
        )
        subprocess.run(as_postgres([*pg_ctl, *pg_options, "start"]), **quiet)
        portal = Portal(binary, workdir, f"postgres://postgres@127.0.0.1:{pg_port}/postgres")
        try:
            portal.start()
            token = portal.reporter_token()
            with Stream(portal, token) as stream:
                stream.wait_for_acks(100)
                subprocess.run(as_postgres([*pg_ctl, "-m", "fast", "stop"]), **quiet)
                print(f"  PostgreSQL stopped after {stream.acked()} acknowledgements", flush=True)
                time.sleep(1)
                before = stream.acked()
                readyz_down = request("GET", f"{portal.url}/readyz")[0]
                time.sleep(5)
                if stream.acked() != before:
                    fail("reports acknowledged while PostgreSQL was down")
                if portal.process.poll() is not None:
                    fail("the server exited while PostgreSQL was down")
                subprocess.run(as_postgres([*pg_ctl, *pg_options, "start"]), **quiet)
                back_at = time.monotonic()
                while stream.last_201_at is None or stream.last_201_at < back_at:
                    if time.monotonic() - back_at > 30:
                        fail("no report acknowledged within 30 s of PostgreSQL's return")
                    time.sleep(0.01)
                recovery = stream.last_201_at - back_at
                readyz_up = request("GET", f"{portal.url}/readyz")[0]
                stream.wait_for_acks(stream.acked() + 100)
            print(f"  answers: {stream.statuses}")
            print(f"  /readyz while down: {readyz_down}, after: {readyz_up}")
            print(f"  503 answers: {stream.statuses.get(503, 0)}")
            print(f"  first 201 after PostgreSQL's return: {recovery:.2f} s")
            unexpected = {s: n for s, n in stream.statuses.items() if s not in (201, 503)}
            if unexpected:
                fail(f"unexpected answers: {unexpected}")
            if stream.bad_unavailable:
                fail(f"503 without Retry-After or problem+json: {stream.bad_unavailable[0]}")
            if not stream.statuses.get(503):
                fail("no 503 while PostgreSQL was down")
            if (readyz_down, readyz_up) != (503, 200):
                fail("/readyz did not follow the database")
            if recovery > RECOVERY_LIMIT:
                fail(f"service came back after {recovery:.2f} s, over {RECOVERY_LIMIT} s")
            check_nothing_lost(portal, token, stream.acknowledged)
        finally:
            portal.stop()
            subprocess.run(as_postgres([*pg_ctl, "-m", "immediate", "stop"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", help="the report-portal server binary")
    parser.add_argument("--pg-bin", help="PostgreSQL's bin folder (initdb, pg_ctl)")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    kill_test(binary)
    if args.pg_bin:
        postgres_test(binary, args.pg_bin)
    print("== fault tests passed", flush=True)


if __name__ == "__main__":
    main()
