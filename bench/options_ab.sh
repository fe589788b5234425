#!/usr/bin/env bash
# One build under two sets of JVM options (leading VAR=VALUE words are set in the environment instead), each run through ./e2kd as users run it (the launcher's own thread and
# wait-policy choice), alternating A, B, B, A, ... (RUNS rounds, default 5). Prints each run's images/s and peak RSS,
# then per side the median and min-max, the ratio B/A of the medians and whether the spreads overlap.
#   bench/options_ab.sh 'A JVM OPTIONS' 'B JVM OPTIONS' CASE [extra bench args]
# e.g. matrix-product convolutions on (A) and off (B):
#   bench/options_ab.sh -Xmx8g '-Xmx8g -De2kd.matrixProductConvolutions=false' bcos-r34-r18
# or glibc's own malloc thresholds (A) against the launcher's (B):
#   bench/options_ab.sh 'E2KD_MALLOC=glibc -Xmx8g' -Xmx8g bcos-r34-r18
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,9p "$0"; exit 2; }
opts_a="$1"; opts_b="$2"; case="$3"; shift 3
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for ((r = 1; r <= runs; r++)); do
    if ((r % 2)); then order="A B"; else order="B A"; fi
    for side in $order; do
        opts=$opts_a; [ "$side" = B ] && opts=$opts_b
        assignments=()
        while [[ "$opts" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*)(.*)$ ]]; do
            assignments+=("${BASH_REMATCH[1]}"); opts="${BASH_REMATCH[2]}"
        done
        "${clean[@]}" "${assignments[@]}" E2KD_JAVA_OPTS="$opts" ./e2kd bench --case "$case" --steps "$steps" --warmup "$warmup" "$@" \
            >"$out/run" 2>/dev/null
        ips=$(value images_per_second "$out/run"); rss=$(value peak_rss_mib "$out/run")
        echo "$side round $r: $ips img/s, peak RSS $rss MiB, $(value threads "$out/run") threads (load $(load))"
        echo "$ips" >>"$out/$side.ips"; echo "$rss" >>"$out/$side.rss"
    done
done
for side in A B; do
    echo "$side: median $(median <"$out/$side.ips") img/s (min $(sort -g "$out/$side.ips" | head -1), max" \
         "$(sort -g "$out/$side.ips" | tail -1)), median peak RSS $(median <"$out/$side.rss") MiB"
done
awk -v a="$(median <"$out/A.ips")" -v b="$(median <"$out/B.ips")" \
    -v al="$(sort -g "$out/A.ips" | head -1)" -v ah="$(sort -g "$out/A.ips" | tail -1)" \
    -v bl="$(sort -g "$out/B.ips" | head -1)" -v bh="$(sort -g "$out/B.ips" | tail -1)" \
    'BEGIN {printf "B/A = %.3f, %s\n", b / a, (al <= bh && bl <= ah) ? "not distinguishable" : "spreads apart"}'
