// The socket syscalls. Each is called with exactly the arguments the JS caller
// gave, as a C program would make it: no flag is added (no SOCK_CLOEXEC, no
// MSG_NOSIGNAL, no O_NONBLOCK), so strace shows the same calls for both.
//
// Sync functions return the syscall's result and, when it is -1, leave errno
// in lastCall[kErrnoSlot] (addon.h). Calls that return a length through a
// pointer (accept, getsockname, getsockopt, recvfrom) leave it in
// lastCall[kOutLenSlot].
//
// Async functions take a trailing callback(ret, errno, outlen) and are
// dispatched by reactor/reactor.cc: at once on the caller's memory when the call
// cannot block, otherwise later on memory the operation owns (data to send is
// copied at call time, received data and addresses are copied out on
// completion), so a buffer collected or detached meanwhile is never written
// through a stale pointer.
#include "addon.h"
#include "reactor/op.h"
#include "reactor/facts.h"
#include "reactor/reactor.h"
#include "runtime_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace posix_sockets {

namespace {

using Napi::CallbackInfo;
using Napi::Value;

// ---------------------------------------------------------------------------
// Argument helpers

size_t GetLength(const CallbackInfo& info, size_t index, const char* what, size_t limit,
                 const char* limitName) {
  int64_t n = GetInteger(info, index, what, 0, INT64_C(9007199254740991));
  if (static_cast<uint64_t>(n) > limit) {
    throw Napi::RangeError::New(info.Env(), std::string("argument '") + what + "' (" +
                                                std::to_string(n) + ") exceeds the size of '" +
                                                limitName + "' (" + std::to_string(limit) +
                                                " bytes)");
  }
  return static_cast<size_t>(n);
}

// addr + addrlen as passed to bind/connect/sendto: addr may be null.
struct AddrIn {
  const uint8_t* data = nullptr;
  socklen_t len = 0;
};

AddrIn GetAddrIn(const CallbackInfo& info, size_t index) {
  Bytes b = GetOptionalBytes(info, index, "addr");
  AddrIn a;
  if (b.data == nullptr) {
    // C passes addrlen through even with a null addr; the kernel judges it.
    a.len = static_cast<socklen_t>(GetInteger(info, index + 1, "addrlen", 0, UINT32_MAX));
    return a;
  }
  a.data = b.data;
  a.len = static_cast<socklen_t>(GetLength(info, index + 1, "addrlen", b.length, "addr"));
  return a;
}

// A descriptor the caller closed while a pool thread was still inside a call
// on it: closed as far as the caller can tell (the number is only held until
// that call ends), so every call on it fails as on a closed descriptor. The
// same for a descriptor the Node runtime owns (runtime_fds.h).
bool RejectClosedInFlight(const CallbackInfo& info, int fd) { return RefuseCall(info.Env(), fd); }

Value Result(const CallbackInfo& info, ssize_t ret) {
  if (ret == -1) State(info.Env()).lastCall[kErrnoSlot] = errno;
  return Napi::Number::New(info.Env(), static_cast<double>(ret));
}

void SetOutLen(const CallbackInfo& info, socklen_t len) {
  State(info.Env()).lastCall[kOutLenSlot] = static_cast<int32_t>(len);
}

Napi::Function GetCallback(const CallbackInfo& info, size_t index) {
  if (!info[index].IsFunction()) {
    throw Napi::TypeError::New(info.Env(), "argument 'callback' must be a function");
  }
  return info[index].As<Napi::Function>();
}

// ---------------------------------------------------------------------------
// Calls that never block (or that C programs treat as not blocking)

Value Socket(const CallbackInfo& info) {
  int domain = GetInt(info, 0, "domain");
  int type = GetInt(info, 1, "type");
  int protocol = GetInt(info, 2, "protocol");
  int fd = socket(domain, type, protocol);
  if (fd >= 0) {
    int saved = errno;
    NoteSocket(fd, domain, type);  // the number may have been another descriptor's
    errno = saved;
  }
  return Result(info, fd);
}

Value Bind(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  AddrIn a = GetAddrIn(info, 1);
  return Result(info, RejectClosedInFlight(info, fd) ? -1 : bind(fd, reinterpret_cast<const sockaddr*>(a.data), a.len));
}

Value Listen(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  int backlog = GetInt(info, 1, "backlog");
  int ret = RejectClosedInFlight(info, fd) ? -1 : listen(fd, backlog);
  if (ret == 0) NoteListen(fd);
  return Result(info, ret);
}

Value Close(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  // Through the reactor: calls in flight on fd must finish before the number is released.
  return Result(info, RefuseRuntimeFd(info.Env(), fd) ? -1 : CloseFd(info.Env(), fd));
}

Value Shutdown(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  int how = GetInt(info, 1, "how");
  int ret = RejectClosedInFlight(info, fd) ? -1 : shutdown(fd, how);
  if (ret == 0) NoteShutdown(fd);
  return Result(info, ret);
}

Value Setsockopt(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  int level = GetInt(info, 1, "level");
  int optname = GetInt(info, 2, "optname");
  Bytes v = GetOptionalBytes(info, 3, "optval");
  socklen_t optlen;
  if (v.data == nullptr) {
    optlen = static_cast<socklen_t>(GetInteger(info, 4, "optlen", 0, UINT32_MAX));
  } else {
    optlen = static_cast<socklen_t>(GetLength(info, 4, "optlen", v.length, "optval"));
  }
  int ret = RejectClosedInFlight(info, fd) ? -1 : setsockopt(fd, level, optname, v.data, optlen);
  if (ret == 0) NoteSetsockopt(fd, level, optname, v.data, optlen);
  return Result(info, ret);
}

Value Getsockopt(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  int level = GetInt(info, 1, "level");
  int optname = GetInt(info, 2, "optname");
  Bytes v = GetBytes(info, 3, "optval");
  socklen_t optlen = static_cast<socklen_t>(GetLength(info, 4, "optlen", v.length, "optval"));
  int ret = RejectClosedInFlight(info, fd) ? -1 : getsockopt(fd, level, optname, v.data, &optlen);
  Value r = Result(info, ret);
  if (ret == 0) SetOutLen(info, optlen);
  return r;
}

// getsockname(2) and getpeername(2) share a signature.
template <int (*Fn)(int, sockaddr*, socklen_t*)>
Value GetName(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  Bytes a = GetBytes(info, 1, "addr");
  socklen_t len = static_cast<socklen_t>(GetLength(info, 2, "addrlen", a.length, "addr"));
  int ret = RejectClosedInFlight(info, fd) ? -1 : Fn(fd, reinterpret_cast<sockaddr*>(a.data), &len);
  Value r = Result(info, ret);
  if (ret == 0) SetOutLen(info, len);
  return r;
}

int GetsocknameFn(int fd, sockaddr* a, socklen_t* l) { return getsockname(fd, a, l); }
int GetpeernameFn(int fd, sockaddr* a, socklen_t* l) { return getpeername(fd, a, l); }

Value Fcntl(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  int cmd = GetInt(info, 1, "cmd");
  int arg = info[2].IsUndefined() ? 0 : GetInt(info, 2, "arg");
  int ret = RejectClosedInFlight(info, fd) ? -1 : fcntl(fd, cmd, arg);
  if (ret != -1) NoteFcntl(fd, cmd, arg);
  return Result(info, ret);
}

// ---------------------------------------------------------------------------
// Calls that can block: a sync twin on the calling thread, and an async form
// dispatched by the reactor (at once, after readiness, or on the library's
// own pool; never the libuv threadpool). Both make the identical syscall.

// addr + *addrlen as passed to accept/recvfrom: both may be null.
struct AddrOut {
  Bytes bytes;          // the caller's memory (sync) or where to copy back (async)
  bool present = false;  // addr is not null
  bool hasLen = false;   // addrlen is not null
  socklen_t len = 0;
};

AddrOut GetAddrOut(const CallbackInfo& info, size_t index) {
  AddrOut o;
  o.bytes = GetOptionalBytes(info, index, "addr");
  o.present = o.bytes.data != nullptr;
  Napi::Value l = info[index + 1];
  if (l.IsNull() || l.IsUndefined()) return o;
  o.hasLen = true;
  o.len = o.present ? static_cast<socklen_t>(GetLength(info, index + 1, "addrlen",
                                                       o.bytes.length, "addr"))
                    : static_cast<socklen_t>(GetInteger(info, index + 1, "addrlen", 0,
                                                        UINT32_MAX));
  return o;
}

Value AcceptSyncImpl(const CallbackInfo& info, bool useAccept4) {
  int fd = GetInt(info, 0, "fd");
  AddrOut o = GetAddrOut(info, 1);
  int flags = useAccept4 ? GetInt(info, 3, "flags") : 0;
  socklen_t len = o.len;
  ssize_t ret = RejectClosedInFlight(info, fd) ? -1 : DoAccept(fd, o.present ? reinterpret_cast<sockaddr*>(o.bytes.data) : nullptr,
                         o.hasLen ? &len : nullptr, flags, useAccept4);
  Value r = Result(info, ret);
  if (ret >= 0 && o.hasLen) SetOutLen(info, len);
  return r;
}

Value AcceptSync(const CallbackInfo& info) { return AcceptSyncImpl(info, false); }
#ifdef __linux__
Value Accept4Sync(const CallbackInfo& info) { return AcceptSyncImpl(info, true); }
#endif

Value ConnectSync(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  AddrIn a = GetAddrIn(info, 1);
  return Result(info, RejectClosedInFlight(info, fd) ? -1 : connect(fd, reinterpret_cast<const sockaddr*>(a.data), a.len));
}

Value SendSync(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  Bytes b = GetBytes(info, 1, "buf");
  size_t len = GetLength(info, 2, "len", b.length, "buf");
  int flags = GetInt(info, 3, "flags");
  return Result(info, RejectClosedInFlight(info, fd) ? -1 : send(fd, b.data, len, flags));
}

Value SendtoSync(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  Bytes b = GetBytes(info, 1, "buf");
  size_t len = GetLength(info, 2, "len", b.length, "buf");
  int flags = GetInt(info, 3, "flags");
  AddrIn a = GetAddrIn(info, 4);
  return Result(info, RejectClosedInFlight(info, fd) ? -1 : sendto(fd, b.data, len, flags, reinterpret_cast<const sockaddr*>(a.data),
                             a.len));
}

Value RecvSync(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  Bytes b = GetBytes(info, 1, "buf");
  size_t len = GetLength(info, 2, "len", b.length, "buf");
  int flags = GetInt(info, 3, "flags");
  return Result(info, RejectClosedInFlight(info, fd) ? -1 : recv(fd, b.data, len, flags));
}

Value RecvfromSync(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  Bytes b = GetBytes(info, 1, "buf");
  size_t len = GetLength(info, 2, "len", b.length, "buf");
  int flags = GetInt(info, 3, "flags");
  AddrOut o = GetAddrOut(info, 4);
  socklen_t alen = o.len;
  ssize_t ret = RejectClosedInFlight(info, fd) ? -1 : recvfrom(fd, b.data, len, flags,
                         o.present ? reinterpret_cast<sockaddr*>(o.bytes.data) : nullptr,
                         o.hasLen ? &alen : nullptr);
  Value r = Result(info, ret);
  if (ret >= 0 && o.hasLen) SetOutLen(info, alen);
  return r;
}

// ---------------------------------------------------------------------------
// Async forms: each builds an Op over the caller's memory and hands it to the
// reactor (reactor/reactor.cc), which runs it at once if it cannot block, or later.
// They return the op's id (0 if it already completed) for cancellation.

constexpr size_t kNone = SIZE_MAX;

Value StartOp(const CallbackInfo& info, std::unique_ptr<Op> op, size_t viewIndex,
              size_t addrIndex, size_t callbackIndex) {
  GetCallback(info, callbackIndex);
  return Napi::Number::New(info.Env(), Start(info.Env(), std::move(op), info, viewIndex, addrIndex, callbackIndex));
}

Value AcceptAsync(const CallbackInfo& info, bool useAccept4) {
  auto op = std::make_unique<Op>();
  op->kind = OpKind::Accept;
  op->useAccept4 = useAccept4;
  op->fd = GetInt(info, 0, "fd");
  AddrOut o = GetAddrOut(info, 1);
  op->flags = useAccept4 ? GetInt(info, 3, "flags") : 0;
  op->addr = o.present ? o.bytes.data : nullptr;
  op->addrPresent = o.present;
  op->lenPresent = o.hasLen;
  op->addrLenIn = o.len;
  return StartOp(info, std::move(op), kNone, 1, useAccept4 ? 4 : 3);
}

Value Accept(const CallbackInfo& info) { return AcceptAsync(info, false); }
#ifdef __linux__
Value Accept4(const CallbackInfo& info) { return AcceptAsync(info, true); }
#endif

Value Connect(const CallbackInfo& info) {
  auto op = std::make_unique<Op>();
  op->kind = OpKind::Connect;
  op->fd = GetInt(info, 0, "fd");
  AddrIn a = GetAddrIn(info, 1);
  op->addr = const_cast<uint8_t*>(a.data);
  op->addrPresent = a.data != nullptr;
  op->addrLenIn = a.len;
  return StartOp(info, std::move(op), kNone, 1, 3);
}

Value SendAsync(const CallbackInfo& info, bool to) {
  auto op = std::make_unique<Op>();
  op->kind = OpKind::Send;
  op->takesAddress = to;
  op->fd = GetInt(info, 0, "fd");
  Bytes b = GetBytes(info, 1, "buf");
  op->len = GetLength(info, 2, "len", b.length, "buf");
  op->buf = b.data;
  op->flags = GetInt(info, 3, "flags");
  if (to) {
    AddrIn a = GetAddrIn(info, 4);
    op->addr = const_cast<uint8_t*>(a.data);
    op->addrPresent = a.data != nullptr;
    op->addrLenIn = a.len;
  }
  return StartOp(info, std::move(op), 1, to ? 4 : kNone, to ? 6 : 4);
}

Value Send(const CallbackInfo& info) { return SendAsync(info, false); }
Value Sendto(const CallbackInfo& info) { return SendAsync(info, true); }

Value RecvAsync(const CallbackInfo& info, bool from) {
  auto op = std::make_unique<Op>();
  op->kind = OpKind::Recv;
  op->takesAddress = from;
  op->fd = GetInt(info, 0, "fd");
  Bytes b = GetBytes(info, 1, "buf");
  op->len = GetLength(info, 2, "len", b.length, "buf");
  op->buf = b.data;
  op->flags = GetInt(info, 3, "flags");
  if (from) {
    AddrOut o = GetAddrOut(info, 4);
    op->addr = o.present ? o.bytes.data : nullptr;
    op->addrPresent = o.present;
    op->lenPresent = o.hasLen;
    op->addrLenIn = o.len;
  }
  return StartOp(info, std::move(op), 1, from ? 4 : kNone, from ? 6 : 4);
}

Value Recv(const CallbackInfo& info) { return RecvAsync(info, false); }
Value Recvfrom(const CallbackInfo& info) { return RecvAsync(info, true); }

Value CancelOp(const CallbackInfo& info) {
  uint32_t id = static_cast<uint32_t>(GetInteger(info, 0, "id", 0, UINT32_MAX));
  int err = GetInt(info, 1, "errno");
  return Napi::Boolean::New(info.Env(), Cancel(info.Env(), id, err));
}

}  // namespace

void ExportCalls(Napi::Env env, Napi::Object exports) {
  auto fn = [&](const char* name, Napi::Function::Callback cb) {
    exports.Set(name, Napi::Function::New(env, cb, name));
  };
  fn("socket", Socket);
  fn("bind", Bind);
  fn("listen", Listen);
  fn("close", Close);
  fn("shutdown", Shutdown);
  fn("setsockopt", Setsockopt);
  fn("getsockopt", Getsockopt);
  fn("getsockname", GetName<GetsocknameFn>);
  fn("getpeername", GetName<GetpeernameFn>);
  fn("fcntl", Fcntl);
  fn("acceptSync", AcceptSync);
  fn("accept", Accept);
#ifdef __linux__
  fn("accept4Sync", Accept4Sync);
  fn("accept4", Accept4);
#endif
  fn("connectSync", ConnectSync);
  fn("connect", Connect);
  fn("sendSync", SendSync);
  fn("send", Send);
  fn("sendtoSync", SendtoSync);
  fn("sendto", Sendto);
  fn("recvSync", RecvSync);
  fn("recv", Recv);
  fn("recvfromSync", RecvfromSync);
  fn("recvfrom", Recvfrom);
  fn("cancel", CancelOp);
  fn("reactorStats", ReactorStats);
}

}  // namespace posix_sockets
