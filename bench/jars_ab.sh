#!/usr/bin/env bash
# Two builds of e2kd on one bench case, alternating: A, B, B, A, A, B, ... (RUNS rounds, default 5), same settings
# for both (java -jar, --threads THREADS, default 1, so the other core absorbs the machine's noise). Prints each
# run's images/s and peak RSS, then per side the median and min-max and the ratio B/A of the medians.
# LAUNCHER_ENV=1 gives both jars what ./e2kd sets on a quiet machine (OMP_NUM_THREADS=THREADS, OMP_WAIT_POLICY=ACTIVE,
# the glibc malloc thresholds), so that a jar built earlier runs as users ran it.
#   bench/jars_ab.sh OLD.jar NEW.jar CASE [extra bench args]
# e.g. a commit's jar against the working tree's:  git worktree add /tmp/old HEAD~1 && (cd /tmp/old && mvn -q -o
# package -DskipTests) && bench/jars_ab.sh /tmp/old/target/e2kd.jar target/e2kd.jar kd-r34-r18 --steps 5
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,9p "$0"; exit 2; }
a="$1"; b="$2"; case="$3"; shift 3
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
threads="${THREADS:-1}"
launcher=()
if [ "${LAUNCHER_ENV:-0}" = 1 ]; then
    launcher=(OMP_NUM_THREADS="$threads" OMP_WAIT_POLICY=ACTIVE MALLOC_MMAP_THRESHOLD_=33554432
        MALLOC_TRIM_THRESHOLD_=1073741824)
fi
out=$(mktemp -d)
for ((r = 1; r <= runs; r++)); do
    if ((r % 2)); then order="A B"; else order="B A"; fi
    for side in $order; do
        jar=$a; [ "$side" = B ] && jar=$b
        "${clean[@]}" "${launcher[@]}" TORCH_CPP_LOG_LEVEL=ERROR java -jar "$jar" bench --case "$case" --threads "$threads" \
            --steps "$steps" --warmup "$warmup" "$@" > "$out/run" 2>&1
        ips=$(value images_per_second "$out/run"); rss=$(value peak_rss_mib "$out/run")
        echo "$side round $r: $ips img/s, peak RSS $rss MiB (load $(load))"
        echo "$ips" >> "$out/$side.ips"; echo "$rss" >> "$out/$side.rss"
    done
done
for side in A B; do
    echo "$side: median $(median < "$out/$side.ips") img/s (min $(sort -g "$out/$side.ips" | head -1), max $(sort -g "$out/$side.ips" | tail -1)), median peak RSS $(median < "$out/$side.rss") MiB"
done
awk -v a="$(median < "$out/A.ips")" -v b="$(median < "$out/B.ips")" 'BEGIN {printf "B/A = %.3f\n", b / a}'
rm -rf "$out"
