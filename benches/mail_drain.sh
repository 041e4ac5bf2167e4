#!/usr/bin/env bash
# How fast the e-mail worker hands a backlog of notifications to an SMTP server. Builds a database
# holding BACKLOG (default 500) due notifications of one report, starts `benches/smtp_sink.py` on
# loopback (it answers as a relay would and keeps nothing), and times `report-portal deliver`:
# every notification due, once, over the worker's pooled SMTP connection, as the worker sends
# them. Prints the messages sent, the seconds it took and the messages a second.
#
#   benches/mail_drain.sh                                            # SQLite, release build
#   BIN=/path/to/report-portal benches/mail_drain.sh                 # another binary
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/drain benches/mail_drain.sh   # an empty database
set -euo pipefail
. "$(dirname "$0")/lib.sh"
BACKLOG=${BACKLOG:-500}
release_binary
make_work_dir
export PORTAL_DATA_DIR=$WORK PORTAL_LOG=warn PORTAL_NOTIFY_TO=desk@dhs.example
queue_notifications "$BACKLOG"
start_smtp_sink
echo "backend: ${DATABASE_URL:-sqlite}; binary: $BIN; backlog: $BACKLOG"
started=$(date +%s.%N)
"$BIN" deliver >"$WORK/deliver.json"
ended=$(date +%s.%N)
python3 - "$WORK/deliver.json" "$started" "$ended" <<'PY'
import json, sys
tally = json.load(open(sys.argv[1]))
seconds = float(sys.argv[3]) - float(sys.argv[2])
print(f"RESULT sent {tally['sent']} failed {tally['failed']} retried {tally['retried']} "
      f"seconds {seconds:.2f} messages/s {tally['sent'] / seconds:.0f}")
PY
