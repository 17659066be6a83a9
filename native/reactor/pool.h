// The library's own elastic thread pool, and the mailbox that carries each
// finished call back to the environment that made it. Never the libuv
// threadpool, so fs, dns and crypto never wait behind a blocked socket call.
//
// Process-wide state: one pool serves every environment (main thread and
// worker_threads); it is never destroyed, since its threads may outlive
// static destructors. Per-environment state lives in reactor.cc.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "../uv_api.h"
#include "op.h"

namespace posix_sockets {

// Completions posted from pool threads to the JS thread of one environment.
// Shared (shared_ptr) by the environment's reactor and every task in flight,
// so a pool thread can post after the environment is gone.
struct Mailbox {
  std::mutex m;            // guards `done` and `open`
  std::vector<Op*> done;   // finished ops, not yet delivered
  uv_async_t* async = nullptr;  // wakes the environment's event loop
  bool open = true;        // false once the environment is torn down

  // Hands a finished op to its environment, or deletes it if that is gone.
  void Post(Op* op);
};

// A thread for every call that is running, so a call that blocks for long
// holds only itself up. Idle threads linger a while and then exit, down to
// kKeep.
class Pool {
 public:
  static Pool& Get();

  // Runs Perform(*op) on a pool thread, then posts op to `mailbox`.
  void Submit(Op* op, std::shared_ptr<Mailbox> mailbox);

  uint32_t Threads() const { return threads_.load(); }

 private:
  struct Task {
    Op* op;
    std::shared_ptr<Mailbox> mailbox;
  };

  void Spawn();
  static void* Main(void* self);
  void Work();

  static constexpr uint32_t kKeep = 4;
  std::mutex m_;  // guards queue_ and idle_
  std::condition_variable cv_;
  std::deque<Task> queue_;
  // Threads waiting for a task. Invariant: Submit starts a thread whenever
  // queued tasks outnumber them, so no task waits behind a running call
  // (unless no thread can be made).
  size_t idle_ = 0;
  std::atomic<uint32_t> threads_{0};
};

}  // namespace posix_sockets
