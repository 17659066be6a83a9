#!/bin/sh
# Build the C/C++ reference programs (the echo pair and the I/O-model chapter's
# multiplexing servers and non-blocking client) into examples/c/bin/ (git-ignored).
# The sources are compiled as C++ because the notes' common code overloads
# err_display(); see README.md. Override the compiler with CXX=... and add
# flags with CXXFLAGS=...
set -eu

here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
cxx=${CXX:-c++}
out="$here/bin"

mkdir -p "$out"
progs="echo_server echo_client echo_server6 echo_client6 select_server poll_server nonblocking_client"
# epoll is Linux's.
if [ "$(uname -s)" = Linux ]; then progs="$progs epoll_server"; fi
for prog in $progs; do
	echo "$cxx -O2 -Wall ${CXXFLAGS:-} -o bin/$prog $prog.cpp"
	# shellcheck disable=SC2086
	"$cxx" -O2 -Wall ${CXXFLAGS:-} -o "$out/$prog" "$here/$prog.cpp"
done
