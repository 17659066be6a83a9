// A call into the C library that takes no descriptor and may block for long
// (getaddrinfo(3), getnameinfo(3), gethostbyname(3)…), or a syscall on a set
// of descriptors (select, poll, epoll_wait): run on a pool thread, never
// waited for in the poller. Its inputs are copied when it starts and its
// result is copied out of libc's memory on the pool thread, so RunOnPool
// touches no JS value; Result converts it on the JS thread.
#pragma once

#include <napi.h>

namespace posix_sockets {

struct Job {
  virtual ~Job() = default;
  virtual void RunOnPool() = 0;
  virtual Napi::Value Result(Napi::Env env) const = 0;
  // The callback's result and errno: 0 for a C library call, whose result is
  // Result(); a syscall job (select, poll, epoll_wait: multiplex.cc) reports
  // the syscall's own.
  virtual long Ret() const { return 0; }
  virtual int Err() const { return 0; }
};

}  // namespace posix_sockets
