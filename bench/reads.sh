#!/usr/bin/env bash
# Reads at the highest rate N connections reach, each writing a durable access-log entry:
# "read one case" (`GET /api/v1/cases/{id}` with a force token, cases of the largest force at
# random) and "my tasks" (`GET /api/v1/tasks`, signed in as the person of that force with the
# most open tasks), with 1 and 16 connections (or those given), over an existing database
# (e.g. made by `pledge generate --cases 50000`), with wrk. Prints wrk's requests/s and
# latency percentiles, and the load average before each run; the figures in
# docs/performance.md ("Reads and the access log") come from this script.
#
#   bench/reads.sh DATABASE_URL [SECONDS] [CONNECTIONS...]
#
#   bench/reads.sh sqlite:///work/bench/accesslog-50k.db 10 1 16
#   bench/reads.sh postgres://postgres@127.0.0.1:5432/bench_accesslog 10 1 16
#
# PLEDGE_BENCH_ACCESS_UNGROUPED=1 writes each read's access entry in a transaction of its own,
# as before group commit (to measure what grouping gains).
#
# Needs: wrk (`apt-get install wrk`), curl, sqlite3 or psql (to pick the cases and the person),
# and a release build (`cargo build --release -p pledge`, or PLEDGE=path/to/pledge).
set -euo pipefail
cd "$(dirname "$0")/.."

URL=${1:?usage: bench/reads.sh DATABASE_URL [SECONDS] [CONNECTIONS...]}
SECONDS_EACH=${2:-10}
shift $(($# < 2 ? $# : 2))
CONNECTIONS=("$@")
[ ${#CONNECTIONS[@]} -gt 0 ] || CONNECTIONS=(1 16)
PORT=${PORT:-18090}
PLEDGE=${PLEDGE:-target/release/pledge}
WORK=$(mktemp -d)
SERVER=
trap 'if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
[ -x "$PLEDGE" ] || cargo build --quiet --release --locked -p pledge

case "$URL" in
  sqlite://*) sql() { sqlite3 "${URL#sqlite://}" "$1"; } ;;
  postgres://* | postgresql://*) sql() { psql "$URL" -tAc "$1"; } ;;
  *) echo "not a database URL: $URL"; exit 1 ;;
esac
FORCE=$(sql "SELECT force FROM case_summary GROUP BY force ORDER BY COUNT(*) DESC LIMIT 1")
sql "SELECT case_id FROM case_summary WHERE force = '$FORCE' ORDER BY random() LIMIT 2000" >"$WORK/ids"
PERSON=$(sql "SELECT o.owner_person FROM obligation o JOIN case_summary s ON s.case_id = o.case_id
  WHERE s.force = '$FORCE' AND o.status = 'open' AND o.owner_person IS NOT NULL
  GROUP BY o.owner_person ORDER BY COUNT(*) DESC LIMIT 1")
UNIT=$(sql "SELECT unit FROM person WHERE id = '$PERSON'")
echo "reading $(wc -l <"$WORK/ids") cases of $FORCE; the tasks of $PERSON ($UNIT)"

TOKEN=$("$PLEDGE" token create --name "bench-reads-$RANDOM$RANDOM" --scope cases:read \
  --force "$FORCE" --database "$URL" 2>/dev/null | tail -n 1)
# The person signs in with a password (the account is made on the first run).
PASSWORD=bench-reads-password
echo "$PASSWORD" | "$PLEDGE" user add --id "$PERSON" --name "Bench reader" \
  --role supervisor,investigator --unit "$UNIT" --password-stdin --database "$URL" \
  >/dev/null 2>&1 || true

# wrk picks a case at random for each request.
cat >"$WORK/reads.lua" <<LUA
local ids = {}
for line in io.lines("$WORK/ids") do ids[#ids + 1] = line end
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
  return wrk.format("GET", "/api/v1/cases/" .. ids[math.random(#ids)])
end
LUA

RUST_LOG=warn "$PLEDGE" serve --database "$URL" --listen "127.0.0.1:$PORT" &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

SESSION=$(curl -sf -D - -o /dev/null -H 'content-type: application/json' \
  -d "{\"person_id\":\"$PERSON\",\"password\":\"$PASSWORD\"}" \
  "http://127.0.0.1:$PORT/api/v1/session" | tr -d '\r' |
  sed -n 's/^[Ss]et-[Cc]ookie: \(pledge_session=[^;]*\).*/\1/p')
[ -n "$SESSION" ] || { echo "could not sign in as $PERSON"; exit 1; }
cat >"$WORK/tasks.lua" <<LUA
wrk.headers["Cookie"] = "$SESSION"
LUA

# Every answer must be a 200: a read that was refused or failed is not a read.
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$PORT/api/v1/cases/$(head -n 1 "$WORK/ids")")
[ "$code" = 200 ] || { echo "a read of a case answered $code"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $SESSION" \
  "http://127.0.0.1:$PORT/api/v1/tasks")
[ "$code" = 200 ] || { echo "my tasks answered $code"; exit 1; }
# Warm the page cache before timing.
wrk -t1 -c4 -d3s -s "$WORK/reads.lua" "http://127.0.0.1:$PORT" >/dev/null

for target in "read one case|reads.lua|/" "my tasks|tasks.lua|/api/v1/tasks"; do
  IFS='|' read -r name script path <<<"$target"
  for c in "${CONNECTIONS[@]}"; do
    echo "== $name: $c connection(s), ${SECONDS_EACH}s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    wrk -t1 -c "$c" -d "${SECONDS_EACH}s" --latency -s "$WORK/$script" \
      "http://127.0.0.1:$PORT$path" | grep -E 'Requests/sec|Non-2xx|Socket errors| 50%| 99%'
  done
done
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
