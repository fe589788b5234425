#!/usr/bin/env bash
# Side by side: e2kd bench vs bench/pytorch_reference.py (Debian PyTorch 1.13, 2 threads), alternating, RUNS
# measured runs each (after one warm-up run of each, not counted); every run is a fresh process doing WARMUP untimed
# and STEPS timed steps. Prints per case the medians of images_per_second, the ratio e2kd/PyTorch and peak RSS.
#
#   bench/compare.sh [CASE ...]        (default: bcos-r34-r18 std-r34-r18-gradcam kd-r34-r18)
#   RUNS=5 STEPS=10 WARMUP=3 bench/compare.sh
#
# The machine must be quiet: with two intra-op threads on two cores, any other busy process stalls every parallel
# region of both sides. The 1-minute load average is printed before and after each case.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
runs="${RUNS:-5}"
steps="${STEPS:-10}"
warmup="${WARMUP:-3}"
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(bcos-r34-r18 std-r34-r18-gradcam kd-r34-r18)

mvn -q -o -B package -DskipTests >&2
export TORCH_CPP_LOG_LEVEL=ERROR
jvm=(java -Xmx2g -jar target/e2kd.jar)
py=(/usr/bin/python3 bench/pytorch_reference.py)
log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT

value() { grep "^$1=" "$2" | tail -1 | cut -d= -f2; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
load() { cut -d' ' -f1 /proc/loadavg; }

printf '%-22s %8s %10s %10s %12s %12s  %s\n' case ratio e2kd_ips torch_ips e2kd_rss_mib torch_rss_mib load
for c in "${cases[@]}"; do
    before="$(load)"
    "${jvm[@]}" bench --case "$c" --steps 2 --warmup 1 >/dev/null
    "${py[@]}" --case "$c" --steps 2 --warmup 1 >/dev/null 2>&1
    for r in $(seq "$runs"); do
        "${jvm[@]}" bench --case "$c" --steps "$steps" --warmup "$warmup" >"$log/e2kd-$c-$r"
        "${py[@]}" --case "$c" --steps "$steps" --warmup "$warmup" >"$log/torch-$c-$r" 2>/dev/null
        echo "  $c run $r: e2kd $(value images_per_second "$log/e2kd-$c-$r") img/s," \
             "torch $(value images_per_second "$log/torch-$c-$r") img/s (load $(load))" >&2
    done
    e=$(for r in $(seq "$runs"); do value images_per_second "$log/e2kd-$c-$r"; done | median)
    t=$(for r in $(seq "$runs"); do value images_per_second "$log/torch-$c-$r"; done | median)
    er=$(for r in $(seq "$runs"); do value peak_rss_mib "$log/e2kd-$c-$r"; done | median)
    tr=$(for r in $(seq "$runs"); do value peak_rss_mib "$log/torch-$c-$r"; done | median)
    printf '%-22s %8.2f %10.2f %10.2f %12.0f %12.0f  %s→%s\n' "$c" "$(echo "$e / $t" | bc -l)" "$e" "$t" "$er" "$tr" \
        "$before" "$(load)"
done
