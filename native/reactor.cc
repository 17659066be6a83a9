// Readiness-gated dispatch. A blocking call that cannot block right now (its
// socket is readable or writable enough, or non-blocking) is made at once on
// the JS thread. Otherwise it waits, without occupying any thread, in this
// environment's poller (epoll or kqueue), which the event loop watches through
// one uv_poll handle; when the socket becomes ready the call is made then.
// Calls that may still block after readiness (connect, MSG_WAITALL short of
// data, a send larger than the free buffer) run on a thread of the library's
// own elastic pool, never on the libuv threadpool, so fs, dns and crypto
// never starve. In every case the syscall made is exactly the caller's: the
// descriptor's flags are not touched (uv_poll would set O_NONBLOCK, so only
// the poller's own descriptor is given to libuv).
#include "reactor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>

#include "uv_api.h"

#ifdef __linux__
#include <linux/sock_diag.h>
#include <sys/epoll.h>
#else
#include <sys/event.h>
#endif

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <unordered_map>

namespace posix_sockets {

// ---------------------------------------------------------------------------
// The syscall itself

ssize_t DoAccept(int fd, sockaddr* addr, socklen_t* len, int flags, bool four) {
#ifdef __linux__
  if (four) return accept4(fd, addr, len, flags);
#else
  (void)flags;
  (void)four;
#endif
  return accept(fd, addr, len);
}

void Perform(Op& op) {
  sockaddr* a = op.addrPresent ? reinterpret_cast<sockaddr*>(op.abuf) : nullptr;
  switch (op.kind) {
    case OpKind::Accept:
      op.addrLenOut = op.addrLenIn;
      op.ret = DoAccept(op.fd, a, op.lenPresent ? &op.addrLenOut : nullptr, op.flags, op.four);
      break;
    case OpKind::Connect:
      op.ret = connect(op.fd, a, op.addrLenIn);
      break;
    case OpKind::Send:
      op.ret = op.to ? sendto(op.fd, op.buf, op.len, op.flags, a, op.addrLenIn)
                     : send(op.fd, op.buf, op.len, op.flags);
      break;
    case OpKind::Recv:
      if (op.to) {
        op.addrLenOut = op.addrLenIn;
        op.ret = recvfrom(op.fd, op.buf, op.len, op.flags, a,
                          op.lenPresent ? &op.addrLenOut : nullptr);
      } else {
        op.ret = recv(op.fd, op.buf, op.len, op.flags);
      }
      break;
    case OpKind::Job:
      op.ret = op.job->Run();
      break;
  }
  op.err = op.ret == -1 ? errno : 0;
  // A new descriptor, or a connect that changes what a send waits for.
  if (op.kind == OpKind::Accept && op.ret >= 0) ForgetFacts(static_cast<int>(op.ret));
  if (op.kind == OpKind::Connect) ForgetFacts(op.fd);
}

// ---------------------------------------------------------------------------
// Deciding where a call runs

namespace {

enum class Plan { Now, WaitRead, WaitWrite, Pool };

// accept and recv wait for readability; send and connect for writability.
bool IsReader(const Op& op) { return op.kind == OpKind::Accept || op.kind == OpKind::Recv; }

// What the checks below learned about a descriptor, so that they are not
// asked again on every call. Only answers whose staleness cannot block the JS
// thread are kept (a descriptor seen blocking, without timeouts; a stream
// socket seen established), and every call of this library that can change
// one forgets them: fcntl(F_SETFL), setsockopt of the timeouts, connect,
// close, and a new descriptor from socket() or accept() with the same number.
// Process-wide, as descriptors are.
struct Facts {
  bool blocking = false;     // F_GETFL showed no O_NONBLOCK
  bool noRcvTimeout = false;
  bool noSndTimeout = false;
  bool established = false;  // a stream socket that was writable: the free-space check suffices
};

class FactsTable {
 public:
  static FactsTable& Get() {
    static FactsTable* t = new FactsTable();  // never destroyed: pool threads may outlive statics
    return *t;
  }
  Facts Read(int fd) {
    std::lock_guard<std::mutex> g(m_);
    auto it = map_.find(fd);
    return it == map_.end() ? Facts{} : it->second;
  }
  template <typename F>
  void Update(int fd, F f) {
    std::lock_guard<std::mutex> g(m_);
    f(map_[fd]);
  }
  void Forget(int fd) {
    std::lock_guard<std::mutex> g(m_);
    map_.erase(fd);
  }

 private:
  std::mutex m_;
  std::unordered_map<int, Facts> map_;
};

bool NonBlocking(int fd) {
  if (FactsTable::Get().Read(fd).blocking) return false;
  int fl = fcntl(fd, F_GETFL);
  if (fl == -1) return true;  // a bad descriptor fails at once, too
  if (fl & O_NONBLOCK) return true;
  FactsTable::Get().Update(fd, [](Facts& f) { f.blocking = true; });
  return false;
}

bool HasTimeout(int fd, int option) {
  Facts known = FactsTable::Get().Read(fd);
  if (option == SO_RCVTIMEO ? known.noRcvTimeout : known.noSndTimeout) return false;
  timeval tv{};
  socklen_t l = sizeof(tv);
  if (getsockopt(fd, SOL_SOCKET, option, &tv, &l) != 0) return false;
  bool has = tv.tv_sec != 0 || tv.tv_usec != 0;
  if (!has) {
    FactsTable::Get().Update(fd, [option](Facts& f) {
      (option == SO_RCVTIMEO ? f.noRcvTimeout : f.noSndTimeout) = true;
    });
  }
  return has;
}

// A stream socket (TCP, or unix SOCK_STREAM) past its handshake: a send waits
// only for buffer space, which SendFits measures. (A unix datagram send also
// waits for room in the peer's queue, which only poll(2) reports.)
void NoteWritable(int fd) {
  int type = 0;
  socklen_t l = sizeof(type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) == 0 && type == SOCK_STREAM) {
    FactsTable::Get().Update(fd, [](Facts& f) { f.established = true; });
  }
}

// Whether a blocking send of op.len bytes completes without waiting for
// buffer space. Conservative: twice the data plus a page for per-buffer overhead.
bool SendFits(const Op& op) {
#if defined(SO_MEMINFO)
  uint32_t mem[SK_MEMINFO_VARS];
  socklen_t l = sizeof(mem);
  if (getsockopt(op.fd, SOL_SOCKET, SO_MEMINFO, mem, &l) != 0) {
    return errno == ENOTSOCK || errno == EBADF;  // the send itself fails at once
  }
  uint64_t used = std::max(mem[SK_MEMINFO_WMEM_ALLOC], mem[SK_MEMINFO_WMEM_QUEUED]);
  return used + 2 * static_cast<uint64_t>(op.len) + 4096 <= mem[SK_MEMINFO_SNDBUF];
#elif defined(SO_NWRITE)
  int nwrite = 0, sndbuf = 0;
  socklen_t l = sizeof(int);
  if (getsockopt(op.fd, SOL_SOCKET, SO_NWRITE, &nwrite, &l) != 0) {
    return errno == ENOTSOCK || errno == EBADF;
  }
  l = sizeof(int);
  if (getsockopt(op.fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &l) != 0) return false;
  return static_cast<uint64_t>(nwrite) + 2 * static_cast<uint64_t>(op.len) + 4096 <=
         static_cast<uint64_t>(sndbuf);
#else
  (void)op;
  return false;
#endif
}

// MSG_DONTWAIT or a non-blocking descriptor: C's call returns at once, so it
// is made at once, even while an earlier blocking call in the same direction waits.
bool NeverWaits(const Op& op) {
  return (op.kind != OpKind::Accept && (op.flags & MSG_DONTWAIT)) || NonBlocking(op.fd);
}

// `ready`: the poller just reported the socket ready in the op's direction and
// no JS has run since, so the poll(2) that Decide starts with is skipped.
Plan Decide(const Op& op, bool ready = false);

Plan Decide(const Op& op, bool ready) {
  if (op.kind == OpKind::Connect) return NonBlocking(op.fd) ? Plan::Now : Plan::Pool;
  bool reading = op.kind == OpKind::Accept || op.kind == OpKind::Recv;
  if (op.kind != OpKind::Accept) {
    if (op.flags & MSG_DONTWAIT) return Plan::Now;
    // Out-of-band and error-queue reads never wait for ordinary data.
    int special = MSG_OOB;
#ifdef MSG_ERRQUEUE
    special |= MSG_ERRQUEUE;
#endif
    if (reading && (op.flags & special)) {
      pollfd p{op.fd, 0, 0};
      poll(&p, 1, 0);
      return p.revents & POLLNVAL ? Plan::Now : Plan::Pool;  // a bad descriptor fails at once
    }
  }
  bool waitall = op.kind == OpKind::Recv && (op.flags & MSG_WAITALL);
  if (ready && !waitall) {
    if (reading) return Plan::Now;
    return SendFits(op) || NonBlocking(op.fd) ? Plan::Now : Plan::Pool;
  }
#if defined(SO_MEMINFO) || defined(SO_NWRITE)
  // An established stream socket with room for the data: no poll needed.
  if (!reading && FactsTable::Get().Read(op.fd).established && SendFits(op)) return Plan::Now;
#endif
  pollfd p{op.fd, static_cast<short>(reading ? POLLIN : POLLOUT), 0};
#ifdef POLLRDHUP
  if (reading) p.events |= POLLRDHUP;
#endif
  int n = poll(&p, 1, 0);
  if (n == -1) return Plan::Pool;
  if (n == 1) {
    if (p.revents & (POLLNVAL | POLLERR | POLLHUP)) return Plan::Now;  // returns at once
    if (!reading) {
      if (!SendFits(op)) return NonBlocking(op.fd) ? Plan::Now : Plan::Pool;
      NoteWritable(op.fd);
      return Plan::Now;
    }
    if (waitall) {
#ifdef POLLRDHUP
      if (p.revents & POLLRDHUP) return Plan::Now;  // the peer closed: recv returns what is there
#endif
      int avail = 0;
      if (ioctl(op.fd, FIONREAD, &avail) == 0 && static_cast<size_t>(avail) >= op.len) {
        return Plan::Now;
      }
      return NonBlocking(op.fd) ? Plan::Now : Plan::Pool;
    }
    return Plan::Now;
  }
  if (NonBlocking(op.fd)) return Plan::Now;  // C's -1/EAGAIN, right away
  // With SO_RCVTIMEO / SO_SNDTIMEO set, the kernel's own timer must run: the
  // call waits inside the syscall, on a pool thread.
  if (HasTimeout(op.fd, reading ? SO_RCVTIMEO : SO_SNDTIMEO)) return Plan::Pool;
  return reading ? Plan::WaitRead : Plan::WaitWrite;
}

// ---------------------------------------------------------------------------
// Completions posted from pool threads to the JS thread

struct Mailbox {
  std::mutex m;
  std::vector<Op*> done;
  uv_async_t* async = nullptr;
  bool open = true;  // false once the environment is torn down

  void Post(Op* op) {
    std::lock_guard<std::mutex> g(m);
    if (!open) {
      delete op;  // its environment is gone: nothing to call, no napi_ref to free
      return;
    }
    done.push_back(op);
    uv_async_send(async);
  }
};

// ---------------------------------------------------------------------------
// The library's own elastic thread pool: a thread for every call that is
// running, so a call that blocks for long holds only itself up. Idle threads
// linger a while and then exit.

class Pool {
 public:
  static Pool& Get() {
    static Pool* pool = new Pool();  // never destroyed: threads may outlive static destructors
    return *pool;
  }

  void Submit(Op* op, std::shared_ptr<Mailbox> mailbox) {
    std::unique_lock<std::mutex> g(m_);
    queue_.push_back({op, std::move(mailbox)});
    // Every queued task must have a waiting thread, or it could wait behind a
    // call that blocks for a long time.
    if (queue_.size() > idle_) Spawn();
    cv_.notify_one();
  }

  uint32_t Threads() const { return threads_.load(); }

 private:
  struct Task {
    Op* op;
    std::shared_ptr<Mailbox> mailbox;
  };

  void Spawn() {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);  // a syscall and a few frames
    pthread_t t;
    if (pthread_create(&t, &attr, &Pool::Main, this) == 0) threads_++;
    // If no thread can be made the task waits for a running one to finish.
    pthread_attr_destroy(&attr);
  }

  static void* Main(void* self) {
    static_cast<Pool*>(self)->Work();
    return nullptr;
  }

  void Work() {
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
      Perform(*task.op);
      task.mailbox->Post(task.op);
      task.mailbox.reset();
      g.lock();
    }
  }

  static constexpr uint32_t kKeep = 4;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<Task> queue_;
  size_t idle_ = 0;
  std::atomic<uint32_t> threads_{0};
};

// ---------------------------------------------------------------------------
// The poller: one-shot readiness watches on the caller's descriptors

struct Ready {
  int fd;
  bool read, write;
};

class Poller {
 public:
  bool Open() {
#ifdef __linux__
    fd = epoll_create1(EPOLL_CLOEXEC);
#else
    fd = kqueue();
    if (fd != -1) fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
    return fd != -1;
  }

  bool Arm(int target, bool read, bool write) {
    if (!read && !write) return true;
#ifdef __linux__
    epoll_event ev{};
    ev.events = EPOLLONESHOT | (read ? EPOLLIN | EPOLLRDHUP : 0u) | (write ? EPOLLOUT : 0u);
    ev.data.fd = target;
    if (epoll_ctl(fd, EPOLL_CTL_MOD, target, &ev) == 0) return true;
    if (errno != ENOENT) return false;
    if (epoll_ctl(fd, EPOLL_CTL_ADD, target, &ev) == 0) return true;
    return errno == EEXIST && epoll_ctl(fd, EPOLL_CTL_MOD, target, &ev) == 0;
#else
    struct kevent ch[2];
    int n = 0;
    if (read) EV_SET(&ch[n++], target, EVFILT_READ, EV_ADD | EV_ONESHOT, 0, 0, nullptr);
    if (write) EV_SET(&ch[n++], target, EVFILT_WRITE, EV_ADD | EV_ONESHOT, 0, 0, nullptr);
    return kevent(fd, ch, n, nullptr, 0, nullptr) == 0;
#endif
  }

  void Forget(int target) {
#ifdef __linux__
    epoll_ctl(fd, EPOLL_CTL_DEL, target, nullptr);
#else
    struct kevent ch;
    EV_SET(&ch, target, EVFILT_READ, EV_DELETE, 0, 0, nullptr);
    kevent(fd, &ch, 1, nullptr, 0, nullptr);
    EV_SET(&ch, target, EVFILT_WRITE, EV_DELETE, 0, 0, nullptr);
    kevent(fd, &ch, 1, nullptr, 0, nullptr);
#endif
  }

  int Poll(Ready* out, int max) {
#ifdef __linux__
    epoll_event evs[64];
    int n = epoll_wait(fd, evs, std::min(max, 64), 0);
    for (int i = 0; i < n; i++) {
      uint32_t e = evs[i].events;
      out[i] = {evs[i].data.fd, (e & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0,
                (e & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0};
    }
    return std::max(n, 0);
#else
    struct kevent evs[64];
    timespec zero{0, 0};
    int n = kevent(fd, nullptr, 0, evs, std::min(max, 64), &zero);
    for (int i = 0; i < n; i++) {
      bool err = (evs[i].flags & EV_ERROR) != 0;
      out[i] = {static_cast<int>(evs[i].ident), err || evs[i].filter == EVFILT_READ,
                err || evs[i].filter == EVFILT_WRITE};
    }
    return std::max(n, 0);
#endif
  }

  int fd = -1;
};

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

}  // namespace

// ---------------------------------------------------------------------------
// The per-environment reactor

template <typename T>
uv_handle_t* H(T* handle) {
  return reinterpret_cast<uv_handle_t*>(handle);
}

class Reactor {
 public:
  explicit Reactor(napi_env env) : env_(env), mailbox_(std::make_shared<Mailbox>()) {}

  bool Init() {
    if (napi_get_uv_event_loop(env_, &loop_) != napi_ok || !poller_.Open()) return false;
    poll_ = static_cast<uv_poll_t*>(malloc(uv_handle_size(UV_POLL)));
    if (uv_poll_init(loop_, poll_, poller_.fd) != 0) {
      free(poll_);
      poll_ = nullptr;
      close(poller_.fd);
      return false;
    }
    uv_handle_set_data(H(poll_), this);
    uv_poll_start(poll_, UV_READABLE, &Reactor::OnReady);
    auto* async = static_cast<uv_async_t*>(malloc(uv_handle_size(UV_ASYNC)));
    uv_async_init(loop_, async, &Reactor::OnMail);
    uv_handle_set_data(H(async), this);
    mailbox_->async = async;
    UpdateRefs();
    napi_add_async_cleanup_hook(env_, &Reactor::OnCleanup, this, &cleanup_);
    return true;
  }

  bool IsClosing(int fd) const {
    auto it = fds_.find(fd);
    return it != fds_.end() && it->second.closing;
  }

  bool IsBusy(int fd, bool reading) const {
    auto it = fds_.find(fd);
    return it != fds_.end() && it->second.Busy(reading);
  }

  // Takes a call that could not run at once.
  void Enqueue(Op* op, Plan plan) {
    op->id = NextId();
    if (plan == Plan::Pool) {
      Dispatch(op);
    } else {
      FdEntry& e = fds_[op->fd];
      (plan == Plan::WaitRead ? e.readers : e.writers).push_back(op);
      waiting_[op->id] = op;
      Arm(op->fd);
    }
    UpdateRefs();
  }

  bool Cancel(uint32_t id, int err) {
    auto w = waiting_.find(id);
    if (w == waiting_.end()) return false;
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
    if (e.closing) {  // already closed, as far as the caller can tell
      errno = EBADF;
      return -1;
    }
    poller_.Forget(fd);
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
      e.closing = true;
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
  struct FdEntry {
    std::deque<Op*> readers, writers;  // waiting for readiness, in call order
    int running[2] = {0, 0};           // calls on pool threads, per direction
    unsigned armed = 0;                // directions the poller watches (1 read, 2 write)
    bool closing = false;              // closed by the caller while calls run

    int Running() const { return running[0] + running[1]; }
    // Calls in one direction run in call order: a new one waits while an
    // earlier one waits or runs, so `send(a); send(b)` never reorders bytes.
    bool Busy(bool reading) const {
      return !(reading ? readers : writers).empty() || running[reading ? 0 : 1] > 0;
    }
  };

  uint32_t NextId() {
    if (++nextId_ == 0) nextId_ = 1;
    return nextId_;
  }

  // A recv made on the JS thread writes straight into the caller's buffer
  // (still attached and large enough), with no copy.
  void ReceiveInPlace(Op& op) {
    if (op.kind != OpKind::Recv || op.view == nullptr) return;
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
    if (op->kind == OpKind::Recv) OwnLandingArea(*op);
    if (op->kind != OpKind::Job) {  // a job is on no descriptor's queue
      fds_[op->fd].running[IsReader(*op) ? 0 : 1]++;
      op->pooled = true;
    }
    pending_++;
    Pool::Get().Submit(op, mailbox_);
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
    unsigned want = (read ? 1u : 0u) | (write ? 2u : 0u);
    // Already watched as wanted (or nothing to watch; a watch left armed only
    // brings a spurious wake-up): no syscall.
    if (want == 0 || want == e.armed) return;
    if (poller_.Arm(fd, read, write)) {
      e.armed = want;
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
    if (poll_) waiting_.empty() ? uv_unref(H(poll_)) : uv_ref(H(poll_));
    if (mailbox_->async) pending_ == 0 ? uv_unref(H(mailbox_->async)) : uv_ref(H(mailbox_->async));
  }

  // Serves one ready descriptor: the first waiting call in each ready direction.
  // `polled`: the value of jsRuns_ when the poller reported the event.
  void Service(int fd, bool read, bool write, uint64_t polled) {
    {
      auto it = fds_.find(fd);
      if (it == fds_.end()) return;
#ifdef __linux__
      it->second.armed = 0;  // EPOLLONESHOT disarmed the whole watch
#else
      it->second.armed &= ~((read ? 1u : 0u) | (write ? 2u : 0u));  // per-filter EV_ONESHOT
#endif
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
        Finish(op);  // may run JS, which may change fds_
      }
    }
    auto it = fds_.find(fd);
    if (it != fds_.end() && !it->second.closing) Arm(fd);
  }

  // Copies results into JS memory and calls the callback from the event loop.
  void Finish(Op* op) {
    jsRuns_++;
    if (op->job) op->job->WriteBack(env_, static_cast<long>(op->ret), op->err);
    if (op->kind == OpKind::Recv && op->ret > 0 && op->ownedBuf) {
      Bytes b = ReferencedBytes(env_, op->view);
      size_t n = std::min({static_cast<size_t>(op->ret), op->len, b.length});
      if (n) memcpy(b.data, op->ownedBuf.get(), n);
    }
    bool addrOut = op->kind == OpKind::Accept || (op->kind == OpKind::Recv && op->to);
    if (addrOut && op->ret >= 0 && op->addrPresent && op->lenPresent && op->ownedAddr) {
      Bytes b = ReferencedBytes(env_, op->addrView);
      size_t n = std::min({static_cast<size_t>(op->addrLenIn), static_cast<size_t>(op->addrLenOut),
                           b.length});
      if (n) memcpy(b.data, op->ownedAddr.get(), n);
    }
    napi_value cb, global, argv[3];
    napi_get_reference_value(env_, op->callback, &cb);
    napi_get_global(env_, &global);
    napi_create_double(env_, static_cast<double>(op->ret), &argv[0]);
    napi_create_int32(env_, op->err, &argv[1]);
    napi_create_uint32(env_, op->addrLenOut, &argv[2]);
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

  static void OnReady(uv_poll_t* h, int status, int events) {
    auto* self = static_cast<Reactor*>(uv_handle_get_data(H(h)));
    Napi::HandleScope scope(Napi::Env(self->env_));
    Ready ready[64];
    int n;
    do {
      n = self->poller_.Poll(ready, 64);
      uint64_t polled = self->jsRuns_;
      for (int i = 0; i < n; i++) self->Service(ready[i].fd, ready[i].read, ready[i].write, polled);
    } while (n == 64);
    self->UpdateRefs();
  }

  static void OnMail(uv_async_t* h) {
    auto* self = static_cast<Reactor*>(uv_handle_get_data(H(h)));
    std::vector<Op*> done;
    {
      std::lock_guard<std::mutex> g(self->mailbox_->m);
      done.swap(self->mailbox_->done);
    }
    Napi::HandleScope scope(Napi::Env(self->env_));
    for (Op* op : done) {
      self->pending_--;
      // The caller's close, deferred until no thread used the number, is made
      // before the callback: the awaiting code finds the number free.
      int fd = op->fd;
      auto it = op->pooled ? self->fds_.find(fd) : self->fds_.end();
      bool more = false;
      if (it != self->fds_.end()) {
        FdEntry& e = it->second;
        e.running[IsReader(*op) ? 0 : 1]--;
        if (e.Running() == 0 && e.closing) {
          close(fd);
          self->fds_.erase(it);
        } else {
          more = !e.readers.empty() || !e.writers.empty();
          // Nothing left on it: forget it, so the table holds only live calls.
          if (!more && e.Running() == 0 && e.armed == 0) self->fds_.erase(it);
        }
      }
      self->Finish(op);
      // Calls queued behind the one that finished: ask the poller again.
      if (more && self->fds_.count(fd) && !self->fds_[fd].closing) self->Arm(fd);
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
    self->fds_.clear();
    self->closing_ = 2;
    uv_poll_stop(self->poll_);
    uv_close(H(self->poll_), &Reactor::OnHandleClosed);
    uv_close(H(self->mailbox_->async), &Reactor::OnHandleClosed);
  }

  static void OnHandleClosed(uv_handle_t* h) {
    auto* self = static_cast<Reactor*>(uv_handle_get_data(h));
    free(h);
    if (--self->closing_ == 0) {
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
  size_t pending_ = 0;  // ops on pool threads or posted for delivery
  uint64_t jsRuns_ = 0;  // completions delivered to JS so far
  uint32_t nextId_ = 0;
  int closing_ = 0;
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
void Own(Napi::Env env, Op& op, const Napi::CallbackInfo& info, size_t viewIndex,
         size_t addrIndex) {
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
      memcpy(op.ownedAddr.get(), op.abuf, op.addrLenIn);
    } else {
      napi_create_reference(env, info[addrIndex], 1, &op.addrView);
    }
    op.abuf = op.ownedAddr.get();
  }
}

}  // namespace

uint32_t Start(Napi::Env env, std::unique_ptr<Op> op, const Napi::CallbackInfo& info,
               size_t viewIndex, size_t addrIndex, size_t callbackIndex) {
  Napi::Function cb = info[callbackIndex].As<Napi::Function>();
  Reactor* r = GetReactor(env, false);
  Plan plan;
  if (r != nullptr && r->IsClosing(op->fd)) {
    op->ret = -1;
    op->err = EBADF;
    plan = Plan::Now;
  } else if (r != nullptr && r->IsBusy(op->fd, IsReader(*op)) && !NeverWaits(*op)) {
    plan = IsReader(*op) ? Plan::WaitRead : Plan::WaitWrite;  // behind the earlier call
  } else {
    plan = Decide(*op);
    if (plan == Plan::Now) Perform(*op);  // on the caller's own memory
  }
  if (plan == Plan::Now) {
    cb.Call({Napi::Number::New(env, static_cast<double>(op->ret)), Napi::Number::New(env, op->err),
             Napi::Number::New(env, op->addrLenOut)});
    return 0;
  }
  r = GetReactor(env, true);
  Own(env, *op, info, viewIndex, addrIndex);
  napi_create_reference(env, cb, 1, &op->callback);
  Op* raw = op.release();
  r->Enqueue(raw, plan);
  return raw->id;
}

uint32_t StartJob(Napi::Env env, std::unique_ptr<Job> job, Napi::Function cb) {
  auto op = std::make_unique<Op>();
  op->kind = OpKind::Job;
  op->job = std::move(job);
  Reactor* r = GetReactor(env, true);
  napi_create_reference(env, cb, 1, &op->callback);
  Op* raw = op.release();
  r->Enqueue(raw, Plan::Pool);
  return raw->id;
}

int CloseFd(Napi::Env env, int fd) {
  ForgetFacts(fd);
  Reactor* r = GetReactor(env, false);
  return r == nullptr ? close(fd) : r->Close(fd);
}

void ForgetFacts(int fd) { FactsTable::Get().Forget(fd); }

bool IsClosedInFlight(Napi::Env env, int fd) {
  Reactor* r = GetReactor(env, false);
  return r != nullptr && r->IsClosing(fd);
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
