#!/usr/bin/env bash
# The package as a new user gets it: packs the tarball (which must hold the
# prebuilt binaries), installs it into an empty project with every compiler,
# make and python3 hidden from PATH, and checks that it works there: import
# and require() each run a loopback echo (echo.mjs, echo.cjs) and load
# posix-sockets/libc, nothing was built, the posix-sockets command lists and
# runs the lessons it ships (the TypeScript side with no compiler, the C side
# compiled into the user's cache once one is back), a plain install (scripts
# allowed) builds nothing either, and the types of both entry points resolve
# for TypeScript's node16, nodenext (ESM and CJS) and bundler.
# Prints one "ok ..." or "FAIL ..." line per check (the echo scripts' lines
# included) and exits 1 if any failed. Needs the current platform's prebuild
# in prebuilds/ (npm run build:prebuilds) and a warm npm cache for the
# package's dependencies and typescript.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

ok() { echo "ok $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
# check WHAT CMD...: runs CMD quietly; its output is shown only if it fails.
check() {
  local what=$1; shift
  if "$@" >"$tmp/out" 2>&1; then ok "$what"; else fail "$what"; sed 's/^/    /' "$tmp/out"; fi
}

# A PATH with the commands npm, node and the checks use, and no compiler.
mkdir "$tmp/bin"
for cmd in node npm npx sh bash env tar gzip cat ls mkdir rm cp mv sed grep sort head tail uname id mktemp; do
  p=$(command -v "$cmd") && ln -s "$p" "$tmp/bin/$cmd"
done
hidden=$tmp/bin
check "no compiler, make or python3 on the install's PATH" \
  env PATH="$hidden" sh -c '! command -v cc && ! command -v c++ && ! command -v gcc && ! command -v g++ &&
    ! command -v clang && ! command -v clang++ && ! command -v make && ! command -v python3'

(cd "$root" && npm pack --silent --pack-destination "$tmp" >"$tmp/pack.out" 2>"$tmp/pack.err") ||
  { cat "$tmp/pack.err"; fail "npm pack"; exit 1; }
tarball=$tmp/$(tail -n 1 "$tmp/pack.out")
tar tzf "$tarball" >"$tmp/files"
platform=$(node -p '`${process.platform}-${process.arch}`')
check "the tarball holds the prebuild for $platform" grep -q "^package/prebuilds/$platform/posix-sockets\.glibc\.node$" "$tmp/files"
grep '^package/prebuilds/' "$tmp/files" | sed 's/^/    /'
check "that prebuild is newer than the addon's sources (npm run build:prebuilds after a change)" \
  sh -c "cd '$root' && test -z \"\$(find native binding.gyp scripts/constants.mjs -newer prebuilds/$platform/posix-sockets.glibc.node)\""
check "the tarball holds no build/ and no install script" \
  sh -c "! grep -q '^package/build/' '$tmp/files' && tar xzOf '$tarball' package/package.json | node -e '
    const p = JSON.parse(require(\"fs\").readFileSync(0, \"utf8\"));
    const s = p.scripts ?? {};
    process.exit(p.gypfile === false && !s.preinstall && !s.install && !s.postinstall && !s.prepare ? 0 : 1)'"

# --ignore-scripts install, timed: what pnpm's default and npm's
# --strict-allow-scripts amount to for this package.
app=$tmp/app
mkdir "$app" && (cd "$app" && npm init -y >/dev/null)
start=$(date +%s%N)
if (cd "$app" && PATH=$hidden npm install --ignore-scripts --prefer-offline --no-audit --no-fund "$tarball" >"$tmp/out" 2>&1); then
  ok "npm install --ignore-scripts of the tarball, no compiler ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
else
  fail "npm install --ignore-scripts of the tarball"; cat "$tmp/out"; exit 1
fi
check "nothing was built in the installed package" test ! -e "$app/node_modules/posix-sockets/build"
cp "$root/scripts/package/echo.mjs" "$root/scripts/package/echo.cjs" "$app/"
(cd "$app" && PATH=$hidden node echo.mjs) || fail "import: echo.mjs exited $?"
(cd "$app" && PATH=$hidden node echo.cjs) || fail "require: echo.cjs exited $?"

# The C library subpath, through import and require() alike.
cat >"$app/libc.mjs" <<'JS'
import { atoi, printf } from 'posix-sockets/libc';
printf('%5.2s|%-3d|%u|%d\n', 'abc', 7, -1, atoi('42x'));
JS
cat >"$app/libc.cjs" <<'JS'
const { atoi, printf } = require('posix-sockets/libc');
printf('%5.2s|%-3d|%u|%d\n', 'abc', 7, -1, atoi('42x'));
JS
for how in import:mjs require:cjs; do
  check "${how%%:*} of posix-sockets/libc: printf and atoi as C's" sh -c "
    cd '$app' && test \"\$(PATH='$hidden' node libc.${how#*:})\" = '   ab|7  |4294967295|42'"
done

# The command, from the installed package: the lessons it ships; the
# TypeScript pairing needs no compiler; a C program asked for without one is
# an error (exit 2) naming the compiler and this OS's command to install it;
# with one, the C programs are compiled on first use into the user's cache
# (here XDG_CACHE_HOME), one directory per package version, and compare runs
# a lesson's every pairing against the all-C reference.
unset POSIX_SOCKETS_CACHE
export XDG_CACHE_HOME=$tmp/cache
version=$(node -p 'require(process.argv[1]).version' "$root/package.json")
lessons=$(ls "$root"/examples/*.lesson.json | wc -l)
check "npx posix-sockets lessons lists the $lessons lessons the package ships" sh -c "
  cd '$app' && PATH='$hidden' npx posix-sockets lessons >'$tmp/lessons' 2>&1 &&
  test \$(grep -c '^ *node_modules/posix-sockets/examples/[0-9][0-9]-[a-z0-9-]*\.lesson\.json\$' '$tmp/lessons') -eq $lessons &&
  grep -q '^echo  *TCP echo server and client' '$tmp/lessons' || { cat '$tmp/lessons'; exit 1; }"
check "npx posix-sockets echo-pair (TypeScript server and client), no compiler" sh -c "
  cd '$app' && PATH='$hidden' npx posix-sockets echo-pair >'$tmp/pair' 2>&1 &&
  grep -q 'TS server (examples/echo_server.ts)' '$tmp/pair' && grep -q '^client: exit 0' '$tmp/pair' || { cat '$tmp/pair'; exit 1; }"
for cmd in 'echo-pair --server c' 'compare echo'; do
  check "npx posix-sockets $cmd, no compiler: exit 2 naming the compiler and its install" sh -c "
    cd '$app'; PATH='$hidden' npx posix-sockets $cmd >'$tmp/nocc' 2>&1; test \$? -eq 2 &&
    grep -q 'no C++ compiler (c++) on PATH' '$tmp/nocc' && grep -q 'Install one with: ' '$tmp/nocc' &&
    test ! -e '$tmp/cache/posix-sockets' || { cat '$tmp/nocc'; exit 1; }"
done
check "npx posix-sockets echo-pair --server c --client c compiles the two C programs into the cache" sh -c "
  cd '$app' && npx posix-sockets echo-pair --server c --client c >'$tmp/pair' 2>&1 &&
  grep -q '^client: exit 0' '$tmp/pair' && test \$(ls '$tmp/cache/posix-sockets/$version/c' | grep -c '^echo_[a-z]*-[0-9a-f]*\$') -eq 2 ||
  { cat '$tmp/pair'; ls -R '$tmp/cache'; exit 1; }"
for lesson in echo echo-thread; do
  check "npx posix-sockets compare $lesson: every pairing matches the all-C reference" sh -c "
    cd '$app' && npx posix-sockets compare $lesson >'$tmp/compare' 2>&1 &&
    grep -q '^All [0-9]* runs match the all-C reference\.\$' '$tmp/compare' || { cat '$tmp/compare'; exit 1; }"
done

# A plain install (install scripts allowed) builds nothing either, and npm has
# no install script to warn about (npm 11: "not yet covered by allowScripts").
app2=$tmp/app2
mkdir "$app2" && (cd "$app2" && npm init -y >/dev/null)
check "npm install of the tarball with scripts allowed runs no build" sh -c "
  cd '$app2' && PATH='$hidden' npm install --foreground-scripts --prefer-offline --no-audit --no-fund '$tarball' >'$tmp/out2' 2>&1 &&
  ! grep -qi 'gyp' '$tmp/out2' && ! grep -q 'posix-sockets@[0-9.]* (' '$tmp/out2' && test ! -e node_modules/posix-sockets/build && PATH='$hidden' node '$app/echo.mjs' >/dev/null"

# A platform with no prebuild and no compiler: the load error names what to
# install (this OS's command) and how to build, and is no gyp stack.
mv "$app2/node_modules/posix-sockets/prebuilds" "$tmp/prebuilds-away"
(cd "$app2" && PATH=$hidden node -e "import('posix-sockets')" >"$tmp/out3" 2>&1)
case $(uname -s) in
  Darwin) hint='xcode-select --install' ;;
  *) if [ -e /etc/alpine-release ]; then hint='apk add build-base python3'; else hint='apt-get install build-essential python3'; fi ;;
esac
check "with no prebuild and no compiler, the load error says: $hint" sh -c "
  grep -q 'no prebuilt binary for' '$tmp/out3' && grep -qF '$hint' '$tmp/out3' &&
  grep -q 'npx node-gyp rebuild' '$tmp/out3' && ! grep -q 'gyp ERR' '$tmp/out3'" ||
  sed 's/^/    /' "$tmp/out3"

# Building from source inside the installed package (compilers visible again),
# as docs/troubleshooting.md says, with the prebuilds still away: the tarball
# has every file the build needs, and the loader takes build/Release. Node's headers
# as npm is configured (nodedir), else node-gyp downloads them.
nodedir=${npm_config_nodedir:-$(npm config get nodedir 2>/dev/null)}
case $nodedir in ''|undefined|null) ;; *) export npm_config_nodedir=$nodedir ;; esac
cp "$root/scripts/package/echo.mjs" "$app2/"
check "node-gyp rebuild inside the installed package builds the addon the echo then runs on" sh -c "
  cd '$app2/node_modules/posix-sockets' && node '$root/node_modules/node-gyp/bin/node-gyp.js' rebuild >'$tmp/out4' 2>&1 &&
  test -f build/Release/posix_sockets.node && cd '$app2' &&
  PATH='$hidden' node echo.mjs >/dev/null && rm -r node_modules/posix-sockets/build" || tail -n 20 "$tmp/out4"
mv "$tmp/prebuilds-away" "$app2/node_modules/posix-sockets/prebuilds"

# Types, as a TypeScript user's project resolves them.
ts=$(node -p 'require(process.argv[1]).devDependencies.typescript' "$root/package.json")
types=$(node -p 'require(process.argv[1]).devDependencies["@types/node"]' "$root/package.json")
if (cd "$app" && PATH=$hidden npm install --prefer-offline --no-audit --no-fund "typescript@$ts" "@types/node@$types" >"$tmp/out" 2>&1); then
  mkdir -p "$app/types/esm" "$app/types/cjs"
  echo '{"type":"module"}' >"$app/types/esm/package.json"
  echo '{"type":"commonjs"}' >"$app/types/cjs/package.json"
  cat >"$app/types/esm/use.ts" <<'TS'
import { AF_INET, SOCK_STREAM, close, recv, socket } from 'posix-sockets';
import { printf } from 'posix-sockets/libc';
const fd: number = socket(AF_INET, SOCK_STREAM, 0);
const n: Promise<number> = recv(fd, new Uint8Array(1), 1, 0);
void n;
close(fd);
const written: number = printf('%d\n', fd);
void written;
TS
  cat >"$app/types/cjs/use.cts" <<'TS'
import ps = require('posix-sockets');
import libc = require('posix-sockets/libc');
const fd: number = ps.socket(ps.AF_INET, ps.SOCK_STREAM, 0);
ps.close(fd);
const written: number = libc.printf('%d\n', fd);
void written;
TS
  tsc() { (cd "$app" && PATH=$hidden node node_modules/typescript/bin/tsc --noEmit --strict --target es2022 --types node "$@"); }
  check "types (posix-sockets and posix-sockets/libc): node16 from ESM" tsc --module node16 --moduleResolution node16 types/esm/use.ts
  check "types: nodenext from ESM" tsc --module nodenext --moduleResolution nodenext types/esm/use.ts
  check "types: nodenext from CJS (require of the ES module)" tsc --module nodenext --moduleResolution nodenext types/cjs/use.cts
  check "types: bundler" tsc --module esnext --moduleResolution bundler types/esm/use.ts
else
  fail "npm install typescript@$ts @types/node@$types"; cat "$tmp/out"
fi

exit $((failures > 0))
