#!/bin/sh
# glibc-floor.sh FILE [MAX]: the oldest glibc (and libstdc++) a Linux binary
# loads on, read from the highest GLIBC_ (GLIBCXX_) symbol version it imports
# (objdump -T). With MAX (e.g. 2.28), fails if the binary needs a newer glibc.
set -eu
file=$1 max=${2:-}
highest() { objdump -T "$file" | grep -o "$1_[0-9][0-9.]*" | sed "s/^$1_//" | sort -uV | tail -n 1; }
glibc=$(highest GLIBC)
glibcxx=$(highest GLIBCXX)
echo "$file needs glibc >= $glibc${glibcxx:+, libstdc++ >= GLIBCXX_$glibcxx}"
if [ -n "$max" ] && [ "$(printf '%s\n%s\n' "$glibc" "$max" | sort -V | tail -n 1)" != "$max" ]; then
  echo "FAIL: glibc $glibc is newer than the baseline $max"
  exit 1
fi
[ -z "$max" ] || echo "ok $file: within the baseline glibc $max"
