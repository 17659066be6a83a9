// The process-wide thread pool and the mailbox (see pool.h).
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>

namespace posix_sockets {

void Mailbox::Post(Op* op) {
  std::lock_guard<std::mutex> g(m);
  if (!open) {
    delete op;  // its environment is gone: nothing to call, no napi_ref to free
    return;
  }
  done.push_back(op);
  uv_async_send(async);
}

Pool& Pool::Get() {
  static Pool* pool = new Pool();  // never destroyed: threads may outlive static destructors
  return *pool;
}

void Pool::Submit(Op* op, std::shared_ptr<Mailbox> mailbox) {
  std::unique_lock<std::mutex> g(m_);
  queue_.push_back({op, std::move(mailbox)});
  // Every queued task must have a waiting thread, or it could wait behind a
  // call that blocks for a long time.
  if (queue_.size() > idle_) Spawn();
  cv_.notify_one();
}

void Pool::Spawn() {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);  // a syscall and a few frames
  // The new thread starts with a pool thread's signal mask (interrupt.h), so
  // no process-directed signal ever lands in one of its syscalls.
  sigset_t old;
  BlockSignalsForPool(&old);
  pthread_t t;
  if (pthread_create(&t, &attr, &Pool::Main, this) == 0) threads_++;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  // If no thread can be made the task waits for a running one to finish.
  pthread_attr_destroy(&attr);
}

void* Pool::Main(void* self) {
  static_cast<Pool*>(self)->Work();
  return nullptr;
}

void Pool::Work() {
  std::unique_lock<std::mutex> g(m_);
  for (;;) {
    while (queue_.empty()) {
      idle_++;
      bool timedOut = cv_.wait_for(g, std::chrono::seconds(10)) == std::cv_status::timeout;
      idle_--;
      if (timedOut && queue_.empty() && threads_ > kKeep) {
        threads_--;
        return;
      }
    }
    Task task = std::move(queue_.front());
    queue_.pop_front();
    g.unlock();
    // Every call on a pool thread can be interrupted ({ timeout, signal }).
    Op& op = *task.op;
    if (op.interruption.Enter()) {
      Perform(op);
      op.interruption.Leave();
    } else {
      op.ret = -1;  // cancelled before it began: as if interrupted at once
      op.err = EINTR;
    }
    task.mailbox->Post(task.op);
    task.mailbox.reset();
    g.lock();
  }
}

}  // namespace posix_sockets
