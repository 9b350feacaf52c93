#!/usr/bin/env bash
# Backfill speed against the rate limit (issue 22): a details backfill through the real flow, against a local Genesys
# in its own process whose jobs take JOB_LATENCY to be FULFILLED, governor at 240/min. Prints wall time, the requests
# the local Genesys answered, and the bound the rate limit sets (requests / 240 per minute).
# Usage: bench/backfill.sh FLOW FROM TO CONVERSATIONS_PER_DAY JOB_LATENCY_MS [MAX_IN_FLIGHT]   (needs a built jar)
set -euo pipefail
cd "$(dirname "$0")/.."
FLOW=$1 FROM=$2 TO=$3 PER_DAY=$4 LATENCY=$5 IN_FLIGHT=${6:-$(sed -n "s/^details.jobs.max-in-flight=//p" application.properties)}
W=$(mktemp -d "${TMPDIR:-/tmp}/genesys-lake-backfill.XXXXXX")
# BACKFILL_LOG=FILE keeps the daemon's log there.
trap 'kill "$GPID" 2>/dev/null || true; [ -n "${BACKFILL_LOG:-}" ] && cp "$W/log.txt" "$BACKFILL_LOG"; rm -rf "$W"' EXIT
# BACKFILL_JAR: another build of the daemon (the local Genesys is in the same jar).
JAR=${BACKFILL_JAR:-target/genesys-lake.jar}
java -Xmx512m -cp "$JAR" genesyslake.local.genesys.LocalGenesysMain --port=0 --conversations-per-day="$PER_DAY" \
    --job-latency-ms="$LATENCY" >"$W/genesys.txt" 2>&1 &
GPID=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$W/genesys.txt" 2>/dev/null && break; sleep 0.2; done
URL=$(sed -n 's/^local-genesys listening on //p' "$W/genesys.txt")
t0=$(date +%s.%N)
# Local mode (the lake local) talking to that Genesys: lake.mode is set, since a client id alone means AWS mode.
java -Xmx512m -Dlake.mode=local -Dlocal.data-dir="$W/data" -Dlocal.genesys.port=0 -Dlocal.s3.port=0 -Dlocal.aws.port=0 \
    -Dgenesys.api-url="$URL" -Dgenesys.login-url="$URL" -Dgenesys.client-id=local-client -Dgenesys.client-secret=local-secret \
    -Dgenesys.rate-limit.requests-per-minute=240 \
    -Ddetails.jobs.max-in-flight="$IN_FLIGHT" -Dlake.backfill.confirm-days=400 \
    -jar "$JAR" --backfill "$FLOW" --from "$FROM" --to "$TO" --yes >"$W/log.txt" 2>&1 \
    || { echo "backfill FAILED; last log lines:"; tail -20 "$W/log.txt"; }
t1=$(date +%s.%N)
kill "$GPID"; wait "$GPID" 2>/dev/null || true
req=$(sed -n 's/.*local-genesys requests=\([0-9]*\).*/\1/p' "$W/genesys.txt")
# The backfill itself, from its start to its end (the JVM's and the local stand-ins' start excluded).
flow=$(awk 'function secs(t, p) { split(t, p, /[:.]/); return p[1] * 3600 + p[2] * 60 + p[3] + p[4] / 1000 }
    /Started backfill/ && !s { s = secs($1) } / ended (succeeded|failed)/ { e = secs($1) } END { print e - s }' "$W/log.txt")
awk -v t0="$t0" -v t1="$t1" -v req="$req" -v flow="$flow" -v f="$FLOW" -v from="$FROM" -v to="$TO" -v pd="$PER_DAY" -v lat="$LATENCY" -v inf="$IN_FLIGHT" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
    wall = t1 - t0; bound = req / 240 * 60
    printf "backfill %s %s..%s %d/day job-latency %d ms max-in-flight %d: wall %.1f s (backfill alone %.1f s), requests %d, bound %.1f s, %.2fx the bound (backfill alone %.2fx); load %s\n",
        f, from, to, pd, lat, inf, wall, flow, req, bound, wall / bound, flow / bound, load }'
grep -o 'most-jobs-running=[0-9]*\|jobs-refused=[0-9]*\|throttled=[0-9]*' "$W/genesys.txt" | tr '\n' ' '; echo
