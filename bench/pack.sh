#!/usr/bin/env bash
# The scrutiny pack at `pledge generate` scale (docs/performance.md): generates CASES cases
# for every force into a fresh SQLite database (or uses DB when given), then times `pledge
# report` (HTML, the whole command: open, migrate check, read, compute, render, write) for
# a force-year, RUNS times, against a raw-SQL floor measured in the same run: the same two
# reads (the force-year's case_report rows and their obligation rows) by the sqlite3 shell.
# Prints medians. Needs a release build: cargo build --release -p pledge.
#
#   bench/pack.sh [CASES=45000] [FORCE="Metropolitan Police Service"] [RUNS=7]
set -euo pipefail
cases=${1:-45000}
force=${2:-Metropolitan Police Service}
runs=${3:-7}
pledge=${PLEDGE:-target/release/pledge}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=${DB:-$work/pack.db}
if [ -z "${DB:-}" ]; then
  "$pledge" generate --database "sqlite://$db" --cases "$cases" >/dev/null
fi
from=2025-04-01
to=2026-03-31
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { echo "scale=1; ($2 - $1) / 1000000" | bc; }
n=$(sqlite3 "$db" "SELECT count(*) FROM case_report WHERE force = '$force' AND occurred_at >= strftime('%s','$from')*1000000 AND occurred_at < strftime('%s','$to','+1 day')*1000000")
pack=()
floor=()
for _ in $(seq "$runs"); do
  t0=$(date +%s%N)
  "$pledge" report --database "sqlite://$db" --force "$force" --from "$from" --to "$to" \
    --format html --out "$work/pack.html" >/dev/null
  t1=$(date +%s%N)
  sqlite3 "$db" >/dev/null <<SQL
SELECT case_id, force, unit, occurred_at, facts FROM case_report
 WHERE force = '$force' AND occurred_at >= strftime('%s','$from')*1000000
   AND occurred_at < strftime('%s','$to','+1 day')*1000000 ORDER BY occurred_at, case_id;
SELECT case_id, obligation_id, instance, point, title, owner_role, owner_person, force, unit,
       started_at, due_at, completed_at, status FROM obligation
 WHERE case_id IN (SELECT case_id FROM case_report WHERE force = '$force'
   AND occurred_at >= strftime('%s','$from')*1000000
   AND occurred_at < strftime('%s','$to','+1 day')*1000000) ORDER BY case_id, ord;
SQL
  t2=$(date +%s%N)
  pack+=("$(ms "$t0" "$t1")")
  floor+=("$(ms "$t1" "$t2")")
done
p=$(printf '%s\n' "${pack[@]}" | median)
f=$(printf '%s\n' "${floor[@]}" | median)
echo "force-year pack ($force, $n cases, $from to $to), median of $runs: pledge report html ${p} ms; raw-SQL floor (sqlite3 shell, both reads) ${f} ms; ratio $(echo "scale=2; $p / $f" | bc)"
