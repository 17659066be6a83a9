// Taking a pool thread out of a blocking syscall, for { timeout, signal } of a
// call that already runs on a pool thread (pool.h). The thread is sent a
// signal the Node runtime does not use (InterruptSignal()), whose handler does
// nothing and is installed without SA_RESTART: the syscall returns as C's
// does when a signal interrupts it (-1/EINTR, or the bytes it had moved), and
// nothing about the socket changes. Pool threads block every other
// asynchronous signal, so only this one ever interrupts them.
//
// Use, for any blocking syscall made on a pool thread:
//
//   pool thread                          canceller (any thread)
//   if (!i.Enter()) -> fails, EINTR      i.Interrupt()   // again every ~1 ms
//   r = recv(...);                                       //   while it returns true
//   i.Leave();
//
// Pool::Work already wraps every Op's Perform() this way, so a new blocking
// call added as an OpKind is interruptible with no code of its own; other work
// on a pool thread uses the class directly. The syscall must be one that a
// signal interrupts (socket calls, poll, select, epoll_wait, connect...); one
// that retries on EINTR by itself (getaddrinfo's resolver) just finishes.
#pragma once

#include <pthread.h>
#include <signal.h>

#include <mutex>

namespace posix_sockets {

// The signal used to interrupt pool threads, installed (once per process) by
// the first call: on Linux the highest realtime signal that has no handler
// (from SIGRTMAX down), elsewhere SIGUSR2 if it has none; 0 when none is free,
// and then Interrupt() does nothing (the call finishes as its syscall does).
int InterruptSignal();

// Makes the calling thread's signal mask a pool thread's: every asynchronous
// signal blocked except InterruptSignal(); synchronous ones (SIGSEGV, ...)
// stay deliverable so faults are still reported. Returns the old mask in *old.
void BlockSignalsForPool(sigset_t* old);

// One interruptible syscall. Invariant: a signal is sent only between Enter()
// and Leave() (both under m_), and Leave() returns only once every signal sent
// has been delivered, so a late signal can never interrupt the thread's next
// call.
class Interruption {
 public:
  // Pool thread, right before the syscall. False when Interrupt() came first:
  // the syscall is not made and the call fails as if interrupted at once.
  bool Enter();
  // Pool thread, right after the syscall (errno is preserved).
  void Leave();
  // Any thread: asks the thread out of its syscall. True while the thread may
  // still be inside it (the signal may have landed just before the syscall
  // began): call again after a millisecond or so until it returns false.
  bool Interrupt();
  // Whether Interrupt() has been called.
  bool Requested();

 private:
  enum State { kBefore, kInside, kAfter };
  std::mutex m_;
  State state_ = kBefore;
  bool requested_ = false;
  bool signalled_ = false;  // a signal was sent while inside
  pthread_t thread_{};
};

}  // namespace posix_sockets
