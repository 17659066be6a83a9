#!/usr/bin/env bash
# npm run test:asan: builds the addon with AddressSanitizer and
# UndefinedBehaviorSanitizer into build-asan/ (cmake-js, the same sources as
# the default build) and runs the whole vitest suite against it. Arguments are
# passed on to vitest. Any sanitizer report, in the test processes or in any
# child they start, fails the run.
#
# Node itself is not instrumented, so the sanitizer runtimes are preloaded
# into it (the ASan runtime must be the first library loaded). Preloading also
# puts ASan's allocator under every malloc in the process, so the buffers
# Node hands to the addon are checked too.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# cmake-js sets CMAKE_CXX_FLAGS itself, so the flags go in the per-config
# variable. -fno-sanitize-recover: a UBSan finding stops the process.
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
npx cmake-js rebuild --out build-asan --config RelWithDebInfo \
  --CDCMAKE_CXX_FLAGS_RELWITHDEBINFO="$flags" \
  --CDCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined"
addon=$(find "$root/build-asan" -name posix_sockets.node -type f | head -n 1)
[ -n "$addon" ] || { echo "test:asan: no addon built in build-asan/" >&2; exit 1; }
# dist/ for the tests that run the built package in workers and child processes.
node scripts/setup.mjs

asan_rt=$(g++ -print-file-name=libasan.so)
ubsan_rt=$(g++ -print-file-name=libubsan.so)
for rt in "$asan_rt" "$ubsan_rt"; do
  [ -f "$rt" ] || { echo "test:asan: sanitizer runtime not found: $rt" >&2; exit 1; }
done

reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT

export POSIX_SOCKETS_ADDON="$addon"
export LD_PRELOAD="$asan_rt $ubsan_rt"
# detect_leaks=0: Node and V8 deliberately leave memory allocated at exit
#   (isolates, the platform, static caches), so LeakSanitizer would report them
#   on every process; the addon's own leaks are tested by test/reactor/leaks.test.ts.
# quarantine_size_mb=8: freed memory stays poisoned for a while (to catch a
#   use after free) in a quarantine small enough that RSS settles within the
#   warm-up of the RSS check in leaks.test.ts (the default, 256 MB, grows
#   through the whole test).
# log_path: ASan reports go to files, found below even when the process that
#   made them was a child whose exit status no test looks at.
# check_printf=0: the preload reaches the tests' C reference programs too, and
#   ASan's printf interceptor warns (a report) at formats glibc accepts but it
#   does not parse, such as libc.test.ts's "%5%"; the addon calls no printf.
export ASAN_OPTIONS="detect_leaks=0:quarantine_size_mb=8:halt_on_error=1:check_printf=0:log_path=$reports/asan"
# UBSan (gcc's runtime next to ASan's) reports on stderr whatever log_path
# says; halt_on_error makes the process exit with status 1, which fails the
# test that ran it.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# The stress tests (1,000 clients, 100,000 connection cycles) run at full size
# here too (about 10 s more than without sanitizers); on a slow machine set
# POSIX_SOCKETS_STRESS_SCALE (e.g. 0.2) to scale them down (test/support/stress.ts).

echo "test:asan: $addon"
echo "test:asan: LD_PRELOAD=$LD_PRELOAD"
status=0
npx vitest run "$@" || status=$?

if [ -n "$(ls -A "$reports")" ]; then
  echo "test:asan: sanitizer reports:" >&2
  for f in "$reports"/*; do
    echo "==== $f" >&2
    cat "$f" >&2
  done
  exit 1
fi
echo "test:asan: no sanitizer reports"
exit "$status"
