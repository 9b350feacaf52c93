#!/usr/bin/env bash
# Backfill speed against the rate limit (issue 22): a details backfill through the real flow, against a local Genesys
# in its own process whose jobs take JOB_LATENCY to be FULFILLED, governor at 240/min. Prints wall time, the requests
# the local Genesys answered, and the bound the rate limit sets (requests / 240 per minute).
# Usage: bench/backfill.sh FLOW FROM TO CONVERSATIONS_PER_DAY JOB_LATENCY_MS [MAX_IN_FLIGHT]   (needs a built jar)
set -euo pipefail
cd "$(dirname "$0")/.."
FLOW=$1 FROM=$2 TO=$3 PER_DAY=$4 LATENCY=$5 IN_FLIGHT=${6:-4}
W=$(mktemp -d "${TMPDIR:-/tmp}/genesys-lake-backfill.XXXXXX")
trap 'kill "$GPID" 2>/dev/null || true; rm -rf "$W"' EXIT
CP="target/classes:$(cat target/bench-cp.txt 2>/dev/null || (mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null && cat target/bench-cp.txt))"
java -Xmx512m -cp "$CP" genesyslake.local.genesys.LocalGenesysMain --port=0 --conversations-per-day="$PER_DAY" \
    --job-latency-ms="$LATENCY" >"$W/genesys.txt" 2>&1 &
GPID=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$W/genesys.txt" 2>/dev/null && break; sleep 0.2; done
URL=$(sed -n 's/^local-genesys listening on //p' "$W/genesys.txt")
t0=$(date +%s.%N)
java -Xmx512m -Dlocal.data-dir="$W/data" -Dlocal.genesys.port=0 -Dlocal.s3.port=0 -Dlocal.aws.port=0 \
    -Dgenesys.api-url="$URL" -Dgenesys.login-url="$URL" -Dgenesys.rate-limit.requests-per-minute=240 \
    -Ddetails.jobs.max-in-flight="$IN_FLIGHT" -Dlake.backfill.confirm-days=400 \
    -jar target/genesys-lake.jar --backfill "$FLOW" --from "$FROM" --to "$TO" --yes >"$W/log.txt" 2>&1 \
    || { echo "backfill FAILED; last log lines:"; tail -20 "$W/log.txt"; }
t1=$(date +%s.%N)
kill "$GPID"; wait "$GPID" 2>/dev/null || true
req=$(sed -n 's/.*local-genesys requests=\([0-9]*\).*/\1/p' "$W/genesys.txt")
awk -v t0="$t0" -v t1="$t1" -v req="$req" -v f="$FLOW" -v from="$FROM" -v to="$TO" -v pd="$PER_DAY" -v lat="$LATENCY" -v inf="$IN_FLIGHT" 'BEGIN {
    wall = t1 - t0; bound = req / 240 * 60
    printf "backfill %s %s..%s %d/day job-latency %d ms max-in-flight %d: wall %.1f s, requests %d, bound %.1f s, %.2fx the bound\n",
        f, from, to, pd, lat, inf, wall, req, bound, wall / bound }'
grep -o 'most-jobs-running=[0-9]*\|jobs-refused=[0-9]*\|throttled=[0-9]*' "$W/genesys.txt" | tr '\n' ' '; echo
