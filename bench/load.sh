#!/usr/bin/env bash
# Load benchmark of the service with oha: reading a case and recording a step, at a fixed
# rate (default 200 requests/s), on SQLite and (when reachable) PostgreSQL. Prints oha's
# summary; the figures in docs/performance.md come from this script.
#
#   bench/load.sh [RATE] [SECONDS]
#
# Needs: oha (installed with `cargo install oha --locked` when missing), curl, and for the
# PostgreSQL run a server at $PLEDGE_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${1:-200}
SECONDS_EACH=${2:-20}
PORT=18080
BASE="http://127.0.0.1:$PORT"
PG=${PLEDGE_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
WORK=$(mktemp -d)
SERVER=
trap 'if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT

if ! command -v oha >/dev/null 2>&1; then
  export PATH="$HOME/.cargo/bin:/root/.local/oha/bin:$PATH"
  command -v oha >/dev/null 2>&1 || cargo install oha --locked
fi
cargo build --quiet --release --locked -p pledge
PLEDGE=target/release/pledge

run() {
  local name=$1 url=$2
  echo "== $name"
  "$PLEDGE" demo --no-serve --database "$url" >/dev/null
  local token
  token=$("$PLEDGE" token create --name "bench-$RANDOM$RANDOM" --scope cases:read,cases:write \
    --force "Wessex Constabulary" --database "$url" 2>/dev/null | tail -n 1)
  RUST_LOG=warn "$PLEDGE" serve --database "$url" --listen "127.0.0.1:$PORT" &
  SERVER=$!
  for _ in $(seq 1 50); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.2; done

  # 1,000 cases to spread the load over, recorded through the API like a crime system would.
  local body
  for i in $(seq -w 0 999); do
    body=$(printf '{"case_id":"BENCH-%s","unit":"north-response","force":"Wessex Constabulary","occurred_at":"2026-01-01T00:00:00Z","location_type":"street","supervisor":"PS-2231","victims":[{"person":"PC-4410","workforce_role":"officer","injury":"minor"}],"offence":"common_assault_emergency_worker","suspects":[{"identified":true}]}' "$i")
    curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'content-type: application/json' \
      -d "$body" "$BASE/api/v1/cases" || { echo "could not record case $i"; exit 1; }
  done

  # (In oha's URL regexes a dot is written [.]: the URL is a pattern.)
  echo "-- read a case (GET /api/v1/cases/{id}), $RATE/s for ${SECONDS_EACH}s"
  oha --no-tui -z "${SECONDS_EACH}s" -q "$RATE" -c 16 -H "Authorization: Bearer $token" \
    --rand-regex-url 'http://127[.]0[.]0[.]1:18080/api/v1/cases/BENCH-[0-9]{3}'
  echo "-- record a step (POST /api/v1/cases/{id}/steps/welfare_meeting_held), $RATE/s for ${SECONDS_EACH}s"
  oha --no-tui -z "${SECONDS_EACH}s" -q "$RATE" -c 16 -H "Authorization: Bearer $token" \
    -m POST -T application/json -d '{}' \
    --rand-regex-url 'http://127[.]0[.]0[.]1:18080/api/v1/cases/BENCH-[0-9]{3}/steps/welfare_meeting_held'
  echo "-- read a case, as fast as 16 connections go, for 10s"
  oha --no-tui -z 10s -c 16 -H "Authorization: Bearer $token" \
    --rand-regex-url 'http://127[.]0[.]0[.]1:18080/api/v1/cases/BENCH-[0-9]{3}'
  echo "-- record a step, as fast as 16 connections go, for 10s"
  oha --no-tui -z 10s -c 16 -H "Authorization: Bearer $token" \
    -m POST -T application/json -d '{}' \
    --rand-regex-url 'http://127[.]0[.]0[.]1:18080/api/v1/cases/BENCH-[0-9]{3}/steps/welfare_meeting_held'
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
}

run "SQLite" "sqlite://$WORK/bench.db"
if psql "$PG/postgres" -tAc 'select 1' >/dev/null 2>&1; then
  psql "$PG/postgres" -qc 'drop database if exists pledge_bench with (force)' -c 'create database pledge_bench'
  run "PostgreSQL" "$PG/pledge_bench"
  psql "$PG/postgres" -qc 'drop database if exists pledge_bench with (force)'
else
  echo "== PostgreSQL: not reachable at $PG; skipped"
fi
