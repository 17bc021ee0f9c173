#!/bin/sh
# Usage: scripts/ensure-mediasoup-worker.sh [--test-tools]
#
# Makes sure a working mediasoup-worker binary exists for the mediasoup version installed in node_modules,
# and prints its path on stdout (everything else goes to stderr), e.g.
#   export MEDIASOUP_WORKER_BIN="$(scripts/ensure-mediasoup-worker.sh)"
#
# - The binary is cached outside the repository and node_modules (npm ci would delete it), in
#   ${XDG_CACHE_HOME:-$HOME/.cache}/trellis/mediasoup-worker-<version>/mediasoup-worker,
#   the path media/worker-binary.ts looks at when MEDIASOUP_WORKER_BIN is unset.
# - A cached binary is reused when it was built from the current recipe (a hash of scripts/mediasoup-worker/
#   is stored next to it) and a smoke check (start a worker, a router, transports) passes.
# - Otherwise the Debian build packages are installed when missing (apt-get, `apt-get update` at most once),
#   meson >= 1.1.0 is installed with pip into the cache when missing, and the worker is built from a scratch
#   copy of node_modules/mediasoup/worker against Debian's libraries (scripts/mediasoup-worker/), offline.
#   That takes 6 to 11 minutes on 2 cores.
# - --test-tools also installs what the media tests use: ffmpeg (RTP test sources) and chromium (browser test).
# - Concurrent runs are serialised with flock on the cache folder.
set -eu

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HERE="$ROOT/scripts/mediasoup-worker"
MS_DIR="$ROOT/node_modules/mediasoup"
log() { echo "ensure-mediasoup-worker: $*" >&2; }

[ -f "$MS_DIR/package.json" ] || { log "mediasoup is not installed in $ROOT/node_modules: run npm ci first"; exit 1; }
VERSION="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$MS_DIR/package.json" | head -n 1)"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/trellis"
CACHE_DIR="$CACHE_ROOT/mediasoup-worker-$VERSION"
BIN="$CACHE_DIR/mediasoup-worker"
STAMP="$CACHE_DIR/recipe.sha256"
RECIPE="$(cd "$HERE" && find . -type f ! -name '*.ts' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)"

BUILD_PACKAGES="build-essential pkg-config ninja-build patch python3 python3-pip libssl-dev libuv1-dev libsrtp2-dev \
libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler"
TEST_PACKAGES="ffmpeg chromium"

# as_root CMD...: run CMD as root (directly, or through sudo).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else log "need root (or sudo) to run: $*"; exit 1
  fi
}

# ensure_packages PKG...: install the Debian packages that are not installed yet.
ensure_packages() {
  missing=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
  done
  [ -n "$missing" ] || return 0
  log "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1 || ! as_root apt-get install -y --no-install-recommends $missing >&2; then
    as_root apt-get update >&2
    as_root apt-get install -y --no-install-recommends $missing >&2
  fi
}

# smoke BIN: succeed when BIN starts a worker and serves a router with transports.
smoke() {
  [ -x "$1" ] || return 1
  ( cd "$ROOT" && MEDIASOUP_WORKER_BIN="$1" "$ROOT/node_modules/.bin/tsx" "$HERE/smoke-check.ts" >&2 )
}

# meson_version_ok CMD...: succeed when `CMD --version` reports meson >= 1.1.0.
meson_version_ok() {
  v="$("$@" --version 2>/dev/null)" || return 1
  [ "$(printf '%s\n1.1.0\n' "$v" | sort -V | head -n 1)" = "1.1.0" ]
}

# ensure_meson: set MESON to a meson >= 1.1.0 command (Debian 12's own meson is 1.0.1, too old).
ensure_meson() {
  if command -v meson >/dev/null 2>&1 && meson_version_ok meson; then MESON=meson; return; fi
  target="$CACHE_ROOT/tools/meson"
  # meson is pure Python: run it from a pip --target folder (this also sidesteps PEP 668's managed-env check).
  export PYTHONPATH="$target${PYTHONPATH:+:$PYTHONPATH}"
  if ! meson_version_ok python3 -m mesonbuild.mesonmain; then
    log "installing meson with pip into $target"
    python3 -m pip install --quiet --upgrade --target "$target" 'meson>=1.1.0' >&2
  fi
  MESON="python3 -m mesonbuild.mesonmain"
}

mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.lock"
flock 9

if [ "${1:-}" = "--test-tools" ]; then ensure_packages $TEST_PACKAGES; fi

# cached_ok: the cached binary comes from this recipe and passes the smoke check.
cached_ok() { [ "$(cat "$STAMP" 2>/dev/null)" = "$RECIPE" ] && smoke "$BIN"; }

if cached_ok; then echo "$BIN"; exit 0; fi
# A cached binary may only lack its shared libraries (a restored cache on a fresh machine): the -dev
# packages bring them, so install those and check again before rebuilding.
ensure_packages $BUILD_PACKAGES
if cached_ok; then echo "$BIN"; exit 0; fi

ensure_meson
export MESON
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/trellis-mediasoup-worker.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
log "building mediasoup-worker $VERSION in $SCRATCH (6 to 11 minutes on 2 cores)"
cp -R "$MS_DIR/worker" "$SCRATCH/worker"
rm -rf "$SCRATCH/worker/out"
"$HERE/build-worker.sh" "$SCRATCH/worker" "$SCRATCH/mediasoup-worker"
smoke "$SCRATCH/mediasoup-worker" || { log "the freshly built worker fails its smoke check"; exit 1; }
mv "$SCRATCH/mediasoup-worker" "$BIN.tmp"
mv "$BIN.tmp" "$BIN"
echo "$RECIPE" > "$STAMP"
log "cached $BIN"
echo "$BIN"
