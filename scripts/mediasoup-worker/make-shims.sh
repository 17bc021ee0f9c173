#!/bin/sh
# Usage: make-shims.sh <mediasoup worker source dir>
#
# mediasoup's meson build fetches each C/C++ dependency as a meson subproject (openssl, libuv, libsrtp3,
# usrsctp, abseil, flatbuffers, ...). For each `subprojects/*.wrap` this creates the folder named by the
# wrap's `directory =` line, holding a small meson.build that exports the variables mediasoup reads,
# taken from Debian's libraries through pkg-config. Meson then finds the folder and never downloads.
# libsrtp3 is provided by Debian's libsrtp2 plus shims/srtp.h (libsrtp3's signatures over libsrtp2).
set -eu
W="$1"
SHIMS="$(cd "$(dirname "$0")" && pwd)/shims"
dir_of() { sed -n 's/^directory *= *//p' "$W/subprojects/$1.wrap"; }
# mk NAME: write stdin as the meson.build of NAME's subproject folder.
mk() { d="$W/subprojects/$(dir_of "$1")"; mkdir -p "$d"; cat > "$d/meson.build"; }
# opts NAME: write stdin as the meson_options.txt of NAME's subproject folder (mediasoup sets these options).
opts() { d="$W/subprojects/$(dir_of "$1")"; mkdir -p "$d"; cat > "$d/meson_options.txt"; }

mk openssl <<'M'
project('openssl', 'c')
openssl_dep = dependency('openssl')
libcrypto_dep = dependency('libcrypto')
libssl_dep = dependency('libssl')
libcrypto_lib = []
libssl_lib = []
M

opts libuv <<'M'
option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)
M
mk libuv <<'M'
project('libuv', 'c')
libuv_dep = dependency('libuv')
libuv = []
M

opts libsrtp3 <<'M'
option('crypto-library', type: 'string', value: 'openssl')
option('crypto-library-kdf', type: 'string', value: 'disabled')
option('tests', type: 'string', value: 'disabled')
M
d="$W/subprojects/$(dir_of libsrtp3)"; mkdir -p "$d/include"; cp "$SHIMS/srtp.h" "$d/include/srtp.h"
mk libsrtp3 <<'M'
project('libsrtp3', 'c')
libsrtp3_dep = declare_dependency(
  dependencies: dependency('libsrtp2'),
  include_directories: include_directories('include'))
libsrtp3 = []
M

opts usrsctp <<'M'
option('sctp_build_programs', type: 'boolean', value: false)
M
mk usrsctp <<'M'
project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp')
usrsctp = []
M

mk abseil-cpp <<'M'
project('abseil-cpp', 'cpp')
absl_container_dep = declare_dependency(dependencies: [
  dependency('absl_flat_hash_map'), dependency('absl_flat_hash_set'),
  dependency('absl_btree'), dependency('absl_inlined_vector'), dependency('absl_memory')])
absl_strings_dep = dependency('absl_strings')
absl_types_dep = declare_dependency(dependencies: [dependency('absl_optional'), dependency('absl_memory')])
absl_container_lib = []
M

mk catch2 <<'M'
project('catch2', 'cpp')
catch2_dep = declare_dependency()  # the worker's C++ tests are not built
M

mk flatbuffers <<'M'
project('flatbuffers', 'cpp')
flatbuffers_dep = dependency('flatbuffers')
flatbuffers_lib = []
M

mk liburing <<'M'
project('liburing', 'c')
uring = dependency('liburing')
liburing = []
M
echo "shims created in $W/subprojects" >&2
