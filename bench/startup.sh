#!/usr/bin/env bash
# Start-up and memory of the daemon as bin/jshim-daemon starts it (docs/benchmarks.md, "Start-up and memory").
#
#   bench/startup.sh [main|flags] [StartupBench options, e.g. --runs 11 --container-runs 3]
#
# main:  JDK 17 default flags, the previous launcher flags, the tuned flags without and with the AppCDS archive
#        the build made (shim-daemon/target/jshim-daemon.jsa); with Temurin 25 ($JDK25, default
#        /usr/lib/jvm/temurin-25-jdk-amd64) also its default, tuned, tuned + dynamic AppCDS and tuned + AOT cache
#        (both trained here, into bench/target, by the same training run as the build's).
# flags: the tuned flags one by one on JDK 17 (no archive), cumulative, then with the archive, for the start-up columns only.
#
# Needs a built tree (mvn -B -DskipTests install) and root for the container columns. The harness
# (io.jshim.daemon.bench.StartupBench, shim-daemon test code) is the client: a warm JVM that starts the launcher and
# polls the socket, so no client JVM start is counted. The report (Markdown) goes to stdout, progress to stderr.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
mode=${1:-main}
(($#)) && shift
jdk25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}

[[ -f shim-daemon/target/jshim-daemon.jsa ]] || echo "startup.sh: no shim-daemon/target/jshim-daemon.jsa (build with mvn -B -DskipTests install)" >&2
mkdir -p bench/target
mvn -B -o -q -pl shim-daemon dependency:build-classpath -Dmdep.outputFile="$root/bench/target/startup.classpath" >/dev/null
cp="shim-daemon/target/test-classes:shim-daemon/target/classes:$(cat bench/target/startup.classpath)"
harness=(java -Djshim.helper="$root/native/target/native/jshim-spawn" -Djshim.testbin="$root/native/target/native/jshim-testbin" -cp "$cp")

# the launcher's tuned flags, without -Xshare:auto (AOTCacheOutput refuses it)
tuned=$(sed -n '/^tuned_opts="/,/"$/p' bin/jshim-daemon | tr -d '\\\n"' | sed 's/^tuned_opts=//; s/ -Xshare:auto//')

case "$mode" in
  main)
    variants=(
      --variant "JDK 17 default=JSHIM_JAVA_OPTS=-Xshare:auto"
      --variant "JDK 17 previous launcher (SerialGC)=JSHIM_JAVA_OPTS=-XX:+UseSerialGC -Xshare:auto"
      --variant "JDK 17 tuned=JSHIM_CDS_ARCHIVE="
      --variant "JDK 17 tuned + AppCDS (shipped)="
    )
    if [[ -x "$jdk25/bin/java" ]]; then
      j=$jdk25/bin/java
      "${harness[@]}" io.jshim.daemon.bench.CdsTraining --out bench/target/jshim-daemon-25.jsa \
        --env "JSHIM_JAVA=$j;JSHIM_JAVA_OPTS=$tuned -XX:ArchiveClassesAtExit=@TMP@" >&2
      "${harness[@]}" io.jshim.daemon.bench.CdsTraining --out bench/target/jshim-daemon-25.aot \
        --env "JSHIM_JAVA=$j;JSHIM_JAVA_OPTS=$tuned -XX:AOTCacheOutput=@TMP@" >&2
      variants+=(
        --variant "JDK 25 default=JSHIM_JAVA=$j;JSHIM_JAVA_OPTS=-Xshare:auto"
        --variant "JDK 25 tuned=JSHIM_JAVA=$j;JSHIM_CDS_ARCHIVE="
        --variant "JDK 25 tuned + AppCDS=JSHIM_JAVA=$j;JSHIM_CDS_ARCHIVE=$root/bench/target/jshim-daemon-25.jsa"
        --variant "JDK 25 tuned + AOT cache=JSHIM_JAVA=$j;JSHIM_JAVA_OPTS=$tuned -XX:AOTCache=$root/bench/target/jshim-daemon-25.aot"
      )
    fi
    ;;
  flags)
    s="-Xshare:auto -Xlog:disable -Xlog:all=warning:stderr"
    variants=(
      --variant "SerialGC=JSHIM_JAVA_OPTS=-XX:+UseSerialGC $s"
      --variant "+ TieredStopAtLevel 1=JSHIM_JAVA_OPTS=-XX:+UseSerialGC -XX:TieredStopAtLevel=1 $s"
      --variant "+ CICompilerCount 1=JSHIM_JAVA_OPTS=-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 $s"
      --variant "+ Xms8m, heap free 10–30 %=JSHIM_JAVA_OPTS=-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xms8m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 $s"
      --variant "+ jnr.ffi.asm.enabled false: tuned=JSHIM_CDS_ARCHIVE="
      --variant "tuned + AppCDS (shipped)="
    )
    set -- --containers 0 "$@"
    ;;
  *) echo "usage: bench/startup.sh [main|flags] [options]" >&2; exit 2 ;;
esac

echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
"${harness[@]}" io.jshim.daemon.bench.StartupBench "${variants[@]}" "$@"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
