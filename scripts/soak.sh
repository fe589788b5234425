#!/usr/bin/env bash
# The memory soak as docs/RELIABILITY.md and docs/PERFORMANCE.md quote it: a fixed, pre-touched heap (so RSS measures
# native memory), one libtorch thread, the soak's own table on stdout, kept in OUT.
#   scripts/soak.sh OUT [soak options]      e.g. scripts/soak.sh docs/soak/bcos-2000.txt --steps 2000 --every 100
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: scripts/soak.sh OUT [soak options]" >&2; exit 2; }
out="$1"; shift
jar="$here/target/e2kd.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here/src/main" "$here/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  (cd "$here" && mvn -q -B package -DskipTests >&2)
fi
mkdir -p "$(dirname "$out")"
opts=(-Xmx256m -Xms256m -XX:+AlwaysPreTouch -Dai.djl.pytorch.num_threads=1)
{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(git -C "$here" rev-parse --short HEAD): java ${opts[*]} … soak $*"
  TORCH_CPP_LOG_LEVEL=ERROR OMP_WAIT_POLICY=PASSIVE java "${opts[@]}" -cp "$jar:$here/target/lib/*" e2kd.cli.Main soak "$@"
} 2>&1 | tee "$out"
