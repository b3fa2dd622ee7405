#!/usr/bin/env bash
# The escalation sweep at `pledge generate` scale (docs/performance.md, "The escalation
# sweep"). Generates CASES cases (unless the database is there already, marked ready), then
# times `pledge worker --once --now TIME` rounds (no mail server: the sweep alone), each
# printing what it decided and the sweep's own time (store open and plan loading excluded):
#
#   (b) nothing due: at the generation's end (generated history decided every level due by
#       then) and again straight after every later sweep;
#   (m) one minute after the last sweep (the interval `pledge serve` runs at), three times;
#   (h) one hour after the last sweep, three times;
#   (d) one day after the last sweep, three times (the first is a worker back after a day
#       away: many levels due at once).
#
# Every sweep decides what is due and so changes the store; the runs of each kind are
# consecutive periods, not repeats of one.
#
#   bench/sweep.sh sqlite   [CASES=450000] [FILE=/work/bench/n450k.db]
#   bench/sweep.sh postgres [CASES=100000] [DATABASE=bench_sweep]   (created, and dropped at the end
#                                                                  unless KEEP=1)
#
# Needs a release build (cargo build --release -p pledge), sqlite3 and psql/createdb.
set -euo pipefail
backend=${1:?sqlite or postgres}
pledge=${PLEDGE:-target/release/pledge}
pg=${PLEDGE_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
# `pledge generate`'s default end of the generated period.
until=2026-04-01T00:00:00Z

case "$backend" in
sqlite)
  cases=${2:-450000}
  file=${3:-/work/bench/n450k.db}
  url="sqlite://$file"
  sql() { sqlite3 "$file" "$1"; }
  if [ ! -e "${file%.db}.ready" ]; then
    rm -f "$file" "$file-wal" "$file-shm"
    echo "generating $cases cases into $file (load $(cut -d' ' -f1-3 /proc/loadavg))"
    "$pledge" generate --database "$url" --cases "$cases" --seed 42 --batch 5000
  fi
  ;;
postgres)
  cases=${2:-100000}
  name=${3:-bench_sweep}
  url="$pg/$name"
  sql() { psql -qtA "$url" -c "$1"; }
  if [ "${KEEP:-0}" != 1 ]; then
    trap 'psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"' EXIT
  fi
  if ! psql -qtA "$pg/postgres" -c "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    createdb -h 127.0.0.1 -U postgres "$name"
    echo "generating $cases cases into $name (load $(cut -d' ' -f1-3 /proc/loadavg))"
    "$pledge" generate --database "$url" --cases "$cases" --seed 42 --batch 1000
  fi
  ;;
*) echo "bench/sweep.sh: the backend is sqlite or postgres, not $backend" >&2; exit 2 ;;
esac

echo "store: $(sql 'SELECT count(*) FROM case_summary') cases, $(sql "SELECT count(*) FROM case_summary WHERE status = 'open'") open;" \
  "$(sql 'SELECT count(*) FROM escalation_due') index rows, $(sql 'SELECT count(*) FROM obligation_escalation') levels decided," \
  "$(sql "SELECT count(*) FROM event WHERE event_type = 'obligation_escalated'") obligation_escalated events"

# A moment `secs` seconds after the generation's end, RFC 3339.
at() { date -u -d "@$(( $(date -u -d "$until" +%s) + $1 ))" +%Y-%m-%dT%H:%M:%SZ; }

# One round at a moment: prints kind, moment, what it decided, the sweep's time and the load.
round() {
  local kind=$1 now=$2 out
  out=$(RUST_LOG=warn "$pledge" worker --once --now "$now" --database "$url" --plan op-hampshire)
  python3 -c '
import json, sys
r = json.loads(sys.argv[3]); s = r["sweep"]
# Python before 3.12 allows no quotes of the same kind inside an f-string: values first.
read, rem, esc, done, ms = s["read"], s["reminders"], s["escalations"], s["already_decided"], r["sweep_ms"]
print(f"{sys.argv[1]:<8} {sys.argv[2]}  read {read:>6}  reminders {rem:>5}  escalations {esc:>5}  already {done:>3}  sweep {ms:>10.2f} ms  load {sys.argv[4]}")
' "$kind" "$now" "$out" "$(cut -d' ' -f1 /proc/loadavg)"
}

t=0
for _ in 1 2 3; do round nothing "$(at $t)"; done
for step in 60 3600 86400; do
  case $step in 60) kind=minute ;; 3600) kind=hour ;; *) kind=day ;; esac
  for _ in 1 2 3; do
    t=$(( t + step ))
    round "$kind" "$(at $t)"
    round nothing "$(at $t)"
  done
done
