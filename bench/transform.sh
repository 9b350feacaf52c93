#!/usr/bin/env bash
# Compares the seed's transform (jq -c '.results[]') with the streaming Java transform (RawJsonScanner -> NDJSON)
# on generated Genesys usage result documents: rows, rows/s, wall time and peak RSS for both, and output identity.
# Usage: bench/transform.sh [sizes in MiB, default "30 1024"]   (run from anywhere; needs jq, mvn, java)
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${*:-"30 1024"}
JAVA_OPTS=${JAVA_OPTS:-"-Xmx256m"}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/transform-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

mvn -q -o test-compile
mvn -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="target/test-classes:target/classes:$(cat "$WORK/cp.txt")"

# Runs a command, printing "<wall seconds> <peak RSS KiB> <CPU seconds>" to the file named by $1.
measure() {
    local out=$1
    shift
    if [ -x /usr/bin/time ] && [ -z "${NO_GNU_TIME:-}" ]; then
        /usr/bin/time -v -o "$WORK/time.txt" "$@"
        awk -F': ' '
            /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
            /Maximum resident set size/ { rss = $2 }
            /User time \(seconds\)|System time \(seconds\)/ { cpu += $2 }
            END { print wall, rss, cpu }' "$WORK/time.txt" >"$out"
    else
        # Fallback: poll VmHWM of the process and its children (the measured command is a sh -c wrapper).
        local start end pid hwm=0 v p
        start=$(date +%s.%N)
        "$@" &
        pid=$!
        while kill -0 "$pid" 2>/dev/null; do
            for p in $pid $(pgrep -P "$pid" || true); do
                v=$(awk '/VmHWM/ { print $2 }' "/proc/$p/status" 2>/dev/null || true)
                if [ -n "$v" ] && [ "$v" -gt "$hwm" ]; then hwm=$v; fi
            done
            sleep 0.05
        done
        wait "$pid"
        end=$(date +%s.%N)
        awk -v s="$start" -v e="$end" -v h="$hwm" 'BEGIN { print e - s, h, 0 }' >"$out"
    fi
}

printf '%-8s %9s %10s %11s %6s %7s %7s %9s %9s %12s %12s %10s %7s %s\n' size rows jq_rows/s java_rows/s ratio jq_s java_s jq_cpu_s java_cpu_s java_in_jvm/s java_warm/s warm_ratio jq_MiB "java_MiB identical"
for mb in $SIZES; do
    doc="$WORK/usage_${mb}m.json"
    java -cp "$CP" genesyslake.bench.TransformBench generate "$doc" $((mb * 1024 * 1024)) >/dev/null

    measure "$WORK/jq.m" sh -c "jq -c '.results[]' '$doc' > '$WORK/jq.out'"
    # shellcheck disable=SC2086
    measure "$WORK/java.m" sh -c "java $JAVA_OPTS -cp '$CP' genesyslake.bench.TransformBench transform '$doc' '$WORK/java.out' > '$WORK/java.log'"
    # shellcheck disable=SC2086
    java $JAVA_OPTS -cp "$CP" genesyslake.bench.TransformBench transform "$doc" "$WORK/warm.out" 3 >"$WORK/warm.log"
    rm -f "$WORK/warm.out"

    rows=$(wc -l <"$WORK/java.out")
    jq_rows=$(wc -l <"$WORK/jq.out")
    identical=no
    cmp -s "$WORK/jq.out" "$WORK/java.out" && identical=yes
    read -r jq_s jq_kb jq_cpu <"$WORK/jq.m"
    read -r java_s java_kb java_cpu <"$WORK/java.m"
    in_jvm=$(sed -n 's/^transform .*rows_per_s=\([0-9]*\).*/\1/p' "$WORK/java.log")
    # median of the warm passes: the transform as a daemon that has already run does it
    warm=$(sed -n 's/^warm .*rows_per_s=\([0-9]*\).*/\1/p' "$WORK/warm.log" | sort -n | sed -n 2p)
    awk -v mb="$mb" -v rows="$rows" -v jqrows="$jq_rows" -v jqs="$jq_s" -v js="$java_s" -v jqkb="$jq_kb" -v jkb="$java_kb" \
        -v injvm="$in_jvm" -v warm="$warm" -v same="$identical" -v jqc="$jq_cpu" -v jc="$java_cpu" 'BEGIN {
            jr = jqrows / jqs; vr = rows / js;
            printf "%-8s %9d %10.0f %11.0f %6.2f %7.2f %7.2f %9.2f %9.2f %12d %12d %10.2f %7.0f %7.0f  %s\n",
                mb "MiB", rows, jr, vr, vr / jr, jqs, js, jqc, jc, injvm, warm, warm / jr, jqkb / 1024, jkb / 1024, same }'
    rm -f "$doc" "$WORK/jq.out" "$WORK/java.out"
done
echo "rows/s and *_s are wall clock per process (JVM start-up included); *_cpu_s are user+system CPU seconds (0 without /usr/bin/time)"
echo "(the JVM's JIT and GC threads included); java_in_jvm/s is the transform alone, timed inside that first JVM;"
echo "java_warm/s is the median of 3 further passes in one JVM after a first (a daemon transforms in a warm JVM), warm_ratio vs jq."
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
