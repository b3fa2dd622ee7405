#!/usr/bin/env bash
# Reads at the highest rate N connections reach: `GET /api/v1/cases/{id}` (every read writes
# a durable access-log entry) with 1 and 16 connections (or those given), over an existing
# database (e.g. made by `pledge generate --cases 50000`), with wrk. Prints wrk's summary
# (requests/s and latency percentiles) and the load average before each run; the figures in
# docs/performance.md ("Reads and the access log") come from this script.
#
#   bench/reads.sh DATABASE_URL [SECONDS] [CONNECTIONS...]
#
#   bench/reads.sh sqlite:///work/bench/accesslog-50k.db 10 1 16
#   bench/reads.sh postgres://postgres@127.0.0.1:5432/bench_accesslog 10 1 16
#
# Needs: wrk (`apt-get install wrk`), curl, sqlite3 or psql (to pick the cases read), and a
# release build (`cargo build --release -p pledge`, or PLEDGE=path/to/pledge).
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

# The largest force's cases (the one with most cases), 2,000 of them, read at random.
case "$URL" in
  sqlite://*)
    DB=${URL#sqlite://}
    FORCE=$(sqlite3 "$DB" "SELECT force FROM case_summary GROUP BY force ORDER BY COUNT(*) DESC LIMIT 1")
    sqlite3 "$DB" "SELECT case_id FROM case_summary WHERE force = '$FORCE' ORDER BY random() LIMIT 2000" >"$WORK/ids"
    ;;
  postgres://* | postgresql://*)
    FORCE=$(psql "$URL" -tAc "SELECT force FROM case_summary GROUP BY force ORDER BY COUNT(*) DESC LIMIT 1")
    psql "$URL" -tAc "SELECT case_id FROM case_summary WHERE force = '$FORCE' ORDER BY random() LIMIT 2000" >"$WORK/ids"
    ;;
  *) echo "not a database URL: $URL"; exit 1 ;;
esac
echo "reading $(wc -l <"$WORK/ids") cases of $FORCE"

TOKEN=$("$PLEDGE" token create --name "bench-reads-$RANDOM$RANDOM" --scope cases:read \
  --force "$FORCE" --database "$URL" 2>/dev/null | tail -n 1)

# wrk picks a case at random for each request.
cat >"$WORK/reads.lua" <<EOF
local ids = {}
for line in io.lines("$WORK/ids") do ids[#ids + 1] = line end
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
  return wrk.format("GET", "/api/v1/cases/" .. ids[math.random(#ids)])
end
EOF

RUST_LOG=warn "$PLEDGE" serve --database "$URL" --listen "127.0.0.1:$PORT" &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
# Every answer must be a 200: a read that was refused or failed is not a read.
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$PORT/api/v1/cases/$(head -n 1 "$WORK/ids")")
[ "$code" = 200 ] || { echo "a read answered $code"; exit 1; }
# Warm the page cache before timing.
wrk -t1 -c4 -d3s -s "$WORK/reads.lua" "http://127.0.0.1:$PORT" >/dev/null

for c in "${CONNECTIONS[@]}"; do
  echo "== $c connection(s), ${SECONDS_EACH}s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  wrk -t1 -c "$c" -d "${SECONDS_EACH}s" --latency -s "$WORK/reads.lua" "http://127.0.0.1:$PORT" |
    grep -E 'Requests/sec|Non-2xx|Socket errors| 50%| 99%'
done
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
