#!/usr/bin/env bash
# jshim beside `crun run` and `runc run` on identical runc-spec bundles (issue 14; docs/benchmarks.md,
# "Runtimes side by side"): interleaved batches at C = 1, 10, 50, then Create latency with 0, 100, 500 containers
# already running in the daemon.
#
#   bench/runtime-bench.sh [--runs 50] [--batches 5] [--levels 1,10,50] [--paths crun,runc,jshim]
#                          [--load 0,100,500|none] [--load-runs 50] [--warmup 20] [--daemon-java-opts "..."]
#                          [--keep-daemon] [--socket PATH [--daemon-pid PID]] [--work-dir DIR]
#
# The daemon is started by this tree's bin/jshim-daemon (its JVM flags, plus --daemon-java-opts as
# JSHIM_EXTRA_JAVA_OPTS, e.g. an async-profiler -agentpath), unless --socket names one already running.
# Needs root, crun, runc, Debian's busybox-static and a built tree (mvn -B -DskipTests install).
# The Markdown report goes to stdout, progress to stderr.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
((EUID == 0)) || { echo "runtime-bench.sh: needs root (namespaces, cgroups, crun and runc)" >&2; exit 2; }
# bin/jshim-daemon would build (and install) the tree on first use: refuse instead, before anything is timed
for f in native/target/native/jshim-spawn shim-daemon/target/lib; do
  [[ -e $f ]] || { echo "runtime-bench.sh: $root/$f is missing (build the tree first: mvn -B -DskipTests install)" >&2; exit 2; }
done
compgen -G "shim-daemon/target/jshim-daemon-*.jar" >/dev/null \
  || { echo "runtime-bench.sh: no shim-daemon/target/jshim-daemon-*.jar (build the tree first: mvn -B -DskipTests install)" >&2; exit 2; }

# crun 1.8 refuses a hybrid host whose cgroup2 holds controllers ("cgroups in hybrid mode not supported, drop all
# controllers from cgroupv2"); these machines have hugetlb there, unused. Move any such controller to a v1 hierarchy
# of its own (only when nothing uses it on cgroup2), as crun needs, and say so.
unified=/sys/fs/cgroup/unified
# (cgroupfs files have size 0, so what they hold is read, not tested with -s)
if [[ -f $unified/cgroup.controllers && -n $(<"$unified/cgroup.controllers") && -z $(<"$unified/cgroup.subtree_control") ]]
then
  for controller in $(<"$unified/cgroup.controllers"); do
    mkdir -p "/sys/fs/cgroup/$controller"
    mount -t cgroup -o "$controller" cgroup "/sys/fs/cgroup/$controller" \
      && echo "runtime-bench.sh: moved the $controller controller from cgroup2 to /sys/fs/cgroup/$controller (v1), for crun" >&2
  done
fi

mkdir -p bench/target
mvn -B -o -q -pl bench -DskipTests compile dependency:build-classpath \
  -Dmdep.outputFile="$root/bench/target/runtime-bench.classpath" >&2
exec java -XX:+UseSerialGC -Djshim.root="$root" -cp "bench/target/classes:$(cat bench/target/runtime-bench.classpath)" \
  io.jshim.bench.runtime.RuntimeBench "$@"
