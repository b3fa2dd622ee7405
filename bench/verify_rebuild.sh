#!/usr/bin/env bash
# Times `pledge verify` and `pledge rebuild` over a generated store: wall time, peak RSS
# and CPU use (`/usr/bin/time`) of RUNS runs of each, with the load average at the start of
# each run, and the medians. See docs/performance.md, "Verify and rebuild".
#
#   bench/verify_rebuild.sh PLEDGE_BINARY DATABASE_URL [RUNS] [verify|rebuild|both]
#   bench/verify_rebuild.sh target/release/pledge sqlite:///work/bench/rebuild-100k.db 3
#
# Make the store first, e.g. `pledge generate --cases 100000 --database sqlite://...`.
set -euo pipefail
bin=$1 db=$2 runs=${3:-3} which=${4:-both}
case $which in both) cmds=(verify rebuild) ;; *) cmds=("$which") ;; esac
for cmd in "${cmds[@]}"; do
  walls=() rss=() cpus=()
  for i in $(seq "$runs"); do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    out=$( { /usr/bin/time -f "TIME %e %M %P" "$bin" "$cmd" --database "$db" >/dev/null || true; } 2>&1 | grep '^TIME' )
    read -r _ wall kb cpu <<<"$out"
    walls+=("$wall") rss+=("$((kb / 1024))") cpus+=("${cpu%\%}")
    echo "$cmd run $i: ${wall} s, ${rss[-1]} MB, ${cpu} CPU, load $load"
  done
  med() { printf '%s\n' "$@" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
  echo "$cmd median: $(med "${walls[@]}") s, $(med "${rss[@]}") MB, $(med "${cpus[@]}")% CPU"
done
