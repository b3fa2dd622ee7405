#!/usr/bin/env bash
# Times `pledge backtest` over a generated store: the median of RUNS runs of the time the
# command reports for reading and evaluating the cases (process start and plan loading
# excluded), and its peak memory. See docs/performance.md, "Backtests".
#
#   bench/backtest.sh PLEDGE_BINARY DATABASE_URL DRAFT.toml "FORCE" [RUNS]
#   bench/backtest.sh target/release/pledge sqlite:///tmp/n50k.db draft.toml "Leicestershire Police"
#
# FORCE "all" uses --all-forces. The period is the Home Office year 2025/26 (the last year of
# `pledge generate` data), evaluated at its end.
set -euo pipefail
bin=$1 db=$2 draft=$3 force=$4 runs=${5:-5}
if [ "$force" = all ]; then scope=(--all-forces); else scope=(--force "$force"); fi
times=() mem=()
for _ in $(seq "$runs"); do
  out=$( { /usr/bin/time -f "%M" "$bin" backtest "$draft" --database "$db" "${scope[@]}" \
      --from 2025-04-01 --to 2026-04-01 --at 2026-04-01 | sed -n 2p; } 2>&1 )
  times+=("$(grep -o '([0-9]* ms)' <<<"$out" | tr -dc 0-9)")
  mem+=("$(grep -x "[0-9]*" <<<"$out" | tail -1)")
  cases=$(grep -o '^[0-9]* case' <<<"$out" | tr -dc 0-9)
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
maxmem=$(printf '%s\n' "${mem[@]}" | sort -n | tail -1)
echo "$force: $cases cases, median ${median} ms (runs: ${times[*]}), peak RSS $((maxmem / 1024)) MB, load $(cut -d' ' -f1 /proc/loadavg)"
