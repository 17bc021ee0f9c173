#!/bin/sh
# Usage: build-worker.sh <mediasoup worker source dir (a scratch copy)> <output binary path>
#
# Builds mediasoup-worker against Debian's libraries, without network access (see make-shims.sh),
# after applying patches/*.patch to the sources (see each patch for why).
# MESON names the meson command (default: meson); it must be >= 1.1.0.
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
W="$1"
OUT="$2"
MESON="${MESON:-meson}"
"$HERE/make-shims.sh" "$W"
for p in "$HERE"/patches/*.patch; do
  patch -p1 -N -d "$W" < "$p" >&2
done
B="$W/out/Release/build"
rm -rf "$B"
# liburing is disabled: Debian 12's liburing 2.3 lacks calls mediasoup uses; it is only a performance option.
$MESON setup "$B" "$W" --buildtype=release --wrap-mode=nodownload -Db_ndebug=true -Dms_disable_liburing=true >&2
# NOTE: the flatbuffers headers (FBS/*.h) must be generated before libwebrtc's objects compile, or they race.
$MESON compile -C "$B" flatbuffers-generator >&2
$MESON compile -C "$B" -j "$(nproc)" mediasoup-worker >&2
cp "$B/mediasoup-worker" "$OUT"
strip "$OUT" 2>/dev/null || true
echo "built $OUT" >&2
