// Readiness-gated dispatch of the blocking calls (accept, connect, send, recv,
// sendto, recvfrom). See docs/threading.md for the design and its limits.
#pragma once

#include "addon.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <memory>
#include <vector>

namespace posix_sockets {

enum class OpKind : uint8_t { Accept, Connect, Send, Recv, Job };

// A call on a set of descriptors (select, poll, epoll_wait: multiplex.cc),
// which always runs on a pool thread on memory of its own. It is on no
// descriptor's queue: the reactor only carries it to the pool and back.
struct Job {
  virtual ~Job() = default;
  // On the pool thread: the syscall; returns its result with errno set.
  virtual long Run() = 0;
  // On the JS thread, before the callback: copies what the kernel wrote into
  // the caller's memory, and releases the references to it.
  virtual void WriteBack(napi_env env, long ret, int err) = 0;
};

// One blocking call. The syscall part is touched by whichever thread runs the
// call (the JS thread when the call cannot block, a pool thread otherwise);
// the napi_refs are touched on the JS thread only.
struct Op {
  OpKind kind;
  bool four = false;  // accept4
  bool to = false;    // sendto / recvfrom: the call takes an address
  int fd = -1;
  int flags = 0;  // MSG_* for send/recv, SOCK_* for accept4
  size_t len = 0;
  uint8_t* buf = nullptr;   // data the call reads or writes
  uint8_t* abuf = nullptr;  // address the call reads or writes
  bool addrPresent = false, lenPresent = false;
  socklen_t addrLenIn = 0, addrLenOut = 0;
  ssize_t ret = -1;
  int err = 0;

  // Memory the op owns once it leaves the calling JS function: a copy of the
  // data to send and of the address to reach, or a landing area for received
  // data and addresses, copied out on completion.
  std::unique_ptr<uint8_t[]> ownedBuf, ownedAddr;

  uint32_t id = 0;
  napi_ref callback = nullptr, view = nullptr, addrView = nullptr;
  bool pooled = false;  // runs on a pool thread
  std::unique_ptr<Job> job;  // OpKind::Job
};

// accept(2), or accept4(2) with `flags` where the platform has it: shared by
// the sync twins and the async ops.
ssize_t DoAccept(int fd, sockaddr* addr, socklen_t* len, int flags, bool four);

// Makes the syscall the op describes, on the current thread.
void Perform(Op& op);

class Reactor;

// The entry point for every async call: runs it right away when it cannot
// block, otherwise queues it. Returns the op id (0 when already completed;
// the callback has then been called).
uint32_t Start(Napi::Env env, std::unique_ptr<Op> op, const Napi::CallbackInfo& info,
               size_t viewIndex, size_t addrIndex, size_t callbackIndex);

// Runs `job` on a pool thread; `cb(ret, errno, 0)` is called from the event
// loop when it ends. Returns the op id.
uint32_t StartJob(Napi::Env env, std::unique_ptr<Job> job, Napi::Function cb);

// close(2) for a descriptor that may have calls in flight.
int CloseFd(Napi::Env env, int fd);

// Drops what the dispatcher learned about `fd` (its blocking mode, timeouts,
// state): called by every call that may change them or reuse the number.
void ForgetFacts(int fd);

// Whether `fd` was closed by the caller while a call on it still runs.
bool IsClosedInFlight(Napi::Env env, int fd);

// Cancels a call still waiting for readiness: it completes with -1 and `err`.
bool Cancel(Napi::Env env, uint32_t id, int err);

// Counters for tests and docs: calls waiting, calls on pool threads, pool threads.
Napi::Value ReactorStats(const Napi::CallbackInfo& info);

}  // namespace posix_sockets
