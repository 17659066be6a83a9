// The per-environment reactor (see reactor.h): the calls waiting for
// readiness, the calls on pool threads, their delivery to JS, close while
// calls are in flight, and teardown.
#include "reactor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "../runtime_fds.h"
#include "../uv_api.h"
#include "dispatch.h"
#include "poller.h"
#include "pool.h"

namespace posix_sockets {

namespace {

// Received data lands here when the call runs off the JS thread.
void OwnLandingArea(Op& op) {
  if (op.ownedBuf) return;
  op.ownedBuf.reset(new uint8_t[std::max<size_t>(op.len, 1)]);
  op.buf = op.ownedBuf.get();
}

// Reads an ArrayBufferView held by reference, as it is now (it may have been
// detached meanwhile; then its length is 0 and nothing is written).
Bytes ReferencedBytes(napi_env env, napi_ref ref) {
  napi_value v;
  if (ref == nullptr || napi_get_reference_value(env, ref, &v) != napi_ok || v == nullptr) {
    return Bytes{};
  }
  return ViewBytes(Napi::Value(env, v));
}

// A uv_poll_t or uv_async_t as the uv_handle_t it begins with (libuv's own
// documented cast), for the calls common to all handles.
template <typename T>
uv_handle_t* AsHandle(T* handle) {
  return reinterpret_cast<uv_handle_t*>(handle);
}

}  // namespace

// ---------------------------------------------------------------------------
// The per-environment reactor

// One per environment, used on its JS thread only (pool threads reach it
// through the mailbox). Invariants: waiting_ holds exactly the ops in the
// readers/writers queues of fds_; fds_ has an entry for every descriptor with
// a call waiting, running or closed in flight (an entry left empty is dropped
// by the next completion on it, or by close).
class Reactor {
 public:
  explicit Reactor(napi_env env) : env_(env), mailbox_(std::make_shared<Mailbox>()) {}

  // What the reactor keeps per descriptor.
  struct FdEntry {
    std::deque<Op*> readers, writers;  // waiting for readiness, in call order
    int running[2] = {0, 0};           // calls on pool threads, per direction
    unsigned armed = 0;                // directions the poller watches (kWatchRead | kWatchWrite)
    bool inPoller = false;             // the poller has held fd since it was added (Poller::Arm's `known`)
    // The request/reply hint (Start): the last recv here waited (or there was
    // none yet), and a send succeeded since. Then the reply is not there yet,
    // and the next recv goes to the poller without a poll(2) first.
    bool recvWaited = true, sentSince = false;
    // Hinted recvs since the last one that polled: every kPollSample-th polls
    // anyway, so that a peer whose replies are already there (on the same
    // CPU, say) is noticed and the hint dropped (NoteMadeAtOnce).
    uint8_t unpolledRun = 0;
    static constexpr uint8_t kPollSample = 8;
    // Closed by the caller while a call runs on a pool thread: the number is
    // shut down but not yet close(2)d, so it is not reused under that call;
    // every new call on it fails with EBADF; closed when the last one ends.
    bool closedInFlight = false;

    int Running() const { return running[0] + running[1]; }
    // A recv starting: whether the request/reply hint holds (it is used up).
    bool TakeReplyHint() {
      bool pending = recvWaited && sentSince;
      sentSince = false;
      if (!pending) return false;
      if (++unpolledRun < kPollSample) return true;
      unpolledRun = 0;
      return false;
    }
    // A send or recv made at once (not from the poller's queue).
    void NoteMadeAtOnce(const Op& op) {
      if (op.kind == OpKind::Recv) {
        recvWaited = false;  // data was there: poll first next time
      } else if (op.kind == OpKind::Send && op.ret > 0) {
        sentSince = true;
      }
    }
    // Calls in one direction run in call order: a new one waits while an
    // earlier one waits or runs, so `send(a); send(b)` never reorders bytes.
    bool Busy(bool reading) const {
      return !(reading ? readers : writers).empty() || running[reading ? 0 : 1] > 0;
    }
  };

  // The entry of fd, or null; valid until the reactor next runs JS or closes fd.
  FdEntry* Find(int fd) {
    auto it = fds_.find(fd);
    return it == fds_.end() ? nullptr : &it->second;
  }

  // A send made at once on a descriptor without an entry: the entry that
  // carries the hint for its first recv (a request's reply).
  void NoteFirstSend(int fd) { fds_[fd].sentSince = true; }

  bool Init() {
    if (napi_get_uv_event_loop(env_, &loop_) != napi_ok || !poller_.Open()) return false;
    poll_ = static_cast<uv_poll_t*>(malloc(uv_handle_size(UV_POLL)));
    if (uv_poll_init(loop_, poll_, poller_.fd) != 0) {
      free(poll_);
      poll_ = nullptr;
      close(poller_.fd);
      return false;
    }
    uv_handle_set_data(AsHandle(poll_), this);
    uv_poll_start(poll_, UV_READABLE, &Reactor::OnReady);
    auto* async = static_cast<uv_async_t*>(malloc(uv_handle_size(UV_ASYNC)));
    uv_async_init(loop_, async, &Reactor::OnMail);
    uv_handle_set_data(AsHandle(async), this);
    mailbox_->async = async;
    retry_ = static_cast<uv_timer_t*>(malloc(uv_handle_size(UV_TIMER)));
    uv_timer_init(loop_, retry_);
    uv_handle_set_data(AsHandle(retry_), this);
    uv_unref(AsHandle(retry_));  // the interrupted call itself keeps the loop alive
    UpdateRefs();
    napi_add_async_cleanup_hook(env_, &Reactor::OnCleanup, this, &cleanup_);
    return true;
  }

  bool IsClosedInFlight(int fd) const {
    if (closedInFlight_ == 0) return false;
    auto it = fds_.find(fd);
    return it != fds_.end() && it->second.closedInFlight;
  }


  // Takes a job (job.h): straight to a pool thread, with no descriptor to track.
  void SubmitJob(Op* op) {
    op->id = NextId();
    // Interruptible like any call on a pool thread ({ timeout, signal }): a
    // syscall job (select, poll, epoll_wait) returns EINTR; a C library call
    // that retries on EINTR just finishes.
    op->pooled = true;
    running_[op->id] = op;
    pending_++;
    Pool::Get().Submit(op, mailbox_);
    UpdateRefs();
  }

  // Takes a call that could not run at once.
  void Enqueue(Op* op, Plan plan) {
    op->id = NextId();
    if (plan == Plan::Pool) {
      Dispatch(op);
    } else {
      FdEntry& e = fds_[op->fd];
      if (op->kind == OpKind::Recv) e.recvWaited = true;
      (plan == Plan::WaitRead ? e.readers : e.writers).push_back(op);
      waiting_[op->id] = op;
      Arm(op->fd);
    }
    UpdateRefs();
  }

  bool Cancel(uint32_t id, int err) {
    auto w = waiting_.find(id);
    if (w == waiting_.end()) return Interrupt(id, err);
    Op* op = w->second;
    waiting_.erase(w);
    FdEntry& e = fds_[op->fd];
    for (auto* q : {&e.readers, &e.writers}) q->erase(std::remove(q->begin(), q->end(), op), q->end());
    op->ret = -1;
    op->err = err;
    Deliver(op);
    return true;
  }

  int Close(int fd) {
    auto it = fds_.find(fd);
    if (it == fds_.end()) return close(fd);
    FdEntry& e = it->second;
    if (e.closedInFlight) {  // already closed, as far as the caller can tell
      errno = EBADF;
      return -1;
    }
    // (One the poller never held needs no forgetting; one it held since an
    // entry was dropped is dropped by the kernel when the file closes.)
    if (e.inPoller) poller_.Forget(fd);
    // Calls still waiting never reached the kernel: they fail as a call on a
    // closed descriptor does.
    for (auto* q : {&e.readers, &e.writers}) {
      for (Op* op : *q) {
        waiting_.erase(op->id);
        op->ret = -1;
        op->err = EBADF;
        Deliver(op);
      }
      q->clear();
    }
    int ret = 0;
    if (e.Running() > 0) {
      // A pool thread is inside a syscall on fd. Wake it (recv returns 0,
      // send EPIPE) and keep the descriptor number until it is out, so that
      // the number is not reused under it.
      e.closedInFlight = true;
      closedInFlight_++;
      shutdown(fd, SHUT_RDWR);
    } else {
      ret = close(fd);
      int saved = errno;
      fds_.erase(it);
      errno = saved;
    }
    UpdateRefs();
    return ret;
  }

  Napi::Value Stats(Napi::Env env) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("waiting", static_cast<double>(waiting_.size()));
    o.Set("pending", static_cast<double>(pending_));
    o.Set("poolThreads", static_cast<double>(Pool::Get().Threads()));
    o.Set("descriptors", static_cast<double>(fds_.size()));
    return o;
  }

 private:

  uint32_t NextId() {
    if (++nextId_ == 0) nextId_ = 1;
    return nextId_;
  }

  // A recv made on the JS thread writes straight into the caller's buffer
  // (still attached and large enough), with no copy.
  void ReceiveInPlace(Op& op) {
    if (op.kind != OpKind::Recv || op.view == nullptr) return;
    Napi::HandleScope scope{Napi::Env(env_)};
    Bytes b;
    try {
      b = ReferencedBytes(env_, op.view);
    } catch (const Napi::Error&) {
      b = Bytes{};  // no exception may leave a libuv callback
    }
    if (b.data != nullptr && b.length >= op.len && op.len > 0) {
      op.buf = b.data;
    } else {
      OwnLandingArea(op);
    }
  }

  void Dispatch(Op* op) {
    if (op->kind == OpKind::Recv && !op->vec) OwnLandingArea(*op);
    fds_[op->fd].running[IsReader(*op) ? 0 : 1]++;
    op->pooled = true;
    running_[op->id] = op;
    pending_++;
    Pool::Get().Submit(op, mailbox_);
  }

  // A call on a pool thread: its thread is interrupted (interrupt.h) and the
  // call completes with what its syscall returns then: -1/EINTR becomes
  // -1/err; bytes already moved are delivered as the count. The signal is
  // sent again every millisecond until the thread is out of the syscall (it
  // may land just before the syscall begins), at most kMaxInterruptTries times.
  bool Interrupt(uint32_t id, int err) {
    auto it = running_.find(id);
    if (it == running_.end()) return false;
    Op* op = it->second;
    if (op->cancelErr != 0) return true;  // already being interrupted
    op->cancelErr = err;
    if (op->interruption.Interrupt()) {
      op->interruptTries = 1;
      interrupting_.push_back(id);
      if (interrupting_.size() == 1) uv_timer_start(retry_, &Reactor::OnRetry, 1, 1);
    }
    return true;
  }

  static constexpr int kMaxInterruptTries = 200;

  static void OnRetry(uv_timer_t* h) {
    auto* self = static_cast<Reactor*>(uv_handle_get_data(AsHandle(h)));
    auto& ids = self->interrupting_;
    ids.erase(std::remove_if(ids.begin(), ids.end(),
                             [self](uint32_t id) {
                               auto it = self->running_.find(id);
                               if (it == self->running_.end()) return true;  // delivered
                               Op* op = it->second;
                               return !op->interruption.Interrupt() ||
                                      ++op->interruptTries >= kMaxInterruptTries;
                             }),
              ids.end());
    if (ids.empty()) uv_timer_stop(h);
  }

  // Completes an op through the mailbox, so that its callback runs from the
  // event loop like every other completion (never inside the caller's call).
  void Deliver(Op* op) {
    pending_++;
    mailbox_->Post(op);
  }

  void Arm(int fd) {
    FdEntry& e = fds_[fd];
    // A direction with a call on a pool thread is served when that call ends.
    bool read = !e.readers.empty() && e.running[0] == 0;
    bool write = !e.writers.empty() && e.running[1] == 0;
    unsigned want = (read ? kWatchRead : 0u) | (write ? kWatchWrite : 0u);
    // Already watched as wanted (or nothing to watch; a watch left armed only
    // brings a spurious wake-up): no syscall.
    if (want == 0 || want == e.armed) return;
    if (poller_.Arm(fd, read, write, e.inPoller)) {
      e.armed = want;
      e.inPoller = true;
      return;
    }
    // A descriptor the poller cannot watch: the first call of each direction
    // waits inside its syscall on a pool thread; the next follows when it ends.
    for (int dir = 0; dir < 2; dir++) {
      std::deque<Op*>& q = dir == 0 ? e.readers : e.writers;
      if (q.empty() || e.running[dir] > 0) continue;
      Op* op = q.front();
      q.pop_front();
      waiting_.erase(op->id);
      Dispatch(op);
    }
  }

  void UpdateRefs() {
    // Like a C program blocked in a call, a call in flight keeps the process alive.
    if (poll_) waiting_.empty() ? uv_unref(AsHandle(poll_)) : uv_ref(AsHandle(poll_));
    if (mailbox_->async) pending_ == 0 ? uv_unref(AsHandle(mailbox_->async)) : uv_ref(AsHandle(mailbox_->async));
  }

  // Serves one ready descriptor: the first waiting call in each ready direction.
  // `polled`: the value of jsRuns_ when the poller reported the event.
  void Service(int fd, bool read, bool write, uint64_t polled) {
    {
      auto it = fds_.find(fd);
      if (it == fds_.end()) return;
      it->second.armed &= ~Poller::Disarmed(read, write);
    }
    for (int dir = 0; dir < 2; dir++) {
      if (!(dir == 0 ? read : write)) continue;
      auto it = fds_.find(fd);
      if (it == fds_.end()) return;
      std::deque<Op*>& q = dir == 0 ? it->second.readers : it->second.writers;
      if (q.empty() || it->second.running[dir] > 0) continue;
      Op* op = q.front();
      // Once JS has run (another completion's callback), it may have read the
      // data the event announced: ask the kernel again.
      Plan plan = Decide(*op, polled == jsRuns_);
      if (plan == Plan::WaitRead || plan == Plan::WaitWrite) continue;  // spurious
      q.pop_front();
      waiting_.erase(op->id);
      if (plan == Plan::Pool) {
        Dispatch(op);
      } else {
        ReceiveInPlace(*op);
        Perform(*op);
        if (op->kind == OpKind::Send && op->ret > 0) it->second.sentSince = true;
        Finish(op);  // may run JS, which may change fds_
      }
    }
    auto it = fds_.find(fd);
    if (it != fds_.end() && !it->second.closedInFlight) Arm(fd);
  }

  // Copies results into JS memory and calls the callback from the event loop.
  // One handle scope per completion: what it makes is garbage as soon as the
  // callback returns, so it dies young instead of surviving a batch.
  void Finish(Op* op) {
    jsRuns_++;
    Napi::HandleScope scope{Napi::Env(env_)};
    if (op->kind == OpKind::Recv && op->ret > 0 && op->ownedBuf) {
      Bytes b = ReferencedBytes(env_, op->view);
      size_t n = std::min({static_cast<size_t>(op->ret), op->len, b.length});
      if (n) memcpy(b.data, op->ownedBuf.get(), n);
    }
    bool addrOut = op->kind == OpKind::Accept || (op->kind == OpKind::Recv && op->takesAddress);
    if (addrOut && op->ret >= 0 && op->addrPresent && op->lenPresent && op->ownedAddr) {
      Bytes b = ReferencedBytes(env_, op->addrView);
      size_t n = std::min({static_cast<size_t>(op->addrLenIn), static_cast<size_t>(op->addrLenOut),
                           b.length});
      if (n) memcpy(b.data, op->ownedAddr.get(), n);
    }
    if (op->vec) FinishVectored(env_, *op);
    napi_value cb, global, argv[3];
    napi_get_reference_value(env_, op->callback, &cb);
    napi_get_global(env_, &global);
    napi_create_double(env_, static_cast<double>(op->ret), &argv[0]);
    napi_create_int32(env_, op->err, &argv[1]);
    napi_create_uint32(env_, op->addrLenOut, &argv[2]);
    if (op->job) {  // a job's result takes the out-length's place
      try {
        argv[2] = op->job->Result(Napi::Env(env_));
      } catch (const Napi::Error&) {
        napi_get_null(env_, &argv[2]);  // no exception may leave a libuv callback
      }
    }
    for (napi_ref r : {op->callback, op->view, op->addrView}) {
      if (r) napi_delete_reference(env_, r);
    }
    delete op;
    // napi_make_callback drains the microtask queue after each call, so each
    // awaiting caller resumes (and reads errno) before the next completes.
    napi_value result;
    napi_status s = napi_make_callback(env_, nullptr, global, cb, 3, argv, &result);
    if (s == napi_pending_exception) {
      napi_value ex;
      napi_get_and_clear_last_exception(env_, &ex);
      napi_fatal_exception(env_, ex);
    }
  }

  // At most kBatch descriptors per wake-up: the poller's descriptor stays
  // readable while more are ready, so libuv calls again on its next turn,
  // after timers and other I/O had theirs.
  static constexpr int kBatch = 64;

  static void OnReady(uv_poll_t* h, int status, int events) {
    auto* self = static_cast<Reactor*>(uv_handle_get_data(AsHandle(h)));
    Ready ready[kBatch];
    int n = self->poller_.Poll(ready, kBatch);
    uint64_t polled = self->jsRuns_;
    for (int i = 0; i < n; i++) self->Service(ready[i].fd, ready[i].read, ready[i].write, polled);
    self->UpdateRefs();
  }

  static void OnMail(uv_async_t* h) {
    auto* self = static_cast<Reactor*>(uv_handle_get_data(AsHandle(h)));
    std::vector<Op*> done;
    {
      std::lock_guard<std::mutex> g(self->mailbox_->m);
      done.swap(self->mailbox_->done);
    }
    for (Op* op : done) {
      self->pending_--;
      if (op->pooled) {
        self->running_.erase(op->id);
        if (op->cancelErr != 0 && op->ret == -1 && op->err == EINTR) op->err = op->cancelErr;
      }
      // The caller's close, deferred until no thread used the number, is made
      // before the callback: the awaiting code finds the number free.
      int fd = op->fd;
      auto it = op->pooled ? self->fds_.find(fd) : self->fds_.end();
      bool more = false;
      if (it != self->fds_.end()) {
        FdEntry& e = it->second;
        e.running[IsReader(*op) ? 0 : 1]--;
        if (e.Running() == 0 && e.closedInFlight) {
          close(fd);
          self->closedInFlight_--;
          self->fds_.erase(it);
        } else {
          more = !e.readers.empty() || !e.writers.empty();
          // Nothing left on it: forget it, so the table holds only live calls.
          if (!more && e.Running() == 0 && e.armed == 0) self->fds_.erase(it);
        }
      }
      self->Finish(op);
      // Calls queued behind the one that finished: ask the poller again.
      if (more && self->fds_.count(fd) && !self->fds_[fd].closedInFlight) self->Arm(fd);
    }
    self->UpdateRefs();
  }

  // Environment teardown (process exit or a worker ending): drop everything
  // without calling into JS; calls still inside a syscall finish on their
  // thread and are discarded by the closed mailbox.
  static void OnCleanup(napi_async_cleanup_hook_handle handle, void* arg) {
    auto* self = static_cast<Reactor*>(arg);
    std::vector<Op*> done;
    {
      std::lock_guard<std::mutex> g(self->mailbox_->m);
      self->mailbox_->open = false;
      done.swap(self->mailbox_->done);
    }
    for (Op* op : done) delete op;
    for (auto& w : self->waiting_) delete w.second;
    self->waiting_.clear();
    self->running_.clear();  // owned by their pool threads now
    self->interrupting_.clear();
    self->fds_.clear();
    self->closedInFlight_ = 0;
    self->handlesClosing_ = 3;
    uv_timer_stop(self->retry_);
    uv_close(AsHandle(self->retry_), &Reactor::OnHandleClosed);
    uv_poll_stop(self->poll_);
    uv_close(AsHandle(self->poll_), &Reactor::OnHandleClosed);
    uv_close(AsHandle(self->mailbox_->async), &Reactor::OnHandleClosed);
  }

  static void OnHandleClosed(uv_handle_t* h) {
    auto* self = static_cast<Reactor*>(uv_handle_get_data(h));
    free(h);
    if (--self->handlesClosing_ == 0) {
      close(self->poller_.fd);
      napi_remove_async_cleanup_hook(self->cleanup_);
      delete self;
    }
  }

  napi_env env_;
  uv_loop_t* loop_ = nullptr;
  uv_poll_t* poll_ = nullptr;
  Poller poller_;
  std::shared_ptr<Mailbox> mailbox_;
  std::unordered_map<int, FdEntry> fds_;
  std::unordered_map<uint32_t, Op*> waiting_;
  std::unordered_map<uint32_t, Op*> running_;  // on pool threads, by id
  std::vector<uint32_t> interrupting_;  // ids of running_ ops still being interrupted
  uv_timer_t* retry_ = nullptr;  // re-sends the interrupt while interrupting_ is not empty
  size_t pending_ = 0;  // ops on pool threads or posted for delivery
  size_t closedInFlight_ = 0;  // entries of fds_ with closedInFlight set
  uint64_t jsRuns_ = 0;  // completions delivered to JS so far
  uint32_t nextId_ = 0;
  int handlesClosing_ = 0;  // libuv handles still closing at teardown; the last one frees this
  napi_async_cleanup_hook_handle cleanup_ = nullptr;
};

// ---------------------------------------------------------------------------
// Entry points

namespace {

Reactor* GetReactor(Napi::Env env, bool create) {
  AddonState& s = State(env);
  if (s.reactor == nullptr && create) {
    auto* r = new Reactor(env);
    if (!r->Init()) {
      delete r;
      throw Napi::Error::New(env, "posix-sockets: cannot create the poller for async calls");
    }
    s.reactor = r;
  }
  return s.reactor;
}

// Gives the op memory of its own, and holds the JS objects it will write to.
void OwnMemory(Napi::Env env, Op& op, const Napi::CallbackInfo& info, size_t viewIndex,
               size_t addrIndex) {
  if (op.vec) {
    OwnVectored(env, op, info);
    return;
  }
  if (op.kind == OpKind::Send) {
    op.ownedBuf.reset(new uint8_t[std::max<size_t>(op.len, 1)]);
    if (op.len) memcpy(op.ownedBuf.get(), op.buf, op.len);
    op.buf = op.ownedBuf.get();
  } else if (op.kind == OpKind::Recv) {
    op.buf = nullptr;  // the caller's buffer or a landing area, once the call runs
    napi_create_reference(env, info[viewIndex], 1, &op.view);
  }
  if (op.addrPresent) {
    bool input = op.kind == OpKind::Connect || op.kind == OpKind::Send;
    size_t n = std::max<size_t>(op.addrLenIn, 1);
    op.ownedAddr.reset(new uint8_t[n]());
    if (input) {
      memcpy(op.ownedAddr.get(), op.addr, op.addrLenIn);
    } else {
      napi_create_reference(env, info[addrIndex], 1, &op.addrView);
    }
    op.addr = op.ownedAddr.get();
  }
}

}  // namespace

double Start(Napi::Env env, std::unique_ptr<Op> op, const Napi::CallbackInfo& info,
             size_t viewIndex, size_t addrIndex, size_t callbackIndex) {
  Reactor* r = GetReactor(env, false);
  Plan plan;
  Facts f = ReadFacts(op->fd);  // read once: every decision below uses them
  Reactor::FdEntry* e = r != nullptr ? r->Find(op->fd) : nullptr;
  if (RefuseRuntimeFd(env, op->fd, f)) {  // the Node runtime's own (runtime_fds.h)
    op->ret = -1;
    op->err = EBADF;
    plan = Plan::Now;
  } else if (e != nullptr && e->closedInFlight) {
    op->ret = -1;
    op->err = EBADF;
    plan = Plan::Now;
  } else if (e != nullptr && e->Busy(IsReader(*op)) && !NeverWaits(*op, f)) {
    plan = IsReader(*op) ? Plan::WaitRead : Plan::WaitWrite;  // behind the earlier call
  } else {
    // A reply not there yet goes straight to the poller (dispatch.h).
    bool unpolled = e != nullptr && op->kind == OpKind::Recv && e->TakeReplyHint() && WaitsUnpolled(*op, f);
    plan = unpolled ? Plan::WaitRead : Decide(*op, f);
    if (plan == Plan::Now) {
      Perform(*op);  // on the caller's own memory
      if (op->vec) WriteBackInPlace(*op);
      if (e != nullptr) {
        e->NoteMadeAtOnce(*op);
      } else if (r != nullptr && op->kind == OpKind::Send && op->ret > 0 && !op->vec && !op->plainIo &&
                 f.made && f.type == SOCK_STREAM) {
        r->NoteFirstSend(op->fd);
      }
    }
  }
  // The result goes back as the call's return value: no call into JS.
  if (plan == Plan::Now) return MadeAtOnce(env, static_cast<double>(op->ret), op->err, op->addrLenOut);
  r = GetReactor(env, true);
  OwnMemory(env, *op, info, viewIndex, addrIndex);
  napi_create_reference(env, info[callbackIndex], 1, &op->callback);
  Op* raw = op.release();
  r->Enqueue(raw, plan);
  State(env).lastCall[kOpIdSlot] = static_cast<int32_t>(raw->id);
  return kPending;
}

double StartJob(Napi::Env env, std::unique_ptr<Job> job, Napi::Function callback) {
  auto op = std::make_unique<Op>();
  op->kind = OpKind::Job;
  op->job = std::move(job);
  Reactor* r = GetReactor(env, true);
  napi_create_reference(env, callback, 1, &op->callback);
  Op* raw = op.release();
  r->SubmitJob(raw);
  State(env).lastCall[kOpIdSlot] = static_cast<int32_t>(raw->id);
  return kPending;
}

int CloseFd(Napi::Env env, int fd) {
  ForgetFacts(fd);
  Reactor* r = GetReactor(env, false);
  return r == nullptr ? close(fd) : r->Close(fd);
}


bool IsClosedInFlight(Napi::Env env, int fd) {
  Reactor* r = GetReactor(env, false);
  return r != nullptr && r->IsClosedInFlight(fd);
}

bool Cancel(Napi::Env env, uint32_t id, int err) {
  Reactor* r = GetReactor(env, false);
  return r != nullptr && r->Cancel(id, err);
}

Napi::Value ReactorStats(const Napi::CallbackInfo& info) {
  Reactor* r = GetReactor(info.Env(), false);
  if (r != nullptr) return r->Stats(info.Env());
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("waiting", 0.0);
  o.Set("pending", 0.0);
  o.Set("poolThreads", static_cast<double>(Pool::Get().Threads()));
  o.Set("descriptors", 0.0);
  return o;
}

}  // namespace posix_sockets
