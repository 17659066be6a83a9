// Readiness-gated dispatch of the blocking calls (accept, connect, send, recv,
// sendto, recvfrom). See docs/threading.md for the design and its limits.
//
// A blocking call that cannot block right now (its socket is readable or
// writable enough, or non-blocking) is made at once on the JS thread.
// Otherwise it waits, without occupying any thread, in this environment's
// poller (poller.h), which the event loop watches through one uv_poll handle;
// when the socket becomes ready the call is made then. Calls that may still
// block after readiness (connect, MSG_WAITALL short of data, a send larger
// than the free buffer) run on a thread of the library's own pool (pool.h),
// never on the libuv threadpool. In every case the syscall made is exactly the
// caller's: the descriptor's flags are not touched.
//
// Per-environment state: one Reactor per main thread or worker_thread, made
// on its first async call, reached through AddonState and freed by its async
// cleanup hook. The process-wide parts are the pool (pool.h) and the facts
// the dispatcher keeps per descriptor (dispatch.h).
#pragma once

#include <memory>

#include "../addon.h"
#include "op.h"

namespace posix_sockets {

// The entry point for every async call: runs it right away when it cannot
// block and returns its result (errno and out-length in lastCall, addon.h);
// otherwise queues it and returns kPending, the op id in lastCall[kOpIdSlot].
double Start(Napi::Env env, std::unique_ptr<Op> op, const Napi::CallbackInfo& info,
               size_t viewIndex, size_t addrIndex, size_t callbackIndex);

// Runs `job` on a pool thread; callback(0, 0, job->Result()) follows from the
// event loop. Returns kPending, the op id in lastCall[kOpIdSlot].
double StartJob(Napi::Env env, std::unique_ptr<Job> job, Napi::Function callback);

// close(2) for a descriptor that may have calls in flight.
int CloseFd(Napi::Env env, int fd);

// Whether `fd` was closed by the caller while a call on it still runs.
bool IsClosedInFlight(Napi::Env env, int fd);

// Cancels a call: one still waiting for readiness completes with -1 and `err`;
// one inside its syscall on a pool thread is interrupted (interrupt.h) and
// completes with what the syscall returns then (-1/EINTR reported as `err`).
bool Cancel(Napi::Env env, uint32_t id, int err);

// Counters for tests and docs: calls waiting, calls on pool threads, pool threads.
Napi::Value ReactorStats(const Napi::CallbackInfo& info);

}  // namespace posix_sockets
