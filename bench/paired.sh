#!/usr/bin/env bash
# Two e2kd bench runs at once, one libtorch thread each, pinned to cores 0 and 1 and swapped every round, so both
# see the same load from the rest of the machine (this 2-core machine is shared: runs minutes apart differ by
# +-15%). Prints per round the median CPU ms per step of each side and their ratio B / A.
#
#   bench/paired.sh 'BENCH ARGS A' 'BENCH ARGS B'
#   JAVA_OPTS_B=-De2kd.matrixProductConvolutions=false bench/paired.sh '--case bcos-r34-r18' '--case bcos-r34-r18'
#   bench/paired.sh '--case kd-r34-r18' '--case std-r34-r18-gradcam'      (e2KD step vs KD step)
#   ROUNDS=4 STEPS=3 WARMUP=2 ...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
[ $# -eq 2 ] || { echo "usage: bench/paired.sh 'BENCH ARGS A' 'BENCH ARGS B'" >&2; exit 2; }
rounds="${ROUNDS:-4}"
steps="${STEPS:-3}"
warmup="${WARMUP:-2}"
mvn -q -o -B package -DskipTests >&2
export TORCH_CPP_LOG_LEVEL=ERROR OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT
# shellcheck disable=SC2086 # the option strings are meant to split into words
run() { taskset -c "$1" java -Xmx2g $2 -jar target/e2kd.jar bench $3 --steps "$steps" --warmup "$warmup" --threads 1; }
value() { grep "^median_step_cpu_ms=" "$1" | cut -d= -f2; }
for r in $(seq "$rounds"); do
    core=$(( (r + 1) % 2 ))
    run "$core" "${JAVA_OPTS_A:-}" "$1" >"$log/a" & a=$!
    run $(( 1 - core )) "${JAVA_OPTS_B:-}" "$2" >"$log/b" & b=$!
    wait "$a" "$b"
    awk -v r="$r" -v a="$(value "$log/a")" -v b="$(value "$log/b")" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
        'BEGIN { printf "round %d: A %s ms, B %s ms, B/A %.3f (load %s)\n", r, a, b, b / a, load }'
done
