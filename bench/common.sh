# Shared by bench/compare.sh and bench/threading_table.sh (sourced, after `set -euo pipefail`): builds the jar so the
# launcher does not build during a timed run, moves to the repository root, reads RUNS/STEPS/WARMUP and defines
# `clean` (an env prefix that removes the calling shell's OpenMP, GOMP, KMP, MKL and glibc MALLOC_ variables,
# E2KD_JAVA_OPTS and E2KD_MALLOC)
# and the helpers value, median, load.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${RUNS:-5}"
steps="${STEPS:-10}"
warmup="${WARMUP:-3}"
mvn -q -o -B package -DskipTests >&2
clean=(env)
for v in $(env | cut -d= -f1 | grep -E '^(OMP_|GOMP_|KMP_|MKL_|MALLOC_|E2KD_JAVA_OPTS$|E2KD_MALLOC$)' || true); do
    echo "${0##*/}: $v is set in this shell; no run gets it" >&2
    clean+=(-u "$v")
done
value() { grep "^$1=" "$2" | tail -1 | cut -d= -f2; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
load() { cut -d' ' -f1 /proc/loadavg; }
