#!/bin/sh
# Sets up this checkout on a Debian machine: the Debian packages Trellis and its tests use
# (PostgreSQL and Redis servers for the server-backed mode and its tests, ffmpeg and Chromium for the
# video tests), the npm dependencies, and mediasoup's worker binary (built offline once, then cached).
# Idempotent: what is already there is kept.
set -eu
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
log() { echo "setup: $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else log "need root (or sudo) to run: $*"; exit 1
  fi
}

missing=""
for package in postgresql redis-server ffmpeg chromium; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $package"
done
if [ -n "$missing" ]; then
  log "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -q >&2
  # shellcheck disable=SC2086 # the package list is meant to split into words
  as_root apt-get install -y -q --no-install-recommends $missing >&2
fi

# mediasoup's own install step downloads a prebuilt worker, which cannot work offline: any value of
# MEDIASOUP_WORKER_BIN makes it skip that; the worker is built and cached by the next step instead.
log "installing npm dependencies"
MEDIASOUP_WORKER_BIN="${MEDIASOUP_WORKER_BIN:-/nonexistent}" npm ci --no-audit --no-fund >&2

log "building or reusing mediasoup's worker"
worker="$(sh scripts/ensure-mediasoup-worker.sh --test-tools)"
log "mediasoup worker: $worker"
log "ready"
