#!/bin/sh
# Build the C/C++ reference echo programs into examples/c/bin/ (git-ignored).
# The sources are compiled as C++ because the notes' common code overloads
# err_display(); see README.md. Override the compiler with CXX=... and add
# flags with CXXFLAGS=...
set -eu

here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
cxx=${CXX:-c++}
out="$here/bin"

mkdir -p "$out"
for prog in echo_server echo_client echo_server6 echo_client6; do
	echo "$cxx -O2 -Wall ${CXXFLAGS:-} -o bin/$prog $prog.cpp"
	# shellcheck disable=SC2086
	"$cxx" -O2 -Wall ${CXXFLAGS:-} -o "$out/$prog" "$here/$prog.cpp"
done
