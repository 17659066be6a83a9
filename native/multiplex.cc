// I/O multiplexing: select(2), pselect(2), poll(2), ppoll(2) (Linux) and
// epoll(7) (Linux), with the headers' own constants and struct layouts, and
// the sigset_t functions (sigsetops(3)) that pselect and ppoll take a mask from.
//
// The sync twins make the call on the caller's memory, as C does. The async
// forms make the identical call on a thread of the library's pool (never the
// libuv threadpool) on copies of the caller's sets, arrays and timeout, and
// write back, on the JS thread, exactly what the kernel wrote: the sets when
// the call succeeded, every revents of a poll array, the events epoll_wait
// returned, and (Linux) the time left in a select timeout. A call that cannot
// wait (a zero timeout) is made at once on the caller's memory.
#include "addon.h"
#include "reactor/dispatch.h"
#include "reactor/facts.h"
#include "reactor/job.h"
#include "reactor/reactor.h"
#include "runtime_fds.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#endif

#include <algorithm>
#include <memory>
#include <string>

namespace posix_sockets {

namespace {

using Napi::CallbackInfo;
using Napi::Value;

// ---------------------------------------------------------------------------
// Layouts (the constants are in native/constants.txt)

void Set(Napi::Env env, Napi::Object obj, const char* name, double value) {
  obj.Set(name, Napi::Number::New(env, value));
}

#define PS_SIZE(type) Set(env, l, "sizeof_" #type, sizeof(type))
#define PS_FIELD(key, type, field)                                    \
  do {                                                                \
    Set(env, l, key "." #field, offsetof(type, field));               \
    Set(env, l, key "." #field ".size", sizeof(((type*)0)->field)); \
  } while (0)

void AddLayout(Napi::Env env, Napi::Object l) {
  PS_SIZE(fd_set);
  // The word FD_SET's bit arithmetic works in (glibc's __fd_mask, a long; macOS: __int32_t).
  fd_set probe;
#if defined(__GLIBC__) && !defined(__USE_XOPEN)
  Set(env, l, "fd_set.word", sizeof(probe.__fds_bits[0]));
#else
  Set(env, l, "fd_set.word", sizeof(probe.fds_bits[0]));
#endif
  PS_SIZE(sigset_t);
  PS_SIZE(nfds_t);
  Set(env, l, "sizeof_pollfd", sizeof(struct pollfd));
  PS_FIELD("pollfd", struct pollfd, fd);
  PS_FIELD("pollfd", struct pollfd, events);
  PS_FIELD("pollfd", struct pollfd, revents);
  Set(env, l, "sizeof_timespec", sizeof(struct timespec));
  PS_FIELD("timespec", struct timespec, tv_sec);
  PS_FIELD("timespec", struct timespec, tv_nsec);
#ifdef __linux__
  // Packed on x86-64 (12 bytes), padded elsewhere (16): as the headers say.
  Set(env, l, "sizeof_epoll_event", sizeof(struct epoll_event));
  PS_FIELD("epoll_event", struct epoll_event, events);
  PS_FIELD("epoll_event", struct epoll_event, data);
  PS_FIELD("epoll_data", epoll_data_t, fd);
  PS_FIELD("epoll_data", epoll_data_t, u32);
  PS_FIELD("epoll_data", epoll_data_t, u64);
#endif
}

#undef PS_SIZE
#undef PS_FIELD

// ---------------------------------------------------------------------------
// Arguments and results

Value Result(const CallbackInfo& info, long ret) {
  if (ret == -1) State(info.Env()).lastCall[kErrnoSlot] = errno;
  return Napi::Number::New(info.Env(), static_cast<double>(ret));
}

// Optional C memory of at least `size` bytes (a struct pointer that may be NULL).
uint8_t* GetStruct(const CallbackInfo& info, size_t index, const char* what, size_t size) {
  Bytes b = GetOptionalBytes(info, index, what);
  if (b.data != nullptr && b.length < size) {
    throw Napi::RangeError::New(info.Env(), std::string("argument '") + what + "' holds " +
                                                std::to_string(b.length) + " bytes; it must hold " +
                                                std::to_string(size));
  }
  return b.data;
}

// Memory for `count` elements of `size` bytes (an array argument; never NULL).
uint8_t* GetArray(const CallbackInfo& info, size_t index, const char* what, size_t size,
                  int64_t count) {
  Bytes b = GetBytes(info, index, what);
  if (count > 0 && b.length / size < static_cast<uint64_t>(count)) {
    throw Napi::RangeError::New(info.Env(), std::string("argument '") + what + "' holds " +
                                                std::to_string(b.length / size) +
                                                " elements, fewer than " + std::to_string(count));
  }
  return b.data;
}

int GetNfds(const CallbackInfo& info) {
  // A negative count reaches the kernel (EINVAL); one past FD_SETSIZE would
  // make it read past the sets.
  return static_cast<int>(GetInteger(info, 0, "nfds", INT32_MIN, FD_SETSIZE));
}

Napi::Function GetCallback(const CallbackInfo& info, size_t index) {
  if (!info[index].IsFunction()) {
    throw Napi::TypeError::New(info.Env(), "argument 'callback' must be a function");
  }
  return info[index].As<Napi::Function>();
}

// A call that cannot wait completes at once, as Start does for such calls:
// its result is the return value, errno in lastCall (addon.h), no callback.
Value Completed(const CallbackInfo& info, long ret) {
  return Napi::Number::New(info.Env(), MadeAtOnce(info.Env(), static_cast<double>(ret), errno, 0));
}

// The caller's memory as it is now (it may have been detached meanwhile).
Bytes Referenced(napi_env env, napi_ref ref) {
  napi_value v;
  if (ref == nullptr || napi_get_reference_value(env, ref, &v) != napi_ok || v == nullptr) return {};
  try {
    return ViewBytes(Napi::Value(env, v));
  } catch (const Napi::Error&) {
    return {};  // no exception may leave a libuv callback
  }
}

napi_ref Hold(const CallbackInfo& info, size_t index) {
  napi_ref ref = nullptr;
  napi_create_reference(info.Env(), info[index], 1, &ref);
  return ref;
}

void Release(napi_env env, napi_ref& ref) {
  if (ref != nullptr) napi_delete_reference(env, ref);
  ref = nullptr;
}

// A multiplexing call on a pool thread (reactor/job.h): the syscall on the
// job's own copies of the caller's memory; Result, on the JS thread before the
// callback, writes back what the kernel wrote. The callback gets the
// syscall's result and errno.
class SyscallJob : public Job {
 public:
  void RunOnPool() final {
    ret_ = Call();
    err_ = ret_ == -1 ? errno : 0;
  }
  long Ret() const final { return ret_; }
  int Err() const final { return err_; }
  Napi::Value Result(Napi::Env env) const final {
    // Called once, on the JS thread: the write-back also releases the references.
    const_cast<SyscallJob*>(this)->WriteBack(env, ret_, err_);
    return env.Undefined();
  }

 protected:
  virtual long Call() = 0;
  virtual void WriteBack(napi_env env, long ret, int err) = 0;

 private:
  long ret_ = -1;
  int err_ = 0;
};

Value StartPooled(const CallbackInfo& info, std::unique_ptr<Job> job, Napi::Function cb) {
  return Napi::Number::New(info.Env(), StartJob(info.Env(), std::move(job), cb));
}

// ---------------------------------------------------------------------------
// sigsetops(3): on a copy, so the caller's bytes need no alignment.

template <int (*Fn)(sigset_t*)>
Value SigsetOp(const CallbackInfo& info) {
  uint8_t* p = GetStruct(info, 0, "set", sizeof(sigset_t));
  if (p == nullptr) throw Napi::TypeError::New(info.Env(), "argument 'set' must be a sigset_t");
  sigset_t s;
  memcpy(&s, p, sizeof(s));
  int ret = Fn(&s);
  memcpy(p, &s, sizeof(s));
  return Result(info, ret);
}

template <int (*Fn)(sigset_t*, int)>
Value SigsetSignoOp(const CallbackInfo& info) {
  uint8_t* p = GetStruct(info, 0, "set", sizeof(sigset_t));
  if (p == nullptr) throw Napi::TypeError::New(info.Env(), "argument 'set' must be a sigset_t");
  int signo = GetInt(info, 1, "signum");
  sigset_t s;
  memcpy(&s, p, sizeof(s));
  int ret = Fn(&s, signo);
  memcpy(p, &s, sizeof(s));
  return Result(info, ret);
}

int Sigemptyset(sigset_t* s) { return sigemptyset(s); }
int Sigfillset(sigset_t* s) { return sigfillset(s); }
int Sigaddset(sigset_t* s, int n) { return sigaddset(s, n); }
int Sigdelset(sigset_t* s, int n) { return sigdelset(s, n); }
int Sigismember(sigset_t* s, int n) { return sigismember(s, n); }

// ---------------------------------------------------------------------------
// select(2) and pselect(2)

// A descriptor in a set that the caller closed while a pool thread still
// holds its number (reactor.cc): closed as far as the caller can tell.
bool SetHoldsClosed(Napi::Env env, int nfds, fd_set* const sets[3]) {
  for (int fd = 0; fd < nfds; fd++) {
    for (int k = 0; k < 3; k++) {
      if (sets[k] != nullptr && FD_ISSET(fd, sets[k]) && IsClosedInFlight(env, fd)) return true;
    }
  }
  return false;
}

// The bytes of a set the kernel reads and writes for `nfds` descriptors: whole words.
size_t SetBytes(int nfds) {
  constexpr size_t word = sizeof(long);
  size_t n = nfds <= 0 ? 0 : (static_cast<size_t>(nfds) + 8 * word - 1) / (8 * word) * word;
  return std::min(n, sizeof(fd_set));
}

struct SelectArgs {
  int nfds;
  fd_set* sets[3];
  uint8_t* timeout;  // timeval (select) or timespec (pselect)
  uint8_t* mask;     // pselect only
};

SelectArgs GetSelectArgs(const CallbackInfo& info, bool p) {
  SelectArgs a;
  a.nfds = GetNfds(info);
  const char* names[3] = {"readfds", "writefds", "exceptfds"};
  for (int k = 0; k < 3; k++) {
    a.sets[k] = reinterpret_cast<fd_set*>(GetStruct(info, 1 + k, names[k], sizeof(fd_set)));
  }
  a.timeout = GetStruct(info, 4, "timeout", p ? sizeof(timespec) : sizeof(timeval));
  a.mask = p ? GetStruct(info, 5, "sigmask", sizeof(sigset_t)) : nullptr;
  return a;
}

long DoSelect(const SelectArgs& a, bool p) {
  if (p) {
    return pselect(a.nfds, a.sets[0], a.sets[1], a.sets[2], reinterpret_cast<timespec*>(a.timeout),
                   reinterpret_cast<sigset_t*>(a.mask));
  }
  return select(a.nfds, a.sets[0], a.sets[1], a.sets[2], reinterpret_cast<timeval*>(a.timeout));
}

Value SelectSyncImpl(const CallbackInfo& info, bool p) {
  SelectArgs a = GetSelectArgs(info, p);
  if (SetHoldsClosed(info.Env(), a.nfds, a.sets)) {
    errno = EBADF;
    return Result(info, -1);
  }
  return Result(info, DoSelect(a, p));
}

Value SelectSync(const CallbackInfo& info) { return SelectSyncImpl(info, false); }
Value PselectSync(const CallbackInfo& info) { return SelectSyncImpl(info, true); }

bool ZeroTimeout(const uint8_t* t, bool p) {
  if (t == nullptr) return false;
  if (p) {
    timespec ts;
    memcpy(&ts, t, sizeof(ts));
    return ts.tv_sec == 0 && ts.tv_nsec == 0;
  }
  timeval tv;
  memcpy(&tv, t, sizeof(tv));
  return tv.tv_sec == 0 && tv.tv_usec == 0;
}

class SelectJob : public SyscallJob {
 public:
  SelectJob(const CallbackInfo& info, const SelectArgs& a, bool p) : p_(p), nfds_(a.nfds) {
    for (int k = 0; k < 3; k++) {
      if (a.sets[k] == nullptr) continue;
      memcpy(&sets_[k], a.sets[k], sizeof(fd_set));
      views_[k] = Hold(info, 1 + k);
    }
    if (a.timeout != nullptr) {
      memcpy(&timeout_, a.timeout, p ? sizeof(timespec) : sizeof(timeval));
      timeoutView_ = Hold(info, 4);
    }
    if (a.mask != nullptr) {
      memcpy(&mask_, a.mask, sizeof(sigset_t));
      hasMask_ = true;
    }
  }

  long Call() override {
    SelectArgs a{nfds_, {}, nullptr, hasMask_ ? reinterpret_cast<uint8_t*>(&mask_) : nullptr};
    for (int k = 0; k < 3; k++) a.sets[k] = views_[k] != nullptr ? &sets_[k] : nullptr;
    if (timeoutView_ != nullptr) a.timeout = reinterpret_cast<uint8_t*>(&timeout_);
    return DoSelect(a, p_);
  }

  void WriteBack(napi_env env, long ret, int err) override {
    // The kernel writes the sets only when it succeeds, and then only the
    // words that cover nfds descriptors.
    for (int k = 0; k < 3; k++) {
      Bytes b = Referenced(env, views_[k]);
      size_t n = std::min(SetBytes(nfds_), b.length);
      if (ret >= 0 && n > 0) memcpy(b.data, &sets_[k], n);
      Release(env, views_[k]);
    }
#ifdef __linux__
    // Linux writes the time left into select's timeval; pselect's timespec is
    // the C library's copy and stays as it was.
    if (!p_) {
      Bytes b = Referenced(env, timeoutView_);
      if (b.length >= sizeof(timeval)) memcpy(b.data, &timeout_, sizeof(timeval));
    }
#endif
    Release(env, timeoutView_);
  }

 private:
  bool p_;
  int nfds_;
  fd_set sets_[3];
  napi_ref views_[3] = {nullptr, nullptr, nullptr};
  union {
    timeval tv;
    timespec ts;
  } timeout_;
  napi_ref timeoutView_ = nullptr;
  sigset_t mask_;
  bool hasMask_ = false;
};

Value SelectAsync(const CallbackInfo& info, bool p) {
  SelectArgs a = GetSelectArgs(info, p);
  Napi::Function cb = GetCallback(info, p ? 6 : 5);
  if (SetHoldsClosed(info.Env(), a.nfds, a.sets)) {
    errno = EBADF;
    return Completed(info, -1);
  }
  if (ZeroTimeout(a.timeout, p)) return Completed(info, DoSelect(a, p));
  return StartPooled(info, std::make_unique<SelectJob>(info, a, p), cb);
}

Value Select(const CallbackInfo& info) { return SelectAsync(info, false); }
Value Pselect(const CallbackInfo& info) { return SelectAsync(info, true); }

// ---------------------------------------------------------------------------
// poll(2) and ppoll(2)

struct PollArgs {
  pollfd* fds;
  nfds_t nfds;
  int timeout;         // poll
  uint8_t* timespecP;  // ppoll
  uint8_t* mask;       // ppoll
};

PollArgs GetPollArgs(const CallbackInfo& info, bool p) {
  PollArgs a{};
  int64_t n = GetInteger(info, 1, "nfds", 0, UINT32_MAX);
  a.fds = reinterpret_cast<pollfd*>(GetArray(info, 0, "fds", sizeof(pollfd), n));
  a.nfds = static_cast<nfds_t>(n);
  if (p) {
    a.timespecP = GetStruct(info, 2, "tmo_p", sizeof(timespec));
    a.mask = GetStruct(info, 3, "sigmask", sizeof(sigset_t));
  } else {
    a.timeout = GetInt(info, 2, "timeout");
  }
  return a;
}

long DoPoll(const PollArgs& a, bool p) {
#ifdef __linux__
  if (p) {
    return ppoll(a.fds, a.nfds, reinterpret_cast<timespec*>(a.timespecP),
                 reinterpret_cast<sigset_t*>(a.mask));
  }
#else
  (void)p;
#endif
  return poll(a.fds, a.nfds, a.timeout);
}

Value PollSync(const CallbackInfo& info) { return Result(info, DoPoll(GetPollArgs(info, false), false)); }
#ifdef __linux__
Value PpollSync(const CallbackInfo& info) { return Result(info, DoPoll(GetPollArgs(info, true), true)); }
#endif

class PollJob : public SyscallJob {
 public:
  PollJob(const CallbackInfo& info, const PollArgs& a, bool p)
      : p_(p), nfds_(a.nfds), timeout_(a.timeout), fds_(new pollfd[std::max<nfds_t>(a.nfds, 1)]) {
    if (a.nfds > 0) memcpy(fds_.get(), a.fds, a.nfds * sizeof(pollfd));
    view_ = Hold(info, 0);
    if (a.timespecP != nullptr) {
      memcpy(&ts_, a.timespecP, sizeof(ts_));
      hasTs_ = true;
    }
    if (a.mask != nullptr) {
      memcpy(&mask_, a.mask, sizeof(mask_));
      hasMask_ = true;
    }
  }

  long Call() override {
    PollArgs a{fds_.get(), nfds_, timeout_, hasTs_ ? reinterpret_cast<uint8_t*>(&ts_) : nullptr,
               hasMask_ ? reinterpret_cast<uint8_t*>(&mask_) : nullptr};
    return DoPoll(a, p_);
  }

  void WriteBack(napi_env env, long ret, int err) override {
    // The kernel writes every revents (and nothing else) once it has polled,
    // also when a signal ended the wait.
    if (ret >= 0 || err == EINTR) {
      Bytes b = Referenced(env, view_);
      nfds_t fit = std::min<nfds_t>(nfds_, b.length / sizeof(pollfd));
      for (nfds_t i = 0; i < fit; i++) {
        memcpy(b.data + i * sizeof(pollfd) + offsetof(pollfd, revents), &fds_[i].revents,
               sizeof(fds_[i].revents));
      }
    }
    Release(env, view_);
  }

 private:
  bool p_;
  nfds_t nfds_;
  int timeout_;
  std::unique_ptr<pollfd[]> fds_;
  napi_ref view_ = nullptr;
  timespec ts_{};
  bool hasTs_ = false;
  sigset_t mask_;
  bool hasMask_ = false;
};

Value PollAsync(const CallbackInfo& info, bool p) {
  PollArgs a = GetPollArgs(info, p);
  Napi::Function cb = GetCallback(info, p ? 4 : 3);
  bool now = p ? ZeroTimeout(a.timespecP, true) : a.timeout == 0;
  if (now) return Completed(info, DoPoll(a, p));
  return StartPooled(info, std::make_unique<PollJob>(info, a, p), cb);
}

Value Poll(const CallbackInfo& info) { return PollAsync(info, false); }
#ifdef __linux__
Value Ppoll(const CallbackInfo& info) { return PollAsync(info, true); }
#endif

// ---------------------------------------------------------------------------
// epoll(7)

#ifdef __linux__

Value EpollCreate(const CallbackInfo& info) {
  int fd = epoll_create(GetInt(info, 0, "size"));
  if (fd >= 0) NoteEpoll(fd, false);  // the program's (not the runtime's), and no socket
  return Result(info, fd);
}

Value EpollCreate1(const CallbackInfo& info) {
  int fd = epoll_create1(GetInt(info, 0, "flags"));
  if (fd >= 0) NoteEpoll(fd, false);
  return Result(info, fd);
}

Value EpollCtl(const CallbackInfo& info) {
  int epfd = GetInt(info, 0, "epfd");
  int op = GetInt(info, 1, "op");
  int fd = GetInt(info, 2, "fd");
  auto* ev = reinterpret_cast<epoll_event*>(GetStruct(info, 3, "event", sizeof(epoll_event)));
  // Closed in flight, or the event loop's own epoll instance or descriptor (runtime_fds.h).
  if (RefuseCall(info.Env(), epfd) || RefuseCall(info.Env(), fd)) return Result(info, -1);
  return Result(info, epoll_ctl(epfd, op, fd, ev));
}

struct WaitArgs {
  int epfd;
  epoll_event* events;
  int maxevents;
  int timeout;
  uint8_t* mask;  // epoll_pwait
};

WaitArgs GetWaitArgs(const CallbackInfo& info, bool p) {
  WaitArgs a{};
  a.epfd = GetInt(info, 0, "epfd");
  a.maxevents = GetInt(info, 2, "maxevents");
  a.events = reinterpret_cast<epoll_event*>(GetArray(info, 1, "events", sizeof(epoll_event), a.maxevents));
  a.timeout = GetInt(info, 3, "timeout");
  a.mask = p ? GetStruct(info, 4, "sigmask", sizeof(sigset_t)) : nullptr;
  return a;
}

long DoWait(const WaitArgs& a, bool p) {
  if (p) return epoll_pwait(a.epfd, a.events, a.maxevents, a.timeout, reinterpret_cast<sigset_t*>(a.mask));
  return epoll_wait(a.epfd, a.events, a.maxevents, a.timeout);
}

// Waiting on the event loop's own epoll instance would take its events (runtime_fds.h).
Value EpollWaitSyncImpl(const CallbackInfo& info, bool p) {
  WaitArgs a = GetWaitArgs(info, p);
  return Result(info, RefuseCall(info.Env(), a.epfd) ? -1 : DoWait(a, p));
}

Value EpollWaitSync(const CallbackInfo& info) { return EpollWaitSyncImpl(info, false); }
Value EpollPwaitSync(const CallbackInfo& info) { return EpollWaitSyncImpl(info, true); }

class WaitJob : public SyscallJob {
 public:
  WaitJob(const CallbackInfo& info, const WaitArgs& a, bool p)
      : p_(p), args_(a), events_(new epoll_event[std::max(a.maxevents, 1)]) {
    args_.events = events_.get();
    view_ = Hold(info, 1);
    if (a.mask != nullptr) {
      memcpy(&mask_, a.mask, sizeof(mask_));
      args_.mask = reinterpret_cast<uint8_t*>(&mask_);
    }
  }

  long Call() override { return DoWait(args_, p_); }

  void WriteBack(napi_env env, long ret, int err) override {
    // The kernel writes the ready events only.
    if (ret > 0) {
      Bytes b = Referenced(env, view_);
      size_t n = std::min(static_cast<size_t>(ret), b.length / sizeof(epoll_event));
      memcpy(b.data, events_.get(), n * sizeof(epoll_event));
    }
    Release(env, view_);
  }

 private:
  bool p_;
  WaitArgs args_;
  std::unique_ptr<epoll_event[]> events_;
  napi_ref view_ = nullptr;
  sigset_t mask_;
};

Value EpollWaitAsync(const CallbackInfo& info, bool p) {
  WaitArgs a = GetWaitArgs(info, p);
  Napi::Function cb = GetCallback(info, p ? 5 : 4);
  if (RefuseCall(info.Env(), a.epfd)) return Completed(info, -1);
  if (a.timeout == 0) return Completed(info, DoWait(a, p));
  return StartPooled(info, std::make_unique<WaitJob>(info, a, p), cb);
}

Value EpollWait(const CallbackInfo& info) { return EpollWaitAsync(info, false); }
Value EpollPwait(const CallbackInfo& info) { return EpollWaitAsync(info, true); }

#endif  // __linux__

}  // namespace

void ExportMultiplex(Napi::Env env, Napi::Object exports) {
  Napi::Object layout = Napi::Object::New(env);
  AddLayout(env, layout);
  exports.Set("multiplexLayout", layout);

  auto fn = [&](const char* name, Napi::Function::Callback cb) {
    exports.Set(name, Napi::Function::New(env, cb, name));
  };
  fn("sigemptyset", SigsetOp<Sigemptyset>);
  fn("sigfillset", SigsetOp<Sigfillset>);
  fn("sigaddset", SigsetSignoOp<Sigaddset>);
  fn("sigdelset", SigsetSignoOp<Sigdelset>);
  fn("sigismember", SigsetSignoOp<Sigismember>);
  fn("selectSync", SelectSync);
  fn("select", Select);
  fn("pselectSync", PselectSync);
  fn("pselect", Pselect);
  fn("pollSync", PollSync);
  fn("poll", Poll);
#ifdef __linux__
  fn("ppollSync", PpollSync);
  fn("ppoll", Ppoll);
  fn("epoll_create", EpollCreate);
  fn("epoll_create1", EpollCreate1);
  fn("epoll_ctl", EpollCtl);
  fn("epoll_waitSync", EpollWaitSync);
  fn("epoll_wait", EpollWait);
  fn("epoll_pwaitSync", EpollPwaitSync);
  fn("epoll_pwait", EpollPwait);
#endif
}

}  // namespace posix_sockets
