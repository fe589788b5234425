#!/usr/bin/env bash
# The threading table of docs/PERFORMANCE.md ("Threading defaults"): e2kd bench throughput under candidate OpenMP /
# libtorch thread settings, on a quiet machine and with one CPU-heavy process (`yes > /dev/null`) beside it.
#
#   bench/threading_table.sh [CASE]          (default bcos-r34-r18)
#   RUNS=5 STEPS=10 WARMUP=3 CONDITIONS="quiet busy" CANDIDATES="launcher passive ..." bench/threading_table.sh
#   SIZE=32 BATCH=4 ...    (smaller steps than the case's, e.g. to try the script out; not the table)
#
# Candidates (N = the CPUs this process may use):
#   launcher         ./e2kd as shipped: threads and wait policy chosen at start (scripts/free_cores.sh)
#   passive          ./e2kd with OMP_WAIT_POLICY=PASSIVE, N threads (the launcher's former default)
#   active           ./e2kd with OMP_WAIT_POLICY=ACTIVE, N threads
#   threads1         ./e2kd with OMP_NUM_THREADS=1
#   java             java -Xmx8g -jar target/e2kd.jar, nothing set: libgomp's own wait policy, libtorch's own
#                    thread count (what a Java program using the library gets)
#   java-matched     the same with OMP_NUM_THREADS = the CPUs free at start (a program that matches its threads)
#   spin100k         the same as java with GOMP_SPINCOUNT=100000
#   pytorch          bench/pytorch_reference.py with PyTorch's defaults (for reference; not a candidate)
# Every condition runs RUNS rounds; each round runs every candidate once, a fresh process each, starting one later
# in the list every round (alternating). "busy" starts `yes > /dev/null` one second before its first run and stops it
# after its last. Per condition and candidate it prints median and spread (min-max) of images_per_second, the threads
# and wait policy the runs used, the ratio to the best e2kd candidate's median, whether the spreads overlap, and for
# the launcher whether it meets the target (quiet: spread overlaps the best's; busy: median >= 0.9 x the best's).
# The machine must otherwise be quiet; the 1-minute load average is printed before and after each condition.
set -euo pipefail
case_name="${1:-bcos-r34-r18}"
read -r -a conditions <<<"${CONDITIONS:-quiet busy}"
read -r -a candidates <<<"${CANDIDATES:-launcher passive active threads1 java java-matched spin100k pytorch}"
# shellcheck source=bench/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
read -r _ cpus _ < <(scripts/free_cores.sh 0.1)
log="$(mktemp -d)"
hog=""
cleanup() { [ -z "$hog" ] || kill "$hog" 2>/dev/null || true; rm -rf "$log"; }
trap cleanup EXIT

size_args=()
[ -z "${SIZE:-}" ] || size_args+=(--size "$SIZE")
[ -z "${BATCH:-}" ] || size_args+=(--batch "$BATCH")
bench_args=(bench --case "$case_name" --steps "$steps" --warmup "$warmup" "${size_args[@]}")
run() { # candidate, output file
    case "$1" in
        launcher) "${clean[@]}" ./e2kd "${bench_args[@]}" ;;
        passive) "${clean[@]}" OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS="$cpus" ./e2kd "${bench_args[@]}" ;;
        active) "${clean[@]}" OMP_WAIT_POLICY=ACTIVE OMP_NUM_THREADS="$cpus" ./e2kd "${bench_args[@]}" ;;
        threads1) "${clean[@]}" OMP_NUM_THREADS=1 ./e2kd "${bench_args[@]}" ;;
        java) "${clean[@]}" java -Xmx8g -jar target/e2kd.jar "${bench_args[@]}" ;;
        java-matched)
            read -r free _ _ < <(scripts/free_cores.sh)
            "${clean[@]}" OMP_NUM_THREADS="$free" java -Xmx8g -jar target/e2kd.jar "${bench_args[@]}" ;;
        spin100k) "${clean[@]}" GOMP_SPINCOUNT=100000 java -Xmx8g -jar target/e2kd.jar "${bench_args[@]}" ;;
        pytorch) "${clean[@]}" /usr/bin/python3 bench/pytorch_reference.py --case "$case_name" --steps "$steps" \
                     --warmup "$warmup" "${size_args[@]}" 2>/dev/null \
                     | sed -E 's/^case .* ([0-9]+) threads$/threads=\1\nomp_wait_policy=unset/' ;;
        *) echo "threading_table.sh: unknown candidate $1" >&2; return 2 ;;
    esac >"$2"
}
series() { for r in $(seq "$runs"); do value "$1" "$log/$2-$3-$r"; done; }

echo "# bench/threading_table.sh $case_name: RUNS=$runs STEPS=$steps WARMUP=$warmup, $cpus CPUs," \
     "$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date '+%Y-%m-%d %H:%M')"
for cond in "${conditions[@]}"; do
    if [ "$cond" = busy ]; then
        yes >/dev/null & hog=$!
        sleep 1
    elif [ "$cond" != quiet ]; then
        echo "threading_table.sh: unknown condition $cond (quiet, busy)" >&2; exit 2
    fi
    before="$(load)"
    read -r free _ busy < <(scripts/free_cores.sh 1)
    if [ "$cond" = quiet ] && [ "$free" -lt "$cpus" ] || [ "$cond" = busy ] && [ "$free" -lt $((cpus - 1)) ]; then
        echo "WARNING: other work used $busy CPUs just before the $cond runs: this is not a $cond machine"
    fi
    n=${#candidates[@]}
    for r in $(seq "$runs"); do
        for i in $(seq 0 $((n - 1))); do
            c="${candidates[$(( (i + r - 1) % n ))]}"
            run "$c" "$log/$cond-$c-$r"
            echo "  $cond round $r $c: $(value images_per_second "$log/$cond-$c-$r") img/s," \
                 "$(value threads "$log/$cond-$c-$r") threads, $(value omp_wait_policy "$log/$cond-$c-$r") (load $(load))" >&2
        done
    done
    after="$(load)"
    if [ -n "$hog" ]; then kill "$hog"; wait "$hog" 2>/dev/null || true; hog=""; fi
    summary="$log/summary-$cond"
    : >"$summary"
    for c in "${candidates[@]}"; do
        ips="$(series images_per_second "$cond" "$c" | sort -g | paste -sd' ')"
        threads="$(series threads "$cond" "$c" | sort -u | paste -sd/)"
        policy="$(series omp_wait_policy "$cond" "$c" | sort -u | paste -sd/)"
        echo "$c $(echo "$ips" | tr ' ' '\n' | median) ${ips%% *} ${ips##* } $threads $policy" >>"$summary"
    done
    echo
    echo "## $cond (load $before → $after)"
    echo
    echo "| setting | img/s median | min–max | threads | wait policy | vs best | spreads overlap | target |"
    echo "|---|---|---|---|---|---|---|---|"
    awk -v cond="$cond" '
        { name[NR] = $1; med[NR] = $2; lo[NR] = $3; hi[NR] = $4; thr[NR] = $5; pol[NR] = $6
          if ($1 != "pytorch" && (best == 0 || $2 > med[best])) best = NR }
        END {
            for (i = 1; i <= NR; i++) {
                overlap = (lo[i] <= hi[best] && lo[best] <= hi[i]) ? "yes" : "no"
                target = ""
                if (name[i] == "launcher") {
                    ok = cond == "quiet" ? overlap == "yes" : med[i] >= 0.9 * med[best]
                    target = ok ? "meets" : "misses"
                }
                printf "| %s%s | %.2f | %.2f–%.2f | %s | %s | %.2f | %s | %s |\n", name[i], i == best ? " (best)" : "",
                    med[i], lo[i], hi[i], thr[i], pol[i], med[i] / med[best], overlap, target
            }
        }' "$summary"
done
