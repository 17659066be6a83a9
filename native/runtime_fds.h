// Descriptors the Node runtime owns (its epoll instances, eventfds, signal
// pipe, child-process pipes): closing one, or changing it, aborts the
// process. Every call of this library on one returns -1/EBADF without
// touching it, and says once on stderr why.
#pragma once

#include "reactor/facts.h"

#include <napi.h>

namespace posix_sockets {

// True (errno set to EBADF, the warning printed once) when `fd` is the
// runtime's. The rule: a descriptor this library did not make that is the
// event loop's own (uv_backend_fd), or (Linux) close-on-exec — made in this
// process, not inherited — and an anon_inode (eventpoll, eventfd, signalfd,
// timerfd, io_uring) or a pipe. Descriptors the program made, or inherited
// (0, 1, 2, a socket passed by a parent), are the program's.
bool RefuseRuntimeFd(Napi::Env env, int fd);
// The same, with fd's facts (reactor/facts.h) already read.
bool RefuseRuntimeFd(Napi::Env env, int fd, const Facts& f);

// Whether a sync call on `fd` must fail with EBADF (errno set) without being
// made: the runtime's descriptor, or one closed while a call on it runs.
bool RefuseCall(Napi::Env env, int fd);

}  // namespace posix_sockets
