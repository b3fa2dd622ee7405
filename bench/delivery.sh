#!/usr/bin/env bash
# Notification email throughput to a local SMTP server (docs/performance.md, "The escalation
# sweep"): aiosmtpd (a sink that accepts every message) on 127.0.0.1, N pending emails
# queued in a small generated store, then `pledge worker --once` delivers them all (claims of
# 100 leased rows, one SMTP conversation a message, each row marked sent with the server's
# answer). Prints messages per second from the round's own delivery time, RUNS times (the
# rows are queued afresh before each run), and the median.
#
#   bench/delivery.sh [N=5000] [RUNS=3] [DATABASE_URL=sqlite://(temp)/delivery.db]
#
# Needs a release build, sqlite3 (or psql for a postgres:// URL) and aiosmtpd
# (PLEDGE_SMTP_PYTHON, default /tmp/pledge-smtp-venv/bin/python).
set -euo pipefail
n=${1:-5000}
runs=${2:-3}
pledge=${PLEDGE:-target/release/pledge}
python=${PLEDGE_SMTP_PYTHON:-/tmp/pledge-smtp-venv/bin/python}
work=$(mktemp -d)
url=${3:-sqlite://$work/delivery.db}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$python" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Sink &
smtp=$!
trap 'kill $smtp 2>/dev/null || true; rm -rf "$work"' EXIT
case "$url" in
sqlite://*) sql() { sqlite3 "${url#sqlite://}" "$1"; } ;;
*) sql() { psql -qtA "$url" -c "$1"; } ;;
esac
"$pledge" generate --database "$url" --cases 50 --forces DUR >/dev/null 2>&1
case_id=$(sql "SELECT case_id FROM case_summary ORDER BY case_id LIMIT 1")

queue() {
  sql "DELETE FROM notification"
  sql "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $n)
    INSERT INTO notification (case_id, person, role, kind, obligation_id, instance, level,
      mandatory, urgent, headline, body, created_at, email, email_status, next_attempt_at, attempts)
    SELECT '$case_id', 'PC-' || i, 'officer_in_case', 'overdue', 'crime-recorded', 0, 1, 1, 0,
      'A task in a case is overdue',
      'Overdue: Record the crime and cross-reference the health-and-safety report. Please complete it or record why not.',
      0, 'pc' || i || '@force.example', 'pending', 0, 0 FROM k" >/dev/null
}

for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port)).close()" 2>/dev/null && break
  sleep 0.1
done
rates=()
for _ in $(seq "$runs"); do
  queue
  out=$(RUST_LOG=warn "$pledge" worker --once --database "$url" --plan op-hampshire \
    --smtp-host 127.0.0.1 --smtp-port "$port" --smtp-tls none)
  rate=$(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
sent, failed, ms = r["emails_sent"], r["emails_failed"], r["mail_ms"]
print(f"{sent / (ms / 1000):.0f}")
print(f"{sent} sent, {failed} failed in {ms:.0f} ms", file=sys.stderr)
' "$out")
  echo "  $rate messages/s (load $(cut -d' ' -f1 /proc/loadavg))"
  rates+=("$rate")
  left=$(sql "SELECT count(*) FROM notification WHERE email_status <> 'sent'")
  [ "$left" = 0 ] || echo "  $left messages not sent"
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
echo "delivery of $n emails to aiosmtpd on 127.0.0.1 ($url): median ${median} messages/s (runs: ${rates[*]})"
