#!/usr/bin/env bash
# Screenshot of an e2kd report page with headless Chromium (Debian package 'chromium').
# Usage: scripts/screenshot_report.sh REPORT.html OUT.png [WIDTH [HEIGHT]]
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTH [HEIGHT]]" >&2
  exit 2
fi
report=$(realpath "$1")
out=$(realpath -m "$2")
width=${3:-1280}
height=${4:-2400}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    browser=$(command -v chromium)
  else
    echo "no chromium found; install the Debian package 'chromium'" >&2
    exit 1
  fi
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# --no-sandbox: headless Chromium refuses to run as root otherwise. The page loads nothing from outside.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size="$width,$height" --screenshot="$out" "file://$report" >/dev/null 2>&1
test -s "$out"
echo "wrote $out"
