#!/usr/bin/env bash
# Side by side, each run the way its users run it: e2kd through the ./e2kd launcher with the launcher's own defaults
# (threads and OpenMP wait policy chosen at start, docs/PERFORMANCE.md "Threading defaults"), against
# bench/pytorch_reference.py under Debian's PyTorch 1.13 with PyTorch's defaults (one intra-op thread per physical
# core, what PyTorch 2.x picks by itself; nothing else set). No environment is imposed on either side: OpenMP, GOMP,
# KMP and MKL variables of the calling shell, and E2KD_JAVA_OPTS, are removed for both.
#
#   bench/compare.sh [CASE ...]        (default: bcos-r34-r18 std-r34-r18-gradcam kd-r34-r18)
#   RUNS=5 STEPS=40 WARMUP=10 bench/compare.sh
#
# Per case: one untimed run of each side, then RUNS measured runs of each, alternating and swapping which side goes
# first every round; each run is a fresh process doing WARMUP untimed and STEPS timed steps (by default 10 and 40,
# as timm's benchmark.py: a training run's steady state; e2kd's step keeps getting faster for about ten steps while
# the JVM compiles its Java code, the reference's does not; docs/PERFORMANCE.md, item 31). Prints per case the median
# and spread (min-max) of images_per_second of each side, the ratio of the medians e2kd/PyTorch, and "not
# distinguishable" when the two spreads overlap; also median peak RSS, the threads each side ran with, and the
# 1-minute load average before and after. Fewer than 5 runs is only a smoke test and is labelled so.
set -euo pipefail
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(bcos-r34-r18 std-r34-r18-gradcam kd-r34-r18)
STEPS="${STEPS:-40}"
WARMUP="${WARMUP:-10}"
# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
e2kd=("${clean[@]}" ./e2kd bench)
py=("${clean[@]}" /usr/bin/python3 bench/pytorch_reference.py)
log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT

low() { sort -g | head -1; }
high() { sort -g | tail -1; }
series() { for r in $(seq "$runs"); do value "$1" "$log/$2-$3-$r"; done; }
run_e2kd() { "${e2kd[@]}" --case "$1" --steps "$steps" --warmup "$warmup" >"$2"; }
run_torch() { "${py[@]}" --case "$1" --steps "$steps" --warmup "$warmup" >"$2" 2>/dev/null; }

[ "$runs" -ge 5 ] || echo "compare.sh: RUNS=$runs < 5: a smoke test, not a comparison" >&2
printf '%-20s %-22s %-22s %6s  %-20s %9s %9s %7s  %s\n' case e2kd_ips "torch_ips" ratio verdict e2kd_rss torch_rss threads \
    load
for c in "${cases[@]}"; do
    before="$(load)"
    "${e2kd[@]}" --case "$c" --steps 2 --warmup 1 >/dev/null
    "${py[@]}" --case "$c" --steps 2 --warmup 1 >/dev/null 2>&1
    for r in $(seq "$runs"); do
        if [ $((r % 2)) -eq 1 ]; then
            run_e2kd "$c" "$log/e2kd-$c-$r"; run_torch "$c" "$log/torch-$c-$r"
        else
            run_torch "$c" "$log/torch-$c-$r"; run_e2kd "$c" "$log/e2kd-$c-$r"
        fi
        echo "  $c run $r: e2kd $(value images_per_second "$log/e2kd-$c-$r") img/s" \
             "($(value threads "$log/e2kd-$c-$r") threads, $(value omp_wait_policy "$log/e2kd-$c-$r"))," \
             "torch $(value images_per_second "$log/torch-$c-$r") img/s (load $(load))" >&2
    done
    e=$(series images_per_second e2kd "$c" | median); el=$(series images_per_second e2kd "$c" | low)
    eh=$(series images_per_second e2kd "$c" | high)
    t=$(series images_per_second torch "$c" | median); tl=$(series images_per_second torch "$c" | low)
    th=$(series images_per_second torch "$c" | high)
    er=$(series peak_rss_mib e2kd "$c" | median); tr=$(series peak_rss_mib torch "$c" | median)
    et="$(series threads e2kd "$c" | sort -u | paste -sd/)"
    tt="$(grep -ho '[0-9]* threads$' "$log/torch-$c-1" | cut -d' ' -f1)"
    verdict=$(awk -v el="$el" -v eh="$eh" -v tl="$tl" -v th="$th" 'BEGIN {
        if (el <= th && tl <= eh) print "not distinguishable"; else if (el > th) print "e2kd faster"; else print "PyTorch faster" }')
    [ "$runs" -ge 5 ] || verdict="$verdict (smoke)"
    printf '%-20s %-22s %-22s %6.2f  %-20s %9.0f %9.0f %7s  %s\n' "$c" "$e [$el-$eh]" "$t [$tl-$th]" \
        "$(echo "$e / $t" | bc -l)" "$verdict" "$er" "$tr" "$et:$tt" "$before→$(load)"
done
