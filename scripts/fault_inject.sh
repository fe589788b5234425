#!/usr/bin/env bash
# Fault injection for e2kd runs (docs/RELIABILITY.md has the results).
#  1. SIGKILL a training run at random moments (startup, steps, evaluation, checkpoint writes) KILLS times, resuming
#     after each; then check that it finished, that metrics.jsonl has each epoch exactly once, and that the final
#     weights, optimizer state and metrics are bit-identical to an uninterrupted run (same seed, 1 thread).
#  2. The same for `precompute` (shards must equal an uninterrupted precompute's, byte for byte).
#  3. Disk full (a 192 KiB tmpfs) and a read-only output folder: one-line errors, no half-written checkpoint
#     (needs root for mount; skipped otherwise).
# Usage: scripts/fault_inject.sh [KILLS=20] [WORKDIR=mktemp]
set -euo pipefail
kills="${1:-20}"
work="${2:-$(mktemp -d)}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/e2kd" --version >/dev/null          # builds target/e2kd.jar when needed
jar="$here/target/e2kd.jar"
export OMP_WAIT_POLICY=PASSIVE TORCH_CPP_LOG_LEVEL=ERROR
e2kd() { java -Xmx384m -jar "$jar" "$@"; }
cfg=(--set model=bcos_resnet18 --set model_options=stem=small,base=4 --set shots_per_class=4 --set val_per_class=2
     --set test_limit=40 --set batch=20 --set epochs=24 --set seed=3 --set threads=1)
rand_delay() { python3 -c "import random; print(round(random.uniform(${1}, ${2}), 2))"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# Kills "$@" (a command that resumes from its own state) $kills times at random moments, then lets it finish.
kill_loop() {
  local name="$1"; shift
  local n=0 attempts=0
  while [ "$n" -lt "$kills" ]; do
    attempts=$((attempts + 1))
    "$@" >/dev/null 2>>"$work/$name.stderr" & local pid=$!
    sleep "$(rand_delay 1.0 6.0)"
    # The background job is a subshell running the function; SIGKILL its java child, the process under test.
    if pkill -9 -P "$pid" java 2>/dev/null; then n=$((n + 1)); fi
    wait "$pid" 2>/dev/null || true
    [ "$attempts" -gt $((kills * 3)) ] && fail "$name finished too early to be killed $kills times"
  done
  "$@" >/dev/null 2>>"$work/$name.stderr" || fail "$name did not complete after $n kills (see $work/$name.stderr)"
  echo "$name: killed $n times with SIGKILL, then completed"
}

same_files() {  # same_files A B FILE...: each FILE (or zip member FILE:member) equal in A and B
  local a="$1" b="$2"; shift 2
  for f in "$@"; do
    if [[ "$f" == *:* ]]; then
      cmp <(unzip -p "$a/${f%%:*}" "${f#*:}") <(unzip -p "$b/${f%%:*}" "${f#*:}") >/dev/null || fail "$f differs"
    else
      cmp "$a/$f" "$b/$f" >/dev/null || fail "$f differs"
    fi
  done
}

echo "work folder: $work"
# 1. training
e2kd train --out "$work/reference" "${cfg[@]}" >/dev/null 2>&1
train_step() {
  if [ -f "$work/killed/last.ckpt" ]; then e2kd train --resume "$work/killed"
  else rm -rf "$work/killed"; e2kd train --out "$work/killed" "${cfg[@]}"; fi
}
kill_loop train train_step
[ -f "$work/killed/summary.json" ] || fail "no summary.json"
same_files "$work/reference" "$work/killed" last.ckpt:model.safetensors last.ckpt:trainer.safetensors \
  best.ckpt:model.safetensors
python3 - "$work/reference/metrics.jsonl" "$work/killed/metrics.jsonl" <<'PY' || fail "metrics differ"
import json, sys
def lines(p):
    out = [json.loads(l) for l in open(p)]
    for o in out:
        o.pop("images_per_second", None)
    return out
ref, got = lines(sys.argv[1]), lines(sys.argv[2])
epochs = [o["epoch"] for o in got]
assert epochs == sorted(set(epochs)), f"epochs not continuous: {epochs}"
assert ref == got, "metrics differ from the uninterrupted run"
print(f"metrics: {len(got)} epochs, each once, equal to the uninterrupted run")
PY
echo "train: final weights, optimizer state and best checkpoint bit-identical to the uninterrupted run"
find "$work/killed" -name '*.tmp' | grep -q . && fail "temporary files left in the run folder"

# 2. precompute
e2kd precompute --teacher "$work/reference" --out "$work/pre-reference" --shard-size 4 "${cfg[@]}" >/dev/null 2>&1
kill_loop precompute e2kd precompute --teacher "$work/reference" --out "$work/pre-killed" --shard-size 4 "${cfg[@]}"
for f in $(cd "$work/pre-reference" && ls); do same_files "$work/pre-reference" "$work/pre-killed" "$f"; done
echo "precompute: all $(ls "$work/pre-reference" | wc -l) files byte-identical to the uninterrupted precompute"

# 3. disk full, read-only
if [ "$(id -u)" = 0 ] && mkdir -p "$work/full" "$work/ro" && mount -t tmpfs -o size=192k tmpfs "$work/full" 2>/dev/null; then
  trap 'umount "$work/full" "$work/ro" 2>/dev/null || true' EXIT
  if e2kd train --out "$work/full/run" "${cfg[@]}" >/dev/null 2>"$work/full.stderr"; then fail "a full disk went unnoticed"; fi
  [ "$(grep -c . "$work/full.stderr")" = 1 ] || fail "disk full: not one line: $(cat "$work/full.stderr")"
  echo "disk full: $(cat "$work/full.stderr")"
  find "$work/full" -name '*.tmp' | grep -q . && fail "disk full left a temporary file"
  for c in "$work"/full/run/*.ckpt; do
    [ -f "$c" ] || continue
    unzip -tq "$c" >/dev/null || fail "damaged $c"
  done
  mount -t tmpfs -o ro,size=64k tmpfs "$work/ro"
  if e2kd train --out "$work/ro/run" "${cfg[@]}" >/dev/null 2>"$work/ro.stderr"; then fail "read-only went unnoticed"; fi
  echo "read-only: $(cat "$work/ro.stderr")"
else
  echo "disk full / read-only: skipped (needs root for mount)"
fi
echo "all fault-injection checks passed"
