#!/usr/bin/env bash
# Idle memory of N daemons side by side, as bin/jshim-daemon starts them (docs/benchmarks.md, "Start-up and memory").
#
#   bench/idle-memory.sh [N [SETTLE_SECONDS]]     (default 1 daemon, 3 s)
#
# Starts N daemons (bin/jshim-daemon --detach, each with its own socket and state directory under a temporary
# directory), waits SETTLE_SECONDS, prints Rss, Pss, private (Private_Clean + Private_Dirty) and Anonymous of each
# daemon's /proc/PID/smaps_rollup and their means in MiB, and the thread count; then stops them (SIGTERM) and
# removes the directory. The launcher's environment applies (JSHIM_EXTRA_JAVA_OPTS, JSHIM_CDS_ARCHIVE, ...).
# PSS shares every page among the processes that map it: the daemons' archive and libjvm pages, and any other JVM's.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
n=${1:-1}
settle=${2:-3}
base=$(mktemp -d /tmp/jshim-idle.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done
  rm -rf "$base"
}
trap cleanup EXIT

# the pid of the process that holds the listening socket bound at $1
listener() {
  local inode fd p
  inode=$(awk -v path="$1" '$8 == path && $4 == "00010000" {print $7}' /proc/net/unix | head -n 1)
  for fd in /proc/[0-9]*/fd/*; do
    if [[ "$(readlink "$fd" 2>/dev/null)" == "socket:[$inode]" ]]; then
      p=${fd#/proc/}
      echo "${p%%/*}"
      return
    fi
  done
}

for i in $(seq 1 "$n"); do
  d=$base/d$i
  mkdir -p "$d"
  "$root/bin/jshim-daemon" --detach --socket "$d/s.sock" --state-dir "$d/state" --log-file "$d/log"
  pids+=("$(listener "$d/s.sock")")
done
sleep "$settle"

field() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$2/smaps_rollup"; }
sum_rss=0 sum_pss=0 sum_priv=0 sum_anon=0
for p in "${pids[@]}"; do
  rss=$(field Rss "$p") pss=$(field Pss "$p") anon=$(field Anonymous "$p")
  priv=$(($(field Private_Clean "$p") + $(field Private_Dirty "$p")))
  threads=$(ls "/proc/$p/task" | wc -l)
  printf 'pid %d: Rss %d KiB, Pss %d KiB, private %d KiB, anonymous %d KiB, %d threads\n' \
    "$p" "$rss" "$pss" "$priv" "$anon" "$threads"
  sum_rss=$((sum_rss + rss)) sum_pss=$((sum_pss + pss)) sum_priv=$((sum_priv + priv)) sum_anon=$((sum_anon + anon))
done
awk -v n="$n" -v r="$sum_rss" -v p="$sum_pss" -v u="$sum_priv" -v a="$sum_anon" 'BEGIN {
  printf "%d daemon(s), mean MiB: RSS %.1f  PSS %.1f  private %.1f  anonymous %.1f\n", n, r/n/1024, p/n/1024, u/n/1024, a/n/1024 }'
