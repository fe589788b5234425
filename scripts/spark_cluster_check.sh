#!/usr/bin/env bash
# A Spark standalone cluster on this machine, loopback only: one master and two workers of one core each, started
# from a SPARK_HOME-like folder built from Maven's Spark jars (target/spark-home/jars). Runs a 2 × 2 sweep once in one
# process and once across the workers (./e2kd sweep --spark spark://127.0.0.1:PORT), then a teacher precompute across
# them, stops the cluster and prints the timings and which executor (on which worker) ran each task. Fails unless
# both workers ran tasks, the cluster sweep selected what the sequential one did, and took less wall time.
# docs/DISTRIBUTED.md.
#
#   scripts/spark_cluster_check.sh [WORK_DIR]      (default target/spark-check)
#
# SHOTS (images per class, default 100) and EPOCHS (default 6) size the runs: each must outlast the start of a Spark
# application and its executors (JVMs that load libtorch) for two workers to finish four runs before one process.
set -euo pipefail
shopt -s inherit_errexit
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mkdir -p "${1:-$here/target/spark-check}" && cd "${1:-$here/target/spark-check}" && pwd)"
epochs="${EPOCHS:-6}"
shots="${SHOTS:-100}"
spark_home="$here/target/spark-home"
rm -rf "$work"/{sequential,cluster,store,worker1,worker2,logs}
mkdir -p "$work/logs"

# 1. e2kd (target/e2kd.jar + target/lib) and a SPARK_HOME whose jars/ is Spark's Maven dependency closure as e2kd
#    uses it (pom.xml: spark-core without its log4j binding) plus logback, the one logging implementation
(cd "$here" && mvn -B -o -q package -DskipTests)
mkdir -p "$spark_home"
cat > "$spark_home/pom.xml" <<'EOF'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent><groupId>e2kd</groupId><artifactId>e2kd-parent</artifactId><version>0.1.0</version>
    <relativePath>../../pom.xml</relativePath></parent>
  <artifactId>spark-home</artifactId>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-core_2.13</artifactId></dependency>
    <dependency><groupId>ch.qos.logback</groupId><artifactId>logback-classic</artifactId></dependency>
  </dependencies>
</project>
EOF
rm -rf "$spark_home/jars"
mvn -B -o -q -f "$spark_home/pom.xml" dependency:copy-dependencies -DoutputDirectory="$spark_home/jars" \
    -DincludeScope=runtime
echo "SPARK_HOME $spark_home: $(ls "$spark_home/jars" | wc -l) jars"

# 2. the cluster: every socket on 127.0.0.1, free ports, Spark's Java 17 options (the launcher's list)
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
master_port="$(port)"
export SPARK_HOME="$spark_home" SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13 OMP_WAIT_POLICY=PASSIVE
opens="$(sed -n '/^spark_opts="/,/"$/p' "$here/e2kd" | tr -d '"' | sed 's/^spark_opts=//')"
# Each in a session of its own (setsid), as on a machine of its own: Linux shares CPU time between sessions
# (autogroups) before it shares it between their processes, so on a busy machine two workers in this script's session
# would share one session's time with each other and with the sequential sweep. In the background only: exec makes
# $! the JVM's pid.
spark_java() {
    # shellcheck disable=SC2086 # the options are words
    exec setsid java -Xmx512m $opens -Dlogback.configurationFile="$here/cli/src/main/resources/logback.xml" \
        -cp "$spark_home/jars/*" "$@"
}
pids=()
stop() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}
trap stop EXIT
master_ui="$(port)"
spark_java org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$master_port" --webui-port "$master_ui" \
    > "$work/logs/master.log" 2>&1 &
pids+=("$!")
master="spark://127.0.0.1:$master_port"
for i in 1 2; do
    spark_java org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port "$(port)" --webui-port "$(port)" \
        --cores 1 --memory 2g --work-dir "$work/worker$i" "$master" > "$work/logs/worker$i.log" 2>&1 &
    pids+=("$!")
done
registered=0
for _ in $(seq 120); do
    registered="$( (curl -s "http://127.0.0.1:$master_ui/json/" || true) \
        | sed -n 's/.*"aliveworkers" *: *\([0-9]*\).*/\1/p')"
    [ "$registered" = 2 ] && break
    sleep 0.5
done
[ "$registered" = 2 ] || { echo "workers did not register; logs in $work/logs" >&2; exit 1; }
echo "master $master, 2 workers of 1 core (logs: $work/logs)"

# 3. a 2 × 2 sweep of small runs (one libtorch thread each): in one process, then across the workers; a precompute
#    of the first run's teacher outputs across the workers
run=(--set model=bcos_resnet18 --set model_options=stem=small,base=4 --set shots_per_class="$shots" --set val_per_class=2
     --set test_limit=30 --set batch=20 --set image_size=28 --set scale_min=0.5 --set epochs="$epochs" --threads 1)
sweep=(sweep --grid lr=0.001,0.003 seed=1,2 "${run[@]}")
timed() { # NAME COMMAND...: runs it, its output in logs/NAME.out and .err; prints its wall time in seconds
    local name="$1" start end
    shift
    start="$(date +%s.%N)"
    "$@" > "$work/logs/$name.out" 2> "$work/logs/$name.err" || { cat "$work/logs/$name.err" >&2; return 1; }
    end="$(date +%s.%N)"
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }'
}
sequential_s="$(timed sequential "$here/e2kd" "${sweep[@]}" --out "$work/sequential")"
cluster_s="$(timed cluster "$here/e2kd" "${sweep[@]}" --out "$work/cluster" --spark "$master")"
precompute_s="$(timed precompute "$here/e2kd" precompute --teacher "$work/sequential/lr=0.001,seed=1" "${run[@]}" \
    --shard-size 64 --out "$work/store" --spark "$master")"
stop
trap - EXIT

# 4. what ran where: executor ids from the driver's log, each executor's worker from the workers' folders
#    (WORKER_DIR/APPLICATION/EXECUTOR)
worker_of() { for i in 1 2; do if [ -d "$work/worker$i/$1/$2" ]; then echo "worker$i"; fi; done; }
echo
workers=""
for name in cluster precompute; do
    app="$(sed -n 's/^spark: .*, application \(.*\)$/\1/p' "$work/logs/$name.err")"
    while read -r line; do
        worker="$(worker_of "$app" "$(sed 's/.*ran on executor \([^ ]*\) .*/\1/' <<< "$line")")"
        echo "$line on $worker"
        workers="$workers $worker"
    done < <(grep "ran on executor" "$work/logs/$name.err")
done
workers="$(tr ' ' '\n' <<< "$workers" | sed '/^$/d' | sort -u | tr '\n' ' ')"
winner() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["winner"]["values"])' "$1/sweep.json"; }
echo
echo "sweep, one process:        ${sequential_s} s, selected $(winner "$work/sequential")"
echo "sweep, 2 workers:          ${cluster_s} s, selected $(winner "$work/cluster")"
echo "precompute, 2 workers:     ${precompute_s} s, $(tail -1 "$work/logs/precompute.out")"
echo "workers that ran tasks:     ${workers}"
fail=0
[ "$workers" = "worker1 worker2 " ] || { echo "FAIL: not both workers ran tasks" >&2; fail=1; }
[ "$(winner "$work/sequential")" = "$(winner "$work/cluster")" ] || { echo "FAIL: another selection" >&2; fail=1; }
awk -v a="$cluster_s" -v b="$sequential_s" 'BEGIN { exit !(a < b) }' \
    || { echo "FAIL: the cluster sweep was not faster" >&2; fail=1; }
[ "$fail" = 0 ] && echo "OK: both workers ran tasks, same selection, the cluster sweep took less wall time"
exit "$fail"
