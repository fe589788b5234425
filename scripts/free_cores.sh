#!/usr/bin/env bash
# Prints "FREE CPUS BUSY": how many of the CPUs this process may run on are free right now, how many it may run on,
# and how many CPUs' worth of time other work used while it watched (docs/PERFORMANCE.md, "Threading defaults").
#
#   scripts/free_cores.sh [SECONDS]      (default 0.3)
#
# CPUS is the affinity mask's size (Cpus_allowed_list, what `taskset` and `nproc` see). BUSY is CPUS × the share of
# non-idle time of those CPUs in /proc/stat over SECONDS (user, nice, system, irq, softirq, steal; idle and iowait
# count as free). A CPU counts as taken from half a CPU's worth of use: FREE = max(1, CPUS − round(BUSY)).
# Whatever this script itself does while it sleeps is negligible.
set -euo pipefail
interval="${1:-0.3}"
allowed="$(awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status)"
sample() {
    awk -v list="$allowed" '
        BEGIN { n = split(list, parts, ",")
                for (i = 1; i <= n; i++) {
                    if (split(parts[i], r, "-") == 2) { for (c = r[1]; c <= r[2]; c++) ok["cpu" c] = 1 }
                    else { ok["cpu" parts[i]] = 1 } } }
        ($1 in ok) { cpus++; idle += $5 + $6; for (i = 2; i <= 9; i++) total += $i }
        END { print cpus, idle, total }' /proc/stat
}
read -r cpus idle0 total0 < <(sample)
sleep "$interval"
read -r _ idle1 total1 < <(sample)
awk -v cpus="$cpus" -v idle="$((idle1 - idle0))" -v total="$((total1 - total0))" 'BEGIN {
    busy = total > 0 ? cpus * (1 - idle / total) : 0
    free = cpus - int(busy + 0.5)
    if (free < 1) free = 1
    printf "%d %d %.2f\n", free, cpus, busy }'
